/**
 * The engine's findings on 16,000 generated inspections (bench/inspections.ts: the rules bench's own
 * 10,000, then Zona and Lucca files with every item answered, notes, the register) are exactly those
 * recorded in data/rules-generated.expected.json, which the engine before its speed-up (8ad9038)
 * wrote: every finding's rule, outcome, article and message, in order, through a SHA-256 of each
 * result's JSON. A change of rules that changes findings on purpose rewrites the file
 * (`node --import tsx test/helpers/generated-findings.ts --write`) and says why in its commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generatedDigests, type GeneratedDigest } from '../helpers/generated-findings.ts';

const expected = JSON.parse(readFileSync(new URL('./data/rules-generated.expected.json', import.meta.url), 'utf8')) as GeneratedDigest[];

test('findings on generated inspections are the recorded ones, digit for digit', () => {
  const actual = generatedDigests();
  assert.equal(actual.length, expected.length);
  actual.forEach((got, i) => {
    const want = expected[i]!;
    assert.equal(got.name, want.name);
    // The inputs first: a changed generator is not a changed engine.
    assert.equal(got.inputs, want.inputs, `${got.name}: the generated files differ from those the expectation was made on`);
    // Then the counts per rule and outcome, which show where a difference is, then every message.
    assert.deepEqual(got.outcomes, want.outcomes, `${got.name}: outcomes per rule differ`);
    assert.equal(got.results, want.results, `${got.name}: same outcomes, but some finding's message or article differs`);
  });
});
