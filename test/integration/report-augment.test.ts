/**
 * PAdES B-LT / B-LTA augmentation end to end: a report signed B-T (loopback TSA) gets a DSS with the
 * chains and the revocation data fetched from OpenSSL's OCSP responder and an `openssl ca` CRL on
 * loopback, then a document timestamp. Judged by independent tools: qpdf reads the objects and checks
 * the file, openssl reads each embedded OCSP response and verifies the document timestamp token over
 * the byte range, pdfsig checks the earlier signature.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, signPdf, verifyPdf } from '../../report/index.ts';
import { augmentPdf, AugmentError } from '../../report/augment.ts';
import { RevocationError } from '../../report/revocation.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { qpdfObject, qpdfObjects } from '../helpers/qpdf.ts';
import { makeRevocationPki, type IssuedCert, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let dir: string;
let unsigned: Buffer;
let signed: Buffer;
let augmented: Buffer;

function save(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const sign = (pdf: Buffer, who: IssuedCert) => signPdf(pdf, { p12: who.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url });

/**
 * pdfsig, without blocking this process: NSS asks the loopback OCSP responder (served here) about
 * each certificate. Read the output, never the exit code (it is 0 even on "Digest Mismatch").
 */
function pdfsig(file: string, nssDir: string): Promise<string> {
  return new Promise((resolve) =>
    execFile('pdfsig', ['-nssdir', `sql:${nssDir}`, file], (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)),
  );
}

/** Splits pdfsig's report into one block per signature. */
function sigBlocks(text: string): string[] {
  return text.split(/^Signature #\d+:/m).slice(1);
}

/** The signature dictionaries' /ByteRange and /Contents, in file order. */
function signatureContents(pdf: Buffer): { byteRange: number[]; contents: Buffer }[] {
  const out = [];
  for (const m of pdf.toString('latin1').matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/g)) {
    const byteRange = m.slice(1, 5).map(Number);
    out.push({ byteRange, contents: Buffer.from(pdf.subarray(byteRange[1]! + 1, byteRange[2]! - 1).toString('latin1'), 'hex') });
  }
  return out;
}

function streamData(path: string, ref: string): Buffer {
  return execFileSync('qpdf', [`--show-object=${ref.replace(/ 0 R$/, '').replace(/ 0$/, '')}`, '--raw-stream-data', path]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-augment-'));
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  unsigned = await buildReport(sampleReportInput({ photos: 1, digitallySigned: true }));
  signed = await sign(unsigned, pki.signer);
  augmented = (await augmentPdf(signed, { tsaUrl: tsa.url })).pdf;
});

after(async () => {
  await tsa?.close();
  await pki?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('augmentation to PAdES B-LTA', () => {
  test('appends only: the signed file is a prefix of the result, and qpdf finds no error', () => {
    assert.ok(augmented.length > signed.length);
    assert.ok(augmented.subarray(0, signed.length).equals(signed));
    const path = save('augmented.pdf', augmented);
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    // Two more revisions: the DSS, then the document timestamp.
    assert.equal(augmented.toString('latin1').match(/%%EOF/g)!.length, signed.toString('latin1').match(/%%EOF/g)!.length + 2);
  });

  test('the DSS holds the chains and OCSP responses, and a VRI keyed by the SHA-1 of the signature’s /Contents', () => {
    const path = save('dss.pdf', augmented);
    const objects = qpdfObjects(path);
    const catalog = objects.find((o) => o.dict['/Type'] === '/Catalog')!.value;
    const dss = qpdfObject(objects, catalog['/DSS'])!.value;
    assert.equal(dss['/Type'], '/DSS');
    const certs = (dss['/Certs'] as string[]).map((r) => streamData(path, r));
    const pem = (c: Buffer) => execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject'], { input: c, encoding: 'utf8' });
    const subjects = certs.map(pem).join('');
    for (const cn of ['Anna Bianchi', 'Vigilanza Test CA OCSP', 'Vigilanza Test TSA LTV', 'Vigilanza Test OCSP'])
      assert.match(subjects, new RegExp(`CN = ${cn}`));
    const ocsps = dss['/OCSPs'] as string[];
    assert.equal(ocsps.length, 2, 'one for the signer, one for the TSA');
    for (const ref of ocsps) {
      const respPath = save(`resp-${ref.split(' ')[0]}.der`, streamData(path, ref));
      const text = execFileSync('openssl', ['ocsp', '-respin', respPath, '-resp_text', '-CAfile', pki.ca.pemPath], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.match(text, /Cert Status: good/);
    }
    const [first] = signatureContents(signed);
    const key = createHash('sha1').update(first!.contents).digest('hex').toUpperCase();
    const vri = dss['/VRI'];
    assert.deepEqual(Object.keys(vri), [`/${key}`]);
    const entry = qpdfObject(objects, vri[`/${key}`])!.value;
    assert.equal(entry['/Type'], '/VRI');
    assert.deepEqual([...entry['/OCSP']].sort(), [...ocsps].sort());
    assert.equal(entry['/Cert'].length, certs.length);
  });

  test('the document timestamp is a DocTimeStamp whose RFC 3161 token openssl verifies over the byte range', () => {
    const path = save('dts.pdf', augmented);
    const objects = qpdfObjects(path);
    const dts = objects.find((o) => o.dict['/Type'] === '/DocTimeStamp');
    assert.ok(dts, 'a /Type /DocTimeStamp dictionary');
    assert.equal(dts.dict['/SubFilter'], '/ETSI.RFC3161');
    const last = signatureContents(augmented).at(-1)!;
    const [, b, c, d] = last.byteRange as [number, number, number, number];
    assert.equal(c + d, augmented.length, 'it covers the whole file, DSS included');
    const data = save('dts-range.bin', Buffer.concat([augmented.subarray(0, b), augmented.subarray(c, c + d)]));
    const token = save('dts.tst', last.contents.subarray(0, 2 + 2 + last.contents.readUInt16BE(2)));
    const r = spawnSync(
      'openssl',
      ['ts', '-verify', '-data', data, '-in', token, '-token_in', '-CAfile', pki.ca.pemPath, '-untrusted', pki.tsa.pemPath],
      { encoding: 'utf8' },
    );
    assert.match(r.stdout + r.stderr, /Verification: OK/);
  });

  test('the signature keeps its visible appearance and the document timestamp takes no rectangle (it is invisible)', () => {
    const path = save('appearance.pdf', augmented);
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    assert.equal(text.match(/Firmato digitalmente da /g)?.length, 1, text);
    assert.match(text, /con marca temporale/);
    const widgets = qpdfObjects(path).filter((o) => o.dict['/Subtype'] === '/Widget');
    assert.equal(widgets.length, 2);
    assert.notDeepEqual(widgets[0]!.dict['/Rect'], [0, 0, 0, 0]);
    assert.deepEqual(widgets[1]!.dict['/Rect'], [0, 0, 0, 0]);
  });

  test('the earlier signature stays valid: pdfsig says so, and our verifier reads B-LTA as valid', async () => {
    const path = save('pdfsig.pdf', augmented);
    const text = await pdfsig(path, pki.nssDir);
    assert.doesNotMatch(text, /Digest Mismatch|Signature is Invalid/);
    const [first, second] = sigBlocks(text);
    assert.match(first!, /Signature Field Name: Firma1/);
    assert.match(first!, /Signature is Valid/);
    assert.match(first!, /Certificate is Trusted/);
    // poppler 22.12 does not verify ETSI.RFC3161 document timestamps: it names the field and stops.
    assert.match(second!, /Signature Field Name: MarcaDocumento1/);
    assert.match(second!, /Total document signed/);
    const result = await verifyPdf(augmented, { caPem: `${pki.ca.pem}` });
    assert.deepEqual(result.problems, []);
    assert.equal(result.valid, true);
    assert.deepEqual(
      result.signatures.map((s) => [s.kind, s.intact, s.trusted]),
      [
        ['signature', true, true],
        ['document_timestamp', true, true],
      ],
    );
    assert.equal(result.signatures[1]!.signer?.commonName, 'Vigilanza Test TSA LTV');
  });

  test('a byte changed in the DSS breaks the document timestamp, not the signature', async () => {
    const tampered = Buffer.from(augmented);
    const at = tampered.indexOf('/Type /DSS', signed.length, 'latin1');
    assert.ok(at > 0);
    tampered.write('/Type /DSs', at, 'latin1');
    const result = await verifyPdf(tampered);
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.signatures.map((s) => s.intact),
      [true, false],
    );
    assert.match(result.signatures[1]!.problems.join(' '), /Digest Mismatch/);
  });

  test('two signers, one from a CRL-only CA: two VRI entries, OCSP for one and a CRL for the other', async () => {
    const both = await sign(signed, pki.crlOnly);
    const result = await augmentPdf(both, { tsaUrl: tsa.url });
    assert.equal(result.level, 'B-LTA');
    assert.equal(result.dss.vri, 2);
    assert.ok(result.dss.crls >= 1 && result.dss.ocsps >= 2);
    const carla = result.signatures.find((s) => s.signer === 'Carla Neri')!;
    assert.deepEqual(
      carla.certificates.filter((c) => c.role !== 'ca').map((c) => [c.role, c.source, c.status]),
      [
        ['signer', 'crl', 'good'],
        ['tsa', 'ocsp', 'good'],
      ],
    );
    const verdict = await verifyPdf(result.pdf, { caPem: `${pki.ca.pem}${pki.crlCa.pem}` });
    assert.deepEqual(verdict.problems, []);
    const text = await pdfsig(save('two.pdf', result.pdf), pki.nssDir);
    assert.doesNotMatch(text, /Digest Mismatch|Signature is Invalid/);
    assert.equal((text.match(/Signature is Valid/g) ?? []).length, 2);
  });

  test('augmenting again (renewal) keeps the first DSS entries and adds the first timestamp’s own validation data', async () => {
    const again = await augmentPdf(augmented, { tsaUrl: tsa.url });
    assert.ok(again.pdf.subarray(0, augmented.length).equals(augmented));
    assert.equal(again.dss.vri, 2, 'the signature and the first document timestamp');
    assert.equal(again.documentTimestamp?.field, 'MarcaDocumento2');
    const result = await verifyPdf(again.pdf, { caPem: pki.ca.pem });
    assert.deepEqual(result.problems, []);
    assert.equal(result.signatures.length, 3);
    const check = spawnSync('qpdf', ['--check', save('again.pdf', again.pdf)], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  test('a revoked signer: the revocation is embedded as evidence and reported', async () => {
    const mario = await sign(unsigned, pki.revoked);
    const result = await augmentPdf(mario, { tsaUrl: tsa.url });
    const signer = result.signatures[0]!.certificates.find((c) => c.role === 'signer')!;
    assert.equal(signer.status, 'revoked');
    assert.ok(signer.revokedAt);
  });

  test('an unreachable responder: nothing is produced, and the error says why in Italian', async () => {
    const ugo = await sign(unsigned, pki.unreachable);
    await assert.rejects(augmentPdf(ugo, { tsaUrl: tsa.url, revocationTimeoutMs: 5000 }), (e: Error) => {
      assert.ok(e instanceof RevocationError);
      assert.match(e.message, /«Ugo Lontani» non disponibile: il servizio OCSP non raggiungibile/);
      return true;
    });
  });

  test('an unsigned PDF or an unreachable TSA: an Italian AugmentError', async () => {
    await assert.rejects(
      augmentPdf(unsigned, { tsaUrl: tsa.url }),
      (e: Error) => e instanceof AugmentError && /non ha firme digitali/.test(e.message),
    );
    await assert.rejects(
      augmentPdf(signed, { tsaUrl: 'http://127.0.0.1:1/tsa', tsaTimeoutMs: 5000 }),
      (e: Error) =>
        e instanceof AugmentError &&
        /marca temporale del documento non apposta: servizio di marca temporale non raggiungibile/.test(e.message),
    );
  });
});

describe('verification: level reached and revocation status from the DSS', () => {
  test('B-B, B-T, B-LT, B-LTA as each step is added', async () => {
    const bb = await signPdf(unsigned, { p12: pki.signer.p12, passphrase: P12_PASSPHRASE });
    const levels = async (pdf: Buffer) => (await verifyPdf(pdf)).signatures.map((s) => s.level);
    assert.deepEqual(await levels(bb), ['B-B']);
    assert.deepEqual(await levels(signed), ['B-T']);
    const lt = await augmentPdf(signed);
    assert.equal(lt.level, 'B-LT');
    assert.deepEqual(await levels(lt.pdf), ['B-LT']);
    assert.deepEqual(await levels(augmented), ['B-LTA', null]);
    // A B-B signature with revocation data stays B-B: B-LT needs the signature timestamp first.
    assert.deepEqual(await levels((await augmentPdf(bb)).pdf), ['B-B']);
  });

  test('the statuses come from the embedded data: good by OCSP for the signer and the TSA, by CRL for a CRL-only CA', async () => {
    const result = await verifyPdf(augmented);
    const first = result.signatures[0]!;
    assert.equal(first.revocation.signer?.status, 'good');
    assert.equal(first.revocation.signer?.source, 'ocsp');
    assert.equal(first.revocation.tsa?.status, 'good');
    assert.equal((await verifyPdf(signed)).signatures[0]!.revocation.signer?.status, 'unknown', 'no DSS: unknown, nothing fetched');
    // The TSA's token carries only its own certificate, and its CA is not Carla's: the CA is given.
    const carla = await augmentPdf(await sign(unsigned, pki.crlOnly), { tsaUrl: tsa.url, extraCertificates: [pki.ca.der] });
    const c = (await verifyPdf(carla.pdf)).signatures[0]!;
    assert.deepEqual([c.revocation.signer?.status, c.revocation.signer?.source, c.level], ['good', 'crl', 'B-LTA']);
  });

  test('a signer revoked before the signature: not valid, saying when and why', async () => {
    const mario = await augmentPdf(await sign(unsigned, pki.revoked), { tsaUrl: tsa.url });
    const result = await verifyPdf(mario.pdf, { caPem: pki.ca.pem });
    assert.equal(result.valid, false);
    const s = result.signatures[0]!;
    assert.equal(s.intact, true, 'the bytes are intact: it is the certificate that is revoked');
    assert.equal(s.revocation.signer?.status, 'revoked');
    assert.match(
      result.problems.join('\n'),
      /firma 1: certificato di «Mario Rossi» revocato il \d{4}-\d\d-\d\dT[\d:.]+Z \(compromissione della chiave\), prima della firma/,
    );
  });
});
