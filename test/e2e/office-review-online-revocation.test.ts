/**
 * «Verifica lo stato di revoca online» in Debian Chromium, by keyboard only: Tab reaches the button
 * beside the report, Enter asks the loopback OpenSSL OCSP responder through the office, and the
 * answer («revocato il … (compromissione della chiave), OCSP del …» for a revoked signer, «non
 * revocato» for the timestamp authority) shows under the report; the page after it has no axe-core
 * violations.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { buildReport, signPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { axeViolations } from '../helpers/ui-axe.ts';
import { pushWithReport, startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { P12_PASSPHRASE } from '../helpers/pki.ts';
import { makeRevocationPki, type RevocationPki } from '../helpers/revocation-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';
import { launchChromium, openPage, screenshot } from '../helpers/ui-shell.ts';

const PASSWORD = 'una-password-lunga';
let pki: RevocationPki;
let tsa: TestTsa;
let office: TestOffice;
let browser: Browser;

before(async () => {
  pki = await makeRevocationPki();
  tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  office = await startOffice('sqlite', { caPem: pki.ca.pem });
  await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await office?.close();
  await tsa?.close();
  await pki?.close();
});

test(
  'Tab to «Verifica lo stato di revoca online», Enter: the revoked signer reads «revocato il …» under the report',
  { timeout: 180_000 },
  async () => {
    const pdf = await signPdf(
      await buildReport(sampleReportInput({ photos: 0, digitallySigned: true })),
      { p12: pki.revoked.p12, passphrase: P12_PASSPHRASE },
      { tsaUrl: tsa.url },
    );
    const client = new SyncClient({ baseUrl: office.url, token: await office.token('Maria Rossi') });
    await pushWithReport(client, 'online-e2e', 1, pdf);

    const { page } = await openPage(browser, `${office.url}/login`);
    await page.getByLabel('Nome').fill('Ufficio Zona');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.waitForURL(/\/coda/);
    await page.goto(`${office.url}/ispezioni/online-e2e/1`);
    await page.getByRole('heading', { level: 1, name: /visita del/ }).waitFor();

    // Keyboard only: Tab from the top of the page until the button has the focus.
    const button = page.getByRole('button', { name: 'Verifica lo stato di revoca online' });
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await button.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, 'the button is reached with Tab');
    const asked = pki.counts.ocsp;
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/revoca-online#verbale-1$/);
    const answer = page.getByTestId('online-revocation');
    await answer.waitFor();
    assert.ok(pki.counts.ocsp > asked, 'the office asked the OCSP responder');
    const signer = (await page.getByTestId('online-signer').innerText()).trim();
    assert.match(
      signer,
      /^Certificato del firmatario: revocato il \d\d\/\d\d\/\d{4} alle \d\d:\d\d \(compromissione della chiave\), OCSP del /,
    );
    assert.match(
      (await page.getByTestId('online-tsa').innerText()).trim(),
      /^Certificato dell'autorità di marcatura temporale: non revocato, OCSP del /,
    );
    assert.equal(
      (await page.getByTestId('online-verdict').innerText()).trim(),
      'Secondo la risposta in linea la firma NON è valida: certificato revocato prima della firma.',
    );
    await screenshot(page, 'office-revoca-online');
    assert.deepEqual(await axeViolations(page, 'office-revoca-online'), []);
  },
);
