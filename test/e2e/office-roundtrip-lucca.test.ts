/**
 * Issue 12, both UIs in Debian Chromium: a Lucca office (`territory: 'lucca'`) and a laptop's
 * browser shell on loopback. The laptop starts with the Zona (nothing chosen), pairs through
 * «Ufficio» and takes the office's territory: the header, the checklist and the rules are Lucca's.
 * A visit to a Lucca nido records a Lucca finding (opening hours, Reg. Lucca art. 27 c.3) and a
 * «No» on an Art. 30 requirement, is sealed, its PDF is headed «CITTÀ DI LUCCA» with Lucca's articles
 * (pdftotext), it is sent, and the clerk validates it at the office, whose pages name the Città di Lucca.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestOffice } from '../helpers/office-fixtures.ts';
import { checkPage, inspectionIdOf, startOfficeAndLaptop, waitForSync, type OfficeAndLaptop } from '../helpers/ui-office-laptop.ts';
import { pageApi, screenshot, type Watched } from '../helpers/ui-shell.ts';

const PASSWORD = 'una-password-lunga';
const SERVICE = 'Nido di infanzia Il Grillo';
const OPENING = 'B.orario.lunedi_venerdi';
const MEALS = 'A.requisiti.programma_alimentare';
let both: OfficeAndLaptop | undefined;
let office: TestOffice;
let laptop: Watched;
let clerk: Page;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-lucca-e2e-'));
  both = await startOfficeAndLaptop({ clerkName: 'Ufficio Lucca', password: PASSWORD, office: { territory: 'lucca' } });
  ({ office, laptop, clerk } = both);
});

after(async () => {
  await both?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(
  'Lucca: pair with a Lucca office, visit a Lucca nido with its checklist, seal, PDF «Città di Lucca», send, validate',
  { timeout: 180_000 },
  async () => {
    const page = laptop.page;
    await page.getByRole('heading', { name: 'Servizi educativi' }).waitFor();
    // Nothing chosen yet: the Zona, as every installation before territories.
    const header = page.locator('.app-zone');
    await header.filter({ hasText: 'Commissione zonale · Zona Fiorentina Sud-Est' }).waitFor();

    // Office: a clerk logs in (the pages name the office's territory) and makes a pairing code.
    await clerk.getByLabel('Nome').fill('Ufficio Lucca');
    await clerk.getByLabel('Password').fill(PASSWORD);
    await clerk.getByRole('button', { name: 'Accedi' }).click();
    await clerk.waitForURL(/\/coda/);
    assert.equal(await clerk.locator('header.top .territory').innerText(), 'Città di Lucca');
    await clerk.getByRole('link', { name: 'Portatili' }).click();
    await clerk.getByLabel('Ispettore').fill('Giulia Verdi');
    await clerk.getByRole('button', { name: 'Genera codice di associazione' }).click();
    const code = (await clerk.getByTestId('pairing-code').textContent())!.trim();

    // Laptop: «Ufficio» offers the choice of territory (not paired, no visits); pairing decides it instead.
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Ufficio' }).click();
    const territorio = page.getByRole('region', { name: 'Territorio' });
    await territorio.getByLabel('Territorio di cui si applica il regolamento').waitFor();
    assert.match(
      await territorio.innerText(),
      /Nessun territorio ancora scelto; finché non se ne sceglie uno vale Zona Fiorentina Sud-Est/,
    );
    await checkPage(page, 'ufficio, territorio da scegliere');
    await screenshot(page, 'lucca-01-laptop-territorio-da-scegliere', true);
    await page.getByLabel('Indirizzo del server d’ufficio').fill(office.url);
    await page.getByLabel('Codice di associazione').fill(code);
    await page.getByRole('button', { name: 'Associa' }).click();
    await page.getByRole('heading', { name: /Associato all’ufficio/ }).waitFor();
    await territorio.filter({ hasText: 'Questo portatile applica il regolamento del territorio Città di Lucca' }).waitFor();
    assert.equal(await territorio.getByRole('combobox').count(), 0, 'no choice once paired');
    await header.filter({ hasText: 'Vigilanza del Comune · Città di Lucca' }).waitFor();
    assert.equal((await pageApi<{ ruleSet: string }>(page, 'app.info', {})).ruleSet, 'lucca@1');
    await checkPage(page, 'ufficio, associato a Lucca');
    await screenshot(page, 'lucca-02-laptop-associato', true);

    // A Lucca nido and a commission member, through the laptop's API; the visit through the UI.
    await pageApi(page, 'services.create', {
      name: SERVICE,
      type: 'nido',
      comune: 'Lucca',
      capacity: 30,
      kitchen: true,
      authorizationIssuedOn: '2023-07-10',
    });
    await pageApi(page, 'members.create', { name: 'Dott.ssa Elena Puccini', role: 'Referente del Comune di Lucca' });
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Servizi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Servizi educativi' }).waitFor();
    // The service type as Lucca's Art. 9 names it.
    await page.getByRole('row').filter({ hasText: SERVICE }).filter({ hasText: 'Nido di infanzia · Lucca' }).waitFor();
    await page.getByRole('link', { name: SERVICE }).click();
    await page.locator('main').filter({ hasText: 'Nido di infanzia · Lucca' }).waitFor();
    await page.getByRole('link', { name: 'Nuova ispezione' }).click();
    await page.getByLabel('Verifica periodica del mantenimento dei requisiti').check();
    // «Commissione» suggests Lucca's roles (the territory's memberRoles), none of the Zona's.
    assert.deepEqual(await page.locator('#nm-roles option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [
      'Referente del Comune',
    ]);
    await page.getByRole('checkbox', { name: /Elena Puccini/ }).check();
    await page.getByRole('button', { name: 'Inizia la visita' }).click();
    await page.locator('#tab-heading-A').waitFor();
    // Lucca's checklist: section A is Art. 30's authorisation requirements.
    assert.match(await page.locator('#tab-heading-A').innerText(), /Autorizzazione al funzionamento/);
    const meals = page.locator(`[data-item="${MEALS}"]`);
    assert.match(await meals.innerText(), /previsione del programma alimentare/);
    assert.match(await meals.innerText(), /Reg\. Lucca art\. 30 c\.4 lett\. h/);
    await meals.getByRole('radio', { name: 'No', exact: true }).check();
    await meals.getByLabel('Nota').fill('programma alimentare non esibito');
    await page.locator('.navigatore [data-tab="B"]').click();
    await page.locator('#tab-heading-B').waitFor();
    const opening = page.locator(`[data-item="${OPENING}"]`);
    // Twelve hours a day (720 minutes): beyond Art. 27 c.3's eleven.
    await opening.getByRole('textbox', { name: /osservano un orario compreso fra le sei e le undici ore/ }).fill('720');
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor({ timeout: 10_000 });
    const panel = page.locator('.pannello-rilievi');
    const hours = panel.locator('[data-group="fail"] [data-rule="opening.weekdays"]');
    await hours.waitFor();
    assert.match(await hours.innerText(), /Orario dal lunedì al venerdì/);
    assert.match(await hours.innerText(), /Reg\. Lucca art\. 27 c\.3/);
    await panel.locator(`[data-group="fail"] [data-rule="${MEALS}"]`).waitFor();
    await checkPage(page, 'visita Lucca, rilievi');
    await screenshot(page, 'lucca-03-laptop-rilievo-orario', true);

    // Lucca's measure is the «diffida» (Art. 32): the tab, the form and «Chiudi visita» say so.
    assert.match(await page.locator('.navigatore [data-tab="prescrizioni"]').innerText(), /^Diffide/);
    await page.locator('.navigatore [data-tab="prescrizioni"]').click();
    await page.getByRole('heading', { name: 'Diffide', level: 2 }).waitFor();
    await page.getByRole('group', { name: 'Nuova diffida' }).first().getByRole('button', { name: 'Salva diffida' }).waitFor();
    assert.equal(await page.getByText(/prescrizion/i).count(), 0, 'no «prescrizione» on a Lucca visit');

    // Seal: Lucca's regulation names no commission that must sign, so no reason is asked.
    const first = inspectionIdOf(page);
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    await page
      .getByText(/senza diffida/)
      .first()
      .waitFor();
    assert.equal(await page.getByLabel('Motivo per sigillare senza la commissione completa').count(), 0);
    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    await page.getByRole('dialog', { name: 'Sigillare la visita?' }).getByRole('button', { name: 'Sigilla', exact: true }).click();
    await page.getByRole('region', { name: 'Visita sigillata' }).waitFor();
    await page.getByRole('region', { name: 'Verbale PDF' }).getByRole('button', { name: 'Esporta PDF' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Esporta PDF' }).click()]);
    const pdf = join(dir, 'verbale-lucca.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, ' ');
    assert.match(text, /^\s*CITTÀ DI LUCCA/, 'headed with the territory');
    assert.match(flat, /REGOLAMENTO DEI SERVIZI EDUCATIVI PER LA PRIMA INFANZIA/);
    assert.doesNotMatch(flat, /ZONA FIORENTINA SUD-EST|Reg\. zonale/);
    // The record's name is Lucca's, in the form title and in every page's running header (reportHeading.documentTitle).
    assert.match(flat, /VERBALE DI ISPEZIONE PER:/);
    assert.match(flat, new RegExp(`Verbale di ispezione – ${SERVICE} – `));
    assert.doesNotMatch(flat, /Scheda di osservazione/i);
    // The findings table, after the checklist's sections: Lucca's rule and item, each with its article.
    const rilievi = flat.slice(flat.indexOf('RILIEVI'));
    assert.match(
      rilievi,
      /^RILIEVI .*Non Orario dal lunedì al venerdì Reg\. Lucca art\. 27 c\.3 Orario dal lunedì al venerdì: apertura giornaliera 12 h: conforme richiesto fra 6 h e 11 h/,
    );
    assert.match(rilievi, /Reg\. Lucca art\. 27 c\.3/);
    assert.match(rilievi, /previsione del programma alimentare/);
    assert.match(rilievi, /Reg\. Lucca art\. 30 c\.4/);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(info, /Author:\s+Comune di Lucca – Vigilanza sui servizi educativi/);
    await screenshot(page, 'lucca-04-laptop-sigillata');

    // Sent by itself (paired): the office registers it.
    await waitForSync(page, first, 'ricevuta');
    const { visitId } = await pageApi<{ visitId: string }>(page, 'inspections.get', { id: first });

    // Office: the clerk sees Lucca's findings and validates.
    await clerk.getByRole('link', { name: 'Coda' }).click();
    await clerk.locator(`a[href="/ispezioni/${encodeURIComponent(visitId)}/1"]`).click();
    await clerk.getByRole('heading', { name: new RegExp(`${SERVICE} — visita del`) }).waitFor();
    await clerk.getByRole('cell', { name: 'programma alimentare non esibito', exact: true }).waitFor();
    const review = await clerk.locator('main').innerText();
    assert.match(review, /Reg\. Lucca art\. 27 c\.3/);
    assert.match(review, /Orario dal lunedì al venerdì\tNon conforme\tReg\. Lucca art\. 27 c\.3/, 'the check named by its subject');
    assert.doesNotMatch(review, /non riconosciuto/, 'every Lucca check is one this office knows');
    await checkPage(clerk, 'ufficio Lucca, ispezione');
    await screenshot(clerk, 'lucca-05-ufficio-ispezione', true);
    await clerk.getByRole('button', { name: 'Prendi in validazione' }).click();
    await clerk.getByRole('button', { name: 'Valida', exact: true }).click();
    await clerk.getByRole('button', { name: 'Conferma validazione' }).click();
    await clerk.waitForURL(/scheda=validate/);
    await screenshot(clerk, 'lucca-06-ufficio-validata');

    // Laptop: «Validata» after the next pass.
    await pageApi(page, 'sync.now', {});
    await waitForSync(page, first, 'validata');
    await page.reload();
    await page.locator('.ispezione-header [data-sync-status="validata"]').waitFor();
    await header.filter({ hasText: 'Vigilanza del Comune · Città di Lucca' }).waitFor();
    await screenshot(page, 'lucca-07-laptop-validata');
    assert.deepEqual(laptop.problems, [], 'no console errors or CSP violations on the laptop');
  },
);
