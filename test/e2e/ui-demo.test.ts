/**
 * Issue 10: demo data is marked where it appears. `serve --demo` shows «DEMO» on every demo
 * service (list and page) and visit, never on a service made by hand, and says that a sealed demo
 * visit is not sent; `serve` without --demo starts on an empty register.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchWithShell,
  openPage,
  pageApi,
  screenshot,
  startShell,
  VIEWPORT,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let browser: Browser;
let shell: Shell;
let w: Watched;
let page: Page;

describe('UI, dati dimostrativi', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    [browser, shell] = await launchWithShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('marks every demo service and visit «DEMO», and not a service made by hand', async () => {
    await pageApi(page, 'services.create', {
      name: 'Nido Reale di Prova',
      type: 'nido',
      comune: 'Impruneta',
      capacity: 20,
      kitchen: false,
      authorizationIssuedOn: '2025-10-01',
    });
    await page.reload();
    const table = page.locator('table').first();
    const row = (name: string) => table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await row('Nido Reale di Prova').waitFor();
    const services = await pageApi<Array<{ name: string; demo: boolean }>>(page, 'services.list', {});
    assert.ok(services.filter((s) => s.demo).length >= 7);
    for (const s of services) {
      assert.equal(await row(s.name).locator('.badge-demo').count(), s.demo ? 1 : 0, `${s.name}: DEMO ${s.demo ? 'shown' : 'absent'}`);
    }
    assert.match(await row('Nido d’infanzia Il Girasole').locator('.badge-demo').innerText(), /^◇\sDEMO$/);
    assert.equal(await horizontalOverflow(page), 0, 'the badges fit at 1366 px');
    assert.deepEqual(page.viewportSize(), VIEWPORT);
    await screenshot(page, 'demo-01-elenco-servizi');

    // The service page: the badge by its data, and on each visit of its history.
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nido d’infanzia Il Girasole' }).waitFor();
    const heading = page.locator('.page-heading');
    await heading.locator('.badge-demo', { hasText: 'DEMO' }).waitFor();
    const history = page.locator('section[aria-labelledby="storico-title"]');
    const visits = history.locator('tbody tr');
    assert.ok((await visits.count()) >= 2);
    for (const r of await visits.all()) {
      assert.equal(await r.locator('.badge-demo').count(), 1);
      assert.match(await r.innerText(), /non si invia \(dimostrativa\)/);
    }
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'demo-02-servizio');

    // A sealed demo visit: the badge next to its status.
    await visits.first().getByRole('link').click();
    await page.locator('.ispezione-header .badge-demo', { hasText: 'DEMO' }).waitFor();
    await screenshot(page, 'demo-03-ispezione');

    // The service made by hand: no badge on its page.
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Servizi' }).click();
    await page.getByRole('link', { name: 'Nido Reale di Prova', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nido Reale di Prova' }).waitFor();
    assert.equal(await page.locator('.badge-demo').count(), 0);
    assert.deepEqual(w.problems, []);
  });

  it('a real installation (serve without --demo) starts on an empty register', async () => {
    const real = await startShell();
    try {
      const other = await openPage(browser, real.url);
      await other.page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
      assert.deepEqual(await pageApi(other.page, 'services.list', {}), []);
      assert.equal(await other.page.locator('.badge-demo').count(), 0);
      await other.context.close();
    } finally {
      await real.stop();
    }
  });
});
