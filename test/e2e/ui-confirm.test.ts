/** Confirmation before what cannot be undone: focus on «Annulla», Escape cancels, confirming acts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt, launchChromium, openPage, pageApi, startShell, type Shell, type Watched } from '../helpers/ui-shell.ts';

let browser: Browser;
let shell: Shell;
let w: Watched;
let page: Page;

describe('UI, conferme (rimozione di una persona dal personale)', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('asks, cancels with Escape, and removes only when confirmed', async () => {
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
    const roster = page.locator('section[aria-labelledby="personale-title"]');
    const removeButton = roster.getByRole('button', { name: 'Rimuovi Anna Fabbri' });
    await removeButton.waitFor();

    await removeButton.click();
    const dialog = page.getByRole('dialog', { name: 'Rimuovere la persona?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Anna Fabbri sarà tolto dal personale/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Annulla', 'Enter must not confirm by accident');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await removeButton.count(), 1, 'cancelled: still on the roster');

    await removeButton.click();
    await dialog.getByRole('button', { name: 'Rimuovi', exact: true }).click();
    await removeButton.waitFor({ state: 'detached' });
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === 'Nido d’infanzia Il Girasole')!;
    const detail = await pageApi<{ staff: Array<{ name: string }> }>(page, 'services.get', { id: girasole.id });
    assert.equal(
      detail.staff.some((p) => p.name === 'Anna Fabbri'),
      false,
    );
    assert.deepEqual(w.problems, []);
  });
});
