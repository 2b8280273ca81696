/**
 * The laptop's audit chain head travels to the office with each sealed revision: the REAL office
 * server (SQLite, 127.0.0.1), the REAL laptop store and outbox, the sync client. A laptop whose
 * history was rewritten after it sent earlier revisions (even with the whole chain recomputed)
 * is marked «storia del portatile riscritta»; its revision is kept. Old laptops still sync.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { AUDIT_GENESIS, chainHash, entryDigest, type ChainEntry } from '../../shared/audit-chain.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { startOffice } from '../helpers/office-fixtures.ts';
import { tempDir } from '../unit/db-fixtures.ts';

const SIG = {
  signatory: 'pedagogista',
  name: 'Chiara Fantoni',
  strokes: [
    [
      [10, 10],
      [20, 30],
    ],
  ],
};

function call<T = { id: string }>(app: HostApp, m: string, i: unknown): T {
  const r = app.dispatch(m, i);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as T;
}

function sealVisit(app: HostApp, serviceId: string, date: string): string {
  const i = call(app, 'inspections.create', { serviceId, purpose: 'verifica_periodica', date, memberIds: [] });
  call(app, 'inspections.saveAnswer', { inspectionId: i.id, itemId: 'A.destinazione_uso.certificato', value: 'yes' });
  call(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: i.id, signatures: [SIG] });
  return i.id;
}

async function sendNext(app: HostApp, client: SyncClient): Promise<{ id: string; revision: number }> {
  const item = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'))!;
  assert.ok(item, 'a revision to send');
  const r = await client.pushInspection(item);
  assert.equal(r.status, 'created', JSON.stringify(r));
  await app.store.outbox.markSent(item.outboxId, 'ricevuta');
  return { id: item.id, revision: item.revision };
}

test('a rewritten laptop history (chain recomputed) is marked at the office, the revision kept; clean ones link', async (t) => {
  const office = await startOffice('sqlite');
  t.after(() => office.close());
  const client = new SyncClient({
    baseUrl: office.url,
    token: await office.token('Ispettrice Rossi'),
    retry: { attempts: 2, baseMs: 5, maxMs: 20 },
  });
  const dir = tempDir(t);
  let app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  const service = call(app, 'services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
  });

  sealVisit(app, service.id, '2026-03-02');
  const a = await sendNext(app, client);
  assert.deepEqual(
    (await office.server.store.getRevision(a.id, 1))!.audit,
    { status: 'coerente', note: null },
    'from the start of the chain',
  );
  sealVisit(app, service.id, '2026-03-03');
  const b = await sendNext(app, client);
  assert.deepEqual(
    (await office.server.store.getRevision(b.id, 1))!.audit,
    { status: 'coerente', note: null },
    'links to the head sent with the first',
  );
  app.close();

  // Rewritten after the fact: the first answer of visit A becomes "no", and the WHOLE chain and the seal heads are recomputed.
  const db = new Database(join(dir, 'vigilanza.db'));
  for (const { name } of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{ name: string }>)
    db.exec(`DROP TRIGGER "${name}"`);
  db.prepare('UPDATE audit_log SET detail = replace(detail, \'"yes"\', \'"no"\') WHERE seq = 2').run();
  let previous = AUDIT_GENESIS;
  for (const e of db
    .prepare('SELECT seq, inspection_id AS inspectionId, at, action, detail FROM audit_log ORDER BY seq')
    .all() as ChainEntry[]) {
    const hash = chainHash(previous, entryDigest(e));
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(previous, hash, e.seq);
    db.prepare('UPDATE inspections SET audit_hash = ? WHERE audit_seq = ?').run(hash, e.seq);
    previous = hash;
  }
  db.close();

  app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  t.after(() => app.close());
  assert.deepEqual(app.store.audit.verifyChain().problems, [], 'locally the recomputed chain looks whole');
  sealVisit(app, service.id, '2026-03-04');
  const c = await sendNext(app, client);
  const record = (await office.server.store.getRevision(c.id, 1))!;
  assert.equal(record.audit?.status, 'riscritta');
  assert.match(record.audit?.note ?? '', /non è più quella ricevuta/);
  assert.equal(record.review.status, 'ricevuta', 'kept for the clerk, not refused');

  // What the clerk reads on the revision's page: the warning on the rewritten one, none on a clean one.
  await office.server.store.createClerk('Ufficio Zona', await hashPassword('password-della-prova'));
  const clerk = new Clerk(office.url);
  await clerk.login('Ufficio Zona', 'password-della-prova');
  const warned = await clerk.page(`/ispezioni/${encodeURIComponent(c.id)}/1`);
  assert.match(warned, /data-testid="audit-chain"><strong>Attenzione: storia del portatile riscritta\.<\/strong>/);
  // React writes the apostrophe as &#x27;: the text the clerk reads is the same.
  assert.match(warned, /verificarli con l(?:'|&#x27;)ispettore prima di validare/);
  const clean = await clerk.page(`/ispezioni/${encodeURIComponent(b.id)}/1`);
  assert.match(clean, /integro e coerente con quanto ricevuto prima/);
  assert.doesNotMatch(clean, /storia del portatile riscritta/);

  // A segment that starts past the points the office holds (seal heads moved forward after a
  // rewrite) cannot be checked: not «coerente», and the clerk is told in red what to verify.
  sealVisit(app, service.id, '2026-03-06');
  const item = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'))!;
  const { from, digests, head } = item.audit!;
  const shifted = { from: { seq: from.seq + 1, hash: chainHash(from.hash, digests[0]!) }, digests: digests.slice(1), head };
  assert.equal((await client.pushInspection({ ...item, audit: shifted })).status, 'created');
  await app.store.outbox.markSent(item.outboxId, 'ricevuta');
  const unlinked = (await office.server.store.getRevision(item.id, 1))!.audit!;
  assert.equal(unlinked.status, 'non_collegata');
  assert.match(unlinked.note ?? '', new RegExp(`riparte dalla voce ${from.seq + 1}, che l'ufficio non ha ricevuto`));
  assert.match(
    await clerk.page(`/ispezioni/${encodeURIComponent(item.id)}/1`),
    /role="alert" data-testid="audit-chain"><strong>Attenzione: registro del portatile non collegato\.<\/strong>/,
  );

  // An older laptop (no audit part) still syncs.
  const old = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'));
  assert.equal(old, null);
  sealVisit(app, service.id, '2026-03-05');
  const { audit: _dropped, ...withoutAudit } = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'))!;
  void _dropped;
  assert.equal((await client.pushInspection(withoutAudit)).status, 'created');
  assert.equal((await office.server.store.getRevision(withoutAudit.id, 1))!.audit, null);
});
