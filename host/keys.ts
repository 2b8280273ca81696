/**
 * The browser shell's key provider: 32 random bytes in `<data>/vigilanza.key`, mode 0600.
 * (The desktop build wraps the key with Electron safeStorage instead: electron/main/key-provider.ts.)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES, type KeyProvider } from '../db/crypto.ts';

export type { KeyProvider } from '../db/crypto.ts';
export const KEY_FILE = 'vigilanza.key';

export interface FileKeyOptions {
  /**
   * Create the key when the file is missing. Only for a new data folder: a database whose key
   * went missing must fail clearly, not be "repaired" with a new key that reads nothing.
   */
  create: boolean;
}

export function fileKeyProvider(dataDir: string, options: FileKeyOptions): KeyProvider {
  const path = join(dataDir, KEY_FILE);
  return {
    description: `file chiave ${path}`,
    getKey() {
      if (!existsSync(path)) {
        if (!options.create)
          throw new Error(`manca il file chiave ${path}: senza la chiave i dati del personale di questo database non si possono leggere. Ripristinarlo dal backup.`);
        return createKey(path);
      }
      if (process.platform !== 'win32') {
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077)
          throw new Error(`il file chiave ${path} è accessibile ad altri utenti (permessi ${mode.toString(8)}): eseguire "chmod 600 ${path}"`);
      }
      const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`il file chiave ${path} non contiene una chiave valida (${KEY_BYTES} byte in base64)`);
      return key;
    },
  };
}

function createKey(path: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  writeSecretFile(path, Buffer.from(`${key.toString('base64')}\n`));
  return key;
}

/**
 * Writes a new secret file: 0600 from the start (never widened), fsynced; 'wx' fails if the
 * file appeared meanwhile rather than overwrite someone's key. Also used by the Electron shell.
 */
export function writeSecretFile(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
