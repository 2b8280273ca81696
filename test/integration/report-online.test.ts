/**
 * Revocation asked at verification time and issuer certificates fetched from the AIA (issue 11):
 *
 * - `vigilanza verify --online` asks OpenSSL's OCSP responder on loopback about each signer and
 *   timestamp authority, whatever the document's DSS holds: a signer revoked before signing is
 *   refused with «revocato il dd/mm/yyyy», a good one says so with who answered, an unreachable
 *   responder is a clear message and no crash.
 * - `fetchIssuer` (AIA caIssuers) against a local HTTP server: a DER certificate, a PKCS#7
 *   certs-only bundle; refused: a certificate that did not issue it, an answer over the size limit,
 *   a server that never answers (timeout), a redirect to file://, a caIssuers address that is not
 *   http(s). A report signed by a certificate whose intermediate CA the signature does not carry is
 *   augmented all the same: the intermediate is fetched and embedded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, signPdf } from '../../report/index.ts';
import { augmentPdf } from '../../report/augment.ts';
import { caIssuersUrls, fetchIssuer, RevocationError } from '../../report/revocation.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { vigilanzaAsync } from '../helpers/cli.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type IssuedCert, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

let pki: RevocationPki;
let tsa: TestTsa;
let dir: string;
let unsigned: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-online-'));
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  unsigned = await buildReport(sampleReportInput({ photos: 0, digitallySigned: true }));
});

after(async () => {
  await tsa?.close();
  await pki?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const signedBy = async (who: { p12: Buffer }, name: string) => {
  const pdf = await signPdf(unsigned, { p12: who.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url });
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return { path, pdf };
};

const today = () => new Date().toLocaleDateString('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' });

describe('vigilanza verify --online', () => {
  test('a signer revoked before signing: «revocato il dd/mm/yyyy», not valid (exit 1), though the document has no DSS', async () => {
    const { path } = await signedBy(pki.revoked, 'revocato.pdf');
    // Offline, nothing says it is revoked.
    const offline = await vigilanzaAsync(['verify', path, '--ca', pki.ca.pemPath]);
    assert.equal(offline.status, 0, offline.stderr);
    const r = await vigilanzaAsync(['verify', path, '--ca', pki.ca.pemPath, '--online']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const online = out.signatures[0].revocation.online;
    assert.equal(online.signer.status, 'revoked');
    assert.equal(online.signer.source, 'ocsp');
    assert.equal(online.tsa.status, 'good');
    assert.match(
      r.stderr,
      new RegExp(
        `firma 1 \\(«Mario Rossi»\\): stato di revoca in linea del firmatario: revocato il ${today().replace(/\//g, '\\/')} \\(compromissione della chiave\\) \\(OCSP http://127\\.0\\.0\\.1:\\d+/ocsp\\)`,
      ),
    );
    assert.match(r.stderr, /firma NON valida: .*revocato/);
  });

  test('a good signer: «valido, non revocato», with who answered; exit 0', async () => {
    const { path } = await signedBy(pki.signer, 'buono.pdf');
    const before = pki.counts.ocsp;
    const r = await vigilanzaAsync(['verify', path, '--ca', pki.ca.pemPath, '--online']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(pki.counts.ocsp >= before + 2, 'signer and TSA asked');
    assert.match(r.stderr, /firma 1 \(«Anna Bianchi»\): stato di revoca in linea del firmatario: valido, non revocato \(OCSP http:/);
    assert.match(r.stderr, /stato di revoca in linea dell'autorità di marcatura temporale: valido, non revocato/);
  });

  test('an unreachable responder: a clear message, not a crash; validity is decided on the rest', async () => {
    const { path } = await signedBy(pki.unreachable, 'irraggiungibile.pdf');
    const r = await vigilanzaAsync(['verify', path, '--ca', pki.ca.pemPath, '--online']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /firma 1 \(«Ugo Lontani»\): stato di revoca in linea del firmatario: non verificabile in linea: .*non raggiungibile/,
    );
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.equal(JSON.parse(r.stdout).signatures[0].revocation.online.signer.status, 'unavailable');
  });
});

describe('AIA caIssuers', () => {
  let server: Server;
  let base: string;
  let inter: { pem: string; der: Buffer; p7: Buffer };
  let leaf: IssuedCert & { der: Buffer };
  let stranger: Buffer;
  const routes = new Map<string, (res: ServerResponse) => void>();

  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

  /** A certificate signed by `caName` (files NAME.pem/.key in `dir` or the PKI's), with the extensions given. */
  function make(name: string, subject: string, ext: string, ca: { pem: string; key: string }): string {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca.pem,
      '-CAkey',
      ca.key,
      '-set_serial',
      `${Math.floor(Math.random() * 1e9)}`,
      '-days',
      '30',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
    return readFileSync(join(dir, `${name}.pem`), 'utf8');
  }

  before(async () => {
    server = createServer((req, res) => {
      const route = routes.get(req.url ?? '');
      if (route) route(res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const caKey = join(pki.dir, 'ca.key');
    // An intermediate CA of the test CA (its status from the CA's CRL), and a signer it issued whose
    // AIA says where the intermediate is; the signer's own status from the intermediate's CRL.
    const interPem = make(
      'inter',
      '/CN=Vigilanza Test CA intermedia/O=Zona Fiorentina Sud-Est (test)',
      `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\ncrlDistributionPoints=URI:${pki.url}/ca.crl\n`,
      { pem: pki.ca.pemPath, key: caKey },
    );
    inter = {
      pem: interPem,
      der: der(interPem),
      p7: openssl(['crl2pkcs7', '-nocrl', '-certfile', 'inter.pem', '-outform', 'DER']),
    };
    const leafPem = make(
      'lucia',
      '/CN=Lucia Verdi/O=Comune di Impruneta/C=IT',
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nauthorityInfoAccess=caIssuers;URI:${base}/inter.der\ncrlDistributionPoints=URI:${base}/inter.crl\n`,
      { pem: join(dir, 'inter.pem'), key: join(dir, 'inter.key') },
    );
    // The intermediate's (empty) CRL, made by `openssl ca` over its own database.
    writeFileSync(join(dir, 'inter-index.txt'), '');
    writeFileSync(join(dir, 'inter.crlnumber'), '01\n');
    writeFileSync(
      join(dir, 'inter.cnf'),
      `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/inter-index.txt\ncertificate = ${dir}/inter.pem\nprivate_key = ${dir}/inter.key\ncrlnumber = ${dir}/inter.crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n`,
    );
    openssl(['ca', '-gencrl', '-config', 'inter.cnf', '-out', 'inter.crl.pem']);
    const interCrl = openssl(['crl', '-in', 'inter.crl.pem', '-outform', 'DER']);
    routes.set('/inter.crl', (res) => res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(interCrl));
    // Its PKCS#12 WITHOUT the intermediate: the signature will not carry it.
    openssl(['pkcs12', '-export', '-inkey', 'lucia.key', '-in', 'lucia.pem', '-out', 'lucia.p12', '-passout', `pass:${P12_PASSPHRASE}`]);
    leaf = {
      ...pki.signer,
      name: 'lucia',
      pem: leafPem,
      der: der(leafPem),
      p12: readFileSync(join(dir, 'lucia.p12')),
    };
    stranger = pki.crlCa.der;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('a DER certificate, and a PKCS#7 certs-only bundle, are taken when they issued the certificate', async () => {
    assert.deepEqual(caIssuersUrls(leaf.der), [`${base}/inter.der`]);
    routes.set('/inter.der', (res) => res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(inter.der));
    assert.ok(Buffer.from(await fetchIssuer(leaf.der)).equals(inter.der));
    routes.set('/inter.der', (res) => res.writeHead(200, { 'content-type': 'application/pkcs7-mime' }).end(inter.p7));
    assert.ok(Buffer.from(await fetchIssuer(leaf.der)).equals(inter.der));
  });

  test('refused: another certificate, an answer over the limit, no answer in time, a redirect to file://', async () => {
    routes.set('/inter.der', (res) => res.writeHead(200).end(stranger));
    await assert.rejects(
      fetchIssuer(leaf.der),
      (e: Error) => e instanceof RevocationError && /non è quello che ha emesso «Lucia Verdi»/.test(e.message),
    );
    routes.set('/inter.der', (res) => res.writeHead(200).end(Buffer.alloc(2 << 20)));
    await assert.rejects(fetchIssuer(leaf.der), /risposta troppo grande/);
    // Announced small, then more: the limit is on what is read, not on what is announced.
    routes.set('/inter.der', (res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(1 << 20));
      res.end(Buffer.alloc(1 << 20));
    });
    await assert.rejects(fetchIssuer(leaf.der), /risposta troppo grande/);
    routes.set('/inter.der', () => {}); // never answers
    await assert.rejects(fetchIssuer(leaf.der, { timeoutMs: 300 }), /nessuna risposta entro 0\.3 s/);
    routes.set('/inter.der', (res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    await assert.rejects(fetchIssuer(leaf.der), /indirizzo rifiutato, solo http:\/\/ o https:\/\/ \(file:\/\/\/etc\/passwd\)/);
    routes.set('/inter.der', (res) => res.writeHead(302, { location: '/inter.der' }).end());
    await assert.rejects(fetchIssuer(leaf.der), /troppi reindirizzamenti/);
  });

  test('a caIssuers address that is not http(s) is not even tried', async () => {
    const pem = make(
      'file-aia',
      '/CN=Pia Locale/C=IT',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nauthorityInfoAccess=caIssuers;URI:file:///etc/passwd\n',
      { pem: join(dir, 'inter.pem'), key: join(dir, 'inter.key') },
    );
    assert.deepEqual(caIssuersUrls(der(pem)), []);
    await assert.rejects(fetchIssuer(der(pem)), /non indica dove scaricare il certificato del suo emittente/);
  });

  test('augmentation completes a chain the signature did not carry from the caIssuers address', async () => {
    routes.set('/inter.der', (res) => res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(inter.der));
    const { pdf } = await signedBy(leaf, 'lucia.pdf');
    assert.ok(!pdf.includes(inter.der), 'the signature does not carry the intermediate');
    // The root is the trusted CA the caller knows; the intermediate only the AIA says where to find.
    const result = await augmentPdf(pdf, { tsaUrl: tsa.url, revocationTimeoutMs: 5000, extraCertificates: [pki.ca.der] });
    assert.equal(result.level, 'B-LTA');
    const chain = result.signatures[0]!.certificates.map((c) => `${c.role}:${c.commonName}:${c.status}`);
    assert.deepEqual(chain.slice(0, 3), [
      'signer:Lucia Verdi:good',
      'ca:Vigilanza Test CA intermedia:good',
      'ca:Vigilanza Test CA OCSP:not_checked',
    ]);
    assert.ok(result.pdf.includes(inter.der), 'the intermediate is in the DSS');
  });
});
