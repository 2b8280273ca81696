/**
 * Dates are typed and shown as gg/mm/aaaa whatever the browser's locale (issue 10, "Dates"): in an
 * en-US context, where Chromium's own date input reads 02/12/2026 as 12 February, the visit's
 * date 02/12/2026 is stored as 2026-12-02; an impossible date is refused with an Italian message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays } from '../../shared/dates.ts';
import {
  ensureRendererBuilt,
  launchChromium,
  openPage,
  pageApi,
  screenshot,
  startShell,
  unlabelledControls,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let browser: Browser;
let shell: Shell;
let w: Watched;
let page: Page;

describe('UI, date in formato italiano con il browser in inglese', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url, { locale: 'en-US' });
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('02/12/2026 è il 2 dicembre; il 31/02/2026 non esiste', async () => {
    assert.equal(await page.evaluate(() => navigator.language), 'en-US');
    const today = (await pageApi<{ today: string }>(page, 'app.info')).today;
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === 'Nido d’infanzia Il Girasole')!;
    const { id } = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: girasole.id,
      purpose: 'verifica_periodica',
      date: addDays(today, -3),
    });
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
    await page.locator(`a[href$="/ispezioni/${id}"]`).first().click();
    await page.locator('.navigatore [data-tab="visita"]').click();
    const date = page.getByLabel('Data della visita');
    assert.equal(await date.getAttribute('placeholder'), 'gg/mm/aaaa');
    assert.equal(await date.getAttribute('inputmode'), 'numeric');

    await date.fill('31/02/2026');
    await date.blur();
    await page.getByText('la data 31/02/2026 non esiste: febbraio 2026 ha 28 giorni').waitFor();
    assert.equal(await date.getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'date-01-data-inesistente');
    assert.deepEqual(await unlabelledControls(page), []);

    await date.fill('02/12/2026');
    await page.locator('#ispezione-title', { hasText: 'Ispezione del 02/12/2026' }).waitFor();
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor();
    assert.equal((await pageApi<{ date: string }>(page, 'inspections.get', { id })).date, '2026-12-02');
    assert.equal(await date.getAttribute('aria-invalid'), 'false');
    // Shown back the same way after reopening.
    await page.reload();
    await page.locator('.navigatore [data-tab="visita"]').click();
    assert.equal(await page.getByLabel('Data della visita').inputValue(), '02/12/2026');
    await screenshot(page, 'date-02-data-salvata');
    assert.deepEqual(w.problems, []);
  });
});
