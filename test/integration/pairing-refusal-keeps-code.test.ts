/**
 * A pairing the laptop refuses (it holds visits of another territory than the office's) must not
 * spend the office's one-time code: the laptop asks the office's territory first (GET /api/v1/pair,
 * no token) and refuses before POSTing the code. Real office on 127.0.0.1, real SQLite laptops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { startOffice } from '../helpers/office-fixtures.ts';
import { ok, openTestApp, SERVICE } from '../unit/db-fixtures.ts';

test('a refused pairing leaves the code valid: another laptop pairs with it', async (t) => {
  const office = await startOffice('sqlite', { territory: 'lucca' });
  t.after(() => office.close());
  const inspector = await office.server.store.createInspector('Giulia Verdi');
  const code = newPairingCode();
  await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());

  // The office's answer before pairing: its territory, to anyone (it heads the review pages too).
  const info = await fetch(`${office.url}/api/v1/pair`);
  assert.equal(info.status, 200);
  assert.deepEqual(await info.json(), { territory: 'lucca' });

  const zona = openTestApp(t);
  const service = ok(zona, 'services.create', SERVICE);
  ok(zona, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
  const refused = await zona.call('sync.pair', { url: office.url, code });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.field, 'url');
  assert.match(
    !refused.ok ? refused.error.message : '',
    /l'ufficio applica il territorio «Città di Lucca», ma questo portatile ha già visite/,
  );
  const row = await office.server.store.db.get<{ used_at: string | null }>('SELECT used_at FROM pairing_codes WHERE code_hash = ?', [
    sha256Text(code),
  ]);
  assert.equal(row?.used_at, null, 'the code is not spent');
  assert.equal((await office.server.store.listInspectors()).find((i) => i.name === 'Giulia Verdi')?.devices, 0, 'no device added');

  const fresh = openTestApp(t);
  const paired = await fresh.call('sync.pair', { url: office.url, code });
  assert.ok(paired.ok, !paired.ok ? paired.error.message : '');
  t.after(() => fresh.sync.stop());
  assert.deepEqual(ok(fresh, 'territory.get', {}), { id: 'lucca', chosen: true, changeable: false });
});
