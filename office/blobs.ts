/**
 * Attachments (signed PDFs, photos), stored by SHA-256 in the data folder:
 *   blobs/ab/abcdef…      complete, verified content (never rewritten)
 *   uploads/<sha>.json    a resumable upload: declared length (written once, fsynced)
 *   uploads/<sha>.part    the bytes received so far; its size is the upload offset
 * The upload id is the declared hash itself, so a laptop that lost the answer to "create"
 * finds its upload again, and two laptops sending the same photo share one upload.
 * Every append is fsynced before the new offset is acknowledged; completion checks the hash,
 * fsyncs, renames into blobs/ and fsyncs the folder, so a crash leaves either the old state
 * or the complete blob, never a half file under a hash name.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export const SHA256_RE = /^[0-9a-f]{64}$/;

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly offset?: number,
  ) {
    super(message);
  }
}

export interface UploadState {
  sha256: string;
  length: number;
  offset: number;
  complete: boolean;
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

export class BlobStore {
  private readonly blobs: string;
  private readonly uploads: string;
  private readonly lock = new KeyedLock();
  /**
   * Running SHA-256 of uploads in progress, so completion does not read the file again. Only a
   * speed-up: after a restart (or when evicted) completion hashes the file from disk.
   */
  private readonly running = new Map<string, { hash: Hash; position: number }>();
  private static readonly MAX_RUNNING = 256;

  constructor(
    dataDir: string,
    readonly maxLength = 200 * 1024 * 1024,
  ) {
    this.blobs = join(dataDir, 'blobs');
    this.uploads = join(dataDir, 'uploads');
    mkdirSync(this.blobs, { recursive: true });
    mkdirSync(this.uploads, { recursive: true });
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

  private meta(sha256: string) {
    return join(this.uploads, `${sha256}.json`);
  }
  private part(sha256: string) {
    return join(this.uploads, `${sha256}.part`);
  }

  /** Creates (or finds) the upload of `sha256`; an already stored blob is complete at once. */
  async create(sha256: string, length: number): Promise<UploadState> {
    if (!SHA256_RE.test(sha256)) throw new UploadError('sha256: serve un hash SHA-256 esadecimale minuscolo (64 caratteri)', 400);
    if (!Number.isSafeInteger(length) || length < 1) throw new UploadError('length: serve un numero intero di byte maggiore di zero', 400);
    if (length > this.maxLength) throw new UploadError(`length: l'allegato supera il limite di ${this.maxLength} byte`, 413);
    return this.lock.run(sha256, async () => {
      const stored = await this.has(sha256);
      if (stored !== null) {
        if (stored !== length) throw new UploadError(`length: il contenuto con questo sha256 è lungo ${stored} byte, non ${length}`, 409);
        return { sha256, length, offset: length, complete: true };
      }
      const existing = await this.readMeta(sha256);
      if (existing) {
        if (existing.length !== length) throw new UploadError(`length: caricamento già aperto con lunghezza ${existing.length}`, 409);
        return { sha256, length, offset: await this.partSize(sha256), complete: false };
      }
      const tmp = `${this.meta(sha256)}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify({ sha256, length }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await writeFile(this.part(sha256), '', { flag: 'a' });
      await rename(tmp, this.meta(sha256));
      await fsyncDir(this.uploads);
      return { sha256, length, offset: 0, complete: false };
    });
  }

  private async readMeta(sha256: string): Promise<{ length: number } | null> {
    try {
      return JSON.parse(await readFile(this.meta(sha256), 'utf8')) as { length: number };
    } catch {
      return null;
    }
  }

  private async partSize(sha256: string): Promise<number> {
    try {
      return (await stat(this.part(sha256))).size;
    } catch {
      return 0;
    }
  }

  async state(sha256: string): Promise<UploadState | null> {
    if (!SHA256_RE.test(sha256)) return null;
    const stored = await this.has(sha256);
    if (stored !== null) return { sha256, length: stored, offset: stored, complete: true };
    const meta = await this.readMeta(sha256);
    if (!meta) return null;
    return { sha256, length: meta.length, offset: Math.min(await this.partSize(sha256), meta.length), complete: false };
  }

  /**
   * Appends the body at `offset` (must equal the current offset). Whatever part of the body
   * arrives before a dropped connection is kept, so the client resumes from there.
   */
  async append(sha256: string, offset: number, body: Readable, maxChunk: number): Promise<UploadState> {
    return this.lock.run(sha256, async () => {
      const current = await this.state(sha256);
      if (!current) {
        body.resume();
        throw new UploadError('caricamento non trovato: crearlo con POST /api/v1/uploads', 404);
      }
      if (current.complete) {
        body.resume();
        return current;
      }
      if (offset !== current.offset) {
        body.resume();
        throw new UploadError(`Upload-Offset: atteso ${current.offset}, ricevuto ${offset}`, 409, current.offset);
      }
      let running = this.running.get(sha256);
      if (!running || running.position !== offset) {
        running = offset === 0 ? { hash: createHash('sha256'), position: 0 } : undefined;
        this.running.delete(sha256);
      }
      if (running) {
        this.running.delete(sha256);
        this.running.set(sha256, running);
        if (this.running.size > BlobStore.MAX_RUNNING) this.running.delete(this.running.keys().next().value!);
      }
      const feed = (buf: Buffer) => {
        if (running) {
          running.hash.update(buf);
          running.position += buf.length;
        }
      };
      const handle = await open(this.part(sha256), 'r+');
      let written = 0;
      let failure: Error | null = null;
      try {
        let position = offset;
        try {
          for await (const chunk of body) {
            const buf = chunk as Buffer;
            const room = current.length - position;
            if (buf.length > room || written + buf.length > maxChunk) {
              failure = new UploadError(buf.length > room ? 'il corpo supera la lunghezza dichiarata' : `un PATCH può portare al massimo ${maxChunk} byte`, 413);
              const keep = Math.max(0, Math.min(room, maxChunk - written));
              if (keep > 0) {
                await handle.write(buf, 0, keep, position);
                feed(buf.subarray(0, keep));
              }
              written += keep;
              position += keep;
              break;
            }
            await handle.write(buf, 0, buf.length, position);
            feed(buf);
            position += buf.length;
            written += buf.length;
          }
        } catch (e) {
          // The connection dropped: keep the prefix that arrived.
          failure = e as Error;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const offsetNow = offset + written;
      if (failure instanceof UploadError) throw new UploadError(failure.message, failure.status, offsetNow);
      // The client went away mid-body: nobody reads this answer, the kept prefix is what matters.
      if (failure) throw new UploadError(`richiesta interrotta dopo ${written} byte`, 400, offsetNow);
      if (offsetNow === current.length) return this.complete(sha256, current.length);
      return { sha256, length: current.length, offset: offsetNow, complete: false };
    });
  }

  /** Verifies the received bytes and moves them under their hash; a mismatch starts the upload over. */
  private async complete(sha256: string, length: number): Promise<UploadState> {
    const part = this.part(sha256);
    const running = this.running.get(sha256);
    this.running.delete(sha256);
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
    await this.install(part, sha256);
    await rm(this.meta(sha256), { force: true });
    return { sha256, length, offset: length, complete: true };
  }

  private async install(source: string, sha256: string): Promise<void> {
    const dir = join(this.blobs, sha256.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const handle: FileHandle = await open(source, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(source, this.blobPath(sha256));
    await fsyncDir(dir);
  }

  /**
   * A plain one-request upload (no resume): streams the body to a temporary file, checks the
   * hash and installs it. Used by scripts and as the baseline of the upload benchmark.
   */
  async putWhole(sha256: string, body: Readable, maxLength = this.maxLength): Promise<{ size: number; created: boolean }> {
    if (!SHA256_RE.test(sha256)) throw new UploadError('sha256: serve un hash SHA-256 esadecimale minuscolo (64 caratteri)', 400);
    const stored = await this.has(sha256);
    if (stored !== null) {
      body.resume();
      return { size: stored, created: false };
    }
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
    await this.lock.run(sha256, async () => {
      if ((await this.has(sha256)) === null) await this.install(tmp, sha256);
      else await rm(tmp, { force: true });
    });
    return { size, created: true };
  }

  read(sha256: string): Readable {
    return createReadStream(this.blobPath(sha256));
  }
}
