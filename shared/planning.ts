/**
 * Planning the visits at the office (issue 14), pure: what the registry of people and planned
 * visits accepts, what a visit's commission lacks (Zona reg. art. 15), what conflicts a planned
 * visit has (a member booked twice the same half-day, a Sunday or a public holiday, the service
 * closed by the territory's calendar), and the proposal for a period: one visit per structure
 * still due under Art. 17 (`serviceInspectionsDue`), with a commission that meets Art. 15.
 * Holidays come from the caller (`holidayName`): the office asks `date-holidays`, and shared/ stays
 * free of anything but zod. A territory is data: its schedule rule is its rule set's
 * `inspections.perYear`, its calendar and commission are fields of the territory.
 */
import { z } from 'zod';
import { addDays, compareDates, daysBetween, toDayNumber, type IsoDate } from './dates.ts';
import { InputDateSchema, PersonRole, PlanReason, Purpose, PURPOSE_LABELS, type PersonRole as Role } from './domain.ts';
import { followUpFrom } from './follow-up.ts';
import { inspectionsDue, type ServiceActs } from './rules/acts.ts';
import type { RuleSet } from './rules/ruleset.ts';
import type { Territory } from './territories/schema.ts';
import { lineText } from './text.ts';
import { VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE, visitTimesProblem } from './times.ts';

export const PLAN_STATUSES = ['proposed', 'accepted', 'dropped'] as const;
export const PlanStatus = z.enum(PLAN_STATUSES);
export type PlanStatus = z.infer<typeof PlanStatus>;
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = { proposed: 'proposta', accepted: 'accettata', dropped: 'scartata' };

const Time = z.string().regex(VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE);
// Deliberately loose: the office only needs an address to write to; the mail server is the judge.
const Email = lineText()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'indirizzo e-mail non valido (es. nome@comune.it)');

export const PersonInput = z
  .strictObject({
    name: lineText().trim().min(1, 'il nome è obbligatorio').max(200),
    role: PersonRole,
    /** The Comune a technical referent works for (required for them), or where the person is based. */
    comune: lineText().trim().max(120).nullable().default(null),
    email: Email,
    /** The inspector account (laptop) of this person, when they have one. */
    inspectorId: lineText().min(1).max(100).nullable().default(null),
  })
  .superRefine((p, ctx) => {
    if (p.role === 'referente_tecnico_comune' && !p.comune)
      ctx.addIssue({ code: 'custom', path: ['comune'], message: 'il Comune è obbligatorio per un referente tecnico del Comune' });
  });
export type PersonInput = z.input<typeof PersonInput>;

export interface Person {
  id: string;
  name: string;
  role: Role;
  comune: string | null;
  email: string;
  inspectorId: string | null;
  demo: boolean;
}

/**
 * Where a follow-up comes from: the visit (the office's inspection id) and date, and the positions
 * of its prescriptions it verifies (in deadline order, as the office numbers them).
 */
export const FollowUpOf = z.strictObject({
  inspectionId: lineText().min(1).max(100),
  visitDate: InputDateSchema,
  positions: z.array(z.number().int().min(0)).min(1).max(500),
});
export type FollowUpOf = z.infer<typeof FollowUpOf>;

/** «verifica delle prescrizioni della visita del 12/03/2026» (the territory's word for them). */
export function followUpOrigin(territory: Territory, f: { visitDate: IsoDate }): string {
  return `verifica delle ${territory.prescription.plural} della visita del ${dateText(f.visitDate)}`;
}

export const PlannedVisitInput = z
  .strictObject({
    serviceId: lineText().min(1, 'il servizio è obbligatorio').max(100),
    purpose: Purpose,
    date: InputDateSchema,
    startTime: Time,
    endTime: Time,
    memberIds: z.array(lineText().min(1).max(100)).max(20),
    reason: PlanReason,
    status: PlanStatus.default('proposed'),
    /** A follow-up's origin: the visit whose prescriptions it verifies, and which ones (positions). */
    followUpOf: FollowUpOf.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    const problem = visitTimesProblem(v.startTime, v.endTime);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endTime'], message: problem });
    if (v.followUpOf && v.reason !== 'follow_up')
      ctx.addIssue({
        code: 'custom',
        path: ['followUpOf'],
        message: 'solo una visita di verifica delle prescrizioni ha una visita di origine',
      });
    if (new Set(v.memberIds).size !== v.memberIds.length)
      ctx.addIssue({ code: 'custom', path: ['memberIds'], message: 'la stessa persona è indicata due volte' });
  });
export type PlannedVisitInput = z.input<typeof PlannedVisitInput>;

export interface PlannedVisit {
  id: string;
  serviceId: string;
  purpose: Purpose;
  date: IsoDate;
  startTime: string;
  endTime: string;
  memberIds: string[];
  reason: PlanReason;
  status: PlanStatus;
  followUpOf: FollowUpOf | null;
  demo: boolean;
  /**
   * The received visit that fulfilled it (office migration 13): `plan` when the laptop started it from
   * the plan, `matched` when the office matched a visit sent without one. Absent/null: not done yet.
   */
  fulfilledBy?: { inspectionId: string; revision: number; how: 'plan' | 'matched' } | null;
}

/** What the planner needs to know of a registry service. */
export interface PlanService extends ServiceActs {
  id: string;
  name: string;
  comune: string;
}

const dateText = (d: IsoDate) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
// Italian has no language-specific case mappings (only Turkish, Azeri and Lithuanian have), so this is
// `toLocaleLowerCase('it')` without resolving the locale at each call: it runs for every proposal.
const fold = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

// ---------- the commission (Art. 15) ----------

/**
 * The seats of the territory's commission left empty by `members` for a visit of `service`, by
 * their label («referente tecnico del Comune del servizio»). Each member fills at most one seat.
 * Empty when the territory states no composition.
 */
export function commissionMissing(territory: Territory, service: { comune: string }, members: readonly Person[]): string[] {
  const seats = territory.commission?.seats ?? [];
  // Each Comune folded once (not per seat and member compared): the planner asks this of every proposal.
  const serviceComune = fold(service.comune);
  const free = members.map((p) => ({ p, comune: fold(p.comune) }));
  const missing: string[] = [];
  for (const seat of seats) {
    const i = free.findIndex(
      ({ p, comune }) =>
        p.role === seat.role &&
        (seat.comune === 'any' || (seat.comune === 'service' ? comune === serviceComune : !!p.comune && comune !== serviceComune)),
    );
    if (i < 0) missing.push(seat.label);
    else free.splice(i, 1);
  }
  return missing;
}

/**
 * Art. 15 c.2: for the purposes the territory lists (authorisation, accreditation) an incomplete
 * commission is refused; the message names who is missing. Null when the visit may be planned.
 */
export function commissionRefusal(
  territory: Territory,
  purpose: Purpose,
  service: { comune: string },
  members: readonly Person[],
): string | null {
  const c = territory.commission;
  if (!c || !c.completeFor.includes(purpose)) return null;
  const missing = commissionMissing(territory, service, members);
  if (!missing.length) return null;
  return `commissione incompleta per una visita di ${PURPOSE_LABELS[purpose].toLowerCase()} (${c.completeArticle}): manca ${missing.join(', manca ')}`;
}

// ---------- conflicts ----------

export type HalfDay = 'mattina' | 'pomeriggio';
/** The half-days a time window occupies: the morning ends at 13:00. */
export function halfDays(startTime: string, endTime: string): HalfDay[] {
  const out: HalfDay[] = [];
  const taken = halfDayBits(startTime, endTime);
  if (taken & 1) out.push('mattina');
  if (taken & 2) out.push('pomeriggio');
  return out;
}

/** `halfDays` as bits, for the planner's bookings: 1 the morning, 2 the afternoon. */
function halfDayBits(startTime: string, endTime: string): number {
  return (startTime < '13:00' ? 1 : 0) | (endTime > '13:00' ? 2 : 0);
}

/** 0 Sunday … 6 Saturday (1970-01-01, day 0, was a Thursday). */
export function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

/** Whether the territory's calendar has the services open in that date's month. */
export function calendarOpen(territory: Territory, date: IsoDate): boolean {
  const month = Number(date.slice(5, 7));
  const { fromMonth, toMonth } = territory.calendar;
  return fromMonth <= toMonth ? month >= fromMonth && month <= toMonth : month >= fromMonth || month <= toMonth;
}

export type ConflictKind = 'member_busy' | 'sunday' | 'holiday' | 'closed' | 'commission';
export interface Conflict {
  kind: ConflictKind;
  message: string;
  /** The person concerned (member_busy). */
  personId?: string;
}

/** A visit as the conflict check reads it (a saved one, a proposal, one being typed). */
export interface VisitSlot {
  id?: string | undefined;
  serviceId: string;
  purpose: Purpose;
  date: IsoDate;
  startTime: string;
  endTime: string;
  memberIds: readonly string[];
  status?: PlanStatus | undefined;
  reason?: PlanReason | undefined;
  followUpOf?: FollowUpOf | null | undefined;
}

export interface ConflictContext {
  territory: Territory;
  services: ReadonlyMap<string, PlanService>;
  people: ReadonlyMap<string, Person>;
  /** The other visits of the plan; dropped ones book nobody. */
  others: readonly VisitSlot[];
  /** The name of the public holiday on that date, or null. */
  holidayName: (date: IsoDate) => string | null;
}

/**
 * What is wrong with planning `visit`: shown before it is saved. A conflict does not forbid the
 * visit (a clerk may plan on a holiday knowingly), except an incomplete commission where
 * Art. 15 c.2 wants it complete, which `commissionRefusal` makes a refusal.
 */
export function visitConflicts(visit: VisitSlot, ctx: ConflictContext): Conflict[] {
  const conflicts: Conflict[] = [];
  const slots = halfDays(visit.startTime, visit.endTime);
  for (const personId of visit.memberIds) {
    const clash = ctx.others.find(
      (o) =>
        o.id !== visit.id &&
        o.status !== 'dropped' &&
        o.date === visit.date &&
        o.memberIds.includes(personId) &&
        halfDays(o.startTime, o.endTime).some((h) => slots.includes(h)),
    );
    if (clash) {
      const name = ctx.people.get(personId)?.name ?? personId;
      const where = ctx.services.get(clash.serviceId)?.name ?? clash.serviceId;
      const half = halfDays(clash.startTime, clash.endTime).find((h) => slots.includes(h))!;
      conflicts.push({
        kind: 'member_busy',
        personId,
        message: `${name} è già impegnato/a il ${dateText(visit.date)} (${half}) da «${where}»`,
      });
    }
  }
  if (weekday(visit.date) === 0) conflicts.push({ kind: 'sunday', message: `il ${dateText(visit.date)} è domenica` });
  const holiday = ctx.holidayName(visit.date);
  if (holiday) conflicts.push({ kind: 'holiday', message: `il ${dateText(visit.date)} è festivo: ${holiday}` });
  if (!calendarOpen(ctx.territory, visit.date))
    conflicts.push({ kind: 'closed', message: `il ${dateText(visit.date)} il servizio è chiuso (${ctx.territory.calendar.article})` });
  const service = ctx.services.get(visit.serviceId);
  if (service && ctx.territory.commission) {
    const members = visit.memberIds.map((id) => ctx.people.get(id)).filter((p): p is Person => !!p);
    const missing = commissionMissing(ctx.territory, service, members);
    if (missing.length)
      conflicts.push({
        kind: 'commission',
        message: `commissione incompleta (${ctx.territory.commission.article}): manca ${missing.join(', manca ')}`,
      });
  }
  return conflicts;
}

// ---------- the proposal for a period ----------

export interface PlanInput {
  territory: Territory;
  ruleSet: RuleSet;
  from: IsoDate;
  to: IsoDate;
  services: readonly PlanService[];
  /** Visit dates made, per service id (those `serviceInspectionsDue` needs: see `inspectionsDueWindow`). */
  visitDates: ReadonlyMap<string, readonly IsoDate[]>;
  people: readonly Person[];
  /**
   * Visits already in the plan: they book their members (not the dropped ones), and a structure
   * with a saved visit in a period (dropped too: the clerk decided) is not proposed again for it.
   */
  planned: readonly VisitSlot[];
  holidayName: (date: IsoDate) => string | null;
  /**
   * Prescriptions with a deadline not yet verified (no later visit of the service, no verification
   * received): each visit's prescriptions due by the span's end get one follow-up.
   */
  prescriptions?: readonly OpenPrescription[];
  /** Visits a person is given at most on one day by a proposal (default 1: a visit takes a half-day, the rest is the report). */
  perPersonPerDay?: number;
  /** The time windows of the two half-days a proposal uses. */
  windows?: { mattina: [string, string]; pomeriggio: [string, string] };
}

export interface OpenPrescription {
  /** The visit that gave it and its date. */
  inspectionId: string;
  visitDate: IsoDate;
  /** Its place among the visit's prescriptions (deadline order). */
  position: number;
  serviceId: string;
  deadline: IsoDate;
}

export interface ProposedVisit extends VisitSlot {
  serviceName: string;
  comune: string;
  reason: PlanReason;
  /** The Art. 17 period the visit is due in; for a follow-up, from deadline + the territory's days to the span's end. */
  duePeriod: { from: IsoDate; to: IsoDate };
  /** A follow-up's origin (reason `follow_up`), else null. */
  followUpOf: FollowUpOf | null;
  conflicts: Conflict[];
}

export interface Unplanned {
  serviceId: string;
  serviceName: string;
  duePeriod: { from: IsoDate; to: IsoDate };
  why: string;
}

export interface Plan {
  from: IsoDate;
  to: IsoDate;
  /** The territory's schedule rule as the regulation words it, with its article. */
  schedule: string;
  visits: ProposedVisit[];
  unplanned: Unplanned[];
}

const DEFAULT_WINDOWS = { mattina: ['09:30', '12:30'], pomeriggio: ['14:30', '17:00'] } as const;

export class PlanInputError extends Error {
  constructor(
    message: string,
    readonly field: 'from' | 'to',
  ) {
    super(message);
  }
}

/** At most a year and a day: a plan is per semester; longer asks for more than one year's periods. */
export const MAX_PLAN_DAYS = 366;

/**
 * One visit per structure still due in each Art. 17 period the span [from, to] touches (Zona: one a
 * semester; a territory without a minimum owes none, so nothing is proposed and the clerk adds
 * visits). Each goes on the first weekday of the period's part within the span where the service
 * is open, it is no holiday, and a commission can sit: the least-booked people for each seat, free
 * that half-day and below `perPersonPerDay` visits that day (so a plan spreads over the period). A structure for which no day fits is listed in `unplanned` with the reason.
 */
export function proposePlan(input: PlanInput): Plan {
  const { territory, ruleSet, from, to } = input;
  if (compareDates(from, to) > 0)
    throw new PlanInputError(`la data di inizio (${dateText(from)}) è successiva a quella di fine (${dateText(to)})`, 'to');
  if (daysBetween(from, to) >= MAX_PLAN_DAYS)
    throw new PlanInputError(`il periodo supera ${MAX_PLAN_DAYS} giorni: pianificare un semestre alla volta`, 'to');
  const windows = input.windows ?? DEFAULT_WINDOWS;
  const services = new Map(input.services.map((s) => [s.id, s]));
  const people = new Map(input.people.map((p) => [p.id, p]));
  const perDay = input.perPersonPerDay ?? 1;
  // The holiday calendar is slow to ask (tens of µs a day): once per day of the plan.
  const holidays = new Map<IsoDate, string | null>();
  const holidayName = (day: IsoDate): string | null => {
    if (!holidays.has(day)) holidays.set(day, input.holidayName(day));
    return holidays.get(day)!;
  };
  // The span's open days (a weekday, no holiday, the services open by the territory's calendar), worked
  // out once: every visit placed scans them from its period's start. A half-day is numbered
  // 2 × its day's index + 0 (morning) or 1 (afternoon), in the order they are tried.
  const openDays: IsoDate[] = [];
  for (let day = from; compareDates(day, to) <= 0; day = addDays(day, 1)) {
    const wd = weekday(day);
    if (wd !== 0 && wd !== 6 && !holidayName(day) && calendarOpen(territory, day)) openDays.push(day);
  }
  const dayIndex = new Map(openDays.map((d, i) => [d, i]));
  const board = new Bookings(candidatesOf(input.people), openDays.length, perDay);
  // Every booked visit by day (the conflicts of a new one are with that day's) and every saved or
  // proposed visit's date by structure (one in an Art. 17 period settles it).
  const byDay = new Map<IsoDate, VisitSlot[]>();
  const byService = new Map<string, IsoDate[]>();
  for (const v of input.planned) push(byService, v.serviceId, v.date);
  const book = (v: VisitSlot) => {
    push(byDay, v.date, v);
    board.book(v, dayIndex.get(v.date));
  };
  for (const v of input.planned) if (v.status !== 'dropped') book(v);
  const seats = new Seats(territory, board.candidates, 2 * openDays.length);
  const visits: ProposedVisit[] = [];
  const unplanned: Unplanned[] = [];

  /**
   * The first open weekday in [start, end] with a commission free that half-day (none asked of a
   * territory that states no composition, for a follow-up: its clerk chooses); the reason when none.
   */
  const place = (
    service: PlanService,
    start: IsoDate,
    end: IsoDate,
    needCommission: boolean,
  ): { date: IsoDate; window: readonly [string, string]; members: Person[] } | { why: string } => {
    const first = bisect(openDays, (d) => compareDates(d, start) < 0);
    const last = bisect(openDays, (d) => compareDates(d, end) <= 0) - 1;
    if (first > last) return { why: `nessun giorno feriale di apertura nel periodo (${territory.calendar.article})` };
    // The half-day (2 × the open day's index, + 1 for the afternoon) and the commission sitting then.
    let h = 2 * first;
    let members: Person[] = [];
    if (needCommission || territory.commission) {
      const pools = seats.poolsFor(service.comune);
      const found = pools && seats.commission(pools, board, 2 * first, 2 * last + 1);
      if (!found) return { why: 'nessuna commissione completa disponibile nei giorni del periodo' };
      ({ h, members } = found);
    }
    return { date: openDays[h >> 1]!, window: windows[h & 1 ? 'pomeriggio' : 'mattina'], members };
  };
  /**
   * Places a visit of `service` in [start, end] and books it, with the conflicts it has with that
   * day's visits; or lists the structure unplanned with the reason. Follow-ups and Art. 17 visits alike.
   */
  const propose = (
    service: PlanService,
    start: IsoDate,
    end: IsoDate,
    what: { reason: PlanReason; duePeriod: { from: IsoDate; to: IsoDate }; followUpOf: FollowUpOf | null },
  ) => {
    const placed = place(service, start, end, what.reason !== 'follow_up');
    if ('why' in placed) {
      unplanned.push({ serviceId: service.id, serviceName: service.name, duePeriod: what.duePeriod, why: placed.why });
      return;
    }
    const visit: ProposedVisit = {
      serviceId: service.id,
      purpose: 'verifica_periodica',
      date: placed.date,
      startTime: placed.window[0],
      endTime: placed.window[1],
      memberIds: placed.members.map((m) => m.id),
      status: 'proposed',
      serviceName: service.name,
      comune: service.comune,
      reason: what.reason,
      duePeriod: what.duePeriod,
      followUpOf: what.followUpOf,
      conflicts: [],
    };
    visit.conflicts = visitConflicts(visit, { territory, services, people, others: byDay.get(visit.date) ?? [], holidayName });
    visits.push(visit);
    book(visit);
    push(byService, visit.serviceId, visit.date);
  };

  // Follow-ups first: a prescription's deadline is a term the regulation's act set (Zona art. 11,
  // Lucca art. 32 c.2), the Art. 17 visits have the whole period. One per visit with prescriptions due.
  const origins = new Map<string, OpenPrescription[]>();
  for (const p of input.prescriptions ?? []) {
    if (!services.has(p.serviceId) || compareDates(followUpFrom(territory, p.deadline), to) > 0) continue;
    push(origins, p.inspectionId, p);
  }
  const originList = [...origins.values()].sort(
    (a, b) => compareDates(a[0]!.visitDate, b[0]!.visitDate) || byDefault.compare(a[0]!.inspectionId, b[0]!.inspectionId),
  );
  for (const group of originList) {
    const first = group[0]!;
    const service = services.get(first.serviceId)!;
    // The latest deadline of the visit's prescriptions: the follow-up verifies them all.
    const latest = group.map((p) => p.deadline).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
    const earliest = followUpFrom(territory, latest);
    // Settled by a saved follow-up of that visit (dropped too: the clerk decided), or of the service from then on.
    const already = input.planned.some(
      (v) =>
        v.followUpOf?.inspectionId === first.inspectionId ||
        (v.reason === 'follow_up' && !v.followUpOf && v.serviceId === service.id && compareDates(v.date, earliest) >= 0),
    );
    if (already) continue;
    propose(service, compareDates(earliest, from) > 0 ? earliest : from, to, {
      reason: 'follow_up',
      duePeriod: { from: earliest, to },
      followUpOf: {
        inspectionId: first.inspectionId,
        visitDate: first.visitDate,
        positions: [...new Set(group.map((p) => p.position))].sort((a, b) => a - b),
      },
    });
  }

  const art17 = new Art17(ruleSet, from, to);
  // By Comune, name and id as the Italian collation orders them (a structure placed earlier gets the earlier days).
  const comuneRank = collationRanks(
    input.services.map((s) => s.comune),
    byItalian,
  );
  const nameRank = collationRanks(
    input.services.map((s) => s.name),
    byItalian,
  );
  const sorted = input.services
    .map((service) => ({ service, comune: comuneRank.get(service.comune)!, name: nameRank.get(service.name)! }))
    .sort((a, b) => a.comune - b.comune || a.name - b.name || byDefault.compare(a.service.id, b.service.id))
    .map((k) => k.service);
  for (const service of sorted) {
    for (const period of art17.owed(service, input.visitDates.get(service.id) ?? [])) {
      // Any saved visit of the structure in the period settles it: accepted or proposed it covers the
      // period; dropped, the clerk decided against it (put back as proposed to plan it again). A
      // follow-up proposed in the period covers it too: the commission visits the structure.
      const already = (byService.get(service.id) ?? []).some(
        (date) => compareDates(date, period.from) >= 0 && compareDates(date, period.to) <= 0,
      );
      if (already) continue;
      propose(service, compareDates(period.from, from) > 0 ? period.from : from, compareDates(period.to, to) < 0 ? period.to : to, {
        reason: 'due',
        duePeriod: { from: period.from, to: period.to },
        followUpOf: null,
      });
    }
  }
  const timeRank = collationRanks([windows.mattina[0], windows.pomeriggio[0]], byDefault);
  visits.sort(
    (a, b) =>
      compareDates(a.date, b.date) ||
      timeRank.get(a.startTime)! - timeRank.get(b.startTime)! ||
      nameRank.get(a.serviceName)! - nameRank.get(b.serviceName)!,
  );
  return { from, to, schedule: `${territory.schedule.label} (${territory.schedule.article})`, visits, unplanned };
}

// `a.localeCompare(b, 'it')` and `a.localeCompare(b)` are these collators' `compare` (ECMA-402), made
// once instead of at every comparison of a sort.
const byItalian = new Intl.Collator('it');
const byDefault = new Intl.Collator();

/**
 * A collation key for each of `values`: its place among them in `collator`'s order (equal for strings
 * the collator finds equal), so that a sort compares two numbers instead of asking the collator each time.
 */
function collationRanks(values: readonly string[], collator: Intl.Collator): Map<string, number> {
  const distinct = [...new Set(values)].sort(collator.compare);
  const ranks = new Map<string, number>();
  let rank = 0;
  for (const [i, value] of distinct.entries()) {
    if (i > 0 && collator.compare(distinct[i - 1]!, value) !== 0) rank = i;
    ranks.set(value, rank);
  }
  return ranks;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How many of the ascending `days` come first that satisfy `before` (a test true up to some day, false after). */
function bisect(days: readonly IsoDate[], before: (day: IsoDate) => boolean): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(days[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The Art. 17 periods of the span's years, worked out once for every structure: for each calendar year
 * the span touches, the periods `inspectionsDue` gives on the span's last day within that year. A
 * structure owes those after its first act (authorisation or accreditation) that touch the span and in
 * which no visit was made by that day — what `serviceInspectionsDue` answers for it, asked per structure
 * and year, without its standing (which the planner never reads).
 */
class Art17 {
  #years: Array<{ asOf: IsoDate; periods: Array<{ from: IsoDate; to: IsoDate }> }> | null = null;

  constructor(
    private readonly rs: RuleSet,
    private readonly from: IsoDate,
    private readonly to: IsoDate,
  ) {}

  #yearPeriods() {
    if (!this.#years) {
      this.#years = [];
      for (let year = Number(this.from.slice(0, 4)); year <= Number(this.to.slice(0, 4)); year++) {
        const yearEnd = `${year}-12-31`;
        const asOf = compareDates(this.to, yearEnd) < 0 ? this.to : yearEnd;
        this.#years.push({ asOf, periods: inspectionsDue(this.rs, [], asOf).periods.map((p) => ({ from: p.from, to: p.to })) });
      }
    }
    return this.#years;
  }

  /** The periods touching the span in which `service` still owes its inspection, given its visit dates. */
  owed(service: ServiceActs, dates: readonly IsoDate[]): Array<{ from: IsoDate; to: IsoDate }> {
    let since: IsoDate | null = null;
    for (const act of [service.authorizationIssuedOn, service.accreditationIssuedOn])
      if (act && (since === null || compareDates(act, since) < 0)) since = act;
    // No act, or a regulation that sets no number of inspections: nothing is owed by count.
    if (since === null || this.rs.inspections.perYear === null) return [];
    const out: Array<{ from: IsoDate; to: IsoDate }> = [];
    for (const { asOf, periods } of this.#yearPeriods())
      for (const p of periods) {
        if (compareDates(p.to, since) < 0 || compareDates(p.to, this.from) < 0 || compareDates(p.from, this.to) > 0) continue;
        const done = dates.some((d) => compareDates(d, asOf) <= 0 && compareDates(d, p.from) >= 0 && compareDates(d, p.to) <= 0);
        if (!done) out.push(p);
      }
    return out;
  }
}

/** A person as the planner tries them: in tie order (name, then id) with their folded Comune, worked out once per plan. */
interface Candidate {
  person: Person;
  comune: string;
  /** Their row in `Bookings` (one per person id). */
  row: number;
}

/** The people in the order ties go by (name, then id), each with the folded Comune the seats compare. */
function candidatesOf(people: readonly Person[]): Candidate[] {
  const rows = new Map<string, number>();
  return [...people]
    .sort((a, b) => byItalian.compare(a.name, b.name) || byDefault.compare(a.id, b.id))
    .map((person) => {
      if (!rows.has(person.id)) rows.set(person.id, rows.size);
      return { person, comune: fold(person.comune), row: rows.get(person.id)! };
    });
}

/**
 * Who is booked when, for «is this person free that half-day», asked for each person on every half-day
 * scanned: per person (row) and open day, the visits booked (dropped ones book nobody) and the half-days
 * they take, and each person's visits in all (the load a seat's choice goes by). Bookings only add.
 */
class Bookings {
  readonly #rows: Map<string, number>;
  readonly #visits: Int32Array;
  readonly #halves: Uint8Array;
  readonly #load: Int32Array;
  constructor(
    readonly candidates: readonly Candidate[],
    private readonly days: number,
    private readonly perDay: number,
  ) {
    this.#rows = new Map(candidates.map((c) => [c.person.id, c.row]));
    const rows = this.#rows.size;
    this.#visits = new Int32Array(rows * days);
    this.#halves = new Uint8Array(rows * days);
    this.#load = new Int32Array(rows);
  }

  /** Books the members of `v`, on the open day `day` (undefined: a day the plan never offers). */
  book(v: VisitSlot, day: number | undefined): void {
    const taken = halfDayBits(v.startTime, v.endTime);
    for (const id of v.memberIds) {
      const row = this.#rows.get(id);
      if (row === undefined) continue;
      this.#load[row]!++;
      if (day === undefined) continue;
      this.#visits[row * this.days + day]!++;
      this.#halves[row * this.days + day]! |= taken;
    }
  }

  load(c: Candidate): number {
    return this.#load[c.row]!;
  }

  /** Whether the person is free on half-day `h`: below `perPersonPerDay` visits that day, none that half-day. */
  free(c: Candidate, h: number): boolean {
    const at = c.row * this.days + (h >> 1);
    return this.#visits[at]! < this.perDay && (this.#halves[at]! & (1 << (h & 1))) === 0;
  }
}

/**
 * Half-days marked full (numbered 0 … n − 1), with the first one not full from any half-day found in
 * near-constant time: each full one points further on (union–find, paths halved as they are walked).
 */
class FullHalfDays {
  readonly #next: Int32Array;

  constructor(n: number) {
    // n itself is never full: where a walk past the last half-day ends.
    this.#next = new Int32Array(n + 1);
    for (let h = 0; h <= n; h++) this.#next[h] = h;
  }

  mark(h: number): void {
    if (this.#next[h] === h) this.#next[h] = h + 1;
  }

  /** The first half-day from `h` on that is not full (n when none is). */
  firstFree(h: number): number {
    const next = this.#next;
    while (next[h] !== h) {
      const after = next[next[h]!]!;
      next[h] = after;
      h = after;
    }
    return h;
  }
}

/** A seat and who may fill it for the structures of one Comune, in tie order. */
interface Pool {
  fitting: Candidate[];
  /** The half-days on which nobody of them was free (a markable seat's), shared by the structures drawing on them. */
  full: FullHalfDays | null;
}

/**
 * The territory's commission seats (Art. 15) as the planner fills them. Half-days on which a seat found
 * nobody free are marked full for every structure that seat would draw from the same people (any
 * structure for an «any» seat; those of the same Comune for the others): full from then on, since
 * bookings only add, so later visits skip them at once. A seat that shares its role with an earlier one
 * may have failed for whom that one took: it is never marked.
 */
class Seats {
  readonly #byComune = new Map<string, Pool[]>();
  readonly #full = new Map<string, FullHalfDays>();

  constructor(
    private readonly territory: Territory,
    private readonly candidates: readonly Candidate[],
    private readonly halfDays: number,
  ) {}

  /** The seats' pools for a structure in `comune`, folded and filtered once per Comune (null: the territory states no composition). */
  poolsFor(comune: string): Pool[] | null {
    const seats = this.territory.commission?.seats;
    if (!seats) return null;
    const serviceComune = fold(comune);
    let pools = this.#byComune.get(serviceComune);
    if (!pools) {
      pools = seats.map((seat, i) => {
        const markable = !seats.slice(0, i).some((earlier) => earlier.role === seat.role);
        const key = `${i}|${seat.comune === 'any' ? '' : serviceComune}`;
        if (markable && !this.#full.has(key)) this.#full.set(key, new FullHalfDays(this.halfDays));
        return {
          fitting: this.candidates.filter(
            ({ person: p, comune: c }) =>
              p.role === seat.role &&
              (seat.comune === 'service' ? c === serviceComune : seat.comune === 'other' ? !!p.comune && c !== serviceComune : true),
          ),
          full: markable ? this.#full.get(key)! : null,
        };
      });
      this.#byComune.set(serviceComune, pools);
    }
    return pools;
  }

  /** The first half-day from `h` on that is full for none of the pools. */
  #firstFree(pools: readonly Pool[], h: number): number {
    for (let moved = true; moved;) {
      moved = false;
      for (const { full } of pools) {
        const free = full ? full.firstFree(h) : h;
        if (free !== h) {
          h = free;
          moved = true;
        }
      }
    }
    return h;
  }

  /** The first half-day in [first, last] on which a commission can sit, and that commission; null when none. */
  commission(pools: readonly Pool[], bookings: Bookings, first: number, last: number): { h: number; members: Person[] } | null {
    for (let h = this.#firstFree(pools, first); h <= last; h = this.#firstFree(pools, h + 1)) {
      const members = this.#pick(pools, bookings, h);
      if (members) return { h, members };
    }
    return null;
  }

  /**
   * The commission for half-day `h`: for each seat the least-booked free person who fits it (ties by
   * name: the first in tie order with the least load), each person once; null when a seat cannot be
   * filled (marking the half-day full for its pool, when markable).
   */
  #pick(pools: readonly Pool[], bookings: Bookings, h: number): Person[] | null {
    const chosen: Person[] = [];
    for (const pool of pools) {
      let best: Person | null = null;
      let bestLoad = Infinity;
      for (const c of pool.fitting) {
        if (chosen.includes(c.person)) continue;
        const n = bookings.load(c);
        if (n < bestLoad && bookings.free(c, h)) {
          best = c.person;
          bestLoad = n;
        }
      }
      if (!best) {
        pool.full?.mark(h);
        return null;
      }
      chosen.push(best);
    }
    return chosen;
  }
}
