/**
 * Spec 2: the same UI renders other service types from the checklist data alone.
 * Spazio gioco (autorizzazione): its own bands and "Previsti" column, no accreditation items,
 * a ratio finding. Domiciliare (verifica periodica): the "esclusi domiciliari" items are hidden,
 * its counts table has no ratio and no ratio finding is ever raised.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { addYears, formatItalianDate } from '../../shared/dates.ts';
import type { Purpose, ServiceType } from '../../shared/domain.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  screenshot,
  startShell,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let shell: Shell;
let browser: Browser;
let w: Watched;
let page: Page;
let today: string;
const checklist = getChecklist('zona-fse@1')!;

const panel = () => page.locator('.pannello-rilievi');
const openTab = async (tab: string) => {
  await page.locator(`.navigatore [data-tab="${tab}"]`).click();
  await page.locator(`#tab-heading-${tab}`).waitFor();
};
const count = (label: string, value: string) => page.getByLabel(label, { exact: true }).fill(value);

async function createService(s: { name: string; type: ServiceType; capacity: number; comune: string; accredited: boolean }) {
  await page.getByRole('link', { name: 'Servizi', exact: true }).click();
  await page.getByRole('link', { name: 'Nuovo servizio' }).click();
  await page.getByLabel('Denominazione').fill(s.name);
  await page.getByLabel('Tipologia').selectOption(s.type);
  await page.getByLabel('Capienza (posti autorizzati)').fill(String(s.capacity));
  await page.getByLabel('Comune').fill(s.comune);
  await page.getByLabel('Autorizzazione al funzionamento rilasciata il').fill(formatItalianDate(addYears(today, -1)));
  if (s.accredited) await page.getByLabel('Accreditamento rilasciato il').fill(formatItalianDate(addYears(today, -1)));
  await page.getByRole('button', { name: 'Crea servizio' }).click();
  await page.getByRole('heading', { name: s.name, level: 1 }).waitFor();
}

async function startVisit(purpose: Purpose) {
  await page.getByRole('link', { name: 'Nuova ispezione' }).click();
  await page.locator(`#ni-p-${purpose}`).check();
  await page.getByRole('button', { name: 'Inizia la visita' }).click();
  await page.locator('.navigatore').waitFor();
}

/** Item ids on screen, section by section, in order. */
async function renderedItems(): Promise<string[]> {
  const tabs = await page.locator('.navigatore [data-tab]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')!));
  const ids: string[] = [];
  for (const tab of tabs.filter((t) => checklist.sections.some((s) => s.id === t))) {
    await openTab(tab);
    ids.push(...(await page.locator('.scheda [data-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')!))));
  }
  return ids;
}

describe('UI, spazio gioco e servizio domiciliare', { timeout: 300_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell();
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi' }).waitFor();
    today = await page.evaluate(async () => {
      const r = await fetch('/api/app.info', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': sessionStorage.getItem('vigilanza.token')! },
        body: '{}',
      });
      return ((await r.json()) as { value: { today: string } }).value.today;
    });
  });

  after(async () => {
    // The server's own account of any failure (stack traces go to its stderr, never to the page).
    if (w?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
  });

  it('spazio gioco: solo le voci applicabili, fasce e colonna «Previsti» proprie, rilievo sul rapporto', async () => {
    await createService({
      name: 'Spazio gioco Il Trenino',
      type: 'spazio_gioco',
      capacity: 20,
      comune: 'Greve in Chianti',
      accredited: false,
    });
    await startVisit('autorizzazione');
    const tabs = await page.locator('.navigatore [data-tab]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')!));
    assert.ok(!tabs.includes('ACC'), 'per l’autorizzazione non ci sono voci di accreditamento');
    const expected = applicableItems(checklist, { type: 'spazio_gioco', purpose: 'autorizzazione' }).map((i) => i.id);
    assert.ok(!expected.some((id) => id.startsWith('ACC.')));
    assert.deepEqual(await renderedItems(), expected);

    await openTab('B');
    const head = await page.locator('.counts-table').first().locator('thead th').allInnerTexts();
    assert.deepEqual(head, ['Fascia d’età', 'Previsti', 'Presenti']);
    for (const [band, n] of [
      ['12-17', '6'],
      ['18-23', '8'],
      ['24-36', '10'],
    ] as const) {
      const label = `N° bambini ${band} mesi (1/${band === '12-17' ? 6 : band === '18-23' ? 8 : 10} ed.)`;
      await count(`Previsti: ${label}`, n);
      await count(`Presenti: ${label}`, n);
    }
    await count('Previsti: N° educatori', '3');
    await count('Presenti: N° educatori', '2');
    const ratio = panel().locator('[data-group="fail"] [data-rule="ratio.educators.present"]');
    await ratio.waitFor();
    assert.match(await ratio.innerText(), /Educatori presenti 2, necessari 3/);
    await screenshot(page, 'sg-01-sezione-B');
    assert.equal(await horizontalOverflow(page), 0);
    await count('Presenti: N° educatori', '3');
    await ratio.waitFor({ state: 'detached' });
    await page.locator('.save-status [role="status"]', { hasText: /^Salvato alle/ }).waitFor();
  });

  it('domiciliare: nascoste le voci «esclusi domiciliari», nessun rilievo sul rapporto', async () => {
    await createService({ name: 'Piccoli Passi', type: 'domiciliare', capacity: 5, comune: 'Reggello', accredited: false });
    await startVisit('verifica_periodica');
    const tabs = await page.locator('.navigatore [data-tab]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')!));
    assert.ok(!tabs.includes('A'), 'la sezione A ha solo voci escluse per i domiciliari');
    assert.equal(
      await page.locator('.navigatore [aria-current]').getAttribute('data-tab'),
      'B',
      'la scheda si apre sulla prima sezione che ha voci',
    );
    assert.ok(!tabs.includes('ACC'), 'servizio non accreditato: in verifica periodica niente voci di accreditamento');
    // Not accredited: the accreditation table is not asked at a periodic check.
    const expected = applicableItems(checklist, { type: 'domiciliare', purpose: 'verifica_periodica' })
      .filter((i) => i.section !== 'ACC')
      .map((i) => i.id);
    const rendered = await renderedItems();
    assert.deepEqual(rendered, expected);
    const excluded = checklist.items.filter((i) => /esclusi (i servizi )?domiciliari/.test(i.text)).map((i) => i.id);
    assert.ok(excluded.length >= 2);
    for (const id of excluded) assert.ok(!rendered.includes(id), `${id} non deve comparire`);
    assert.ok(!rendered.includes('F.spazi_interni.ingresso_filtro') && rendered.includes('F.spazi_interni.cucina_sporzionamento'));

    await openTab('B');
    assert.deepEqual(await page.locator('.counts-table').nth(1).locator('tbody th').allInnerTexts(), ['N° educatori']);
    await count('Iscritti: N° bambini 0-3 anni', '5');
    await count('Presenti: N° bambini 0-3 anni', '4');
    await count('Previsti: N° educatori', '1');
    await count('Presenti: N° educatori', '0');
    await panel().locator('[data-rule="presence.capacity"][data-outcome="pass"]').waitFor({ state: 'attached' });
    for (const rule of ['ratio.educators.planned', 'ratio.educators.present', 'ratio.auxiliaries.planned', 'ratio.auxiliaries.present']) {
      const f = panel().locator(`[data-rule="${rule}"]`);
      assert.equal(await f.getAttribute('data-outcome'), 'na', rule);
    }
    assert.match((await panel().locator('[data-rule="ratio.educators.present"]').textContent()) ?? '', /non stabilito dalla Scheda/);
    assert.equal(await page.locator('.need').count(), 0, 'nessun «necessari» senza rapporto');
    await page.locator('.save-status [role="status"]', { hasText: /^Salvato alle/ }).waitFor();
    await screenshot(page, 'dom-01-sezione-B');
    assert.equal(await horizontalOverflow(page), 0);
    await openTab('F');
    await screenshot(page, 'dom-02-sezione-F');
  });

  it('finestra stretta: il pannello dei rilievi va sotto la scheda, senza scorrimento orizzontale', async () => {
    await page.setViewportSize({ width: 900, height: 768 });
    await openTab('B');
    const scheda = (await page.locator('.scheda').boundingBox())!;
    const pannello = (await page.locator('.pannello-rilievi').boundingBox())!;
    assert.ok(pannello.y >= scheda.y + scheda.height - 1, 'rilievi sotto la scheda');
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'dom-03-finestra-stretta');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('elenco dei servizi: ricerca, filtri per tipologia e Comune', async () => {
    await page.getByRole('link', { name: 'Servizi', exact: true }).click();
    const rows = page.locator('.services-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    // The list shows exactly these services (waits out the search debounce and the request).
    const shows = async (...names: string[]) => {
      await page.waitForFunction(
        (want) => {
          const got = [...document.querySelectorAll('.services-table tbody th a')].map((a) => a.textContent).sort();
          return JSON.stringify(got) === JSON.stringify(want);
        },
        [...names].sort(),
      );
    };
    await page.getByLabel('Cerca').fill('Trenino');
    await shows('Spazio gioco Il Trenino');
    await page.getByLabel('Cerca').fill('');
    await page.getByLabel('Tipologia').selectOption('domiciliare');
    await shows('Piccoli Passi');
    await page.getByLabel('Tipologia').selectOption('');
    await page.getByLabel('Comune').selectOption('Greve in Chianti');
    await shows('Spazio gioco Il Trenino');
    await page.getByLabel('Tipologia').selectOption('domiciliare');
    await page.getByText('Nessun servizio corrisponde ai filtri.').waitFor();
    await page.getByLabel('Tipologia').selectOption('');
    await page.getByLabel('Comune').selectOption('');
    await shows('Spazio gioco Il Trenino', 'Piccoli Passi');
    await screenshot(page, 'sg-dom-elenco');
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('nessun errore in console né violazioni della CSP', () => {
    assert.deepEqual(w.problems, []);
  });
});
