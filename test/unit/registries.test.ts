/**
 * The rule sets, checklists and territories this build registers are typed data that no process
 * parses at start-up any longer (a cold `vigilanza check` paid ~20 ms for it): this is where each one
 * meets its zod schema, every registry entry, so a new territory's data mistake fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RULE_SETS, RuleSet, ruleSetKey } from '../../shared/rules/index.ts';
import { CHECKLISTS, Checklist, checklistKey } from '../../shared/checklist/index.ts';
import { TERRITORIES, territoryProblems } from '../../shared/territories/index.ts';
import { Territory } from '../../shared/territories/schema.ts';

test('every registered rule set parses with the RuleSet schema, unchanged', () => {
  assert.ok(RULE_SETS.size >= 2);
  for (const [key, rs] of RULE_SETS) {
    assert.equal(key, ruleSetKey(rs));
    assert.deepEqual(RuleSet.parse(rs), rs, key);
  }
});

test('every registered checklist parses with the Checklist schema (unique ids, known sections), unchanged', () => {
  assert.ok(CHECKLISTS.size >= 2);
  for (const [key, checklist] of CHECKLISTS) {
    assert.equal(key, checklistKey(checklist));
    assert.deepEqual(Checklist.parse(checklist), checklist, key);
  }
});

test('every registered territory parses with the Territory schema, unchanged, and agrees with its data', () => {
  assert.ok(TERRITORIES.size >= 2);
  for (const [id, territory] of TERRITORIES) {
    assert.equal(id, territory.id);
    assert.deepEqual(Territory.parse(territory), territory, id);
    assert.deepEqual(territoryProblems(territory), [], id);
  }
});

test('the schemas still refuse what a parse at start-up used to refuse', () => {
  const rs = structuredClone(RULE_SETS.get('zona-fse@1')!);
  (rs.serviceTypes.nido.capacity as { max: number }).max = 0;
  assert.equal(RuleSet.safeParse(rs).success, false);
  const checklist = structuredClone(CHECKLISTS.get('zona-fse@1')!);
  checklist.items.push({ ...checklist.items[0]! });
  assert.match(JSON.stringify(Checklist.safeParse(checklist).error?.issues), /duplicate item id/);
});
