/**
 * Issue 6, both UIs in Debian Chromium: the office server and the laptop's browser shell on
 * loopback. The laptop pairs through «Ufficio» with a code from the office web app, seals a nido
 * visit; the clerk receives it and rejects it with notes; the laptop shows the notes on a new
 * draft; the inspector fixes an answer, seals again, the revision is resent; the clerk validates
 * and the laptop shows «Validata».
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { makePng, type TestOffice } from '../helpers/office-fixtures.ts';
import { checkPage, inspectionIdOf, startOfficeAndLaptop, waitForSync, type OfficeAndLaptop } from '../helpers/ui-office-laptop.ts';
import { pageApi, screenshot, type Watched } from '../helpers/ui-shell.ts';

const PASSWORD = 'una-password-lunga';
const ITEM = 'A.destinazione_uso.certificato';
const NOTES = 'Il certificato di agibilità risulta esibito: correggere la risposta della voce A.';
let both: OfficeAndLaptop | undefined;
let office: TestOffice;
let laptop: Watched;
let clerk: Page;

before(async () => {
  both = await startOfficeAndLaptop({ clerkName: 'Ufficio Zona', password: PASSWORD });
  ({ office, laptop, clerk } = both);
});

after(() => both?.close());

/** Reads the laptop's API from its page (same token as the UI). */
const laptopApi = pageApi;

async function seal(page: Page) {
  await page.locator('.navigatore [data-tab="chiusura"]').click();
  // No commission signs in this round trip: the reason the Scheda then asks for.
  await page.getByLabel('Motivo per sigillare senza la commissione completa').fill('Prova di invio: firme non raccolte.');
  await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
  await page.getByRole('dialog', { name: 'Sigillare la visita?' }).getByRole('button', { name: 'Sigilla', exact: true }).click();
  await page.getByRole('region', { name: 'Visita sigillata' }).waitFor();
}

test('round trip: pair, seal, reject with notes, fix, resend, validate', { timeout: 150_000 }, async () => {
  const page = laptop.page;
  await page.getByRole('heading', { name: 'Servizi educativi' }).waitFor();
  // A real register (demo data never reaches an office, issue 10): a service, a commission member
  // and one visit sealed before pairing, set up through the laptop's API.
  const service = await laptopApi<{ id: string }>(page, 'services.create', {
    name: 'Nido d’infanzia Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
    authorizationIssuedOn: '2025-10-15',
  });
  await laptopApi(page, 'members.create', { name: 'Dott.ssa Chiara Fantoni', role: 'Pedagogista zonale' });
  const earlier = await laptopApi<{ id: string }>(page, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-01-20',
  });
  await laptopApi(page, 'inspections.saveAnswer', { inspectionId: earlier.id, itemId: ITEM, value: 'yes' });
  await laptopApi(page, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: earlier.id,
    signatures: [],
  });

  // Office: a clerk logs in and makes a pairing code for Maria Rossi.
  await clerk.getByLabel('Nome').fill('Ufficio Zona');
  await clerk.getByLabel('Password').fill(PASSWORD);
  await clerk.getByRole('button', { name: 'Accedi' }).click();
  await clerk.waitForURL(/\/coda/);
  await clerk.getByRole('link', { name: 'Portatili' }).click();
  await clerk.getByLabel('Ispettore').fill('Maria Rossi');
  await clerk.getByRole('button', { name: 'Genera codice di associazione' }).click();
  const code = (await clerk.getByTestId('pairing-code').textContent())!.trim();
  await screenshot(clerk, 'roundtrip-01-ufficio-codice');

  // Laptop: «Ufficio» from the main navigation; a wrong code gets the office's message, the right one pairs.
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Ufficio' }).click();
  await page.getByRole('heading', { name: 'Associa all’ufficio' }).waitFor();
  await page.getByLabel('Indirizzo del server d’ufficio').fill('ftp://ufficio');
  await page.getByLabel('Codice di associazione').fill(code);
  await page.getByRole('button', { name: 'Associa' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /http:\/\/ o https:\/\// })
    .waitFor();
  await page.getByLabel('Indirizzo del server d’ufficio').fill(office.url);
  await page.getByLabel('Codice di associazione').fill('ZZZZ-ZZZZ');
  await page.getByRole('button', { name: 'Associa' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /codice di associazione non valido, già usato o scaduto/ })
    .waitFor();
  assert.ok(await page.getByLabel('Codice di associazione').evaluate((el) => el === document.activeElement), 'focus on the field to fix');
  await checkPage(page, 'ufficio, errore');
  await screenshot(page, 'roundtrip-02-laptop-codice-errato');
  // Keyboard only: the code field is focused; type and press Enter.
  await page.getByLabel('Codice di associazione').fill(code);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Associato all’ufficio/ }).waitFor();
  await page.getByText('Maria Rossi').waitFor();
  // The visit sealed before pairing goes out on its own.
  await page.locator('[data-sync-count="ricevuta"]').waitFor({ timeout: 30_000 });
  await checkPage(page, 'ufficio, associato');
  await screenshot(page, 'roundtrip-03-laptop-associato');

  // Laptop: a nido visit, one answer «No» with a photo, sealed.
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Servizi' }).click();
  // The «Ufficio» page just left lists the earlier visit under the same service name: wait for the list.
  await page.getByRole('heading', { level: 1, name: 'Servizi educativi' }).waitFor();
  await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
  await page.getByRole('link', { name: 'Nuova ispezione' }).click();
  await page.getByLabel('Verifica periodica del mantenimento dei requisiti').check();
  await page.getByRole('checkbox', { name: /Chiara Fantoni/ }).check();
  await page.getByRole('button', { name: 'Inizia la visita' }).click();
  await page.locator('#tab-heading-A').waitFor();
  const voce = page.locator(`[data-item="${ITEM}"]`);
  await voce.getByRole('radio', { name: 'No', exact: true }).check();
  await voce.getByLabel('Nota').fill('certificato non esibito');
  await voce.locator('input[type="file"]').setInputFiles({ name: 'ingresso.png', mimeType: 'image/png', buffer: makePng(7, 32) });
  await voce.getByRole('img', { name: /Foto 1 della voce/ }).waitFor();
  await page
    .locator('.save-status [role="status"]')
    .filter({ hasText: /^Salvato alle/ })
    .waitFor({ timeout: 10_000 });
  const first = inspectionIdOf(page);
  await seal(page);
  await waitForSync(page, first, 'ricevuta');
  await page.reload();
  await page.locator('[data-sync-status="ricevuta"]').waitFor();
  await screenshot(page, 'roundtrip-04-laptop-ricevuta');
  const { visitId } = await laptopApi<{ visitId: string }>(page, 'inspections.get', { id: first });

  // Office: the clerk finds it in the queue, takes it and rejects it with notes.
  await clerk.getByRole('link', { name: 'Coda' }).click();
  await clerk.locator(`a[href="/ispezioni/${encodeURIComponent(visitId)}/1"]`).click();
  await clerk.getByRole('heading', { name: /Nido d’infanzia Il Girasole — visita del/ }).waitFor();
  await clerk.getByRole('cell', { name: 'certificato non esibito', exact: true }).waitFor();
  assert.equal(await clerk.locator('.photos img').count(), 1, 'the photo arrived');
  // The reason the laptop recorded for sealing without the Scheda's commission reaches the clerk.
  assert.equal(
    await clerk.getByTestId('commission-reason').innerText(),
    'Sigillata senza la commissione completa. Motivo: Prova di invio: firme non raccolte.',
  );
  // The laptop's UUID and the hashes are for support only, folded in «Dati per l'assistenza».
  const visible = await clerk.locator('main').evaluate((main) => {
    const copy = main.cloneNode(true) as typeof main;
    copy.querySelectorAll('details').forEach((d) => d.remove());
    return copy.textContent ?? '';
  });
  assert.ok(!visible.includes(visitId), 'the inspection id is not in the visible text');
  assert.doesNotMatch(visible, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}/i);
  assert.equal(await clerk.locator('details').getByText(visitId).count(), 1);
  await checkPage(clerk, 'ufficio, ispezione');
  await clerk.getByRole('button', { name: 'Prendi in validazione' }).click();
  await clerk.getByLabel("Note di correzione per l'ispettore").fill(NOTES);
  await screenshot(clerk, 'roundtrip-05-ufficio-respinge', true);
  await clerk.getByRole('button', { name: 'Respingi con note' }).click();
  await clerk.waitForURL(/scheda=respinte/);

  // Laptop: «Sincronizza ora»; the visit is «Respinta» and a new draft carries the notes.
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Ufficio' }).click();
  await page.getByRole('button', { name: 'Sincronizza ora' }).click();
  await page.locator('[data-sync-count="respinta"]').waitFor({ timeout: 30_000 });
  // The visit, one row among those sent: service, revision 1, «Respinta», no error.
  const row = page.locator(`[data-outbox-row="${first}"][data-outbox-status="respinta"]`);
  await row.waitFor({ timeout: 10_000 });
  assert.match((await row.innerText()).replace(/\s+/g, ' '), /^Nido d’infanzia Il Girasole \d{2}\/\d{2}\/\d{4} 1 .*Respinta 0 —/);
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Servizi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Servizi educativi' }).waitFor();
  await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
  const history = page.getByRole('region', { name: 'Ispezioni' }).or(page.locator('section[aria-labelledby="storico-title"]'));
  await history.locator('[data-sync-status="respinta"]').waitFor();
  await screenshot(page, 'roundtrip-06-laptop-storico-respinta', true);
  await history.getByRole('row').filter({ hasText: '(correzione)' }).filter({ hasText: 'Bozza' }).getByRole('link').click();
  const banner = page.getByRole('region', { name: 'Note dell’ufficio' });
  await banner.waitFor();
  assert.equal(await banner.locator('[data-rejection-notes]').innerText(), NOTES);
  assert.match(await banner.innerText(), /^Respinta dall’ufficio: /);
  await checkPage(page, 'bozza respinta');
  await screenshot(page, 'roundtrip-07-laptop-bozza-respinta');

  // Fix the answer, seal again: revision 2 goes out by itself.
  const second = inspectionIdOf(page);
  assert.notEqual(second, first);
  await page.locator('.navigatore [data-tab="A"]').click();
  await page.locator(`[data-item="${ITEM}"]`).getByRole('radio', { name: 'Sì', exact: true }).check();
  await page.locator(`[data-item="${ITEM}"]`).getByLabel('Nota').fill('certificato esibito e fotografato');
  await page
    .locator('.save-status [role="status"]')
    .filter({ hasText: /^Salvato alle/ })
    .waitFor({ timeout: 10_000 });
  await seal(page);
  await waitForSync(page, second, 'ricevuta');

  // Office: revision 2 arrives with the corrected answer; the clerk validates it.
  await clerk.goto(`${office.url}/ispezioni/${encodeURIComponent(visitId)}/2`);
  await clerk.getByText('revisione 2').waitFor();
  await clerk.getByRole('cell', { name: 'certificato esibito e fotografato', exact: true }).waitFor();
  await clerk.getByRole('link', { name: /Revisione 1/ }).waitFor();
  await clerk.getByRole('button', { name: 'Valida', exact: true }).click();
  await checkPage(clerk, 'ufficio, conferma validazione');
  await screenshot(clerk, 'roundtrip-08-ufficio-conferma-validazione');
  await clerk.getByRole('button', { name: 'Conferma validazione' }).click();
  await clerk.waitForURL(/scheda=validate/);
  await screenshot(clerk, 'roundtrip-08b-ufficio-validate');

  // Laptop: the sealed revision's page, left open, shows «Validata» by itself after the next pass.
  await page.locator('.ispezione-header [data-sync-status="ricevuta"]').waitFor();
  await laptopApi(page, 'sync.now', {});
  await page.locator('.ispezione-header [data-sync-status="validata"]').waitFor({ timeout: 30_000 });
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Ufficio' }).click();
  await page.getByRole('button', { name: 'Sincronizza ora' }).click();
  await waitForSync(page, second, 'validata');
  await page.goto(`${new URL(page.url()).origin}/#/ispezioni/${encodeURIComponent(second)}`);
  const badge = page.locator('.ispezione-header [data-sync-status="validata"]');
  await badge.waitFor();
  assert.equal(
    (await badge.innerText())
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^.*?Validata/, 'Validata'),
    'Validata',
  );
  await page.getByRole('heading', { name: /Ispezione del/ }).waitFor();
  // Sealed and validated: the notes stay visible, but no longer as an alarm.
  assert.equal(await page.getByRole('region', { name: 'Note dell’ufficio' }).count(), 0);
  await page.getByRole('note').filter({ hasText: NOTES }).waitFor();
  await screenshot(page, 'roundtrip-09-laptop-validata');
  const firstAfter = await laptopApi<{ status: string; syncStatus: string }>(page, 'inspections.get', { id: first });
  assert.deepEqual([firstAfter.status, firstAfter.syncStatus], ['rejected', 'respinta']);
  // The one refused call is the wrong pairing code (HTTP 400 by design); nothing else went wrong.
  assert.deepEqual(
    laptop.problems,
    ['console: Failed to load resource: the server responded with a status of 400 (Bad Request)'],
    'no other console errors or CSP violations on the laptop',
  );
});
