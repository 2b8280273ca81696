/**
 * The census core (shared/census), table-driven, each case citing the section of the Piemonte 2025
 * notes (seed 000_f7d4317d56c88abf) it reads: the average attendance (§6, §7), the SERVIZI checks
 * (§8 cessation, §9 unreachable with motivation), the INTERVENTI rules (§10–12), the cycle (§13).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  attendanceSpan,
  averageAttendance,
  averageCents,
  Campaign,
  CAMPAIGNS,
  censusServices,
  formatEuro,
  getCampaign,
  interventiProblems,
  nextState,
  parseEuro,
  serviziProblems,
  spanMonths,
  type CensusService,
  type InterventiData,
} from '../../shared/census/index.ts';
import { Fraction } from '../../shared/fraction.ts';
import { PIEMONTE_2025 } from '../../shared/census/piemonte-2025.ts';

const C = getCampaign('piemonte-2025')!;

/** Every month from `from` to `to` (aaaa-mm) with the same figure. */
function flat(from: string, to: string, n: number): Map<string, number> {
  return new Map(spanMonths({ from: `${from}-01`, to: `${to}-01` }).map((m) => [m.month, n]));
}

describe('the campaign as data', () => {
  test('piemonte-2025: dates and actions of the notes (§2, §6, §7, §10)', () => {
    assert.equal(C.periodStart, '2024-01-02');
    assert.equal(C.periodEnd, '2025-01-31');
    assert.equal(C.openingDate, '2025-04-29');
    assert.equal(C.deadline, '2025-05-15');
    assert.deepEqual(
      C.actions.map((a) => a.code),
      ['B1', 'B2', 'B3', 'B4', 'B8', 'C1'],
    );
    assert.equal(C.missingServiceFields.capacita, 'Capacità ricettiva');
    assert.ok([...CAMPAIGNS.keys()].includes('piemonte-2025'));
  });
  test('a campaign with dates out of order or a C1 without CPT is refused', () => {
    assert.equal(Campaign.safeParse({ ...PIEMONTE_2025, deadline: '2025-04-01' }).success, false);
    const actions = PIEMONTE_2025.actions.map((a) => (a.code === 'C1' ? { ...a, when: 'always' as const } : a));
    assert.equal(Campaign.safeParse({ ...PIEMONTE_2025, actions }).success, false);
  });
});

describe('average attendance (§6, §7), day-weighted months', () => {
  const cases: Array<{
    name: string;
    auth: string | null;
    att: Map<string, number>;
    want: string | null;
    missing?: string[];
    rule?: string;
  }> = [
    // §6: 2 Jan 2024 – 31 Jan 2025 = 396 days; January 2024 weighs 30 days, January 2025 31.
    {
      name: '§6 the same figure every month is that figure',
      auth: '2020-09-01',
      att: flat('2024-01', '2025-01', 20),
      want: '20',
      rule: 'period',
    },
    {
      name: '§6 20 in 2024, 30 in January 2025: (366−1)·20 + 31·30 over 396',
      auth: '2020-09-01',
      att: new Map([...flat('2024-01', '2024-12', 20), ['2025-01', 30]]),
      want: `${365 * 20 + 31 * 30}/396`,
    },
    {
      // §7: authorised 15 March 2024 → 15/03/2024–31/01/2025: March 17 days, April–Dec 275, January 31 = 323.
      name: '§7 authorised mid-period: from 15/03/2024, March weighs 17 days',
      auth: '2024-03-15',
      att: new Map([['2024-03', 10], ...flat('2024-04', '2025-01', 16)]),
      want: `${17 * 10 + 306 * 16}/323`,
      rule: 'authorised_in_period',
    },
    {
      // §7: authorised 17 February 2025 → 17/02–29/04/2025: Feb 12, Mar 31, Apr 29 = 72 days.
      name: '§7 authorised between the period end and the opening date: 17/02–29/04/2025',
      auth: '2025-02-17',
      att: new Map([
        ['2025-02', 6],
        ['2025-03', 9],
        ['2025-04', 12],
      ]),
      want: `${12 * 6 + 31 * 9 + 29 * 12}/72`,
      rule: 'authorised_after_period',
    },
    {
      name: '§6 a month without a figure: average missing',
      auth: '2020-01-01',
      att: flat('2024-01', '2024-12', 5),
      want: null,
      missing: ['2025-01'],
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const r = averageAttendance(C, c.auth, c.att);
      if (c.want === null) {
        assert.equal(r.kind, 'missing');
        if (r.kind === 'missing') assert.deepEqual(r.missing, c.missing);
        return;
      }
      assert.equal(r.kind, 'average');
      if (r.kind !== 'average') return;
      const [n, d] = c.want.split('/').map(Number);
      assert.equal(r.average.toString(), Fraction.of(n!, d ?? 1).toString());
      if (c.rule) assert.equal(r.span.rule, c.rule);
    });
  test('the period has 396 days; months partially covered weigh their days inside it', () => {
    const months = spanMonths({ from: C.periodStart, to: C.periodEnd });
    assert.equal(months.length, 13);
    assert.equal(months[0]!.days, 30);
    assert.equal(
      months.reduce((s, m) => s + m.days, 0),
      396,
    );
  });
  test('authorised after the opening date, or never: not in this census', () => {
    assert.equal(attendanceSpan(C, '2025-04-30'), null);
    assert.equal(attendanceSpan(C, null), null);
    assert.equal(attendanceSpan(C, '2025-04-29')?.rule, 'authorised_after_period');
  });
  test('rounded to hundredths, half up, exactly: 8230/396 = 20,782828… → 20,78', () => {
    const r = averageAttendance(C, '2020-01-01', new Map([...flat('2024-01', '2024-12', 20), ['2025-01', 30]]));
    assert.equal(r.kind === 'average' && averageCents(r.average), 2078);
  });
});

describe('euro amounts (§11)', () => {
  for (const [text, cents] of [
    ['0', 0],
    ['€ 0,00', 0],
    ['1.234,50', 123450],
    ['1234,5', 123450],
    ['', null],
  ] as const)
    test(`«${text}» → ${cents}`, () => assert.equal(parseEuro(text), cents));
  for (const bad of ['-5', '1,234', '12.34', 'dieci'])
    test(`«${bad}» is refused in Italian`, () => assert.throws(() => parseEuro(bad), /importo non valido/));
  test('shown as «€ 1.234,50»', () => {
    assert.equal(formatEuro(123450), '€ 1.234,50');
    assert.equal(formatEuro(0), '€ 0,00');
    assert.equal(formatEuro(100000000), '€ 1.000.000,00');
  });
});

function svc(ref: string, over: Partial<CensusService> = {}): CensusService {
  return {
    ref,
    added: false,
    denominazione: `Nido ${ref}`,
    indirizzo: 'Via Roma 1',
    titoloAutorizzativo: 'Autorizzazione',
    titolare: 'Comune',
    gestore: 'Coop',
    capacita: 20,
    ownership: 'pubblico',
    sezionePrimavera: false,
    status: 'attivo',
    motivation: '',
    attendance: { kind: 'given', cents: 1000 },
    ...over,
  };
}
const act = (serviceRef: string | null, code: string, amountCents: number | null = 0, description = 'Contributo') => ({
  serviceRef,
  code,
  amountCents,
  description,
});

describe('SERVIZI checks (§6, §8, §9)', () => {
  test('§8 a ceased service needs nothing more', () => {
    assert.deepEqual(serviziProblems(C, [svc('a', { status: 'cessato', titolare: '', ownership: null })]), []);
  });
  test('§9 unreachable: declared ceased, the motivation is mandatory', () => {
    const p = serviziProblems(C, [svc('a', { status: 'non_raggiungibile' })]);
    assert.match(p[0]!.message, /non raggiungibile senza motivazione/);
    assert.deepEqual(
      serviziProblems(C, [svc('a', { status: 'non_raggiungibile', motivation: 'Non interessato alla contribuzione pubblica' })]),
      [],
    );
  });
  test('§6 an active service without its months of attendance fails, naming them', () => {
    const s = svc('a', { attendance: averageAttendance(C, '2020-01-01', flat('2024-01', '2024-11', 3)) });
    assert.match(serviziProblems(C, [s])[0]!.message, /mancano i frequentanti di dicembre 2024, gennaio 2025/);
  });
  test('registry services authorised after the opening date are not listed; the sheet pre-fills the others', () => {
    const list = censusServices(
      C,
      [
        { id: 'x', name: 'Nido X', address: '', capacity: 10, authorizationIssuedOn: '2019-01-01' },
        { id: 'y', name: 'Nido Y', address: '', capacity: 10, authorizationIssuedOn: '2025-05-02' },
      ],
      { entries: [], added: [] },
      () => new Map(),
    );
    assert.deepEqual(
      list.map((s) => s.ref),
      ['x'],
    );
  });
});

describe('INTERVENTI checks (§10–12)', () => {
  const pub = svc('p');
  const priv = svc('q', { ownership: 'privato', denominazione: 'Nido Privato' });
  const prim = svc('r', { ownership: 'privato', sezionePrimavera: true, denominazione: 'Primavera' });
  const full: InterventiData = {
    actions: [act('p', 'B1'), act('p', 'B3', 150000), act('q', 'B2'), act('q', 'B4'), act('r', 'B2'), act('r', 'B4'), act('r', 'B8')],
  };
  const cases: Array<{ name: string; data: InterventiData; cpt?: boolean; fails: RegExp | null }> = [
    { name: '§10 every essential action valued: passes', data: full, fails: null },
    {
      name: '§10 B3 missing for a public service',
      data: { actions: full.actions.filter((a) => !(a.serviceRef === 'p' && a.code === 'B3')) },
      fails: /«Nido p»: manca l'azione B3/,
    },
    {
      name: '§10 B1 on a private service',
      data: { actions: [...full.actions, act('q', 'B1')] },
      fails: /Nido Privato», B1: vale per i servizi pubblici/,
    },
    {
      name: '§10 B8 missing with a Sezione Primavera',
      data: { actions: full.actions.filter((a) => a.code !== 'B8') },
      fails: /«Primavera»: manca l'azione B8/,
    },
    {
      name: '§10 B8 without a Sezione Primavera',
      data: { actions: [...full.actions, act('p', 'B8')] },
      fails: /non ha una Sezione Primavera/,
    },
    { name: '§10 C1 mandatory for a Comune in a CPT', data: full, cpt: true, fails: /manca l'azione C1, obbligatoria per i Comuni in CPT/ },
    { name: '§10 C1 once for a Comune in a CPT: passes', data: { actions: [...full.actions, act(null, 'C1')] }, cpt: true, fails: null },
    {
      name: '§10 C1 twice',
      data: { actions: [...full.actions, act(null, 'C1'), act(null, 'C1')] },
      cpt: true,
      fails: /C1: azione indicata più di una volta/,
    },
    { name: '§10 no C1 for a Comune outside a CPT', data: { actions: [...full.actions, act(null, 'C1')] }, fails: /non aderisce a un CPT/ },
    {
      name: '§11 an empty amount is refused (€ 0,00 when none)',
      data: { actions: [act('p', 'B1', null), ...full.actions.slice(1)] },
      fails: /manca la quota comunale/,
    },
    {
      name: '§12 a description of 101 characters',
      data: { actions: [act('p', 'B1', 0, 'x'.repeat(101)), ...full.actions.slice(1)] },
      fails: /descrizione di 101 caratteri, al massimo 100/,
    },
    {
      name: '§12 a description of exactly 100 characters: passes',
      data: { actions: [act('p', 'B1', 0, 'è'.repeat(100)), ...full.actions.slice(1)] },
      fails: null,
    },
    { name: '§12 no description', data: { actions: [act('p', 'B1', 0, ' '), ...full.actions.slice(1)] }, fails: /manca la descrizione/ },
  ];
  for (const c of cases)
    test(c.name, () => {
      const p = interventiProblems(C, [pub, priv, prim], c.data, c.cpt ?? false);
      if (c.fails === null) assert.deepEqual(p, []);
      else
        assert.ok(
          p.some((x) => c.fails!.test(x.message)),
          p.map((x) => x.message).join('\n'),
        );
    });
  test('§8 a ceased service has no actions due, and any given is refused', () => {
    const ceased = svc('p', { status: 'cessato' });
    assert.deepEqual(interventiProblems(C, [ceased], { actions: [] }, false), []);
    assert.match(interventiProblems(C, [ceased], { actions: [act('p', 'B1')] }, false)[0]!.message, /dichiarato cessato/);
  });
});

describe('the validation cycle (§13)', () => {
  const o = (over: Partial<Parameters<typeof nextState>[3]> = {}) => ({ problems: 0, notes: '', kind: 'servizi' as const, ...over });
  const cases: Array<[string, Parameters<typeof nextState>, string]> = [
    ['the Comune sends a draft without problems', ['bozza', 'invia', 'comune', o()], 'in_validazione'],
    ['not with failing checks', ['bozza', 'invia', 'comune', o({ problems: 2 })], '2 controlli non superati'],
    [
      'INTERVENTI only after SERVIZI',
      ['bozza', 'invia', 'comune', o({ kind: 'interventi', serviziState: 'bozza' })],
      'inviare prima la scheda SERVIZI',
    ],
    ['a sent sheet is read-only: not sent twice', ['in_validazione', 'invia', 'comune', o()], 'si invia solo una scheda in bozza'],
    ['a reviewer validates', ['in_validazione', 'valida', 'reviewer', o()], 'validata'],
    ['a reviewer rejects with notes: back to draft', ['in_validazione', 'respingi', 'reviewer', o({ notes: 'Correggere B3' })], 'bozza'],
    ['not without notes', ['in_validazione', 'respingi', 'reviewer', o({ notes: '  ' })], 'indicare le correzioni'],
    ['a Comune does not validate', ['in_validazione', 'valida', 'comune', o()], 'solo un revisore'],
    ['a reviewer does not send', ['bozza', 'invia', 'reviewer', o()], 'solo il Comune'],
    ['a draft is not validated', ['bozza', 'valida', 'office', o()], 'si decide solo su una scheda inviata'],
  ];
  for (const [name, args, want] of cases)
    test(name, () => {
      const r = nextState(...args);
      if (r.ok) assert.equal(r.to, want);
      else assert.match(r.message, new RegExp(want));
    });
});
