import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInstant } from '../../office/review/routes.ts';
import { checkLabel, formatSize } from '../../office/review/labels.ts';

test('review times: Rome wall clock as "dd/mm/yyyy alle HH:MM", winter and summer, whatever the server TZ', () => {
  assert.equal(formatInstant('2026-12-02T03:53:00Z'), '02/12/2026 alle 04:53'); // CET, UTC+1
  assert.equal(formatInstant('2026-07-01T22:05:00Z'), '02/07/2026 alle 00:05'); // CEST, UTC+2: next day in Rome
  assert.equal(formatInstant(null), '—');
});

test('attachment sizes: decimal units with the Italian decimal comma, never "1000 kB"', () => {
  assert.equal(formatSize(0), '0 byte');
  assert.equal(formatSize(512), '512 byte');
  assert.equal(formatSize(1000), '1 kB');
  assert.equal(formatSize(1250), '1,3 kB');
  assert.equal(formatSize(149_400), '149 kB');
  assert.equal(formatSize(999_999), '1 MB');
  assert.equal(formatSize(2_450_000), '2,5 MB');
});

test('checks by their Italian name: computed rules as the report names them, Scheda items by their tidied text', () => {
  const items = new Map([['F.presidi.x', { text: 'Prese elettriche protette ;' }]]);
  assert.equal(checkLabel('staff.titles', items), 'Titoli di studio degli educatori');
  assert.equal(checkLabel('F.presidi.x', items), 'Prese elettriche protette;');
  assert.doesNotMatch(checkLabel('nuova.regola', items), /nuova\.regola/);
});
