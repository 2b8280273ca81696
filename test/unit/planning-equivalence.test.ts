/**
 * The planner's proposal (shared/planning.ts `proposePlan`, indexed and one-pass for speed: issue 14's
 * bench) is the same, field for field, as the straightforward planner it replaced — kept here as the
 * reference: every day of each period scanned, every booking filtered for each person asked, Art. 17
 * asked of `serviceInspectionsDue` for each structure and year, each seat's people sorted by load then
 * name. The data are generated (a seeded random number generator, so a failure replays): hundreds of
 * structures across Comuni written in more than one way, acts issued mid-span, visits made before, in
 * and after the span, people with equal names and loads, saved visits (dropped ones too, afternoons,
 * unknown members), prescriptions with their follow-ups, scarce people, two visits a day, a span across
 * the new year and the summer closure, a territory without a commission, one whose same-role seats come
 * in another order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { italianHolidayName } from '../../office/holidays.ts';
import { addDays, compareDates, type IsoDate } from '../../shared/dates.ts';
import { followUpFrom } from '../../shared/follow-up.ts';
import {
  calendarOpen,
  halfDays,
  proposePlan,
  visitConflicts,
  weekday,
  type Conflict,
  type FollowUpOf,
  type HalfDay,
  type OpenPrescription,
  type Person,
  type Plan,
  type PlanInput,
  type PlanService,
  type ProposedVisit,
  type Unplanned,
  type VisitSlot,
} from '../../shared/planning.ts';
import { serviceInspectionsDue } from '../../shared/rules/acts.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import type { RuleSet } from '../../shared/rules/ruleset.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import type { Territory } from '../../shared/territories/schema.ts';

// ---------- the reference: the planner as first written, slow and plain ----------

const refFold = (s: string | null | undefined) => (s ?? '').trim().toLocaleLowerCase('it');

function refPickCommission(
  territory: Territory,
  service: PlanService,
  people: readonly Person[],
  free: (p: Person) => boolean,
  load: ReadonlyMap<string, number>,
): Person[] | null {
  if (!territory.commission) return null;
  const chosen: Person[] = [];
  for (const seat of territory.commission.seats) {
    const fitting = people
      .filter(
        (p) =>
          p.role === seat.role &&
          !chosen.includes(p) &&
          free(p) &&
          (seat.comune === 'any' ||
            (seat.comune === 'service'
              ? refFold(p.comune) === refFold(service.comune)
              : !!p.comune && refFold(p.comune) !== refFold(service.comune))),
      )
      .sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.name.localeCompare(b.name, 'it') || a.id.localeCompare(b.id));
    if (!fitting.length) return null;
    chosen.push(fitting[0]!);
  }
  return chosen;
}

function refDuePeriods(rs: RuleSet, service: PlanService, dates: readonly IsoDate[], from: IsoDate, to: IsoDate) {
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

function referencePlan(input: PlanInput): Plan {
  const { territory, ruleSet, from, to } = input;
  const windows = input.windows ?? { mattina: ['09:30', '12:30'], pomeriggio: ['14:30', '17:00'] };
  const services = new Map(input.services.map((s) => [s.id, s]));
  const people = new Map(input.people.map((p) => [p.id, p]));
  const booked: VisitSlot[] = input.planned.filter((v) => v.status !== 'dropped');
  const load = new Map<string, number>();
  for (const v of booked) for (const m of v.memberIds) load.set(m, (load.get(m) ?? 0) + 1);
  const perDay = input.perPersonPerDay ?? 1;
  const busy = (personId: string, date: IsoDate, half: HalfDay) => {
    const that = booked.filter((v) => v.date === date && v.memberIds.includes(personId));
    return that.length >= perDay || that.some((v) => halfDays(v.startTime, v.endTime).includes(half));
  };
  const visits: ProposedVisit[] = [];
  const unplanned: Unplanned[] = [];
  const sorted = [...input.services].sort(
    (a, b) => a.comune.localeCompare(b.comune, 'it') || a.name.localeCompare(b.name, 'it') || a.id.localeCompare(b.id),
  );
  const place = (
    service: PlanService,
    start: IsoDate,
    end: IsoDate,
    needCommission: boolean,
  ): { slot: VisitSlot; conflicts: Conflict[] } | { why: string } => {
    let why = `nessun giorno feriale di apertura nel periodo (${territory.calendar.article})`;
    for (let day = start; compareDates(day, end) <= 0; day = addDays(day, 1)) {
      const wd = weekday(day);
      if (wd === 0 || wd === 6 || input.holidayName(day) || !calendarOpen(territory, day)) continue;
      for (const half of ['mattina', 'pomeriggio'] as const) {
        const members =
          !needCommission && !territory.commission
            ? []
            : refPickCommission(territory, service, input.people, (p) => !busy(p.id, day, half), load);
        if (!members) {
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
        return { slot, conflicts: visitConflicts(slot, { territory, services, people, others: booked, holidayName: input.holidayName }) };
      }
    }
    return { why };
  };
  const book = (v: ProposedVisit) => {
    visits.push(v);
    booked.push(v);
    for (const m of v.memberIds) load.set(m, (load.get(m) ?? 0) + 1);
  };
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
    const latest = group.map((p) => p.deadline).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
    const earliest = followUpFrom(territory, latest);
    const start = compareDates(earliest, from) > 0 ? earliest : from;
    const followUpOf: FollowUpOf = {
      inspectionId: first.inspectionId,
      visitDate: first.visitDate,
      positions: [...new Set(group.map((p) => p.position))].sort((a, b) => a - b),
    };
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
    for (const period of refDuePeriods(ruleSet, service, dates, from, to)) {
      const start = compareDates(period.from, from) > 0 ? period.from : from;
      const end = compareDates(period.to, to) < 0 ? period.to : to;
      const already = [...input.planned, ...visits].some(
        (v) => v.serviceId === service.id && compareDates(v.date, period.from) >= 0 && compareDates(v.date, period.to) <= 0,
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

// ---------- generated data ----------

/** mulberry32: a small seeded generator, so that a failing case replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The same Comune written as the registry and the people registry may write it (case, spaces).
const COMUNI = [
  ['Bagno a Ripoli', 'bagno a ripoli', ' Bagno a Ripoli '],
  ['Barberino Tavarnelle'],
  ['Fiesole', 'FIESOLE'],
  ['Figline e Incisa Valdarno'],
  ['Greve in Chianti'],
  ['Impruneta', 'impruneta'],
  ['Pelago'],
  ['Rignano sull’Arno', 'RIGNANO SULL’ARNO'],
];
const NAMES = ['Arcobaleno', 'Girotondo', 'Il Pesco', 'L’Aquilone', 'Ästrid', 'Ciliegio', 'Émile', 'girasole', 'Mongolfiera', 'Coccinella'];

interface Scenario {
  seed: number;
  structures: number;
  /** People per role: pedagogisti, referents per Comune (of the first `comuni` Comuni), ASL. */
  pedagogisti: number;
  referents: number;
  comuniWithReferents: number;
  from: IsoDate;
  to: IsoDate;
  territory: Territory;
  perPersonPerDay?: number;
  windows?: PlanInput['windows'];
  planned: number;
  prescriptions: number;
  /** What the reference's plan must show, so that the comparison is not vacuous. */
  shows: (p: Plan) => boolean;
}

function dataset(s: Scenario): PlanInput {
  const r = random(s.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const day = (fromDay: IsoDate, span: number): IsoDate => addDays(fromDay, Math.floor(r() * span));
  const spanDays = Math.round((Date.parse(s.to) - Date.parse(s.from)) / 86_400_000) + 1;
  const services: PlanService[] = [];
  const visitDates = new Map<string, IsoDate[]>();
  for (let i = 0; i < s.structures; i++) {
    const comune = pick(COMUNI[i % COMUNI.length]!);
    // Acts: none (Art. 17 does not bind it), issued within the span (the periods before it are not owed), or long ago.
    const authorisation = r();
    const accreditation = r();
    services.push({
      // Ids out of name order, and equal names in a Comune: the id breaks the tie.
      id: `svc-${((i * 7919) % 1000).toString().padStart(3, '0')}-${i}`,
      name: `${pick(NAMES)} ${Math.floor(r() * (s.structures / 3))}`,
      comune,
      authorizationIssuedOn: authorisation < 0.1 ? null : authorisation < 0.25 ? day(s.from, spanDays) : '2020-09-01',
      accreditationIssuedOn: accreditation < 0.7 ? null : accreditation < 0.85 ? day(s.from, spanDays) : day(addDays(s.from, -400), 400),
    });
    const dates: IsoDate[] = [];
    const n = Math.floor(r() * 3);
    for (let k = 0; k < n; k++) dates.push(day(addDays(s.from, -200), spanDays + 300));
    if (dates.length || r() < 0.5) visitDates.set(services[i]!.id, dates);
  }
  const people: Person[] = [];
  const person = (id: string, name: string, role: Person['role'], comune: string | null): Person => ({
    id,
    name,
    role,
    comune,
    email: `${id}@example.it`,
    inspectorId: null,
    demo: false,
  });
  for (let i = 0; i < s.pedagogisti; i++)
    // Two of each name: ties by load and name go by id.
    people.push(
      person(`ped-${(s.pedagogisti - i).toString().padStart(2, '0')}`, `Pedagogista ${Math.floor(i / 2)}`, 'pedagogista_zonale', null),
    );
  for (const [c, spellings] of COMUNI.slice(0, s.comuniWithReferents).entries())
    for (let k = 0; k < s.referents; k++)
      people.push(
        person(`ref-${c}-${k}`, pick(['Bellini', 'Cecchi', 'Neri', 'Rossi', 'Ércole']), 'referente_tecnico_comune', pick(spellings)),
      );
  people.push(person('asl-1', 'Innocenti', 'asl', null));
  // A referent with no Comune recorded fits no «other Comune» seat.
  people.push(person('ref-x', 'Senza Comune', 'referente_tecnico_comune', null));
  const planned: VisitSlot[] = [];
  for (let i = 0; i < s.planned; i++) {
    const svc = pick(services);
    const morning = r() < 0.6;
    const allDay = r() < 0.1;
    planned.push({
      id: `plan-${i}`,
      serviceId: r() < 0.05 ? 'not-in-registry' : svc.id,
      purpose: 'verifica_periodica',
      date: day(addDays(s.from, -30), spanDays + 60),
      startTime: morning || allDay ? '09:00' : '14:00',
      endTime: allDay ? '17:00' : morning ? '12:00' : '16:30',
      memberIds: [...new Set([pick(people).id, pick(people).id, r() < 0.1 ? 'someone-gone' : pick(people).id])],
      status: pick(['accepted', 'proposed', 'proposed', 'dropped'] as const),
      reason: pick(['due', 'requested', 'follow_up', 'complaint'] as const),
      followUpOf: null,
    });
  }
  const prescriptions: OpenPrescription[] = [];
  for (let i = 0; i < s.prescriptions; i++) {
    const svc = r() < 0.05 ? { id: 'not-in-registry' } : pick(services);
    const visitDate = day(addDays(s.from, -180), 200);
    const inspectionId = `isp-${i}`;
    for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++)
      prescriptions.push({
        inspectionId,
        visitDate,
        position: pick([0, 1, 2, 1]),
        serviceId: svc.id,
        deadline: day(visitDate, spanDays + 90),
      });
    // Some already have their follow-up saved, linked or (older ones) only by service and date.
    if (r() < 0.15)
      planned.push({
        id: `fu-${i}`,
        serviceId: svc.id,
        purpose: 'verifica_periodica',
        date: day(s.from, spanDays),
        startTime: '09:30',
        endTime: '12:30',
        memberIds: [],
        status: pick(['accepted', 'dropped'] as const),
        reason: 'follow_up',
        followUpOf: r() < 0.5 ? { inspectionId, visitDate, positions: [0] } : null,
      });
  }
  const rs = RULE_SETS.get(s.territory.ruleSet)!;
  return {
    territory: s.territory,
    ruleSet: rs,
    from: s.from,
    to: s.to,
    services,
    visitDates,
    people,
    planned,
    holidayName: italianHolidayName,
    prescriptions,
    ...(s.perPersonPerDay ? { perPersonPerDay: s.perPersonPerDay } : {}),
    ...(s.windows ? { windows: s.windows } : {}),
  };
}

const ZONA = getTerritory('zona-fse')!;
const LUCCA = getTerritory('lucca')!;
// Seats of the same role that draw on the same people: a referent of any Comune first, then the
// service's own. The first may take whom the second needed, so a half-day the second fails is not full.
const OVERLAPPING: Territory = {
  ...ZONA,
  commission: {
    ...ZONA.commission!,
    seats: [
      { label: 'referente tecnico di un Comune della Zona', role: 'referente_tecnico_comune', comune: 'any' },
      ZONA.commission!.seats[0]!,
      ZONA.commission!.seats[1]!,
    ],
  },
};

const SCENARIOS: Array<{ name: string } & Scenario> = [
  {
    name: 'a semester, 300 structures, 40 people, saved visits and prescriptions',
    seed: 1,
    structures: 300,
    pedagogisti: 6,
    referents: 4,
    comuniWithReferents: 8,
    from: '2027-01-01',
    to: '2027-06-30',
    territory: ZONA,
    planned: 120,
    prescriptions: 40,
    shows: (p) => p.visits.length > 100 && p.visits.some((v) => v.reason === 'follow_up'),
  },
  {
    name: 'across the new year (two semesters, two years), two visits a day, other windows',
    seed: 2,
    structures: 200,
    pedagogisti: 4,
    referents: 2,
    comuniWithReferents: 8,
    from: '2026-10-15',
    to: '2027-03-20',
    territory: ZONA,
    perPersonPerDay: 2,
    windows: { mattina: ['08:30', '13:00'], pomeriggio: ['12:30', '18:00'] },
    planned: 80,
    prescriptions: 30,
    // The afternoon window begins before 13:00: it takes the morning too, and saved visits clash.
    shows: (p) => new Set(p.visits.map((v) => v.duePeriod.from.slice(0, 4))).size === 2 && p.visits.some((v) => v.conflicts.length > 0),
  },
  {
    name: 'scarce people: Comuni without referents, most structures left unplanned with the reason',
    seed: 3,
    structures: 250,
    pedagogisti: 2,
    referents: 1,
    comuniWithReferents: 5,
    from: '2027-02-01',
    to: '2027-05-31',
    territory: ZONA,
    planned: 60,
    prescriptions: 25,
    shows: (p) => p.visits.length > 0 && p.unplanned.some((u) => u.why.startsWith('nessuna commissione')),
  },
  {
    name: 'the summer closure (Zona: September–July) and a span ending in it',
    seed: 4,
    structures: 120,
    pedagogisti: 3,
    referents: 2,
    comuniWithReferents: 8,
    from: '2027-06-15',
    to: '2027-09-10',
    territory: ZONA,
    planned: 30,
    prescriptions: 20,
    shows: (p) => p.visits.length > 0 && p.visits.every((v) => !v.date.startsWith('2027-08')),
  },
  {
    name: 'a span all in the summer closure: every structure unplanned, no open weekday',
    seed: 7,
    structures: 60,
    pedagogisti: 3,
    referents: 2,
    comuniWithReferents: 8,
    from: '2027-08-01',
    to: '2027-08-31',
    territory: ZONA,
    planned: 10,
    prescriptions: 10,
    shows: (p) => p.unplanned.length > 0 && p.unplanned.every((u) => u.why.startsWith('nessun giorno feriale')),
  },
  {
    name: 'same-role seats drawing on the same people (a referent of any Comune, then the service’s own)',
    seed: 5,
    structures: 200,
    pedagogisti: 5,
    referents: 3,
    comuniWithReferents: 7,
    from: '2027-01-01',
    to: '2027-06-30',
    territory: OVERLAPPING,
    planned: 70,
    prescriptions: 20,
    shows: (p) => p.visits.length > 0 && p.unplanned.length > 0,
  },
  {
    name: 'Lucca: no commission stated, no Art. 17 minimum (follow-ups only)',
    seed: 6,
    structures: 150,
    pedagogisti: 2,
    referents: 2,
    comuniWithReferents: 8,
    from: '2027-01-01',
    to: '2027-12-31',
    territory: LUCCA,
    planned: 40,
    prescriptions: 60,
    // Lucca's follow-ups have no members proposed, and so (no commission stated) no conflict either.
    shows: (p) => p.visits.length > 0 && p.visits.every((v) => v.reason === 'follow_up' && v.memberIds.length === 0),
  },
];

describe('the proposal is the reference planner’s, on generated registries', () => {
  for (const s of SCENARIOS)
    test(s.name, () => {
      const input = dataset(s);
      const expected = referencePlan(input);
      const actual = proposePlan(input);
      assert.ok(s.shows(expected), 'the generated case shows what it is meant to');
      assert.deepEqual(actual, expected);
    });
});
