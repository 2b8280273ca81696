/**
 * The browser shell's key provider: 32 random bytes in `<data>/vigilanza.key`, mode 0600.
 * (The desktop build wraps the key with Electron safeStorage instead: electron/main/key-provider.ts.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KEY_BYTES, type KeyProvider } from '../db/crypto.ts';
import { syncFolder, writeNewFileSynced } from '../db/durable.ts';
import { DB_FILE } from '../db/files.ts';

export type { KeyProvider } from '../db/crypto.ts';
export const KEY_FILE = 'vigilanza.key';

export interface FileKeyOptions {
  /**
   * Create the key when the file is missing. Only for a new data folder: a database whose key
   * went missing must fail clearly, not be "repaired" with a new key that reads nothing.
   */
  create: boolean;
}

/** No database yet: a key provider may create a key (and only then). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, DB_FILE));
}

export function fileKeyProvider(dataDir: string, options: FileKeyOptions): KeyProvider {
  const path = join(dataDir, KEY_FILE);
  return {
    description: `file chiave ${path}`,
    getKey() {
      if (!existsSync(path)) {
        if (!options.create)
          throw new Error(
            `manca il file chiave ${path}: senza la chiave i dati del personale di questo database non si possono leggere. Ripristinarlo dal backup.`,
          );
        return createKey(path);
      }
      if (process.platform !== 'win32') {
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077)
          throw new Error(
            `il file chiave ${path} è accessibile ad altri utenti (permessi ${mode.toString(8)}): eseguire "chmod 600 ${path}"`,
          );
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
 * Writes a new secret file atomically: a 0600 temp file in the same folder (never widened),
 * written in full and fsynced, then hard-linked to its name (which, unlike rename, fails if the
 * file appeared meanwhile rather than overwrite someone's key), then the folder is fsynced so the
 * name survives a power cut as surely as the database written with it. A crash leaves either no
 * key or the whole key, never an empty or torn file at the key's name. Also used by Electron.
 */
export function writeSecretFile(path: string, bytes: Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    writeNewFileSynced(temp, bytes);
    try {
      linkSync(temp, path);
    } catch (e) {
      // Folders without hard links (exFAT, some shares): rename, after checking nothing is there.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || existsSync(path)) throw e;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
      renameSync(temp, path);
    }
  } finally {
    rmSync(temp, { force: true });
  }
  syncFolder(dirname(path));
}
