/**
 * The signing device in the app (host API through `call`, as both shells use it): a real SoftHSM2
 * token made by the test is chosen in «Firma digitale» (module, token, certificate), sealing asks
 * its PIN and signs on it; a wrong or locked PIN and an absent token leave the visit a draft; a
 * second member co-signs with a device too. Real SQLite in a temp folder, pdfsig judges.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyPdf } from '../../report/index.ts';
import { fixedClock } from '../../host/clock.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { makeTestPki, pdfsig, type TestPki } from '../helpers/pki.ts';
import { makeSoftHsmToken, type TestToken } from '../helpers/softhsm.ts';
import { SERVICE } from '../unit/db-fixtures.ts';

let pki: TestPki;
let token: TestToken;
let scratch: string;
const apps: Array<{ app: HostApp; dir: string }> = [];

const SIG = (signatory: string, name: string) => ({
  signatory,
  name,
  strokes: [
    [
      [40, 100],
      [200, 160],
      [360, 100],
    ],
  ],
});
const SIGNATURES = [
  SIG('referente_comune', 'Marco Bellini'),
  SIG('pedagogista', 'Chiara Fantoni'),
  SIG('referente_servizio', 'Giulia Mariani'),
];

before(() => {
  pki = makeTestPki();
  token = makeSoftHsmToken(pki);
  process.env.SOFTHSM2_CONF = token.conf;
  scratch = mkdtempSync(join(tmpdir(), 'vigilanza-app-pkcs11-'));
});

after(() => {
  for (const { app, dir } of apps) {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  token?.cleanup();
  pki?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function newApp(): HostApp {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-app-pkcs11-data-'));
  const app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  apps.push({ app, dir });
  return app;
}

async function call<T = any>(app: HostApp, method: string, input: unknown): Promise<T> {
  const r = await app.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function refused(app: HostApp, method: string, input: unknown, code: string, field: string): Promise<string> {
  const r = await app.call(method, input);
  assert.equal(r.ok, false, `${method} should be refused`);
  if (r.ok) return '';
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.field, field, r.error.message);
  return r.error.message;
}

async function draft(app: HostApp): Promise<string> {
  const service = await call(app, 'services.create', SERVICE);
  const m1 = await call(app, 'members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const i = await call(app, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [m1.id],
  });
  await call(app, 'inspections.saveAnswer', { inspectionId: i.id, itemId: 'F.presidi.termosifoni', value: 'no' });
  return i.id;
}

async function fingerprint(app: HostApp, label: string): Promise<string> {
  const certs = await call<any[]>(app, 'signing.deviceCertificates', { modulePath: token.module, token: token.label });
  return certs.find((c) => c.label === label)!.fingerprint;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

async function assertStillDraft(app: HostApp, id: string, auditBefore: number): Promise<void> {
  const after = await call(app, 'inspections.get', { id });
  assert.equal(after.status, 'draft');
  assert.equal(after.contentHash, null);
  assert.equal(after.hasReport, false);
  assert.equal((await call(app, 'inspections.audit', { id })).length, auditBefore);
}

describe('choosing the signing device', () => {
  test('modules found on the machine, the token, its certificates by holder and issuer; the choice is kept without any PIN', async () => {
    const app = newApp();
    const modules = await call<any[]>(app, 'signing.deviceModules', {});
    assert.ok(modules.some((m) => m.path === token.module));
    const tokens = await call<any[]>(app, 'signing.deviceTokens', { modulePath: token.module });
    assert.deepEqual(
      tokens.map((t) => [t.label, t.pinLocked]),
      [[token.label, false]],
    );
    const certs = await call<any[]>(app, 'signing.deviceCertificates', { modulePath: token.module, token: token.label });
    assert.deepEqual(
      certs
        .filter((c) => c.fit)
        .map((c) => `${c.holder} (${c.issuer}) ${c.keyType}`)
        .sort(),
      ['Anna Bianchi (Vigilanza Test CA) ec', 'Anna Bianchi (Vigilanza Test CA) rsa'],
    );
    const ca = certs.find((c) => !c.fit)!;
    const msg = await refused(
      app,
      'signing.setDevice',
      { modulePath: token.module, token: token.label, certificate: ca.fingerprint },
      'invalid',
      'certificate',
    );
    assert.match(msg, /non può firmare: certificato di una autorità/);
    const status = await call(app, 'signing.setDevice', {
      modulePath: token.module,
      token: token.label,
      certificate: await fingerprint(app, token.rsaKey),
    });
    assert.equal(status.device.holder, 'Anna Bianchi');
    assert.equal(status.device.issuer, 'Vigilanza Test CA');
    assert.equal(status.device.expired, false);
    assert.equal(status.key, null);
    // Nothing secret to keep: the PIN was never asked, and no file holds one.
    for (const f of filesUnder(apps[apps.length - 1]!.dir)) assert.ok(!readFileSync(f).includes(Buffer.from(token.pin)), f);
  });

  test('a module that does not load and a token that is not there are 4xx on their fields', async () => {
    const app = newApp();
    await refused(app, 'signing.deviceTokens', { modulePath: join(scratch, 'manca.so') }, 'invalid', 'modulePath');
    await refused(app, 'signing.deviceCertificates', { modulePath: token.module, token: 'Carta CNS' }, 'conflict', 'token');
  });

  test('attack: the real module copied into a folder anyone may write is never loaded, whoever asks', async () => {
    const app = newApp();
    const shared = join(scratch, 'condivisa');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    const planted = join(shared, 'libsofthsm2.so');
    copyFileSync(token.module, planted);
    for (const [method, input] of [
      ['signing.deviceTokens', { modulePath: planted }],
      ['signing.deviceCertificates', { modulePath: planted, token: token.label }],
      ['signing.setDevice', { modulePath: planted, token: token.label, certificate: 'a'.repeat(64) }],
    ] as const) {
      const message = await refused(app, method, input, 'invalid', 'modulePath');
      assert.match(message, /la cartella .*condivisa è modificabile da altri utenti/, method);
    }
    const status = await call<{ device: unknown }>(app, 'signing.status', {});
    assert.equal(status.device, null, 'no device was set');
  });
});

describe('sealing with the device', () => {
  test('wrong PIN (tries left), locked PIN, absent token: refused, the visit stays a draft; then the right PIN seals and signs', async () => {
    const app = newApp();
    const id = await draft(app);
    await call(app, 'signing.setDevice', {
      modulePath: token.module,
      token: token.label,
      certificate: await fingerprint(app, token.rsaKey),
    });
    const auditBefore = (await call(app, 'inspections.audit', { id })).length;

    const wrong = await refused(
      app,
      'inspections.seal',
      { commissionReason: 'prova automatica: commissione non in esame', id, signatures: SIGNATURES, pin: '000000' },
      'invalid',
      'pin',
    );
    assert.match(wrong, /PIN errato\. Il dispositivo segnala che restano pochi tentativi/);
    await assertStillDraft(app, id, auditBefore);

    token.setPinFlags({ locked: true });
    try {
      assert.match(
        await refused(
          app,
          'inspections.seal',
          { commissionReason: 'prova automatica: commissione non in esame', id, signatures: SIGNATURES, pin: token.pin },
          'conflict',
          'pin',
        ),
        /PIN bloccato/,
      );
    } finally {
      token.setPinFlags({ locked: false, countLow: false });
    }
    await assertStillDraft(app, id, auditBefore);

    const empty = join(scratch, 'empty-hsm');
    mkdirSync(join(empty, 'tokens'), { recursive: true });
    writeFileSync(join(empty, 'softhsm2.conf'), `directories.tokendir = ${join(empty, 'tokens')}\nobjectstore.backend = file\n`);
    process.env.SOFTHSM2_CONF = join(empty, 'softhsm2.conf');
    try {
      assert.match(
        await refused(
          app,
          'inspections.seal',
          { commissionReason: 'prova automatica: commissione non in esame', id, signatures: SIGNATURES, pin: token.pin },
          'conflict',
          'token',
        ),
        /nessun dispositivo di firma inserito/,
      );
    } finally {
      process.env.SOFTHSM2_CONF = token.conf;
    }
    await assertStillDraft(app, id, auditBefore);

    const sealed = await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
      pin: token.pin,
    });
    assert.equal(sealed.report.signed, true);
    assert.equal(sealed.report.warning, null);
    for (const f of filesUnder(apps[apps.length - 1]!.dir)) assert.ok(!readFileSync(f).includes(Buffer.from(token.pin)), `PIN in ${f}`);
    const report = await call(app, 'report.get', { inspectionId: id });
    assert.equal(report.signatures[0].signer, 'Anna Bianchi');
    const path = join(scratch, 'sealed-device.pdf');
    writeFileSync(path, Buffer.from(report.pdfBase64, 'base64'));
    const out = pdfsig(path, pki.nssDir);
    assert.match(out, /Signature is Valid/, out);
    assert.match(out, /Certificate is Trusted/, out);
    assert.match(out, /Total document signed/, out);
  });

  test('a second member co-signs with a device (EC key): both signatures valid and trusted', async () => {
    const app = newApp();
    const id = await draft(app);
    const rsa = await fingerprint(app, token.rsaKey);
    await call(app, 'signing.setDevice', { modulePath: token.module, token: token.label, certificate: rsa });
    await call(app, 'inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures: SIGNATURES,
      pin: token.pin,
    });
    const device = { modulePath: token.module, token: token.label, certificate: rsa };
    assert.match(
      await refused(app, 'report.addSignature', { inspectionId: id, device, pin: token.pin }, 'invalid', 'certificate'),
      /ha già firmato/,
    );
    const ec = { ...device, certificate: await fingerprint(app, token.ecKey) };
    await refused(app, 'report.addSignature', { inspectionId: id, device: ec, pin: '999999' }, 'invalid', 'pin');
    token.setPinFlags({ countLow: false });
    const view = await call(app, 'report.addSignature', { inspectionId: id, device: ec, pin: token.pin });
    assert.equal(view.version, 2);
    assert.equal(view.signatures.length, 2);
    const bytes = Buffer.from(view.pdfBase64, 'base64');
    const path = join(scratch, 'cosigned-device.pdf');
    writeFileSync(path, bytes);
    const out = pdfsig(path, pki.nssDir);
    assert.equal(out.match(/Signature is Valid/g)?.length, 2, out);
    assert.equal(out.match(/Certificate is Trusted/g)?.length, 2, out);
    assert.equal((await verifyPdf(bytes, { caPem: pki.caPem })).valid, true);
  });
});
