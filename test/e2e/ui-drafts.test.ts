/**
 * Nothing typed is lost: a prescription, a new commission member, the staff present and a
 * signatory's name, typed and not submitted, survive switching section and leaving the visit at
 * once (issue 10, "Never lose what was typed"); an added prescription leaves no draft behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays, formatItalianDate } from '../../shared/dates.ts';
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
let today: string;

const openTab = async (tab: string) => {
  await page.locator(`.navigatore [data-tab="${tab}"]`).click();
  await page.locator(`#tab-heading-${tab}`).waitFor();
};
/** Leaves the visit the moment after typing (the service's page), then comes back to it. */
async function leaveAndReturn(tab: string) {
  await page.locator('.breadcrumb a').click();
  // The service's own page (the visit's h1 names the service too): the pending saves went out first.
  await page.locator('#servizio-title').waitFor();
  await page.goBack();
  await page.locator('#ispezione-title').waitFor();
  await openTab(tab);
}
const drafts = async () => (await pageApi<{ drafts: Record<string, unknown> }>(page, 'inspections.get', { id: inspectionId })).drafts;

describe('UI, bozze: quanto è scritto resta', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    today = (await pageApi<{ today: string }>(page, 'app.info')).today;
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === 'Nido d’infanzia Il Girasole')!;
    const created = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: girasole.id,
      purpose: 'verifica_periodica',
      date: today,
    });
    inspectionId = created.id;
    // A non-conformity, so that the prescriptions section has a form.
    await pageApi(page, 'inspections.saveAnswer', { inspectionId, itemId: 'F.presidi.termosifoni', value: 'no', note: '' });
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
    await page.locator(`a[href$="/ispezioni/${inspectionId}"]`).first().click();
    await page.locator('#ispezione-title').waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('una prescrizione non ancora salvata resta cambiando sezione e uscendo dalla visita', async () => {
    await openTab('prescrizioni');
    const nc = () => page.locator('.non-conformita[data-rule="F.presidi.termosifoni"]');
    const deadline = formatItalianDate(addDays(today, 30));
    await nc().getByLabel('Prescrizione', { exact: true }).fill('Installare protezioni sui termosifoni del salone');
    await nc().getByLabel('Entro il').fill(deadline);
    await openTab('A');
    await openTab('prescrizioni');
    assert.equal(await nc().getByLabel('Prescrizione', { exact: true }).inputValue(), 'Installare protezioni sui termosifoni del salone');
    assert.equal(await nc().getByLabel('Entro il').inputValue(), deadline);
    await nc().getByLabel('Prescrizione', { exact: true }).fill('Installare protezioni sui termosifoni del salone e della sala nanna');
    await leaveAndReturn('prescrizioni');
    assert.equal(
      await nc().getByLabel('Prescrizione', { exact: true }).inputValue(),
      'Installare protezioni sui termosifoni del salone e della sala nanna',
    );
    assert.equal(await nc().getByLabel('Entro il').inputValue(), deadline);
    await screenshot(page, 'bozze-01-prescrizione-ritrovata');
    assert.deepEqual(await unlabelledControls(page), []);
    // Added: the form empties and the draft is gone from the host.
    await nc().getByRole('button', { name: 'Salva prescrizione' }).click();
    await nc().locator('.prescrizione', { hasText: 'sala nanna' }).waitFor();
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor();
    assert.deepEqual(await drafts(), {});
    await leaveAndReturn('prescrizioni');
    assert.equal(
      await nc().getByLabel('Prescrizione', { exact: true }).count(),
      0,
      'nessun modulo riaperto per una prescrizione già aggiunta',
    );
  });

  it('i messaggi della prescrizione seguono quanto si scrive dopo il primo «Salva prescrizione»', async () => {
    await openTab('prescrizioni');
    const nc = () => page.locator('.non-conformita[data-rule="F.presidi.termosifoni"]');
    const textError = () => nc().locator('.prescrizione-form .field-error').filter({ hasText: 'indicare il testo della prescrizione' });
    const deadlineError = () => nc().locator('.prescrizione-form').getByText('indicare la scadenza');
    // The first test added one: a second is opened by its button.
    await nc().getByRole('button', { name: 'Aggiungi un’altra prescrizione' }).click();
    assert.equal(await textError().count(), 0, 'nothing said before a save is tried');
    await nc().getByRole('button', { name: 'Salva prescrizione' }).click();
    await textError().waitFor();
    await deadlineError().waitFor();
    await screenshot(page, 'bozze-01b-prescrizione-errori');
    await nc().getByLabel('Prescrizione', { exact: true }).fill('Fissare la scaffalatura');
    await textError().waitFor({ state: 'detached' });
    assert.equal(await deadlineError().count(), 1, 'the deadline still lacks');
    await nc().getByLabel('Prescrizione', { exact: true }).fill('');
    await textError().waitFor();
    await nc().getByLabel('Entro il').fill(formatItalianDate(today));
    await nc().locator('.prescrizione-form').getByText('la scadenza deve essere successiva alla data della visita').waitFor();
    await nc().getByLabel('Entro il').fill('');
    await nc().getByLabel('Prescrizione', { exact: true }).fill('');
  });

  it('il nuovo componente della commissione e il personale presente restano', async () => {
    await openTab('visita');
    await page.getByLabel('Nome del nuovo componente').fill('Dott.ssa Elena Rossi');
    await page.getByLabel('Ruolo').fill('Referente ASL');
    await openTab('personale');
    const anna = page.getByRole('checkbox', { name: /Anna Fabbri/ });
    await anna.check();
    await openTab('visita');
    assert.equal(await page.getByLabel('Nome del nuovo componente').inputValue(), 'Dott.ssa Elena Rossi');
    await leaveAndReturn('visita');
    assert.equal(await page.getByLabel('Nome del nuovo componente').inputValue(), 'Dott.ssa Elena Rossi');
    assert.equal(await page.getByLabel('Ruolo').inputValue(), 'Referente ASL');
    await openTab('personale');
    assert.ok(await page.getByRole('checkbox', { name: /Anna Fabbri/ }).isChecked());
    await openTab('visita');
    await page.getByRole('button', { name: 'Aggiungi componente' }).click();
    await page.getByRole('checkbox', { name: /Dott.ssa Elena Rossi/ }).waitFor();
    assert.equal(await page.getByLabel('Nome del nuovo componente').inputValue(), '');
  });

  it('il nome di chi firma resta cambiando sezione e uscendo dalla visita', async () => {
    await openTab('chiusura');
    const pad = () => page.getByRole('group', { name: /^Firma del Pedagogista/ });
    await pad().getByLabel('Nome e cognome').fill('Chiara Fantoni');
    await openTab('F');
    await openTab('chiusura');
    assert.equal(await pad().getByLabel('Nome e cognome').inputValue(), 'Chiara Fantoni');
    await pad().getByLabel('Nome e cognome').fill('Chiara Fantoni Bruni');
    await leaveAndReturn('chiusura');
    assert.equal(await pad().getByLabel('Nome e cognome').inputValue(), 'Chiara Fantoni Bruni');
    await screenshot(page, 'bozze-02-firmatario-ritrovato', true);
    assert.deepEqual(Object.keys(await drafts()), ['firma:pedagogista']);
  });

  it('«Togli risposta», da tastiera, riporta la voce a «senza risposta» e lo salva', async () => {
    await openTab('F');
    const voce = page.locator('[data-item="F.presidi.termosifoni"]');
    const no = voce.getByRole('radio', { name: 'No', exact: true });
    assert.ok(await no.isChecked());
    await no.focus();
    await page.keyboard.press('Tab');
    const clear = voce.getByRole('button', { name: 'Togli risposta' });
    assert.ok(await clear.evaluate((el) => el === document.activeElement), 'Tab dalla risposta porta a «Togli risposta»');
    await page.keyboard.press('Enter');
    await clear.waitFor({ state: 'detached' });
    assert.equal(await voce.locator('input[type="radio"]:checked').count(), 0);
    assert.ok(
      await voce.getByRole('radio', { name: 'Sì', exact: true }).evaluate((el) => el === document.activeElement),
      'il fuoco resta sulla voce',
    );
    await page.locator('.pannello-rilievi [data-group="fail"] [data-rule="F.presidi.termosifoni"]').waitFor({ state: 'detached' });
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor();
    const answers = (await pageApi<{ answers: Record<string, unknown> }>(page, 'inspections.get', { id: inspectionId })).answers;
    assert.equal(answers['F.presidi.termosifoni'], undefined);
    // Answered again, the control comes back.
    await voce.getByRole('radio', { name: 'Sì', exact: true }).check();
    await clear.waitFor();
    await screenshot(page, 'bozze-03-togli-risposta');
    assert.deepEqual(w.problems, []);
  });
});
