/**
 * The place and the start and end time of a visit (issue 11): kept on the draft (migration 011),
 * checked by `inspections.update`, sealed into the file's `visit`, copied by a revision, and part
 * of what a sealed read compares with its file.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { DB_FILE } from '../../db/store.ts';
import { ok, openTestApp, SERVICE, tempDir } from './db-fixtures.ts';

const PLACE = 'Sede del servizio, via Roma 1, Bagno a Ripoli';
const REASON = 'prova automatica: commissione non in esame';

function draftVisit(t: Parameters<typeof openTestApp>[0], dir = tempDir(t)) {
  const app = openTestApp(t, { dir });
  const service = ok(app, 'services.create', SERVICE);
  const inspection = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  return { app, dir, id: inspection.id as string };
}

const refused = (app: ReturnType<typeof openTestApp>, input: unknown) => {
  const r = app.dispatch('inspections.update', input);
  assert.equal(r.ok, false, JSON.stringify(input));
  return (r as { error: { code: string; field: string; message: string } }).error;
};

test('a new visit has no place nor times; update stores them, a blank place or null clears them', (t) => {
  const { app, id } = draftVisit(t);
  const fresh = ok(app, 'inspections.get', { id });
  assert.deepEqual([fresh.place, fresh.startTime, fresh.endTime], [null, null, null]);
  const updated = ok(app, 'inspections.update', { id, place: `  ${PLACE} `, startTime: '09:30', endTime: '12:15' });
  assert.deepEqual([updated.place, updated.startTime, updated.endTime], [PLACE, '09:30', '12:15']);
  // What is not sent stays as it was.
  ok(app, 'inspections.update', { id, date: '2026-03-11' });
  assert.deepEqual((({ place, startTime, endTime }) => [place, startTime, endTime])(ok(app, 'inspections.get', { id })), [
    PLACE,
    '09:30',
    '12:15',
  ]);
  const cleared = ok(app, 'inspections.update', { id, place: '   ', endTime: null });
  assert.deepEqual([cleared.place, cleared.startTime, cleared.endTime], [null, '09:30', null]);
  assert.equal(ok(app, 'inspections.export', { id }).visit.place, undefined);
});

test('update refuses a malformed time, a long place, and an end not after the start (stored or sent), naming the field', (t) => {
  const { app, id } = draftVisit(t);
  let e = refused(app, { id, startTime: '9:30' });
  assert.deepEqual([e.code, e.field], ['invalid', 'startTime']);
  assert.match(e.message, /ora nel formato hh:mm/);
  e = refused(app, { id, endTime: '24:00' });
  assert.deepEqual([e.code, e.field], ['invalid', 'endTime']);
  e = refused(app, { id, place: 'x'.repeat(201) });
  assert.deepEqual([e.code, e.field], ['invalid', 'place']);
  assert.match(e.message, /al massimo 200 caratteri/);
  e = refused(app, { id, place: 'via Roma\n1' });
  assert.deepEqual([e.code, e.field], ['invalid', 'place']);
  e = refused(app, { id, startTime: '12:15', endTime: '09:30' });
  assert.deepEqual(
    [e.code, e.field, e.message],
    ['invalid', 'endTime', 'endTime: l’ora di fine (09:30) deve essere successiva all’ora di inizio (12:15)'],
  );
  ok(app, 'inspections.update', { id, startTime: '09:30', endTime: '12:15' });
  // Against what is stored: a later start alone, an earlier end alone.
  e = refused(app, { id, startTime: '13:00' });
  assert.deepEqual(
    [e.field, e.message],
    ['startTime', 'startTime: l’ora di fine (12:15) deve essere successiva all’ora di inizio (13:00)'],
  );
  e = refused(app, { id, endTime: '09:00' });
  assert.equal(e.field, 'endTime');
  const after = ok(app, 'inspections.get', { id });
  assert.deepEqual([after.startTime, after.endTime], ['09:30', '12:15'], 'nothing refused was stored');
});

test('sealing puts them into the sealed file’s visit, under its hash; a revision starts from them; sealed, they cannot change', (t) => {
  const { app, id } = draftVisit(t);
  ok(app, 'inspections.update', { id, place: PLACE, startTime: '09:30', endTime: '12:15' });
  const sealed = ok(app, 'inspections.seal', { id, commissionReason: REASON });
  const visit = sealed.inspection.sealedFile.visit;
  assert.deepEqual([visit.place, visit.startTime, visit.endTime], [PLACE, '09:30', '12:15']);
  assert.equal(sha256Hex(new TextEncoder().encode(canonicalJson(sealed.inspection.sealedFile))), sealed.contentHash);
  assert.deepEqual(ok(app, 'inspections.export', { id }).visit, visit);
  assert.deepEqual([sealed.inspection.place, sealed.inspection.startTime, sealed.inspection.endTime], [PLACE, '09:30', '12:15']);
  const e = refused(app, { id, place: 'Altrove' });
  assert.equal(e.code, 'sealed');

  const revised = ok(app, 'inspections.revise', { id });
  assert.deepEqual([revised.place, revised.startTime, revised.endTime], [PLACE, '09:30', '12:15']);
  ok(app, 'inspections.update', { id: revised.id, endTime: '12:45' });
  const resealed = ok(app, 'inspections.seal', { id: revised.id, commissionReason: REASON });
  assert.equal(resealed.inspection.sealedFile.visit.endTime, '12:45');
  assert.equal(ok(app, 'inspections.get', { id }).sealedFile.visit.endTime, '12:15', 'the first revision keeps its own');
});

test('a visit without them seals a file without the keys; a sealed place rewritten behind the triggers is refused as integrity', (t) => {
  const { app, id, dir } = draftVisit(t);
  const plain = ok(app, 'inspections.seal', { id, commissionReason: REASON });
  assert.deepEqual(Object.keys(plain.inspection.sealedFile.visit).sort(), ['commissionIncompleteReason', 'date', 'members', 'purpose']);
  const other = ok(app, 'inspections.create', { serviceId: plain.inspection.serviceId, purpose: 'verifica_periodica', date: '2026-03-10' });
  ok(app, 'inspections.update', { id: other.id, place: PLACE, startTime: '09:30' });
  ok(app, 'inspections.seal', { id: other.id, commissionReason: REASON });
  app.close();

  const db = new Database(join(dir, DB_FILE));
  for (const { name } of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{ name: string }>)
    db.exec(`DROP TRIGGER "${name}"`);
  db.prepare("UPDATE inspections SET place = 'Altrove' WHERE id = ?").run(other.id);
  db.prepare("UPDATE inspections SET start_time = '08:00' WHERE id = ?").run(id);
  db.close();

  const again = openTestApp(t, { dir });
  for (const [which, what] of [
    [other.id, /luogo della visita/],
    [id, /orari della visita/],
  ] as const) {
    const r = again.dispatch('inspections.get', { id: which });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'integrity');
      assert.match(r.error.message, what);
    }
  }
});
