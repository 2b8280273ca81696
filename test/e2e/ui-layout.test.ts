/**
 * The longest pages at 1366×768 in Debian Chromium: a service with a big staff roster (many
 * certificates each, long names), section F of a nido with long notes, and «Chiudi visita» with the
 * unanswered items unfolded and many findings. No horizontal scrolling, nothing cut off; full-page
 * screenshots in test-results/screenshots/layout-*.png to look at.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays, addYears } from '../../shared/dates.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  pageApi,
  screenshot,
  startShell,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let shell: Shell;
let browser: Browser;
let w: Watched;
let page: Page;
let serviceId: string;
let inspectionId: string;

const api = <T = any>(method: string, input: unknown): Promise<T> => pageApi<T>(page, method, input);

/** Elements wider than their own box that hide content (a cut-off table cell, a long word). */
async function clipped(): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => {
        if (el.closest('.visually-hidden, .visually-hidden-file')) return false;
        const s = getComputedStyle(el);
        return (
          el.scrollWidth > el.clientWidth + 1 &&
          (s.overflowX === 'hidden' || s.overflowX === 'auto' || s.overflowX === 'scroll') &&
          el.clientWidth > 0
        );
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} > ${el.clientWidth})`),
  );
}

async function checkLayout(name: string) {
  assert.equal(await horizontalOverflow(page), 0, `${name}: la pagina scorre in orizzontale a 1366 px`);
  assert.deepEqual(await clipped(), [], `${name}: contenuto tagliato o da scorrere di lato`);
}

describe('UI, le pagine più lunghe a 1366×768', { timeout: 300_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    const today = (await api<{ today: string }>('app.info', {})).today;
    const services = await api<Array<{ id: string; name: string }>>('services.list', {});
    serviceId = services.find((s) => s.name === 'Nido Arcobaleno')!.id;
    const courses = ['first_aid', 'fire', 'rspp', 'rls', 'haccp_manager', 'haccp_simple'] as const;
    for (let i = 0; i < 24; i++) {
      await api('staff.save', {
        serviceId,
        name: i % 5 === 0 ? `Maria Antonietta Francesca Bartolomei-Guicciardini della Gherardesca ${i + 1}` : `Educatrice Numero ${i + 1}`,
        role: i % 6 === 5 ? 'ausiliario' : 'educatore',
        title: i % 6 === 5 ? null : i % 4 === 0 ? 'transitorio_master_prima_infanzia' : 'L19',
        ...(i % 4 === 0 && i % 6 !== 5 ? { pathStartedOn: '2018-10-01' } : {}),
        trainings: courses
          .slice(0, 1 + (i % courses.length))
          .map((course, j) => ({ course, hours: 12, completedOn: j % 2 ? addYears(today, -4) : addDays(today, -100 * (j + 1)) })),
      });
    }
    const members = await api<Array<{ id: string }>>('members.list', {});
    const created = await api<{ id: string }>('inspections.create', {
      serviceId,
      purpose: 'verifica_periodica',
      date: today,
      memberIds: members.map((m) => m.id),
    });
    inspectionId = created.id;
    const detail = await api<{ id: string }>('inspections.get', { id: inspectionId });
    void detail;
    const long = 'Nota lunga: '.concat('termosifoni-senza-copertura-nel-salone-principale-e-nel-corridoio '.repeat(6));
    for (const itemId of ['F.presidi.termosifoni', 'A.destinazione_uso.certificato'])
      await api('inspections.saveAnswer', { inspectionId, itemId, value: 'no', note: long });
  });

  after(async () => {
    if (w?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
  });

  it('servizio con un organico numeroso (24 persone aggiunte, molti attestati, nomi lunghi)', async () => {
    await page.evaluate((id) => (window.location.hash = `#/servizi/${id}`), serviceId);
    await page.getByRole('heading', { name: 'Nido Arcobaleno', level: 1 }).waitFor();
    await page.getByRole('row', { name: /Educatrice Numero 24/ }).waitFor();
    await checkLayout('servizio');
    await screenshot(page, 'layout-01-servizio-organico');
    await screenshot(page, 'layout-01-servizio-organico-intero', true);
  });

  it('sezione F di un nido, con note lunghe', async () => {
    await page.evaluate((id) => (window.location.hash = `#/ispezioni/${id}`), inspectionId);
    await page.locator('.navigatore [data-tab="F"]').waitFor();
    await page.keyboard.press('Tab');
    await page.locator('.navigatore [data-tab="F"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#tab-heading-F').waitFor();
    await checkLayout('sezione F');
    await screenshot(page, 'layout-02-sezione-F');
    await page.locator('[data-item="F.presidi.termosifoni"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'layout-02-sezione-F-nota-lunga');
  });

  it('«Chiudi visita» con le voci da completare per sezione', async () => {
    await page.locator('.navigatore [data-tab="chiusura"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#tab-heading-chiusura').waitFor();
    // Nothing folded any more: every entry is one click from its place, grouped by section.
    await page.locator('.missing-list').first().waitFor();
    await checkLayout('chiudi visita');
    await screenshot(page, 'layout-03-chiudi-visita');
    await page.locator('#cv-firme').scrollIntoViewIfNeeded();
    await screenshot(page, 'layout-03-chiudi-visita-firme');
  });

  it('nessun errore in console né violazioni della CSP', () => {
    assert.deepEqual(w.problems, []);
  });
});
