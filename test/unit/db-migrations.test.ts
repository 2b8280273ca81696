import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseVersionError } from '../../db/errors.ts';
import { MIGRATIONS, LATEST_VERSION } from '../../db/migrations/index.ts';
import { SEEDED_DEMO_SERVICES } from '../../db/migrations/010_demo_seed_marked.ts';
import { AUDIT_GENESIS, chainHash, entryDigest } from '../../shared/audit-chain.ts';
import { APPLICATION_ID, checkSequence, openDatabase, schemaVersion } from '../../db/open.ts';
import { tempDir } from './db-fixtures.ts';

const names = (db: Database.Database, type: string) =>
  (db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as Array<{ name: string }>).map((r) => r.name);

test('a new database gets every migration, WAL, synchronous=FULL, foreign keys and our application id', (t) => {
  const db = openDatabase(join(tempDir(t), 'v.db'));
  t.after(() => db.close());
  assert.equal(schemaVersion(db), LATEST_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL is 2');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('migration 001 creates the tables, indexes and triggers of the first schema', (t) => {
  const db = openDatabase(join(tempDir(t), 'v.db'), { migrations: MIGRATIONS.slice(0, 1) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 1);
  for (const table of [
    'meta',
    'services',
    'members',
    'staff',
    'inspections',
    'inspection_members',
    'inspection_staff',
    'answers',
    'signatures',
    'photos',
    'attachments',
    'prescriptions',
    'audit_log',
  ])
    assert.ok(names(db, 'table').includes(table), `table ${table}`);
  const triggers = names(db, 'trigger');
  for (const trigger of [
    'inspections_sealed_immutable',
    'inspections_sealed_no_delete',
    'audit_log_no_update',
    'audit_log_no_delete',
    'answers_draft_only_insert',
    'answers_draft_only_update',
    'answers_draft_only_delete',
    'photos_draft_only_insert',
    'signatures_draft_only_update',
    'prescriptions_sealed_update',
  ])
    assert.ok(triggers.includes(trigger), `trigger ${trigger}`);
  assert.ok(names(db, 'index').includes('inspections_one_successor'));
  // The columns the repositories rely on.
  const cols = (db.prepare("SELECT name FROM pragma_table_info('inspections')").all() as Array<{ name: string }>).map((c) => c.name);
  assert.deepEqual(cols, [
    'id',
    'visit_id',
    'revision',
    'previous_id',
    'service_id',
    'rule_set',
    'purpose',
    'date',
    'status',
    'children',
    'staff_counts',
    'rejection_notes',
    'content_hash',
    'sealed_file',
    'sealed_at',
    'created_at',
    'updated_at',
  ]);
});

test('reopening an up-to-date database changes nothing', (t) => {
  const file = join(tempDir(t), 'v.db');
  openDatabase(file).close();
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), LATEST_VERSION);
});

test('a database from a newer version is refused with a clear message and left untouched', (t) => {
  const file = join(tempDir(t), 'v.db');
  openDatabase(file).close();
  const raw = new Database(file);
  raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
  raw.close();
  assert.throws(
    () => openDatabase(file),
    (e: unknown) => {
      assert.ok(e instanceof DatabaseVersionError);
      assert.match((e as Error).message, /versione più recente di Vigilanza Nidi \(schema \d+, questa versione arriva allo schema \d+\)/);
      return true;
    },
  );
  const again = new Database(file, { readonly: true });
  assert.equal(again.pragma('user_version', { simple: true }), LATEST_VERSION + 1);
  again.close();
});

test('a SQLite file of another application is refused', (t) => {
  const file = join(tempDir(t), 'other.db');
  const raw = new Database(file);
  raw.pragma('application_id = 1234');
  raw.exec('CREATE TABLE x (a)');
  raw.close();
  assert.throws(() => openDatabase(file), /non è un database di Vigilanza Nidi/);
});

test('a migration that fails leaves the database at the previous version, with nothing half-applied', (t) => {
  const file = join(tempDir(t), 'v.db');
  const broken = [
    ...MIGRATIONS,
    {
      version: LATEST_VERSION + 1,
      name: 'broken',
      up: (db: Database.Database) => {
        db.exec('CREATE TABLE half (a)');
        throw new Error('boom');
      },
    },
  ];
  assert.throws(() => openDatabase(file, { migrations: broken }), /boom/);
  assert.ok(existsSync(file));
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), LATEST_VERSION);
  assert.ok(!names(db, 'table').includes('half'));
});

test('migrations are numbered 1, 2, 3… without gaps', () => {
  assert.doesNotThrow(() => checkSequence(MIGRATIONS));
  assert.throws(() => checkSequence([MIGRATIONS[0]!, { version: 3, name: 'gap', up: () => {} }]), /versione 3, attesa 2/);
});

test('migration 002 adds the sync outbox, settings and decisions, and queues revisions sealed before it', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'v.db');
  // A version-1 database with a draft and a sealed revision, as an older build left it.
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
  const at = '2026-03-10T09:00:00.000Z';
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s1', 'Nido', 'nido', 'Fiesole', 20, 1, ?, ?)",
    )
    .run(at, at);
  const hash = 'a'.repeat(64);
  old
    .prepare(
      "INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_file, sealed_at, created_at, updated_at) VALUES ('i1', 'v1', 1, 's1', 'zona-fse@1', 'verifica_periodica', '2026-03-10', 'sealed', ?, x'00', ?, ?, ?)",
    )
    .run(hash, at, at, at);
  old
    .prepare(
      "INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, created_at, updated_at) VALUES ('i2', 'v2', 1, 's1', 'zona-fse@1', 'verifica_periodica', '2026-03-11', ?, ?)",
    )
    .run(at, at);
  old.close();

  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 2);
  for (const table of ['outbox', 'sync_settings', 'sync_decisions', 'sync_services'])
    assert.ok(names(db, 'table').includes(table), `table ${table}`);
  const queued = db.prepare('SELECT inspection_id, visit_id, revision, content_hash, status, attempts FROM outbox').all();
  assert.deepEqual(
    queued,
    [{ inspection_id: 'i1', visit_id: 'v1', revision: 1, content_hash: hash, status: 'in_coda', attempts: 0 }],
    'the sealed revision is queued, the draft is not',
  );

  // Only a sealed revision with its own hash can be queued; rows are never deleted; identity never changes.
  const insert = db.prepare(
    'INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  assert.throws(() => insert.run('o2', 'i2', 'v2', 1, hash, at, at), /solo una revisione sigillata/);
  assert.throws(() => db.prepare('DELETE FROM outbox').run(), /non si cancellano/);
  assert.throws(() => db.prepare('UPDATE outbox SET content_hash = ?').run('b'.repeat(64)), /non cambiano/);
  assert.throws(() => db.prepare("UPDATE outbox SET status = 'spedita'").run(), /CHECK constraint/);
  db.prepare("UPDATE outbox SET bundle = '{}'").run();
  assert.throws(() => db.prepare('UPDATE outbox SET bundle = \'{"x":1}\'').run(), /non cambiano/, 'what was sent stays as sent');

  // One settings row at most, an http(s) URL, and the token must be a blob (ciphertext), never text.
  const settings = db.prepare(
    'INSERT INTO sync_settings (id, office_url, device_token, inspector_id, inspector_name, paired_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  assert.throws(() => settings.run(1, 'http://127.0.0.1:8470', 'token-in-chiaro', 'x', 'Maria', at), /TEXT value in BLOB column/);
  assert.throws(() => settings.run(1, 'ftp://ufficio', Buffer.from([1]), 'x', 'Maria', at), /CHECK constraint/);
  settings.run(1, 'http://127.0.0.1:8470', Buffer.from([1, 2, 3]), 'x', 'Maria', at);
  assert.throws(() => settings.run(2, 'http://127.0.0.1:8470', Buffer.from([1]), 'x', 'Maria', at), /CHECK constraint/);
  const decision = db.prepare(
    "INSERT INTO sync_decisions (office_seq, visit_id, revision, content_hash, decision, notes, decided_at, applied_at, outcome) VALUES (1, 'v1', 1, ?, 'rejected', 'note', ?, ?, 'x')",
  );
  decision.run(hash, at, at);
  assert.throws(() => decision.run(hash, at, at), /UNIQUE/, 'a decision is recorded once');
  assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('migration 003 queues report versions stored after their revision left, by trigger and for the past; links services to office ids', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'v.db');
  const at = '2026-03-10T09:00:00.000Z';
  const [first, later, newer] = ['a', 'b', 'c'].map((c) => c.repeat(64)) as [string, string, string];
  // A version-2 database: two sealed revisions, one already sent with its first report (bundle
  // frozen), a co-signature stored after that, and one not sent yet.
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s1', 'Nido', 'nido', 'Fiesole', 20, 1, ?, ?)",
    )
    .run(at, at);
  for (const [id, visit] of [
    ['i1', 'v1'],
    ['i2', 'v2'],
  ])
    old
      .prepare(
        "INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_file, sealed_at, created_at, updated_at) VALUES (?, ?, 1, 's1', 'zona-fse@1', 'verifica_periodica', '2026-03-10', 'sealed', ?, x'00', ?, ?, ?)",
      )
      .run(id, visit, 'f'.repeat(64), at, at, at);
  const attach = (db: Database.Database, id: string, inspection: string, sha: string, kind = 'report') =>
    db
      .prepare(
        "INSERT INTO attachments (id, inspection_id, kind, name, sha256, mime, size, created_at) VALUES (?, ?, ?, 'verbale.pdf', ?, 'application/pdf', 10, ?)",
      )
      .run(id, inspection, kind, sha, at);
  for (const [id, visit] of [
    ['i1', 'v1'],
    ['i2', 'v2'],
  ])
    old
      .prepare(
        'INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)',
      )
      .run(`o-${id}`, id, visit, 'f'.repeat(64), at, at);
  attach(old, 'a1', 'i1', first);
  old
    .prepare("UPDATE outbox SET bundle = ?, status = 'ricevuta' WHERE inspection_id = 'i1'")
    .run(JSON.stringify({ attachments: [{ sha256: first, kind: 'report', name: 'verbale.pdf' }], prescriptions: [], serviceId: null }));
  attach(old, 'a2', 'i1', later);
  attach(old, 'a3', 'i2', first);
  old.close();

  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 3);
  const queued = () => db.prepare('SELECT attachment_id, sha256, status FROM outbox_attachments ORDER BY created_at, rowid').all();
  assert.deepEqual(queued(), [{ attachment_id: 'a2', sha256: later, status: 'in_coda' }], 'only the version the frozen bundle lacks');
  // From now on a trigger queues it in the same transaction; a revision not sent yet takes it in its bundle.
  attach(db, 'a4', 'i1', newer);
  attach(db, 'a5', 'i2', later);
  attach(db, 'a6', 'i1', 'd'.repeat(64), 'document');
  assert.deepEqual(
    queued().map((r: any) => r.attachment_id),
    ['a2', 'a4'],
  );
  assert.throws(() => db.prepare('DELETE FROM outbox_attachments').run(), /non si cancellano/);
  assert.throws(() => db.prepare('UPDATE outbox_attachments SET sha256 = ?').run(first), /non cambia/);
  assert.throws(() => db.prepare("UPDATE outbox_attachments SET status = 'persa'").run(), /CHECK constraint/);
  db.prepare("UPDATE outbox_attachments SET status = 'ricevuta' WHERE attachment_id = 'a2'").run();

  db.prepare(
    "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s2', 'Nido 2', 'nido', 'Fiesole', 20, 1, ?, ?)",
  ).run(at, at);
  const link = db.prepare('INSERT INTO sync_services (service_id, office_updated_at, received_at, office_id) VALUES (?, ?, ?, ?)');
  link.run('s1', at, at, 'ufficio-1');
  assert.throws(() => link.run('s2', at, at, 'ufficio-1'), /UNIQUE/, 'one local service per office entry');
  assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('migration 004 replaces the two seal triggers on a database made by 003', (t) => {
  const file = join(tempDir(t), 'v.db');
  openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) }).close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 4) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 4);
  const sql = (name: string) =>
    (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) as { sql: string }).sql;
  assert.match(sql('inspections_sealed_immutable'), /NEW\.id IS NOT OLD\.id/);
  assert.match(
    sql('prescriptions_sealed_update'),
    /NEW\.inspection_id IS NOT OLD\.inspection_id AND \(SELECT status FROM inspections WHERE id = NEW\.inspection_id\)/,
  );
});

test('migration 005: an attachment never moves to another inspection nor changes its bytes', (t) => {
  const file = join(tempDir(t), 'v5.db');
  openDatabase(file, { migrations: MIGRATIONS.slice(0, 4) }).close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 5);
  const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'attachments_identity_fixed'").get() as
    { sql: string } | undefined;
  assert.ok(trigger, 'trigger created on a database made by 004');
  assert.match(trigger.sql, /NEW\.inspection_id IS NOT OLD\.inspection_id/);
});

test('migration 006 chains the audit entries written before it, in seq order, and gives old seals their head', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'vigilanza.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
    )
    .run();
  old
    .prepare(
      `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES ('i', 'v', 1, 's', 'zona-fse@1', 'verifica_periodica', '2026-01-10', 'sealed', ?, 'x', 'x', 'x')`,
    )
    .run('d'.repeat(64));
  const add = old.prepare('INSERT INTO audit_log (inspection_id, at, action, detail) VALUES (?, ?, ?, ?)');
  add.run('i', '2026-01-10T09:00:00Z', 'creata', '{}');
  add.run('i', '2026-01-10T10:00:00Z', 'sigillata', JSON.stringify({ contentHash: 'd'.repeat(64) }));
  add.run('i', '2026-01-10T10:00:00Z', 'in coda per l’ufficio', '{}');
  old.close();
  const db = openDatabase(file);
  t.after(() => db.close());
  const rows = db
    .prepare('SELECT seq, inspection_id AS inspectionId, at, action, detail, prev_hash, hash FROM audit_log ORDER BY seq')
    .all() as Array<{ seq: number; inspectionId: string; at: string; action: string; detail: string; prev_hash: string; hash: string }>;
  let previous = AUDIT_GENESIS;
  for (const r of rows) {
    assert.equal(r.prev_hash, previous);
    assert.equal(r.hash, chainHash(previous, entryDigest(r)));
    previous = r.hash;
  }
  assert.deepEqual(db.prepare("SELECT audit_seq, audit_hash FROM inspections WHERE id = 'i'").get(), {
    audit_seq: 2,
    audit_hash: rows[1]!.hash,
  });
  // An entry that does not continue the chain is refused, whatever SQL writes it.
  assert.throws(
    () => db.prepare("INSERT INTO audit_log (inspection_id, at, action, detail) VALUES ('i', 'x', 'falsa', '{}')").run(),
    /prosegue la catena/,
  );
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO audit_log (seq, inspection_id, at, action, detail, prev_hash, hash) VALUES (4, 'i', 'x', 'falsa', '{}', ?, ?)",
        )
        .run(AUDIT_GENESIS, 'e'.repeat(64)),
    /prosegue la catena/,
  );
  assert.throws(() => db.prepare("UPDATE inspections SET audit_hash = ? WHERE id = 'i'").run('e'.repeat(64)), /ispezione sigillata/);
});

test('migration 008 adds the outcome counts beside the sealed rows, leaves them empty for old seals, and indexes done visits', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'vigilanza.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
    )
    .run();
  old
    .prepare(
      `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES ('i', 'v', 1, 's', 'zona-fse@1', 'verifica_periodica', '2026-01-10', 'sealed', ?, 'x', 'x', 'x')`,
    )
    .run('d'.repeat(64));
  const triggersBefore = names(old, 'trigger');
  old.close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 8) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 8);
  assert.equal((db.prepare('SELECT count(*) AS n FROM inspection_outcomes').get() as { n: number }).n, 0, 'filled by the host, lazily');
  // Every trigger of 007 is still there: the counts live beside the sealed rows, not in them.
  assert.deepEqual(
    names(db, 'trigger').filter((n) => !n.startsWith('inspection_outcomes_')),
    triggersBefore,
  );
  assert.ok(names(db, 'index').includes('inspections_done_by_service'));
  const add = db.prepare(
    'INSERT INTO inspection_outcomes (inspection_id, content_hash, evaluation, pass, warn, fail, na) VALUES (?, ?, 1, 3, 0, 1, 2)',
  );
  assert.throws(() => add.run('i', 'e'.repeat(64)), /solo per una revisione sigillata/);
  add.run('i', 'd'.repeat(64));
  assert.throws(
    () => db.prepare("UPDATE inspection_outcomes SET content_hash = 'e' WHERE inspection_id = 'i'").run(),
    /solo per una revisione sigillata/,
  );
  assert.throws(() => db.prepare("UPDATE inspections SET content_hash = ? WHERE id = 'i'").run('e'.repeat(64)), /ispezione sigillata/);
});

test('migration 009: rows made before it stay real and queued; demo rows never enter the outbox nor change side', (t) => {
  const file = join(tempDir(t), 'v9.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 8) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
    )
    .run();
  const sealedRow = `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES (?, ?, 1, ?, 'zona-fse@1', 'verifica_periodica', '2026-01-10', 'sealed', ?, 'x', 'x', 'x')`;
  old.prepare(sealedRow).run('i', 'v', 's', 'd'.repeat(64));
  old.close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 9) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 9);
  assert.deepEqual(db.prepare("SELECT demo FROM services WHERE id = 's'").get(), { demo: 0 });
  assert.deepEqual(db.prepare("SELECT demo FROM inspections WHERE id = 'i'").get(), { demo: 0 });
  const enqueue = db.prepare(
    "INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, 1, ?, 'x', 'x')",
  );
  enqueue.run('o1', 'i', 'v', 'd'.repeat(64));

  db.prepare(
    "INSERT INTO services (id, name, type, comune, capacity, kitchen, demo, created_at, updated_at) VALUES ('d', 'Demo', 'nido', 'Impruneta', 10, 0, 1, 'x', 'x')",
  ).run();
  // An inspection takes its service's flag: a real visit of a demo service (or the reverse) is refused.
  assert.throws(() => db.prepare(sealedRow).run('x', 'vx', 'd', 'e'.repeat(64)), /dimostrativa se e solo se/);
  db.prepare(sealedRow.replace('service_id,', 'service_id, demo,').replace('?, ?, 1, ?,', '?, ?, 1, ?, 1,')).run(
    'j',
    'vj',
    'd',
    'e'.repeat(64),
  );
  assert.throws(() => enqueue.run('o2', 'j', 'vj', 'e'.repeat(64)), /visita dimostrativa: i dati dimostrativi non si inviano all'ufficio/);
  assert.throws(() => db.prepare("UPDATE inspections SET demo = 0 WHERE id = 'j'").run(), /resta dimostrativa/);
  assert.throws(() => db.prepare("UPDATE services SET demo = 0 WHERE id = 'd'").run(), /non cambia fra dimostrativo e reale/);
  assert.throws(() => db.prepare("UPDATE services SET demo = 1 WHERE id = 's'").run(), /non cambia fra dimostrativo e reale/);
  assert.deepEqual(db.prepare('SELECT inspection_id FROM outbox').all(), [{ inspection_id: 'i' }]);
});

test('migration 010: the services the demo seed made before 009 and their visits become demo; their queue entries that never left go, the rest stays', (t) => {
  const file = join(tempDir(t), 'v10.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 8) });
  const service = old.prepare(
    'INSERT INTO services (id, name, type, comune, address, referente, capacity, kitchen, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 54, 1, ?, ?)',
  );
  const [name, type, comune, address, referente] = SEEDED_DEMO_SERVICES[2]!;
  service.run('demo', name, type, comune, address, referente, 'x', 'x');
  // The same name and Comune at another address: typed by a person, stays real.
  service.run('real', name, type, comune, 'Via Reale 1', referente, 'x', 'x');
  const inspection = old.prepare(
    `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES (?, ?, 1, ?, 'zona-fse@1', 'verifica_periodica', '2026-01-10', ?, ?, ?, 'x', 'x')`,
  );
  inspection.run('queued', 'v1', 'demo', 'sealed', 'a'.repeat(64), 'x');
  inspection.run('left', 'v2', 'demo', 'sealed', 'b'.repeat(64), 'x');
  inspection.run('draft', 'v3', 'demo', 'draft', null, null);
  inspection.run('realvisit', 'v4', 'real', 'sealed', 'c'.repeat(64), 'x');
  const enqueue = old.prepare(
    "INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, 1, ?, 'x', 'x')",
  );
  enqueue.run('o1', 'queued', 'v1', 'a'.repeat(64));
  enqueue.run('o2', 'left', 'v2', 'b'.repeat(64));
  enqueue.run('o4', 'realvisit', 'v4', 'c'.repeat(64));
  old.prepare("UPDATE outbox SET status = 'ricevuta', bundle = '{}', sent_at = 'x', received_at = 'x' WHERE id = 'o2'").run();
  old.close();
  const reference = openDatabase(join(tempDir(t), 'v9.db'), { migrations: MIGRATIONS.slice(0, 9) });
  const triggerSql = (d: Database.Database) => d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
  const triggers9 = triggerSql(reference);
  reference.close();

  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 10) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 10);
  assert.deepEqual(db.prepare('SELECT id, demo FROM services ORDER BY id').all(), [
    { id: 'demo', demo: 1 },
    { id: 'real', demo: 0 },
  ]);
  assert.deepEqual(db.prepare('SELECT id, demo FROM inspections ORDER BY id').all(), [
    { id: 'draft', demo: 1 },
    { id: 'left', demo: 1 },
    { id: 'queued', demo: 1 },
    { id: 'realvisit', demo: 0 },
  ]);
  // The demo revision that never left is no longer queued; the one the office received keeps its record; the real one waits.
  assert.deepEqual(db.prepare('SELECT id, status FROM outbox ORDER BY id').all(), [
    { id: 'o2', status: 'ricevuta' },
    { id: 'o4', status: 'in_coda' },
  ]);
  // One audit entry per visit marked, on the hash chain.
  const audit = db
    .prepare('SELECT seq, inspection_id AS inspectionId, at, action, detail, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq')
    .all() as Array<{
    seq: number;
    inspectionId: string;
    at: string;
    action: string;
    detail: string;
    prevHash: string;
    hash: string;
  }>;
  assert.deepEqual(
    audit.map((a) => [a.inspectionId, a.action, JSON.parse(a.detail).withdrawnFromOutbox]),
    [
      ['queued', 'segnata come dimostrativa', true],
      ['left', 'segnata come dimostrativa', false],
      ['draft', 'segnata come dimostrativa', false],
    ],
  );
  let previous = AUDIT_GENESIS;
  for (const a of audit) {
    assert.equal(a.prevHash, previous);
    assert.equal(a.hash, chainHash(previous, entryDigest(a)));
    previous = a.hash;
  }
  // The triggers lifted for the marking are back, exactly as 009 made them.
  assert.deepEqual(triggerSql(db), triggers9);
  assert.throws(() => db.prepare("UPDATE inspections SET demo = 0 WHERE id = 'queued'").run(), /resta dimostrativa/);
  assert.throws(() => db.prepare("DELETE FROM outbox WHERE id = 'o4'").run(), /non si cancellano/);
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES ('o5', 'queued', 'v1', 1, ?, 'x', 'x')",
        )
        .run('a'.repeat(64)),
    /dati dimostrativi non si inviano/,
  );
});

test('migration 010 changes nothing in a folder without the demo seed', (t) => {
  const file = join(tempDir(t), 'plain.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 9) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
    )
    .run();
  old.close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 10) });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT demo FROM services').all(), [{ demo: 0 }]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 0);
});

test('migration 011 adds the place and times of the visit: empty on older rows, checked, and frozen once sealed', (t) => {
  const file = join(tempDir(t), 'v11.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 10) });
  old
    .prepare(
      "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
    )
    .run();
  const inspection = old.prepare(
    `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES (?, ?, 1, 's', 'zona-fse@1', 'verifica_periodica', '2026-01-10', ?, ?, ?, 'x', 'x')`,
  );
  inspection.run('sealed', 'v1', 'sealed', 'a'.repeat(64), 'x');
  inspection.run('draft', 'v2', 'draft', null, null);
  const triggerSql = (d: Database.Database) =>
    d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{ name: string; sql: string }>;
  const triggers10 = triggerSql(old);
  old.close();

  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 11) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 11);
  assert.deepEqual(db.prepare('SELECT id, place, start_time, end_time FROM inspections ORDER BY id').all(), [
    { id: 'draft', place: null, start_time: null, end_time: null },
    { id: 'sealed', place: null, start_time: null, end_time: null },
  ]);
  // Only the sealed-row trigger is made again; the others are 010's, unchanged.
  const after = triggerSql(db);
  assert.deepEqual(
    after.filter((x) => x.name !== 'inspections_sealed_immutable'),
    triggers10.filter((x) => x.name !== 'inspections_sealed_immutable'),
  );
  assert.match(after.find((x) => x.name === 'inspections_sealed_immutable')!.sql, /NEW\.end_time IS NOT OLD\.end_time/);

  const set = db.prepare("UPDATE inspections SET place = ?, start_time = ?, end_time = ? WHERE id = 'draft'");
  set.run('Sede del servizio, via Roma 1, Bagno a Ripoli', '09:30', '12:15');
  assert.deepEqual(db.prepare("SELECT place, start_time, end_time FROM inspections WHERE id = 'draft'").get(), {
    place: 'Sede del servizio, via Roma 1, Bagno a Ripoli',
    start_time: '09:30',
    end_time: '12:15',
  });
  set.run(null, '09:30', null);
  for (const [place, start, end] of [
    ['', null, null],
    ['x'.repeat(201), null, null],
    ['via Roma\n1', null, null],
    [null, '9:30', null],
    [null, '24:00', null],
    [null, '12:60', null],
    [null, '12:15', '09:30'],
    [null, '10:00', '10:00'],
  ])
    assert.throws(() => set.run(place, start, end), /CHECK constraint failed/, `${place} ${start} ${end}`);
  // A revision sealed before 011 keeps its (empty) place and times: they are its content now.
  for (const column of ['place', 'start_time', 'end_time'])
    assert.throws(
      () => db.prepare(`UPDATE inspections SET ${column} = ? WHERE id = 'sealed'`).run(column === 'place' ? 'Altrove' : '08:00'),
      /ispezione sigillata/,
      column,
    );
  db.prepare("UPDATE inspections SET status = 'queued' WHERE id = 'sealed'").run();
});

test('migration 015 adds the long-term attempts of a revision: counted from one, either a next try or given up, on a real inspection', (t) => {
  const file = join(tempDir(t), 'v15.db');
  openDatabase(file, { migrations: MIGRATIONS.slice(0, 14) }).close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 15) });
  t.after(() => db.close());
  assert.equal(schemaVersion(db), 15);
  assert.ok(names(db, 'table').includes('long_term_attempts'));
  db.prepare(
    "INSERT INTO services (id, name, type, comune, capacity, kitchen, created_at, updated_at) VALUES ('s', 'Nido', 'nido', 'Impruneta', 10, 0, 'x', 'x')",
  ).run();
  db.prepare(
    `INSERT INTO inspections (id, visit_id, revision, service_id, rule_set, purpose, date, status, content_hash, sealed_at, created_at, updated_at)
    VALUES ('i', 'v', 1, 's', 'zona-fse@1', 'verifica_periodica', '2026-01-10', 'sealed', ?, 'x', 'x', 'x')`,
  ).run('a'.repeat(64));
  const put = db.prepare(
    'INSERT INTO long_term_attempts (inspection_id, failures, last_error, next_attempt_at, given_up_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const [failures, next, gaveUp] of [
    [0, '2026-01-10T10:00:00Z', null],
    [1, null, null],
    [1, '2026-01-10T10:00:00Z', '2026-01-10T10:00:00Z'],
  ] as const)
    assert.throws(
      () => put.run('i', failures, 'TSA HTTP 503', next, gaveUp, 'x'),
      /CHECK constraint failed/,
      `${failures} ${next} ${gaveUp}`,
    );
  assert.throws(() => put.run('nessuna', 1, 'TSA HTTP 503', '2026-01-10T10:00:00Z', null, 'x'), /FOREIGN KEY constraint failed/);
  put.run('i', 1, 'TSA HTTP 503', '2026-01-10T10:00:00Z', null, 'x');
  assert.equal((db.prepare('SELECT failures FROM long_term_attempts').get() as { failures: number }).failures, 1);
});
