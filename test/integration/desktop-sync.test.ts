/**
 * The desktop's outbox against the REAL office server (SQLite storage, 127.0.0.1) and the REAL
 * host handlers on a temp data folder: pairing with a code from the office web app, three sealed
 * visits with photos and their PDF reports pushed exactly once and byte-identical, the office
 * stopped mid-way (visits stay "in coda" with backoff, the API keeps answering fast), restarted
 * (delivered), then a rejection with notes (a new draft on the laptop) and a validation.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash } from '../../shared/canonical.ts';
import { createOfficeServer, type OfficeServer } from '../../office/server.ts';
import { hashPassword } from '../../office/security.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { makePng } from '../helpers/office-fixtures.ts';
import { createGirasole, ok, sealSignedVisit, until } from '../helpers/laptop.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { makeTestPki, P12_PASSPHRASE } from '../helpers/pki.ts';

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

test(
  'pair, push three sealed visits exactly once, survive an office outage, receive a rejection and a validation',
  { timeout: 150_000 },
  async () => {
    const officeDir = tmp('vigilanza-office-');
    let office: OfficeServer = await createOfficeServer({ dataDir: officeDir, validateResponses: true });
    const officeUrl = await office.listen(0);
    const port = Number(new URL(officeUrl).port);
    await office.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
    const clerk = new Clerk(officeUrl);
    await clerk.login('Ufficio Zona', PASSWORD);

    // Every request the laptop makes, to count the revision PUTs.
    const puts: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === 'PUT' && /\/revisions\/\d+$/.test(url)) puts.push(new URL(url).pathname);
      return fetch(input, init);
    };
    // A failed send waits far longer than this test runs: while the office is down nothing is retried
    // behind the test's back (a retry under way reads «inviata», not «in coda»), and only
    // «Sincronizza ora» sends again — which is what the test means to show.
    const RETRY_WAIT_MS = 10 * 60_000;
    const laptopDir = tmp('vigilanza-laptop-');
    const app: HostApp = openApp({
      dataDir: laptopDir,
      shell: 'browser',
      clock: fixedClock('2026-03-10T10:00:00Z'),
      log: () => {},
      sync: {
        intervalMs: 400,
        retry: { attempts: 2, baseMs: 50, maxMs: 200 },
        timeoutMs: 5_000,
        retryDelayMs: () => RETRY_WAIT_MS,
        fetch: countingFetch,
      },
    });
    try {
      app.sync.start();
      const call = async (method: string, input: unknown = {}) => app.call(method, input);

      // Pairing: a wrong code gets the office's message, naming the field; the right one pairs.
      const wrong = await call('sync.pair', { url: officeUrl, code: 'ZZZZ-ZZZZ' });
      assert.equal(wrong.ok, false);
      if (!wrong.ok) {
        assert.equal(wrong.error.field, 'code');
        assert.match(wrong.error.message, /^codice di associazione: codice di associazione non valido, già usato o scaduto/);
      }
      const code = await clerk.pairingCode('Maria Rossi');
      const status = ok(await call('sync.pair', { url: `${officeUrl}/`, code: code.toLowerCase() }), 'sync.pair');
      assert.deepEqual([status.paired, status.officeUrl, status.inspector], [true, officeUrl, 'Maria Rossi']);
      assert.equal((await call('sync.pair', { url: officeUrl, code })).ok, false, 'already paired');
      const token = app.store.outbox.deviceToken()!;
      app.store.db.pragma('wal_checkpoint(TRUNCATE)');
      assert.ok(
        token.length >= 20 && !readFileSync(join(laptopDir, 'vigilanza.db')).includes(Buffer.from(token)),
        'the device token is not in clear on disk',
      );

      // Three visits with photos, sealed through the shells' entry point (report PDF included).
      const service = await createGirasole(app);
      async function sealVisit(i: number) {
        const d = ok(
          await call('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: `2026-03-0${i}` }),
          'create',
        );
        ok(
          await call('inspections.saveAnswer', {
            inspectionId: d.id,
            itemId: 'A.destinazione_uso.certificato',
            value: i % 2 ? 'yes' : 'no',
            note: `visita ${i}`,
          }),
          'answer',
        );
        for (let k = 0; k < 2; k++) {
          const bytes = makePng(i * 10 + k, 24);
          ok(
            await call('photos.add', { inspectionId: d.id, itemId: null, mime: 'image/png', dataBase64: bytes.toString('base64') }),
            'photo',
          );
        }
        const sealed = ok(
          await call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: d.id, signatures: [] }),
          'seal',
        );
        return { id: d.id as string, visitId: sealed.inspection.visitId as string, hash: sealed.contentHash as string };
      }
      const visits: Array<{ id: string; visitId: string; hash: string }> = [];
      for (let i = 1; i <= 3; i++) visits.push(await sealVisit(i));
      await until('three visits received', async () => ok(await call('sync.status'), 'status').counts.ricevuta === 3);
      for (const v of visits) assert.equal(ok(await call('inspections.get', { id: v.id }), 'get').syncStatus, 'ricevuta');
      assert.equal(puts.length, 3, `one PUT per revision: ${puts.join(', ')}`);

      // The office holds each revision once, with the sealed hash and byte-identical attachments.
      const rows = await office.store.db.all<{ inspection_id: string; revision: number; content_hash: string }>(
        'SELECT inspection_id, revision, content_hash FROM revisions ORDER BY inspection_id',
      );
      assert.deepEqual(
        rows.map((r) => [r.inspection_id, r.revision, r.content_hash]).sort(),
        visits.map((v) => [v.visitId, 1, v.hash]).sort(),
      );
      for (const v of visits) {
        const record = (await office.store.getRevision(v.visitId, 1))!;
        assert.equal(contentHash(record.file), v.hash);
        assert.equal(record.inspectorName, 'Maria Rossi');
        const detail = ok(await call('inspections.get', { id: v.id }), 'get');
        const localPhotos = detail.photos.map((p: { sha256: string }) => p.sha256);
        assert.deepEqual(
          record.attachments.filter((a) => a.kind === 'photo').map((a) => a.sha256),
          localPhotos,
        );
        const report = app.store.attachments.listByInspection(v.id).find((a) => a.kind === 'report');
        assert.ok(report, 'the seal produced the PDF report');
        assert.deepEqual(
          record.attachments.filter((a) => a.kind === 'report').map((a) => a.sha256),
          [report.sha256],
          'the report went with its visit',
        );
        // The laptop keeps its files encrypted; the office gets (and keeps) the plaintext the app reads.
        const photoIds = new Map(app.store.photos.listByInspection(v.id).map((p) => [p.sha256, p.id]));
        for (const a of record.attachments) {
          const plain =
            a.kind === 'photo' ? app.store.photos.bytes(photoIds.get(a.sha256)!).bytes : app.store.attachments.bytes(report.id).bytes;
          const atOffice = readFileSync(office.blobs.blobPath(a.sha256));
          assert.ok(atOffice.equals(plain), `attachment ${a.name} byte-identical to the laptop's plaintext`);
          assert.ok(
            !readFileSync(join(laptopDir, 'blobs', a.sha256.slice(0, 2), a.sha256)).includes(atOffice.subarray(0, 64)),
            `attachment ${a.name} encrypted on the laptop`,
          );
        }
      }

      // The office goes away: new seals stay queued with backoff, the API keeps answering fast.
      await office.close();
      assert.deepEqual(office.responseViolations, [], 'every answer of the first office followed the wire protocol');
      const during = [await sealVisit(4), await sealVisit(5)];
      const failing = await until('a failed attempt recorded', () => {
        const rows = during.map((v) => app.store.outbox.findByInspection(v.id)!);
        return rows.every((r) => r.attempts >= 1) ? rows : null;
      });
      for (const r of failing) {
        assert.equal(r.status, 'in_coda');
        assert.ok(r.lastError && /non raggiungibile|fetch failed|ECONNREFUSED|tentativi/i.test(r.lastError), r.lastError ?? '');
        assert.ok(r.nextAttemptAt && Date.parse(r.nextAttemptAt) > Date.now(), 'waits before the next attempt (backoff)');
      }
      let slowest = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        ok(await call('services.get', { id: service.id }), 'services.get');
        ok(await call('sync.status'), 'status');
        slowest = Math.max(slowest, performance.now() - t0);
        // Spread over the backoff, so that some calls meet a send attempt under way.
        await new Promise((r) => setTimeout(r, 50));
      }
      // Not a speed figure (bench/ has those): a call waiting on the office would take the request
      // timeout (5 s here); 2 s leaves a busy machine its slack.
      assert.ok(slowest < 2_000, `API calls answer while the office is down (slowest ${slowest.toFixed(1)} ms)`);
      const down = ok(await call('sync.status'), 'status');
      assert.equal(down.counts.in_coda, 2);
      assert.ok(down.lastError, 'the status shows the error');
      const statusesDown = ok(await call('services.get', { id: service.id }), 'services.get')
        .inspections.map((i: { syncStatus: string }) => i.syncStatus)
        .sort();
      assert.deepEqual(statusesDown, ['in_coda', 'in_coda', 'ricevuta', 'ricevuta', 'ricevuta']);

      // Back on the same address: "Sincronizza ora" skips the backoff and everything is delivered once.
      office = await createOfficeServer({ dataDir: officeDir, validateResponses: true });
      await office.listen(port);
      ok(await call('sync.now'), 'sync.now');
      await until('all five received', async () => ok(await call('sync.status'), 'status').counts.ricevuta === 5);
      assert.equal(ok(await call('sync.status'), 'status').lastError, null);
      assert.equal(Number((await office.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM revisions'))!.n), 5);
      assert.equal(new Set(puts).size, 5, 'each revision PUT');

      // The office rejects one with notes and validates another.
      await clerk.login('Ufficio Zona', PASSWORD);
      await clerk.decide(visits[0]!.visitId, 1, 'respingi', 'Allegare la foto del certificato di agibilità.');
      await clerk.decide(visits[1]!.visitId, 1, 'valida');
      ok(await call('sync.now'), 'sync.now');
      await until('decisions applied', async () => {
        const s = ok(await call('sync.status'), 'status');
        return s.counts.respinta === 1 && s.counts.validata === 1;
      });
      assert.equal(ok(await call('inspections.get', { id: visits[1]!.id }), 'get').status, 'validated');
      const rejected = ok(await call('inspections.get', { id: visits[0]!.id }), 'get');
      assert.deepEqual([rejected.status, rejected.syncStatus], ['rejected', 'respinta']);
      const history = ok(await call('services.get', { id: service.id }), 'services.get').inspections;
      const draft = history.find((i: { visitId: string; revision: number }) => i.visitId === visits[0]!.visitId && i.revision === 2);
      assert.ok(draft, 'a new draft revision of the rejected visit');
      const draftDetail = ok(await call('inspections.get', { id: draft.id }), 'get');
      assert.deepEqual(
        [draftDetail.status, draftDetail.syncStatus, draftDetail.rejectionNotes],
        ['draft', null, 'Allegare la foto del certificato di agibilità.'],
      );

      // Corrected and sealed again: revision 2 reaches the office; the clerk validates it.
      ok(
        await call('inspections.saveAnswer', {
          inspectionId: draft.id,
          itemId: 'A.destinazione_uso.certificato',
          value: 'yes',
          note: 'certificato fotografato',
        }),
        'answer',
      );
      const resealed = ok(
        await call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: draft.id, signatures: [] }),
        'seal',
      );
      await until('revision 2 received', async () => ok(await call('inspections.get', { id: draft.id }), 'get').syncStatus === 'ricevuta');
      assert.equal((await office.store.getRevision(visits[0]!.visitId, 2))!.contentHash, resealed.contentHash);
      await clerk.decide(visits[0]!.visitId, 2, 'valida');
      ok(await call('sync.now'), 'sync.now');
      await until('revision 2 validated', async () => ok(await call('inspections.get', { id: draft.id }), 'get').syncStatus === 'validata');
      assert.equal(puts.length, 6, `exactly one PUT per revision over the whole run: ${puts.join(', ')}`);
      assert.deepEqual(office.responseViolations, [], 'every answer followed the wire protocol');
    } finally {
      await app.sync.close();
      app.close();
      await office.close().catch(() => undefined);
    }
  },
);

test(
  'a co-signature after sending reaches the office once as a later report version; services made on the laptop end up linked, one on each side',
  { timeout: 150_000 },
  async () => {
    const pki = makeTestPki();
    const officeDir = tmp('vigilanza-office-');
    const office: OfficeServer = await createOfficeServer({ dataDir: officeDir, caPem: pki.caPem, validateResponses: true });
    const officeUrl = await office.listen(0);
    await office.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
    const clerk = new Clerk(officeUrl);
    await clerk.login('Ufficio Zona', PASSWORD);
    // The office already knows one of the two services the inspector will type in by hand.
    const known = await office.store.saveService({
      name: 'Spazio Gioco La Trottola',
      type: 'nido',
      comune: 'Fiesole',
      capacity: 30,
      kitchen: false,
      authorizationIssuedOn: '2024-10-15',
    });
    const posts: string[] = [];
    // Change-feed reads answered: each ends a pass (a pass sends first, then pulls).
    let pulls = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === 'POST' && /\/attachments$/.test(url)) posts.push(new URL(url).pathname);
      const response = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'GET' && new URL(url).pathname === '/api/v1/changes') pulls++;
      return response;
    };
    const laptopDir = tmp('vigilanza-laptop-');
    const app: HostApp = openApp({
      dataDir: laptopDir,
      shell: 'browser',
      clock: fixedClock('2026-03-10T10:00:00Z'),
      log: () => {},
      sync: { intervalMs: 400, retry: { attempts: 2, baseMs: 50, maxMs: 200 }, timeoutMs: 5_000, fetch: countingFetch },
    });
    try {
      app.sync.start();
      const call = async (method: string, input: unknown = {}) => app.call(method, input);
      ok(await call('sync.pair', { url: officeUrl, code: await clerk.pairingCode('Maria Rossi') }), 'sync.pair');
      ok(await call('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE }), 'importP12');

      const girasole = await createGirasole(app);
      const trottola = ok(
        await call('services.create', {
          name: 'spazio gioco la trottola',
          type: 'nido',
          comune: 'FIESOLE',
          capacity: 30,
          kitchen: false,
          authorizationIssuedOn: '2024-10-15',
        }),
        'services.create',
      );
      const v1 = await sealSignedVisit(app, girasole.id, '2026-03-02');
      const v2 = await sealSignedVisit(app, trottola.id, '2026-03-03');
      await until('both received', async () => ok(await call('sync.status'), 'status').counts.ricevuta === 2);
      const firstReport = (await office.store.getRevision(v1.visitId, 1))!.attachments.filter((a) => a.kind === 'report');
      assert.equal(firstReport.length, 1);

      // A second member co-signs after the visit left: the office gets the new version, once.
      const cosigned = ok(
        await call('report.addSignature', { inspectionId: v1.id, p12Base64: pki.legacyP12.toString('base64'), passphrase: P12_PASSPHRASE }),
        'addSignature',
      );
      assert.equal(cosigned.version, 2);
      await until(
        'co-signature at the office',
        async () => (await office.store.getRevision(v1.visitId, 1))!.attachments.filter((a) => a.kind === 'report').length === 2,
      );
      const reports = (await office.store.getRevision(v1.visitId, 1))!.attachments.filter((a) => a.kind === 'report');
      assert.deepEqual(
        reports.map((a) => a.sha256),
        [firstReport[0]!.sha256, cosigned.sha256],
        'first version kept, the co-signed one after it',
      );
      assert.ok(readFileSync(office.blobs.blobPath(cosigned.sha256)).equals(Buffer.from(cosigned.pdfBase64, 'base64')), 'byte-identical');
      ok(await call('sync.now'), 'sync.now');
      await until('a further pass', async () =>
        ok(await call('sync.outbox'), 'outbox').every((e: { attachmentsPending: number }) => e.attachmentsPending === 0),
      );
      // Two more passes end after the acknowledgement: the second ran whole after it, and sent nothing again.
      const seen = pulls;
      ok(await call('sync.now'), 'sync.now');
      await until('two further passes', () => pulls >= seen + 2);
      assert.deepEqual(posts, [`/api/v1/inspections/${v1.visitId}/revisions/1/attachments`], 'delivered exactly once');
      // The review page shows the co-signed version as current and the first one below it.
      const page = await clerk.page(`/ispezioni/${encodeURIComponent(v1.visitId)}/1`);
      const current = page.indexOf('<strong>Versione 2</strong>');
      const earlier = page.indexOf('Versioni precedenti del verbale');
      assert.ok(
        current > 0 && earlier > current && page.indexOf('<strong>Versione 1</strong>') > earlier,
        'latest version first, the earlier one listed below',
      );
      assert.equal(
        page.match(/<span class="pass" data-testid="report-verdict">/g)?.length,
        2,
        'each version with its verification, both valid',
      );

      // Services: the office matched one and created the other; the laptop linked both, no duplicates.
      await until(
        'links applied',
        async () =>
          (app.store.db.prepare('SELECT count(*) AS n FROM sync_services WHERE office_id IS NOT NULL').get() as
            { n: number } | undefined) &&
          (app.store.db.prepare('SELECT count(*) AS n FROM sync_services WHERE office_id IS NOT NULL').get() as { n: number }).n === 2,
      );
      const registry = await office.store.listServices();
      assert.deepEqual(registry.map((x) => x.name).sort(), ['Nido Il Girasole', 'Spazio Gioco La Trottola']);
      assert.equal((await office.store.getRevision(v2.visitId, 1))!.serviceId, known.id);
      const created = registry.find((x) => x.name === 'Nido Il Girasole')!;
      assert.equal((await office.store.getRevision(v1.visitId, 1))!.serviceId, created.id);
      const local = ok(await call('services.list'), 'services.list');
      assert.deepEqual(local.map((x: { id: string }) => x.id).sort(), [girasole.id, trottola.id].sort(), 'no office copy next to ours');
      assert.equal(
        ok(await call('services.get', { id: trottola.id }), 'get').service.name,
        'Spazio Gioco La Trottola',
        'the office registry fields win',
      );

      // The next revision names the office's id: no new matching, no new service.
      const draft = ok(await call('inspections.revise', { id: v1.id }), 'revise');
      ok(
        await call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: draft.id, signatures: [] }),
        'seal',
      );
      await until('revision 2 received', async () => ok(await call('inspections.get', { id: draft.id }), 'get').syncStatus === 'ricevuta');
      assert.equal((await office.store.getRevision(v1.visitId, 2))!.serviceId, created.id);
      assert.equal((await office.store.listServices()).length, 2);
      assert.deepEqual(office.responseViolations, [], 'every answer followed the wire protocol');
    } finally {
      await app.sync.close();
      app.close();
      await office.close().catch(() => undefined);
      pki.cleanup();
    }
  },
);
