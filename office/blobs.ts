/**
 * Attachments (signed PDFs, photos), stored by SHA-256 in the data folder:
 *   blobs/ab/abcdef…               complete, verified content (never rewritten; one copy per content)
 *   uploads/<owner>_<sha>.json     a resumable upload of one laptop: declared length (written once, fsynced)
 *   uploads/<owner>_<sha>.part     the bytes that laptop sent so far; its size is the upload offset
 * An upload belongs to the laptop that opened it (`owner`, its device id) and is named by the
 * declared hash, so a laptop that lost the answer to "create" finds its own upload again. Another
 * laptop's upload, or content stored from another laptop, is invisible: every laptop sends the
 * whole bytes, which are checked against the hash, and then the stored copy is kept (or the
 * first one installed). Storage is deduplicated; what a client is told never is.
 * Every append is fsynced before the new offset is acknowledged; completion checks the hash,
 * fsyncs, renames into blobs/ and fsyncs the folder, so a crash leaves either the old state
 * or the complete blob, never a half file under a hash name.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SHA256_HEX } from '../shared/sync/protocol.ts';

/** The blob id: the shared wire pattern (`shared/sync/protocol.ts`). */
export const SHA256_RE = SHA256_HEX;
/** Device ids are UUIDs; anything else never names a file. */
const OWNER_RE = /^[A-Za-z0-9-]{1,64}$/;
/** Sessions of the version before uploads were per laptop (`uploads/<sha>.json`): dropped at start. */
const SHARED_SESSION_RE = /^[0-9a-f]{64}\.(json|part|json\.tmp)$/;

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** The same answer for an upload that never existed and for another laptop's. */
const UPLOAD_NOT_FOUND = 'caricamento non trovato: crearlo con POST /api/v1/uploads';

export interface UploadState {
  sha256: string;
  length: number;
  offset: number;
  complete: boolean;
}

/** Bytes gathered from a request body before one write to disk. */
const WRITE_BATCH = 1024 * 1024;

/** Writes all of `buffers` at `position` (a vectored write may write fewer bytes than asked). */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let done = (await handle.writev(buffers, position)).bytesWritten;
  if (done === total) return;
  const rest = Buffer.concat(buffers).subarray(done);
  while (done < total) done += (await handle.write(rest, done - (total - rest.length), total - done, position + done)).bytesWritten;
}

/** Serialises work per key (appends to one upload must not interleave). */
class KeyedLock {
  private tails = new Map<string, Promise<unknown>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface BlobStoreOptions {
  maxLength?: number;
  /**
   * Called once the bytes a laptop sent have been verified and the content is stored, before its
   * upload is forgotten: the office records that this laptop holds the content. If the call fails
   * the laptop uploads again (its upload restarts at 0).
   */
  onVerified?: (sha256: string, owner: string) => Promise<void>;
  /** Whether the office recorded that `owner` holds the content (it sent the bytes, or owns a visit that has them). */
  holds?: (sha256: string, owner: string) => Promise<boolean>;
}

export class BlobStore {
  private readonly blobs: string;
  private readonly uploads: string;
  readonly maxLength: number;
  private readonly onVerified: (sha256: string, owner: string) => Promise<void>;
  private readonly holds: (sha256: string, owner: string) => Promise<boolean>;
  private readonly lock = new KeyedLock();
  /**
   * Running SHA-256 of uploads in progress, so completion does not read the file again. Only a
   * speed-up: after a restart (or when evicted) completion hashes the file from disk.
   */
  private readonly running = new Map<string, { hash: Hash; position: number }>();
  private static readonly MAX_RUNNING = 256;

  constructor(dataDir: string, options: BlobStoreOptions = {}) {
    this.blobs = join(dataDir, 'blobs');
    this.uploads = join(dataDir, 'uploads');
    this.maxLength = options.maxLength ?? 200 * 1024 * 1024;
    this.onVerified = options.onVerified ?? (async () => undefined);
    this.holds = options.holds ?? (async () => false);
    mkdirSync(this.blobs, { recursive: true });
    mkdirSync(this.uploads, { recursive: true });
    // Shared uploads from before could be joined by any laptop: they start over, per laptop.
    for (const name of readdirSync(this.uploads)) if (SHARED_SESSION_RE.test(name)) rmSync(join(this.uploads, name), { force: true });
  }

  blobPath(sha256: string): string {
    return join(this.blobs, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.blobPath(sha256))).size;
    } catch {
      return null;
    }
  }

  /** The size of stored content `owner` may use; null when it is not stored or not theirs to use. */
  async heldSize(owner: string, sha256: string): Promise<number | null> {
    const size = await this.has(sha256);
    return size !== null && (await this.holds(sha256, owner)) ? size : null;
  }

  private session(owner: string, sha256: string): string {
    if (!OWNER_RE.test(owner)) throw new Error(`identificativo del dispositivo non valido: ${owner}`);
    return `${owner}_${sha256}`;
  }
  private meta(key: string) {
    return join(this.uploads, `${key}.json`);
  }
  private part(key: string) {
    return join(this.uploads, `${key}.part`);
  }

  /**
   * Opens (or finds) `owner`'s upload of `sha256`. Whether the content is already stored is not
   * looked at: a laptop that has not sent these bytes itself sends them, from 0.
   */
  async create(owner: string, sha256: string, length: number): Promise<UploadState & { created: boolean }> {
    if (!SHA256_RE.test(sha256)) throw new UploadError('sha256: serve un hash SHA-256 esadecimale minuscolo (64 caratteri)', 400);
    if (!Number.isSafeInteger(length) || length < 1) throw new UploadError('length: serve un numero intero di byte maggiore di zero', 400);
    if (length > this.maxLength) throw new UploadError(`length: l'allegato supera il limite di ${this.maxLength} byte`, 413);
    const key = this.session(owner, sha256);
    return this.lock.run(key, async () => {
      const existing = await this.readMeta(key);
      if (existing) {
        if (existing.length !== length) throw new UploadError(`length: caricamento già aperto con lunghezza ${existing.length}`, 409);
        return { sha256, length, offset: await this.partSize(key), complete: false, created: false };
      }
      const tmp = `${this.meta(key)}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify({ sha256, length }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await writeFile(this.part(key), '', { flag: 'a' });
      await rename(tmp, this.meta(key));
      await fsyncDir(this.uploads);
      return { sha256, length, offset: 0, complete: false, created: true };
    });
  }

  private async readMeta(key: string): Promise<{ length: number } | null> {
    try {
      return JSON.parse(await readFile(this.meta(key), 'utf8')) as { length: number };
    } catch {
      return null;
    }
  }

  private async partSize(key: string): Promise<number> {
    try {
      return (await stat(this.part(key))).size;
    } catch {
      return 0;
    }
  }

  /** `owner`'s upload of `sha256` in progress, or null (none, or finished: then the office knows it holds it). */
  async state(owner: string, sha256: string): Promise<UploadState | null> {
    if (!SHA256_RE.test(sha256)) return null;
    const key = this.session(owner, sha256);
    const meta = await this.readMeta(key);
    if (!meta) return null;
    return { sha256, length: meta.length, offset: Math.min(await this.partSize(key), meta.length), complete: false };
  }

  /**
   * Appends the body at `offset` (must equal the current offset). Whatever part of the body
   * arrives before a dropped connection is kept, so the client resumes from there.
   */
  async append(owner: string, sha256: string, offset: number, body: Readable, maxChunk: number): Promise<UploadState> {
    if (!SHA256_RE.test(sha256)) {
      body.resume();
      throw new UploadError(UPLOAD_NOT_FOUND, 404);
    }
    const key = this.session(owner, sha256);
    return this.lock.run(key, async () => {
      const current = await this.state(owner, sha256);
      if (!current) {
        body.resume();
        throw new UploadError(UPLOAD_NOT_FOUND, 404);
      }
      if (offset !== current.offset) {
        body.resume();
        throw new UploadError(`Upload-Offset: atteso ${current.offset}, ricevuto ${offset}`, 409, current.offset);
      }
      let running = this.running.get(key);
      if (!running || running.position !== offset) {
        running = offset === 0 ? { hash: createHash('sha256'), position: 0 } : undefined;
        this.running.delete(key);
      }
      if (running) {
        this.running.delete(key);
        this.running.set(key, running);
        if (this.running.size > BlobStore.MAX_RUNNING) this.running.delete(this.running.keys().next().value!);
      }
      const feed = (buf: Buffer) => {
        if (running) {
          running.hash.update(buf);
          running.position += buf.length;
        }
      };
      // 'a+' would ignore the position; 'r+' needs the file, which a crash after completion may have taken away.
      const handle = await open(this.part(key), offset === 0 ? 'w' : 'r+');
      // Bytes on disk (`written`) and taken from the body but not yet written (`pending`): the
      // body comes in pieces of ~64 KiB, and one write per piece costs a thread-pool round trip
      // each; gathered into WRITE_BATCH, a 4 MiB PATCH is 4 writes instead of 64.
      let written = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (pendingBytes === 0) return;
        await writeAll(handle, pending, offset + written);
        written += pendingBytes;
        pending = [];
        pendingBytes = 0;
      };
      let failure: Error | null = null;
      try {
        try {
          for await (const chunk of body) {
            const buf = chunk as Buffer;
            const taken = written + pendingBytes;
            const room = current.length - offset - taken;
            const tooBig = buf.length > room || taken + buf.length > maxChunk;
            const keep = tooBig ? Math.max(0, Math.min(room, maxChunk - taken)) : buf.length;
            if (keep > 0) {
              pending.push(buf.subarray(0, keep));
              pendingBytes += keep;
              feed(buf.subarray(0, keep));
            }
            if (tooBig) {
              failure = new UploadError(
                buf.length > room ? 'il corpo supera la lunghezza dichiarata' : `un PATCH può portare al massimo ${maxChunk} byte`,
                413,
              );
              break;
            }
            if (pendingBytes >= WRITE_BATCH) await flush();
          }
        } catch (e) {
          // The connection dropped: keep the prefix that arrived.
          failure = e as Error;
        }
        await flush();
        await handle.sync();
      } finally {
        await handle.close();
      }
      const offsetNow = offset + written;
      if (failure instanceof UploadError) throw new UploadError(failure.message, failure.status, offsetNow);
      // The client went away mid-body: nobody reads this answer, the kept prefix is what matters.
      if (failure) throw new UploadError(`richiesta interrotta dopo ${written} byte`, 400, offsetNow);
      if (offsetNow === current.length) return this.complete(owner, sha256, current.length);
      return { sha256, length: current.length, offset: offsetNow, complete: false };
    });
  }

  /**
   * Verifies the received bytes; the content is then stored (or the copy already stored kept),
   * the office told that this laptop holds it, and the upload forgotten. A mismatch starts it over.
   */
  private async complete(owner: string, sha256: string, length: number): Promise<UploadState> {
    const key = this.session(owner, sha256);
    const part = this.part(key);
    const running = this.running.get(key);
    this.running.delete(key);
    let actual: string;
    if (running && running.position === length) actual = running.hash.digest('hex');
    else {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);
      actual = hash.digest('hex');
    }
    if (actual !== sha256) {
      await writeFile(part, '');
      throw new UploadError(`sha256: il contenuto ricevuto ha hash ${actual}, non quello dichiarato; caricamento azzerato`, 422, 0);
    }
    // The last append fsynced the part before calling here: no second fsync of the same bytes.
    await this.keep(part, sha256, true);
    await this.onVerified(sha256, owner);
    await rm(this.meta(key), { force: true });
    return { sha256, length, offset: length, complete: true };
  }

  /** Installs verified bytes under their hash, or drops them when that content is stored already. */
  private async keep(source: string, sha256: string, synced = false): Promise<void> {
    await this.lock.run(`blob:${sha256}`, async () => {
      if ((await this.has(sha256)) === null) await this.install(source, sha256, synced);
      else await rm(source, { force: true });
    });
  }

  private async install(source: string, sha256: string, synced: boolean): Promise<void> {
    const dir = join(this.blobs, sha256.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    if (!synced) {
      const handle: FileHandle = await open(source, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(source, this.blobPath(sha256));
    await fsyncDir(dir);
  }

  /**
   * A plain one-request upload (no resume): streams the body to a temporary file, checks the
   * hash and keeps the content (once). Always reads and checks the whole body, stored or not.
   * Used by scripts and as the baseline of the upload benchmark.
   */
  async putWhole(owner: string, sha256: string, body: Readable, maxLength = this.maxLength): Promise<{ size: number }> {
    if (!SHA256_RE.test(sha256)) throw new UploadError('sha256: serve un hash SHA-256 esadecimale minuscolo (64 caratteri)', 400);
    this.session(owner, sha256);
    const tmp = join(this.uploads, `${sha256}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.whole`);
    const handle = await open(tmp, 'w');
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > maxLength) throw new UploadError(`l'allegato supera il limite di ${maxLength} byte`, 413);
        hash.update(buf);
        await handle.write(buf);
      }
    } catch (e) {
      await handle.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await handle.close();
    const actual = hash.digest('hex');
    if (actual !== sha256) {
      await rm(tmp, { force: true });
      throw new UploadError(`sha256: il contenuto ricevuto ha hash ${actual}, non quello dichiarato`, 422);
    }
    await this.keep(tmp, sha256);
    await this.onVerified(sha256, owner);
    return { size };
  }

  /** Bytes the office made itself (a report's long-term version): stored under their hash, fsynced; returns it. */
  async putBytes(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const tmp = join(this.uploads, `${sha256}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.made`);
    await writeFile(tmp, bytes);
    await this.keep(tmp, sha256);
    return sha256;
  }

  read(sha256: string): Readable {
    return createReadStream(this.blobPath(sha256));
  }
}
