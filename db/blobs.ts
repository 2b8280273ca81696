/**
 * Content-addressed files (photos, reports): each file is named by the SHA-256 of its bytes
 * under `<data>/blobs/ab/abcdef…`. Written durably: temp file in the same folder, fsync, rename,
 * fsync of the folder, so a crash leaves either no file or the whole file, never a torn one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { syncFolder, writeNewFileSynced } from './durable.ts';
import { StoreError } from './errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new StoreError('invalid', `impronta SHA-256 non valida: ${sha256}`, 'sha256');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes (once: equal content is one file) and returns their hash. */
  put(bytes: Uint8Array): { sha256: string; size: number } {
    const sha256 = sha256Of(bytes);
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === bytes.length) return { sha256, size: bytes.length };
    const folder = dirname(target);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = join(folder, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    writeNewFileSynced(temp, bytes);
    try {
      renameSync(temp, target);
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
    syncFolder(folder);
    syncFolder(this.dir);
    return { sha256, size: bytes.length };
  }

  /** The bytes, checked against their name: a changed file is reported, never served. */
  get(sha256: string): Buffer {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.pathOf(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('not_found', `file ${sha256.slice(0, 12)}… mancante nella cartella dati`);
      throw e;
    }
    if (sha256Of(bytes) !== sha256) throw new Error(`file ${sha256.slice(0, 12)}… alterato: il contenuto non corrisponde all'impronta`);
    return bytes;
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }
}
