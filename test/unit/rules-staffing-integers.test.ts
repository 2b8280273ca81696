/**
 * The staffing numbers are computed in plain integers (shared/rules/staffing.ts) and must be exactly
 * what the bigint Fractions give: the required educators and auxiliaries, the enrolment ceiling and
 * the «= 3,95» of the explanation, for small counts and for counts near 2^53, where the integers
 * would no longer be exact and the Fractions take over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fraction } from '../../shared/fraction.ts';
import {
  educatorLoad,
  enrolmentCeiling,
  explainLoad,
  LUCCA_1,
  requiredAuxiliaries,
  requiredEducators,
  ZONA_FSE_1,
  type Column,
  type RuleSet,
} from '../../shared/rules/index.ts';
import { SERVICE_TYPES } from '../../shared/domain.ts';

/** The reference: every step a Fraction, as the engine computed before the integers. */
function reference(rs: RuleSet, type: (typeof SERVICE_TYPES)[number], counts: Map<string, number>, column: Column) {
  const rules = rs.serviceTypes[type];
  const share = column === 'enrolled' ? Fraction.of(rs.plannedRatioBase.num, rs.plannedRatioBase.den) : Fraction.of(1);
  const load = educatorLoad(rules, counts, share);
  const parts = rules.bands
    .filter((b) => (counts.get(b.id) ?? 0) > 0)
    .map((b) => `${counts.get(b.id)}${column === 'enrolled' ? ` × ${share.toItalian()}` : ''} / ${b.childrenPerEducator} (${b.ageLabel})`);
  return {
    required: load === null ? null : Number(load.ceil()),
    explained: parts.length && load ? `${parts.join(' + ')} = ${load.toItalian()}` : 'nessun bambino',
  };
}

const SAMPLES = [0, 1, 2, 5, 6, 7, 9, 10, 11, 13, 14, 29, 30, 31, 59, 60, 61, 1_000_003, 2 ** 40 + 1, 2 ** 50 - 3, Number.MAX_SAFE_INTEGER];

test('required educators and the explanation equal the Fractions, small counts and near 2^53', () => {
  let compared = 0;
  for (const rs of [ZONA_FSE_1, LUCCA_1])
    for (const type of SERVICE_TYPES) {
      const rules = rs.serviceTypes[type];
      for (let i = 0; i < 400; i++) {
        const counts = new Map(rules.bands.map((b, j) => [b.id, SAMPLES[(i * (j + 3) + j * 7 + (i >> 3)) % SAMPLES.length]!]));
        for (const column of ['enrolled', 'present'] as const) {
          const want = reference(rs, type, counts, column);
          assert.equal(requiredEducators(rs, rules, counts, column), want.required, `${type} ${column} ${[...counts.values()]}`);
          if (want.required !== null) assert.equal(explainLoad(rs, rules, counts, column), want.explained);
          compared++;
        }
      }
    }
  assert.ok(compared > 6000);
});

test('required auxiliaries and the enrolment ceiling equal the Fractions', () => {
  for (const rs of [ZONA_FSE_1, LUCCA_1])
    for (const type of SERVICE_TYPES) {
      const rules = rs.serviceTypes[type];
      for (const n of SAMPLES) {
        const aux = rules.childrenPerAuxiliary === null ? null : Number(Fraction.of(n, rules.childrenPerAuxiliary).ceil());
        assert.equal(requiredAuxiliaries(rules, n), aux, `${type} ${n}`);
        const t = rules.enrolmentTolerance;
        const tolerated = t ? Number(Fraction.of(n * t.num, t.den).floor()) : n;
        assert.equal(enrolmentCeiling(rules, n), Math.min(tolerated, rules.enrolmentAbsoluteMax), `${type} ${n}`);
      }
    }
});

test('what the Fractions refuse is still refused: a count that is not an integer', () => {
  const rules = ZONA_FSE_1.serviceTypes.nido;
  const counts = new Map(rules.bands.map((b) => [b.id, 2.5]));
  assert.throws(() => requiredEducators(ZONA_FSE_1, rules, counts, 'present'), RangeError);
  assert.throws(() => requiredAuxiliaries(rules, 2.5), RangeError);
});
