/**
 * The Albo Comunale degli educatori domiciliari (Reg. Lucca artt. 6–8) as data, and its lapse rule:
 * worked cases of `entryStanding` citing the articles, the visit's finding, and the register's
 * requirement texts against seed 003.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryStanding, type RegisterEntry, type Standing } from '../../shared/educator-register.ts';
import { LUCCA_1 } from '../../shared/territories/lucca/rules.ts';
import { ZONA_FSE_1 } from '../../shared/rules/zona-fse-1.ts';
import { evaluate } from '../../shared/rules/engine.ts';
import { resolveFile } from '../../shared/territories/index.ts';
import { validateAgainst } from '../../shared/rules/engine.ts';
import { nidoFile } from '../helpers/inspection.ts';
import type { InspectionFile } from '../../shared/inspection.ts';

const register = LUCCA_1.educatorRegister!;

function seedText(): string {
  const here = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = [join(here, '..', 'shared', 'seeds', '003_22b07ab5126b8fae.txt')];
  const common = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: here, encoding: 'utf8' }).trim();
  candidates.push(join(dirname(dirname(resolve(here, common))), 'shared', 'seeds', '003_22b07ab5126b8fae.txt'));
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, 'seed 003 not found: the register texts would be unchecked');
  return readFileSync(found, 'utf8')
    .replace(/<\/?(?:i|u|b|em|strong)>/g, '')
    .replace(/\s+/g, ' ');
}

const allMet = (kind: RegisterEntry['kind']) => Object.fromEntries(register.kinds[kind].requirements.map((r) => [r.id, true]));

function person(over: Partial<RegisterEntry> = {}): RegisterEntry {
  return {
    id: 'p1',
    kind: 'person',
    name: 'Maria Rossi',
    registeredOn: '2025-03-10',
    requirements: allMet('person'),
    confirmations: [],
    cancelledOn: null,
    updatedAt: '2025-03-10T09:00:00.000Z',
    ...over,
  };
}

describe('the Albo as Lucca data (Reg. Lucca artt. 6–8, seed 003)', () => {
  test('each requirement is a lettered point of Art. 7 c.1 (a–c) or Art. 8 c.1 (d–g, as the seed letters them), verbatim', () => {
    const seed = seedText();
    assert.deepEqual(
      register.kinds.person.requirements.map((r) => r.article),
      ['a', 'b', 'c'].map((l) => `Reg. Lucca art. 7 c.1 lett. ${l}`),
    );
    assert.deepEqual(
      register.kinds.organisation.requirements.map((r) => r.article),
      ['d', 'e', 'f', 'g'].map((l) => `Reg. Lucca art. 8 c.1 lett. ${l}`),
    );
    for (const r of [...register.kinds.person.requirements, ...register.kinds.organisation.requirements])
      assert.ok(seed.includes(r.text), `${r.id} not verbatim in seed 003: ${r.text}`);
    assert.ok(seed.includes(register.title.replace('Albo Comunale degli educatori', 'Albo Comunale degli educatori')));
    assert.ok(seed.includes("L'Iscrizione all'Albo degli Educatori Domiciliari ha durata annuale"), 'Art. 6 c.2');
    assert.ok(seed.includes('un ammontare minimo di 25/30 ore all'), 'Art. 7 c.3: the hours the person minimum is read from');
    assert.equal(register.kinds.person.confirmation.minHours, 25);
    assert.equal(register.kinds.organisation.confirmation.minHours, null, 'Art. 8 c.3: «previsto dai contratti», no number');
    assert.equal(register.durationMonths, 12, 'Art. 6 c.2: durata annuale');
    for (const id of ['register.duration', 'register.confirmation_hours', 'register.lapsing_notice'])
      assert.ok(
        LUCCA_1.interpretations.some((i) => i.id === id),
        id,
      );
  });

  test('the Zona keeps no register: its rule set has none, and its files get no register finding', () => {
    assert.equal(ZONA_FSE_1.educatorRegister, undefined);
    const r = evaluate(nidoFile(), ZONA_FSE_1);
    assert.equal(
      r.findings.some((f) => f.rule === 'educator_register'),
      false,
    );
  });
});

interface Case {
  name: string;
  entry: RegisterEntry;
  date: string;
  standing: Standing;
  validUntil: string | null;
  article: RegExp;
}

describe('entryStanding: the lapse rule (Reg. Lucca art. 6 c.2, c.5; art. 7 c.2-3; art. 8 c.2-3)', () => {
  const cases: Case[] = [
    {
      name: 'art. 6 c.2: in the first year, registered 10/03/2025, valid to 09/03/2026',
      entry: person(),
      date: '2025-10-15',
      standing: 'in_regola',
      validUntil: '2026-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 6 c.2: the last day of the year is still covered, within the notice: in scadenza',
      entry: person(),
      date: '2026-03-09',
      standing: 'in_scadenza',
      validUntil: '2026-03-09',
      article: /art\. 7 c\.2-3/,
    },
    {
      name: 'art. 6 c.2: the anniversary without a confirmation: lapsed',
      entry: person(),
      date: '2026-03-10',
      standing: 'scaduta',
      validUntil: '2026-03-09',
      article: /art\. 6 c\.2; Reg\. Lucca art\. 7 c\.2-3/,
    },
    {
      name: 'art. 7 c.2-3: a confirmation with 25 hours in the year renews it to 09/03/2027',
      entry: person({ confirmations: [{ confirmedOn: '2026-02-01', hours: 25 }] }),
      date: '2026-06-01',
      standing: 'in_regola',
      validUntil: '2027-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 7 c.3: 24 hours are below the 25/30 minimum: no renewal, lapsed',
      entry: person({ confirmations: [{ confirmedOn: '2026-02-01', hours: 24 }] }),
      date: '2026-06-01',
      standing: 'scaduta',
      validUntil: '2026-03-09',
      article: /art\. 7 c\.2-3/,
    },
    {
      name: 'art. 6 c.2: a confirmation after the lapse does not revive it',
      entry: person({ confirmations: [{ confirmedOn: '2026-04-01', hours: 30 }] }),
      date: '2026-06-01',
      standing: 'scaduta',
      validUntil: '2026-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 6 c.2: two confirmations in one year renew one year only',
      entry: person({
        confirmations: [
          { confirmedOn: '2025-06-01', hours: 30 },
          { confirmedOn: '2025-09-01', hours: 30 },
        ],
      }),
      date: '2027-03-10',
      standing: 'scaduta',
      validUntil: '2027-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 6 c.2: a confirmation each year keeps it through the third year',
      entry: person({
        confirmations: [
          { confirmedOn: '2026-02-01', hours: 30 },
          { confirmedOn: '2027-01-15', hours: 28 },
        ],
      }),
      date: '2027-10-01',
      standing: 'in_regola',
      validUntil: '2028-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 6 c.2: a confirmation recorded after the date looked at does not count for it',
      entry: person({ confirmations: [{ confirmedOn: '2026-02-01', hours: 30 }] }),
      date: '2026-01-31',
      standing: 'in_scadenza',
      validUntil: '2026-03-09',
      article: /art\. 7 c\.2-3/,
    },
    {
      name: 'art. 6 c.5: a requirement of art. 7 c.1 not documented puts it off the register',
      entry: person({ requirements: { ...allMet('person'), tirocinio: false } }),
      date: '2025-10-15',
      standing: 'requisiti_mancanti',
      validUntil: null,
      article: /art\. 6 c\.5/,
    },
    {
      name: 'art. 6 c.5: cancelled from a date on',
      entry: person({ cancelledOn: '2025-09-01' }),
      date: '2025-10-15',
      standing: 'cancellata',
      validUntil: '2025-08-31',
      article: /art\. 6 c\.5/,
    },
    {
      name: 'art. 6 c.1: before the registration date the entry is not yet on the register',
      entry: person(),
      date: '2025-03-09',
      standing: 'non_ancora_iscritta',
      validUntil: null,
      article: /art\. 6 c\.1/,
    },
    {
      name: 'art. 8 c.3: an organisation renews with the contract minimum recorded at confirmation',
      entry: person({
        kind: 'organisation',
        name: 'Coop. Girotondo',
        requirements: allMet('organisation'),
        confirmations: [{ confirmedOn: '2026-01-10', hours: 20, contractMinHours: 20 }],
      }),
      date: '2026-05-01',
      standing: 'in_regola',
      validUntil: '2027-03-09',
      article: /art\. 6 c\.2/,
    },
    {
      name: 'art. 8 c.3: without the contract minimum recorded, a confirmation proves nothing',
      entry: person({
        kind: 'organisation',
        name: 'Coop. Girotondo',
        requirements: allMet('organisation'),
        confirmations: [{ confirmedOn: '2026-01-10', hours: 40 }],
      }),
      date: '2026-05-01',
      standing: 'scaduta',
      validUntil: '2026-03-09',
      article: /art\. 8 c\.2-3/,
    },
    {
      name: 'art. 8 c.1 lett. g: an organisation without a legal representative is off the register',
      entry: person({ kind: 'organisation', requirements: { ...allMet('organisation'), legale_rappresentante: false } }),
      date: '2025-10-15',
      standing: 'requisiti_mancanti',
      validUntil: null,
      article: /art\. 6 c\.5/,
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const r = entryStanding(register, c.entry, c.date);
      assert.equal(r.standing, c.standing, r.message);
      assert.equal(r.validUntil, c.validUntil);
      assert.equal(r.inGoodStanding, c.standing === 'in_regola' || c.standing === 'in_scadenza');
      assert.match(r.article, c.article);
      assert.doesNotMatch(r.message, /\d{4}-\d{2}-\d{2}/, 'dates are gg/mm/aaaa');
    });

  test('the message of a missing requirement names its article', () => {
    const r = entryStanding(register, person({ requirements: { ...allMet('person'), titolo_studio: false } }), '2025-10-15');
    assert.match(r.message, /art\. 7 c\.1 lett\. a/);
  });
});

describe('the visit check: a domiciliary service’s educators against the Albo', () => {
  function domiciliare(answer: string | undefined, entries: RegisterEntry[] | undefined, date = '2025-10-15'): InspectionFile {
    const file = nidoFile({
      territory: 'lucca',
      ruleSet: 'lucca@1',
      checklist: 'lucca@1',
      visit: { date, purpose: 'verifica_periodica' },
    });
    file.service = { ...file.service, type: 'domiciliare', capacity: 5 };
    delete file.children;
    if (answer !== undefined) file.answers = { [register.item]: { value: answer } };
    if (entries) file.registerEntries = entries;
    return file;
  }
  const registerFindingOf = (file: InspectionFile) => {
    const resolved = resolveFile(file);
    assert.ok(resolved.ok);
    assert.deepEqual(validateAgainst(file, resolved.value.ruleSet, resolved.value.checklist), []);
    return evaluate(file, resolved.value.ruleSet, resolved.value.checklist).findings.find((f) => f.rule === 'educator_register');
  };

  test('every educator picked in good standing on the visit date: pass, citing Art. 6', () => {
    const f = registerFindingOf(domiciliare('p1', [person()]));
    assert.equal(f?.outcome, 'pass');
    assert.match(f!.article, /art\. 6 c\.1; Reg\. Lucca art\. 6 c\.2/);
    assert.match(f!.message, /Maria Rossi: iscritta, valida fino al 09\/03\/2026/);
  });

  test('one lapsed on the visit date: fail, naming who and why', () => {
    const f = registerFindingOf(domiciliare('p1,p2', [person(), person({ id: 'p2', name: 'Luca Bianchi', registeredOn: '2024-01-10' })]));
    assert.equal(f?.outcome, 'fail');
    assert.match(f!.message, /1 su 2 non in regola/);
    assert.match(f!.message, /Luca Bianchi: iscrizione decaduta il 10\/01\/2025/);
  });

  test('an id the file carries no entry for is not on the register: fail', () => {
    assert.equal(registerFindingOf(domiciliare('p9', [person()]))?.outcome, 'fail');
  });

  test('nobody picked, or «non applicabile»: na, never pass', () => {
    assert.equal(registerFindingOf(domiciliare(undefined, undefined))?.outcome, 'na');
    assert.equal(registerFindingOf(domiciliare('na', undefined))?.outcome, 'na');
  });

  test('the item applies to the domiciliary service only: a Lucca nido has no register finding', () => {
    const file = nidoFile({
      territory: 'lucca',
      ruleSet: 'lucca@1',
      checklist: 'lucca@1',
      visit: { date: '2025-10-15', purpose: 'verifica_periodica' },
    });
    assert.equal(registerFindingOf(file), undefined);
  });

  test('an answer that is not a list of ids is refused by the file check', () => {
    const file = domiciliare('p1; DROP', [person()]);
    const resolved = resolveFile(file);
    assert.ok(resolved.ok);
    assert.ok(validateAgainst(file, resolved.value.ruleSet, resolved.value.checklist).some((e) => e.includes(register.item)));
  });
});
