/**
 * Two real laptops (the host app's store on a SQLite file, visits sealed by the handlers) push 200 sealed inspections with 5 photos each through a proxy that drops,
 * delays, truncates and duplicates requests; the office must end with every inspection and
 * every photo exactly once, byte-identical. Then decisions flow back through /changes.
 * Same test on SQLite and PostgreSQL.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../shared/canonical.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { drainOutbox, pullAll } from '../../host/sync/loop.ts';
import type { HostApp } from '../../host/app.ts';
import { laptopDir, openLaptop, pairLaptop, sealVisits, type VisitSpec } from '../helpers/laptop.ts';
import { startChaosProxy } from '../helpers/chaos-proxy.ts';
import { BACKENDS, makePng, sampleFile, sha256, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

const INSPECTIONS = 200;
const PHOTOS = 5;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

for (const backend of BACKENDS) {
  describe(`sync through a faulty network, ${backend}`, () => {
    test(
      `${INSPECTIONS} inspections × ${PHOTOS} photos from two laptops arrive exactly once, byte-identical`,
      { timeout: 300_000 },
      async () => {
        const started = Date.now();
        const apps: HostApp[] = [];
        const folders: Array<{ remove(): void }> = [];
        const office = await startOffice(backend, { limits: { apiPerSecond: 2000, apiBurst: 2000 } });
        const proxy = await startChaosProxy({
          target: office.url,
          seed: backend === 'sqlite' ? 20260312 : 777,
          dropBefore: 0.04,
          dropAfter: 0.04,
          delay: 0.05,
          truncate: 0.04,
          duplicate: 0.05,
          maxDelayMs: 60,
          maxFaults: 2000,
        });
        try {
          const laptops = await Promise.all(
            ['Maria Rossi', 'Luca Bianchi'].map(async (name, index) => {
              const folder = laptopDir();
              folders.push(folder);
              const app = openLaptop(folder.dir);
              apps.push(app);
              const token = await office.token(name);
              pairLaptop(app, proxy.url, token, name);
              return {
                name,
                index,
                app,
                outbox: app.store.outbox,
                client: new SyncClient({ baseUrl: proxy.url, token, retry: { attempts: 10, baseMs: 5, maxMs: 200 }, timeoutMs: 10_000 }),
              };
            }),
          );
          const photos = new Map<string, Buffer>();
          const specs: VisitSpec[][] = [[], []];
          for (let i = 0; i < INSPECTIONS; i++) {
            const file = sampleFile(i) as { service: { name: string; comune: string }; visit: { date: string } };
            specs[i % 2]!.push({
              serviceName: file.service.name,
              comune: file.service.comune,
              date: file.visit.date,
              answer: i % 5 === 0 ? 'no' : 'yes',
              note: `visita ${i}`,
              // Every tenth inspection reuses a photo of the previous one: same bytes, stored once.
              photos: Array.from({ length: PHOTOS }, (_, k) => {
                const seed = k === 0 && i % 10 === 9 ? (i - 1) * 10 : i * 10 + k;
                const bytes = makePng(seed, 24 + (seed % 16));
                photos.set(sha256(bytes), bytes);
                return bytes;
              }),
              ...(i % 7 === 0 ? { prescription: { text: 'Formare un secondo addetto antincendio', deadline: '2026-09-30' } } : {}),
            });
          }
          const seedStarted = Date.now();
          const sealed = laptops.map((l) => sealVisits(l.app, specs[l.index]!));
          const seedSeconds = (Date.now() - seedStarted) / 1000;
          const expected = new Map<string, { laptop: number; hash: string; shas: string[] }>();
          sealed.forEach((visits, laptop) =>
            visits.forEach((v) => expected.set(v.visitId, { laptop, hash: v.contentHash, shas: v.photoShas })),
          );
          const notReceived = (l: (typeof laptops)[number]) => l.outbox.list().filter((r) => r.status !== 'ricevuta');

          // Each laptop drains its outbox; items that failed for now are retried on the next pass.
          await Promise.all(
            laptops.map(async (l) => {
              for (let pass = 0; pass < 30; pass++) {
                await drainOutbox(l.outbox, l.client, { retryDelayMs: () => 0 });
                if (notReceived(l).length === 0) return;
              }
            }),
          );
          for (const l of laptops) {
            assert.deepEqual(
              notReceived(l).map((r) => `${r.visitId}: ${r.status} ${r.lastError}`),
              [],
              `${l.name}: everything acknowledged`,
            );
            assert.equal(l.outbox.list().length, INSPECTIONS / 2);
          }
          for (const fault of ['dropBefore', 'dropAfter', 'delay', 'truncate', 'duplicate'] as const)
            assert.ok(proxy.stats[fault] > 0, `the proxy injected ${fault}`);

          // The office holds every revision once, with its content and its photos byte for byte.
          const rows = await office.server.store.db.all<{
            inspection_id: string;
            revision: number;
            content_hash: string;
            inspector_id: string;
          }>('SELECT inspection_id, revision, content_hash, inspector_id FROM revisions ORDER BY inspection_id');
          assert.equal(rows.length, INSPECTIONS);
          assert.deepEqual(
            rows.map((r) => r.inspection_id),
            [...expected.keys()].sort(),
          );
          for (const r of rows) {
            const want = expected.get(r.inspection_id)!;
            assert.equal(r.content_hash, want.hash);
            const record = await office.server.store.getRevision(r.inspection_id, 1);
            assert.deepEqual(
              record!.attachments.map((a) => a.sha256),
              want.shas,
            );
            assert.equal(contentHash(record!.file), want.hash, 'the stored file is the one sealed');
            assert.equal(record!.inspectorName, laptops[want.laptop]!.name);
          }
          const attachmentRows = await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM attachments');
          assert.equal(Number(attachmentRows!.n), INSPECTIONS * PHOTOS);
          const stored = listFiles(join(office.dataDir, 'blobs'));
          assert.equal(stored.length, photos.size, 'one file per distinct photo');
          for (const [sha, bytes] of photos)
            assert.ok(readFileSync(office.server.blobs.blobPath(sha)).equals(bytes), `photo ${sha} byte-identical`);
          assert.deepEqual(readdirSync(join(office.dataDir, 'uploads')), [], 'no unfinished upload left behind');

          // A laptop that lost every acknowledgement sends everything again: all duplicates.
          proxy.setEnabled(false);
          laptops[0]!.app.store.db.prepare("UPDATE outbox SET status = 'in_coda'").run();
          const resend = await drainOutbox(laptops[0]!.outbox, laptops[0]!.client);
          assert.equal(resend.duplicates, INSPECTIONS / 2);
          assert.equal(resend.sent, 0);
          assert.equal(Number((await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM revisions'))!.n), INSPECTIONS);

          // Other content under an existing revision number (a copied data folder that sealed its own
          // visit under the same id) is a conflict, reported, not stored.
          const cloneFolder = laptopDir();
          folders.push(cloneFolder);
          const clone = openLaptop(cloneFolder.dir);
          apps.push(clone);
          const [own] = sealVisits(clone, [{ ...specs[0]![0]!, note: 'modificata dopo il sigillo', photos: [] }]);
          // The outbox refuses to change a row's identity; this throwaway folder plays the copy by dropping that guard.
          clone.store.db.exec('DROP TRIGGER outbox_identity_immutable');
          clone.store.db.prepare('UPDATE outbox SET visit_id = ? WHERE inspection_id = ?').run(sealed[0]![0]!.visitId, own!.inspectionId);
          const conflict = await drainOutbox(clone.store.outbox, laptops[0]!.client);
          assert.equal(conflict.conflicts, 1);
          assert.equal(clone.store.outbox.statusOf(own!.inspectionId), 'conflitto');

          // Decisions come back through the faulty network to the right laptop, once each.
          proxy.setEnabled(true);
          const clerk = await office.server.store.createClerk('Ufficio', 'x');
          await office.server.store.saveService({
            name: 'Nido dell’Ufficio',
            type: 'nido',
            comune: 'Impruneta',
            capacity: 40,
            kitchen: true,
          });
          const visitOf = (i: number) => sealed[i % 2]![Math.floor(i / 2)]!;
          for (let i = 0; i < 40; i++) {
            await office.server.store.decide(
              visitOf(i).visitId,
              1,
              i % 4 === 0 ? 'rejected' : 'validated',
              i % 4 === 0 ? `Correggere la voce A (${i})` : null,
              clerk.id,
            );
          }
          const lastSeq = Number((await office.server.store.db.get<{ n: number }>('SELECT MAX(seq) AS n FROM changes'))!.n);
          for (const l of laptops) {
            await pullAll(l.outbox, l.client, 7);
            assert.equal(await l.outbox.getCursor(), lastSeq, 'the cursor reached the last change');
            const applied = l.app.store.db.prepare('SELECT office_seq AS seq FROM sync_decisions ORDER BY rowid').all() as Array<{
              seq: number;
            }>;
            assert.equal(applied.length, 20, 'each decision on this laptop applied once');
            assert.deepEqual(
              applied.map((a) => a.seq),
              [...new Set(applied.map((a) => a.seq))].sort((a, b) => a - b),
              'each change once, in order',
            );
            assert.equal(await pullAll(l.outbox, l.client), 0, 'nothing new on a second pull');
            // Revisions without a registry id made the office link (or create) their services; every
            // service this laptop visited now stands for an office entry.
            const unlinked = l.app.store.db
              .prepare(
                'SELECT DISTINCT i.service_id FROM inspections i LEFT JOIN sync_services s ON s.service_id = i.service_id WHERE s.service_id IS NULL',
              )
              .all();
            assert.deepEqual(unlinked, [], `${l.name}: every visited service linked to the office registry`);
          }
          for (let i = 0; i < 40; i++) {
            const laptop = laptops[i % 2]!;
            const v = visitOf(i);
            const row = laptop.outbox.findByInspection(v.inspectionId)!;
            assert.equal(row.status, i % 4 === 0 ? 'respinta' : 'validata', v.visitId);
            if (i % 4 === 0) {
              assert.equal(row.officeNotes, `Correggere la voce A (${i})`);
              const draft = laptop.app.store.inspections.successor(v.inspectionId);
              assert.ok(draft, `${v.visitId}: the rejection opened a new draft`);
              assert.equal(laptop.app.store.inspections.get(draft).status, 'draft');
            }
          }
          assert.equal(laptops[0]!.outbox.findByInspection(visitOf(40).inspectionId)!.status, 'ricevuta', 'undecided stays ricevuta');
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `# ${backend}: ${INSPECTIONS} ispezioni (sigillate in ${seedSeconds.toFixed(1)} s), ${photos.size} foto distinte, ${proxy.stats.requests} richieste al proxy, guasti ${JSON.stringify(proxy.stats)}, ${seconds.toFixed(1)} s`,
          );
        } finally {
          for (const app of apps) app.close();
          for (const f of folders) f.remove();
          await proxy.close();
          await office.close();
        }
      },
    );
  });
}
