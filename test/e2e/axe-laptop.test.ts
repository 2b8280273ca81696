/**
 * axe-core (WCAG 2.1 AA) on every main page of the laptop app, in Debian Chromium through the
 * browser shell on its demo data: 0 violations. The "needs review" items of each page are in
 * test-results/axe/laptop-*.json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../helpers/ui-axe.ts';
import { ensureRendererBuilt, launchChromium, openPage, pageApi, startShell, type Shell } from '../helpers/ui-shell.ts';

let shell: Shell;
let browser: Browser;
let page: Page;
const base = () => shell.url.split('#')[0]!;

async function visit(hash: string, heading: RegExp | string) {
  await page.goto(`${base()}#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
}

describe('axe-core: le pagine del portatile', { timeout: 300_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    page = (await openPage(browser, shell.url)).page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('servizi, servizio, nuova ispezione, ispezione (ogni sezione e «Chiudi visita»), firma digitale, ufficio, agenda', async () => {
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const service = services.find((s) => s.name === 'Nido Arcobaleno') ?? services[0]!;
    const pages: Array<[string, string, RegExp | string]> = [
      ['servizi', '/servizi', 'Servizi educativi'],
      ['servizio', `/servizi/${service.id}`, service.name],
      ['servizio-modifica', `/servizi/${service.id}/modifica`, /Modifica/],
      ['servizio-nuovo', '/servizi/nuovo', /Nuovo servizio/],
      ['ispezione-nuova', `/servizi/${service.id}/nuova-ispezione`, /Nuova ispezione/],
      ['firma-digitale', '/firma-digitale', /Firma digitale/],
      ['ufficio', '/ufficio', /Ufficio/],
      ['agenda', '/agenda', 'Agenda'],
    ];
    const failures: string[] = [];
    for (const [name, hash, heading] of pages) {
      await visit(hash, heading);
      failures.push(...(await axeViolations(page, `laptop-${name}`)).map((v) => `${name}: ${v}`));
    }
    // A draft visit: every section tab, then «Chiudi visita».
    const created = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: service.id,
      purpose: 'verifica_periodica',
      date: (await pageApi<{ today: string }>(page, 'app.info', {})).today,
      memberIds: [],
    });
    await visit(`/ispezioni/${created.id}`, /./);
    const tabs = page.getByRole('navigation', { name: 'Parti della scheda' }).getByRole('button');
    const count = await tabs.count();
    for (let i = 0; i < count; i++) {
      await tabs.nth(i).click();
      await page.locator('main').waitFor();
      failures.push(...(await axeViolations(page, `laptop-ispezione-${i}`)).map((v) => `ispezione, scheda ${i + 1}: ${v}`));
    }
    assert.ok(count >= 3, `the visit has its section links (${count})`);
    assert.deepEqual(failures, [], 'axe-core: nessuna violazione WCAG 2.1 AA');
    // The check can fail: a control without a label is reported.
    await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('input'), { type: 'text' })));
    assert.match((await axeViolations(page, 'laptop-controllo')).join('\n'), /^label /m);
  });
});
