/** The host's sync status events: one per change, none for a pass that changed nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostEvent } from '../../shared/api/events.ts';
import { ok, openTestApp, SERVICE } from './db-fixtures.ts';

test('sync status events come only when the status moved: «Sincronizza ora» twice is one, a seal queued is another', (t) => {
  const app = openTestApp(t);
  const events: Extract<HostEvent, { type: 'sync.status' }>[] = [];
  const unsubscribe = app.subscribe((e) => {
    assert.equal(e.type, 'sync.status', 'the host itself pushes only sync status (restarts come from the supervisor)');
    if (e.type === 'sync.status') events.push(e);
  });
  ok(app, 'sync.now', {});
  ok(app, 'sync.now', {});
  assert.equal(events.length, 1);
  const before = events[0]!.status.counts;

  const service = ok(app, 'services.create', SERVICE);
  const inspection = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [
      {
        signatory: 'pedagogista',
        name: 'Chiara Fantoni',
        strokes: [
          [
            [10, 10],
            [20, 30],
          ],
        ],
      },
    ],
  });
  assert.equal(events.length, 2);
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  assert.equal(total(events[1]!.status.counts), total(before) + 1, 'the sealed revision is in the outbox');

  unsubscribe();
  const second = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-11' });
  ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: second.id,
    signatures: [
      {
        signatory: 'pedagogista',
        name: 'Chiara Fantoni',
        strokes: [
          [
            [10, 10],
            [20, 30],
          ],
        ],
      },
    ],
  });
  assert.equal(events.length, 2, 'no events after unsubscribing');
});
