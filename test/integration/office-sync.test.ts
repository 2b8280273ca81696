/**
 * Two laptops push 200 sealed inspections with 5 photos each through a proxy that drops,
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
import { MemoryOutboxStore, drainOutbox, pullAll } from '../../host/sync/loop.ts';
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
    test(`${INSPECTIONS} inspections × ${PHOTOS} photos from two laptops arrive exactly once, byte-identical`, { timeout: 180_000 }, async () => {
      const started = Date.now();
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
        const laptops = await Promise.all(['Maria Rossi', 'Luca Bianchi'].map(async (name, index) => ({
          name,
          index,
          outbox: new MemoryOutboxStore(),
          client: new SyncClient({ baseUrl: proxy.url, token: await office.token(name), retry: { attempts: 10, baseMs: 5, maxMs: 200 }, timeoutMs: 10_000 }),
        })));
        const photos = new Map<string, Buffer>();
        const expected = new Map<string, { laptop: number; hash: string; shas: string[] }>();
        for (let i = 0; i < INSPECTIONS; i++) {
          const laptop = laptops[i % 2]!;
          const file = sampleFile(i);
          const attachments = Array.from({ length: PHOTOS }, (_, k) => {
            // Every tenth inspection reuses a photo of the previous one: same bytes, stored once.
            const seed = k === 0 && i % 10 === 9 ? (i - 1) * 10 : i * 10 + k;
            const bytes = makePng(seed, 24 + (seed % 16));
            photos.set(sha256(bytes), bytes);
            return { sha256: sha256(bytes), kind: 'photo' as const, name: `foto-${k + 1}.png`, bytes };
          });
          const id = `visita-${String(i).padStart(3, '0')}`;
          laptop.outbox.enqueue({ outboxId: `ob-${i}`, id, revision: 1, file, contentHash: contentHash(file), attachments, prescriptions: i % 7 === 0 ? [{ rule: 'training.fire', text: 'Formare un secondo addetto antincendio', deadline: '2026-09-30' }] : [] });
          expected.set(id, { laptop: laptop.index, hash: contentHash(file), shas: attachments.map((a) => a.sha256) });
        }

        // Each laptop drains its outbox; items that failed for now are retried on the next pass.
        await Promise.all(laptops.map(async (l) => {
          for (let pass = 0; pass < 30; pass++) {
            await drainOutbox(l.outbox, l.client, { retryDelayMs: () => 0 });
            if ([...l.outbox.rows.values()].every((r) => r.status === 'ricevuta')) return;
          }
        }));
        for (const l of laptops) {
          const notDone = [...l.outbox.rows.values()].filter((r) => r.status !== 'ricevuta');
          assert.deepEqual(notDone.map((r) => `${r.item.id}: ${r.status} ${r.message}`), [], `${l.name}: everything acknowledged`);
        }
        for (const fault of ['dropBefore', 'dropAfter', 'delay', 'truncate', 'duplicate'] as const) assert.ok(proxy.stats[fault] > 0, `the proxy injected ${fault}`);

        // The office holds every revision once, with its content and its photos byte for byte.
        const rows = await office.server.store.db.all<{ inspection_id: string; revision: number; content_hash: string; inspector_id: string }>('SELECT inspection_id, revision, content_hash, inspector_id FROM revisions ORDER BY inspection_id');
        assert.equal(rows.length, INSPECTIONS);
        assert.deepEqual(rows.map((r) => r.inspection_id), [...expected.keys()].sort());
        for (const r of rows) {
          const want = expected.get(r.inspection_id)!;
          assert.equal(r.content_hash, want.hash);
          const record = await office.server.store.getRevision(r.inspection_id, 1);
          assert.deepEqual(record!.attachments.map((a) => a.sha256), want.shas);
          assert.equal(contentHash(record!.file), want.hash, 'the stored file is the one sealed');
          assert.equal(record!.inspectorName, laptops[want.laptop]!.name);
        }
        const attachmentRows = await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM attachments');
        assert.equal(Number(attachmentRows!.n), INSPECTIONS * PHOTOS);
        const stored = listFiles(join(office.dataDir, 'blobs'));
        assert.equal(stored.length, photos.size, 'one file per distinct photo');
        for (const [sha, bytes] of photos) assert.ok(readFileSync(office.server.blobs.blobPath(sha)).equals(bytes), `photo ${sha} byte-identical`);
        assert.deepEqual(readdirSync(join(office.dataDir, 'uploads')).filter((f) => !f.endsWith('.part') && !f.endsWith('.json')), []);
        assert.deepEqual(readdirSync(join(office.dataDir, 'uploads')), [], 'no unfinished upload left behind');

        // Sending everything again changes nothing: all duplicates.
        proxy.setEnabled(false);
        for (const r of laptops[0]!.outbox.rows.values()) r.status = 'in_coda';
        const resend = await drainOutbox(laptops[0]!.outbox, laptops[0]!.client);
        assert.equal(resend.duplicates, INSPECTIONS / 2);
        assert.equal(resend.sent, 0);
        assert.equal(Number((await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM revisions'))!.n), INSPECTIONS);

        // Other content under an existing revision number is a conflict, reported, not stored.
        const conflictOutbox = new MemoryOutboxStore();
        const changed = sampleFile(0, { note: 'modificata dopo il sigillo' });
        conflictOutbox.enqueue({ outboxId: 'c', id: 'visita-000', revision: 1, file: changed, contentHash: contentHash(changed) });
        const conflict = await drainOutbox(conflictOutbox, laptops[0]!.client);
        assert.equal(conflict.conflicts, 1);
        assert.equal(conflictOutbox.rows.get('c')!.status, 'conflitto');

        // Decisions come back through the faulty network to the right laptop, once each.
        proxy.setEnabled(true);
        const clerk = await office.server.store.createClerk('Ufficio', 'x');
        await office.server.store.saveService({ name: 'Nido dell’Ufficio', type: 'nido', comune: 'Impruneta', capacity: 40, kitchen: true });
        for (let i = 0; i < 40; i++) {
          const id = `visita-${String(i).padStart(3, '0')}`;
          await office.server.store.decide(id, 1, i % 4 === 0 ? 'rejected' : 'validated', i % 4 === 0 ? `Correggere la voce A (${i})` : null, clerk.id);
        }
        for (const l of laptops) {
          await pullAll(l.outbox, l.client, 7);
          assert.deepEqual(l.outbox.appliedSeqs, [...new Set(l.outbox.appliedSeqs)].sort((a, b) => a - b), 'each change once, in order');
          assert.equal(await pullAll(l.outbox, l.client), 0, 'nothing new on a second pull');
          // Revisions without a registry id made the office link (or create) their services, once per
          // name and Comune however the two laptops raced; each laptop hears of its own revisions' links.
          const sent = new Set(Array.from({ length: INSPECTIONS }, (_, i) => `Nido Prova ${i % 37}|${(sampleFile(i).service as { comune: string }).comune}`));
          assert.equal(l.outbox.services.size, sent.size + 1);
          assert.equal(l.outbox.links.size, INSPECTIONS / 2);
          assert.ok(l.outbox.catalog.has('rule_set:zona-fse@1'));
        }
        for (let i = 0; i < 40; i++) {
          const id = `visita-${String(i).padStart(3, '0')}`;
          const laptop = laptops[i % 2]!;
          const row = laptop.outbox.statusOf(id, 1)!;
          assert.equal(row.status, i % 4 === 0 ? 'respinta' : 'validata', id);
          if (i % 4 === 0) assert.equal(row.notes, `Correggere la voce A (${i})`);
        }
        assert.equal(laptops[1]!.outbox.statusOf('visita-040', 1)?.status ?? 'absent', 'absent');
        assert.equal(laptops[0]!.outbox.statusOf('visita-040', 1)!.status, 'ricevuta', 'undecided stays ricevuta');
        const seconds = (Date.now() - started) / 1000;
        console.log(`# ${backend}: ${INSPECTIONS} ispezioni, ${photos.size} foto distinte, ${proxy.stats.requests} richieste al proxy, guasti ${JSON.stringify(proxy.stats)}, ${seconds.toFixed(1)} s`);
      } finally {
        await proxy.close();
        await office.close();
      }
    });
  });
}
