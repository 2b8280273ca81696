/** `vigilanza report` and `vigilanza verify` as a user runs them: exit codes, messages, files. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleInspection, sampleSignature } from '../../report/testing/fixtures.ts';
import { samplePhoto } from '../../report/testing/images.ts';
import { vigilanza } from '../helpers/cli.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { startTestTsaProcess } from '../helpers/tsa.ts';

let pki: TestPki;
let tsa: Awaited<ReturnType<typeof startTestTsaProcess>>;
let dir: string;
let inspection: string;

// Run the TypeScript sources, not a possibly stale dist/ bundle.
const env = (extra: NodeJS.ProcessEnv = {}) => ({ VIGILANZA_FROM_SOURCE: '1', VIGILANZA_P12_PASSPHRASE: undefined, ...extra });
const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => vigilanza(args, { env: env(extra) });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-report-cli-'));
  pki = makeTestPki();
  tsa = await startTestTsaProcess(pki.tsa);
  inspection = join(dir, 'ispezione.json');
  writeFileSync(inspection, JSON.stringify(sampleInspection(), null, 2));
});

after(async () => {
  await tsa?.close();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigilanza report', () => {
  test('without --p12: writes an unsigned report that says so', () => {
    const out = join(dir, 'non-firmato.pdf');
    const r = run(['report', inspection, '--out', out, '--id', 'ISP-7', '--revision', '2']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.signed, false);
    assert.match(summary.contentHash, /^[0-9a-f]{64}$/);
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Documento non firmato digitalmente/);
    assert.match(text, /Ispezione ISP-7 · revisione 2/);
    assert.ok(text.includes(summary.contentHash));
    assert.equal(
      (
        readFileSync(out)
          .toString('latin1')
          .match(/\/ByteRange/g) ?? []
      ).length,
      0,
    );
  });

  test('with --p12 (passphrase from the environment), photos, signatures and prescriptions: signed and verifiable', () => {
    const photos = join(dir, 'foto');
    mkdirSync(photos);
    writeFileSync(join(photos, 'F.presidi.prese_protette--prese_scoperte.png'), samplePhoto(7, 320, 240));
    writeFileSync(join(photos, 'ingresso.png'), samplePhoto(8, 320, 240));
    execFileSync('pdftoppm', [
      '-jpeg',
      '-r',
      '20',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      join(dir, 'non-firmato.pdf'),
      join(photos, 'pagina'),
    ]);
    const sigs = join(dir, 'firme.json');
    writeFileSync(
      sigs,
      JSON.stringify([sampleSignature('referente_comune', 'Luca Verdi', 1), sampleSignature('referente_servizio', 'Maria Rossi', 2)]),
    );
    const prescriptions = join(dir, 'prescrizioni.json');
    writeFileSync(
      prescriptions,
      JSON.stringify([{ rule: 'F.presidi.prese_protette', text: 'Proteggere tutte le prese.', deadline: '2025-04-12' }]),
    );
    const out = join(dir, 'firmato.pdf');
    const r = run(
      [
        'report',
        inspection,
        '--out',
        out,
        '--p12',
        pki.signerP12Path,
        '--photos',
        photos,
        '--signatures',
        sigs,
        '--prescriptions',
        prescriptions,
      ],
      { VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE },
    );
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.signed, true);
    assert.equal(summary.signature, 'PAdES B-B');
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Documento firmato digitalmente \(PAdES\)/);
    assert.match(text, /Foto 1\. prese scoperte/);
    assert.match(
      text,
      /Riferita alla voce «Protezione di tutte le prese elettriche» \(sezione F\)/,
      'a photo caption names the item by its text',
    );
    assert.doesNotMatch(text, /F\.presidi\./, 'no internal item id on the page');
    assert.match(text, /Foto 3\. pagina/);
    assert.match(text, /Proteggere tutte le prese\./);
    const images = execFileSync('pdfimages', ['-list', out], { encoding: 'utf8' });
    assert.match(images, /jpeg/, 'the JPEG is embedded as DCT');
    assert.match(pdfsig(out, pki.nssDir), /Signature is Valid[\s\S]*Certificate is Trusted/);
    const v = run(['verify', out, '--ca', pki.caPemPath]);
    assert.equal(v.status, 0, v.stderr);
    const result = JSON.parse(v.stdout);
    assert.equal(result.valid, true);
    assert.equal(result.signatures.length, 1);
    assert.equal(result.signatures[0].signer.commonName, 'Anna Bianchi');
    assert.equal(result.signatures[0].trusted, true);
    assert.equal(result.signatures[0].coversWholeDocument, true);
    assert.equal(result.signatures[0].timestamp.present, false);
  });

  test('with --tsa: a timestamped (B-T) signature; an unreachable TSA gives B-B and a warning', async () => {
    const out = join(dir, 'marcato.pdf');
    const ok = run(['report', inspection, '--out', out, '--p12', pki.legacyP12Path, '--tsa', tsa.url], {
      VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE,
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).signature, 'PAdES B-T');
    const v = JSON.parse(run(['verify', out, '--ca', pki.caPemPath]).stdout);
    assert.equal(v.signatures[0].timestamp.valid, true);

    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const out2 = join(dir, 'senza-marca.pdf');
    const bb = run(['report', inspection, '--out', out2, '--p12', pki.signerP12Path, '--tsa', `http://127.0.0.1:${port}/`], {
      VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE,
    });
    assert.equal(bb.status, 0, bb.stderr);
    assert.equal(JSON.parse(bb.stdout).signature, 'PAdES B-B');
    assert.match(bb.stderr, /attenzione: marca temporale non apposta, firma PAdES B-B/);
    assert.equal(run(['verify', out2]).status, 0);
  });

  test('wrong passphrase: exit 2, a clear message, no output file left behind', () => {
    for (const p12 of [pki.signerP12Path, pki.legacyP12Path]) {
      const out = join(dir, 'mai-scritto.pdf');
      const r = run(['report', inspection, '--out', out, '--p12', p12], { VIGILANZA_P12_PASSPHRASE: 'sbagliata' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /password errata/);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(out), false);
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.startsWith('mai-scritto')),
        [],
      );
    }
  });

  test('bad input: exit 2 naming the problem', () => {
    const out = join(dir, 'x.pdf');
    const cases: Array<[string[], RegExp]> = [
      [['report', join(dir, 'manca.json'), '--out', out], /manca\.json: file non trovato/],
      [['report', inspection], /--out/],
      [['report', inspection, '--out', join(dir, 'nessuna-cartella', 'x.pdf')], /--out: la cartella/],
      [['report', inspection, '--out', out, '--revision', 'zero'], /--revision/],
      [['report', inspection, '--out', out, '--p12', join(dir, 'manca.p12')], /manca\.p12: --p12: file non trovato/],
      [['report', inspection, '--out', out, '--tsa', 'ftp://x'], /--tsa: URL non valido/],
    ];
    for (const [args, message] of cases) {
      const r = run(args, { VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const noPass = run(['report', inspection, '--out', out, '--p12', pki.signerP12Path]);
    assert.equal(noPass.status, 2);
    assert.match(noPass.stderr, /passphrase mancante: impostare VIGILANZA_P12_PASSPHRASE/);
    const notP12 = run(['report', inspection, '--out', out, '--p12', inspection], { VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE });
    assert.equal(notP12.status, 2);
    assert.match(notP12.stderr, /non è un PKCS#12 valido/);
    const broken = join(dir, 'foto-rotte');
    mkdirSync(broken);
    writeFileSync(join(broken, 'finta.png'), 'non sono un PNG');
    const r = run(['report', inspection, '--out', out, '--photos', broken]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--photos: finta\.png: l'immagine è danneggiata o non è un'immagine/);
    const badFile = join(dir, 'ispezione-rotta.json');
    writeFileSync(badFile, JSON.stringify({ ...sampleInspection(), service: { ...sampleInspection().service, capacity: -1 } }));
    const bad = run(['report', badFile, '--out', out]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /service\.capacity/);
    assert.equal(existsSync(out), false);
  });
});

describe('vigilanza verify', () => {
  test('exit 1 for an unsigned PDF and for a changed byte; exit 2 for a missing file, a folder or a non-PDF', () => {
    const unsigned = run(['verify', join(dir, 'non-firmato.pdf')]);
    assert.equal(unsigned.status, 1);
    assert.deepEqual(JSON.parse(unsigned.stdout).signatures, []);
    assert.match(unsigned.stderr, /nessuna firma digitale/);

    const signed = readFileSync(join(dir, 'firmato.pdf'));
    const tampered = Buffer.from(signed);
    tampered[1500] = tampered[1500]! ^ 0x20;
    const tamperedPath = join(dir, 'alterato.pdf');
    writeFileSync(tamperedPath, tampered);
    const t = run(['verify', tamperedPath]);
    assert.equal(t.status, 1);
    const result = JSON.parse(t.stdout);
    assert.equal(result.signatures[0].intact, false);
    assert.match(result.signatures[0].problems.join(' '), /Digest Mismatch/);
    assert.match(pdfsig(tamperedPath), /Digest Mismatch/);

    const missing = run(['verify', join(dir, 'assente.pdf')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /assente\.pdf: file non trovato/);
    assert.equal(missing.stdout, '');
    const folder = run(['verify', dir]);
    assert.equal(folder.status, 2);
    assert.match(folder.stderr, /è una cartella/);
    const notPdf = run(['verify', inspection]);
    assert.equal(notPdf.status, 2);
    assert.match(notPdf.stderr, /non è un PDF/);
    const badCa = run(['verify', join(dir, 'firmato.pdf'), '--ca', inspection]);
    assert.equal(badCa.status, 2);
    assert.match(badCa.stderr, /--ca: nessun certificato PEM/);
  });

  test('an untrusted CA is reported as such, and with --ca an untrusted signer makes exit 1', () => {
    const r = run(['verify', join(dir, 'firmato.pdf'), '--ca', pki.otherCaPemPath]);
    assert.equal(r.status, 1);
    assert.match(JSON.parse(r.stdout).problems.join(' '), /non attendibile/);
    const result = JSON.parse(r.stdout);
    assert.equal(result.signatures[0].trusted, false);
    assert.match(result.signatures[0].trustProblem, /catena/);
  });
});
