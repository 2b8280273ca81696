/**
 * Renewal of the document timestamps of the office's archive (issue 11): `vigilanza office
 * renew-timestamps` (the real CLI, in its own process) adds a new document timestamp to the reports
 * whose last one was made under a TSA certificate that expires before `--before` (default: a year from
 * now), and the cruscotto counts them («Marche temporali da rinnovare: N»). Real office server and
 * data folder, loopback OCSP/CRL and TSA (the CLI asks them while this process serves them: run
 * asynchronously).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { buildReport, signPdf, verifyPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { contentHash } from '../../shared/canonical.ts';
import { vigilanzaAsync } from '../helpers/cli.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { sampleFile, sha256, startOffice } from '../helpers/office-fixtures.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let dataDir: string;
let caFile: string;
/** The TSA certificate's end of validity, and the days just before and after it. */
let expires: string;
let dayBefore: string;
let dayAfter: string;

const ID = 'da-rinnovare';

before(async () => {
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-renew-'));
  caFile = join(dataDir, 'ca.pem');
  writeFileSync(caFile, pki.ca.pem);
  expires = new Date(new X509Certificate(pki.tsa.pem).validTo).toISOString();
  const day = (offset: number) => new Date(Date.parse(expires) + offset * 86_400_000).toISOString().slice(0, 10);
  dayBefore = day(-1);
  dayAfter = day(1);

  // The office receives a B-T report and augments it (its document timestamp by the loopback TSA).
  const office = await startOffice('sqlite', { dataDir, caPem: pki.ca.pem, tsaUrl: tsa.url, longTerm: { pollMs: 0 } });
  try {
    const client = new SyncClient({
      baseUrl: office.url,
      token: await office.token('Ispettrice Rossi'),
      retry: { attempts: 2, baseMs: 5, maxMs: 20 },
    });
    const unsigned = await buildReport(sampleReportInput({ photos: 0, digitallySigned: true }));
    const pdf = await signPdf(unsigned, { p12: pki.signer.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url });
    const file = sampleFile(1);
    const r = await client.pushInspection({
      id: ID,
      revision: 1,
      file,
      contentHash: contentHash(file),
      attachments: [{ sha256: sha256(pdf), kind: 'report', name: 'verbale.pdf', bytes: pdf }],
    });
    assert.equal(r.status, 'created');
    await office.server.longTerm!.idle();
    const [row] = await office.server.store.augmentationsOf(ID, 1);
    assert.equal(row!.status, 'completata', row!.lastError ?? '');
    assert.equal(row!.timestampExpiresAt, expires);
  } finally {
    await office.close();
  }
});

after(async () => {
  await tsa?.close();
  await pki?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const renew = (...args: string[]) => vigilanzaAsync(['office', 'renew-timestamps', '--data', dataDir, ...args]);

async function cruscotto(today: string): Promise<string> {
  const office = await startOffice('sqlite', { dataDir, today: () => today });
  try {
    await office.server.store.createClerk('Ufficio Zona', await hashPassword('password-della-prova'));
    const clerk = new Clerk(office.url);
    await clerk.login('Ufficio Zona', 'password-della-prova');
    const page = await clerk.page('/cruscotto');
    const m = /<p data-testid="marche-da-rinnovare"[^>]*>([^<]+)/.exec(page);
    assert.ok(m, 'the line is on the cruscotto');
    return m[1]!;
  } finally {
    await office.close();
  }
}

test('the cruscotto counts the reports whose timestamp must be renewed within a year', async () => {
  const yearBefore = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`;
  assert.match(await cruscotto(yearBefore(dayBefore)), /^Marche temporali da rinnovare: 0$/);
  assert.match(await cruscotto(yearBefore(dayAfter)), /^Marche temporali da rinnovare: 1 \(verbali la cui ultima marca temporale/);
});

test('bad --before: an Italian message and a non-zero exit', async () => {
  const r = await renew('--before', '2027-02-30');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--before: serve una data aaaa-mm-gg esistente, non «2027-02-30»/);
  const t = await renew('--tsa', 'ftp://tsa.example');
  assert.notEqual(t.status, 0);
  assert.match(t.stderr, /--tsa: serve un indirizzo http:\/\/ o https:\/\//);
});

test('without --tsa the due reports are listed; with it each gets a new document timestamp as a later version', async () => {
  const none = await renew('--before', dayBefore);
  assert.equal(none.status, 0, none.stderr);
  assert.match(
    none.stdout,
    new RegExp(`^Marche temporali da rinnovare \\(certificato dell'autorità in scadenza prima del ${dayBefore}\\): 0\\n$`),
  );

  const listed = await renew('--before', dayAfter);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`: 1\\n  ${ID} revisione 1: scade il ${expires}\\nIndicare --tsa URL per rinnovarle\\.\\n$`));

  const done = await renew('--before', dayAfter, '--tsa', tsa.url, '--ca-pem', caFile);
  assert.equal(done.status, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /^Marche temporali rinnovate: 1 di 1\n/);
  // The same authority's certificate: the new timestamp expires as early, and the command says so.
  assert.match(done.stdout, /Attenzione: 1 nuove marche scadono ancora prima del/);

  const office = await startOffice('sqlite', { dataDir, caPem: pki.ca.pem });
  try {
    const reports = (await office.server.store.getRevision(ID, 1))!.attachments;
    assert.equal(reports.length, 3);
    assert.equal(reports[2]!.derivedFrom, reports[1]!.sha256, 'made from the office’s earlier long-term version');
    const [row] = await office.server.store.augmentationsOf(ID, 1);
    assert.equal(row!.resultSha256, reports[2]!.sha256);
    const read = (sha: string) => readFileSync(office.server.blobs.blobPath(sha));
    const previous = read(reports[1]!.sha256);
    const renewed = read(reports[2]!.sha256);
    assert.ok(renewed.subarray(0, previous.length).equals(previous), 'incremental update of the previous version');
    const check = await verifyPdf(renewed, { caPem: pki.ca.pem });
    assert.equal(check.valid, true, check.problems.join('; '));
    const stamps = check.signatures.filter((s) => s.kind === 'document_timestamp');
    assert.equal(stamps.length, 2);
    assert.ok(stamps.every((s) => s.intact && s.trusted));
    // The earlier document timestamp's authority now has its revocation data in the DSS.
    assert.equal(stamps[0]!.revocation.tsa?.status, 'good');
    assert.equal(check.signatures.find((s) => s.kind === 'signature')!.level, 'B-LTA');
  } finally {
    await office.close();
  }
});
