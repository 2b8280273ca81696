import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../db/errors.ts';
import type { Store } from '../../db/store.ts';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { openStore, SERVICE } from './db-fixtures.ts';

function sealedInspection(store: Store) {
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const m = store.members.create({ name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const p = store.staff.save({
    serviceId: s.id,
    name: 'Sara Lotti',
    role: 'educatore',
    title: 'L19',
    titleObtainedOn: null,
    pathStartedOn: null,
    trainings: [],
    active: true,
  });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [m.id],
    ruleSet: 'zona-fse@1',
  });
  store.inspections.update(i.id, { staffIds: [p.id] });
  store.inspections.saveAnswer(i.id, { itemId: 'F.x', value: 'no', note: 'manca' });
  store.photos.add({ inspectionId: i.id, itemId: 'F.x', mime: 'image/jpeg', caption: '', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]) });
  store.prescriptions.save({ inspectionId: i.id, rule: 'F.x', text: 'Rimediare', deadline: '2026-05-01' });
  const file = {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: { name: SERVICE.name },
    visit: { date: '2026-03-10', purpose: 'verifica_periodica' },
    answers: { 'F.x': { value: 'no', note: 'manca' } },
  };
  const canonicalFile = canonicalJson(file);
  const contentHash = sha256Hex(new TextEncoder().encode(canonicalFile));
  const sealed = store.inspections.seal(i.id, {
    signatures: [
      {
        signatory: 'pedagogista',
        name: 'Chiara Fantoni',
        strokes: [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      },
    ],
    canonicalFile,
    contentHash,
  });
  return { s, m, p, i: sealed, canonicalFile, contentHash };
}

test('sealing stores the canonical file and its hash; the stored file hashes to the stored hash', (t) => {
  const store = openStore(t);
  const { i, canonicalFile, contentHash } = sealedInspection(store);
  assert.equal(i.status, 'sealed');
  assert.equal(i.contentHash, contentHash);
  assert.ok(i.sealedAt);
  const stored = store.inspections.sealedFile(i.id)!;
  assert.equal(stored, canonicalFile);
  assert.equal(sha256Hex(new TextEncoder().encode(stored)), i.contentHash);
  assert.equal(canonicalJson(JSON.parse(stored)), stored, 'the stored text is already canonical');
  assert.equal(store.inspections.content(i.id).signatures[0]!.name, 'Chiara Fantoni');
});

test('the repository refuses every change to a sealed inspection', (t) => {
  const store = openStore(t);
  const { i, p } = sealedInspection(store);
  const sealed = (e: unknown) => e instanceof StoreError && e.code === 'sealed';
  assert.throws(() => store.inspections.saveAnswer(i.id, { itemId: 'F.x', value: 'yes' }), sealed);
  assert.throws(() => store.inspections.saveCounts(i.id, [], {}), sealed);
  assert.throws(() => store.inspections.update(i.id, { date: '2026-03-11' }), sealed);
  assert.throws(() => store.inspections.seal(i.id, { signatures: [], canonicalFile: '{}', contentHash: 'x' }), sealed);
  assert.throws(
    () => store.photos.add({ inspectionId: i.id, itemId: null, mime: 'image/png', caption: '', bytes: Buffer.from([0x89, 0x50]) }),
    sealed,
  );
  assert.throws(() => store.photos.remove(store.photos.listByInspection(i.id)[0]!.id), sealed);
  assert.throws(() => store.prescriptions.save({ inspectionId: i.id, rule: 'x', text: 'y', deadline: '2026-05-01' }), sealed);
  assert.throws(() => store.prescriptions.remove(store.prescriptions.listByInspection(i.id)[0]!.id), sealed);
  // Removing a person from the roster does not reach into the sealed visit.
  assert.deepEqual(store.staff.remove(p.id).drafts, []);
  assert.deepEqual(store.inspections.content(i.id).staffIds, [p.id]);
});

test('SQL triggers refuse changes to a sealed inspection whatever the code path', (t) => {
  const store = openStore(t);
  const { i, m } = sealedInspection(store);
  const db = store.db;
  const refused = /ispezione sigillata/;
  assert.throws(() => db.prepare("UPDATE inspections SET date = '2026-01-01' WHERE id = ?").run(i.id), refused);
  assert.throws(() => db.prepare("UPDATE inspections SET content_hash = 'x' WHERE id = ?").run(i.id), refused);
  assert.throws(
    () => db.prepare("UPDATE inspections SET status = 'draft', sealed_at = NULL, content_hash = NULL WHERE id = ?").run(i.id),
    refused,
  );
  assert.throws(() => db.prepare("UPDATE inspections SET children = '[]', staff_counts = '{\"x\":1}' WHERE id = ?").run(i.id), refused);
  assert.throws(() => db.prepare('DELETE FROM inspections WHERE id = ?').run(i.id), refused);
  assert.throws(() => db.prepare('UPDATE answers SET value = \'"yes"\' WHERE inspection_id = ?').run(i.id), refused);
  assert.throws(
    () =>
      db.prepare("INSERT INTO answers (inspection_id, item_id, value, note, updated_at) VALUES (?, 'A.y', '\"yes\"', '', 'now')").run(i.id),
    refused,
  );
  assert.throws(() => db.prepare('DELETE FROM answers WHERE inspection_id = ?').run(i.id), refused);
  assert.throws(() => db.prepare('DELETE FROM inspection_members WHERE inspection_id = ?').run(i.id), refused);
  assert.throws(
    () => db.prepare('INSERT INTO inspection_members (inspection_id, member_id, position) VALUES (?, ?, 5)').run(i.id, m.id),
    refused,
  );
  assert.throws(() => db.prepare("UPDATE signatures SET name = x'00' WHERE inspection_id = ?").run(i.id), refused); // name: encrypted BLOB since 007
  assert.throws(() => db.prepare('DELETE FROM photos WHERE inspection_id = ?').run(i.id), refused);
  assert.throws(() => db.prepare("UPDATE prescriptions SET text = 'altro' WHERE inspection_id = ?").run(i.id), refused);
  // What happens after the visit may still move on: the office workflow and fulfilment.
  db.prepare("UPDATE inspections SET status = 'queued', updated_at = 'later' WHERE id = ?").run(i.id);
  db.prepare("UPDATE prescriptions SET status = 'fulfilled' WHERE inspection_id = ?").run(i.id);
  assert.equal(store.inspections.get(i.id).status, 'queued');
});

test('revise: a new draft revision copies the content, points to the sealed one, and the chain cannot fork', (t) => {
  const store = openStore(t);
  const { i, p } = sealedInspection(store);
  const r2 = store.inspections.revise(i.id);
  assert.equal(r2.status, 'draft');
  assert.equal(r2.visitId, i.visitId);
  assert.equal(r2.revision, 2);
  assert.equal(r2.previousId, i.id);
  const c = store.inspections.content(r2.id);
  assert.deepEqual(c.answers, { 'F.x': { value: 'no', note: 'manca' } });
  assert.deepEqual(c.staffIds, [p.id]);
  assert.deepEqual(c.signatures, [], 'a corrected record is signed again');
  assert.equal(store.photos.listByInspection(r2.id).length, 1);
  assert.equal(store.prescriptions.listByInspection(r2.id).length, 1);
  // The draft is editable; the sealed one is not touched.
  store.inspections.saveAnswer(r2.id, { itemId: 'F.x', value: 'yes' });
  assert.equal(store.inspections.content(i.id).answers['F.x']!.value, 'no');
  assert.throws(
    () => store.inspections.revise(i.id),
    (e) => e instanceof StoreError && e.code === 'conflict',
  );
  assert.throws(
    () => store.inspections.revise(r2.id),
    (e) => e instanceof StoreError && e.code === 'conflict',
  );
  assert.throws(
    () =>
      store.db
        .prepare(
          "INSERT INTO inspections (id, visit_id, revision, previous_id, service_id, rule_set, purpose, date, created_at, updated_at) SELECT 'fork', visit_id, 3, id, service_id, rule_set, purpose, date, 'x', 'x' FROM inspections WHERE id = ?",
        )
        .run(i.id),
    /UNIQUE/,
  );
  assert.equal(store.inspections.successor(i.id), r2.id);
  assert.deepEqual(
    store.inspections.listByService(i.serviceId).map((x) => x.revision),
    [2, 1],
  );
});

test('a prescription cannot be moved into a sealed inspection, nor a sealed inspection renamed (migration 004)', (t) => {
  const store = openStore(t);
  const { i, s } = sealedInspection(store);
  const db = store.db;
  const refused = /ispezione sigillata/;
  const draft = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-11',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const p = store.prescriptions.save({ inspectionId: draft.id, rule: 'F.x', text: 'Aggiunta dopo il sigillo', deadline: '2026-06-01' });
  assert.throws(() => db.prepare('UPDATE prescriptions SET inspection_id = ? WHERE id = ?').run(i.id, p.id), refused);
  assert.equal(store.prescriptions.listByInspection(i.id).length, 1, 'the sealed record keeps its one prescription');
  const sealedP = store.prescriptions.listByInspection(i.id)[0]!;
  assert.throws(() => db.prepare("UPDATE prescriptions SET id = 'altro' WHERE id = ?").run(sealedP.id), refused);
  // A sealed inspection with nothing pointing at it yet: only the trigger stands in the way.
  const bare = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-12',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  store.inspections.seal(bare.id, { signatures: [], canonicalFile: '{}', contentHash: 'c'.repeat(64) });
  assert.throws(() => db.prepare("UPDATE inspections SET id = 'rinominata' WHERE id = ?").run(bare.id), refused);
  // Still allowed: moving between drafts, and the workflow fields of the sealed prescription.
  const other = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-13',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  db.prepare('UPDATE prescriptions SET inspection_id = ? WHERE id = ?').run(other.id, p.id);
  db.prepare("UPDATE prescriptions SET status = 'fulfilled', follow_up_inspection_id = ?, updated_at = 'dopo' WHERE id = ?").run(
    other.id,
    sealedP.id,
  );
});

test('an attachment cannot be moved into a sealed inspection, nor its bytes swapped (migration 005)', (t) => {
  const store = openStore(t);
  const { i, s } = sealedInspection(store);
  const db = store.db;
  const draft = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-11',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const insert = db.prepare(
    'INSERT INTO attachments (id, inspection_id, kind, name, sha256, mime, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  insert.run('att-draft', draft.id, 'report', 'bozza.pdf', 'a'.repeat(64), 'application/pdf', 10, '2026-03-11T10:00:00Z');
  assert.throws(() => db.prepare('UPDATE attachments SET inspection_id = ? WHERE id = ?').run(i.id, 'att-draft'), /allegato/);
  assert.throws(() => db.prepare('UPDATE attachments SET sha256 = ? WHERE id = ?').run('b'.repeat(64), 'att-draft'), /allegato/);
  assert.equal((db.prepare('SELECT count(*) AS n FROM attachments WHERE inspection_id = ?').get(i.id) as { n: number }).n, 0);
  // Renaming the file of a draft's attachment is still possible.
  db.prepare("UPDATE attachments SET name = 'verbale.pdf' WHERE id = 'att-draft'").run();
});
