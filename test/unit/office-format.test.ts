import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInstant } from '../../office/review/routes.ts';

test('review times: Rome wall clock as "dd/mm/yyyy alle HH:MM", winter and summer, whatever the server TZ', () => {
  assert.equal(formatInstant('2026-12-02T03:53:00Z'), '02/12/2026 alle 04:53'); // CET, UTC+1
  assert.equal(formatInstant('2026-07-01T22:05:00Z'), '02/07/2026 alle 00:05'); // CEST, UTC+2: next day in Rome
  assert.equal(formatInstant(null), '—');
});
