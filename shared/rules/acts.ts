/** Validity of authorisations and accreditations, and the inspections due (Reg. zonale artt. 11, 14, 17). */
import { addDays, compareDates, daysInMonth, educationalYearStart, formatIsoDate, type IsoDate } from '../dates.ts';
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
  // A regulation that does not say how long an act lasts gives no end date (never another territory's):
  // callers ask `statesActValidity` first.
  if (rs.acts.validEducationalYears === null) throw new RangeError(`${rs.id}@${rs.version}: durata degli atti non indicata`);
  const startMonth = rs.acts.educationalYearStartMonth;
  const issueYear = educationalYearStart(issuedOn, startMonth);
  // The day before the first of `startMonth` in the year after the last one: the end of the month before.
  const yearAfter = issueYear + 1 + rs.acts.validEducationalYears;
  const validUntil =
    startMonth === 1
      ? formatIsoDate({ year: yearAfter - 1, month: 12, day: 31 })
      : formatIsoDate({ year: yearAfter, month: startMonth - 1, day: daysInMonth(yearAfter, startMonth - 1) });
  return { validUntil, warnFrom: addDays(validUntil, -rs.acts.expiryWarningDays) };
}

/** Whether the rule set says how long an authorisation or accreditation lasts (`actValidity` needs it). */
export function statesActValidity(rs: RuleSet): boolean {
  return rs.acts.validEducationalYears !== null;
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
  return { ...v, status: standingOn(v, asOf) };
}

/** The status part of `actStatus`, for a validity already computed. */
export function standingOn(v: ActValidity, asOf: IsoDate): ActStanding['status'] {
  return compareDates(asOf, v.validUntil) > 0 ? 'expired' : compareDates(asOf, v.warnFrom) >= 0 ? 'expiring' : 'valid';
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
  // Periodic inspections with no minimum: no period is owed.
  if (n === null) return { periods: [], nextDueBy: null, overdue: false };
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
 * The visits `serviceInspectionsDue` looks at on `asOf`: the latest one up to `asOf`, and those
 * from `from` (1 January of asOf's year: the periods are calendar ones) to `asOf`. Given only
 * those it answers the same as given every visit ever made, so a list can fetch just them.
 */
export function inspectionsDueWindow(asOf: IsoDate): { from: IsoDate; asOf: IsoDate } {
  return { from: formatIsoDate({ year: Number(asOf.slice(0, 4)), month: 1, day: 1 }), asOf };
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
  /**
   * What the inspector reads: an inspection is owed by `by` (the current period has none yet), or
   * the service is in order until `by` (the end of the next period, across the year if need be).
   * Null when Art. 17 does not bind the service.
   */
  standing: InspectionStanding | null;
}

export interface InspectionStanding {
  kind: 'due' | 'in_order';
  by: IsoDate;
}

function standingOf(rs: RuleSet, done: readonly IsoDate[], asOf: IsoDate, activeSince: IsoDate, now: InspectionsDue): InspectionStanding {
  const containing = (d: InspectionsDue, day: IsoDate) =>
    d.periods.find((p) => compareDates(p.from, day) <= 0 && compareDates(day, p.to) <= 0);
  const current = containing(now, asOf);
  if (current && current.status !== 'done') return { kind: 'due', by: current.to };
  // The current period is covered (or not owed yet): the next one owed is what the service is in order until.
  let day = current ? addDays(current.to, 1) : asOf;
  // Bounded: a year and a half of periods ahead is enough whatever the act's date.
  for (let guard = 0; ; guard++) {
    const p = containing(inspectionsDue(rs, done, day, activeSince), day);
    if ((p && p.status !== 'done') || guard === 24) return { kind: 'in_order', by: p?.to ?? day };
    // A period before the first act is not listed: step over it all the same.
    day = addDays(p ? p.to : containing(inspectionsDue(rs, done, day), day)!.to, 1);
  }
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
  // No act, or a regulation that sets no number of inspections: nothing is owed by count.
  if (!acts.length || rs.inspections.perYear === null)
    return { bound: false, lastVisit, periods: [], nextDueBy: null, overdue: false, standing: null };
  const due = inspectionsDue(rs, done, asOf, acts[0]);
  return { bound: true, lastVisit, ...due, standing: standingOf(rs, done, asOf, acts[0]!, due) };
}
