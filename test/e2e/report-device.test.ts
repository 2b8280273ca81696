/**
 * The signing device in the browser shell and Debian Chromium: in «Firma digitale» the inspector
 * picks the SoftHSM2 module among those found on the machine, finds the token (a real one made by
 * the test), chooses the RSA certificate by holder and issuer; at «Chiudi visita» the dialog asks
 * the device's PIN: a wrong one is said on the field with the tries left and the visit stays a
 * draft; the right one seals and signs, and pdfsig finds the exported PDF valid and trusted.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
  type Watched,
} from '../helpers/ui-shell.ts';
import { makeTestPki, pdfsig, type TestPki } from '../helpers/pki.ts';
import { makeSoftHsmToken, type TestToken } from '../helpers/softhsm.ts';

let shell: Shell;
let browser: Browser;
let w: Watched;
let page: Page;
let pki: TestPki;
let token: TestToken;

async function checkPage(name: string) {
  assert.equal(await horizontalOverflow(page), 0, `${name}: la pagina scorre in orizzontale a 1366 px`);
  assert.deepEqual(await unlabelledControls(page), [], `${name}: controlli senza etichetta`);
}

describe('UI: firma con smart card o token (PKCS#11)', { timeout: 300_000 }, () => {
  before(async () => {
    pki = makeTestPki();
    token = makeSoftHsmToken(pki);
    // The shell's host (a child process) reads it at every C_Initialize.
    process.env.SOFTHSM2_CONF = token.conf;
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi', level: 1 }).waitFor();
  });

  after(async () => {
    await w?.context.close();
    await browser?.close();
    await shell?.stop();
    token?.cleanup();
    pki?.cleanup();
  });

  it('«Firma digitale»: modulo suggerito, token trovato, certificato scelto per titolare ed emittente', async () => {
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Firma digitale' }).click();
    await page.getByRole('heading', { name: 'Firma digitale', level: 1 }).waitFor();
    assert.equal(await page.getByRole('radio', { name: /Dispositivo di firma \(smart card o token\)/ }).isChecked(), true);
    await page.getByRole('button', { name: 'Usa SoftHSM 2' }).first().click();
    assert.equal(await page.getByLabel('Modulo PKCS#11 del dispositivo').inputValue(), token.module);
    await page.getByRole('button', { name: 'Cerca i dispositivi inseriti' }).click();
    await page.getByRole('group', { name: 'Certificato di firma' }).waitFor();
    assert.match(await page.getByLabel('Dispositivo').locator('option:checked').innerText(), /Firma Anna/);
    const rsa = page.getByRole('radio', { name: /Anna Bianchi.*Vigilanza Test CA.*RSA/ });
    const ca = page.getByRole('radio', { name: /Vigilanza Test CA.*non utilizzabile/ });
    assert.equal(await ca.isDisabled(), true, 'the CA certificate cannot be chosen');
    await rsa.check();
    await checkPage('scelta del dispositivo');
    await screenshot(page, 'device-01-scelta');
    await page.getByRole('button', { name: 'Usa questo certificato' }).click();
    await page.getByText('Dispositivo di Anna Bianchi scelto per la firma.').waitFor();
    await page.locator('[data-signing-device="present"]').waitFor();
    // For «Certificato attendibile» in the report panel.
    await pageApi(page, 'signing.addTrustedCa', { pem: pki.caPem });
  });

  it('«Chiudi visita»: PIN errato segnalato sul campo (la visita resta in bozza), poi il PIN giusto sigilla e firma sul token', async () => {
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name.includes('Il Girasole'))!;
    const members = await pageApi<Array<{ id: string; name: string }>>(page, 'members.list', {});
    const info = await pageApi<{ today: string }>(page, 'app.info', {});
    const created = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: girasole.id,
      purpose: 'verifica_periodica',
      date: info.today,
      memberIds: members.filter((m) => /Fantoni|Cecchi/.test(m.name)).map((m) => m.id),
    });
    await page.evaluate((id) => (window.location.hash = `#/ispezioni/${id}`), created.id);
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    await page.locator('#tab-heading-chiusura').waitFor();
    const note = page.locator('[data-firma-digitale="si"]');
    await note.waitFor();
    assert.match(await note.innerText(), /con il dispositivo di firma di Anna Bianchi/);
    const pad = page.locator('.chiudi-visita .firma').first();
    await pad.getByLabel('Nome e cognome').fill('Geom. Laura Cecchi');
    const canvas = pad.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 15, box.y + box.height * 0.6);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 15 + i * 14, box.y + box.height * (0.6 - (i % 3) * 0.18));
    await page.mouse.up();
    await pad.getByRole('img', { name: /firma tracciata/ }).waitFor();
    // One signature of the two the Scheda's commission gives: the seal needs the inspector's reason.
    await page
      .getByLabel('Motivo per sigillare senza la commissione completa')
      .fill('Prova del dispositivo di firma: commissione non in esame.');

    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sigillare la visita?' });
    const pin = dialog.getByLabel(/PIN del dispositivo di firma di Anna Bianchi/);
    assert.equal(await pin.getAttribute('type'), 'password');
    await pin.fill('000000');
    await dialog.getByRole('button', { name: 'Sigilla e firma' }).click();
    await dialog.getByText(/PIN errato\. Il dispositivo segnala che restano pochi tentativi/).waitFor();
    assert.equal(await pin.inputValue(), '', 'the PIN does not stay in the page');
    assert.equal((await pageApi<{ status: string }>(page, 'inspections.get', { id: created.id })).status, 'draft');
    const refused = w.problems.findIndex((p) => p.includes('status of 400 (Bad Request)'));
    assert.ok(refused >= 0, 'the refused request was logged');
    w.problems.splice(refused, 1);

    await pin.fill(token.pin);
    await dialog.getByRole('button', { name: 'Sigilla e firma' }).click();
    const panel = page.getByRole('region', { name: 'Verbale PDF' });
    await panel.getByText('Firmato digitalmente · firme integre').waitFor();
    assert.match(await panel.locator('[data-firma-digitale="1"]').innerText(), /Anna Bianchi[\s\S]*Certificato attendibile/);
    await screenshot(page, 'device-02-sigillata');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Esporta PDF' }).click()]);
    const path = join(pki.dir, 'verbale-token.pdf');
    await download.saveAs(path);
    const out = pdfsig(path, pki.nssDir);
    assert.match(out, /Signature is Valid/, out);
    assert.match(out, /Certificate is Trusted/, out);
    assert.match(out, /Total document signed/, out);
  });

  it('«Aggiungi firma»: il secondo firmatario firma con il proprio dispositivo (chiave EC), la prima firma resta valida', async () => {
    const panel = page.getByRole('region', { name: 'Verbale PDF' });
    await panel.getByRole('button', { name: 'Aggiungi firma (secondo firmatario)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Aggiungi firma (secondo firmatario)' });
    await dialog.getByRole('radio', { name: /Dispositivo di firma/ }).check();
    await dialog.getByLabel('Modulo PKCS#11 del dispositivo').fill(token.module);
    await dialog.getByRole('button', { name: 'Cerca i dispositivi inseriti' }).click();
    await dialog.getByRole('radio', { name: /Anna Bianchi.*EC/ }).check();
    await dialog.getByRole('button', { name: 'Usa questo certificato' }).click();
    const pin = dialog.getByLabel(/PIN del dispositivo di firma di Anna Bianchi/);
    await checkPage('aggiungi firma con dispositivo');
    await pin.fill(token.pin);
    await dialog.getByRole('button', { name: 'Firma il verbale' }).click();
    await panel.locator('[data-firma-digitale="2"]').waitFor();
    assert.match(await panel.locator('[data-firma-digitale="2"]').innerText(), /Anna Bianchi[\s\S]*Integra[\s\S]*Copre tutto il documento/);
    assert.match(await panel.locator('[data-firma-digitale="1"]').innerText(), /Integra/);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Esporta PDF' }).click()]);
    const path = join(pki.dir, 'verbale-token-2.pdf');
    await download.saveAs(path);
    const out = pdfsig(path, pki.nssDir);
    assert.equal(out.match(/Signature is Valid/g)?.length, 2, out);
    assert.equal(out.match(/Certificate is Trusted/g)?.length, 2, out);
  });

  it('nessun errore in console né violazioni della CSP', () => {
    assert.deepEqual(w.problems, []);
  });
});
