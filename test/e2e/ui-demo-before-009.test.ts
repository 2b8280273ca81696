/**
 * `vigilanza serve --demo` on a demo folder seeded before migration 009 (issue 10): its made-up
 * services and visits were ordinary rows then, and its sealed visits were queued for the office.
 * Opening it now marks them (migration 010): «DEMO» on every seeded service and visit, «non si invia
 * (dimostrativa)», nothing of theirs waiting for the office; a service made by hand stays real and
 * queued, even one named like a demo service; `vigilanza doctor` finds the folder sound.
 *
 * The folder is made as an 008-era one: the app seeds it today (the seed's rows are the same as
 * then: migration 010's list), then the test takes it back to schema 008 the way that version left
 * it: no demo columns nor 009 triggers (nor 011's place and times, 013's agenda, 014's register, 015's long-term attempts), every sealed visit queued, `user_version` 8. (The sealed
 * files keep the `demo: true` today's seal wrote; nothing below reads it.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { SEEDED_DEMO_SERVICES } from '../../db/migrations/010_demo_seed_marked.ts';
import { openApp } from '../../host/app.ts';
import { vigilanza } from '../helpers/cli.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchWithShell,
  openPage,
  pageApi,
  screenshot,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let browser: Browser;
let shell: Shell;
let w: Watched;
let page: Page;
let dataDir: string;
const REAL = 'Nido Arcobaleno';

/** A demo folder as `serve --demo` left it before 009, with one real visit sealed and queued beside the demo. */
function folderOf008(dir: string): void {
  const app = openApp({ dataDir: dir, shell: 'browser', demo: true, log: () => {} });
  const call = (m: string, i: unknown) => {
    const r = app.dispatch(m, i);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.value as { id: string };
  };
  // Same name and Comune as a demo service, another address: made by hand, real.
  const real = call('services.create', {
    name: REAL,
    type: 'nido',
    comune: 'Pontassieve',
    address: 'Via del Capitano 2',
    capacity: 30,
    kitchen: false,
    authorizationIssuedOn: '2025-10-01',
  });
  const visit = call('inspections.create', { serviceId: real.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  call('inspections.seal', { id: visit.id, signatures: [], commissionReason: 'prova: commissione non in esame' });
  app.close();

  const db = new Database(join(dir, 'vigilanza.db'));
  try {
    // 011's place and times were not there either: the sealed-row trigger goes back to the list without them.
    const sealedTrigger = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'inspections_sealed_immutable'").get() as { sql: string })
      .sql;
    const trigger006 = sealedTrigger.replace(
      ' OR NEW.place IS NOT OLD.place OR NEW.start_time IS NOT OLD.start_time OR NEW.end_time IS NOT OLD.end_time',
      '',
    );
    assert.notEqual(trigger006, sealedTrigger);
    db.exec(`
-- Nor 013's agenda and plan links, nor 014's register of educators, nor 015's long-term attempts.
DROP TABLE long_term_attempts;
DROP TABLE visit_plans;
DROP TABLE agenda;
DROP TABLE register_entries;
DROP TRIGGER inspections_sealed_immutable;
ALTER TABLE inspections DROP COLUMN end_time;
ALTER TABLE inspections DROP COLUMN start_time;
ALTER TABLE inspections DROP COLUMN place;
${trigger006};
DROP TRIGGER inspections_demo_from_service;
DROP TRIGGER inspections_demo_fixed;
DROP TRIGGER services_demo_fixed;
DROP TRIGGER outbox_no_demo;
UPDATE inspections SET demo = 0;
UPDATE services SET demo = 0;
ALTER TABLE inspections DROP COLUMN demo;
ALTER TABLE services DROP COLUMN demo;
-- Sealing queued every visit before 009.
INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), id, visit_id, revision, content_hash, sealed_at, sealed_at
  FROM inspections WHERE status <> 'draft' AND id NOT IN (SELECT inspection_id FROM outbox);
PRAGMA user_version = 8;
`);
  } finally {
    db.close();
  }
}

describe('UI, dati dimostrativi di una cartella anteriore alla migrazione 009', { timeout: 180_000 }, () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-demo-008-'));
    folderOf008(dataDir);
    const queued = new Database(join(dataDir, 'vigilanza.db'), { readonly: true });
    const before = queued.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number };
    queued.close();
    assert.ok(before.n >= 4, `the 008-era folder has its demo visits queued (${before.n})`);
    await ensureRendererBuilt();
    [browser, shell] = await launchWithShell({ demo: true, dataDir });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
  });
  after(async () => {
    if (w?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every service the seed made is «DEMO», the one made by hand is not; only the real visit waits for the office', async () => {
    const services = await pageApi<Array<{ id: string; name: string; address: string; demo: boolean }>>(page, 'services.list', {});
    assert.equal(services.length, SEEDED_DEMO_SERVICES.length + 1);
    assert.deepEqual(
      services
        .filter((s) => s.demo)
        .map((s) => s.name)
        .sort(),
      SEEDED_DEMO_SERVICES.map((s) => s[0]).sort(),
    );
    assert.deepEqual(
      services.filter((s) => !s.demo).map((s) => s.address),
      ['Via del Capitano 2'],
    );
    const rows = page.locator('.services-table tbody tr');
    await rows.nth(services.length - 1).waitFor();
    assert.equal(await rows.count(), services.length);
    const unmarked = rows.filter({ hasNot: page.locator('.badge-demo') });
    assert.equal(await unmarked.count(), 1, 'one row without «DEMO»');
    assert.match(await unmarked.innerText(), new RegExp(`^${REAL}`));
    assert.equal(await page.locator('.services-table .badge-demo').count(), SEEDED_DEMO_SERVICES.length);
    assert.equal(await page.locator('[data-header-office]').innerText(), 'Ufficio non associato · 1 visita da inviare');
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'demo-008-01-elenco');
  });

  it('the seeded visits are «DEMO» and «non si invia (dimostrativa)» on their service’s page', async () => {
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nido d’infanzia Il Girasole' }).waitFor();
    await page.locator('.page-heading .badge-demo', { hasText: 'DEMO' }).waitFor();
    const visits = page.locator('section[aria-labelledby="storico-title"] tbody tr');
    assert.ok((await visits.count()) >= 2);
    for (const r of await visits.all()) {
      assert.equal(await r.locator('.badge-demo').count(), 1);
      assert.match(await r.innerText(), /non si invia \(dimostrativa\)/);
    }
    await screenshot(page, 'demo-008-02-servizio');
  });

  it('vigilanza doctor finds the migrated folder sound (audit chain with the marking entries, outbox)', async () => {
    await shell.stop();
    const r = vigilanza(['doctor', '--data', dataDir, '--json'], { env: { VIGILANZA_FROM_SOURCE: '1' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const db = new Database(join(dataDir, 'vigilanza.db'), { readonly: true });
    try {
      const marked = db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'segnata come dimostrativa'").get() as { n: number };
      const demoVisits = db.prepare('SELECT count(*) AS n FROM inspections WHERE demo = 1').get() as { n: number };
      assert.ok(demoVisits.n >= 4);
      assert.equal(marked.n, demoVisits.n, 'one audit entry per visit marked');
      assert.deepEqual(
        db.prepare('SELECT i.demo FROM outbox o JOIN inspections i ON i.id = o.inspection_id').all(),
        [{ demo: 0 }],
        'only the real visit is queued',
      );
    } finally {
      db.close();
    }
  });
});
