import assert from 'node:assert/strict';
import fs, { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../db/store.ts';
import { isNewDataDir, openApp } from '../../host/app.ts';
import { fileKeyProvider, KEY_FILE, writeSecretFile } from '../../host/keys.ts';
import { tempDir } from './db-fixtures.ts';

const posix = process.platform !== 'win32';

test('the key file is created once, 0600, and read back the same', { skip: !posix && 'permessi POSIX' }, (t) => {
  const dir = tempDir(t);
  const key = fileKeyProvider(dir, { create: true }).getKey();
  assert.equal(key.length, 32);
  assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
  assert.deepEqual(fileKeyProvider(dir, { create: false }).getKey(), key);
});

test('a key file readable by others is refused with the fix in the message', { skip: !posix && 'permessi POSIX' }, (t) => {
  const dir = tempDir(t);
  fileKeyProvider(dir, { create: true }).getKey();
  chmodSync(join(dir, KEY_FILE), 0o644);
  assert.throws(
    () => fileKeyProvider(dir, { create: false }).getKey(),
    /accessibile ad altri utenti \(permessi 644\): eseguire "chmod 600/,
  );
});

test('a damaged key file is refused', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, KEY_FILE), 'corto\n', { mode: 0o600 });
  assert.throws(() => fileKeyProvider(dir, { create: false }).getKey(), /non contiene una chiave valida/);
});

test('an existing database whose key file went missing fails clearly instead of getting a new key', (t) => {
  const dir = tempDir(t);
  openApp({ dataDir: dir, shell: 'browser' }).close();
  writeFileSync(join(dir, KEY_FILE), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
  assert.throws(() => openApp({ dataDir: dir, shell: 'browser' }), /non corrisponde a quella con cui è stato scritto questo database/);
  const other = tempDir(t);
  openApp({ dataDir: other, shell: 'browser' }).close();
  // Remove the key: the app must not mint a new one for an existing database.
  rmSync(join(other, KEY_FILE));
  assert.throws(() => openApp({ dataDir: other, shell: 'browser' }), /manca il file chiave/);
});

test('a key file is never left empty or torn at its name: written aside, then linked (a failed write leaves no key)', (t) => {
  const dir = tempDir(t);
  const path = join(dir, KEY_FILE);
  t.mock.method(fs, 'writeSync', () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  });
  syncBuiltinESMExports();
  try {
    assert.throws(() => writeSecretFile(path, Buffer.from('segreto\n')), /ENOSPC/);
  } finally {
    t.mock.restoreAll();
    syncBuiltinESMExports();
  }
  assert.deepEqual(readdirSync(dir), [], 'neither the key nor a temp file is left behind');
  // Then it works, and an existing key is never overwritten.
  writeSecretFile(path, Buffer.from('primo\n'));
  assert.throws(() => writeSecretFile(path, Buffer.from('secondo\n')), /EEXIST/);
  assert.equal(readFileSync(path, 'utf8'), 'primo\n');
  assert.deepEqual(readdirSync(dir), [KEY_FILE]);
});

test('a key provider that fails on a new folder leaves no database behind, so the next start may still create the key', (t) => {
  const dir = tempDir(t);
  const failing = {
    description: 'portachiavi di prova',
    getKey: (): Buffer => {
      throw new Error('portachiavi bloccato');
    },
  };
  assert.throws(() => openApp({ dataDir: dir, shell: 'browser', keyProvider: failing }), /portachiavi bloccato/);
  assert.ok(!existsSync(join(dir, DB_FILE)), 'no database file');
  assert.ok(isNewDataDir(dir));
  openApp({ dataDir: dir, shell: 'browser' }).close();
  assert.ok(existsSync(join(dir, KEY_FILE)));
});
