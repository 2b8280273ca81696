/**
 * The office half of the review round trip, in Debian Chromium: a clerk logs in, sees the
 * received inspection, rejects it with notes; the laptop's client pulls the rejection, pushes a
 * corrected revision; the clerk validates it and the laptop sees the validation.
 * (The desktop UI half — notes shown on the new draft — is connected by the desktop tests.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { contentHash } from '../../shared/canonical.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { RULE_LABELS } from '../../report/labels.ts';
import { hashPassword } from '../../office/security.ts';
import { VIEWPORT, launchChromium, screenshot } from '../helpers/ui-shell.ts';
import { SyncClient, pair } from '../../host/sync/client.ts';
import { drainOutbox, pullAll } from '../../host/sync/loop.ts';
import { seededLaptop, sealVisits, YESNO_ITEM } from '../helpers/laptop.ts';
import { makePdf, makePng, sampleFile, sha256, startOffice, type TestOffice } from '../helpers/office-fixtures.ts';

const PASSWORD = 'una-password-lunga';
let office: TestOffice;
let browser: Browser;

before(async () => {
  office = await startOffice('sqlite', { today: () => '2026-11-20' });
  await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await office?.close();
});

async function login(page: Page) {
  await page.goto(`${office.url}/coda`);
  await page.waitForURL(/\/login/);
  // Nothing typed: the server's Italian answer, not the browser's own (English) check.
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('alert').filter({ hasText: 'Nome o password non corretti' }).waitFor();
  await page.getByLabel('Nome').fill('Ufficio Zona');
  await page.getByLabel('Password').fill('sbagliata-di-sicuro');
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('alert').filter({ hasText: 'Nome o password non corretti' }).waitFor();
  await page.getByLabel('Nome').fill('Ufficio Zona');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/\/coda/);
}

test('receive, reject with notes, corrected revision, validate', { timeout: 120_000 }, async (t) => {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await login(page);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'vn_sessione')!;
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');

  // Pair the laptop with a code shown in the web app.
  await page.getByRole('link', { name: 'Portatili' }).click();
  // No name: the server says so in Italian, on the field; no browser-native (English) check.
  const [noName] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/portatili/codice')),
    page.getByRole('button', { name: 'Genera codice di associazione' }).click(),
  ]);
  assert.equal(noName.status(), 400);
  assert.equal(await page.getByLabel('Ispettore').getAttribute('aria-invalid'), 'true');
  assert.match(
    await page.locator('#' + (await page.getByLabel('Ispettore').getAttribute('aria-describedby'))!).innerText(),
    /Scrivere il nome dell'ispettore/,
  );
  await page.getByLabel('Ispettore').fill('Maria Rossi');
  await page.getByRole('button', { name: 'Genera codice di associazione' }).click();
  const code = (await page.getByTestId('pairing-code').textContent())!.trim();
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const { token } = await pair(office.url, code, { deviceName: 'portatile di Maria' });
  const client = new SyncClient({ baseUrl: office.url, token });
  // A real laptop seals revision 1 with a photo and a prescription; its report goes with it.
  const { app } = seededLaptop(t, 0);
  const outbox = app.store.outbox;
  const pdf = makePdf('verbale revisione 1');
  const [visit] = sealVisits(app, [
    {
      serviceName: 'Nido Il Girasole',
      comune: 'Bagno a Ripoli',
      date: '2026-09-10',
      answer: 'no',
      note: 'certificato non esibito',
      photos: [makePng(42)],
      prescription: { text: 'Esibire il certificato di agibilità', deadline: '2026-10-31' },
    },
  ]);
  app.store.attachments.add({
    inspectionId: visit!.inspectionId,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: pdf,
  });
  assert.equal((await drainOutbox(outbox, client)).sent, 1);

  await page.getByRole('link', { name: 'Coda' }).click();
  await page.getByRole('link', { name: /Ricevute \(1\)/ }).waitFor();
  await page.getByRole('link', { name: 'Nido Il Girasole' }).click();
  await page.getByRole('heading', { name: /Nido Il Girasole — visita del/ }).waitFor();
  // Findings computed by the rules, the checklist answer, the photo, the report with its hash.
  await page.getByRole('cell', { name: "Presenza di idoneo certificato di destinazione d'uso (esclusi domiciliari)" }).first().waitFor();
  // The clerk reads words: ids, hashes and rule codes only inside «Dati per l'assistenza».
  const visible = await page.locator('main').evaluate((main) => {
    const copy = main.cloneNode(true) as typeof main;
    copy.querySelectorAll('details').forEach((d) => d.remove());
    return copy.textContent ?? '';
  });
  assert.doesNotMatch(visible, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, 'no UUID');
  assert.doesNotMatch(visible, /[0-9a-f]{64}/i, 'no SHA-256');
  assert.ok(!visible.includes('visita-girasole'), 'no inspection id');
  const codes = [...Object.keys(RULE_LABELS), ...getChecklist('zona-fse@1')!.items.map((i) => i.id)];
  assert.deepEqual(
    codes.filter((code) => visible.includes(code)),
    [],
    'no rule or item code',
  );
  assert.match(visible, /\(\d+ byte\)|\(\d+(,\d)? kB\)/, 'the report size in Italian units');
  assert.ok((await page.locator('td.fail').count()) >= 1, 'the "no" answer is a failing finding');
  await page.getByRole('cell', { name: 'certificato non esibito', exact: true }).waitFor();
  assert.equal(await page.locator('.photos img').count(), 1);
  assert.equal(
    await page.locator('.photos img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    32,
    'the photo is served and decodes',
  );
  await page.locator('summary', { hasText: "Dati per l'assistenza" }).click();
  await page.getByText(sha256(pdf)).waitFor();
  await page.getByRole('cell', { name: 'A.destinazione_uso.certificato', exact: true }).waitFor();
  await screenshot(page, 'ufficio-ispezione-dati-assistenza', true);
  // The fixture's report carries no PAdES signature: the page must say so, not call it invalid.
  assert.match(await page.getByTestId('report-verdict').innerText(), /Documento non firmato digitalmente/);
  await page.getByText('Esibire il certificato di agibilità').waitFor();

  await page.getByRole('button', { name: 'Prendi in validazione' }).click();
  await page.getByText('stato: In validazione').waitFor();
  // Empty (only blanks) notes: the server answers, in Italian, next to the field, keeping what was typed.
  const notes = page.getByLabel("Note di correzione per l'ispettore");
  await notes.fill('   ');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/respingi')),
    page.getByRole('button', { name: 'Respingi con note' }).click(),
  ]);
  assert.equal(refused.status(), 400);
  await page.getByText('Scrivere le note di correzione').waitFor();
  assert.equal(await notes.getAttribute('aria-invalid'), 'true');
  assert.match(
    await notes.evaluate((el) => {
      const id = el.getAttribute('aria-describedby') ?? '';
      return el.ownerDocument.getElementById(id)?.textContent ?? '';
    }),
    /Scrivere le note di correzione/,
  );
  assert.equal(await notes.inputValue(), '   ', 'what the clerk typed is kept');
  await screenshot(page, 'ufficio-respingi-senza-note');
  assert.doesNotMatch(await page.locator('body').innerText(), /fill out|Please/i);
  assert.equal(
    await notes.evaluate((el) => (el as unknown as { validationMessage: string }).validationMessage),
    '',
    'no browser-native (English) check',
  );
  await notes.fill('Allegare la foto del certificato di agibilità.');
  await page.getByRole('button', { name: 'Respingi con note' }).click();
  await page.waitForURL(/scheda=respinte/);
  await page.getByRole('link', { name: 'Nido Il Girasole' }).waitFor();

  // The laptop learns of the rejection with the notes.
  await pullAll(outbox, client);
  assert.equal(outbox.statusOf(visit!.inspectionId), 'respinta');
  assert.equal(outbox.findByInspection(visit!.inspectionId)!.officeNotes, 'Allegare la foto del certificato di agibilità.');

  // The rejection opened revision 2 as a draft: corrected, with the certificate's photo, and sealed.
  const draft = app.store.inspections.successor(visit!.inspectionId)!;
  assert.ok(draft, 'the rejection opened a new draft');
  const call = (method: string, input: unknown) => {
    const r = app.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value;
  };
  call('inspections.saveAnswer', { inspectionId: draft, itemId: YESNO_ITEM, value: 'yes', note: 'certificato fotografato' });
  for (const p of app.store.prescriptions.listByInspection(draft)) call('prescriptions.remove', { id: p.id });
  call('photos.add', { inspectionId: draft, itemId: null, mime: 'image/png', dataBase64: makePng(43).toString('base64') });
  call('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: draft, signatures: [] });
  assert.equal((await drainOutbox(outbox, client)).sent, 1);

  await page.getByRole('link', { name: 'Coda' }).click();
  await page.getByRole('link', { name: 'Nido Il Girasole' }).click();
  await page.getByText('revisione 2').waitFor();
  await page.getByRole('link', { name: /Revisione 1/ }).waitFor();
  // «Valida» is final: a confirmation page first, whose «Annulla» changes nothing; keyboard only.
  await page.getByRole('button', { name: 'Valida', exact: true }).click();
  await page.getByRole('heading', { name: 'Confermare la validazione' }).waitFor();
  const summary = await page.locator('dl.summary').innerText();
  assert.match(summary, /«validata»/);
  assert.match(summary, /Revisione 2/);
  assert.match(summary, /Note dell'ufficio\s+Nessuna/);
  await page.getByRole('link', { name: 'Annulla' }).click();
  await page.getByText('stato: Ricevuta').waitFor();
  await page.getByRole('button', { name: 'Valida', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Conferma validazione' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/scheda=validate/);
  await page.getByRole('link', { name: 'Nido Il Girasole' }).waitFor();

  await pullAll(outbox, client);
  assert.equal(outbox.statusOf(draft), 'validata');
  assert.equal(outbox.statusOf(visit!.inspectionId), 'respinta');
  await page.close();
});

test('a POST without the CSRF token is refused; the dashboard and CSV export work', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await login(page);
  // Register a service whose authorisation expires soon (issued 2023-02-01 → valid until 2026-08-31... expired by 2026-11-20).
  await page.getByRole('link', { name: 'Servizi' }).click();
  await page.getByRole('link', { name: 'Nuovo servizio' }).click();
  await page.getByLabel('Denominazione').fill('Spazio Gioco Arcobaleno');
  await page.getByLabel('Tipo').selectOption('spazio_gioco');
  await page.getByLabel('Comune').fill('Fiesole');
  // The server checks too, not only the browser: switch the browser's checks off.
  await page.locator('form[action="/servizi"]').evaluate((form) => ((form as unknown as { noValidate: boolean }).noValidate = true));
  await page.getByLabel('Capienza (posti autorizzati)').fill('0');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('alert').filter({ hasText: 'Capienza' }).waitFor();
  assert.equal(await page.getByLabel('Denominazione').inputValue(), 'Spazio Gioco Arcobaleno', 'the form comes back as sent');
  assert.equal(await page.getByLabel('Tipo').inputValue(), 'spazio_gioco');
  await screenshot(page, 'ufficio-servizio-errore');
  await page.getByLabel('Capienza (posti autorizzati)').fill('20');
  // Typed the Italian way (a text field, not Chromium's en-US date field); a wrong one is named.
  await page.getByLabel('Autorizzazione rilasciata il').fill('31/02/2023');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.getByRole('alert').filter({ hasText: 'Autorizzazione: la data 31/02/2023 non esiste' }).waitFor();
  await page.getByLabel('Autorizzazione rilasciata il').fill(formatItalianDate('2023-10-02'));
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.waitForURL(/salvato=1/);
  assert.equal(await page.getByLabel('Autorizzazione rilasciata il').inputValue(), '02/10/2023', 'the saved date, the Italian way');

  // The page's CSP forbids scripts from fetching, so forge the POST with the session cookie from outside.
  const forged = await page.request.post(`${office.url}/servizi`, {
    form: { name: 'X', type: 'nido', comune: 'Y', capacity: '10' },
    maxRedirects: 0,
  });
  assert.equal(forged.status(), 403);
  assert.match(await forged.text(), /CSRF/);
  const withOtherOrigin = await page.request.post(`${office.url}/servizi`, {
    form: { name: 'X', type: 'nido', comune: 'Y', capacity: '10', _csrf: 'x' },
    headers: { origin: 'http://evil.invalid' },
    maxRedirects: 0,
  });
  assert.equal(withOtherOrigin.status(), 403);

  // Another visit with a prescription due on 2026-10-31, past by the office's day (2026-11-20).
  const client = new SyncClient({ baseUrl: office.url, token: await office.token('Luca Bianchi') });
  const file = sampleFile(7, { serviceName: 'Nido Il Girasole', date: '2026-09-15' });
  const sent = await client.pushInspection({
    id: 'visita-settembre',
    revision: 1,
    file,
    contentHash: contentHash(file),
    prescriptions: [{ rule: 'training.fire', text: 'Formare un secondo addetto antincendio', deadline: '2026-10-31' }],
  });
  assert.equal(sent.status, 'created');

  await page.getByRole('link', { name: 'Cruscotto' }).click();
  await page.getByRole('heading', { name: /Ispezioni dovute/ }).waitFor();
  // Spazio Gioco Arcobaleno, authorised 2023-10-02 (year 2023/24) → valid until 2027-08-31: not within 90 days of 2026-11-20.
  const acts = await page
    .getByRole('heading', { name: /in scadenza/ })
    .locator('xpath=following-sibling::*[2]')
    .textContent();
  assert.match(acts ?? '', /Nessun atto in scadenza/);
  await page.getByRole('cell', { name: 'Formare un secondo addetto antincendio' }).waitFor();
  // Revision 2 of the first visit replaced revision 1 and carries no prescription: not listed.
  assert.equal(await page.getByRole('cell', { name: 'Esibire il certificato di agibilità' }).count(), 0);

  const csv = await page.request.get(`${office.url}/export/prescrizioni-scadute.csv`);
  assert.equal(csv.headers()['content-type'], 'text/csv; charset=utf-8');
  const text = (await csv.body()).toString('utf8');
  assert.ok(text.startsWith('\uFEFFServizio;Comune;Data visita;Revisione;Rilievo;'), 'BOM, ; separator, Italian headers');
  assert.ok(text.split('\r\n')[0]!.endsWith(';Codice ispezione (assistenza)'), 'the id only as the last, support column');
  assert.match(
    text,
    // No follow-up visit yet (nor its outcome), not registered at the protocol: four empty cells before the id.
    /Nido Il Girasole;Pontassieve;2026-09-15;1;Addetti prevenzione incendi;Formare un secondo addetto antincendio;2026-10-31;20;;;;;visita-settembre\r\n/,
  );
  assert.match(
    text.split('\r\n')[0]!,
    /;Verifica successiva;Esito della verifica;Protocollo;Data protocollo;Codice ispezione \(assistenza\)$/,
  );
  // The dashboard names the check too.
  await page.getByRole('cell', { name: 'Addetti prevenzione incendi' }).waitFor();
  await page.close();
});
