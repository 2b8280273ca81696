/**
 * The planner (shared/planning.ts), table-driven, each case with the article it reads: the
 * commission of Zona reg. art. 15 c.1 and its completeness for authorisation and accreditation
 * (c.2), the one inspection per semester of art. 17 c.1 (Lucca art. 32 c.1: periodic, no minimum),
 * the calendars (the Zona's Comuni September–July, Lucca art. 27 c.1 September–June), Sundays and
 * the Italian public holidays (date-holidays, IT), a member booked twice the same half-day.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { italianHolidayName } from '../../office/holidays.ts';
import {
  calendarOpen,
  commissionMissing,
  commissionRefusal,
  halfDays,
  PlanInputError,
  proposePlan,
  visitConflicts,
  weekday,
  type Person,
  type PlanService,
  type VisitSlot,
} from '../../shared/planning.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { getTerritory } from '../../shared/territories/index.ts';

const ZONA = getTerritory('zona-fse')!;
const LUCCA = getTerritory('lucca')!;
const ZONA_RS = RULE_SETS.get(ZONA.ruleSet)!;
const LUCCA_RS = RULE_SETS.get(LUCCA.ruleSet)!;

const person = (id: string, role: Person['role'], comune: string | null = null): Person => ({
  id,
  name: id,
  role,
  comune,
  email: `${id}@example.it`,
  inspectorId: null,
  demo: false,
});
const PED = person('Fantoni', 'pedagogista_zonale');
const PED2 = person('Rossi', 'pedagogista_zonale');
const IMP = person('Bellini', 'referente_tecnico_comune', 'Impruneta');
const IMP2 = person('Neri', 'referente_tecnico_comune', 'Impruneta');
const BAR = person('Cecchi', 'referente_tecnico_comune', 'Bagno a Ripoli');
const ASL = person('Innocenti', 'asl');
const PEOPLE = [PED, PED2, IMP, IMP2, BAR, ASL];

const service = (id: string, comune: string, acts: Partial<PlanService> = {}): PlanService => ({
  id,
  name: `Nido ${id}`,
  comune,
  authorizationIssuedOn: '2020-10-15',
  accreditationIssuedOn: null,
  ...acts,
});
const PESCO = service('Pesco', 'Impruneta');

describe('Art. 15 c.1: the seats of the commission', () => {
  const cases: Array<[string, Person[], string[]]> = [
    ['pedagogista, referente del Comune, referente di un altro Comune: completa', [PED, IMP, BAR], []],
    ['senza pedagogista', [IMP, BAR], ['pedagogista zonale']],
    ['due referenti dello stesso Comune del servizio', [PED, IMP, IMP2], ['referente tecnico di un altro Comune della Zona']],
    ['nessun referente del Comune del servizio', [PED, BAR], ['referente tecnico del Comune del servizio']],
    ["l'ASL non occupa un posto della commissione (facoltativa)", [PED, IMP, ASL], ['referente tecnico di un altro Comune della Zona']],
    [
      'una persona occupa un solo posto',
      [PED],
      ['referente tecnico del Comune del servizio', 'referente tecnico di un altro Comune della Zona'],
    ],
    ['il Comune si confronta senza maiuscole né spazi', [PED, { ...IMP, comune: ' impruneta ' }, BAR], []],
  ];
  for (const [name, members, missing] of cases) test(name, () => assert.deepEqual(commissionMissing(ZONA, PESCO, members), missing));

  test('Art. 15 c.2: incomplete commission refused for autorizzazione and accreditamento, naming who is missing', () => {
    const refusals: Array<[Parameters<typeof commissionRefusal>[1], Person[], RegExp | null]> = [
      [
        'autorizzazione',
        [PED, IMP],
        /^commissione incompleta per una visita di autorizzazione.*Reg\. zonale art\. 15 c\.2.*manca referente tecnico di un altro Comune della Zona$/,
      ],
      ['accreditamento', [IMP, BAR], /manca pedagogista zonale$/],
      ['autorizzazione', [PED, IMP, BAR], null],
      // Art. 15 c.2 binds authorisation and accreditation only: a periodic check is shown a conflict instead.
      ['verifica_periodica', [PED], null],
    ];
    for (const [purpose, members, expected] of refusals) {
      const r = commissionRefusal(ZONA, purpose, PESCO, members);
      if (expected) assert.match(r ?? '', expected, purpose);
      else assert.equal(r, null, purpose);
    }
    // Lucca's regulation names no composition (commission: null): nothing to refuse.
    assert.equal(commissionRefusal(LUCCA, 'autorizzazione', PESCO, []), null);
  });
});

describe('calendars, Sundays and holidays', () => {
  test('weekday agrees with the JavaScript calendar over four years', () => {
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2029, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      assert.equal(weekday(d.toISOString().slice(0, 10)), d.getUTCDay());
    }
  });
  const open: Array<[string, typeof ZONA, string, boolean]> = [
    ['Zona: luglio aperto (settembre–luglio)', ZONA, '2026-07-15', true],
    ['Zona: agosto chiuso', ZONA, '2026-08-17', false],
    ['Zona: settembre aperto', ZONA, '2026-09-01', true],
    ['Lucca art. 27 c.1: giugno aperto', LUCCA, '2026-06-30', true],
    ['Lucca art. 27 c.1: luglio chiuso', LUCCA, '2026-07-01', false],
    ['Lucca: gennaio aperto (attraverso il nuovo anno)', LUCCA, '2027-01-11', true],
  ];
  for (const [name, territory, date, expected] of open) test(name, () => assert.equal(calendarOpen(territory, date), expected));
  const holidays: Array<[string, string | null]> = [
    ['2026-12-08', 'Immacolata Concezione'],
    ['2026-06-02', 'Festa della Repubblica'],
    ['2027-03-29', 'Lunedì dell’Angelo'],
    ['2026-10-04', "Festa nazionale di San Francesco d'Assisi"],
    // An observance (Festa della mamma) is no public holiday; an ordinary Tuesday neither.
    ['2026-05-10', null],
    ['2026-10-13', null],
  ];
  for (const [date, name] of holidays) test(`festività ${date}: ${name ?? 'nessuna'}`, () => assert.equal(italianHolidayName(date), name));
  test('half-days: the morning ends at 13:00', () => {
    assert.deepEqual(halfDays('09:30', '12:30'), ['mattina']);
    assert.deepEqual(halfDays('14:30', '17:00'), ['pomeriggio']);
    assert.deepEqual(halfDays('12:00', '14:00'), ['mattina', 'pomeriggio']);
    assert.deepEqual(halfDays('13:00', '15:00'), ['pomeriggio']);
  });
});

describe('conflicts shown before saving', () => {
  const services = new Map([
    [PESCO.id, PESCO],
    ['Gelso', service('Gelso', 'Bagno a Ripoli')],
  ]);
  const people = new Map(PEOPLE.map((p) => [p.id, p]));
  const booked: VisitSlot = {
    id: 'b',
    serviceId: 'Gelso',
    purpose: 'verifica_periodica',
    date: '2026-10-13',
    startTime: '09:30',
    endTime: '12:30',
    memberIds: [PED.id, BAR.id, IMP.id],
    status: 'accepted',
  };
  const visit = (over: Partial<VisitSlot>): VisitSlot => ({
    serviceId: PESCO.id,
    purpose: 'verifica_periodica',
    date: '2026-10-14',
    startTime: '09:30',
    endTime: '12:30',
    memberIds: [PED2.id, IMP2.id, BAR.id],
    ...over,
  });
  const cases: Array<[string, VisitSlot, VisitSlot[], string[]]> = [
    ['un martedì di ottobre, commissione completa: nessuno', visit({ date: '2026-10-20' }), [booked], []],
    [
      'membro già impegnato la stessa mattina',
      visit({ date: '2026-10-13', startTime: '11:00', endTime: '12:00' }),
      [booked],
      ['member_busy:Cecchi'],
    ],
    ['lo stesso giorno, di pomeriggio: libero', visit({ date: '2026-10-13', startTime: '14:30', endTime: '17:00' }), [booked], []],
    [
      'a cavallo delle 13: occupa anche la mattina',
      visit({ date: '2026-10-13', startTime: '12:00', endTime: '14:00', memberIds: [PED.id, IMP2.id, BAR.id] }),
      [booked],
      ['member_busy:Fantoni', 'member_busy:Cecchi'],
    ],
    ['una visita scartata non impegna nessuno', visit({ date: '2026-10-13' }), [{ ...booked, status: 'dropped' }], []],
    ['domenica', visit({ date: '2026-10-11' }), [], ['sunday']],
    ['festività nazionale (Immacolata)', visit({ date: '2026-12-08' }), [], ['holiday']],
    ['agosto: servizio chiuso per il calendario della Zona', visit({ date: '2026-08-18' }), [], ['closed']],
    ['Art. 15 c.1: commissione incompleta per una verifica periodica', visit({ memberIds: [PED2.id] }), [], ['commission']],
    [
      'la visita stessa non è un conflitto con sé (modifica)',
      visit({ id: 'b', date: '2026-10-13', memberIds: booked.memberIds }),
      [booked],
      [],
    ],
  ];
  for (const [name, v, others, expected] of cases)
    test(name, () => {
      const found = visitConflicts(v, { territory: ZONA, services, people, others, holidayName: italianHolidayName });
      assert.deepEqual(
        found.map((c) => (c.personId ? `${c.kind}:${c.personId}` : c.kind)),
        expected,
      );
      for (const c of found) assert.ok(c.message.length > 10, c.message);
    });
  test('the messages say it in Italian with the date', () => {
    const [busy] = visitConflicts(visit({ date: '2026-10-13' }), {
      territory: ZONA,
      services,
      people,
      others: [booked],
      holidayName: italianHolidayName,
    });
    assert.equal(busy!.message, 'Cecchi è già impegnato/a il 13/10/2026 (mattina) da «Nido Gelso»');
    const [closed] = visitConflicts(visit({ date: '2026-08-18' }), {
      territory: ZONA,
      services,
      people,
      others: [],
      holidayName: italianHolidayName,
    });
    assert.match(closed!.message, /il 18\/08\/2026 il servizio è chiuso \(calendario educativo dei Comuni della Zona/);
  });
});

describe('Art. 17 c.1: the proposal for a period', () => {
  const base = { territory: ZONA, ruleSet: ZONA_RS, people: PEOPLE, planned: [] as VisitSlot[], holidayName: italianHolidayName };
  const SERVICES = [
    service('Pesco', 'Impruneta'),
    service('Gelso', 'Bagno a Ripoli'),
    service('Melo', 'Impruneta', { authorizationIssuedOn: null }),
    service('Noce', 'Bagno a Ripoli', { authorizationIssuedOn: null, accreditationIssuedOn: '2026-05-04' }),
    service('Tiglio', 'Impruneta'),
  ];
  const visitDates = new Map([
    ['Pesco', ['2026-03-10']],
    ['Tiglio', ['2026-02-02', '2026-09-15']],
  ]);

  test('first semester: due structures proposed, visited or unbound ones not', () => {
    const plan = proposePlan({ ...base, services: SERVICES, visitDates, from: '2026-05-04', to: '2026-06-30' });
    assert.equal(plan.schedule, "due all'anno, una per semestre (Reg. zonale art. 17 c.1)");
    // Pesco and Tiglio were visited in January–June; Melo has no act (Art. 17 does not bind it);
    // Noce's accreditation (4 May) makes its first semester owed; Gelso owes it.
    assert.deepEqual(
      plan.visits.map((v) => [v.serviceId, v.date, v.startTime, v.reason, v.purpose]),
      [
        ['Gelso', '2026-05-04', '09:30', 'due', 'verifica_periodica'],
        // Cecchi, Bagno a Ripoli's only referent, sits in Gelso's commission on the 4th: one visit a day each.
        ['Noce', '2026-05-05', '09:30', 'due', 'verifica_periodica'],
      ],
    );
    assert.deepEqual(plan.visits[0]!.duePeriod, { from: '2026-01-01', to: '2026-06-30' });
    // Allowing two visits a day, Cecchi takes Noce the same afternoon (never the same half-day).
    const two = proposePlan({ ...base, perPersonPerDay: 2, services: SERVICES, visitDates, from: '2026-05-04', to: '2026-06-30' });
    assert.deepEqual(
      two.visits.map((v) => [v.serviceId, v.date, v.startTime]),
      [
        ['Gelso', '2026-05-04', '09:30'],
        ['Noce', '2026-05-04', '14:30'],
      ],
    );
    assert.deepEqual(plan.unplanned, []);
  });

  test('each proposal has a complete Art. 15 commission, nobody twice in a half-day, and no conflict', () => {
    const many = Array.from({ length: 14 }, (_, i) => service(`S${String(i).padStart(2, '0')}`, i % 2 ? 'Impruneta' : 'Bagno a Ripoli'));
    const plan = proposePlan({ ...base, services: many, visitDates: new Map(), from: '2026-09-01', to: '2026-12-31' });
    assert.equal(plan.visits.length, 14);
    const slots = new Set<string>();
    for (const v of plan.visits) {
      const members = v.memberIds.map((id) => PEOPLE.find((p) => p.id === id)!);
      assert.deepEqual(commissionMissing(ZONA, { comune: v.comune }, members), [], v.serviceId);
      assert.deepEqual(v.conflicts, [], v.serviceId);
      assert.ok(weekday(v.date) >= 1 && weekday(v.date) <= 5, v.date);
      for (const m of v.memberIds) {
        const key = `${m} ${v.date} ${halfDays(v.startTime, v.endTime).join()}`;
        assert.ok(!slots.has(key), `${key} due volte`);
        slots.add(key);
      }
    }
  });

  test('skips Sundays and public holidays, and a structure already planned in the period', () => {
    const services = [service('Pesco', 'Impruneta'), service('Gelso', 'Bagno a Ripoli')];
    const planned: VisitSlot[] = [
      {
        id: 'p',
        serviceId: 'Gelso',
        purpose: 'verifica_periodica',
        date: '2026-12-15',
        startTime: '09:30',
        endTime: '12:30',
        memberIds: [],
        status: 'accepted',
      },
    ];
    // 6 December 2026 is a Sunday, 7 Monday, 8 the Immacolata: from the 8th the first day is the 9th.
    const plan = proposePlan({ ...base, services, visitDates: new Map(), planned, from: '2026-12-06', to: '2026-12-31' });
    assert.deepEqual(
      plan.visits.map((v) => [v.serviceId, v.date]),
      [['Pesco', '2026-12-07']],
    );
    const later = proposePlan({ ...base, services, visitDates: new Map(), planned, from: '2026-12-08', to: '2026-12-31' });
    assert.deepEqual(
      later.visits.map((v) => [v.serviceId, v.date]),
      [['Pesco', '2026-12-09']],
    );
    // Dropped, it books nobody any more but still settles the structure's semester (the clerk decided):
    // Pesco gets the morning the dropped visit's members would have had.
    const dropped = proposePlan({
      ...base,
      services,
      visitDates: new Map(),
      planned: [{ ...planned[0]!, memberIds: [PED.id, BAR.id, IMP.id], status: 'dropped' }],
      from: '2026-12-15',
      to: '2026-12-31',
    });
    assert.deepEqual(
      dropped.visits.map((v) => [v.serviceId, v.date, v.memberIds.includes(PED.id)]),
      [['Pesco', '2026-12-15', true]],
    );
  });

  test('a period when the services are closed, or without the people for a commission: listed unplanned with the reason', () => {
    const closed = proposePlan({ ...base, services: [PESCO], visitDates: new Map(), from: '2026-08-01', to: '2026-08-31' });
    assert.deepEqual(closed.visits, []);
    assert.deepEqual(
      closed.unplanned.map((u) => [u.serviceId, u.why]),
      [['Pesco', 'nessun giorno feriale di apertura nel periodo (calendario educativo dei Comuni della Zona (settembre–luglio))']],
    );
    const nobody = proposePlan({
      ...base,
      people: [PED, IMP],
      services: [PESCO],
      visitDates: new Map(),
      from: '2026-10-01',
      to: '2026-10-31',
    });
    assert.deepEqual(
      nobody.unplanned.map((u) => u.why),
      ['nessuna commissione completa disponibile nei giorni del periodo'],
    );
  });

  test('a span across the new year proposes for each semester it touches', () => {
    const plan = proposePlan({ ...base, services: [PESCO], visitDates: new Map(), from: '2026-12-14', to: '2027-01-31' });
    assert.deepEqual(
      plan.visits.map((v) => [v.date, v.duePeriod.from]),
      [
        ['2026-12-14', '2026-07-01'],
        ['2027-01-04', '2027-01-01'],
      ],
    );
  });

  test('Lucca art. 32 c.1: periodic, no minimum: nothing is due, nothing proposed', () => {
    const plan = proposePlan({
      ...base,
      territory: LUCCA,
      ruleSet: LUCCA_RS,
      services: SERVICES,
      visitDates: new Map(),
      from: '2026-09-01',
      to: '2026-12-31',
    });
    assert.equal(plan.schedule, 'periodica, senza numero minimo (Reg. Lucca art. 32 c.1)');
    assert.deepEqual(plan.visits, []);
    assert.deepEqual(plan.unplanned, []);
  });

  test('bad periods are refused naming the field', () => {
    assert.throws(
      () => proposePlan({ ...base, services: [], visitDates: new Map(), from: '2026-12-31', to: '2026-01-01' }),
      (e: unknown) => e instanceof PlanInputError && e.field === 'to' && /successiva/.test(e.message),
    );
    assert.throws(
      () => proposePlan({ ...base, services: [], visitDates: new Map(), from: '2026-01-01', to: '2027-06-30' }),
      (e: unknown) => e instanceof PlanInputError && /366 giorni/.test(e.message),
    );
  });
});
