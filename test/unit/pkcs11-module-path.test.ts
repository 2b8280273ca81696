/**
 * Attack: a page (or anything holding the loopback token) names a library another user could have
 * planted or changed as the PKCS#11 module; loading it would run that code as the inspector. Only
 * absolute paths to libraries owned by the administrator or this user, in folders nobody else may
 * write, are loaded; a link is followed at the check and its target is what gets loaded.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkModulePath } from '../../report/pkcs11-module-path.ts';
import { SOFTHSM_MODULE } from '../helpers/softhsm.ts';

const root = mkdtempSync(join(tmpdir(), 'vigilanza-p11-'));
chmodSync(root, 0o755);
after(() => rmSync(root, { recursive: true, force: true }));

function library(dir: string, name: string, mode = 0o644): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, 'not really a library');
  chmodSync(path, mode);
  return path;
}
const reason = (path: string) => {
  const r = checkModulePath(path);
  return r.ok ? null : r.reason;
};
const isRoot = process.getuid?.() === 0;

describe('PKCS#11 module paths', () => {
  it('a library of this user in a folder only it may write is accepted, by its real path', () => {
    const good = library(join(root, 'vendor'), 'libcard.so');
    chmodSync(join(root, 'vendor'), 0o755);
    assert.deepEqual(checkModulePath(good), { ok: true, real: good });
    const link = join(root, 'vendor', 'libcard-link.so');
    symlinkSync(good, link);
    assert.deepEqual(checkModulePath(link), { ok: true, real: good });
    if (existsSync(SOFTHSM_MODULE)) assert.equal(checkModulePath(SOFTHSM_MODULE).ok, true, 'a system module');
  });

  it('refuses relative paths, non-libraries, missing files and folders, in Italian', () => {
    assert.match(reason('libcard.so')!, /indicare il percorso completo del file/);
    assert.match(reason(library(join(root, 'x'), 'notes.txt'))!, /non è una libreria \(attesi file \.so, \.dll o \.dylib\)/);
    assert.match(reason(join(root, 'missing.so'))!, /file inesistente o non leggibile/);
    mkdirSync(join(root, 'dir.so'));
    assert.match(reason(join(root, 'dir.so'))!, /non è un file/);
  });

  it('refuses a library others may change, or placed in a folder others may write (/tmp)', () => {
    assert.match(reason(library(join(root, 'open-file'), 'libcard.so', 0o666))!, /il file è modificabile da altri utenti/);
    const shared = join(root, 'shared');
    const planted = library(shared, 'libcard.so');
    chmodSync(shared, 0o777);
    assert.match(reason(planted)!, new RegExp(`la cartella ${shared} è modificabile da altri utenti`));
    const inTmp = library(tmpdir(), `vigilanza-p11-${process.pid}.so`);
    try {
      assert.match(reason(inTmp)!, /è modificabile da altri utenti/, 'the system temp folder is writable by all');
    } finally {
      rmSync(inTmp, { force: true });
    }
    // A link from a safe place to a planted library is judged by the library.
    const link = join(root, 'vendor-link.so');
    symlinkSync(planted, link);
    assert.match(reason(link)!, /modificabile da altri utenti/);
  });

  it('refuses a library owned by another user', { skip: isRoot ? false : 'serve root per assegnare il file a un altro utente' }, () => {
    const theirs = library(join(root, 'theirs'), 'libcard.so');
    chownSync(theirs, 65534, 65534);
    assert.match(reason(theirs)!, /il file appartiene a un altro utente/);
  });
});
