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
import { InputDateSchema, PersonRole, Purpose, PURPOSE_LABELS, type PersonRole as Role } from './domain.ts';
import { followUpFrom } from './follow-up.ts';
import { serviceInspectionsDue, type ServiceActs } from './rules/acts.ts';
import type { RuleSet } from './rules/ruleset.ts';
import type { Territory } from './territories/schema.ts';
import { lineText } from './text.ts';
import { VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE, visitTimesProblem } from './times.ts';

export const PLAN_REASONS = ['due', 'requested', 'follow_up', 'complaint'] as const;
export const PlanReason = z.enum(PLAN_REASONS);
export type PlanReason = z.infer<typeof PlanReason>;
export const PLAN_REASON_LABELS: Record<PlanReason, string> = {
  due: 'dovuta (Art. 17)',
  requested: 'su richiesta (autorizzazione o accreditamento)',
  follow_up: 'verifica delle prescrizioni',
  complaint: 'segnalazione',
};

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
const fold = (s: string | null | undefined) => (s ?? '').trim().toLocaleLowerCase('it');

// ---------- the commission (Art. 15) ----------

/**
 * The seats of the territory's commission left empty by `members` for a visit of `service`, by
 * their label («referente tecnico del Comune del servizio»). Each member fills at most one seat.
 * Empty when the territory states no composition.
 */
export function commissionMissing(territory: Territory, service: { comune: string }, members: readonly Person[]): string[] {
  const seats = territory.commission?.seats ?? [];
  const free = [...members];
  const missing: string[] = [];
  for (const seat of seats) {
    const i = free.findIndex(
      (p) =>
        p.role === seat.role &&
        (seat.comune === 'any' ||
          (seat.comune === 'service' ? fold(p.comune) === fold(service.comune) : !!p.comune && fold(p.comune) !== fold(service.comune))),
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
  if (startTime < '13:00') out.push('mattina');
  if (endTime > '13:00') out.push('pomeriggio');
  return out;
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
  const booked: VisitSlot[] = input.planned.filter((v) => v.status !== 'dropped');
  const load = new Map<string, number>();
  for (const v of booked) for (const m of v.memberIds) load.set(m, (load.get(m) ?? 0) + 1);
  const perDay = input.perPersonPerDay ?? 1;
  // Each person's visits by day: «is this person free that half-day» is asked for every person on
  // every day scanned, so it must not scan every visit booked (500 structures: ×1000 the list's time).
  const byPersonDay = new Map<string, VisitSlot[]>();
  // And every visit by day (the conflicts of a new one are with that day's) and by structure.
  const byDay = new Map<string, VisitSlot[]>();
  const byService = new Map<string, IsoDate[]>();
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const v of input.planned) push(byService, v.serviceId, v.date);
  const indexBooking = (v: VisitSlot) => {
    push(byDay, v.date, v);
    for (const m of v.memberIds) {
      push(byPersonDay, `${m}|${v.date}`, v);
    }
  };
  for (const v of booked) indexBooking(v);
  const busy = (personId: string, date: IsoDate, half: HalfDay) => {
    const that = byPersonDay.get(`${personId}|${date}`) ?? [];
    return that.length >= perDay || that.some((v) => halfDays(v.startTime, v.endTime).includes(half));
  };
  const visits: ProposedVisit[] = [];
  const unplanned: Unplanned[] = [];
  const candidates = candidatesOf(input.people);
  // The holiday calendar is slow to ask (tens of µs a day): once per day of the plan.
  const holidays = new Map<IsoDate, string | null>();
  const holidayName = (day: IsoDate): string | null => {
    if (!holidays.has(day)) holidays.set(day, input.holidayName(day));
    return holidays.get(day)!;
  };
  // The span's open days (a weekday, no holiday, the services open by the territory's calendar), worked
  // out once: every visit placed scans them from its period's start.
  const openDays: IsoDate[] = [];
  for (let day = from; compareDates(day, to) <= 0; day = addDays(day, 1)) {
    const wd = weekday(day);
    if (wd !== 0 && wd !== 6 && !holidayName(day) && calendarOpen(territory, day)) openDays.push(day);
  }
  // Half-days on which a seat found nobody free, for every structure that seat would draw from the
  // same people (any structure for an «any» seat; those of the same Comune for the others): full from
  // then on, since bookings only add, so later visits skip them at once. A seat that shares its role
  // with an earlier one may have failed for whom that one took: it is never marked.
  const seats = territory.commission?.seats ?? [];
  const markable = seats.map((seat, i) => !seats.slice(0, i).some((earlier) => earlier.role === seat.role));
  const full = new Set<string>();
  const fullKeys = (day: IsoDate, half: HalfDay, service: PlanService): Array<string | null> =>
    seats.map((seat, i) => (markable[i] ? `${day}|${half}|${i}|${seat.comune === 'any' ? '' : fold(service.comune)}` : null));

  const sorted = [...input.services].sort(
    (a, b) => a.comune.localeCompare(b.comune, 'it') || a.name.localeCompare(b.name, 'it') || a.id.localeCompare(b.id),
  );
  /**
   * The first open weekday in [start, end] with a commission free that half-day (none asked of a
   * territory that states no composition, for a follow-up: its clerk chooses); null with the reason.
   */
  const place = (
    service: PlanService,
    start: IsoDate,
    end: IsoDate,
    needCommission: boolean,
  ): { slot: VisitSlot; conflicts: Conflict[] } | { why: string } => {
    let why = `nessun giorno feriale di apertura nel periodo (${territory.calendar.article})`;
    for (const day of openDays) {
      if (compareDates(day, start) < 0) continue;
      if (compareDates(day, end) > 0) break;
      for (const half of ['mattina', 'pomeriggio'] as const) {
        const keys = fullKeys(day, half, service);
        const picked =
          !needCommission && !territory.commission
            ? { members: [] }
            : keys.some((k) => k !== null && full.has(k))
              ? { members: null }
              : pickCommission(territory, service, candidates, (p) => !busy(p.id, day, half), load);
        const members = picked.members;
        if (!members) {
          const key = picked.failedSeat === undefined ? null : keys[picked.failedSeat];
          if (key) full.add(key);
          why = 'nessuna commissione completa disponibile nei giorni del periodo';
          continue;
        }
        const [startTime, endTime] = windows[half];
        const slot: VisitSlot = {
          serviceId: service.id,
          purpose: 'verifica_periodica',
          date: day,
          startTime,
          endTime,
          memberIds: members.map((m) => m.id),
          status: 'proposed',
        };
        const others = byDay.get(day) ?? [];
        return { slot, conflicts: visitConflicts(slot, { territory, services, people, others, holidayName }) };
      }
    }
    return { why };
  };
  const book = (v: ProposedVisit) => {
    visits.push(v);
    booked.push(v);
    indexBooking(v);
    push(byService, v.serviceId, v.date);
    for (const m of v.memberIds) load.set(m, (load.get(m) ?? 0) + 1);
  };

  // Follow-ups first: a prescription's deadline is a term the regulation's act set (Zona art. 11,
  // Lucca art. 32 c.2), the Art. 17 visits have the whole period. One per visit with prescriptions due.
  const origins = new Map<string, OpenPrescription[]>();
  for (const p of input.prescriptions ?? []) {
    if (!services.has(p.serviceId) || compareDates(followUpFrom(territory, p.deadline), to) > 0) continue;
    origins.set(p.inspectionId, [...(origins.get(p.inspectionId) ?? []), p]);
  }
  const originList = [...origins.values()].sort(
    (a, b) => compareDates(a[0]!.visitDate, b[0]!.visitDate) || a[0]!.inspectionId.localeCompare(b[0]!.inspectionId),
  );
  for (const group of originList) {
    const first = group[0]!;
    const service = services.get(first.serviceId)!;
    // The latest deadline of the visit's prescriptions: the follow-up verifies them all.
    const latest = group.map((p) => p.deadline).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
    const earliest = followUpFrom(territory, latest);
    const start = compareDates(earliest, from) > 0 ? earliest : from;
    const followUpOf: FollowUpOf = {
      inspectionId: first.inspectionId,
      visitDate: first.visitDate,
      positions: [...new Set(group.map((p) => p.position))].sort((a, b) => a - b),
    };
    // Settled by a saved follow-up of that visit (dropped too: the clerk decided), or of the service from then on.
    const already = input.planned.some(
      (v) =>
        v.followUpOf?.inspectionId === first.inspectionId ||
        (v.reason === 'follow_up' && !v.followUpOf && v.serviceId === service.id && compareDates(v.date, earliest) >= 0),
    );
    if (already) continue;
    const duePeriod = { from: earliest, to };
    const placed = place(service, start, to, false);
    if ('why' in placed) {
      unplanned.push({ serviceId: service.id, serviceName: service.name, duePeriod, why: placed.why });
      continue;
    }
    book({
      ...placed.slot,
      serviceName: service.name,
      comune: service.comune,
      reason: 'follow_up',
      duePeriod,
      followUpOf,
      conflicts: placed.conflicts,
    });
  }

  for (const service of sorted) {
    const dates = input.visitDates.get(service.id) ?? [];
    for (const period of duePeriods(ruleSet, service, dates, from, to)) {
      const start = compareDates(period.from, from) > 0 ? period.from : from;
      const end = compareDates(period.to, to) < 0 ? period.to : to;
      // Any saved visit of the structure in the period settles it: accepted or proposed it covers the
      // period; dropped, the clerk decided against it (put back as proposed to plan it again). A
      // follow-up proposed in the period covers it too: the commission visits the structure.
      const already = (byService.get(service.id) ?? []).some(
        (date) => compareDates(date, period.from) >= 0 && compareDates(date, period.to) <= 0,
      );
      if (already) continue;
      const duePeriod = { from: period.from, to: period.to };
      const placed = place(service, start, end, true);
      if ('why' in placed) {
        unplanned.push({ serviceId: service.id, serviceName: service.name, duePeriod, why: placed.why });
        continue;
      }
      book({
        ...placed.slot,
        serviceName: service.name,
        comune: service.comune,
        reason: 'due',
        duePeriod,
        followUpOf: null,
        conflicts: placed.conflicts,
      });
    }
  }
  visits.sort(
    (a, b) => compareDates(a.date, b.date) || a.startTime.localeCompare(b.startTime) || a.serviceName.localeCompare(b.serviceName, 'it'),
  );
  return { from, to, schedule: `${territory.schedule.label} (${territory.schedule.article})`, visits, unplanned };
}

/**
 * The Art. 17 periods touching [from, to] in which the service still owes its inspection, asked of
 * `serviceInspectionsDue` on the span's last day within each calendar year (the periods are the
 * year's): a visit made by then counts, a period before the first act is not owed and not listed.
 */
function duePeriods(
  rs: RuleSet,
  service: PlanService,
  dates: readonly IsoDate[],
  from: IsoDate,
  to: IsoDate,
): Array<{ from: IsoDate; to: IsoDate }> {
  const out: Array<{ from: IsoDate; to: IsoDate }> = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const yearEnd = `${year}-12-31`;
    const due = serviceInspectionsDue(rs, service, dates, compareDates(to, yearEnd) < 0 ? to : yearEnd);
    if (!due.bound) return out;
    for (const p of due.periods)
      if (compareDates(p.to, from) >= 0 && compareDates(p.from, to) <= 0 && p.status !== 'done') out.push({ from: p.from, to: p.to });
  }
  return out;
}

/** A person as the planner tries them: in tie order (name, then id) with their folded Comune, worked out once per plan. */
interface Candidate {
  person: Person;
  comune: string;
}

/** The people in the order ties go by (name, then id), each with the folded Comune the seats compare. */
function candidatesOf(people: readonly Person[]): Candidate[] {
  return [...people]
    .sort((a, b) => a.name.localeCompare(b.name, 'it') || a.id.localeCompare(b.id))
    .map((person) => ({ person, comune: fold(person.comune) }));
}

/**
 * The commission for a visit of `service`: for each seat the least-booked free person who fits it
 * (ties by name: the first of `candidates` with the least load), each person once; `members` null when
 * a seat cannot be filled (`failedSeat`: which). A territory that states no composition gets none
 * proposed (null): its clerk chooses the members. Called for every half-day tried, so it sorts nothing
 * and folds nothing.
 */
function pickCommission(
  territory: Territory,
  service: PlanService,
  candidates: readonly Candidate[],
  free: (p: Person) => boolean,
  load: ReadonlyMap<string, number>,
): { members: Person[] | null; failedSeat?: number } {
  if (!territory.commission) return { members: null };
  const serviceComune = fold(service.comune);
  const chosen: Person[] = [];
  for (const [i, seat] of territory.commission.seats.entries()) {
    let best: Person | null = null;
    let bestLoad = Infinity;
    for (const { person: p, comune } of candidates) {
      if (p.role !== seat.role || chosen.includes(p)) continue;
      if (seat.comune === 'service' ? comune !== serviceComune : seat.comune === 'other' ? !p.comune || comune === serviceComune : false)
        continue;
      const n = load.get(p.id) ?? 0;
      if (n < bestLoad && free(p)) {
        best = p;
        bestLoad = n;
      }
    }
    if (!best) return { members: null, failedSeat: i };
    chosen.push(best);
  }
  return { members: chosen };
}
