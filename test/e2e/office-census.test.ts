/**
 * The census (issue 15) in Chromium against a real office (SQLite): a Comune's user fills the SERVIZI
 * sheet (the monthly attendance typed, the average shown) and the INTERVENTI sheet (B1, B3 of a public
 * service; § 10 of the Piemonte 2025 notes), sends both; a regional reviewer rejects SERVIZI with notes;
 * the user sees them, corrects and resends; the reviewer validates both; the XLSX export, downloaded
 * from the dashboard, opens in exceljs and holds what was typed. Screenshots in test-results/screenshots.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../office/security.ts';
import { MONTH_NAMES } from '../../shared/dates.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { launchChromium, openPage, screenshot } from '../helpers/ui-shell.ts';

const PASSWORD = 'una-password-lunga';
let office: TestOffice;
let browser: Browser;

describe('rilevazione dei servizi nel browser', { timeout: 300_000 }, () => {
  before(async () => {
    office = await startOffice('sqlite', { today: () => '2025-05-05' });
    await office.server.store.saveService({
      name: 'Nido Girasole',
      type: 'nido',
      comune: 'Alba',
      address: 'Via Roma 1',
      capacity: 30,
      kitchen: true,
      authorizationIssuedOn: '2019-09-01',
    });
    const hash = await hashPassword(PASSWORD);
    await office.server.store.createClerk('Utente Alba', hash, { role: 'comune', comune: 'Alba' });
    await office.server.store.createClerk('Revisore Regione', hash, { role: 'reviewer' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await office?.close();
  });

  async function login(name: string): Promise<Page> {
    const { page } = await openPage(browser, `${office.url}/login`);
    await page.getByLabel('Nome').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }
  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

  it('the Comune fills and sends, the reviewer rejects with notes, the Comune corrects, the reviewer validates; the export matches', async () => {
    // ---- the Comune's user: SERVIZI ----
    let page = await login('Utente Alba');
    // The campaigns; the campaign's link takes a Comune's user to its own SERVIZI sheet.
    await heading(page, 'Rilevazione dei servizi educativi');
    await page.getByRole('link', { name: /Regione Piemonte/ }).click();
    await heading(page, 'Alba: scheda SERVIZI');
    assert.deepEqual(await page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link').allTextContents(), ['Rilevazione']);
    await page.getByLabel('Pubblico o privato').first().selectOption('pubblico');
    await page.getByLabel('Titolare').first().fill('Comune di Alba');
    await page.getByLabel('Gestore').first().fill('Coop');
    for (const [i, m] of MONTH_NAMES.entries()) await page.getByLabel(`${m} 2024`, { exact: true }).fill(String(20 + (i % 2)));
    await page.getByLabel('gennaio 2025', { exact: true }).fill('22');
    await page.getByRole('button', { name: 'Salva la scheda' }).click();
    await page.getByText('Tutti i controlli della scheda sono superati.').waitFor();
    // (30·20 + 29·21 + 31·20 + 30·21 + 31·20 + 30·21 + 31·20 + 31·21 + 30·20 + 31·21 + 30·20 + 31·21 + 31·22) / 396 = 8164/396
    assert.equal(await page.getByTestId('census-average').textContent(), '20,62 (su 396 giorni)');
    await screenshot(page, 'census-servizi-compilata', true);
    await page.getByRole('button', { name: 'Invia in validazione' }).click();
    await page.getByText('Inviata in validazione', { exact: true }).waitFor();

    // ---- INTERVENTI: B1 and B3 for the public service ----
    await page.getByRole('link', { name: /Scheda INTERVENTI/ }).click();
    await heading(page, 'Alba: scheda INTERVENTI');
    await page.getByText(/«Nido Girasole»: manca l'azione B1/).waitFor();
    await page.getByLabel('Quota comunale B1, Nido Girasole').fill('1.234,50');
    await page.getByLabel('Descrizione B1, Nido Girasole').fill('Contributo alle spese di gestione');
    await page.getByLabel('Quota comunale B3, Nido Girasole').fill('0,00');
    await page.getByLabel('Descrizione B3, Nido Girasole').fill('Riduzione delle rette');
    await page.getByRole('button', { name: 'Salva la scheda' }).click();
    await page.getByText('Tutti i controlli della scheda sono superati.').waitFor();
    await page.getByRole('button', { name: 'Invia in validazione' }).click();
    await page.getByText('€ 1.234,50').waitFor();
    await screenshot(page, 'census-interventi-inviata', true);
    await page.getByRole('button', { name: 'Esci' }).click();

    // ---- the reviewer rejects SERVIZI with notes ----
    page = await login('Revisore Regione');
    await page.goto(`${office.url}/rilevazione/piemonte-2025`);
    await heading(page, /Rilevazione 2025/);
    await screenshot(page, 'census-cruscotto-inviate', true);
    await page.getByRole('link', { name: 'Alba' }).click();
    await page.getByLabel(/Correzioni richieste al Comune/).fill('Indicare il gestore per esteso (ragione sociale).');
    await page.getByRole('button', { name: 'Respingi la scheda' }).click();
    await page.getByTestId('census-notes').waitFor();
    await page.getByRole('button', { name: 'Esci' }).click();

    // ---- the Comune sees the notes, corrects, resends ----
    page = await login('Utente Alba');
    await page.getByRole('link', { name: /Regione Piemonte/ }).click();
    await heading(page, 'Alba: scheda SERVIZI');
    assert.match((await page.getByTestId('census-notes').textContent())!, /Indicare il gestore per esteso/);
    await screenshot(page, 'census-servizi-respinta', true);
    await page.getByLabel('Gestore').first().fill('Cooperativa Sociale Il Girasole');
    await page.getByRole('button', { name: 'Salva la scheda' }).click();
    await page.getByText('Tutti i controlli della scheda sono superati.').waitFor();
    await page.getByRole('button', { name: 'Invia in validazione' }).click();
    await page.getByText('Inviata in validazione', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Esci' }).click();

    // ---- the reviewer validates both ----
    page = await login('Revisore Regione');
    await page.goto(`${office.url}/rilevazione/piemonte-2025/comuni/Alba/servizi`);
    await page.getByRole('button', { name: 'Valida la scheda' }).click();
    await page.getByText('Validata', { exact: true }).waitFor();
    await page.getByRole('link', { name: /Scheda INTERVENTI/ }).click();
    await page.getByRole('button', { name: 'Valida la scheda' }).click();
    await page.getByTestId('census-state').getByText('Validata').waitFor();
    await page.goto(`${office.url}/rilevazione/piemonte-2025`);
    const row = page.getByTestId('census-row').filter({ hasText: 'Alba' });
    assert.match((await row.textContent())!, /ValidataValidata0—completata/);
    await screenshot(page, 'census-cruscotto-validate', true);

    // ---- the XLSX export, downloaded from the dashboard ----
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Entrambe le schede (XLSX)' }).click(),
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const servizi = wb.getWorksheet('SERVIZI')!;
    assert.equal(servizi.rowCount, 2);
    const s = servizi.getRow(2);
    assert.deepEqual(
      [s.getCell(1).value, s.getCell(2).value, s.getCell(5).value, s.getCell(6).value, s.getCell(7).value, s.getCell(8).value],
      ['Alba', 'Nido Girasole', 'Comune di Alba', 'Cooperativa Sociale Il Girasole', 30, 20.62],
    );
    const interventi = wb.getWorksheet('INTERVENTI')!;
    assert.equal(interventi.rowCount, 3);
    assert.deepEqual(
      [2, 3].map((n) => [
        interventi.getRow(n).getCell(3).value,
        interventi.getRow(n).getCell(5).value,
        interventi.getRow(n).getCell(6).value,
      ]),
      [
        ['B1', 1234.5, 'Contributo alle spese di gestione'],
        ['B3', 0, 'Riduzione delle rette'],
      ],
    );
  });
});
