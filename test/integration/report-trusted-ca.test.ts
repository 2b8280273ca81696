/**
 * Trusted CAs in «Firma digitale», through the host API (`call`, what both shells use): a report
 * signed with a key from the test CA (openssl) reads «not checked» with no CA, untrusted with an
 * unrelated CA, trusted once the test CA is added, and back as CAs are removed. Bad PEM files are
 * refused on field `pem`. Real SQLite in a temp folder, nothing mocked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../host/clock.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { makeTestPki, P12_PASSPHRASE, type TestPki } from '../helpers/pki.ts';
import { SERVICE } from '../unit/db-fixtures.ts';

let pki: TestPki;
let dir: string;
let app: HostApp;
let inspectionId: string;

async function call<T = any>(method: string, input: unknown): Promise<T> {
  const r = await app.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function refused(method: string, input: unknown, field: string): Promise<string> {
  const r = await app.call(method, input);
  assert.equal(r.ok, false, `${method} should be refused`);
  if (r.ok) return '';
  assert.equal(r.error.code, 'invalid', r.error.message);
  assert.equal(r.error.field, field, r.error.message);
  return r.error.message;
}

const firstSignature = async () => (await call('report.get', { inspectionId })).signatures[0];

before(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-trusted-ca-'));
  app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  await call('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
  const service = await call('services.create', SERVICE);
  const i = await call('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  await call('inspections.saveAnswer', { inspectionId: i.id, itemId: 'A.destinazione_uso.certificato', value: 'yes' });
  const sealed = await call('inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: i.id,
    passphrase: P12_PASSPHRASE,
  });
  assert.equal(sealed.report.signed, true);
  inspectionId = i.id;
});

after(() => {
  app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

describe('trusted CAs and the signatures of the report', () => {
  test('with no CA configured, trust is not checked (null)', async () => {
    assert.deepEqual(await call('signing.listTrustedCas', {}), []);
    const s = await firstSignature();
    assert.equal(s.signer, 'Anna Bianchi');
    assert.equal(s.intact, true);
    assert.equal(s.trusted, null);
    assert.equal(s.trustProblem, null);
  });

  test('an unrelated CA: the signature is intact but its certificate is not trusted, with the reason', async () => {
    const list = await call('signing.addTrustedCa', { pem: readFileSync(pki.otherCaPemPath, 'utf8') });
    assert.equal(list.length, 1);
    assert.equal(list[0].commonName, 'Altra CA');
    const s = await firstSignature();
    assert.equal(s.intact, true);
    assert.equal(s.trusted, false);
    assert.match(s.trustProblem, /non riconducibile/);
  });

  test('adding the CA that issued the signer: trusted; listed with subject and expiry; adding it again changes nothing', async () => {
    const list = await call<any[]>('signing.addTrustedCa', { pem: pki.caPem });
    assert.equal(list.length, 2);
    const ca = list.find((c) => c.commonName === 'Vigilanza Test CA');
    assert.ok(ca, JSON.stringify(list));
    assert.match(ca.subject, /CN=Vigilanza Test CA/);
    assert.match(ca.id, /^[0-9A-F]{64}$/);
    assert.equal(ca.expired, false);
    assert.ok(Date.parse(ca.validUntil) > Date.now() + 300 * 86_400_000, ca.validUntil);
    assert.equal((await firstSignature()).trusted, true);
    assert.equal((await call<any[]>('signing.addTrustedCa', { pem: `${pki.caPem}\n${pki.caPem}` })).length, 2, 'no duplicates');
    assert.equal((await call<any[]>('signing.listTrustedCas', {})).length, 2);
  });

  test('not a PEM CA certificate → invalid on field pem, nothing stored', async () => {
    assert.match(await refused('signing.addTrustedCa', { pem: 'buongiorno' }, 'pem'), /non contiene certificati in formato PEM/);
    assert.match(
      await refused(
        'signing.addTrustedCa',
        { pem: '-----BEGIN CERTIFICATE-----\nMIIBbm90IHVuIGNlcnRpZmljYXRv\n-----END CERTIFICATE-----\n' },
        'pem',
      ),
      /non è leggibile/,
    );
    // The signer's own certificate is not a CA.
    assert.match(
      await refused('signing.addTrustedCa', { pem: readFileSync(join(pki.dir, 'anna.pem'), 'utf8') }, 'pem'),
      /«Anna Bianchi» non è il certificato di un’autorità di certificazione/,
    );
    // A private key next to the certificate is refused as a whole, and never stored.
    assert.match(
      await refused('signing.addTrustedCa', { pem: `${pki.caPem}\n${readFileSync(join(pki.dir, 'ca.key'), 'utf8')}` }, 'pem'),
      /chiave privata/,
    );
    assert.equal((await call<any[]>('signing.listTrustedCas', {})).length, 2);
    await refused('signing.addTrustedCa', { pem: '' }, 'pem');
  });

  test('removing the issuing CA makes it untrusted again; removing all makes it unchecked; the list survives a restart', async () => {
    const list = await call<any[]>('signing.listTrustedCas', {});
    const ours = list.find((c) => c.commonName === 'Vigilanza Test CA')!;
    const other = list.find((c) => c.commonName === 'Altra CA')!;
    assert.deepEqual(await call('signing.removeTrustedCa', { id: ours.id }), { removed: true });
    assert.deepEqual(await call('signing.removeTrustedCa', { id: ours.id }), { removed: false });
    assert.equal((await firstSignature()).trusted, false);

    app.close();
    app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
    assert.deepEqual(
      (await call<any[]>('signing.listTrustedCas', {})).map((c) => c.commonName),
      ['Altra CA'],
    );
    assert.deepEqual(await call('signing.removeTrustedCa', { id: other.id }), { removed: true });
    assert.equal((await firstSignature()).trusted, null);
  });
});
