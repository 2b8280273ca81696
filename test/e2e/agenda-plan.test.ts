/**
 * Issue 14, «Agenda», both UIs in Debian Chromium: a clerk plans a visit on «Pianificazione» with the
 * inspector on its commission; the laptop (paired to that inspector) syncs and shows it in «Agenda»
 * (0 axe violations); the inspector starts it with «Inizia la visita», and the draft has the service,
 * purpose, date, times and commission of the plan. Sealed and sent, the office shows the plan «svolta»,
 * and so does the laptop's «Agenda» («Già svolte», no «Inizia la visita», 0 axe violations), opening
 * the visit done. Screenshots (1366×768) in /tmp/agenda-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { italianHolidayName } from '../../office/holidays.ts';
import { PlanningStore } from '../../office/storage/planning.ts';
import { addDays, formatItalianDate } from '../../shared/dates.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import type { TestOffice } from '../helpers/office-fixtures.ts';
import { startOfficeAndLaptop, type OfficeAndLaptop } from '../helpers/ui-office-laptop.ts';
import { axeViolations } from '../helpers/ui-axe.ts';
import { pageApi, type Watched } from '../helpers/ui-shell.ts';

const PASSWORD = 'una-password-lunga';
let both: OfficeAndLaptop | undefined;
let office: TestOffice;
let laptop: Watched;
let clerk: Page;

before(async () => {
  both = await startOfficeAndLaptop({ clerkName: 'Ufficio Zona', password: PASSWORD });
  ({ office, laptop, clerk } = both);
});

after(() => both?.close());

const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/agenda-${name}.png` });

/** The first working day from `from` on (no Sunday, Saturday nor public holiday): no conflict to confirm. */
function workingDay(from: string): string {
  for (let d = from; ; d = addDays(d, 1)) {
    const day = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (day !== 0 && day !== 6 && !italianHolidayName(d)) return d;
  }
}

async function submit(page: Page, name: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

test('a clerk plans a visit; the inspector sees it in «Agenda» and starts it prefilled', { timeout: 180_000 }, async () => {
  const page = laptop.page;
  await page.getByRole('heading', { name: 'Servizi educativi' }).waitFor();
  const { today } = await pageApi<{ today: string }>(page, 'app.info', {});

  // Office: the clerk logs in and pairs Maria Rossi's laptop.
  await clerk.getByLabel('Nome').fill('Ufficio Zona');
  await clerk.getByLabel('Password').fill(PASSWORD);
  await clerk.getByRole('button', { name: 'Accedi' }).click();
  await clerk.waitForURL(/\/coda/);
  await clerk.getByRole('link', { name: 'Portatili' }).click();
  await clerk.getByLabel('Ispettore').fill('Maria Rossi');
  await clerk.getByRole('button', { name: 'Genera codice di associazione' }).click();
  const code = (await clerk.getByTestId('pairing-code').textContent())!.trim();
  await pageApi(page, 'sync.pair', { url: office.url, code });

  // The registry and the commission's people (Maria linked to her inspector account).
  const store = office.server.store;
  const maria = await store.createInspector('Maria Rossi');
  await store.saveService({
    name: 'Nido Il Pesco',
    type: 'nido',
    comune: 'Impruneta',
    capacity: 30,
    kitchen: true,
    authorizationIssuedOn: '2024-10-15',
  });
  const planning = new PlanningStore(store.db, getTerritory('zona-fse')!);
  const cli = { clerkId: null, name: 'prova' };
  await planning.savePerson({ name: 'Maria Rossi', role: 'pedagogista_zonale', email: 'm.rossi@zona.it', inspectorId: maria.id }, cli);
  await planning.savePerson(
    { name: 'Marco Bellini', role: 'referente_tecnico_comune', comune: 'Impruneta', email: 'm.bellini@impruneta.it' },
    cli,
  );
  await planning.savePerson(
    { name: 'Laura Cecchi', role: 'referente_tecnico_comune', comune: 'Bagno a Ripoli', email: 'l.cecchi@bagnoaripoli.it' },
    cli,
  );

  // «Pianificazione»: the clerk adds the visit with its commission.
  const date = workingDay(addDays(today, 1));
  await clerk.goto(`${office.url}/pianificazione`);
  await clerk.getByLabel('Servizio').selectOption({ label: 'Nido Il Pesco (Impruneta)' });
  await clerk.getByLabel('Scopo').selectOption('verifica_periodica');
  await clerk.getByLabel('Motivo').selectOption('due');
  await clerk.getByLabel('Data (gg/mm/aaaa)').fill(formatItalianDate(date));
  await clerk.getByLabel('Dalle (hh:mm)', { exact: true }).fill('09:00');
  await clerk.getByLabel('Alle (hh:mm)', { exact: true }).fill('12:00');
  for (const name of [/Maria Rossi/, /Marco Bellini/, /Laura Cecchi/]) await clerk.getByLabel(name).check();
  await submit(clerk, 'Aggiungi');
  if (await clerk.getByRole('button', { name: 'Salva comunque' }).count()) await submit(clerk, 'Salva comunque');
  const saved = await planning.listPlannedVisits(date, date);
  assert.equal(saved.length, 1, 'the visit is planned');
  assert.equal(saved[0]!.status, 'accepted');
  await shot(clerk, '01-ufficio-pianificazione');

  // Laptop: it syncs; «Agenda» from the main navigation shows the visit.
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Agenda' }).click();
  await page.getByRole('heading', { level: 1, name: 'Agenda' }).waitFor();
  await pageApi(page, 'sync.now', {});
  const start = page.getByRole('button', { name: `Inizia la visita: Nido Il Pesco, ${formatItalianDate(date)}` });
  await start.waitFor({ timeout: 30_000 });
  const row = page.getByRole('row').filter({ has: start });
  assert.match((await row.textContent())!, new RegExp(`${formatItalianDate(date)}.*09:00–12:00`));
  assert.match(
    (await row.textContent())!,
    /Laura Cecchi.*Marco Bellini.*Referente tecnico Comune di Impruneta.*Maria Rossi.*Pedagogista zonale/,
  );
  // Monday to Sunday: the plan falls in this week up to Sunday, later after it.
  const sunday = addDays(today, (7 - new Date(`${today}T00:00:00Z`).getUTCDay()) % 7);
  const group = date <= sunday ? 'Questa settimana' : 'Più avanti';
  await page
    .getByRole('region', { name: new RegExp(group) })
    .getByRole('button', { name: /Inizia la visita/ })
    .waitFor();
  assert.deepEqual(await axeViolations(page, 'laptop-agenda-piena'), [], 'axe-core: «Agenda» with a visit');
  await shot(page, '02-laptop-agenda');

  // Keyboard: focus the button and press Enter; the editor opens on the new draft.
  await start.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/ispezioni\//);
  await page.getByRole('heading', { level: 1 }).waitFor();
  const id = decodeURIComponent(/#\/ispezioni\/([^/]+)$/.exec(page.url())![1]!);
  const draft = await pageApi<any>(page, 'inspections.get', { id });
  assert.equal(draft.serviceName, 'Nido Il Pesco');
  assert.equal(draft.purpose, 'verifica_periodica');
  assert.equal(draft.date, date);
  assert.deepEqual([draft.startTime, draft.endTime], ['09:00', '12:00']);
  assert.deepEqual(draft.plan, { id: saved[0]!.id, reason: 'due' });
  const members = await pageApi<Array<{ id: string; name: string }>>(page, 'members.list', {});
  assert.deepEqual(
    draft.memberIds.map((m: string) => members.find((x) => x.id === m)!.name),
    ['Laura Cecchi', 'Marco Bellini', 'Maria Rossi'],
  );
  await page.locator('.navigatore [data-tab="visita"]').click();
  await page.getByLabel('Ora di inizio').waitFor();
  assert.equal(await page.getByLabel('Ora di inizio').inputValue(), '09:00');
  assert.equal(await page.getByLabel('Ora di fine').inputValue(), '12:00');
  await shot(page, '03-laptop-visita-dal-piano');

  // Back on «Agenda»: the plan now links to the visit started.
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Agenda' }).click();
  await page.getByRole('link', { name: 'Apri la visita avviata' }).waitFor();

  // Sealed and sent: the office shows the plan «svolta» with the link to the received revision.
  await pageApi(page, 'inspections.saveAnswer', { inspectionId: id, itemId: 'A.destinazione_uso.certificato', value: 'yes' });
  await pageApi(page, 'inspections.seal', { id, signatures: [], commissionReason: 'prova automatica: firme non raccolte' });
  await pageApi(page, 'sync.now', {});
  await page.getByRole('link', { name: 'Apri la visita avviata' }).click();
  await page.locator('[data-sync-status="ricevuta"]').waitFor({ timeout: 30_000 });
  assert.equal((await planning.listPlannedVisits(date, date))[0]!.fulfilledBy?.how, 'plan');
  await clerk.goto(`${office.url}/pianificazione?dal=${formatItalianDate(date)}&al=${formatItalianDate(date)}`);
  await clerk.getByText(/stato: svolta/).waitFor();
  await clerk.getByRole('link', { name: /visita avviata dal piano, vedi la revisione/ }).waitFor();
  await shot(clerk, '04-ufficio-svolta');

  // Back on the laptop's «Agenda»: the plan stays, «Svolta» among «Già svolte», with no «Inizia la visita».
  await pageApi(page, 'sync.now', {});
  await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Agenda' }).click();
  const done = page.getByRole('region', { name: /Già svolte/ });
  await done.locator('.badge', { hasText: 'Svolta' }).waitFor({ timeout: 30_000 });
  const doneRow = done.getByRole('row').filter({ hasText: 'Nido Il Pesco' });
  assert.match((await doneRow.textContent())!, new RegExp(`Svolta\\s*il ${formatItalianDate(date)}, avviata dal piano`));
  assert.equal(await page.getByRole('button', { name: /Inizia la visita/ }).count(), 0, 'a plan done cannot be started');
  assert.equal(
    await page
      .getByRole('region', { name: /Questa settimana|Più avanti/ })
      .getByRole('row')
      .count(),
    0,
  );
  assert.deepEqual(await axeViolations(page, 'laptop-agenda-svolta'), [], 'axe-core: «Agenda» with a plan done');
  await shot(page, '05-laptop-agenda-svolta');
  await doneRow.getByRole('link', { name: 'Apri la visita svolta' }).click();
  await page.waitForURL(new RegExp(`#/ispezioni/${encodeURIComponent(id)}$`));
});
