/**
 * Issue 5 in the app: sealing produces the PDF report through the host API (`call`, what both
 * shells use), signed with an imported PKCS#12 made by openssl, checked by Debian's pdfsig and
 * pdftotext and by our verifyPdf; a second member co-signs as an incremental update; a loopback
 * RFC 3161 authority timestamps. Real SQLite in a temp folder, nothing mocked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyPdf } from '../../report/index.ts';
import { samplePhoto } from '../../report/testing/images.ts';
import { contentHash } from '../../shared/canonical.ts';
import { fixedClock } from '../../host/clock.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { startShellServer } from '../../host/shell-server.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';
import { SERVICE } from '../unit/db-fixtures.ts';

let pki: TestPki;
let tsa: TestTsa;
let scratch: string;
const apps: Array<{ app: HostApp; dir: string }> = [];

const SIG = (signatory: string, name: string, y: number) => ({
  signatory,
  name,
  strokes: [
    [
      [40, y],
      [200, y + 60],
      [360, y],
      [520, y + 50],
    ],
  ],
});
const SIGNATURES = [
  SIG('referente_comune', 'Marco Bellini', 120),
  SIG('pedagogista', 'Chiara Fantoni', 100),
  SIG('referente_servizio', 'Giulia Mariani', 140),
];

before(async () => {
  pki = makeTestPki();
  tsa = await startTestTsa(pki.tsa);
  scratch = mkdtempSync(join(tmpdir(), 'vigilanza-report-app-'));
});

after(async () => {
  for (const { app, dir } of apps) {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await tsa?.close();
  pki?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function newApp(): HostApp {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-report-app-data-'));
  const app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  apps.push({ app, dir });
  return app;
}

async function call<T = any>(app: HostApp, method: string, input: unknown): Promise<T> {
  const r = await app.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function refused(app: HostApp, method: string, input: unknown, code: string, field?: string): Promise<string> {
  const r = await app.call(method, input);
  assert.equal(r.ok, false, `${method} should be refused`);
  if (r.ok) return '';
  assert.equal(r.error.code, code, r.error.message);
  if (field) assert.equal(r.error.field, field, r.error.message);
  return r.error.message;
}

/** A draft with members, a person present, answers (one "no"), a photo and a prescription. */
async function draft(app: HostApp, name = SERVICE.name): Promise<{ id: string; memberIds: string[] }> {
  const service = await call(app, 'services.create', { ...SERVICE, name });
  const m1 = await call(app, 'members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const m2 = await call(app, 'members.create', { name: 'Marco Bellini', role: 'Referente tecnico Comune di Bagno a Ripoli' });
  const person = await call(app, 'staff.save', {
    serviceId: service.id,
    name: 'Sara Lotti',
    role: 'educatore',
    title: 'L19',
    trainings: [{ course: 'first_aid', hours: 12, completedOn: '2025-01-10' }],
  });
  const i = await call(app, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [m1.id, m2.id],
  });
  await call(app, 'inspections.update', { id: i.id, staffIds: [person.id] });
  await call(app, 'inspections.saveAnswer', {
    inspectionId: i.id,
    itemId: 'A.destinazione_uso.certificato',
    value: 'yes',
    note: 'visto in originale',
  });
  await call(app, 'inspections.saveAnswer', { inspectionId: i.id, itemId: 'F.presidi.termosifoni', value: 'no' });
  await call(app, 'photos.add', {
    inspectionId: i.id,
    itemId: 'F.presidi.termosifoni',
    mime: 'image/png',
    dataBase64: samplePhoto(3, 320, 240).toString('base64'),
    caption: 'Termosifone senza protezione',
  });
  await call(app, 'prescriptions.save', {
    inspectionId: i.id,
    rule: 'F.presidi.termosifoni',
    text: 'Installare protezioni sui termosifoni',
    deadline: '2026-04-30',
  });
  return { id: i.id, memberIds: [m1.id, m2.id] };
}

function save(name: string, base64: string): string {
  const path = join(scratch, name);
  writeFileSync(path, Buffer.from(base64, 'base64'));
  return path;
}

const pdfText = (path: string) => execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
const sigBlocks = (text: string) => text.split(/^Signature #\d+:/m).slice(1);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('sealing without a signing key', () => {
  test('stores the unsigned report, which says so and prints the stored content hash', async () => {
    const app = newApp();
    const { id } = await draft(app);
    const sealed = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
    });
    assert.equal(sealed.report.produced, true);
    assert.equal(sealed.report.signed, false);
    assert.equal(sealed.report.level, null);
    assert.equal(sealed.inspection.hasReport, true);
    const report = await call(app, 'report.get', { inspectionId: id });
    assert.equal(report.sha256, sealed.report.sha256);
    assert.equal(report.version, 1);
    assert.equal(report.signed, false);
    assert.deepEqual(report.signatures, []);
    assert.equal(report.name, 'Scheda_Nido_Il_Girasole_2026-03-10_rev1.pdf');
    assert.equal(report.contentHash, sealed.contentHash);
    const path = save('unsigned.pdf', report.pdfBase64);
    const text = pdfText(path);
    assert.match(text, /Documento non firmato digitalmente/);
    assert.ok(text.includes(`Impronta del contenuto (SHA-256): ${sealed.contentHash}`), 'the footer prints the stored hash');
    assert.equal(contentHash(sealed.inspection.sealedFile), sealed.contentHash);
    assert.match(text, /Installare protezioni sui termosifoni/);
    assert.match(text, /Chiara Fantoni/);
    assert.match(pdfsig(path), /does not contain any signatures/);
    // The stored file is the content-addressed blob, byte for byte.
    const [att] = app.store.attachments.reports(id);
    assert.equal(att!.sha256, report.sha256);
    assert.ok(app.store.attachments.bytes(att!.id).bytes.equals(Buffer.from(report.pdfBase64, 'base64')));
    // A co-signature on a report that declares itself unsigned is refused.
    await refused(
      app,
      'report.addSignature',
      { inspectionId: id, p12Base64: pki.legacyP12.toString('base64'), passphrase: P12_PASSPHRASE },
      'conflict',
      'inspectionId',
    );
    assert.equal(app.store.attachments.reports(id).length, 1);
  });

  test('a report is only for sealed inspections; one sealed without a report (demo, sync path) gets it on first request', async () => {
    const app = newApp();
    const { id } = await draft(app);
    assert.match(await refused(app, 'report.get', { inspectionId: id }, 'conflict', 'inspectionId'), /bozza/);
    await refused(app, 'report.get', { inspectionId: 'nessuna' }, 'not_found', 'inspectionId');
    const r = app.dispatch('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id, signatures: [] });
    assert.ok(r.ok);
    assert.equal(app.store.attachments.reports(id).length, 0);
    const [a, b] = await Promise.all([call(app, 'report.get', { inspectionId: id }), call(app, 'report.get', { inspectionId: id })]);
    assert.equal(a.sha256, b.sha256);
    assert.equal(app.store.attachments.reports(id).length, 1, 'two requests at once make one report');
  });
});

describe('the imported signing key', () => {
  test('import refuses a wrong passphrase, a non-PKCS#12 file and bad base64, naming the field', async () => {
    const app = newApp();
    await refused(
      app,
      'signing.importP12',
      { p12Base64: pki.signerP12.toString('base64'), passphrase: 'sbagliata' },
      'invalid',
      'passphrase',
    );
    const msg = await refused(
      app,
      'signing.importP12',
      { p12Base64: Buffer.from('non sono un PKCS#12').toString('base64'), passphrase: 'x' },
      'invalid',
      'p12Base64',
    );
    assert.match(msg, /file della chiave di firma/);
    await refused(app, 'signing.importP12', { p12Base64: 'questo non è base64!', passphrase: 'x' }, 'invalid', 'p12Base64');
    await refused(
      app,
      'signing.importP12',
      { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE, memberId: 'fantasma' },
      'invalid',
      'memberId',
    );
    assert.deepEqual(await call(app, 'signing.status', {}), { key: null, device: null, tsaUrl: null });
  });

  test('is kept encrypted with the data key: neither the P12 bytes nor the passphrase are anywhere in the data folder', async () => {
    const app = newApp();
    const { id, memberIds } = await draft(app);
    const status = await call(app, 'signing.importP12', {
      p12Base64: pki.signerP12.toString('base64'),
      passphrase: P12_PASSPHRASE,
      memberId: memberIds[0],
    });
    assert.equal(status.key.commonName, 'Anna Bianchi');
    assert.match(status.key.issuer, /Vigilanza Test CA/);
    assert.equal(status.key.memberName, 'Chiara Fantoni');
    assert.equal(status.key.expired, false);
    assert.ok(Date.parse(status.key.validUntil) > Date.now());
    await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
      passphrase: P12_PASSPHRASE,
    });
    app.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = filesUnder(apps.find((a) => a.app === app)!.dir);
    assert.ok(files.some((f) => f.endsWith('vigilanza.db')));
    const needles = [
      pki.signerP12,
      pki.signerP12.subarray(100, 164),
      Buffer.from(pki.signerP12.toString('base64').slice(0, 64)),
      Buffer.from(P12_PASSPHRASE, 'utf8'),
      Buffer.from(P12_PASSPHRASE, 'utf16le'),
    ];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) assert.equal(bytes.indexOf(n), -1, `${f} contains a secret (${n.length} bytes)`);
    }
    // Removing the key: status says so, sealing with a passphrase is refused on that field.
    assert.deepEqual(await call(app, 'signing.remove', {}), { removed: true });
    assert.equal((await call(app, 'signing.status', {})).key, null);
    const other = await draft(app, 'Nido Arcobaleno');
    assert.match(
      await refused(
        app,
        'inspections.seal',
        { commissionReason: 'prova automatica: commissione non in esame', id: other.id, signatures: [], passphrase: P12_PASSPHRASE },
        'invalid',
        'passphrase',
      ),
      /nessuna chiave/,
    );
  });

  test('seal with a wrong passphrase is refused before anything changes', async () => {
    const app = newApp();
    const { id } = await draft(app);
    await call(app, 'signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
    const auditBefore = (await call(app, 'inspections.audit', { id })).length;
    await refused(
      app,
      'inspections.seal',
      { commissionReason: 'prova automatica: commissione non in esame', id, signatures: SIGNATURES, passphrase: 'non è questa' },
      'invalid',
      'passphrase',
    );
    await refused(
      app,
      'inspections.seal',
      { commissionReason: 'prova automatica: commissione non in esame', id, signatures: SIGNATURES, passphrase: '' },
      'invalid',
      'passphrase',
    );
    const after = await call(app, 'inspections.get', { id });
    assert.equal(after.status, 'draft');
    assert.equal(after.contentHash, null);
    assert.deepEqual(after.signatures, []);
    assert.equal(after.hasReport, false);
    assert.equal((await call(app, 'inspections.audit', { id })).length, auditBefore);
    assert.equal(app.store.attachments.reports(id).length, 0);
    // And the draft still seals afterwards.
    const sealed = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
      passphrase: P12_PASSPHRASE,
    });
    assert.equal(sealed.report.signed, true);
  });

  test('seal with the passphrase: a PAdES signature pdfsig finds valid, trusted and total; the printed hash is the stored one', async () => {
    const app = newApp();
    const { id } = await draft(app);
    await call(app, 'signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
    const started = performance.now();
    const sealed = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
      passphrase: P12_PASSPHRASE,
    });
    const ms = performance.now() - started;
    assert.ok(ms < 10_000, `seal with PDF took ${ms.toFixed(0)} ms`);
    assert.deepEqual({ ...sealed.report, sha256: null }, { produced: true, sha256: null, signed: true, level: 'B-B', warning: null });
    const report = await call(app, 'report.get', { inspectionId: id });
    assert.equal(report.signed, true);
    assert.equal(report.valid, true);
    assert.equal(report.signatures.length, 1);
    assert.equal(report.signatures[0].signer, 'Anna Bianchi');
    assert.equal(report.signatures[0].intact, true);
    assert.equal(report.signatures[0].coversWholeDocument, true);
    const path = save('signed.pdf', report.pdfBase64);
    const out = pdfsig(path, pki.nssDir);
    assert.match(out, /Signature Validation: Signature is Valid\./, out);
    assert.match(out, /Certificate Validation: Certificate is Trusted\./, out);
    assert.match(out, /Total document signed/, out);
    const verified = await verifyPdf(readFileSync(path), { caPem: pki.caPem });
    assert.equal(verified.valid, true);
    assert.equal(verified.signatures[0]!.trusted, true);
    const text = pdfText(path);
    assert.match(text, /Documento firmato digitalmente \(PAdES\)/);
    const printed = /Impronta del contenuto \(SHA-256\): ([0-9a-f]{64})/.exec(text)?.[1];
    const stored = app.store.inspections.get(id).contentHash;
    assert.equal(printed, stored);
    assert.equal(stored, sealed.contentHash);
    assert.equal(contentHash(JSON.parse(app.store.inspections.sealedFile(id)!)), stored);
  });

  test('a second member co-signs with their own (legacy) P12: new version, first signature still valid, old bytes kept', async () => {
    const app = newApp();
    const { id } = await draft(app);
    await call(app, 'signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
    await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      // The certificates' holders signed by hand too: each digital signature is drawn in their block.
      signatures: [SIG('referente_comune', 'Luca Verdi', 120), SIG('pedagogista', 'Anna Bianchi', 100), SIGNATURES[2]!],
      passphrase: P12_PASSPHRASE,
    });
    const first = await call(app, 'report.get', { inspectionId: id });
    await refused(
      app,
      'report.addSignature',
      { inspectionId: id, p12Base64: pki.legacyP12.toString('base64'), passphrase: 'no' },
      'invalid',
      'passphrase',
    );
    assert.match(
      await refused(
        app,
        'report.addSignature',
        { inspectionId: id, p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE },
        'invalid',
        'p12Base64',
      ),
      /già firmato/,
    );
    const second = await call(app, 'report.addSignature', {
      inspectionId: id,
      p12Base64: pki.legacyP12.toString('base64'),
      passphrase: P12_PASSPHRASE,
    });
    assert.equal(second.version, 2);
    assert.equal(second.valid, true);
    assert.deepEqual(
      second.signatures.map((s: any) => [s.signer, s.intact, s.coversWholeDocument]),
      [
        ['Anna Bianchi', true, false],
        ['Luca Verdi', true, true],
      ],
    );
    const secondBytes = Buffer.from(second.pdfBase64, 'base64');
    const firstBytes = Buffer.from(first.pdfBase64, 'base64');
    assert.ok(secondBytes.subarray(0, firstBytes.length).equals(firstBytes), 'incremental update: the first version is a prefix');
    const versions = app.store.attachments.reports(id);
    assert.deepEqual(
      versions.map((v) => v.sha256),
      [first.sha256, second.sha256],
    );
    assert.ok(app.store.attachments.bytes(versions[0]!.id).bytes.equals(firstBytes), 'the previous version is still stored');
    const out = pdfsig(save('cosigned.pdf', second.pdfBase64), pki.nssDir);
    const blocks = sigBlocks(out);
    assert.equal(blocks.length, 2, out);
    for (const b of blocks) assert.match(b, /Signature is Valid/, out);
    assert.match(blocks[0]!, /Signer Certificate Common Name: Anna Bianchi/);
    assert.match(blocks[0]!, /Not total document signed/);
    assert.match(blocks[1]!, /Signer Certificate Common Name: Luca Verdi/);
    assert.match(blocks[1]!, /Total document signed/);
    // Anna sealed first but her appearance is in the Pedagogista's block, under Luca's (the Comune's).
    const text = pdfText(join(scratch, 'cosigned.pdf'));
    const [luca, anna] = [text.indexOf('Firmato digitalmente da Luca Verdi'), text.indexOf('Firmato digitalmente da Anna Bianchi')];
    assert.ok(luca >= 0 && anna > luca, text);
    assert.equal((await call(app, 'report.get', { inspectionId: id })).sha256, second.sha256, 'the latest version is the report');
  });

  test('with a timestamp authority: B-T when it answers; B-B and a warning when it cannot be reached', async () => {
    const app = newApp();
    await refused(app, 'signing.setTsaUrl', { tsaUrl: 'ftp://tsa' }, 'invalid', 'tsaUrl');
    assert.equal((await call(app, 'signing.setTsaUrl', { tsaUrl: tsa.url })).tsaUrl, tsa.url);
    await call(app, 'signing.importP12', { p12Base64: pki.legacyP12.toString('base64'), passphrase: P12_PASSPHRASE });
    const a = await draft(app);
    const before = tsa.requests;
    const sealed = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id: a.id,
      signatures: SIGNATURES,
      passphrase: P12_PASSPHRASE,
    });
    assert.equal(sealed.report.level, 'B-T');
    assert.equal(tsa.requests, before + 1);
    const report = await call(app, 'report.get', { inspectionId: a.id });
    assert.ok(report.signatures[0].timestampTime, 'the timestamp time is reported');
    assert.match(pdfsig(save('tsa.pdf', report.pdfBase64), pki.nssDir), /Signature is Valid/);

    await call(app, 'signing.setTsaUrl', { tsaUrl: `http://127.0.0.1:${await closedPort()}/tsa` });
    const b = await draft(app, 'Nido Arcobaleno');
    const offline = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id: b.id,
      signatures: [],
      passphrase: P12_PASSPHRASE,
    });
    assert.equal(offline.report.signed, true);
    assert.equal(offline.report.level, 'B-B');
    assert.match(offline.report.warning, /marca temporale non apposta/);
    const r2 = await call(app, 'report.get', { inspectionId: b.id });
    assert.equal(r2.valid, true);
    assert.equal(r2.signatures[0].timestampTime, null);
    assert.equal((await call(app, 'signing.setTsaUrl', { tsaUrl: null })).tsaUrl, null);
  });

  test('through the browser shell’s HTTP API the seal signs too (the shell uses the async entry point)', async () => {
    const app = newApp();
    const { id } = await draft(app);
    const server = await startShellServer({ host: app, rendererDir: join(scratch, 'no-renderer') });
    try {
      const post = async (method: string, input: unknown) => {
        const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': server.token },
          body: JSON.stringify(input),
        });
        return (await res.json()) as any;
      };
      assert.equal((await post('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE })).ok, true);
      const wrong = await post('inspections.seal', {
        commissionReason: 'prova automatica: commissione non in esame',
        id,
        signatures: SIGNATURES,
        passphrase: 'errata',
      });
      assert.equal(wrong.error.field, 'passphrase');
      const sealed = await post('inspections.seal', {
        commissionReason: 'prova automatica: commissione non in esame',
        id,
        signatures: SIGNATURES,
        passphrase: P12_PASSPHRASE,
      });
      assert.equal(sealed.ok, true, JSON.stringify(sealed.error));
      assert.equal(sealed.value.report.signed, true);
      const report = await post('report.get', { inspectionId: id });
      assert.match(pdfsig(save('http.pdf', report.value.pdfBase64), pki.nssDir), /Total document signed/);
    } finally {
      await server.close();
    }
  });
});
