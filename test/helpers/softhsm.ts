/**
 * A real PKCS#11 token for tests: SoftHSM2 (Debian `softhsm2`) with its own token folder in a
 * temp dir (SOFTHSM2_CONF), keys generated *on the token* by OpenSC's `pkcs11-tool` (an RSA 2048
 * and an EC P-256 key, as a signing card has), their certificates issued by the test CA of
 * test/helpers/pki.ts from the public keys read back from the token, and written to the token
 * with the CA certificate, as an Italian signing card carries its issuer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from './pki.ts';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TOKEN_LABEL = 'Firma Anna';
// Letters too: a search of the data folder for it cannot meet it by chance among digits (offsets, hex).
export const TOKEN_PIN = 'pin-Anna-2468';
const SO_PIN = '13579135';

export interface TestToken {
  dir: string;
  /** The softhsm2.conf to put in SOFTHSM2_CONF. */
  conf: string;
  module: string;
  label: string;
  pin: string;
  /** Labels of the certificate objects (and of their keys). */
  rsaKey: string;
  ecKey: string;
  /** Sets flags in SoftHSM2's stored token info (SoftHSM never locks a PIN by itself). */
  setPinFlags(flags: { countLow?: boolean; finalTry?: boolean; locked?: boolean }): void;
  cleanup(): void;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): string {
  return execFileSync(cmd, args, { env, cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * `alwaysAuth`: keys with CKA_ALWAYS_AUTHENTICATE, as on Italian qualified signature cards (the PIN
 * again for each signature, a context-specific login); `name`: another folder, for a second token set.
 */
export function makeSoftHsmToken(pki: TestPki, opts: { days?: number; alwaysAuth?: boolean; name?: string } = {}): TestToken {
  const dir = join(pki.dir, opts.name ?? 'softhsm');
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  run('softhsm2-util', ['--init-token', '--free', '--label', TOKEN_LABEL, '--so-pin', SO_PIN, '--pin', TOKEN_PIN], env, dir);
  const tool = (args: string[]) => run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', TOKEN_LABEL, ...args], env, dir);
  const login = ['--login', '--pin', TOKEN_PIN];
  const keys = [
    { id: '01', label: 'anna-rsa', type: 'rsa:2048' },
    { id: '02', label: 'anna-ec', type: 'EC:prime256v1' },
  ];
  writeFileSync(join(dir, 'signer.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  // Any CSR does: -force_pubkey puts the token's public key in the certificate.
  run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'csr.key', '-out', 'any.csr', '-subj', '/CN=x'], env, dir);
  for (const k of keys) {
    tool([...login, '--keypairgen', '--key-type', k.type, '--id', k.id, '--label', k.label, ...(opts.alwaysAuth ? ['--always-auth'] : [])]);
    tool(['--read-object', '--type', 'pubkey', '--id', k.id, '-o', `${k.label}.pub.der`]);
    run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', `${k.label}.pub.der`, '-out', `${k.label}.pub.pem`], env, dir);
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'any.csr',
        '-force_pubkey',
        `${k.label}.pub.pem`,
        '-subj',
        '/CN=Anna Bianchi/O=Comune di Bagno a Ripoli/C=IT',
        '-CA',
        join(pki.dir, 'ca.pem'),
        '-CAkey',
        join(pki.dir, 'ca.key'),
        '-CAcreateserial',
        '-days',
        String(opts.days ?? 365),
        '-sha256',
        '-extfile',
        'signer.ext',
        '-outform',
        'DER',
        '-out',
        `${k.label}.cert.der`,
      ],
      env,
      dir,
    );
    tool([...login, '--write-object', `${k.label}.cert.der`, '--type', 'cert', '--id', k.id, '--label', k.label]);
  }
  run('openssl', ['x509', '-in', join(pki.dir, 'ca.pem'), '-outform', 'DER', '-out', 'ca.der'], env, dir);
  tool([...login, '--write-object', 'ca.der', '--type', 'cert', '--id', 'ca', '--label', 'Vigilanza Test CA']);

  const tokenFile = () => {
    const sub = readdirSync(tokens)
      .map((d) => join(tokens, d, 'token.object'))
      .find((p) => existsSync(p));
    if (!sub) throw new Error('token.object di SoftHSM2 non trovato');
    return sub;
  };
  return {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    label: TOKEN_LABEL,
    pin: TOKEN_PIN,
    rsaKey: 'anna-rsa',
    ecKey: 'anna-ec',
    setPinFlags(flags) {
      // SoftHSM2's object store keeps the token flags as the vendor attribute CKA_OS_TOKENFLAGS
      // (0x8000534b): { type u64, kind u64 = 2 (unsigned long), value u64 }, big-endian.
      const path = tokenFile();
      const bytes = readFileSync(path);
      const head = Buffer.from('000000008000534b0000000000000002', 'hex');
      const at = bytes.indexOf(head);
      if (at < 0) throw new Error('CKA_OS_TOKENFLAGS non trovato nel token SoftHSM2');
      let value = bytes.readBigUInt64BE(at + head.length);
      const set = (bit: bigint, on: boolean | undefined) => {
        if (on === undefined) return;
        value = on ? value | bit : value & ~bit;
      };
      set(0x10000n, flags.countLow);
      set(0x20000n, flags.finalTry);
      set(0x40000n, flags.locked);
      bytes.writeBigUInt64BE(value, at + head.length);
      writeFileSync(path, bytes);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
