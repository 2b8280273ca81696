/** `vigilanza doctor` as a user runs it: a real data folder made by the app, a real process. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { vigilanza } from '../helpers/cli.ts';

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
const env = { VIGILANZA_FROM_SOURCE: '1' };

function dataFolder(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const app = openApp({ dataDir: dir, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  const call = (m: string, i: unknown) => {
    const r = app.dispatch(m, i);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.value as { id: string };
  };
  const service = call('services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
  });
  const inspection = call('inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
  });
  call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: inspection.id, signatures: [SIG] });
  const report = app.store.attachments.add({
    inspectionId: inspection.id,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7 verbale'),
  });
  app.close();
  return { dir, id: inspection.id, sha: report.sha256 };
}

test('vigilanza doctor: a clean folder exits 0; a changed report and a rewritten sealed visit exit 1, named in Italian', (t) => {
  const { dir, id, sha } = dataFolder(t);
  let r = vigilanza(['doctor', '--data', dir], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Nessun problema: i dati sono integri/);
  assert.match(r.stdout, /1 revisioni sigillate/);

  writeFileSync(join(dir, 'blobs', sha.slice(0, 2), sha), 'verbale falso');
  const db = new Database(join(dir, 'vigilanza.db'));
  for (const { name } of db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as Array<{ name: string }>)
    db.exec(`DROP TRIGGER "${name}"`);
  db.prepare("UPDATE inspections SET date = '2026-01-01' WHERE id = ?").run(id);
  db.close();

  r = vigilanza(['doctor', '--data', dir], { env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /Problemi trovati: 2/);
  assert.match(r.stdout, /Integrità compromessa: ispezione .*data della visita diversi da quanto sigillato/);
  assert.match(r.stdout, /Integrità compromessa: file .* alterato/);

  r = vigilanza(['doctor', '--data', dir, '--json'], { env });
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.deepEqual(out.problems.map((p: { kind: string }) => p.kind).sort(), ['blob', 'sealed']);
});

test('vigilanza doctor: bad arguments exit 2 with a message naming what is wrong', (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'vigilanza-doctor-empty-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  for (const [args, message] of [
    [['doctor'], /--data: indicare la cartella dei dati/],
    [['doctor', '--data', empty], /nessun database di Vigilanza Nidi/],
    [['doctor', '--data', empty, '--verbose'], /--verbose/],
  ] as const) {
    const r = vigilanza([...args], { env });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('vigilanza doctor changes nothing: a folder of an older schema is refused (exit 2), its files left byte for byte', (t) => {
  const { dir } = dataFolder(t);
  const db = new Database(join(dir, 'vigilanza.db'));
  const current = Number(db.pragma('user_version', { simple: true }));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma(`user_version = ${current - 1}`); // as the release before the last migration left it
  db.close();
  // SQLite's read-only connection may leave an empty -wal and its lock file (-shm): no data in either.
  const snapshot = () =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(
        (e) => e.isFile() && !e.name.endsWith('-shm') && !(e.name.endsWith('-wal') && statSync(join(e.parentPath, e.name)).size === 0),
      )
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return `${path} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      })
      .sort();
  const before = snapshot();
  const r = vigilanza(['doctor', '--data', dir], { env });
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`schema ${current - 1}, questa versione usa lo schema ${current}: aprire la cartella una volta con l'applicazione`),
  );
  assert.equal(r.stdout, '');
  assert.deepEqual(snapshot(), before, 'nothing in the folder changed');
});
