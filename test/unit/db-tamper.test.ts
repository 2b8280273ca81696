/**
 * Tampering with the data folder from outside the app: a second SQLite connection opened like the
 * sqlite3 shell (no recursive_triggers, no foreign_keys), on a real data folder made by the app.
 * The cheap path (INSERT OR REPLACE over a sealed or append-only row) is refused by triggers; what
 * gets past them (triggers dropped) is detected on the next read and by `checkDataFolder`.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { checkDataFolder } from '../../db/doctor.ts';
import { DB_FILE } from '../../db/store.ts';
import { ok, openTestApp, SERVICE, tempDir } from './db-fixtures.ts';
import { openApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';

const YESNO = 'A.destinazione_uso.certificato';
const SIG = {
  signatory: 'pedagogista',
  name: 'Chiara Fantoni',
  strokes: [
    [
      [10, 10],
      [20, 30],
    ],
  ],
};
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

/** A data folder with one sealed, queued visit (answer, photo, prescription, report attached); the app closed. */
function sealedFolder(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  const service = ok(app, 'services.create', SERVICE);
  const member = ok(app, 'members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const inspection = ok(app, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [member.id],
  });
  ok(app, 'inspections.saveAnswer', { inspectionId: inspection.id, itemId: YESNO, value: 'no', note: 'manca' });
  ok(app, 'inspections.saveCounts', {
    inspectionId: inspection.id,
    children: [{ band: '12-23', enrolled: 20, present: 18 }],
    staffCounts: { educators: { planned: 3, present: 3 }, auxiliaries: { planned: 1, present: 1 } },
  });
  ok(app, 'photos.add', { inspectionId: inspection.id, itemId: YESNO, mime: 'image/png', dataBase64: PNG });
  ok(app, 'prescriptions.save', { inspectionId: inspection.id, rule: YESNO, text: 'Produrre il certificato', deadline: '2026-06-30' });
  const sealed = ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [SIG],
  });
  const report = app.store.attachments.add({
    inspectionId: inspection.id,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7 verbale'),
  });
  app.close();
  return { dir, id: inspection.id as string, contentHash: sealed.contentHash as string, report };
}

/** Like the sqlite3 shell: recursive_triggers and foreign_keys off (their defaults). */
function shell(t: Parameters<typeof tempDir>[0], dir: string): Database.Database {
  const db = new Database(join(dir, DB_FILE));
  t.after(() => db.close());
  assert.equal(db.pragma('recursive_triggers', { simple: true }), 0);
  return db;
}

function reopen(t: Parameters<typeof tempDir>[0], dir: string) {
  return openTestApp(t, { dir });
}

test('INSERT OR REPLACE over a sealed inspection (date, children, content hash) is refused from the sqlite3 shell', (t) => {
  const { dir, id } = sealedFolder(t);
  const db = shell(t, dir);
  const row = db.prepare('SELECT * FROM inspections WHERE id = ?').get(id) as Record<string, unknown>;
  const forged = { ...row, date: '2026-01-01', children: '[]', content_hash: 'f'.repeat(64) };
  const cols = Object.keys(forged);
  assert.throws(
    () => db.prepare(`INSERT OR REPLACE INTO inspections (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(forged),
    /ispezione sigillata/,
  );
  // The other unique key (visit, revision) is a collision too.
  assert.throws(
    () =>
      db
        .prepare(
          `INSERT OR REPLACE INTO inspections (${cols.join(', ')}) VALUES (${cols.map((c) => (c === 'id' ? "'altro'" : `@${c}`)).join(', ')})`,
        )
        .run(forged),
    /ispezione sigillata/,
  );
  assert.equal((db.prepare('SELECT date FROM inspections WHERE id = ?').get(id) as { date: string }).date, '2026-03-10');
});

test('INSERT OR REPLACE over an audit entry, an attachment, an outbox row, a photo or a prescription of a sealed visit is refused', (t) => {
  const { dir, id, report } = sealedFolder(t);
  const db = shell(t, dir);
  const replaceRow = (table: string, where: string, change: Record<string, unknown>) => {
    const row = db.prepare(`SELECT * FROM ${table} WHERE ${where}`).get(id) as Record<string, unknown>;
    assert.ok(row, table);
    const forged = { ...row, ...change };
    const cols = Object.keys(forged);
    return () =>
      db.prepare(`INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(forged);
  };
  assert.throws(replaceRow('audit_log', 'inspection_id = ? ORDER BY seq LIMIT 1', { action: 'falso' }), /registro delle modifiche/);
  assert.throws(replaceRow('attachments', 'inspection_id = ?', { sha256: 'e'.repeat(64) }), /allegato/);
  assert.throws(replaceRow('outbox', 'inspection_id = ?', { status: 'validata' }), /coda di invio/);
  assert.throws(replaceRow('photos', 'inspection_id = ?', { caption: 'altra' }), /ispezione sigillata/);
  assert.throws(replaceRow('prescriptions', 'inspection_id = ?', { text: 'niente' }), /ispezione sigillata/);
  // A photo or prescription of the sealed visit cannot be taken over by a draft's row either.
  db.prepare(
    "INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, created_at, updated_at) SELECT 'bozza', 'v2', 1, service_id, rule_set, purpose, date, created_at, updated_at FROM inspections WHERE id = ?",
  ).run(id);
  assert.throws(replaceRow('photos', 'inspection_id = ?', { inspection_id: 'bozza' }), /ispezione sigillata/);
  assert.throws(replaceRow('prescriptions', 'inspection_id = ?', { inspection_id: 'bozza' }), /ispezione sigillata/);

  const app = reopen(t, dir);
  assert.equal(app.store.outbox.findByInspection(id)!.status, 'in_coda');
  assert.equal(app.store.attachments.listByInspection(id)[0]!.sha256, report.sha256);
  assert.deepEqual(checkDataFolder(app.store).problems, []);
});

/** The attacker who also drops the triggers: the app must not serve the result as valid. */
function dropTriggers(db: Database.Database): void {
  for (const { name } of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{ name: string }>)
    db.exec(`DROP TRIGGER "${name}"`);
}

test('a sealed visit rewritten with the triggers dropped is refused after a restart with code integrity, and doctor finds it', (t) => {
  const { dir, id } = sealedFolder(t);
  const db = shell(t, dir);
  dropTriggers(db);
  db.prepare("UPDATE inspections SET date = '2026-01-01', children = '[]' WHERE id = ?").run(id);
  db.close();

  const app = reopen(t, dir);
  for (const [method, input] of [
    ['inspections.get', { id }],
    ['inspections.export', { id }],
  ] as const) {
    const r = app.dispatch(method, input);
    assert.equal(r.ok, false, method);
    if (!r.ok) {
      assert.equal(r.error.code, 'integrity', `${method}: ${r.error.message}`);
      assert.match(r.error.message, /^Integrità compromessa: .*data della visita/);
    }
  }
  const report = checkDataFolder(app.store);
  assert.ok(
    report.problems.some((p) => p.kind === 'sealed' && p.inspectionId === id && /data della visita/.test(p.message)),
    JSON.stringify(report.problems),
  );
});

test('a content hash changed to match an altered answer, or an encrypted file swapped, is refused with code integrity', (t) => {
  const { dir, id } = sealedFolder(t);
  let db = shell(t, dir);
  dropTriggers(db);
  db.prepare('UPDATE answers SET value = \'"yes"\' WHERE inspection_id = ?').run(id);
  db.close();
  let app = reopen(t, dir);
  let r = app.dispatch('inspections.get', { id });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(`${r.error.code} ${r.error.message}`, /^integrity Integrità compromessa: .*risposte/);
  app.close();

  db = shell(t, dir);
  db.prepare('UPDATE inspections SET content_hash = ? WHERE id = ?').run('a'.repeat(64), id);
  db.close();
  app = reopen(t, dir);
  r = app.dispatch('inspections.get', { id });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(`${r.error.code} ${r.error.message}`, /^integrity Integrità compromessa: .*impronta/);
  // The outbox does not send it either.
  assert.equal(app.store.outbox.nextPendingSync(new Date('2026-03-11T00:00:00Z')), null);
  assert.match(app.store.outbox.findByInspection(id)!.lastError ?? '', /^Integrità compromessa: .*impronta/);
  app.close();

  db = shell(t, dir);
  db.prepare("UPDATE inspections SET sealed_file = X'0102' WHERE id = ?").run(id);
  db.close();
  app = reopen(t, dir);
  r = app.dispatch('inspections.export', { id });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'integrity', r.error.message);
});

test('audit log: an entry rewritten or deleted breaks the chain (doctor names the seq); re-chaining does not hide it from the seal heads', (t) => {
  const { dir, id } = sealedFolder(t);
  let app = reopen(t, dir);
  const chain = app.store.audit.verifyChain();
  assert.deepEqual(chain.problems, []);
  assert.ok(chain.entries >= 8);
  app.close();

  let db = shell(t, dir);
  dropTriggers(db);
  const second = db.prepare('SELECT seq FROM audit_log WHERE inspection_id = ? ORDER BY seq LIMIT 1 OFFSET 1').get(id) as { seq: number };
  db.prepare('UPDATE audit_log SET detail = \'{"itemId":"x","value":"yes"}\' WHERE seq = ?').run(second.seq);
  db.close();
  app = reopen(t, dir);
  let problems = app.store.audit.verifyChain().problems;
  assert.deepEqual(
    problems.map((p) => [p.seq, p.kind]),
    [[second.seq, 'hash']],
  );
  app.close();

  db = shell(t, dir);
  const third = second.seq + 1;
  db.prepare('DELETE FROM audit_log WHERE seq = ?').run(third);
  db.close();
  app = reopen(t, dir);
  problems = app.store.audit.verifyChain().problems;
  assert.ok(
    problems.some((p) => p.kind === 'gap' && p.seq === third + 1),
    JSON.stringify(problems),
  );
  app.close();
});

test('doctor: a blob whose bytes no longer hash to its name, and an outbox row whose identity was rewritten', (t) => {
  const { dir, id, report } = sealedFolder(t);
  writeFileSync(join(dir, 'blobs', report.sha256.slice(0, 2), report.sha256), 'altro contenuto');
  const db = shell(t, dir);
  dropTriggers(db);
  db.prepare("UPDATE outbox SET content_hash = ?, status = 'validata' WHERE inspection_id = ?").run('c'.repeat(64), id);
  db.close();
  const app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  t.after(() => app.close());
  const kinds = checkDataFolder(app.store).problems.map((p) => p.kind);
  assert.ok(kinds.includes('blob'), kinds.join());
  assert.ok(kinds.includes('outbox'), kinds.join());
});

test('a signature row altered or copied from another row (triggers dropped) is code integrity, and doctor reports it instead of stopping', (t) => {
  const { dir, id } = sealedFolder(t);
  const db = shell(t, dir);
  dropTriggers(db);
  const row = db.prepare('SELECT name FROM signatures WHERE inspection_id = ?').get(id) as { name: Buffer };
  const flipped = Buffer.from(row.name);
  flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
  db.prepare('UPDATE signatures SET name = ? WHERE inspection_id = ?').run(flipped, id);
  db.close();

  const app = reopen(t, dir);
  const r = app.dispatch('inspections.get', { id });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'integrity', r.error.message);
    assert.match(r.error.message, /^Integrità compromessa: .*firma di «pedagogista»/);
  }
  const report = checkDataFolder(app.store);
  assert.ok(
    report.problems.some((p) => p.kind === 'sealed' && p.inspectionId === id && /firma/.test(p.message)),
    JSON.stringify(report.problems),
  );
});

test('a damaged revision leaves the send queue as «errore» and does not hold back the revisions behind it', (t) => {
  const { dir, id } = sealedFolder(t);
  const before = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-11T10:00:00Z'), log: () => {} });
  const service = ok(before, 'services.list', {})[0];
  const next = ok(before, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-11',
    memberIds: [],
  });
  ok(before, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: next.id, signatures: [SIG] });
  before.close();
  const db = shell(t, dir);
  dropTriggers(db);
  db.prepare("UPDATE inspections SET date = '2026-01-01' WHERE id = ?").run(id);
  db.close();

  const app = reopen(t, dir);
  const push = app.store.outbox.nextPendingSync(new Date('2026-04-01T00:00:00Z'));
  assert.equal(push?.revision, 1);
  assert.equal(app.store.outbox.findByInspection(next.id)!.id, push?.outboxId, 'the healthy revision is handed out');
  const damaged = app.store.outbox.findByInspection(id)!;
  assert.equal(damaged.status, 'errore');
  assert.match(damaged.lastError ?? '', /^Integrità compromessa: .*data della visita/);
});
