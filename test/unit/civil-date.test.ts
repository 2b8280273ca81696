/** The day an office or a laptop in Italy is in (shared/dates.ts civilDate), not the UTC day. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { civilDate } from '../../shared/dates.ts';

test('the civil date is Rome’s: past midnight there it is already the next day, in winter and in summer', () => {
  assert.equal(civilDate(new Date('2026-12-02T23:30:00Z')), '2026-12-03', 'CET: 00:30 on 3 December');
  assert.equal(civilDate(new Date('2026-12-02T22:59:00Z')), '2026-12-02', 'CET: 23:59 on 2 December');
  assert.equal(civilDate(new Date('2026-07-14T22:30:00Z')), '2026-07-15', 'CEST: 00:30 on 15 July');
  assert.equal(civilDate(new Date('2026-07-14T21:59:00Z')), '2026-07-14');
  assert.equal(civilDate(new Date('2026-12-02T23:30:00Z'), 'UTC'), '2026-12-02');
});
