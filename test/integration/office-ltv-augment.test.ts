/**
 * The office augments the reports it receives to PAdES B-LTA in the background (issue 11): the REAL
 * office server (SQLite, 127.0.0.1) with `tsaUrl`, reports signed B-T with the loopback TSA and pushed
 * by the sync client, revocation data from the loopback OpenSSL OCSP responder and CRL. The push is
 * answered while the job still waits for the TSA; the received bytes stay as they were and the
 * augmented PDF is a later version of the report; a TSA that fails is recorded with an Italian reason
 * and tried again once the pause is over; the queue survives a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { augmentPdf, buildReport, signPdf, verifyPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { makePdf, pushWithReport, sha256, startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type IssuedCert, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let unsigned: Buffer;

/** The office's TSA address: forwards to the test TSA, or answers 503 ('down'), or holds each request until `release()`. */
interface TsaFront {
  url: string;
  mode: 'ok' | 'down' | 'hold';
  /** Resolves at the next request that arrives. */
  nextRequest(): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

async function startFront(target: string): Promise<TsaFront> {
  let arrived: (() => void) | null = null;
  let held: (() => void)[] = [];
  const front = {} as TsaFront;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      arrived?.();
      arrived = null;
      if (front.mode === 'down') return void res.writeHead(503).end();
      if (front.mode === 'hold') await new Promise<void>((r) => held.push(r));
      const answer = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/timestamp-query' },
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/timestamp-reply' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  Object.assign(front, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    mode: 'ok',
    nextRequest: () => new Promise<void>((r) => (arrived = r)),
    release() {
      front.mode = 'ok';
      for (const r of held) r();
      held = [];
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
  return front;
}

before(async () => {
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  unsigned = await buildReport(sampleReportInput({ photos: 0, digitallySigned: true }));
});

after(async () => {
  await tsa?.close();
  await pki?.close();
});

const sign = (who: IssuedCert) => signPdf(unsigned, { p12: who.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url });

describe('office augmentation on receipt', () => {
  let front: TsaFront;
  let office: TestOffice;
  let client: SyncClient;
  let clock: Date;
  let clerk: Clerk;
  let visits = 0;

  before(async () => {
    front = await startFront(tsa.url);
    clock = new Date('2026-12-03T09:00:00Z');
    office = await startOffice('sqlite', {
      caPem: pki.ca.pem,
      tsaUrl: front.url,
      longTerm: { now: () => clock, retryDelayMs: (n) => n * 60_000, pollMs: 0, revocationTimeoutMs: 2000 },
    });
    client = new SyncClient({
      baseUrl: office.url,
      token: await office.token('Ispettrice Rossi'),
      retry: { attempts: 2, baseMs: 5, maxMs: 20 },
    });
    await office.server.store.createClerk('Ufficio Zona', await hashPassword('password-della-prova'));
    clerk = new Clerk(office.url);
    await clerk.login('Ufficio Zona', 'password-della-prova');
  });

  after(async () => {
    await office?.close();
    await front?.close();
  });

  async function push(pdf: Buffer): Promise<string> {
    const id = `ricevuta-${++visits}`;
    await pushWithReport(client, id, visits, pdf);
    return id;
  }

  const job = () => office.server.longTerm!;
  const blob = (sha: string) => readFileSync(office.server.blobs.blobPath(sha));

  test('the push is answered while the job waits for the TSA; then the augmented PDF is version 2 and the received one is kept', async () => {
    const received = await sign(pki.signer);
    front.mode = 'hold';
    const requested = front.nextRequest();
    const id = await push(received);
    // Answered: the job has not even had its timestamp yet.
    await Promise.race([
      requested,
      job()
        .idle()
        .then(async () => assert.fail(JSON.stringify(await office.server.store.augmentationsOf(id, 1)))),
    ]);
    const [waiting] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(waiting!.status, 'in_attesa');
    assert.equal((await office.server.store.getRevision(id, 1))!.attachments.length, 1);
    front.release();
    await job().idle();

    const [row] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(row!.status, 'completata', row!.lastError ?? '');
    assert.equal(row!.level, 'B-LTA');
    const reports = (await office.server.store.getRevision(id, 1))!.attachments;
    assert.equal(reports.length, 2);
    assert.equal(reports[0]!.sha256, sha256(received));
    assert.ok(blob(reports[0]!.sha256).equals(received), 'the received bytes are the evidence, unchanged');
    assert.equal(reports[1]!.derivedFrom, sha256(received));
    assert.equal(row!.resultSha256, reports[1]!.sha256);
    const augmented = blob(reports[1]!.sha256);
    assert.ok(augmented.subarray(0, received.length).equals(received), 'incremental: the received PDF is a prefix');
    const check = await verifyPdf(augmented, { caPem: pki.ca.pem });
    assert.equal(check.valid, true, check.problems.join('; '));
    assert.equal(check.signatures.find((s) => s.kind === 'signature')!.level, 'B-LTA');
    assert.equal(row!.timestampExpiresAt, new Date(new X509Certificate(pki.tsa.pem).validTo).toISOString());

    const page = await clerk.page(`/ispezioni/${id}/1`);
    assert.match(
      page,
      /Versione 2<\/strong> · fatta dall&#x27;ufficio il \d\d\/\d\d\/\d{4} alle \d\d:\d\d, validazione a lungo termine della versione 1/,
    );
    assert.match(page, /Livello PAdES: B-LTA/);
    assert.doesNotMatch(page, /long-term-notice/);
    // The laptop reads the office's version as one more later version.
    const mine = await client.getInspection(id);
    assert.deepEqual(
      (mine!.revisions[0]!.attachments as { sha256: string }[]).map((a) => a.sha256),
      reports.map((a) => a.sha256),
    );
  });

  test('a TSA that fails: Italian reason recorded, not retried before the pause, done once it answers', async () => {
    front.mode = 'down';
    const id = await push(await sign(pki.signer));
    await job().idle();
    let [row] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(row!.status, 'errore');
    assert.equal(row!.attempts, 1);
    assert.match(row!.lastError!, /^marca temporale del documento non apposta: /);
    assert.equal(row!.nextTryAt, '2026-12-03T09:01:00.000Z');
    assert.equal((await office.server.store.getRevision(id, 1))!.attachments.length, 1, 'nothing written');
    const page = await clerk.page(`/ispezioni/${id}/1`);
    assert.match(
      page,
      /data-testid="long-term-notice">Versione 1: validazione a lungo termine non riuscita \(1 tentativo\): marca temporale del documento non apposta: [^<]+\. Nuovo tentativo dal 03\/12\/2026 alle 10:01\.<\/p>/,
    );

    front.mode = 'ok';
    job().kick();
    await job().idle();
    [row] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(row!.attempts, 1, 'not due yet');
    clock = new Date('2026-12-03T09:01:00Z');
    job().kick();
    await job().idle();
    [row] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(row!.status, 'completata');
    assert.equal(row!.attempts, 2);
    assert.equal((await office.server.store.getRevision(id, 1))!.attachments.length, 2);
  });

  test('a signer whose responders do not answer: the reason names the certificate, the report stays as received', async () => {
    const id = await push(await sign(pki.unreachable));
    await job().idle();
    const [row] = await office.server.store.augmentationsOf(id, 1);
    assert.equal(row!.status, 'errore');
    assert.match(row!.lastError!, /Ugo Lontani/);
    assert.equal((await office.server.store.getRevision(id, 1))!.attachments.length, 1);
  });

  test('an unsigned report and one already B-LTA: nothing to do, no new version', async () => {
    const plain = makePdf('verbale non firmato');
    const lta = (await augmentPdf(await sign(pki.signer), { tsaUrl: tsa.url })).pdf;
    const a = await push(plain);
    const b = await push(lta);
    await job().idle();
    const [ra] = await office.server.store.augmentationsOf(a, 1);
    const [rb] = await office.server.store.augmentationsOf(b, 1);
    assert.equal(ra!.status, 'non_necessaria');
    assert.match(ra!.lastError!, /non firmato digitalmente/);
    assert.equal(rb!.status, 'non_necessaria');
    assert.equal(rb!.level, 'B-LTA');
    assert.ok(rb!.timestampExpiresAt, 'its timestamp is watched for renewal');
    assert.equal((await office.server.store.getRevision(b, 1))!.attachments.length, 1);
  });
});

test('the queue is durable: a report received without a TSA is augmented when the office restarts with one', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-ltv-'));
  try {
    const first = await startOffice('sqlite', { dataDir, caPem: pki.ca.pem });
    const client = new SyncClient({
      baseUrl: first.url,
      token: await first.token('Ispettore Neri'),
      retry: { attempts: 2, baseMs: 5, maxMs: 20 },
    });
    await pushWithReport(client, 'dopo-il-riavvio', 50, await sign(pki.signer));
    assert.equal(first.server.longTerm, null);
    assert.equal((await first.server.store.augmentationsOf('dopo-il-riavvio', 1))[0]!.status, 'in_attesa');
    await first.close();

    const second = await startOffice('sqlite', { dataDir, caPem: pki.ca.pem, tsaUrl: tsa.url, longTerm: { pollMs: 0 } });
    try {
      await second.server.longTerm!.idle();
      assert.equal((await second.server.store.augmentationsOf('dopo-il-riavvio', 1))[0]!.status, 'completata');
      assert.equal((await second.server.store.getRevision('dopo-il-riavvio', 1))!.attachments.length, 2);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
