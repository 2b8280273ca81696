/**
 * A throw-away PKI whose certificates say where their revocation status is published, and the
 * loopback servers that publish it, made with the real `openssl` at test time (no key is committed).
 *
 * The main CA is run by `openssl ca` (its `index.txt` is the database `openssl ocsp` answers from and
 * `openssl ca -gencrl` lists); its certificates carry an AIA OCSP URL and a CRL distribution point on
 * 127.0.0.1. A second CA publishes a CRL only (no OCSP in its certificates). One certificate points at
 * a port where nothing listens. This OpenSSL (3.0) cannot bind `openssl ocsp -port` to 127.0.0.1 only,
 * so each OCSP request goes to a one-shot `openssl ocsp -reqin … -respout …` behind a small HTTP server
 * bound to 127.0.0.1 (as the test TSA is): the answer is still OpenSSL's own OCSP responder's.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { P12_PASSPHRASE } from './pki.ts';

const run = promisify(execFile);

export interface IssuedCert {
  name: string;
  pemPath: string;
  keyPath: string;
  pem: string;
  der: Buffer;
  /** PKCS#12 with the CA certificate, passphrase P12_PASSPHRASE. */
  p12Path: string;
  p12: Buffer;
}

export interface RevocationPki {
  dir: string;
  /** Base URL of the responders (http://127.0.0.1:PORT). */
  url: string;
  ca: { pemPath: string; pem: string; der: Buffer };
  /** CA that publishes a CRL only. */
  crlCa: { pemPath: string; pem: string; der: Buffer };
  /** Anna Bianchi: good, OCSP + CRL. */
  signer: IssuedCert;
  /** Mario Rossi: revoked by the CA (keyCompromise) before any test signs with it. */
  revoked: IssuedCert;
  /** Carla Neri, issued by the CRL-only CA. */
  crlOnly: IssuedCert;
  /** Its OCSP and CRL addresses are a closed port on 127.0.0.1. */
  unreachable: IssuedCert;
  /** The timestamp authority's certificate (OCSP + CRL). */
  tsa: IssuedCert;
  /** What each responder was asked. */
  counts: { ocsp: number; crl: number };
  /** 'down': the OCSP responder answers HTTP 503 (the CRL still answers). */
  ocspMode: 'ok' | 'down';
  /** Revokes a certificate of the main CA now and publishes a new CRL. */
  revoke(cert: IssuedCert): void;
  /** An NSS database (sql:DIR) trusting both CAs, for `pdfsig -nssdir`. */
  nssDir: string;
  close(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function caConfig(dir: string, name: string): string {
  const path = join(dir, `${name}.cnf`);
  writeFileSync(
    path,
    `[ca]
default_ca = ca_default
[ca_default]
dir = ${dir}
database = ${dir}/${name}-index.txt
new_certs_dir = ${dir}/${name}-certs
certificate = ${dir}/${name}.pem
private_key = ${dir}/${name}.key
serial = ${dir}/${name}.serial
crlnumber = ${dir}/${name}.crlnumber
default_md = sha256
default_days = 825
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
countryName = optional
`,
  );
  writeFileSync(join(dir, `${name}-index.txt`), '');
  writeFileSync(join(dir, `${name}.serial`), '1000\n');
  writeFileSync(join(dir, `${name}.crlnumber`), '01\n');
  mkdirSync(join(dir, `${name}-certs`));
  return path;
}

function makeCa(dir: string, name: string, subject: string): { pemPath: string; pem: string; der: Buffer } {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '3650',
      '-sha256',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-addext',
      'subjectKeyIdentifier=hash',
    ],
    dir,
  );
  caConfig(dir, name);
  const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
  return { pemPath: join(dir, `${name}.pem`), pem, der: pemToDer(pem) };
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function issue(dir: string, ca: string, name: string, subject: string, ext: string): IssuedCert {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['ca', '-batch', '-notext', '-config', `${ca}.cnf`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', `${name}.ext`], dir);
  openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      `${name}.key`,
      '-in',
      `${name}.pem`,
      '-certfile',
      `${ca}.pem`,
      '-name',
      name,
      '-out',
      `${name}.p12`,
      '-passout',
      `pass:${P12_PASSPHRASE}`,
    ],
    dir,
  );
  const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
  return {
    name,
    pemPath: join(dir, `${name}.pem`),
    keyPath: join(dir, `${name}.key`),
    pem,
    der: pemToDer(pem),
    p12Path: join(dir, `${name}.p12`),
    p12: readFileSync(join(dir, `${name}.p12`)),
  };
}

function gencrl(dir: string, ca: string): void {
  openssl(['ca', '-gencrl', '-config', `${ca}.cnf`, '-out', `${ca}.crl.pem`], dir);
  openssl(['crl', '-in', `${ca}.crl.pem`, '-outform', 'DER', '-out', `${ca}.crl`], dir);
}

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const SIGNER =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';

export async function makeRevocationPki(): Promise<RevocationPki> {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-rev-pki-'));
  // Filled in below; the server only answers once the certificates exist.
  const self = {} as { pki: RevocationPki };
  // The server exists before the certificates: their AIA and CDP name its port.
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = request.url ?? '';
      if (request.method === 'GET' && /^\/(ca|crlca)\.crl$/.test(path)) {
        self.pki.counts.crl++;
        response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(join(dir, path.slice(1))));
        return;
      }
      // RFC 6960 A.1: POST with the DER, or GET /ocsp/<base64 of the DER, URL-encoded> (NSS, so pdfsig, may use it).
      const get = request.method === 'GET' && path.startsWith('/ocsp/');
      if (get || (request.method === 'POST' && path === '/ocsp' && request.headers['content-type'] === 'application/ocsp-request')) {
        const body = get ? Buffer.from(decodeURIComponent(path.slice('/ocsp/'.length)), 'base64') : Buffer.concat(chunks);
        self.pki.counts.ocsp++;
        if (self.pki.ocspMode === 'down') {
          response.writeHead(503).end();
          return;
        }
        const id = `${process.hrtime.bigint()}`;
        const reqPath = join(dir, `ocsp-${id}.req`);
        const respPath = join(dir, `ocsp-${id}.resp`);
        writeFileSync(reqPath, body);
        run(
          'openssl',
          [
            'ocsp',
            '-index',
            'ca-index.txt',
            '-rsigner',
            'ocsp.pem',
            '-rkey',
            'ocsp.key',
            '-CA',
            'ca.pem',
            '-reqin',
            reqPath,
            '-respout',
            respPath,
            '-ndays',
            '7',
          ],
          { cwd: dir },
        )
          .then(() => response.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(readFileSync(respPath)))
          .catch(() => response.writeHead(500).end());
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dead = `http://127.0.0.1:${await closedPort()}`;

  const ca = makeCa(dir, 'ca', '/CN=Vigilanza Test CA OCSP/O=Zona Fiorentina Sud-Est (test)');
  const crlCa = makeCa(dir, 'crlca', '/CN=Vigilanza Test CA solo CRL/O=Zona Fiorentina Sud-Est (test)');
  const published = (base: string, crl: string) => `authorityInfoAccess=OCSP;URI:${base}/ocsp\ncrlDistributionPoints=URI:${base}/${crl}\n`;
  issue(
    dir,
    'ca',
    'ocsp',
    '/CN=Vigilanza Test OCSP/O=Zona Fiorentina Sud-Est (test)',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,OCSPSigning\nnoCheck=ignored\n',
  );
  const signer = issue(dir, 'ca', 'anna', '/CN=Anna Bianchi/O=Comune di Bagno a Ripoli/C=IT', SIGNER + published(url, 'ca.crl'));
  const revoked = issue(dir, 'ca', 'mario', '/CN=Mario Rossi/O=Comune di Impruneta/C=IT', SIGNER + published(url, 'ca.crl'));
  const unreachable = issue(dir, 'ca', 'ugo', '/CN=Ugo Lontani/O=Comune di Greve in Chianti/C=IT', SIGNER + published(dead, 'ca.crl'));
  const tsa = issue(
    dir,
    'ca',
    'tsa',
    '/CN=Vigilanza Test TSA LTV/O=Zona Fiorentina Sud-Est (test)',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' + published(url, 'ca.crl'),
  );
  const crlOnly = issue(
    dir,
    'crlca',
    'carla',
    '/CN=Carla Neri/O=Comune di Fiesole/C=IT',
    SIGNER + `crlDistributionPoints=URI:${url}/crlca.crl\n`,
  );
  openssl(['ca', '-config', 'ca.cnf', '-revoke', 'mario.pem', '-crl_reason', 'keyCompromise'], dir);
  gencrl(dir, 'ca');
  gencrl(dir, 'crlca');

  const nssDir = join(dir, 'nss');
  mkdirSync(nssDir);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'ca', '-t', 'CT,C,C', '-i', ca.pemPath], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'crlca', '-t', 'CT,C,C', '-i', crlCa.pemPath], { stdio: 'ignore' });

  const pki: RevocationPki = {
    dir,
    url,
    ca,
    crlCa,
    signer,
    revoked,
    crlOnly,
    unreachable,
    tsa,
    counts: { ocsp: 0, crl: 0 },
    ocspMode: 'ok',
    revoke(cert) {
      openssl(['ca', '-config', 'ca.cnf', '-revoke', cert.pemPath, '-crl_reason', 'keyCompromise'], dir);
      gencrl(dir, 'ca');
    },
    nssDir,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  self.pki = pki;
  return pki;
}
