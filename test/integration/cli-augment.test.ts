/**
 * `vigilanza augment` as a user runs it, against the loopback OCSP responder, CRL and TSA: the
 * result reads B-LTA; when revocation data cannot be had, nothing is written and the input is
 * left as it was, saying why in Italian.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, signPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { vigilanzaAsync } from '../helpers/cli.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type IssuedCert, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let dir: string;
let unsigned: Buffer;

async function signedFile(name: string, who: IssuedCert): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await signPdf(unsigned, { p12: who.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url }));
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-cli-augment-'));
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  unsigned = await buildReport(sampleReportInput({ photos: 1 }));
});

after(async () => {
  await tsa?.close();
  await pki?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigilanza augment', () => {
  test('a signed report becomes B-LTA, and vigilanza verify accepts it', async () => {
    const input = await signedFile('anna.pdf', pki.signer);
    const before = readFileSync(input);
    const out = join(dir, 'anna-lta.pdf');
    const r = await vigilanzaAsync(['augment', input, '--out', out, '--tsa', tsa.url]);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.level, 'PAdES B-LTA');
    assert.equal(json.documentTimestamp.field, 'MarcaDocumento1');
    assert.deepEqual(json.dss, { certs: 4, ocsps: 2, crls: 0, vri: 1 });
    assert.ok(readFileSync(input).equals(before), 'the input is not touched');
    const augmented = readFileSync(out);
    assert.ok(augmented.subarray(0, before.length).equals(before));
    const v = await vigilanzaAsync(['verify', out, '--ca', pki.ca.pemPath]);
    assert.equal(v.status, 0, v.stderr);
  });

  test('an unreachable responder: exit 2, nothing written, the input as it was, and why', async () => {
    const input = await signedFile('ugo.pdf', pki.unreachable);
    const before = readFileSync(input);
    const out = join(dir, 'ugo-lta.pdf');
    const r = await vigilanzaAsync(['augment', input, '--out', out, '--tsa', tsa.url]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /verbale non aggiornato \(il file resta com'era\): stato di revoca del certificato di «Ugo Lontani» non disponibile: il servizio OCSP non raggiungibile \(http:\/\/127\.0\.0\.1:\d+\/ocsp: ECONNREFUSED\)/,
    );
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
    // Even when --out names the input itself.
    const same = await vigilanzaAsync(['augment', input, '--out', input, '--tsa', tsa.url]);
    assert.equal(same.status, 2);
    assert.ok(readFileSync(input).equals(before));
  });

  test('a revoked signer: the evidence is embedded and the warning says REVOCATO', async () => {
    const input = await signedFile('mario.pdf', pki.revoked);
    const out = join(dir, 'mario-lta.pdf');
    const r = await vigilanzaAsync(['augment', input, '--out', out, '--tsa', tsa.url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /attenzione: certificato di «Mario Rossi» REVOCATO il \d{4}-\d\d-\d\dT/);
  });

  test('bad input: Italian messages and exit 2', async () => {
    const input = await signedFile('anna2.pdf', pki.signer);
    const out = join(dir, 'x.pdf');
    const noTsa = await vigilanzaAsync(['augment', input, '--out', out]);
    assert.equal(noTsa.status, 2);
    assert.match(noTsa.stderr, /--tsa: indicare il servizio di marca temporale/);
    const badUrl = await vigilanzaAsync(['augment', input, '--out', out, '--tsa', 'ftp://x']);
    assert.match(badUrl.stderr, /--tsa: URL non valido "ftp:\/\/x"/);
    const noOut = await vigilanzaAsync(['augment', input, '--tsa', tsa.url]);
    assert.match(noOut.stderr, /--out: indicare il PDF da scrivere/);
    const missing = await vigilanzaAsync(['augment', join(dir, 'nessuno.pdf'), '--out', out, '--tsa', tsa.url]);
    assert.match(missing.stderr, /nessuno\.pdf: PDF: file non trovato/);
    const unsignedPath = join(dir, 'unsigned.pdf');
    writeFileSync(unsignedPath, unsigned);
    const notSigned = await vigilanzaAsync(['augment', unsignedPath, '--out', out, '--tsa', tsa.url]);
    assert.equal(notSigned.status, 2);
    assert.match(notSigned.stderr, /il PDF non ha firme digitali/);
    const textPath = join(dir, 'testo.pdf');
    writeFileSync(textPath, 'non sono un PDF');
    const notPdf = await vigilanzaAsync(['augment', textPath, '--out', out, '--tsa', tsa.url]);
    assert.equal(notPdf.status, 2);
    assert.match(notPdf.stderr, /non è un PDF aggiornabile \(il file non è un PDF/);
    const deadTsa = await vigilanzaAsync(['augment', input, '--out', out, '--tsa', 'http://127.0.0.1:1/tsa']);
    assert.equal(deadTsa.status, 2);
    assert.match(deadTsa.stderr, /marca temporale del documento non apposta/);
    for (const r of [noTsa, badUrl, noOut, missing, notSigned, notPdf, deadTsa]) assert.equal(r.status, 2, r.stderr);
    assert.equal(existsSync(out), false);
  });
});

describe('vigilanza verify after augment', () => {
  test('reports the level and the revocation status; a revoked signer exits 1', async () => {
    const good = join(dir, 'verify-good.pdf');
    assert.equal((await vigilanzaAsync(['augment', await signedFile('v1.pdf', pki.signer), '--out', good, '--tsa', tsa.url])).status, 0);
    const ok = await vigilanzaAsync(['verify', good]);
    assert.equal(ok.status, 0, ok.stderr);
    const json = JSON.parse(ok.stdout);
    assert.equal(json.signatures[0].level, 'B-LTA');
    assert.equal(json.signatures[0].revocation.signer.status, 'good');
    const bad = join(dir, 'verify-revoked.pdf');
    assert.equal((await vigilanzaAsync(['augment', await signedFile('v2.pdf', pki.revoked), '--out', bad, '--tsa', tsa.url])).status, 0);
    const refused = await vigilanzaAsync(['verify', bad]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /firma NON valida: .*certificato di «Mario Rossi» revocato il .*prima della firma/);
  });
});
