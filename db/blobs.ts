/**
 * Content-addressed files (photos, reports), encrypted at rest: each file is named by the SHA-256
 * of its plaintext under `<data>/blobs/ab/abcdef…` (so equal content is still one file, and the
 * office sync still names it by that hash) and holds the plaintext sealed with the data key
 * (`Cipher.sealBlob`, bound to that name). Written durably: temp file in the same folder, fsync,
 * rename, fsync of the folder, so a crash leaves either no file or the whole file, never a torn one.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { blobLayout, blobSegmentSpan, BLOB_HEADER_BYTES, BLOB_SEGMENT_BYTES, sealedBlobSize, type Cipher } from './crypto.ts';
import { restrictMode, syncFolder, writeNewFileSynced } from './durable.ts';
import { DecryptionError, StoreError } from './errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = '.tmp-';

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Random access to one file's plaintext: what the office upload reads chunk by chunk. */
export interface BlobReader {
  size(): Promise<number>;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class BlobStore {
  constructor(
    readonly dir: string,
    private readonly cipher: Cipher,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    restrictMode(dir, 0o700);
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new StoreError('invalid', `impronta SHA-256 non valida: ${sha256}`, 'sha256');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes (once: equal content is one file) and returns their hash. */
  put(bytes: Uint8Array): { sha256: string; size: number } {
    const sha256 = sha256Of(bytes);
    const target = this.pathOf(sha256);
    if (existsSync(target) && statSync(target).size === sealedBlobSize(bytes.length)) return { sha256, size: bytes.length };
    this.#replaceDurably(target, this.cipher.sealBlob(bytes, sha256));
    return { sha256, size: bytes.length };
  }

  /** The plaintext, authenticated and checked against its name: a changed file is reported, never served. */
  get(sha256: string): Buffer {
    const sealed = this.#readSealed(sha256);
    let bytes: Buffer;
    try {
      bytes = this.cipher.openBlob(sealed, sha256);
    } catch (e) {
      throw integrityError(sha256, e);
    }
    if (sha256Of(bytes) !== sha256) throw integrityError(sha256, new Error("il contenuto non corrisponde all'impronta"));
    return bytes;
  }

  /** Plaintext size, from the sealed file's size (no decryption). */
  size(sha256: string): number {
    const layout = blobLayout(this.#stat(sha256).size);
    if (!layout) throw integrityError(sha256, new Error('lunghezza non valida per un file cifrato'));
    return layout.plainSize;
  }

  /**
   * `length` plaintext bytes from `offset` (fewer at the end), decrypting only the segments that
   * cover them, each authenticated. Offsets are over the plaintext, as the office's uploads count them.
   */
  read(sha256: string, offset: number, length: number): Buffer {
    const path = this.pathOf(sha256);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw missingOr(sha256, e);
    }
    try {
      const layout = blobLayout(fstatSync(fd).size);
      if (!layout) throw new DecryptionError('lunghezza non valida per un file cifrato');
      const end = Math.min(layout.plainSize, offset + length);
      if (offset >= end) return Buffer.alloc(0);
      const open = this.cipher.blobOpener(readExactly(fd, 0, BLOB_HEADER_BYTES), sha256, layout);
      const first = Math.floor(offset / BLOB_SEGMENT_BYTES);
      const last = Math.floor((end - 1) / BLOB_SEGMENT_BYTES);
      const parts: Buffer[] = [];
      for (let i = first; i <= last; i++) {
        const span = blobSegmentSpan(layout, i);
        parts.push(open(i, readExactly(fd, span.offset, span.length)));
      }
      const start = offset - first * BLOB_SEGMENT_BYTES;
      return Buffer.concat(parts).subarray(start, start + (end - offset));
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw integrityError(sha256, e);
    } finally {
      closeSync(fd);
    }
  }

  /** A reader over one file's plaintext for the office upload (which must send what was hashed). */
  reader(sha256: string): BlobReader {
    this.pathOf(sha256);
    return { size: async () => this.size(sha256), read: async (offset, length) => this.read(sha256, offset, length) };
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  /**
   * Data folders from before encryption at rest hold clear files (their bytes hash to their
   * name). Each is sealed into a temp file written and fsynced in full, then renamed over the
   * clear one (atomic), then the folder is fsynced: a crash at any point leaves the clear file
   * or the sealed one, both readable by a next run, which simply carries on. Leftover temp files
   * of an interrupted write are removed. Folder and file modes are narrowed on the way.
   * Returns how many files were sealed.
   */
  sealClearFiles(): number {
    let sealed = 0;
    for (const sub of readdirSync(this.dir, { withFileTypes: true })) {
      if (!sub.isDirectory() || !/^[0-9a-f]{2}$/.test(sub.name)) continue;
      const folder = join(this.dir, sub.name);
      restrictMode(folder, 0o700);
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (name.startsWith(TEMP_PREFIX)) {
          rmSync(path, { force: true });
          continue;
        }
        if (!SHA256.test(name) || name.slice(0, 2) !== sub.name) continue;
        restrictMode(path, 0o600);
        const bytes = readFileSync(path);
        if (sha256Of(bytes) !== name) continue; // sealed already (or damaged: reported when read)
        this.#replaceDurably(path, this.cipher.sealBlob(bytes, name));
        sealed++;
      }
    }
    return sealed;
  }

  #replaceDurably(target: string, bytes: Uint8Array): void {
    const folder = dirname(target);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = join(folder, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      writeNewFileSynced(temp, bytes);
      renameSync(temp, target);
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
    syncFolder(folder);
    syncFolder(this.dir);
  }

  #readSealed(sha256: string): Buffer {
    try {
      return readFileSync(this.pathOf(sha256));
    } catch (e) {
      throw missingOr(sha256, e);
    }
  }

  #stat(sha256: string): { size: number } {
    try {
      return statSync(this.pathOf(sha256));
    } catch (e) {
      throw missingOr(sha256, e);
    }
  }
}

function readExactly(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new DecryptionError('file troncato');
    got += n;
  }
  return buf;
}

function missingOr(sha256: string, e: unknown): unknown {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT')
    return new StoreError('not_found', `file ${sha256.slice(0, 12)}… mancante nella cartella dati`);
  return e;
}

function integrityError(sha256: string, cause: unknown): StoreError {
  const why = (cause as Error)?.message ?? String(cause);
  return new StoreError(
    'integrity',
    `Integrità compromessa: il file ${sha256.slice(0, 12)}… della cartella dati è stato alterato o non è leggibile con questa chiave (${why}); non viene mostrato né inviato.`,
  );
}
