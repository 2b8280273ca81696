/**
 * What the lists show is stored, not recomputed (issue 16, migration 008): the counts a service's
 * page shows are those of a full evaluation of each revision's file, at sealing, after a
 * correction, for a draft as it changes, and on a folder sealed before 008 (filled on first use);
 * the services list's Art. 17 figures, fetched for a window of dates only, are those of every visit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { addDays } from '../../shared/dates.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import {
  countOutcomes,
  evaluate,
  inspectionsDueWindow,
  OUTCOMES_EVALUATION,
  RULE_SETS,
  serviceInspectionsDue,
} from '../../shared/rules/index.ts';
import { checkDataFolder } from '../../db/doctor.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { Store } from '../../db/store.ts';
import { buildInspectionFile } from '../../host/inspection-file.ts';
import { fileKeyProvider } from '../../host/keys.ts';
import type { HostApp } from '../../host/app.ts';
import { ok, openTestApp, SERVICE, tempDir } from './db-fixtures.ts';

const NO_ITEMS: readonly string[] = ['A.destinazione_uso.certificato', 'A.area_esterna.recintata_esclusiva'];

/** The counts of a full evaluation of what `inspections.export` gives (the sealed file, or the draft's). */
function fullCounts(app: HostApp, id: string) {
  const file = ok<InspectionFile>(app, 'inspections.export', { id });
  return countOutcomes(evaluate(file, RULE_SETS.get(file.ruleSet)!, getChecklist(file.ruleSet)!).findings);
}

function stored(app: HostApp, id: string) {
  return app.store.db
    .prepare('SELECT content_hash, evaluation, pass, warn, fail, na FROM inspection_outcomes WHERE inspection_id = ?')
    .get(id) as { content_hash: string; evaluation: number; pass: number; warn: number; fail: number; na: number } | undefined;
}

/** Every revision of every service: the page's count is the full evaluation's, and a sealed one's row agrees. */
function assertPagesAgree(app: HostApp): number {
  let checked = 0;
  for (const s of ok<Array<{ id: string }>>(app, 'services.list', {})) {
    for (const row of ok<{ inspections: Array<{ id: string; status: string; failCount: number; contentHash: string | null }> }>(
      app,
      'services.get',
      { id: s.id },
    ).inspections) {
      const full = fullCounts(app, row.id);
      assert.equal(row.failCount, full.fail, `revisione ${row.id}`);
      assert.equal(ok(app, 'inspections.get', { id: row.id }).failCount, full.fail);
      const saved = stored(app, row.id);
      if (row.status === 'draft') assert.equal(saved, undefined, 'no stored counts for a draft');
      else {
        assert.deepEqual({ pass: saved?.pass, warn: saved?.warn, fail: saved?.fail, na: saved?.na }, full, `counts stored for ${row.id}`);
        assert.equal(saved!.content_hash, row.contentHash);
        assert.equal(saved!.evaluation, OUTCOMES_EVALUATION);
      }
      checked++;
    }
  }
  return checked;
}

function visitWithFailures(app: HostApp, serviceId: string, date: string, no: readonly string[]): string {
  const { id } = ok(app, 'inspections.create', { serviceId, purpose: 'verifica_periodica', date });
  ok(app, 'inspections.saveCounts', {
    inspectionId: id,
    children: [{ band: '24-36', enrolled: 20, present: 18 }],
    staffCounts: { educators: { planned: 1, present: 1 }, auxiliaries: { planned: 1, present: 1 } },
  });
  for (const itemId of NO_ITEMS) ok(app, 'inspections.saveAnswer', { inspectionId: id, itemId, value: no.includes(itemId) ? 'no' : 'yes' });
  return id;
}

test('the counts a service page shows are a full evaluation: at sealing, after a correction, for a draft as it changes', (t) => {
  const app = openTestApp(t, { demo: true });
  const service = ok(app, 'services.create', SERVICE);
  const first = visitWithFailures(app, service.id, '2026-01-20', NO_ITEMS);
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: first, signatures: [] });
  assert.ok(stored(app, first), 'written in the seal');
  assert.ok(stored(app, first)!.fail >= NO_ITEMS.length);

  // A correction: a new draft (evaluated live) whose answers change, then sealed with its own counts.
  const next = ok(app, 'inspections.revise', { id: first });
  const draftBefore = fullCounts(app, next.id);
  for (const itemId of NO_ITEMS) ok(app, 'inspections.saveAnswer', { inspectionId: next.id, itemId, value: 'yes' });
  const draftAfter = fullCounts(app, next.id);
  assert.equal(draftAfter.fail, draftBefore.fail - NO_ITEMS.length, 'the two «no» were failures');
  const page = ok(app, 'services.get', { id: service.id });
  assert.equal(page.inspections.find((i: { id: string }) => i.id === next.id).failCount, draftAfter.fail, 'the draft as it is now');
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: next.id, signatures: [] });
  assert.deepEqual(
    { ...stored(app, next.id), content_hash: undefined, evaluation: undefined },
    { ...draftAfter, content_hash: undefined, evaluation: undefined },
  );
  // The first revision keeps its own counts: it is history, not overwritten by the correction.
  assert.equal(stored(app, first)!.fail, fullCounts(app, first).fail);
  visitWithFailures(app, service.id, '2026-03-01', NO_ITEMS.slice(1)); // a draft left open
  assert.ok(assertPagesAgree(app) >= 8, 'demo services and this one');
});

test('stored counts of another evaluation are made again; the table takes rows only for a sealed revision and its own file', (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const sealed = visitWithFailures(app, service.id, '2026-01-20', NO_ITEMS);
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: sealed, signatures: [] });
  const draft = visitWithFailures(app, service.id, '2026-02-20', []);
  const hash = stored(app, sealed)!.content_hash;

  // An older build's counts (another evaluation number) are not shown: evaluated again and rewritten.
  app.store.db
    .prepare('UPDATE inspection_outcomes SET evaluation = ?, fail = 99 WHERE inspection_id = ?')
    .run(OUTCOMES_EVALUATION - 1, sealed);
  const row = ok(app, 'services.get', { id: service.id }).inspections.find((i: { id: string }) => i.id === sealed);
  assert.equal(row.failCount, fullCounts(app, sealed).fail);
  assert.equal(stored(app, sealed)!.evaluation, OUTCOMES_EVALUATION);
  assert.equal(stored(app, sealed)!.fail, fullCounts(app, sealed).fail);

  const insert = app.store.db.prepare(
    'INSERT INTO inspection_outcomes (inspection_id, content_hash, evaluation, pass, warn, fail, na) VALUES (?, ?, 1, 0, 0, 0, 0)',
  );
  assert.throws(() => insert.run(draft, hash), /solo per una revisione sigillata/, 'not for a draft');
  app.store.db.prepare('DELETE FROM inspection_outcomes WHERE inspection_id = ?').run(sealed);
  assert.throws(
    () => insert.run(sealed, sha256Hex(new TextEncoder().encode('altro'))),
    /solo per una revisione sigillata/,
    'not for another file',
  );
  // A deleted row (derived data) is simply made again.
  assert.equal(assertPagesAgree(app), 2);
  assert.deepEqual(checkDataFolder(app.store).problems, []);

  // Counts rewritten by hand for the same file would hide a non-conformity from the lists: the doctor names it.
  app.store.db.prepare('UPDATE inspection_outcomes SET fail = 0 WHERE inspection_id = ?').run(sealed);
  const problems = checkDataFolder(app.store).problems;
  assert.deepEqual(
    problems.map((p) => [p.kind, p.inspectionId]),
    [['outcomes', sealed]],
  );
  assert.match(problems[0]!.message, /Integrità compromessa: .*esiti contati per gli elenchi \(non conformità 0\)/);
});

test('a folder sealed before migration 008 gets its counts on first use, equal to a full evaluation', (t) => {
  const dir = tempDir(t);
  // The folder as a 007 build left it: sealed revisions (the seal's file, as the handlers make it), no counts table.
  const old = Store.open(dir, {
    keyProvider: fileKeyProvider(dir, { create: true }),
    migrations: MIGRATIONS.filter((m) => m.version <= 7),
    now: () => new Date('2026-03-10T09:00:00Z'),
  });
  // Today's repositories read 009's demo column, 011's place and times and 013's plan of a visit: lent to the old schema while its rows are made, dropped before closing.
  const lent = ['place', 'start_time', 'end_time'];
  old.db.exec('CREATE TABLE visit_plans (visit_id TEXT PRIMARY KEY, plan_id TEXT NOT NULL, reason TEXT NOT NULL)');
  old.db.exec(
    'ALTER TABLE services ADD COLUMN demo INTEGER NOT NULL DEFAULT 0; ALTER TABLE inspections ADD COLUMN demo INTEGER NOT NULL DEFAULT 0',
  );
  for (const c of lent) old.db.exec(`ALTER TABLE inspections ADD COLUMN ${c} TEXT`);
  const service = old.services.create({ ...SERVICE, territorialRls: false });
  const ids: string[] = [];
  const visits: Array<[string, readonly string[]]> = [
    ['2025-05-10', NO_ITEMS],
    ['2025-11-10', NO_ITEMS.slice(1)],
    ['2026-02-10', []],
  ];
  for (const [date, no] of visits) {
    const r = old.inspections.create({ serviceId: service.id, ruleSet: 'zona-fse@1', purpose: 'verifica_periodica', date, memberIds: [] });
    for (const itemId of NO_ITEMS) old.inspections.saveAnswer(r.id, { itemId, value: no.includes(itemId) ? 'no' : 'yes' });
    const canonicalFile = canonicalJson(buildInspectionFile(old, old.inspections.content(r.id)));
    old.transaction(() => {
      old.inspections.seal(r.id, { signatures: [], canonicalFile, contentHash: sha256Hex(new TextEncoder().encode(canonicalFile)) });
      old.outbox.enqueue(r.id);
    });
    ids.push(r.id);
  }
  assert.equal(old.db.pragma('user_version', { simple: true }), 7);
  old.db.exec('ALTER TABLE services DROP COLUMN demo; ALTER TABLE inspections DROP COLUMN demo');
  for (const c of lent) old.db.exec(`ALTER TABLE inspections DROP COLUMN ${c}`);
  old.db.exec('DROP TABLE visit_plans');
  old.close();

  const app = openTestApp(t, { dir });
  assert.equal(app.store.db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  assert.equal((app.store.db.prepare('SELECT count(*) AS n FROM inspection_outcomes').get() as { n: number }).n, 0, 'left for the host');
  const fails = ids.map((id) => fullCounts(app, id).fail);
  assert.ok(fails[0]! > fails[2]!, 'the visits differ, so a count mixed up between them would show');
  const page = ok(app, 'services.get', { id: service.id });
  assert.deepEqual(
    ids.map((id) => page.inspections.find((i: { id: string }) => i.id === id).failCount),
    fails,
  );
  assert.equal((app.store.db.prepare('SELECT count(*) AS n FROM inspection_outcomes').get() as { n: number }).n, 3, 'filled once');
  assert.equal(assertPagesAgree(app), 3);
  // Art. 17 from the window only, as from every visit: last visit 2026-02-10, this year's semester done.
  const listed = ok(app, 'services.list', {}).find((s: { id: string }) => s.id === service.id);
  assert.equal(listed.lastInspectionDate, '2026-02-10');
  assert.equal(listed.inspectionOverdue, false);
  // The filters of the one query: Comune without regard to case, the user's «%» a character.
  assert.deepEqual(
    ok(app, 'services.list', { comune: SERVICE.comune.toUpperCase() }).map((s: { id: string }) => s.id),
    [service.id],
  );
  assert.deepEqual(ok(app, 'services.list', { query: '%' }), []);
  assert.equal(ok(app, 'services.list', { query: 'girasole', type: 'nido' }).length, 1);
});

test('Art. 17 given the window of visits (latest, this calendar year) answers as given every visit', () => {
  const rs = RULE_SETS.get('zona-fse@1')!;
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let run = 0; run < 500; run++) {
    const asOf = addDays('2026-06-30', random(900) - 450);
    const dates = Array.from({ length: random(12) }, () => addDays(asOf, random(1500) - 1200));
    const acts = { authorizationIssuedOn: random(3) ? addDays(asOf, -random(3000)) : null, accreditationIssuedOn: null };
    const { from } = inspectionsDueWindow(asOf);
    const done = dates.filter((d) => d <= asOf);
    const latest = done.sort().at(-1);
    const window = [...new Set(done.filter((d) => d >= from))].sort();
    const windowed = serviceInspectionsDue(rs, acts, latest ? [latest, ...window] : window, asOf);
    const full = serviceInspectionsDue(rs, acts, dates, asOf);
    assert.equal(windowed.lastVisit, full.lastVisit, `run ${run}`);
    assert.equal(windowed.nextDueBy, full.nextDueBy, `run ${run}`);
    assert.equal(windowed.overdue, full.overdue, `run ${run}`);
    assert.deepEqual(
      windowed.periods.map((p) => [p.from, p.status, [...new Set(p.done)]]),
      full.periods.map((p) => [p.from, p.status, [...new Set(p.done)]]),
      `run ${run}`,
    );
  }
});
