/**
 * The office's resumable upload storage (office/blobs.ts) on real files: a body cut mid-PATCH
 * keeps the prefix that arrived (written in batches, so nothing may stay behind in memory), and
 * the hash is checked at completion whether the running hash covers the file or the store was
 * restarted between PATCHes (a new BlobStore on the same folder: the running hash is gone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore, UploadError } from '../../office/blobs.ts';

const OWNER = '3f2b8c1e-5d4a-4b6f-9e0a-1c2d3e4f5a6b';
const MAX_PATCH = 8 * 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `bytes` in the ~64 KiB pieces an HTTP body arrives in; fails after `cutAfter` bytes when given. */
function body(bytes: Buffer, cutAfter = Infinity): Readable {
  return Readable.from(
    (function* () {
      for (let o = 0; o < bytes.length; o += 65536) {
        if (o >= cutAfter) throw new Error('connessione chiusa dal client');
        yield bytes.subarray(o, Math.min(o + 65536, bytes.length));
      }
    })(),
  );
}

async function refused(p: Promise<unknown>): Promise<UploadError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UploadError, String(e));
    return e;
  }
  assert.fail('expected an UploadError');
}

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigilanza-blobs-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a PATCH cut mid-body keeps the bytes that arrived; the resumed upload ends with the right content',
  withDir(async (dir) => {
    const store = new BlobStore(dir);
    const bytes = randomBytes(5 * 1024 * 1024 + 12345);
    await store.create(OWNER, sha256(bytes), bytes.length);
    // 2.5 MiB arrive (more than one write batch, not a multiple of it), then the connection drops.
    const cut = 2.5 * 1024 * 1024;
    const e = await refused(store.append(OWNER, sha256(bytes), 0, body(bytes, cut), MAX_PATCH));
    assert.equal(e.offset, cut);
    assert.equal((await store.state(OWNER, sha256(bytes)))?.offset, cut, 'the kept prefix is on disk');
    const done = await store.append(OWNER, sha256(bytes), cut, body(bytes.subarray(cut)), MAX_PATCH);
    assert.equal(done.complete, true);
    assert.ok(readFileSync(store.blobPath(sha256(bytes))).equals(bytes), 'stored byte-identical');
  }),
);

test(
  'after a cut, bytes that do not match the declared hash are refused and the upload starts over',
  withDir(async (dir) => {
    const store = new BlobStore(dir);
    const bytes = randomBytes(3 * 1024 * 1024);
    await store.create(OWNER, sha256(bytes), bytes.length);
    const cut = 1024 * 1024 + 65536;
    await refused(store.append(OWNER, sha256(bytes), 0, body(bytes, cut), MAX_PATCH));
    const tampered = Buffer.from(bytes.subarray(cut));
    tampered[tampered.length - 1]! ^= 1;
    const e = await refused(store.append(OWNER, sha256(bytes), cut, body(tampered), MAX_PATCH));
    assert.equal(e.status, 422);
    assert.equal(e.offset, 0);
    assert.equal(await store.has(sha256(bytes)), null, 'nothing stored under the hash');
  }),
);

test(
  'a completion without the running hash (store restarted between PATCHes) still checks the hash',
  withDir(async (dir) => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const half = bytes.length / 2;
    const first = new BlobStore(dir);
    await first.create(OWNER, sha256(bytes), bytes.length);
    await first.append(OWNER, sha256(bytes), 0, body(bytes.subarray(0, half)), MAX_PATCH);

    // A restart, and the first half on disk altered behind the server's back: only a re-hash of the file sees it.
    const part = join(dir, 'uploads', `${OWNER}_${sha256(bytes)}.part`);
    const onDisk = readFileSync(part);
    onDisk[0]! ^= 1;
    writeFileSync(part, onDisk);
    const restarted = new BlobStore(dir);
    const e = await refused(restarted.append(OWNER, sha256(bytes), half, body(bytes.subarray(half)), MAX_PATCH));
    assert.equal(e.status, 422);

    // Sent again from 0, unaltered, across another restart: verified from disk and stored.
    await restarted.append(OWNER, sha256(bytes), 0, body(bytes.subarray(0, half)), MAX_PATCH);
    const done = await new BlobStore(dir).append(OWNER, sha256(bytes), half, body(bytes.subarray(half)), MAX_PATCH);
    assert.equal(done.complete, true);
    assert.ok(readFileSync(join(dir, 'blobs', sha256(bytes).slice(0, 2), sha256(bytes))).equals(bytes));
  }),
);
