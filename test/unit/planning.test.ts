/**
 * The planner (shared/planning.ts), table-driven, each case with the article it reads: the
 * commission of Zona reg. art. 15 c.1 and its completeness for authorisation and accreditation
 * (c.2), the one inspection per semester of art. 17 c.1 (Lucca art. 32 c.1: periodic, no minimum),
 * the calendars (the Zona's Comuni September–July, Lucca art. 27 c.1 September–June), Sundays and
 * the Italian public holidays (date-holidays, IT), a member booked twice the same half-day.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { italianHolidayName } from '../../office/holidays.ts';
import {
  calendarOpen,
  commissionMissing,
  commissionRefusal,
  followUpOrigin,
  halfDays,
  PlanInputError,
  proposePlan,
  visitConflicts,
  weekday,
  type Person,
  type PlanService,
  type VisitSlot,
} from '../../shared/planning.ts';
import { addDays } from '../../shared/dates.ts';
import { consequenceText, notCompliedConsequence } from '../../shared/follow-up.ts';
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

describe('follow-ups (issue 14): a prescription with a deadline gets its verification visit', () => {
  const base = { territory: ZONA, ruleSet: ZONA_RS, people: PEOPLE, planned: [] as VisitSlot[], holidayName: italianHolidayName };
  // Pesco was visited on 10/03/2026 (the Art. 17 first semester is done) and given two prescriptions.
  const visitDates = new Map([['Pesco', ['2026-03-10']]]);
  const rx = (position: number, deadline: string, inspectionId = 'ISP-1', serviceId = 'Pesco') => ({
    inspectionId,
    visitDate: '2026-03-10',
    position,
    serviceId,
    deadline,
  });
  const plan = (over: Partial<Parameters<typeof proposePlan>[0]>) =>
    proposePlan({ ...base, services: [PESCO], visitDates, from: '2026-04-01', to: '2026-06-30', ...over });

  const cases: Array<{ name: string; prescriptions: ReturnType<typeof rx>[]; planned?: VisitSlot[]; expect: unknown[] }> = [
    {
      name: 'deadline 20/04 + 7 days (follow_up.days@1) → the first open weekday from Monday 27/04, reason follow_up, linked to the visit',
      prescriptions: [rx(0, '2026-04-20')],
      expect: [['2026-04-27', 'follow_up', { inspectionId: 'ISP-1', visitDate: '2026-03-10', positions: [0] }]],
    },
    {
      name: 'two prescriptions of the same visit → one follow-up after the later deadline (25/04 is a holiday, a Saturday anyway: Monday 04/05)',
      prescriptions: [rx(0, '2026-04-20'), rx(1, '2026-04-27')],
      // 27/04 + 7 = 04/05 (Monday; 01/05 Festa del lavoro is before it).
      expect: [['2026-05-04', 'follow_up', { inspectionId: 'ISP-1', visitDate: '2026-03-10', positions: [0, 1] }]],
    },
    {
      name: 'a deadline before the span: the follow-up goes on the span’s first open day',
      prescriptions: [rx(0, '2026-02-10')],
      expect: [['2026-04-01', 'follow_up', { inspectionId: 'ISP-1', visitDate: '2026-03-10', positions: [0] }]],
    },
    { name: 'deadline + days after the span: nothing proposed yet', prescriptions: [rx(0, '2026-06-25')], expect: [] },
    {
      name: 'a saved follow-up of that visit settles it (dropped too: the clerk decided)',
      prescriptions: [rx(0, '2026-04-20')],
      planned: [
        {
          id: 'x',
          serviceId: 'Pesco',
          purpose: 'verifica_periodica',
          date: '2026-09-20',
          startTime: '09:30',
          endTime: '12:30',
          memberIds: [],
          status: 'dropped',
          reason: 'follow_up',
          followUpOf: { inspectionId: 'ISP-1', visitDate: '2026-03-10', positions: [0] },
        },
      ],
      expect: [],
    },
    {
      name: 'a prescription of a service not in the registry is left out',
      prescriptions: [rx(0, '2026-04-20', 'ISP-9', 'Altro')],
      expect: [],
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const p = plan({ prescriptions: c.prescriptions, planned: c.planned ?? [] });
      assert.deepEqual(
        p.visits.map((v) => [v.date, v.reason, v.followUpOf]),
        c.expect,
      );
      for (const v of p.visits) {
        // The follow-up of the Zona has a complete Art. 15 commission, as any visit it proposes.
        assert.deepEqual(
          commissionMissing(
            ZONA,
            PESCO,
            v.memberIds.map((id) => PEOPLE.find((x) => x.id === id)!),
          ),
          [],
        );
        assert.equal(
          v.duePeriod.from,
          addDays(
            c.prescriptions
              .map((r) => r.deadline)
              .sort()
              .at(-1)!,
            ZONA.followUp.days,
          ),
        );
      }
    });

  test('a follow-up in an Art. 17 period covers it: the structure is not proposed twice', () => {
    // Visited only in 2025: the second semester of 2026 is owed, and the follow-up falls in it.
    const p = proposePlan({
      ...base,
      services: [PESCO],
      visitDates: new Map(),
      from: '2026-09-01',
      to: '2026-12-31',
      prescriptions: [rx(0, '2026-09-10')],
    });
    assert.deepEqual(
      p.visits.map((v) => [v.date, v.reason]),
      [['2026-09-17', 'follow_up']],
    );
  });

  test('Lucca (no commission stated, no Art. 17 minimum): the diffida’s follow-up is proposed, its members left to the clerk', () => {
    const p = proposePlan({
      ...base,
      territory: LUCCA,
      ruleSet: LUCCA_RS,
      services: [PESCO],
      visitDates: new Map(),
      from: '2026-04-01',
      to: '2026-06-30',
      prescriptions: [rx(0, '2026-04-20')],
    });
    assert.deepEqual(
      p.visits.map((v) => [v.date, v.reason, v.memberIds]),
      [['2026-04-27', 'follow_up', []]],
    );
    assert.equal(followUpOrigin(LUCCA, p.visits[0]!.followUpOf!), 'verifica delle diffide della visita del 10/03/2026');
    assert.equal(followUpOrigin(ZONA, p.visits[0]!.followUpOf!), 'verifica delle prescrizioni della visita del 10/03/2026');
  });
});

describe('not complied with: the consequence the regulation gives (territory data)', () => {
  const cases: Array<[string, Parameters<typeof notCompliedConsequence>[0], number, string]> = [
    ['Zona, first time: Art. 11 c.2 suspension', ZONA, 0, "Reg. zonale art. 11 c.2: sospensione dell'autorizzazione al funzionamento"],
    [
      'Zona, again (the suspension not complied with): Art. 11 c.3 lett. a revocation',
      ZONA,
      1,
      "Reg. zonale art. 11 c.3 lett. a: revoca dell'autorizzazione al funzionamento",
    ],
    ['Zona, a third time: still revocation', ZONA, 2, "Reg. zonale art. 11 c.3 lett. a: revoca dell'autorizzazione al funzionamento"],
    [
      'Lucca: Art. 32 c.2 revocation after the diffida',
      LUCCA,
      0,
      "Reg. Lucca art. 32 c.2: revoca dell'autorizzazione o dell'accreditamento",
    ],
  ];
  for (const [name, territory, earlier, text] of cases)
    test(name, () => assert.equal(consequenceText(notCompliedConsequence(territory, earlier)), text));

  test("each step's quote is the seed's own words", () => {
    const seeds = [
      [ZONA, '004_2c23949f5b5d0a8b.txt'],
      [LUCCA, '003_22b07ab5126b8fae.txt'],
    ] as const;
    for (const [territory, name] of seeds) {
      const here = dirname(fileURLToPath(import.meta.url));
      const found = [join(here, '..', '..', '..', '..', 'shared', 'seeds', name), '/work/shared/seeds/' + name].find((p) => existsSync(p));
      assert.ok(found, `seed ${name} non trovato`);
      const text = readFileSync(found, 'utf8').replace(/\s+/g, ' ');
      for (const step of territory.notComplied) assert.ok(text.includes(step.quote), `${territory.id}: «${step.quote}»`);
    }
  });
});
