/**
 * The follow-up's pure parts (shared/follow-up.ts) and the file field, table-driven: which earlier
 * prescriptions a visit checks (deadline passed, not yet found complied with), the consequence of a
 * «non ottemperata» (Zona reg. art. 11 c.2, then c.3 lett. a; Lucca art. 32 c.2), and that the
 * inspection file stays backward compatible (a file without `verifications` loads, evaluates and
 * draws its report as before; a «non ottemperata» must carry its consequence).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { reportDefinition } from '../../report/document.ts';
import { canonicalJson } from '../../shared/canonical.ts';
import { prescriptionsToCheck, verificationKey } from '../../shared/follow-up.ts';
import { parseInspectionFile } from '../../shared/inspection.ts';
import { evaluate, RULE_SETS } from '../../shared/rules/index.ts';
import { getTerritory } from '../../shared/territories/index.ts';

const ZONA = getTerritory('zona-fse')!;
const LUCCA = getTerritory('lucca')!;
const rx = (visitId: string, position: number, deadline: string) => ({
  visitId,
  visitDate: '2026-03-10',
  position,
  rule: 'A.destinazione_uso.certificato',
  text: `prescrizione ${position}`,
  deadline,
});

describe('which earlier prescriptions a visit checks', () => {
  const earlier = [rx('V1', 0, '2026-04-10'), rx('V1', 1, '2026-04-30'), rx('V1', 2, '2026-04-20')];
  const cases: Array<[string, string, Array<{ itemId: string; value: string | null }>, Array<[number, number, string]>]> = [
    [
      'deadline passed: checked, with the first step (art. 11 c.2)',
      '2026-04-27',
      [],
      [
        [0, 0, 'Reg. zonale art. 11 c.2'],
        [2, 0, 'Reg. zonale art. 11 c.2'],
      ],
    ],
    ['on the deadline day itself: not yet', '2026-04-10', [], []],
    [
      'found complied with by a later visit: no longer checked; not complied: the next step (art. 11 c.3 lett. a)',
      '2026-06-10',
      [
        { itemId: verificationKey('V1', 0), value: 'yes' },
        { itemId: verificationKey('V1', 2), value: 'no' },
      ],
      [
        [1, 0, 'Reg. zonale art. 11 c.2'],
        [2, 1, 'Reg. zonale art. 11 c.3 lett. a'],
      ],
    ],
    [
      'an unanswered check of a later visit counts for nothing',
      '2026-06-10',
      [{ itemId: verificationKey('V1', 0), value: null }],
      [
        [0, 0, 'Reg. zonale art. 11 c.2'],
        [1, 0, 'Reg. zonale art. 11 c.2'],
        [2, 0, 'Reg. zonale art. 11 c.2'],
      ],
    ],
  ];
  for (const [name, date, checks, expected] of cases)
    test(name, () =>
      assert.deepEqual(
        prescriptionsToCheck(ZONA, date, earlier, checks).map((c) => [
          c.prescription.position,
          c.earlierNotComplied,
          c.consequence.article,
        ]),
        expected,
      ),
    );

  test('Lucca: the diffida not complied with brings revocation (art. 32 c.2), again and again', () => {
    const list = prescriptionsToCheck(
      LUCCA,
      '2026-06-10',
      [rx('V1', 0, '2026-04-10')],
      [{ itemId: verificationKey('V1', 0), value: 'no' }],
    );
    assert.deepEqual(
      list.map((c) => [c.earlierNotComplied, c.consequence]),
      [[1, { act: "revoca dell'autorizzazione o dell'accreditamento", article: 'Reg. Lucca art. 32 c.2' }]],
    );
  });
});

describe('the inspection file keeps its old shape', () => {
  const example = JSON.parse(readFileSync(new URL('../../resources/examples/nido-il-girasole.json', import.meta.url), 'utf8'));
  const verification = {
    prescription: rx('V1', 0, '2025-02-10'),
    outcome: 'not_complied',
    note: 'non esibito',
    consequence: { act: "sospensione dell'autorizzazione al funzionamento", article: 'Reg. zonale art. 11 c.2' },
  };

  test('a file without verifications loads, evaluates and reports as before (no section)', () => {
    const parsed = parseInspectionFile(example);
    assert.ok(parsed.ok);
    if (!parsed.ok) return;
    assert.equal(parsed.value.verifications, undefined);
    const rs = RULE_SETS.get(parsed.value.ruleSet)!;
    const withField = parseInspectionFile({ ...example, verifications: [verification] });
    assert.ok(withField.ok);
    if (!withField.ok) return;
    // The rules read nothing of the field: the same findings with or without it.
    assert.equal(canonicalJson(evaluate(withField.value, rs).findings), canonicalJson(evaluate(parsed.value, rs).findings));
    const input = { inspectionId: 'x', revision: 1, contentHash: '0'.repeat(64), createdAt: new Date('2026-01-01T00:00:00Z') };
    const plain = JSON.stringify(reportDefinition({ ...input, file: parsed.value }).content);
    assert.ok(!plain.includes('VERIFICA DELLE PRESCRIZIONI'));
    const checked = JSON.stringify(reportDefinition({ ...input, file: withField.value }).content);
    assert.ok(checked.includes('VERIFICA DELLE PRESCRIZIONI'));
    assert.ok(checked.includes('Reg. zonale art. 11 c.2: sospensione'));
  });

  const refusals: Array<[string, unknown, RegExp]> = [
    ['«non ottemperata» without its consequence', { ...verification, consequence: undefined }, /verifications\[0\]\.consequence/],
    ['«ottemperata» with a consequence', { ...verification, outcome: 'complied' }, /verifications\[0\]\.consequence/],
    ['an unknown outcome', { ...verification, outcome: 'forse' }, /verifications\[0\]\.outcome/],
  ];
  for (const [name, v, message] of refusals)
    test(`refused: ${name}`, () => {
      const r = parseInspectionFile({ ...example, verifications: [v] });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.errors.join('\n'), message);
    });
});
