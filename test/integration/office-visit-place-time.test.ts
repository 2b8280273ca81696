/**
 * The office review page shows where and when the visit took place (issue 11), from the sealed
 * file the laptop sent: the REAL office server (SQLite, 127.0.0.1), the REAL laptop store, outbox
 * and sync client. A revision sealed without them shows nothing of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { startOffice } from '../helpers/office-fixtures.ts';
import { tempDir } from '../unit/db-fixtures.ts';

function call<T = { id: string }>(app: HostApp, m: string, i: unknown): T {
  const r = app.dispatch(m, i);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as T;
}

async function sendNext(app: HostApp, client: SyncClient): Promise<string> {
  const item = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'))!;
  assert.ok(item, 'a revision to send');
  const r = await client.pushInspection(item);
  assert.equal(r.status, 'created', JSON.stringify(r));
  await app.store.outbox.markSent(item.outboxId, 'ricevuta');
  return item.id;
}

test('the clerk reads «Luogo: …» and «Ora: dalle … alle …» on the revision the laptop sealed with them', async (t) => {
  const office = await startOffice('sqlite');
  t.after(() => office.close());
  const client = new SyncClient({
    baseUrl: office.url,
    token: await office.token('Ispettrice Rossi'),
    retry: { attempts: 2, baseMs: 5, maxMs: 20 },
  });
  const app = openApp({ dataDir: tempDir(t), shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  t.after(() => app.close());
  const service = call(app, 'services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
  });
  const seal = (date: string, visit: Record<string, unknown>) => {
    const i = call(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date });
    if (Object.keys(visit).length) call(app, 'inspections.update', { id: i.id, ...visit });
    call(app, 'inspections.seal', { id: i.id, commissionReason: 'prova automatica: commissione non in esame' });
  };
  seal('2026-03-02', { place: 'Sede del servizio, via Roma 1, Bagno a Ripoli', startTime: '09:30', endTime: '12:15' });
  const timed = await sendNext(app, client);
  seal('2026-03-03', {});
  const plain = await sendNext(app, client);

  await office.server.store.createClerk('Ufficio Zona', await hashPassword('password-della-prova'));
  const clerk = new Clerk(office.url);
  await clerk.login('Ufficio Zona', 'password-della-prova');
  const page = await clerk.page(`/ispezioni/${encodeURIComponent(timed)}/1`);
  assert.match(
    page,
    /<p data-testid="visit-place-time">Luogo: <strong>Sede del servizio, via Roma 1, Bagno a Ripoli<\/strong> · Ora: <strong>dalle 09:30 alle 12:15<\/strong><\/p>/,
  );
  const without = await clerk.page(`/ispezioni/${encodeURIComponent(plain)}/1`);
  assert.doesNotMatch(without, /visit-place-time|Luogo:/);
});
