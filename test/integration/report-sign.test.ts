/**
 * The report end to end with the real tools: pdfmake builds it, our PAdES signer signs it with
 * keys made by openssl, and Debian's pdfsig, qpdf, pdftotext, pdffonts and openssl judge it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, loadP12, P12PassphraseError, signPdf, signPdfWith, verifyPdf } from '../../report/index.ts';
import { sampleReportInput, SAMPLE_SERVICE_NAME } from '../../report/testing/fixtures.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: TestPki;
let tsa: TestTsa;
let dir: string;
let unsigned: Buffer;

function save(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function qpdfCheck(path: string): { status: number | null; out: string } {
  const r = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Splits pdfsig's report into one block per signature. */
function sigBlocks(text: string): string[] {
  return text.split(/^Signature #\d+:/m).slice(1);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-report-'));
  pki = makeTestPki();
  tsa = await startTestTsa(pki.tsa);
  unsigned = await buildReport(sampleReportInput({ photos: 3 }));
});

after(async () => {
  await tsa?.close();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('unsigned report', () => {
  test('is a clean PDF 1.7 that qpdf accepts, with embedded fonts and PDF/A-2b identification', () => {
    const path = save('unsigned.pdf', unsigned);
    const check = qpdfCheck(path);
    assert.equal(check.status, 0, check.out);
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    assert.match(info, /PDF version:\s+1\.7/);
    // No structure tree is drawn, so none is claimed (an empty StructTreeRoot under /Marked true was).
    assert.match(info, /Tagged:\s+no/);
    assert.match(info, /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const meta = execFileSync('pdfinfo', ['-meta', path], { encoding: 'utf8' });
    assert.match(meta, /<pdfaid:part>2<\/pdfaid:part>/);
    assert.match(meta, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.ok(fonts.length >= 2);
    for (const line of fonts) assert.match(line, /DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, line);
    // A document ID in the trailer (PDF/A wants one).
    assert.match(unsigned.subarray(-600).toString('latin1'), /\/ID \[\s*<[0-9a-f]{32}>\s*<[0-9a-f]{32}>\s*\]/i);
    // Every TrueType program says its decoded length (/Length1), the XMP stream has no stray lowercase /length.
    const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', path, '-'], { maxBuffer: 64 << 20 }).toString('latin1');
    const fontFiles = [...qdf.matchAll(/\/FontFile2 (\d+) 0 R/g)].map((m) => m[1]!);
    assert.ok(fontFiles.length >= 2);
    for (const n of fontFiles)
      assert.match(qdf, new RegExp(`\\n${n} 0 obj\\n<<[^>]*/Length1 \\d+[^>]*>>\\nstream`), `FontFile2 ${n} 0 R has /Length1`);
    assert.doesNotMatch(qdf, /\/length \d/);
    assert.doesNotMatch(qdf, /\/StructTreeRoot|\/Marked true/);
  });

  test('pdftotext finds the heading, the service, every section, the findings and the notice', () => {
    const path = save('unsigned-text.pdf', unsigned);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, ' ');
    for (const needle of [
      'ZONA FIORENTINA SUD-EST',
      "CONFERENZA ZONALE PER L'EDUCAZIONE E L'ISTRUZIONE",
      'SCHEDA DI OSSERVAZIONE PER:',
      '☒ VERIFICA PERIODICA DEL MANTENIMENTO DEI REQUISITI',
      '☐ ACCREDITAMENTO',
      SAMPLE_SERVICE_NAME,
      'A – RIFERIMENTI OPERATIVI',
      'B – ORGANIZZAZIONE DEL SERVIZIO E COMPOSIZIONE DEI GRUPPI',
      'C – OBIETTIVI GENERALI E METODOLOGIE DI INTERVENTO',
      'D – ATTIVITÀ DEL PERSONALE EDUCATIVO E DEGLI ADDETTI SE PRESENTI',
      'E – MODALITÀ DI PARTECIPAZIONE ALLA VITA DEL SERVIZIO EDUCATIVO',
      'F – DESCRIZIONE DELLA STRUTTURA',
      "REQUISITI PER L'ACCREDITAMENTO",
      'RILIEVI',
      'PRESCRIZIONI',
      'FIRME',
      // Signers listed among the members are titled by their role, not the Scheda's fixed title.
      'Firma — Referente tecnico Comune di Bagno a Ripoli',
      'Firma — Pedagogista zonale',
      'Alla presenza del referente del servizio (Firma)',
      'ALLEGATO – DOCUMENTAZIONE FOTOGRAFICA',
      'Documento non firmato digitalmente',
      'Installare copri-prese di sicurezza',
      '12/04/2025',
      'DPGR 41/R/2013 art. 19',
      'ISP-2025-0042',
    ])
      assert.ok(flat.includes(needle), `manca nel testo: ${needle}`);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
    for (let p = 1; p <= pages; p++) assert.ok(flat.includes(`Pagina ${p} di ${pages}`), `piè di pagina ${p}`);
    assert.equal(flat.match(/Impronta del contenuto \(SHA-256\): [0-9a-f]{64}/g)?.length, pages);
  });

  test('is reproducible for the same input and creation time', async () => {
    const again = await buildReport(sampleReportInput({ photos: 3 }));
    assert.ok(again.equals(unsigned));
  });

  test('verify finds no signature and does not call it valid', async () => {
    const r = await verifyPdf(unsigned);
    assert.equal(r.signatures.length, 0);
    assert.equal(r.valid, false);
  });
});

describe('PAdES signature', () => {
  let first: Buffer;
  let second: Buffer;

  before(async () => {
    first = await signPdf(
      unsigned,
      { p12: pki.signerP12, passphrase: P12_PASSPHRASE },
      { reason: 'Verbale di ispezione', location: 'Bagno a Ripoli' },
    );
    second = await signPdf(first, { p12: pki.legacyP12, passphrase: P12_PASSPHRASE }, { reason: 'Controfirma' });
  });

  test('AES/PBKDF2 PKCS#12: pdfsig says valid, whole document, trusted with the CA in NSS', () => {
    const path = save('signed-1.pdf', first);
    const out = pdfsig(path, pki.nssDir);
    const blocks = sigBlocks(out);
    assert.equal(blocks.length, 1, out);
    assert.match(blocks[0]!, /Signer Certificate Common Name: Anna Bianchi/);
    assert.match(blocks[0]!, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(blocks[0]!, /Signing Hash Algorithm: SHA-256/);
    assert.match(blocks[0]!, /Signature is Valid/);
    assert.match(blocks[0]!, /Total document signed/);
    assert.match(blocks[0]!, /Certificate is Trusted/);
    assert.equal(qpdfCheck(path).status, 0, qpdfCheck(path).out);
  });

  test('the signature is an incremental update: the unsigned bytes are kept as they were', () => {
    assert.ok(first.subarray(0, unsigned.length).equals(unsigned));
    assert.ok(second.subarray(0, first.length).equals(first));
  });

  test('a second signer (legacy 3DES PKCS#12) keeps the first one valid', () => {
    const path = save('signed-2.pdf', second);
    const out = pdfsig(path, pki.nssDir);
    const blocks = sigBlocks(out);
    assert.equal(blocks.length, 2, out);
    assert.match(blocks[0]!, /Anna Bianchi/);
    assert.match(blocks[0]!, /Signature is Valid/);
    assert.match(blocks[0]!, /Not total document signed/);
    assert.match(blocks[1]!, /Luca Verdi/);
    assert.match(blocks[1]!, /Signature is Valid/);
    assert.match(blocks[1]!, /Total document signed/);
    assert.doesNotMatch(blocks[1]!, /Not total/);
    assert.match(blocks[1]!, /Certificate is Trusted/);
    assert.equal(qpdfCheck(path).status, 0);
  });

  test('verifyPdf agrees: both intact, only the last covers the file, chain trusted only against our CA', async () => {
    const r = await verifyPdf(second, { caPem: pki.caPem });
    assert.equal(r.valid, true);
    assert.deepEqual(
      r.signatures.map((s) => s.signer?.commonName),
      ['Anna Bianchi', 'Luca Verdi'],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.field),
      ['Firma1', 'Firma2'],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.intact),
      [true, true],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.coversWholeDocument),
      [false, true],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.signingCertificateV2),
      [true, true],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.trusted),
      [true, true],
    );
    assert.equal(r.signatures[0]!.subFilter, 'ETSI.CAdES.detached');
    assert.equal(r.signatures[0]!.reason, 'Verbale di ispezione');
    assert.match(r.signatures[0]!.signingTime ?? '', /^\d{4}-\d{2}-\d{2}T/);
    const noCa = await verifyPdf(second);
    assert.deepEqual(
      noCa.signatures.map((s) => s.trusted),
      [null, null],
    );
    const otherCa = await verifyPdf(second, { caPem: readFileSync(pki.otherCaPemPath, 'utf8') });
    assert.deepEqual(
      otherCa.signatures.map((s) => s.trusted),
      [false, false],
    );
    assert.equal(otherCa.valid, false, 'with trust anchors every signer must be trusted');
    assert.equal(noCa.valid, true, 'without trust anchors integrity decides validity');
  });

  test('one changed byte: pdfsig reports a digest mismatch and verifyPdf rejects it', async () => {
    const tampered = Buffer.from(second);
    const at = tampered.indexOf('Verifica periodica', 0, 'latin1');
    const target = at > 0 ? at : 2000;
    tampered[target] = tampered[target]! ^ 0x01;
    const path = save('tampered.pdf', tampered);
    const out = pdfsig(path);
    assert.equal(sigBlocks(out).filter((b) => /Digest Mismatch/.test(b)).length, 2, out);
    const r = await verifyPdf(tampered);
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.signatures.map((s) => s.intact),
      [false, false],
    );
    assert.deepEqual(
      r.signatures.map((s) => s.digestMatches),
      [false, false],
    );
  });

  test('bytes appended after the last signature: still intact, no longer the whole file', async () => {
    const appended = Buffer.concat([second, Buffer.from('\n% aggiunta\n')]);
    const r = await verifyPdf(appended);
    assert.deepEqual(
      r.signatures.map((s) => s.intact),
      [true, true],
    );
    assert.equal(r.signatures[1]!.coversWholeDocument, false);
    assert.equal(r.valid, false);
  });

  test('a byte range moved off the signature is caught', async () => {
    const forged = Buffer.from(first);
    const text = forged.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const fake = `[0 ${Number(m[1]) - 1} ${m[2]} ${m[3]}]`.padEnd(m[0].length - '/ByteRange '.length, ' ');
    forged.write(fake, m.index + '/ByteRange '.length, 'latin1');
    const r = await verifyPdf(forged);
    assert.equal(r.signatures[0]!.intact, false);
    assert.ok(
      r.signatures[0]!.problems.some((p) => p.includes('/ByteRange')),
      r.signatures[0]!.problems.join('; '),
    );
  });

  test('OpenSSL independently accepts the CMS over the signed byte ranges', () => {
    const text = first.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const [b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const der = Buffer.from(
      first
        .subarray(b + 1, c - 1)
        .toString('latin1')
        .replace(/(00)+$/, ''),
      'hex',
    );
    const sigPath = save('sig.der', der);
    const dataPath = save('signed-bytes.bin', Buffer.concat([first.subarray(0, b), first.subarray(c, c + d)]));
    const r = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        sigPath,
        '-content',
        dataPath,
        '-binary',
        '-CAfile',
        pki.caPemPath,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Verification successful/);
    const attrs = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sigPath], { encoding: 'utf8' }).stdout;
    assert.match(attrs, /id-smime-aa-signingCertificateV2/);
    assert.match(attrs, /pkcs9-messageDigest|messageDigest/);
    assert.doesNotMatch(attrs, /signingTime/, 'PAdES puts the time in /M, not in a signed attribute');
  });

  test('a SHA-1 signature is still checked, and flagged as weak', async () => {
    const text = first.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const [b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dataPath = save('sha1-signed-bytes.bin', Buffer.concat([first.subarray(0, b), first.subarray(c, c + d)]));
    const keyPath = save('sha1-signer-key.pem', Buffer.alloc(0));
    const certPath = save('sha1-signer-cert.pem', Buffer.alloc(0));
    const pass = `pass:${P12_PASSPHRASE}`;
    execFileSync('openssl', ['pkcs12', '-in', pki.signerP12Path, '-nocerts', '-nodes', '-passin', pass, '-out', keyPath], {
      stdio: 'pipe',
    });
    execFileSync('openssl', ['pkcs12', '-in', pki.signerP12Path, '-clcerts', '-nokeys', '-passin', pass, '-out', certPath], {
      stdio: 'pipe',
    });
    const sigPath = save('sha1-sig.der', Buffer.alloc(0));
    execFileSync(
      'openssl',
      [
        'cms',
        '-sign',
        '-binary',
        '-md',
        'sha1',
        '-in',
        dataPath,
        '-signer',
        certPath,
        '-inkey',
        keyPath,
        '-outform',
        'DER',
        '-out',
        sigPath,
      ],
      { stdio: 'pipe' },
    );
    const hex = readFileSync(sigPath).toString('hex');
    assert.ok(hex.length <= c - b - 2, 'the SHA-1 CMS fits the placeholder');
    const resigned = Buffer.from(first);
    resigned.write(hex.padEnd(c - b - 2, '0'), b + 1, 'latin1');
    const r = await verifyPdf(resigned);
    const sig = r.signatures[0]!;
    assert.equal(sig.digestMatches, true, sig.problems.join('; '));
    assert.equal(sig.signatureVerified, true, sig.problems.join('; '));
    assert.ok(
      sig.problems.some((p) => /SHA-1/.test(p)),
      sig.problems.join('; '),
    );
  });

  test('a wrong passphrase is a P12PassphraseError for both kinds of file, and nothing is signed', async () => {
    await assert.rejects(signPdf(unsigned, { p12: pki.signerP12, passphrase: 'sbagliata' }), P12PassphraseError);
    await assert.rejects(
      loadP12(pki.legacyP12, 'sbagliata'),
      (e: Error) => e instanceof P12PassphraseError && /password errata/.test(e.message),
    );
  });
});

describe('RFC 3161 timestamp (PAdES B-T)', () => {
  test('a reachable authority adds a token over the signature value; verify checks it', async () => {
    const signer = await loadP12(pki.signerP12, P12_PASSPHRASE);
    const before = tsa.requests;
    const r = await signPdfWith(unsigned, signer, { tsaUrl: tsa.url });
    assert.equal(r.level, 'B-T');
    assert.equal(tsa.requests, before + 1);
    const v = await verifyPdf(r.pdf, { caPem: pki.caPem });
    const ts = v.signatures[0]!.timestamp;
    assert.equal(ts.present, true);
    assert.equal(ts.valid, true, ts.problem);
    assert.equal(ts.authority, 'Vigilanza Test TSA');
    assert.equal(ts.trusted, true);
    assert.ok(ts.time && Math.abs(Date.parse(ts.time) - Date.now()) < 120_000);
    assert.equal(v.valid, true);
    const out = pdfsig(save('timestamped.pdf', r.pdf), pki.nssDir);
    assert.match(out, /Signature is Valid/);
    assert.match(out, /Total document signed/);
  });

  test('an unreachable authority leaves a valid B-B signature and says so', async () => {
    const signer = await loadP12(pki.legacyP12, P12_PASSPHRASE);
    const warnings: string[] = [];
    const r = await signPdfWith(unsigned, signer, {
      tsaUrl: `http://127.0.0.1:${await closedPort()}/tsa`,
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(r.level, 'B-B');
    assert.equal(r.timestamp.ok, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /marca temporale non apposta.*B-B.*non raggiungibile/);
    const v = await verifyPdf(r.pdf);
    assert.equal(v.valid, true);
    assert.equal(v.signatures[0]!.timestamp.present, false);
  });

  test('an authority that refuses or answers garbage does not stop the signature', async () => {
    const signer = await loadP12(pki.signerP12, P12_PASSPHRASE);
    for (const mode of ['reject', 'garbage'] as const) {
      const bad = await startTestTsa({ ...pki.tsa, mode });
      try {
        const r = await signPdfWith(unsigned, signer, { tsaUrl: bad.url });
        assert.equal(r.level, 'B-B');
        assert.match(r.timestamp.error ?? '', mode === 'reject' ? /rifiutata/ : /non valida/);
        assert.equal((await verifyPdf(r.pdf)).valid, true);
      } finally {
        await bad.close();
      }
    }
  });
});
