/**
 * Signing the report with a key that never leaves its device: a real SoftHSM2 token made by the
 * test (keys generated on it by pkcs11-tool, certificates from the test CA), driven through
 * graphene-pk11 as a smart card would be. pdfsig (trusting the test CA through an NSS database)
 * and our verifier judge the result; the errors a user meets (wrong PIN with the tries left,
 * locked PIN, absent token, module that does not load) are checked through the API and the CLI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, signPdfWith, verifyPdf } from '../../report/index.ts';
import { installedModules, listCertificates, listTokens, Pkcs11Error, withTokenSigner } from '../../report/pkcs11.ts';
import { sampleInspection, sampleReportInput } from '../../report/testing/fixtures.ts';
import { vigilanza } from '../helpers/cli.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { makeSoftHsmToken, type TestToken } from '../helpers/softhsm.ts';

let pki: TestPki;
let token: TestToken;
let dir: string;
let unsigned: Buffer;
let inspection: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-pkcs11-'));
  pki = makeTestPki();
  token = makeSoftHsmToken(pki);
  // SoftHSM2 reads its configuration at C_Initialize, which each operation calls afresh.
  process.env.SOFTHSM2_CONF = token.conf;
  unsigned = await buildReport(sampleReportInput({ photos: 1, digitallySigned: true }));
  inspection = join(dir, 'ispezione.json');
  writeFileSync(inspection, JSON.stringify(sampleInspection(), null, 2));
});

after(() => {
  token?.cleanup();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function assertPdfsigValidTrusted(path: string): void {
  const out = pdfsig(path, pki.nssDir);
  assert.match(out, /Signature is Valid/, out);
  assert.match(out, /Certificate is Trusted/, out);
  assert.match(out, /Signed Ranges:/, out);
  assert.doesNotMatch(out, /Digest Mismatch|Not total document signed/, out);
  assert.match(out, /Signer Certificate Common Name: Anna Bianchi/, out);
}

async function assertRejects(work: Promise<unknown>, code: string, message: RegExp): Promise<Pkcs11Error> {
  try {
    await work;
  } catch (e) {
    assert.ok(e instanceof Pkcs11Error, `atteso Pkcs11Error, ricevuto ${(e as Error).stack}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return e;
  }
  assert.fail(`atteso errore ${code}`);
}

describe('the token and its certificates', () => {
  test('the SoftHSM module is among the suggested ones, and lists the one initialised token', async () => {
    assert.ok(installedModules().some((m) => m.path === token.module && m.name.startsWith('SoftHSM')));
    const tokens = await listTokens(token.module);
    assert.deepEqual(
      tokens.map((t) => t.label),
      [token.label],
    );
    assert.equal(tokens[0]!.pinLocked, false);
  });

  test('certificates: RSA and EC fit for signing with holder and issuer; the CA certificate is not fit', async () => {
    const certs = await listCertificates({ modulePath: token.module, token: token.label });
    const fit = certs.filter((c) => c.fit).sort((a, b) => a.label.localeCompare(b.label));
    assert.deepEqual(
      fit.map((c) => [c.label, c.keyType, c.holder, c.issuer]),
      [
        ['anna-ec', 'ec', 'Anna Bianchi', 'Vigilanza Test CA'],
        ['anna-rsa', 'rsa', 'Anna Bianchi', 'Vigilanza Test CA'],
      ],
    );
    const ca = certs.find((c) => c.label === 'Vigilanza Test CA');
    assert.equal(ca?.fit, false);
    assert.match(ca!.unfitReason!, /autorità di certificazione/);
  });

  test('a certificate past its validity is not fit, and says until when it was valid', async () => {
    const certs = await listCertificates({ modulePath: token.module }, new Date(Date.now() + 400 * 86400_000));
    const rsa = certs.find((c) => c.label === token.rsaKey)!;
    assert.equal(rsa.fit, false);
    assert.match(rsa.unfitReason!, /^scaduto il \d{2}\/\d{2}\/\d{4}$/);
  });
});

describe('signing on the token', () => {
  for (const { name, key, rawRsa } of [
    { name: 'RSA, CKM_SHA256_RSA_PKCS', key: 'anna-rsa', rawRsa: false },
    { name: 'RSA, CKM_RSA_PKCS over a DigestInfo', key: 'anna-rsa', rawRsa: true },
    { name: 'ECDSA P-256, CKM_ECDSA', key: 'anna-ec', rawRsa: false },
  ]) {
    test(`${name}: pdfsig says valid and trusted, our verifier agrees`, async () => {
      const signed = await withTokenSigner({ modulePath: token.module, token: token.label, key, pin: token.pin, rawRsa }, (signer) =>
        signPdfWith(unsigned, signer, { reason: 'Verbale di ispezione' }),
      );
      assert.equal(signed.level, 'B-B');
      assert.equal(signed.signer.commonName, 'Anna Bianchi');
      const path = join(dir, `signed-${key}${rawRsa ? '-raw' : ''}.pdf`);
      writeFileSync(path, signed.pdf);
      assertPdfsigValidTrusted(path);
      const verdict = await verifyPdf(signed.pdf, { caPem: pki.caPem });
      assert.equal(verdict.valid, true, verdict.problems.join('; '));
      assert.equal(verdict.signatures[0]!.trusted, true);
    });
  }

  test('a second signature (co-signature) on the token leaves the first one valid', async () => {
    const first = await withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: token.pin }, (s) => signPdfWith(unsigned, s));
    const second = await withTokenSigner({ modulePath: token.module, key: token.ecKey, pin: token.pin }, (s) => signPdfWith(first.pdf, s));
    const path = join(dir, 'cosigned.pdf');
    writeFileSync(path, second.pdf);
    const out = pdfsig(path, pki.nssDir);
    assert.equal(out.match(/Signature is Valid/g)?.length, 2, out);
    assert.equal(out.match(/Certificate is Trusted/g)?.length, 2, out);
    assert.equal((await verifyPdf(second.pdf, { caPem: pki.caPem })).valid, true);
  });

  test('two fit certificates and no --key: asks which one, naming both', async () => {
    await assertRejects(
      withTokenSigner({ modulePath: token.module, pin: token.pin }, async () => 0),
      'certificate_ambiguous',
      /più certificati di firma.*«anna-(rsa|ec)».*«anna-(rsa|ec)»/,
    );
  });
});

describe('what the user can get wrong', () => {
  test('wrong PIN: Italian message with the tries left the token reports (SoftHSM2 sets USER_PIN_COUNT_LOW)', async () => {
    const e = await assertRejects(
      withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: '000000' }, async () => assert.fail('non deve firmare')),
      'pin_incorrect',
      /^PIN errato\. Il dispositivo segnala che restano pochi tentativi/,
    );
    assert.equal(e.triesLeft, 'low');
    // The right PIN still works and clears the flag.
    await withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: token.pin }, async () => 0);
    assert.equal((await listTokens(token.module))[0]!.pinCountLow, false);
  });

  test('wrong PIN when the token says it is the last try', async () => {
    token.setPinFlags({ finalTry: true });
    try {
      const e = await assertRejects(
        withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: '000000' }, async () => 0),
        'pin_incorrect',
        /Resta un solo tentativo/,
      );
      assert.equal(e.triesLeft, 'final');
    } finally {
      token.setPinFlags({ finalTry: false, countLow: false });
    }
  });

  test('locked PIN: refused before any PIN is tried, with how to unlock it', async () => {
    token.setPinFlags({ locked: true });
    try {
      assert.equal((await listTokens(token.module))[0]!.pinLocked, true);
      await assertRejects(
        withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: token.pin }, async () => assert.fail('non deve firmare')),
        'pin_locked',
        /^PIN bloccato.*PUK/,
      );
      const cli = vigilanza(['report', inspection, '--out', join(dir, 'locked.pdf'), '--pkcs11', token.module, '--key', token.rsaKey], {
        env: { VIGILANZA_PIN: token.pin },
      });
      assert.equal(cli.status, 2, cli.stderr);
      assert.match(cli.stderr, /PIN bloccato/);
      assert.equal(existsSync(join(dir, 'locked.pdf')), false);
    } finally {
      token.setPinFlags({ locked: false });
    }
  });

  test('absent token: another label, or no token in the reader at all', async () => {
    await assertRejects(
      withTokenSigner({ modulePath: token.module, token: 'Carta CNS', pin: token.pin }, async () => 0),
      'token_absent',
      /«Carta CNS» non inserito \(presenti: «Firma Anna»\)/,
    );
    const empty = join(dir, 'empty-hsm');
    mkdirSync(join(empty, 'tokens'), { recursive: true });
    writeFileSync(join(empty, 'softhsm2.conf'), `directories.tokendir = ${join(empty, 'tokens')}\nobjectstore.backend = file\n`);
    process.env.SOFTHSM2_CONF = join(empty, 'softhsm2.conf');
    try {
      await assertRejects(
        withTokenSigner({ modulePath: token.module, pin: token.pin }, async () => 0),
        'token_absent',
        /nessun dispositivo di firma inserito/,
      );
      assert.deepEqual(await listTokens(token.module), []);
    } finally {
      process.env.SOFTHSM2_CONF = token.conf;
    }
  });

  test('a module that does not exist or is not PKCS#11', async () => {
    await assertRejects(listTokens(join(dir, 'manca.so')), 'module_unavailable', /non caricabile: .*manca\.so \(file inesistente/);
    const notPkcs11 = join(dir, 'finto.so');
    writeFileSync(notPkcs11, 'non sono una libreria');
    await assertRejects(listTokens(notPkcs11), 'module_unavailable', /^modulo PKCS#11 non caricabile: .*finto\.so/);
  });
});

describe('vigilanza report --pkcs11', () => {
  test('signs with the token (PIN from VIGILANZA_PIN); pdfsig and vigilanza verify accept it', () => {
    const out = join(dir, 'cli-ec.pdf');
    const r = vigilanza(['report', inspection, '--out', out, '--pkcs11', token.module, '--token', token.label, '--key', token.ecKey], {
      env: { VIGILANZA_PIN: token.pin, SOFTHSM2_CONF: token.conf },
    });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.signed, true);
    assert.equal(summary.signature, 'PAdES B-B');
    assert.match(summary.signer, /CN=Anna Bianchi/);
    assertPdfsigValidTrusted(out);
    const v = vigilanza(['verify', out, '--ca', pki.caPemPath]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.equal(JSON.parse(v.stdout).valid, true);
  });

  test('wrong PIN: exit 2, the tries left in Italian, no file written', () => {
    const out = join(dir, 'cli-wrong.pdf');
    const r = vigilanza(['report', inspection, '--out', out, '--pkcs11', token.module, '--key', token.rsaKey], {
      env: { VIGILANZA_PIN: '111111', SOFTHSM2_CONF: token.conf },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--pkcs11: PIN errato\. Il dispositivo segnala che restano pochi tentativi/);
    assert.equal(existsSync(out), false);
    token.setPinFlags({ countLow: false });
  });

  test('vigilanza sign: the second member co-signs a P12-signed report with the token; both signatures valid and trusted', () => {
    const first = join(dir, 'cli-p12.pdf');
    const made = vigilanza(['report', inspection, '--out', first, '--p12', pki.signerP12Path], {
      env: { VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE },
    });
    assert.equal(made.status, 0, made.stderr);
    const out = join(dir, 'cli-cosigned.pdf');
    const unknown = vigilanza(['sign', first, '--out', out, '--pkcs11', token.module, '--key', token.ecKey, '--signatory', 'sindaco'], {
      env: { VIGILANZA_PIN: token.pin, SOFTHSM2_CONF: token.conf },
    });
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /--signatory: il verbale non ha un riquadro «sindaco» \(riquadri: referente_comune, pedagogista, referente_servizio\)/,
    );
    assert.equal(existsSync(out), false);
    const r = vigilanza(['sign', first, '--out', out, '--pkcs11', token.module, '--key', token.ecKey, '--signatory', 'pedagogista'], {
      env: { VIGILANZA_PIN: token.pin, SOFTHSM2_CONF: token.conf },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).signatures, 2);
    assert.equal(JSON.parse(r.stdout).appearance.signatory, 'pedagogista');
    const text = pdfsig(out, pki.nssDir);
    assert.equal(text.match(/Signature is Valid/g)?.length, 2, text);
    assert.equal(text.match(/Certificate is Trusted/g)?.length, 2, text);
    const v = vigilanza(['verify', out, '--ca', pki.caPemPath]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    // An unsigned PDF, both keys, none, a wrong PIN: exit 2, nothing written.
    const unsignedPath = join(dir, 'cli-unsigned.pdf');
    writeFileSync(unsignedPath, unsigned);
    const bad = join(dir, 'cli-sign-bad.pdf');
    for (const [args, message, pin] of [
      [[unsignedPath, '--pkcs11', token.module, '--key', token.ecKey], /non ha firme digitali/, token.pin],
      [[first, '--pkcs11', token.module, '--p12', pki.signerP12Path], /una sola/, token.pin],
      [[first], /indicare una firma digitale/, token.pin],
      [[first, '--pkcs11', token.module, '--key', token.ecKey], /PIN errato/, '000000'],
    ] as const) {
      const e = vigilanza(['sign', ...args, '--out', bad], { env: { VIGILANZA_PIN: pin, SOFTHSM2_CONF: token.conf } });
      assert.equal(e.status, 2, `${args.join(' ')}: ${e.stderr}`);
      assert.match(e.stderr, message);
      assert.equal(existsSync(bad), false);
    }
    token.setPinFlags({ countLow: false });
  });

  test('bad arguments: exit 2 with an Italian message', () => {
    const out = join(dir, 'cli-bad.pdf');
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [['--p12', pki.signerP12Path, '--pkcs11', token.module], /--p12 e --pkcs11 insieme/],
      [['--token', token.label], /--token: vale solo con --pkcs11/],
      [['--key', token.rsaKey], /--key: vale solo con --pkcs11/],
      [['--pkcs11', ''], /--pkcs11: indicare il percorso/],
      [['--pkcs11', join(dir, 'manca.so')], /--pkcs11: modulo PKCS#11 non caricabile/, { VIGILANZA_PIN: token.pin }],
      [['--pkcs11', token.module, '--key', token.rsaKey], /--pkcs11: PIN mancante: impostare VIGILANZA_PIN/, { VIGILANZA_PIN: undefined }],
      [['--pkcs11', token.module, '--key', 'nessuna'], /nessun certificato «nessuna»/, { VIGILANZA_PIN: token.pin }],
    ];
    for (const [args, message, env] of cases) {
      const r = vigilanza(['report', inspection, '--out', out, ...args], { env: { SOFTHSM2_CONF: token.conf, ...env } });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(existsSync(out), false);
    }
  });
});

describe('a qualified signature key (CKA_ALWAYS_AUTHENTICATE, the PIN again for each signature)', () => {
  test('signs after a context-specific login: pdfsig valid and trusted, RSA and EC', async () => {
    const qualified = makeSoftHsmToken(pki, { alwaysAuth: true, name: 'softhsm-qualificata' });
    process.env.SOFTHSM2_CONF = qualified.conf;
    try {
      for (const key of [qualified.rsaKey, qualified.ecKey]) {
        const signed = await withTokenSigner({ modulePath: qualified.module, key, pin: qualified.pin }, (s) => signPdfWith(unsigned, s));
        const path = join(dir, `qualified-${key}.pdf`);
        writeFileSync(path, signed.pdf);
        assertPdfsigValidTrusted(path);
      }
      // A timestamp authority that fails after the first signature value: the visible appearance
      // claimed «con marca temporale», so the key signs once more (a second context-specific login).
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as { port: number }).port;
      await new Promise<void>((r) => closed.close(() => r()));
      let signatures = 0;
      const retried = await withTokenSigner({ modulePath: qualified.module, key: qualified.rsaKey, pin: qualified.pin }, (s) =>
        signPdfWith(unsigned, { ...s, sign: (attrs) => (signatures++, s.sign(attrs)) }, { tsaUrl: `http://127.0.0.1:${port}/tsa` }),
      );
      assert.equal(signatures, 2);
      assert.equal(retried.level, 'B-B');
      assert.ok(retried.appearance);
      const path = join(dir, 'qualified-no-tsa.pdf');
      writeFileSync(path, retried.pdf);
      assertPdfsigValidTrusted(path);
    } finally {
      process.env.SOFTHSM2_CONF = token.conf;
      qualified.cleanup();
    }
  });
});
