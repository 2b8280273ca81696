import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore, SERVICE } from './db-fixtures.ts';

test('every change to an inspection is logged in order, in the same transaction as the change', (t) => {
  const store = openStore(t);
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const ack = store.inspections.saveAnswer(i.id, { itemId: 'F.x', value: 'no', note: 'manca' });
  store.inspections.saveCounts(i.id, [{ band: '0-11', enrolled: 3 }], {});
  store.prescriptions.save({ inspectionId: i.id, rule: 'F.x', text: 'Rimediare', deadline: '2026-04-01' });
  store.inspections.seal(i.id, { signatures: [], canonicalFile: '{}', contentHash: 'b'.repeat(64) });
  const log = store.audit.list(i.id);
  assert.deepEqual(
    log.map((e) => e.action),
    ['creata', 'risposta salvata', 'conteggi salvati', 'prescrizione aggiunta', 'sigillata'],
  );
  assert.equal(log[1]!.seq, ack.seq);
  assert.deepEqual(JSON.parse(log[1]!.detail), { itemId: 'F.x', value: 'no', note: 'manca' });
  assert.ok(log.every((e, k) => k === 0 || e.seq > log[k - 1]!.seq));
});

test('the audit log is append-only: UPDATE and DELETE are refused by triggers', (t) => {
  const store = openStore(t);
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  assert.throws(
    () => store.db.prepare("UPDATE audit_log SET detail = '{}' WHERE inspection_id = ?").run(i.id),
    /le voci non si modificano/,
  );
  assert.throws(() => store.db.prepare('DELETE FROM audit_log').run(), /le voci non si cancellano/);
  assert.equal(store.audit.list(i.id).length, 1);
});

test('the audit log cannot be rewritten by INSERT OR REPLACE / UPSERT either (REPLACE deletes, the trigger must see it)', (t) => {
  const store = openStore(t);
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const [first] = store.audit.list(i.id);
  assert.throws(
    () =>
      store.db
        .prepare("INSERT OR REPLACE INTO audit_log (seq, inspection_id, at, action, detail) VALUES (?, ?, 'x', 'falso', '{}')")
        .run(first!.seq, i.id),
    /le voci non si sostituiscono/,
  );
  assert.throws(
    () =>
      store.db
        .prepare("REPLACE INTO audit_log (seq, inspection_id, at, action, detail) VALUES (?, ?, 'x', 'falso', '{}')")
        .run(first!.seq, i.id),
    /le voci non si sostituiscono/,
  );
  assert.throws(
    () =>
      store.db
        .prepare(
          "INSERT INTO audit_log (seq, inspection_id, at, action, detail) VALUES (?, ?, 'x', 'falso', '{}') ON CONFLICT (seq) DO UPDATE SET action = excluded.action",
        )
        .run(first!.seq, i.id),
    /le voci non si sostituiscono/,
  );
  assert.deepEqual(
    store.audit.list(i.id).map((e) => e.action),
    ['creata'],
  );
  assert.equal(store.db.pragma('recursive_triggers', { simple: true }), 1);
});

test('a change that fails leaves no audit entry behind', (t) => {
  const store = openStore(t);
  const s = store.services.create({ ...SERVICE, territorialRls: false });
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  assert.throws(() => store.inspections.update(i.id, { staffIds: ['no-such-person'] }), /FOREIGN KEY/);
  assert.equal(store.audit.list(i.id).length, 1);
});
