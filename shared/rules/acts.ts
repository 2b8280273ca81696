/** Validity of authorisations and accreditations, and the inspections due (Reg. zonale artt. 11, 14, 17). */
import { addDays, compareDates, educationalYearStart, formatIsoDate, type IsoDate } from '../dates.ts';
import type { RuleSet } from './ruleset.ts';

export interface ActValidity {
  validUntil: IsoDate;
  /** From this day the act is about to expire (warning window). */
  warnFrom: IsoDate;
}

/**
 * Valid for the N educational years after the one of issue: issued 2024-10-15 (year 2024/25) →
 * until 2028-08-31; issued 2024-06-10 (year 2023/24) → until 2027-08-31.
 */
export function actValidity(rs: RuleSet, issuedOn: IsoDate): ActValidity {
  const startMonth = rs.acts.educationalYearStartMonth;
  const issueYear = educationalYearStart(issuedOn, startMonth);
  const firstDayAfter = formatIsoDate({ year: issueYear + 1 + rs.acts.validEducationalYears, month: startMonth, day: 1 });
  const validUntil = addDays(firstDayAfter, -1);
  return { validUntil, warnFrom: addDays(validUntil, -rs.acts.expiryWarningDays) };
}

export interface InspectionsDue {
  /** Calendar periods the year is split into, one inspection due in each. */
  periods: Array<{ from: IsoDate; to: IsoDate; done: IsoDate[]; status: 'done' | 'due' | 'overdue' | 'future' }>;
  /** The end of the first period without an inspection, from the current one on; null if none is left this year. */
  nextDueBy: IsoDate | null;
  overdue: boolean;
}

/**
 * Art. 17: at least N inspections a year. Interpretation `inspections.semester` v1: the calendar year is
 * split into N equal periods of months, each needing one inspection. Art. 17 binds authorised and
 * accredited structures: periods that ended before `activeSince` (the first act's issue date) are
 * not owed and are left out.
 */
export function inspectionsDue(rs: RuleSet, inspectionDates: readonly IsoDate[], asOf: IsoDate, activeSince?: IsoDate | null): InspectionsDue {
  const year = Number(asOf.slice(0, 4));
  const n = rs.inspections.perYear;
  const months = 12 / n;
  if (!Number.isInteger(months)) throw new RangeError('inspections per year must divide 12');
  const periods: InspectionsDue['periods'] = [];
  for (let i = 0; i < n; i++) {
    const from = formatIsoDate({ year, month: i * months + 1, day: 1 });
    const to = addDays(i === n - 1 ? formatIsoDate({ year: year + 1, month: 1, day: 1 }) : formatIsoDate({ year, month: (i + 1) * months + 1, day: 1 }), -1);
    const done = inspectionDates.filter((d) => compareDates(d, from) >= 0 && compareDates(d, to) <= 0).sort();
    if (activeSince && compareDates(to, activeSince) < 0) continue;
    const status = done.length ? 'done' : compareDates(asOf, to) > 0 ? 'overdue' : compareDates(asOf, from) >= 0 ? 'due' : 'future';
    periods.push({ from, to, done, status });
  }
  const next = periods.find((p) => p.status === 'due' || p.status === 'future');
  return { periods, nextDueBy: next ? next.to : null, overdue: periods.some((p) => p.status === 'overdue') };
}
