/**
 * «Dati della visita»: the place and the start and end time of the visit (issue 11, what a signed
 * act shows), typed from the keyboard, survive leaving the visit the moment after typing; an end
 * before the start is said in Italian on its field and not saved; once sealed the fields are
 * read-only and the sealed file carries them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../helpers/ui-axe.ts';
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
let inspectionId: string;
const SERVICE = 'Nido d’infanzia Il Girasole';
const PLACE = 'Sede del servizio, via Roma 1, Bagno a Ripoli';

const openTab = async (tab: string) => {
  await page.locator(`.navigatore [data-tab="${tab}"]`).click();
  await page.locator(`#tab-heading-${tab}`).waitFor();
};
const focused = (id: string) => page.evaluate((x) => document.activeElement?.id === x, id);
const stored = async () => {
  const d = await pageApi<{ place: string | null; startTime: string | null; endTime: string | null }>(page, 'inspections.get', {
    id: inspectionId,
  });
  return [d.place, d.startTime, d.endTime];
};
/** The next autosave of the visit data the host answers (set up before the change that causes it). */
const nextUpdate = () => page.waitForResponse((r) => r.url().endsWith('/api/inspections.update') && r.status() === 200);

describe('UI, luogo e orari della visita', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    const today = (await pageApi<{ today: string }>(page, 'app.info')).today;
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === SERVICE)!;
    inspectionId = (
      await pageApi<{ id: string }>(page, 'inspections.create', { serviceId: girasole.id, purpose: 'verifica_periodica', date: today })
    ).id;
    await page.getByRole('link', { name: SERVICE }).click();
    await page.locator(`a[href$="/ispezioni/${inspectionId}"]`).first().click();
    await page.locator('#ispezione-title').waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('luogo, ora di inizio e di fine scritti da tastiera restano uscendo subito dalla visita', async () => {
    await openTab('visita');
    const place = page.getByLabel('Luogo della visita');
    const start = page.getByLabel('Ora di inizio', { exact: true });
    const end = page.getByLabel('Ora di fine', { exact: true });
    assert.deepEqual([await place.inputValue(), await start.inputValue(), await end.inputValue()], ['', '', '']);
    await place.focus();
    await page.keyboard.type(PLACE);
    await page.keyboard.press('Tab');
    assert.ok(await focused('v-start'), 'Tab dal luogo porta all’ora di inizio');
    await page.keyboard.type('9.30');
    await page.keyboard.press('Tab');
    assert.ok(await focused('v-end'), 'Tab dall’ora di inizio porta all’ora di fine');
    assert.equal(await start.inputValue(), '09:30', '«9.30» si legge 09:30 lasciando il campo');
    await page.keyboard.type('12:15');
    // Away at once: the breadcrumb to the service's page, the autosave still pending.
    await page.locator('.breadcrumb a').click();
    await page.locator('#servizio-title').waitFor();
    assert.deepEqual(await stored(), [PLACE, '09:30', '12:15']);
    await page.goBack();
    await page.locator('#ispezione-title').waitFor();
    await openTab('visita');
    assert.equal(await place.inputValue(), PLACE);
    assert.equal(await start.inputValue(), '09:30');
    assert.equal(await end.inputValue(), '12:15');
    assert.deepEqual(await unlabelledControls(page), []);
    assert.deepEqual(await axeViolations(page, 'laptop-dati-visita-orari'), []);
    await screenshot(page, 'visita-01-luogo-orari-ritrovati');
  });

  it('un’ora di fine prima dell’inizio, o scritta male, è detta in italiano sul campo e non si salva', async () => {
    const end = page.getByLabel('Ora di fine', { exact: true });
    await end.fill('08:00');
    const message = page.locator('#v-end-err');
    await message.filter({ hasText: 'l’ora di fine (08:00) deve essere successiva all’ora di inizio (09:30)' }).waitFor();
    assert.equal(await message.getAttribute('role'), 'alert');
    assert.equal(await end.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await axeViolations(page, 'laptop-dati-visita-orari-errore'), []);
    await screenshot(page, 'visita-02-ora-di-fine-prima');
    await end.fill('25:00');
    await end.blur();
    await message.filter({ hasText: '«25:00» non è un’ora valida: ora nel formato hh:mm sulle 24 ore (es. 09:30)' }).waitFor();
    // The place still saves meanwhile; the times stay the last pair that holds.
    let saved = nextUpdate();
    await page.getByLabel('Luogo della visita').fill(`${PLACE}, salone`);
    await saved;
    assert.deepEqual(await stored(), [`${PLACE}, salone`, '09:30', '12:15']);
    saved = nextUpdate();
    await end.fill('12:45');
    await saved;
    assert.equal(await message.textContent(), '');
    assert.equal(await end.getAttribute('aria-invalid'), 'false');
    assert.deepEqual(await stored(), [`${PLACE}, salone`, '09:30', '12:45']);
    // Emptied, the end is "not recorded".
    saved = nextUpdate();
    await end.fill('');
    await saved;
    assert.deepEqual(await stored(), [`${PLACE}, salone`, '09:30', null]);
    saved = nextUpdate();
    await end.fill('12:15');
    await saved;
    saved = nextUpdate();
    await page.getByLabel('Luogo della visita').fill(PLACE);
    await saved;
    assert.deepEqual(await stored(), [PLACE, '09:30', '12:15']);
  });

  it('sigillata, la visita li mostra in sola lettura e il file sigillato li porta', async () => {
    const sealed = await pageApi<{ inspection: { sealedFile: { visit: Record<string, unknown> } } }>(page, 'inspections.seal', {
      id: inspectionId,
      commissionReason: 'prova automatica: commissione non in esame',
    });
    const visit = sealed.inspection.sealedFile.visit;
    assert.deepEqual([visit.place, visit.startTime, visit.endTime], [PLACE, '09:30', '12:15']);
    await page.reload();
    await page.locator('#ispezione-title').waitFor();
    await openTab('visita');
    for (const [label, value] of [
      ['Luogo della visita', PLACE],
      ['Ora di inizio', '09:30'],
      ['Ora di fine', '12:15'],
    ] as const) {
      const field = page.getByLabel(label, { exact: true });
      assert.equal(await field.inputValue(), value, label);
      assert.ok(await field.isDisabled(), `${label}: sola lettura`);
    }
    await screenshot(page, 'visita-03-sigillata-sola-lettura');
    assert.deepEqual(w.problems, []);
  });
});
