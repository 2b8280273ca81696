import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Cipher } from '../../db/crypto.ts';
import { DecryptionError } from '../../db/errors.ts';
import { Store } from '../../db/store.ts';
import { consistentSealedFile, memoryKey, openStore, SERVICE, tempDir } from './db-fixtures.ts';

test('AES-256-GCM: round trip, bound to its place, tamper and wrong key detected', () => {
  const key = randomBytes(32);
  const c = new Cipher(key);
  const blob = c.seal('Giulia Mariani', 'staff:1');
  assert.equal(c.open(blob, 'staff:1'), 'Giulia Mariani');
  assert.notDeepEqual(c.seal('Giulia Mariani', 'staff:1'), blob, 'a fresh nonce each time');
  assert.throws(() => c.open(blob, 'staff:2'), DecryptionError);
  const tampered = Buffer.from(blob);
  tampered[20] = tampered[20]! ^ 1;
  assert.throws(() => c.open(tampered, 'staff:1'), DecryptionError);
  assert.throws(() => new Cipher(randomBytes(32)).open(blob, 'staff:1'), /chiave di cifratura errata o dati alterati/);
  assert.throws(() => new Cipher(randomBytes(16)), /servono 32 byte/);
});

test('staff names, titles and certificates are not in the database file in clear; they read back with the key', (t) => {
  const dir = tempDir(t);
  const key = memoryKey();
  const store = Store.open(dir, { keyProvider: key });
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const name = 'Ermenegilda Scarpellini';
  const p = store.staff.save({
    serviceId: s.id,
    name,
    role: 'educatore',
    title: 'previgente_toscana',
    titleObtainedOn: '2011-06-30',
    pathStartedOn: null,
    trainings: [{ course: 'first_aid', hours: 12, completedOn: '2019-04-17' }],
    active: true,
  });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  // A sealed file names the staff too: it must be encrypted as well.
  // (Consistent with the row and hashed: every read of a sealed file checks both.)
  store.inspections.seal(i.id, {
    signatures: [],
    ...consistentSealedFile({ date: '2026-03-10', purpose: 'verifica_periodica' }, { people: [{ name }] }),
  });
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('vigilanza.db'))) {
    const bytes = readFileSync(join(dir, f));
    for (const secret of [name, 'Scarpellini', 'previgente_toscana', '2019-04-17', '2011-06-30'])
      assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} in ${f}`);
  }
  const again = Store.open(dir, { keyProvider: key });
  t.after(() => again.close());
  assert.equal(again.staff.get(p.id).name, name);
  assert.equal(again.staff.get(p.id).trainings[0]!.completedOn, '2019-04-17');
  assert.match(again.inspections.sealedFile(i.id)!, /Ermenegilda/);
});

test('opening with the wrong key fails at once, clearly, and without touching the data', (t) => {
  const dir = tempDir(t);
  const store = openStore(t, dir);
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  store.staff.save({
    serviceId: s.id,
    name: 'Sara',
    role: 'educatore',
    title: null,
    titleObtainedOn: null,
    pathStartedOn: null,
    trainings: [],
    active: true,
  });
  store.close();
  assert.throws(
    () => Store.open(dir, { keyProvider: memoryKey() }),
    (e: unknown) =>
      e instanceof DecryptionError &&
      /non corrisponde a quella con cui è stato scritto questo database/.test((e as Error).message) &&
      /chiave di prova/.test((e as Error).message),
  );
});
