/**
 * A throw-away PKI made with the real `openssl` at test time (no key is ever committed):
 * a CA, two signers (PKCS#12 in OpenSSL 3's default AES-256/PBKDF2 and in `-legacy` 3DES),
 * a timestamp authority certificate, and an NSS database trusting the CA for `pdfsig`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const P12_PASSPHRASE = 'prova-Passphrase 2025!';

export interface TestPki {
  dir: string;
  caPem: string;
  caPemPath: string;
  /** Anna Bianchi, OpenSSL 3 default PKCS#12 (AES-256-CBC, PBKDF2, SHA-256 MAC). */
  signerP12: Buffer;
  signerP12Path: string;
  /** Luca Verdi, `-legacy` PKCS#12 (3DES key, RC2 certificates, SHA-1 MAC). */
  legacyP12: Buffer;
  legacyP12Path: string;
  tsa: { keyPem: string; certPem: string; keyPath: string; certPath: string };
  /** Mallory, a self-signed certificate (no CA): what anyone can make to sign a forgery. */
  selfSignedP12: Buffer;
  /** An unrelated CA, to show an untrusted chain. */
  otherCaPemPath: string;
  /** NSS database (sql:DIR) trusting the CA, for `pdfsig -nssdir`. */
  nssDir: string;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, subject: string, ext: string, ca = 'ca'): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '825',
      '-sha256',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-pki-'));
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-sha256',
      '-subj',
      '/CN=Vigilanza Test CA/O=Zona Fiorentina Sud-Est (test)',
      ...caExt,
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'other.key',
      '-out',
      'other.pem',
      '-days',
      '3650',
      '-sha256',
      '-subj',
      '/CN=Altra CA/O=Estranea',
      ...caExt,
    ],
    dir,
  );
  const signerExt =
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
  issue(dir, 'anna', '/CN=Anna Bianchi/O=Comune di Bagno a Ripoli/C=IT', signerExt);
  issue(dir, 'luca', '/CN=Luca Verdi/O=Zona Fiorentina Sud-Est/C=IT', signerExt);
  issue(
    dir,
    'tsa',
    '/CN=Vigilanza Test TSA/O=Zona Fiorentina Sud-Est (test)',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n',
  );
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'mallory.key',
      '-out',
      'mallory.pem',
      '-days',
      '825',
      '-sha256',
      '-subj',
      '/CN=Mallory Falsari/O=Nessuno/C=IT',
      '-addext',
      'keyUsage=critical,digitalSignature,nonRepudiation',
    ],
    dir,
  );
  const pass = `pass:${P12_PASSPHRASE}`;
  openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      'mallory.key',
      '-in',
      'mallory.pem',
      '-name',
      'Mallory Falsari',
      '-out',
      'mallory.p12',
      '-passout',
      pass,
    ],
    dir,
  );
  openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      'anna.key',
      '-in',
      'anna.pem',
      '-certfile',
      'ca.pem',
      '-name',
      'Anna Bianchi',
      '-out',
      'anna.p12',
      '-passout',
      pass,
    ],
    dir,
  );
  openssl(
    [
      'pkcs12',
      '-export',
      '-legacy',
      '-inkey',
      'luca.key',
      '-in',
      'luca.pem',
      '-certfile',
      'ca.pem',
      '-name',
      'Luca Verdi',
      '-out',
      'luca-legacy.p12',
      '-passout',
      pass,
    ],
    dir,
  );
  const nssDir = join(dir, 'nss');
  execFileSync('mkdir', ['-p', nssDir]);
  execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'ca', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')], { stdio: 'ignore' });
  // Nothing secret leaves this folder but the private keys must not outlive the test run.
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caPemPath: join(dir, 'ca.pem'),
    signerP12: readFileSync(join(dir, 'anna.p12')),
    signerP12Path: join(dir, 'anna.p12'),
    legacyP12: readFileSync(join(dir, 'luca-legacy.p12')),
    legacyP12Path: join(dir, 'luca-legacy.p12'),
    tsa: {
      keyPem: readFileSync(join(dir, 'tsa.key'), 'utf8'),
      certPem: readFileSync(join(dir, 'tsa.pem'), 'utf8'),
      keyPath: join(dir, 'tsa.key'),
      certPath: join(dir, 'tsa.pem'),
    },
    selfSignedP12: readFileSync(join(dir, 'mallory.p12')),
    otherCaPemPath: join(dir, 'other.pem'),
    nssDir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs `pdfsig` on a file and returns its text output. Read the output, never the exit code:
 * poppler 22.12's pdfsig exits 0 even when it prints "Digest Mismatch" or "Not total document
 * signed" (it exits non-zero only when it cannot read the file).
 */
export function pdfsig(file: string, nssDir?: string): string {
  const args = [...(nssDir ? ['-nssdir', `sql:${nssDir}`] : []), file];
  try {
    return execFileSync('pdfsig', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}
