/**
 * The laptop augments its queued reports to PAdES B-LTA before they leave (issue 11): the REAL host
 * app on a temp folder (SQLite, encrypted blobs), sealing through `call` with a PKCS#12 key and the
 * loopback TSA, the REAL office server on 127.0.0.1 (without a TSA of its own, so what arrives B-LTA
 * was made by the laptop), the revocation data from OpenSSL's OCSP responder on loopback.
 *
 * - TSA down, then up: the revision waits in the queue while the document timestamp cannot be had
 *   (nothing sent, nothing stored), then leaves with the signed version and the augmented one after
 *   it; the augmented PDF starts with the signed bytes, and pdfsig (its output: it exits 0 even on a
 *   digest mismatch) and qpdf still accept the first signature.
 * - TSA down for good: after the allowed attempts the revision is sent as it is (B-T).
 * - Restarted in between: the failed attempts and the next try are in the laptop's SQLite file
 *   (migration 015), so two failures, a new app (a new store) on the same folder, one more failure
 *   and the revision leaves as it is; a success deletes the row.
 * The augmentation's pauses run on a clock the test moves (`longTerm.now`), so nothing sleeps.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { verifyPdf } from '../../report/index.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { createGirasole, ok, pairLaptop, sealSignedVisit, until } from '../helpers/laptop.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let front: { url: string; mode: 'ok' | 'down'; requests: number; close(): Promise<void> };
let office: TestOffice;
let app: HostApp;
let dir: string;
/** The augmentation's clock runs ahead of the real one by this much. */
let ahead = 0;
/** Change-feed reads: each ends a sync pass (a pass sends first, then pulls). */
let pulls = 0;

const HOUR = 3600_000;

/** The laptop's TSA address: forwards to the test TSA, or answers 503 ('down'). */
async function startFront(target: string): Promise<typeof front> {
  const self = { mode: 'ok', requests: 0 } as typeof front;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      self.requests++;
      if (self.mode === 'down') return void res.writeHead(503).end();
      const answer = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  self.close = () => new Promise<void>((r) => server.close(() => r()));
  return self;
}

const call = (method: string, input: unknown = {}) => app.call(method, input);

/** pdfsig without blocking this process (the OCSP responder NSS asks lives here). */
function pdfsig(file: string): Promise<string> {
  return new Promise((resolve) =>
    execFile('pdfsig', ['-nssdir', `sql:${pki.nssDir}`, file], (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)),
  );
}

async function passes(n: number): Promise<void> {
  const target = pulls + n;
  ok(await call('sync.now'), 'sync.now');
  await until(`${n} sync passes`, () => pulls >= target, 60_000);
}

let serviceId: string;
const sealSigned = (date: string) => sealSignedVisit(app, serviceId, date);

const officeReports = async (visitId: string) =>
  ((await office.server.store.getRevision(visitId, 1))?.attachments ?? []).filter((a) => a.kind === 'report');
/** The visit's reports at the office once there are `count` of them. */
const officeReportsWhen = (what: string, visitId: string, count: number) =>
  until(
    what,
    async () => {
      const r = await officeReports(visitId);
      return r.length === count && r;
    },
    60_000,
  );
const officeBlob = (sha: string) => readFileSync(office.server.blobs.blobPath(sha));
const laptopReports = (id: string) => app.store.attachments.reports(id).map((r) => app.store.attachments.bytes(r.id).bytes);

/** The laptop app on the test's folder (opened again on the same folder: a restart). */
function openLaptopApp(maxAttempts = 2): HostApp {
  const countingFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && new URL(url).pathname === '/api/v1/changes') pulls++;
    return response;
  };
  return openApp({
    dataDir: join(dir, 'laptop'),
    shell: 'browser',
    clock: fixedClock('2026-03-10T10:00:00Z'),
    log: () => {},
    sync: { intervalMs: 60 * 60_000, retry: { attempts: 1, baseMs: 10, maxMs: 10 }, timeoutMs: 5_000, fetch: countingFetch },
    longTerm: { now: () => new Date(Date.now() + ahead), retryDelayMs: () => HOUR, maxAttempts, timeoutMs: 5_000 },
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-laptop-ltv-'));
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  front = await startFront(tsa.url);
  office = await startOffice('sqlite');
  app = openLaptopApp();
  pairLaptop(app, office.url, await office.token('Maria Rossi'), 'Maria Rossi');
  ok(await call('signing.importP12', { p12Base64: pki.signer.p12.toString('base64'), passphrase: P12_PASSPHRASE }), 'importP12');
  ok(await call('signing.addTrustedCa', { pem: pki.ca.pem }), 'addTrustedCa');
  ok(await call('signing.setTsaUrl', { tsaUrl: front.url }), 'setTsaUrl');
  serviceId = (await createGirasole(app)).id;
});

after(async () => {
  app?.close();
  await office?.close();
  await front?.close();
  await tsa?.close();
  await pki?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('TSA down, then up: the revision waits in the queue, then leaves with its signed report and the B-LTA version after it', async () => {
  // Sealed B-T while the loop is not running (the TSA answered the seal), then the TSA goes down.
  const visit = await sealSigned('2026-03-02');
  assert.equal(visit.level, 'B-T');
  const signed = laptopReports(visit.id)[0]!;
  front.mode = 'down';
  const refused = front.requests;
  app.sync.start();
  await passes(2);
  assert.ok(front.requests > refused, 'the document timestamp was asked for');
  assert.equal(laptopReports(visit.id).length, 1, 'a failed augmentation stores nothing');
  assert.ok(laptopReports(visit.id)[0]!.equals(signed), 'the signed report is as it was');
  assert.equal((await officeReports(visit.visitId)).length, 0, 'held in the queue while it is not augmented');
  assert.equal(ok(await call('sync.status'), 'status').counts.in_coda, 1);

  // The pause is not over: another pass does not ask the TSA again.
  const asked = front.requests;
  await passes(1);
  assert.equal(front.requests, asked, 'no retry before the pause is over');

  // The TSA is back and the pause over: augmented, then sent.
  front.mode = 'ok';
  ahead += HOUR;
  await passes(1);
  const reports = await officeReportsWhen('both versions at the office', visit.visitId, 2);
  const [first, second] = reports.map((r) => officeBlob(r.sha256));
  assert.ok(first!.equals(signed), 'the signed version arrives byte for byte');
  assert.ok(second!.subarray(0, signed.length).equals(signed), 'the augmented version is an incremental update of it');
  const verified = await verifyPdf(second!, { caPem: pki.ca.pem });
  const signature = verified.signatures.find((s) => s.kind === 'signature')!;
  assert.equal(signature.level, 'B-LTA');
  assert.equal(signature.intact, true);
  assert.equal(signature.revocation.signer?.status, 'good');
  assert.equal(verified.signatures.filter((s) => s.kind === 'document_timestamp').length, 1);

  // Independent tools: qpdf checks the file, pdfsig the first signature (its output, not its exit code).
  const path = join(dir, 'augmented.pdf');
  writeFileSync(path, second!);
  const qpdf = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
  assert.match(qpdf.stdout, /No syntax or stream encoding errors found/);
  const out = await pdfsig(path);
  const blocks = out.split(/^Signature #\d+:/m).slice(1);
  assert.equal(blocks.length, 2, out);
  assert.match(blocks[0]!, /Signature Validation: Signature is Valid\./);
  assert.doesNotMatch(out, /Digest Mismatch/);
  assert.match(blocks[0]!, /Signer Certificate Common Name: Anna Bianchi/);
  assert.match(blocks[0]!, /Certificate Validation: Certificate is Trusted\./);
  // The document timestamp (this poppler does not validate RFC 3161 document timestamps itself).
  assert.match(blocks[1]!, /Signature Field Name: MarcaDocumento1\n[\s\S]*Total document signed/);
});

test('TSA down for good: after the allowed attempts the revision is sent as it is (B-T)', async () => {
  await app.sync.stop();
  front.mode = 'ok';
  const visit = await sealSigned('2026-03-03');
  assert.equal(visit.level, 'B-T');
  const signed = laptopReports(visit.id)[0]!;
  front.mode = 'down';
  app.sync.start();
  await passes(1);
  assert.equal((await officeReports(visit.visitId)).length, 0, 'first failure: held');
  ahead += HOUR;
  await passes(1);
  const reports = await officeReportsWhen('sent without augmentation', visit.visitId, 1);
  assert.ok(officeBlob(reports[0]!.sha256).equals(signed), 'the B-T report as signed');
  assert.equal(laptopReports(visit.id).length, 1);
  // Once it left, the laptop leaves it to the office: the TSA back changes nothing here.
  front.mode = 'ok';
  ahead += HOUR;
  const asked = front.requests;
  await passes(1);
  assert.equal(front.requests, asked);
  assert.equal(laptopReports(visit.id).length, 1);
});

/** Stops the loop and closes the app, then opens a new one (a new store) on the same folder. */
async function restart(maxAttempts: number): Promise<void> {
  await app.sync.stop();
  app.close();
  app = openLaptopApp(maxAttempts);
}

test('restarted between failures: the count and the next try go on from the database, and the third failure sends it as it is', async () => {
  await restart(3);
  front.mode = 'ok';
  const visit = await sealSigned('2026-03-04');
  assert.equal(visit.level, 'B-T');
  const signed = laptopReports(visit.id)[0]!;
  front.mode = 'down';
  app.sync.start();
  await passes(1);
  ahead += HOUR;
  await passes(1);
  const twice = app.store.longTerm.get(visit.id);
  assert.equal(twice?.failures, 2, 'two failures recorded');
  assert.equal(twice?.givenUpAt, null);
  assert.match(twice!.lastError, /503/);
  assert.ok(Date.parse(twice!.nextAttemptAt!) > Date.now() + ahead, 'the next try is after the pause');
  assert.equal((await officeReports(visit.visitId)).length, 0, 'held after two failures');

  // A new app on the same file: the count and the pause are still there.
  await restart(3);
  assert.deepEqual(app.store.longTerm.get(visit.id), twice, 'read back from the SQLite file');
  app.sync.start();
  const asked = front.requests;
  await passes(1);
  assert.equal(front.requests, asked, 'the pause started before the restart still holds');
  assert.equal((await officeReports(visit.visitId)).length, 0, 'still held');

  // The third failure (the first after the restart) spends the attempts: it leaves as signed.
  ahead += HOUR;
  await passes(1);
  assert.ok(front.requests > asked, 'asked the TSA once more');
  const reports = await until('sent without augmentation', async () => {
    const r = await officeReports(visit.visitId);
    return r.length === 1 && r;
  });
  assert.ok(officeBlob(reports[0]!.sha256).equals(signed), 'the B-T report as signed');
  assert.equal(laptopReports(visit.id).length, 1);
  // Once it has left, its row goes too.
  await passes(1);
  assert.equal(app.store.longTerm.get(visit.id), null);
});

test('a success after a failure deletes the row: nothing is left to count after a restart', async () => {
  await app.sync.stop();
  front.mode = 'ok';
  const visit = await sealSigned('2026-03-05');
  front.mode = 'down';
  app.sync.start();
  await passes(1);
  assert.equal(app.store.longTerm.get(visit.id)?.failures, 1);
  front.mode = 'ok';
  ahead += HOUR;
  await passes(1);
  assert.equal(app.store.longTerm.get(visit.id), null, 'augmented: the attempts are forgotten');
  const reports = await until('both versions at the office', async () => {
    const r = await officeReports(visit.visitId);
    return r.length === 2 && r;
  });
  assert.equal(reports.length, 2);
  await restart(3);
  assert.equal(app.store.longTerm.get(visit.id), null);
});
