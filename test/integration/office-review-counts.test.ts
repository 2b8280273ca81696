/**
 * The review queue's tab counts are kept by the writes (issue 16, office migration 17), not counted
 * from every revision: after pushes (new, the same again, a conflict, another laptop's), taking in
 * review, validation, rejection, a transfer to another laptop and concurrent pushes and decisions,
 * they equal a GROUP BY over the revisions, and the queue page shows them; a database migrated to 17
 * fills them from the revisions it holds. Both engines.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { contentHash } from '../../shared/canonical.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { REVIEW_STATUSES, type OfficeStore, type ReviewStatus } from '../../office/storage/store.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, sampleFile, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';
import { seedOffice } from '../helpers/office-seed.ts';

after(() => stopPostgres());

const PASSWORD = 'una-password-lunga-per-i-conteggi';

/** What the counts must say: every revision counted by its status (the query the queue no longer runs). */
async function truth(store: OfficeStore): Promise<Record<ReviewStatus, number>> {
  const out = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0])) as Record<ReviewStatus, number>;
  for (const r of await store.db.all<{ review_status: ReviewStatus; n: number }>(
    'SELECT review_status, COUNT(*) AS n FROM revisions GROUP BY review_status',
  ))
    out[r.review_status] = Number(r.n);
  return out;
}

async function assertCounts(store: OfficeStore, expected: Partial<Record<ReviewStatus, number>>, what: string): Promise<void> {
  const counts = await store.countByStatus();
  assert.deepEqual(counts, await truth(store), `${what}: the kept counts equal the revisions`);
  for (const [status, n] of Object.entries(expected)) assert.equal(counts[status as ReviewStatus], n, `${what}: ${status}`);
}

for (const backend of BACKENDS) {
  describe(`review queue counts, ${backend}`, () => {
    test('kept through pushes, decisions and a transfer, concurrent ones included; the page shows them', async () => {
      const office: TestOffice = await startOffice(backend, { limits: { apiPerSecond: 1000, apiBurst: 1000 } });
      try {
        const store = office.server.store;
        await store.createClerk('Ufficio Conti', await hashPassword(PASSWORD));
        const clerk = new Clerk(office.url);
        await clerk.login('Ufficio Conti', PASSWORD);
        const maria = await office.device('Maria Conti', 'portatile di Maria');
        const luca = await office.device('Luca Conti', 'portatile di Luca');
        const client = (d: { token: string }) =>
          new SyncClient({ baseUrl: office.url, token: d.token, retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
        const push = (d: { token: string }, id: string, revision: number, file: unknown) =>
          client(d).pushInspection({ id, revision, file, contentHash: contentHash(file) });

        await assertCounts(store, { ricevuta: 0, in_validazione: 0, validata: 0, respinta: 0 }, 'empty office');
        for (let i = 0; i < 5; i++) assert.equal((await push(maria, `conta-${i}`, 1, sampleFile(i))).status, 'created');
        assert.equal((await push(maria, 'conta-0', 2, sampleFile(0, { note: 'correzione' }))).status, 'created');
        await assertCounts(store, { ricevuta: 6 }, 'six pushes');

        // Nothing new stored, nothing counted: the same revision again, other content for it, another laptop's push.
        assert.equal((await push(maria, 'conta-1', 1, sampleFile(1))).status, 'duplicate');
        assert.equal((await push(maria, 'conta-1', 1, sampleFile(1, { note: 'altro contenuto' }))).status, 'conflict');
        assert.equal((await push(luca, 'conta-2', 2, sampleFile(2))).status, 'rejected');
        await assertCounts(store, { ricevuta: 6 }, 'refused pushes');

        // Through the review pages: take in review, validate (from «in validazione» and straight from «ricevuta»), reject.
        const take = await clerk.post('/ispezioni/conta-1/1/prendi', {}, '/ispezioni/conta-1/1');
        assert.equal(take.status, 303);
        await clerk.post('/ispezioni/conta-1/1/prendi', {}, '/ispezioni/conta-1/1'); // twice: moves nothing the second time
        await assertCounts(store, { ricevuta: 5, in_validazione: 1 }, 'taken in review');
        await clerk.decide('conta-1', 1, 'valida');
        await clerk.decide('conta-2', 1, 'valida');
        await clerk.decide('conta-3', 1, 'respingi', 'Manca la firma del referente');
        await assertCounts(store, { ricevuta: 3, in_validazione: 0, validata: 2, respinta: 1 }, 'decided');
        // A decision refused (already decided) moves nothing.
        const clerkId = (await store.getClerkByName('Ufficio Conti'))!.id;
        await assert.rejects(store.decide('conta-3', 1, 'validated', null, clerkId), /già respinta/);
        await assertCounts(store, { validata: 2, respinta: 1 }, 'refused decision');

        // The rejected visit moves to Luca's laptop; his correction is one more received revision, then validated.
        await store.transferVisit({ inspectionId: 'conta-3', toDeviceId: luca.deviceId, clerkId, reason: 'portatile sostituito' });
        await assertCounts(store, { ricevuta: 3, respinta: 1 }, 'after the transfer');
        assert.equal((await push(luca, 'conta-3', 2, sampleFile(3, { note: 'corretta' }))).status, 'created');
        await assertCounts(store, { ricevuta: 4, respinta: 1 }, 'pushed from the new laptop');
        await clerk.decide('conta-3', 2, 'valida');
        await assertCounts(store, { ricevuta: 3, validata: 3, respinta: 1 }, 'correction validated');

        // Concurrent: 24 pushes from two laptops while the clerk takes in review and decides the received ones.
        const waiting = (await store.listByStatus('ricevuta', 100)).rows;
        await Promise.all([
          ...Array.from({ length: 12 }, (_, i) => push(maria, `insieme-m-${i}`, 1, sampleFile(100 + i))),
          ...Array.from({ length: 12 }, (_, i) => push(luca, `insieme-l-${i}`, 1, sampleFile(200 + i))),
          ...waiting.map(async (r, i) => {
            await store.takeInReview(r.inspectionId, r.revision, clerkId);
            await store.decide(r.inspectionId, r.revision, i % 2 ? 'validated' : 'rejected', 'Da correggere', clerkId);
          }),
        ]);
        await assertCounts(store, { ricevuta: 24, in_validazione: 0, validata: 4, respinta: 3 }, 'concurrent writes');

        const queue = await clerk.page('/coda');
        const counts = await store.countByStatus();
        for (const [label, status] of [
          ['Ricevute', 'ricevuta'],
          ['In validazione', 'in_validazione'],
          ['Validate', 'validata'],
          ['Respinte', 'respinta'],
        ] as const)
          assert.match(queue, new RegExp(`${label} \\(${counts[status]}\\)`), label);
      } finally {
        await office.close();
      }
    });

    test('migration 17 fills the counts from the revisions a database already holds', async () => {
      const office = await startOffice(backend);
      try {
        const store = office.server.store;
        await seedOffice(store, { revisions: 300, services: 20, today: '2026-11-20' });
        const expected = await truth(store);
        assert.ok(expected.validata > 0 && expected.respinta > 0 && expected.ricevuta > 200, JSON.stringify(expected));
        // Back to the database as it was before 17: no counts table, the version below it.
        const db = store.db;
        await db.run('DROP TABLE review_counts');
        await db.run('DROP INDEX IF EXISTS latest_prescriptions_export'); // SQLite's export index, same migration
        const before = MIGRATIONS.filter((m) => m.version < 17).at(-1)!.version;
        if (db.kind === 'sqlite') await db.run(`PRAGMA user_version = ${before}`);
        else await db.run('UPDATE office_schema SET version = ?', [before]);
        assert.deepEqual(await migrate(db), [17]);
        assert.deepEqual(await store.countByStatus(), expected);
        // And kept from there on.
        const received = (await store.listByStatus('ricevuta', 1)).rows[0]!;
        const clerkId = (await store.getClerkByName('Ufficio Seme'))!.id;
        await store.decide(received.inspectionId, received.revision, 'validated', null, clerkId);
        assert.deepEqual(await store.countByStatus(), { ...expected, ricevuta: expected.ricevuta - 1, validata: expected.validata + 1 });
        assert.deepEqual(await store.countByStatus(), await truth(store));
      } finally {
        await office.close();
      }
    });
  });
}
