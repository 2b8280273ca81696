/**
 * «Verifica delle prescrizioni» on the laptop (issue 14): a visit sealed with a prescription whose
 * deadline has passed; the next visit of the same service lists it in the «Prescrizioni» tab, the
 * inspector marks it «Non ottemperata» with a note, the consequence the Zona's data gives is shown
 * with its article (Reg. zonale art. 11 c.2), the answer survives a reload (autosave), and once
 * sealed the read-only view lists the verification. Screenshots at 1366×768.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays } from '../../shared/dates.ts';
import { axeViolations } from '../helpers/ui-axe.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  pageApi,
  screenshot,
  startShell,
  unlabelledControls,
  type Shell,
} from '../helpers/ui-shell.ts';

let browser: Browser;
let shell: Shell;
let page: Page;
let second: string;
const SERVICE = 'Nido d’infanzia Il Girasole';
const CONSEQUENCE = "Reg. zonale art. 11 c.2: sospensione dell'autorizzazione al funzionamento";

const openTab = async (tab: string) => {
  await page.locator(`.navigatore [data-tab="${tab}"]`).click();
  await page.locator(`#tab-heading-${tab}`).waitFor();
};

describe('UI, verifica delle prescrizioni', { timeout: 240_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    page = (await openPage(browser, shell.url)).page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    const today = (await pageApi<{ today: string }>(page, 'app.info')).today;
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === SERVICE)!;
    const first = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: girasole.id,
      purpose: 'verifica_periodica',
      date: addDays(today, -60),
    });
    await pageApi(page, 'inspections.saveAnswer', { inspectionId: first.id, itemId: 'A.destinazione_uso.certificato', value: 'no' });
    await pageApi(page, 'prescriptions.save', {
      inspectionId: first.id,
      rule: 'A.destinazione_uso.certificato',
      text: 'Esibire il certificato di destinazione d’uso',
      deadline: addDays(today, -30),
    });
    await pageApi(page, 'inspections.seal', { id: first.id, commissionReason: 'prova automatica', signatures: [] });
    second = (
      await pageApi<{ id: string }>(page, 'inspections.create', { serviceId: girasole.id, purpose: 'verifica_periodica', date: today })
    ).id;
    await page.getByRole('link', { name: SERVICE }).click();
    await page.locator(`a[href$="/ispezioni/${second}"]`).first().click();
    await page.locator('#ispezione-title').waitFor();
  });
  after(async () => {
    await browser?.close();
    await shell?.stop();
  });

  it('«Non ottemperata» mostra la conseguenza con l’articolo e resta dopo il ricaricamento', async () => {
    await openTab('prescrizioni');
    const section = page.getByRole('region', { name: 'Verifica delle prescrizioni' });
    await section.waitFor();
    await section.getByText('Esibire il certificato di destinazione d’uso').waitFor();
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/inspections.saveAnswer') && r.status() === 200);
    await section.getByLabel('Non ottemperata').check();
    assert.equal(await page.getByTestId('conseguenza').innerText(), `Conseguenza: ${CONSEQUENCE}`);
    await saved;
    const noteSaved = page.waitForResponse((r) => r.url().endsWith('/api/inspections.saveAnswer') && r.status() === 200);
    await section.getByLabel('Nota').fill('certificato non esibito');
    await section.getByLabel('Nota').blur();
    await noteSaved;
    assert.deepEqual(await unlabelledControls(page), []);
    assert.equal(await horizontalOverflow(page), 0);
    assert.deepEqual(await axeViolations(page, 'laptop-verifica-prescrizioni'), []);
    await screenshot(page, 'verifica-prescrizioni-bozza');

    await page.reload();
    await page.locator('#ispezione-title').waitFor();
    await openTab('prescrizioni');
    const again = page.getByRole('region', { name: 'Verifica delle prescrizioni' });
    assert.equal(await again.getByLabel('Non ottemperata').isChecked(), true);
    assert.equal(await again.getByLabel('Nota').inputValue(), 'certificato non esibito');
  });

  it('sigillata: la verifica è nel file e nella vista in sola lettura', async () => {
    const sealed = await pageApi<{ inspection: { sealedFile: { verifications: Array<{ outcome: string; consequence: unknown }> } } }>(
      page,
      'inspections.seal',
      { id: second, commissionReason: 'prova automatica', signatures: [] },
    );
    assert.deepEqual(
      sealed.inspection.sealedFile.verifications.map((v) => [v.outcome, v.consequence]),
      [['not_complied', { act: "sospensione dell'autorizzazione al funzionamento", article: 'Reg. zonale art. 11 c.2' }]],
    );
    await page.reload();
    await page.locator('#ispezione-title').waitFor();
    await openTab('prescrizioni');
    const view = page.getByRole('region', { name: 'Verifica delle prescrizioni' });
    await view.getByText('non ottemperata').waitFor();
    assert.match(await view.innerText(), /Reg\. zonale art\. 11 c\.2: sospensione dell'autorizzazione al funzionamento/);
    assert.match(await view.innerText(), /Nota: certificato non esibito/);
    assert.deepEqual(await axeViolations(page, 'laptop-verifica-prescrizioni-sigillata'), []);
    await screenshot(page, 'verifica-prescrizioni-sigillata');
  });
});
