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

export interface ActStanding extends ActValidity {
  /** `expired` the day after `validUntil`; `expiring` from `warnFrom` up to and including `validUntil`. */
  status: 'valid' | 'expiring' | 'expired';
}

/**
 * Where an act stands on `asOf` (artt. 11, 14: an authorisation or accreditation lapses at the end
 * of its validity; the renewal is started within the warning window, so that day is `expiring`).
 */
export function actStatus(rs: RuleSet, issuedOn: IsoDate, asOf: IsoDate): ActStanding {
  const v = actValidity(rs, issuedOn);
  const status = compareDates(asOf, v.validUntil) > 0 ? 'expired' : compareDates(asOf, v.warnFrom) >= 0 ? 'expiring' : 'valid';
  return { ...v, status };
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
export function inspectionsDue(
  rs: RuleSet,
  inspectionDates: readonly IsoDate[],
  asOf: IsoDate,
  activeSince?: IsoDate | null,
): InspectionsDue {
  const year = Number(asOf.slice(0, 4));
  const n = rs.inspections.perYear;
  const months = 12 / n;
  if (!Number.isInteger(months)) throw new RangeError('inspections per year must divide 12');
  const periods: InspectionsDue['periods'] = [];
  for (let i = 0; i < n; i++) {
    const from = formatIsoDate({ year, month: i * months + 1, day: 1 });
    const to = addDays(
      i === n - 1 ? formatIsoDate({ year: year + 1, month: 1, day: 1 }) : formatIsoDate({ year, month: (i + 1) * months + 1, day: 1 }),
      -1,
    );
    const done = inspectionDates.filter((d) => compareDates(d, from) >= 0 && compareDates(d, to) <= 0).sort();
    if (activeSince && compareDates(to, activeSince) < 0) continue;
    const status = done.length ? 'done' : compareDates(asOf, to) > 0 ? 'overdue' : compareDates(asOf, from) >= 0 ? 'due' : 'future';
    periods.push({ from, to, done, status });
  }
  const next = periods.find((p) => p.status === 'due' || p.status === 'future');
  return { periods, nextDueBy: next ? next.to : null, overdue: periods.some((p) => p.status === 'overdue') };
}

/**
 * The first day whose visits can appear in `inspectionsDue(…, asOf)`'s periods (they split the
 * calendar year of `asOf`): a caller holding many visits needs to pass only those from this day
 * to `asOf`, and the latest one before it (for `lastVisit`).
 */
export function inspectionsDueFrom(asOf: IsoDate): IsoDate {
  return `${asOf.slice(0, 4)}-01-01` as IsoDate;
}

/** The acts of a service, as the registry keeps them (laptop and office alike). */
export interface ServiceActs {
  authorizationIssuedOn?: IsoDate | null;
  accreditationIssuedOn?: IsoDate | null;
}

export interface ServiceInspectionsDue extends InspectionsDue {
  /** False when the service has neither act: Art. 17 does not bind it, nothing is owed. */
  bound: boolean;
  /** The latest visit up to `asOf`: a visit booked for a later day is not an inspection made. */
  lastVisit: IsoDate | null;
}

/**
 * Art. 17 for one service, the same on the laptop and at the office: visits after `asOf` do not
 * count, and the obligation starts on the day the first act (authorisation or accreditation) was issued.
 */
export function serviceInspectionsDue(
  rs: RuleSet,
  service: ServiceActs,
  visitDates: readonly IsoDate[],
  asOf: IsoDate,
): ServiceInspectionsDue {
  const done = visitDates.filter((d) => compareDates(d, asOf) <= 0).sort(compareDates);
  const lastVisit = done[done.length - 1] ?? null;
  const acts = [service.authorizationIssuedOn, service.accreditationIssuedOn].filter((d): d is IsoDate => Boolean(d)).sort(compareDates);
  if (!acts.length) return { bound: false, lastVisit, periods: [], nextDueBy: null, overdue: false };
  return { bound: true, lastVisit, ...inspectionsDue(rs, done, asOf, acts[0]) };
}
