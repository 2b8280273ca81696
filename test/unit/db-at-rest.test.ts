/**
 * Personal data at rest on the laptop: photos, reports and signatories' names are encrypted in
 * the real data folder's files, read back in clear through the app, and the files are owner-only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobStore, sha256Of } from '../../db/blobs.ts';
import { BLOB_SEGMENT_BYTES, Cipher } from '../../db/crypto.ts';
import { StoreError } from '../../db/errors.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { openDatabase } from '../../db/open.ts';
import { BLOBS_DIR, DB_FILE, Store } from '../../db/store.ts';
import { consistentSealedFile, memoryKey, openStore, openTestApp, SERVICE, tempDir } from './db-fixtures.ts';

const STAFF = 'Ermenegilda Scarpellini';
const SIGNER = 'Gualtiero Benvenuti';
const REPORT_TEXT = 'Verbale di visita: presente Ermenegilda Scarpellini, firmato da Gualtiero Benvenuti';

/** Every regular file under `dir`, recursively (database, WAL, SHM, blobs, key). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function assertNowhere(dir: string, needles: Record<string, Buffer>): void {
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const [what, needle] of Object.entries(needles)) assert.equal(bytes.includes(needle), false, `${what} in clear in ${file}`);
  }
}

function visit(store: Store) {
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const staff = store.staff.save({
    serviceId: s.id,
    name: STAFF,
    role: 'educatore',
    title: null,
    titleObtainedOn: null,
    pathStartedOn: null,
    trainings: [],
    active: true,
  });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  return { service: s, staff, inspection: i };
}

const photoBytes = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200_000), Buffer.from([0xff, 0xd9])]);

test('photos, reports and signatories are not in any file of the data folder in clear; the app reads them back', (t) => {
  const dir = tempDir(t);
  const key = memoryKey();
  const store = Store.open(dir, { keyProvider: key });
  const { staff, inspection } = visit(store);
  const photo = photoBytes();
  const p = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/jpeg', caption: 'cucina', bytes: photo });
  const strokes = [
    [
      [10, 20],
      [30, 40],
    ],
  ] as Array<Array<[number, number]>>;
  store.inspections.seal(inspection.id, {
    signatures: [{ signatory: 'pedagogista', name: SIGNER, strokes }],
    ...consistentSealedFile({ date: '2026-03-10', purpose: 'verifica_periodica' }, { staff: [STAFF] }),
  });
  const report = Buffer.from(`%PDF-1.7\n${REPORT_TEXT}\n%%EOF\n`);
  const att = store.attachments.add({
    inspectionId: inspection.id,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: report,
  });
  store.close();

  assertNowhere(dir, {
    'staff name': Buffer.from(STAFF),
    'signatory name': Buffer.from(SIGNER),
    'signatory surname': Buffer.from('Benvenuti'),
    'report text': Buffer.from('Verbale di visita'),
    'photo bytes': photo.subarray(1000, 1064),
    'photo start': photo.subarray(0, 32),
  });
  // Still content-addressed by the plaintext: the file's name is the photo's SHA-256.
  assert.ok(existsSync(join(dir, BLOBS_DIR, p.sha256.slice(0, 2), p.sha256)));
  assert.equal(p.sha256, sha256Of(photo));

  const again = Store.open(dir, { keyProvider: key });
  t.after(() => again.close());
  assert.deepEqual(again.photos.bytes(p.id).bytes, photo);
  assert.deepEqual(again.attachments.bytes(att.id).bytes, report);
  assert.deepEqual(again.inspections.content(inspection.id).signatures, [{ signatory: 'pedagogista', name: SIGNER, strokes }]);
  assert.equal(again.staff.get(staff.id).name, STAFF);
});

test('equal content is one file, named by its plaintext hash; ranges read back exactly across segments', (t) => {
  const key = randomBytes(32);
  const store = openStore(t, tempDir(t), memoryKey(key));
  const { inspection } = visit(store);
  const bytes = randomBytes(3 * BLOB_SEGMENT_BYTES + 123);
  const a = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/png', caption: '', bytes });
  const folder = join(store.dataDir, BLOBS_DIR, a.sha256.slice(0, 2));
  const before = readFileSync(join(folder, a.sha256));
  const b = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/png', caption: 'la stessa', bytes });
  assert.equal(b.sha256, a.sha256);
  assert.deepEqual(readdirSync(folder), [a.sha256], 'one file, no temp left');
  assert.deepEqual(readFileSync(join(folder, a.sha256)), before, 'not rewritten (the nonce would differ)');

  const blobs = new BlobStore(join(store.dataDir, BLOBS_DIR), new Cipher(key));
  assert.equal(blobs.size(a.sha256), bytes.length);
  for (const [offset, length] of [
    [0, 10],
    [BLOB_SEGMENT_BYTES - 5, 10],
    [BLOB_SEGMENT_BYTES, BLOB_SEGMENT_BYTES],
    [100, 2 * BLOB_SEGMENT_BYTES + 7],
    [bytes.length - 3, 100],
    [bytes.length, 10],
  ] as const)
    assert.deepEqual(blobs.read(a.sha256, offset, length), bytes.subarray(offset, offset + length), `range ${offset}+${length}`);
});

test('a flipped byte, a truncated file or another blob under this name is an integrity error, never served', (t) => {
  const app = openTestApp(t);
  const store = app.store;
  const { inspection } = visit(store);
  const one = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/jpeg', caption: '', bytes: photoBytes() });
  const two = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/jpeg', caption: '', bytes: photoBytes() });
  const path = (sha: string) => join(store.dataDir, BLOBS_DIR, sha.slice(0, 2), sha);
  const integrity = (e: unknown) => e instanceof StoreError && e.code === 'integrity' && /^Integrità compromessa: /.test(e.message);

  const original = readFileSync(path(one.sha256));
  for (const at of [0, 10, 5000, original.length - 1]) {
    const flipped = Buffer.from(original);
    flipped[at] = flipped[at]! ^ 0x01;
    writeFileSync(path(one.sha256), flipped);
    assert.throws(() => store.photos.bytes(one.id), integrity, `byte ${at}`);
  }
  writeFileSync(path(one.sha256), original.subarray(0, original.length - 20));
  assert.throws(() => store.photos.bytes(one.id), integrity, 'truncated');
  writeFileSync(path(one.sha256), readFileSync(path(two.sha256)));
  assert.throws(() => store.photos.bytes(one.id), integrity, "another photo's file copied over this name");
  // Through the API: the error code the UI shows, with the Italian message.
  const r = app.dispatch('photos.get', { id: one.id });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.code, 'integrity');
  assert.match(!r.ok ? r.error.message : '', /Integrità compromessa/);
  writeFileSync(path(one.sha256), original);
  assert.equal(store.photos.bytes(one.id).bytes.length, 200_006, 'the original file reads again');
});

/** A data folder as the code before 007 left it: clear blob files, clear signatory names, 0644 files. */
function oldFolder(dir: string, key: Buffer<ArrayBuffer>): { photos: Buffer[]; inspectionId: string; sealedId: string } {
  const store = Store.open(dir, { keyProvider: memoryKey(key), migrations: MIGRATIONS.slice(0, 6) });
  // Today's repositories read 009's demo column and 011's place and times: lent to the old schema while its rows are made, dropped before closing.
  const lent = ['place', 'start_time', 'end_time'];
  store.db.exec(
    'ALTER TABLE services ADD COLUMN demo INTEGER NOT NULL DEFAULT 0; ALTER TABLE inspections ADD COLUMN demo INTEGER NOT NULL DEFAULT 0',
  );
  for (const c of lent) store.db.exec(`ALTER TABLE inspections ADD COLUMN ${c} TEXT`);
  const { inspection, service } = visit(store);
  const sealed = store.inspections.create({
    serviceId: service.id,
    purpose: 'autorizzazione',
    date: '2026-03-11',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const photos = [photoBytes(), photoBytes(), photoBytes()];
  photos.forEach((bytes, n) => {
    const sha = sha256Of(bytes);
    mkdirSync(join(dir, BLOBS_DIR, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, BLOBS_DIR, sha.slice(0, 2), sha), bytes, { mode: 0o644 });
    store.db
      .prepare(
        "INSERT INTO photos (id, inspection_id, sha256, item_id, mime, size, caption, created_at) VALUES (?, ?, ?, NULL, 'image/jpeg', ?, '', '2026-03-10')",
      )
      .run(`p${n}`, inspection.id, sha, bytes.length);
  });
  // 001's signature rows held the name and strokes as text.
  const sign = store.db.prepare(
    "INSERT INTO signatures (inspection_id, signatory, name, strokes) VALUES (?, 'pedagogista', ?, '[[[1,2]]]')",
  );
  sign.run(inspection.id, SIGNER);
  sign.run(sealed.id, SIGNER);
  const file = consistentSealedFile({ date: '2026-03-11', purpose: 'autorizzazione' });
  store.db
    .prepare(
      "UPDATE inspections SET status = 'sealed', content_hash = ?, sealed_file = ?, sealed_at = '2026-03-11', updated_at = '2026-03-11' WHERE id = ?",
    )
    .run(file.contentHash, new Cipher(key).seal(file.canonicalFile, `sealed:${sealed.id}`), sealed.id);
  store.db.exec('ALTER TABLE services DROP COLUMN demo; ALTER TABLE inspections DROP COLUMN demo');
  for (const c of lent) store.db.exec(`ALTER TABLE inspections DROP COLUMN ${c}`);
  store.close();
  chmodSync(join(dir, DB_FILE), 0o644);
  return { photos, inspectionId: inspection.id, sealedId: sealed.id };
}

test('an old data folder is upgraded: clear files sealed, signatories encrypted, modes narrowed; all still reads', (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  const old = oldFolder(dir, key);
  assert.ok(readFileSync(join(dir, DB_FILE)).includes(Buffer.from(SIGNER)), 'the old folder really holds the name in clear');

  const store = Store.open(dir, { keyProvider: memoryKey(key) });
  t.after(() => store.close());
  for (const [n, bytes] of old.photos.entries()) assert.deepEqual(store.photos.bytes(`p${n}`).bytes, bytes);
  for (const id of [old.inspectionId, old.sealedId])
    assert.deepEqual(store.inspections.content(id).signatures, [{ signatory: 'pedagogista', name: SIGNER, strokes: [[[1, 2]]] }]);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  assertNowhere(dir, {
    'signatory name': Buffer.from(SIGNER),
    ...Object.fromEntries(old.photos.map((p, n) => [`photo ${n}`, p.subarray(500, 564)])),
  });
  assert.equal(statSync(join(dir, DB_FILE)).mode & 0o777, 0o600);
  for (const p of old.photos) assert.equal(statSync(join(dir, BLOBS_DIR, sha256Of(p).slice(0, 2), sha256Of(p))).mode & 0o777, 0o600);
  assert.equal(store.db.prepare("SELECT 1 FROM meta WHERE key = 'blobs_clear_pending'").get(), undefined, 'the pass finished');
  assert.throws(
    () => store.db.prepare("UPDATE signatures SET name = x'00' WHERE inspection_id = ?").run(old.sealedId),
    /ispezione sigillata/,
    'triggers recreated',
  );
});

test('an upgrade interrupted mid-way (crash after some files, a temp file left) resumes and finishes at the next open', (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  const old = oldFolder(dir, key);
  // The first run dies while sealing the second file, after writing part of its temp copy.
  const seal = Cipher.prototype.sealBlob;
  let calls = 0;
  Cipher.prototype.sealBlob = function (this: Cipher, plaintext, name) {
    if (++calls === 2) {
      writeFileSync(join(dir, BLOBS_DIR, name.slice(0, 2), `.tmp-99999-${'0'.repeat(12)}`), plaintext.subarray(0, 100));
      throw new Error('corrente mancata');
    }
    return seal.call(this, plaintext, name);
  };
  try {
    assert.throws(() => Store.open(dir, { keyProvider: memoryKey(key) }), /corrente mancata/);
  } finally {
    Cipher.prototype.sealBlob = seal;
  }
  const raw = (p: Buffer): Buffer => readFileSync(join(dir, BLOBS_DIR, sha256Of(p).slice(0, 2), sha256Of(p)));
  const clearLeft = old.photos.filter((p) => raw(p).equals(p)).length;
  assert.ok(clearLeft >= 1 && clearLeft < old.photos.length, `some files sealed, some still clear (${clearLeft} clear)`);

  const store = Store.open(dir, { keyProvider: memoryKey(key) });
  for (const [n, bytes] of old.photos.entries()) {
    assert.deepEqual(store.photos.bytes(`p${n}`).bytes, bytes);
    assert.equal(raw(bytes).includes(bytes.subarray(500, 564)), false, `photo ${n} sealed`);
  }
  const leftovers = filesUnder(join(dir, BLOBS_DIR)).filter((f) => f.includes('.tmp-'));
  assert.deepEqual(leftovers, [], 'the torn temp file is gone');
  store.close();
  // Idempotent: a further open changes no file.
  const snapshot = old.photos.map(raw);
  Store.open(dir, { keyProvider: memoryKey(key) }).close();
  assert.deepEqual(old.photos.map(raw), snapshot);
});

test('database, WAL, SHM, blobs and their folders are owner-only whatever the umask', (t) => {
  for (const umask of [0o022, 0o000]) {
    const previous = process.umask(umask);
    try {
      const base = tempDir(t);
      const dir = join(base, 'dati');
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755); // a folder someone made by hand
      const store = Store.open(dir, { keyProvider: memoryKey() });
      const { inspection } = visit(store);
      const p = store.photos.add({ inspectionId: inspection.id, itemId: null, mime: 'image/jpeg', caption: '', bytes: photoBytes() });
      const db = join(dir, DB_FILE);
      assert.ok(existsSync(`${db}-wal`) && existsSync(`${db}-shm`), 'WAL and SHM exist while open');
      const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
      const where = `umask ${umask.toString(8)}`;
      assert.equal(mode(dir), '700', `data folder, ${where}`);
      for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(mode(f), '600', `${f}, ${where}`);
      assert.equal(mode(join(dir, BLOBS_DIR)), '700');
      assert.equal(mode(join(dir, BLOBS_DIR, p.sha256.slice(0, 2))), '700');
      assert.equal(mode(join(dir, BLOBS_DIR, p.sha256.slice(0, 2), p.sha256)), '600');
      store.close();
    } finally {
      process.umask(previous);
    }
  }
  // WAL/SHM left behind at 0644 (by a crash of an older version) are narrowed at open.
  const dir = tempDir(t);
  openDatabase(join(dir, DB_FILE)).close();
  for (const s of ['', '-wal', '-shm']) {
    closeSync(openSync(join(dir, DB_FILE + s), 'a'));
    chmodSync(join(dir, DB_FILE + s), 0o644);
  }
  const db = openDatabase(join(dir, DB_FILE));
  t.after(() => db.close());
  for (const s of ['', '-wal', '-shm']) assert.equal(statSync(join(dir, DB_FILE + s)).mode & 0o777, 0o600, `${DB_FILE}${s}`);
});
