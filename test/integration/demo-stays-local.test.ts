/**
 * Issue 10, "the demo stays a demo": a laptop seeded with `--demo` (the REAL host app on a temp
 * folder, its sealed demo visits included) is paired with the REAL office (SQLite, 127.0.0.1).
 * Only its real visits reach the office; the demo ones were never queued. A forged PUT of a demo
 * revision, with the device's own token, is refused with an Italian message and leaves no trace.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, contentHash } from '../../shared/canonical.ts';
import { createOfficeServer, type OfficeServer } from '../../office/server.ts';
import { hashPassword } from '../../office/security.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { ok, until } from '../helpers/laptop.ts';
import { Clerk } from '../helpers/office-clerk.ts';

const PASSWORD = 'password-lunga-di-prova';
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let office: OfficeServer;
let officeUrl: string;
let app: HostApp;
const puts: string[] = [];

async function start(): Promise<void> {
  office = await createOfficeServer({ dataDir: tmp('vigilanza-office-') });
  officeUrl = await office.listen(0);
  await office.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  const countingFetch: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === 'PUT' && /\/revisions\/\d+$/.test(url)) puts.push(new URL(url).pathname);
    return fetch(input, init);
  };
  app = openApp({
    dataDir: tmp('vigilanza-laptop-'),
    shell: 'browser',
    demo: true,
    clock: fixedClock('2026-03-10T10:00:00Z'),
    log: () => {},
    sync: { intervalMs: 400, retry: { attempts: 2, baseMs: 50, maxMs: 200 }, timeoutMs: 5_000, fetch: countingFetch },
  });
}
after(async () => {
  app?.close();
  await office?.close();
});

async function sealRealVisit(serviceId: string, date: string): Promise<{ id: string; visitId: string }> {
  const d = ok(await app.call('inspections.create', { serviceId, purpose: 'verifica_periodica', date }), 'create');
  ok(await app.call('inspections.saveAnswer', { inspectionId: d.id, itemId: 'A.destinazione_uso.certificato', value: 'yes' }), 'answer');
  const sealed = ok(
    await app.call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: d.id, signatures: [] }),
    'seal',
  );
  return { id: d.id, visitId: sealed.inspection.visitId };
}

test('a paired demo laptop sends only its real visits; the demo ones are marked and never queued', { timeout: 120_000 }, async () => {
  await start();
  const services = ok<Array<{ id: string; name: string; demo: boolean }>>(app.dispatch('services.list', {}), 'services.list');
  assert.ok(services.length >= 7 && services.every((s) => s.demo), 'every seeded service is demo');
  const demoVisits = services.flatMap(
    (s) =>
      ok<{ inspections: Array<{ id: string; serviceId: string; demo: boolean; status: string; syncStatus: string | null }> }>(
        app.dispatch('services.get', { id: s.id }),
        'services.get',
      ).inspections,
  );
  const sealedDemo = demoVisits.filter((v) => v.status !== 'draft');
  assert.ok(sealedDemo.length >= 5, `the demo holds sealed visits (${sealedDemo.length})`);
  for (const v of sealedDemo) {
    assert.equal(v.demo, true);
    assert.equal(v.syncStatus, null, 'a demo visit is never queued');
    const detail = ok(app.dispatch('inspections.get', { id: v.id }), 'get');
    assert.equal(detail.sealedFile.demo, true, 'the sealed file says it is demo');
  }
  // A correction of a demo visit is demo too (the flag comes with the revision).
  const revised = ok(app.dispatch('inspections.revise', { id: sealedDemo[0]!.id }), 'revise');
  assert.equal(revised.demo, true);

  // A real service, a real visit sealed before pairing (queued, waiting) and one after.
  const real = ok(
    await app.call('services.create', {
      name: 'Nido Reale',
      type: 'nido',
      comune: 'Bagno a Ripoli',
      capacity: 30,
      kitchen: true,
      authorizationIssuedOn: '2024-10-15',
    }),
    'services.create',
  );
  assert.equal(real.demo, false, 'a service created by hand is real');
  const before = await sealRealVisit(real.id, '2026-03-02');
  const realFile = ok(app.dispatch('inspections.get', { id: before.id }), 'get').sealedFile;
  assert.equal('demo' in realFile, false, 'a real file has no demo mark');

  const clerk = new Clerk(officeUrl);
  await clerk.login('Ufficio Zona', PASSWORD);
  const code = await clerk.pairingCode('Maria Rossi');
  ok(await app.call('sync.pair', { url: officeUrl, code }), 'sync.pair');
  app.sync.start();
  const afterPairing = await sealRealVisit(real.id, '2026-03-09');
  const status = await until('both real visits received', async () => {
    const s = ok(app.dispatch('sync.status', {}), 'status');
    return s.counts.ricevuta === 2 ? s : null;
  });
  // Everything that was ever queued is these two: nothing demo is waiting to go later.
  const queued = Object.values(status.counts as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.equal(queued, 2, `outbox: ${JSON.stringify(status.counts)}`);
  assert.deepEqual(
    ok<Array<{ inspectionId: string }>>(app.dispatch('sync.outbox', {}), 'outbox')
      .map((e) => e.inspectionId)
      .sort(),
    [before.id, afterPairing.id].sort(),
  );
  assert.deepEqual(
    puts.sort(),
    [before.visitId, afterPairing.visitId].map((v) => `/api/v1/inspections/${v}/revisions/1`).sort(),
    'one PUT per real revision, none for the demo',
  );
  const rows = await office.store.db.all<{ inspection_id: string; service_name: string }>(
    'SELECT inspection_id, service_name FROM revisions ORDER BY inspection_id',
  );
  assert.deepEqual(rows.map((r) => r.inspection_id).sort(), [before.visitId, afterPairing.visitId].sort());
  assert.deepEqual([...new Set(rows.map((r) => r.service_name))], ['Nido Reale']);

  // The database itself refuses to queue a demo visit, whatever the code above it does.
  assert.throws(() => app.store.outbox.enqueue(sealedDemo[0]!.id), /visita dimostrativa: i dati dimostrativi non si inviano/);
  assert.throws(
    () =>
      app.store.db
        .prepare(
          "INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) SELECT 'forzata', id, visit_id, revision, content_hash, 'x', 'x' FROM inspections WHERE id = ?",
        )
        .run(sealedDemo[0]!.id),
    /visita dimostrativa/,
  );
  // Nor does a visit change side: not by UPDATE, not by pointing a demo visit at a real service.
  assert.throws(() => app.store.db.prepare('UPDATE inspections SET demo = 0 WHERE id = ?').run(revised.id), /resta dimostrativa/);
  assert.throws(
    () => app.store.db.prepare('UPDATE services SET demo = 0 WHERE id = ?').run(sealedDemo[0]!.serviceId),
    /non cambia fra dimostrativo e reale/,
  );
});

test('attack: a forged PUT of a demo revision, with a valid device token, is refused (422, Italian, nothing stored)', async () => {
  assert.ok(app, 'the first test set up the paired laptop');
  const token = app.store.outbox.deviceToken()!;
  const sealed = ok<Array<{ id: string }>>(app.dispatch('services.list', {}), 'services.list').flatMap((s) =>
    ok<{ inspections: Array<{ id: string; status: string }> }>(app.dispatch('services.get', { id: s.id }), 'get').inspections.filter(
      (i) => i.status !== 'draft',
    ),
  );
  const detail = ok(app.dispatch('inspections.get', { id: sealed[0]!.id }), 'get');
  const countBefore = (await office.store.db.all('SELECT 1 FROM revisions')).length;
  const put = async (file: unknown, id = detail.visitId) =>
    fetch(`${officeUrl}/api/v1/inspections/${id}/revisions/1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ file, contentHash: contentHash(file) }),
    });
  // The demo file exactly as sealed (hash right), then with the mark set to something else.
  for (const file of [detail.sealedFile, { ...detail.sealedFile, demo: false }, { ...detail.sealedFile, demo: 'no' }]) {
    const res = await put(file);
    assert.equal(res.status, 422, canonicalJson(file).slice(0, 80));
    const body = (await res.json()) as { error: { code: string; message: string; field: string } };
    assert.equal(body.error.field, 'file.demo');
    assert.match(body.error.message, /^file\.demo: è una visita dei dati dimostrativi e l'ufficio non la registra/);
  }
  // The same content without the mark is a valid file: the refusal is about the mark, not the rest.
  const { demo: _mark, ...unmarked } = detail.sealedFile as Record<string, unknown>;
  assert.equal((await put(unmarked, 'visita-senza-segno')).status, 201);
  const rows = await office.store.db.all<{ inspection_id: string }>('SELECT inspection_id FROM revisions');
  assert.equal(rows.length, countBefore + 1);
  assert.ok(!rows.some((r) => r.inspection_id === detail.visitId), 'the demo revision is not stored');
});
