/**
 * The review page's verdict on a real signed report, in Debian Chromium: a report changed after
 * its first signature (an overlay on page 1) and then co-signed by the trusted second member
 * reads «modificato dopo la firma» with what changed, and its headline is not «verificata»; the
 * genuine co-signed report still reads «Firma digitale verificata» against the office's CA.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../office/security.ts';
import { launchChromium } from '../helpers/ui-shell.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { drainOutbox } from '../../host/sync/loop.ts';
import { seededLaptop, sealVisits } from '../helpers/laptop.ts';
import { buildReport, loadP12, signPdfWith } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { appendClassic, overlayPage1, startForge } from '../helpers/pdf-forge.ts';
import { makeTestPki, P12_PASSPHRASE, type TestPki } from '../helpers/pki.ts';

const PASSWORD = 'una-password-lunga';
let pki: TestPki;
let office: TestOffice;
let browser: Browser;

const sign = async (pdf: Buffer, p12: Buffer) => (await signPdfWith(pdf, await loadP12(p12, P12_PASSPHRASE))).pdf;

before(async () => {
  pki = makeTestPki();
  office = await startOffice('sqlite', { today: () => '2026-11-20', caPem: pki.caPem });
  await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await office?.close();
  pki?.cleanup();
});

async function login(page: Page) {
  await page.goto(`${office.url}/coda`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Nome').fill('Ufficio Zona');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/\/coda/);
}

async function openInspection(page: Page, serviceName: string) {
  await page.getByRole('link', { name: 'Coda' }).click();
  await page.getByRole('link', { name: serviceName }).click();
  await page.getByRole('heading', { name: new RegExp(`${serviceName} — visita del`) }).waitFor();
}

test(
  'a report changed after signing is flagged with what changed; the genuine co-signed one is verified',
  { timeout: 180_000 },
  async (t) => {
    const signed = await sign(await buildReport(sampleReportInput({ photos: 0, digitallySigned: true })), pki.signerP12);
    const genuine = await sign(signed, pki.legacyP12);
    const f = startForge(signed);
    overlayPage1(f);
    const forged = await sign(appendClassic(signed, f), pki.legacyP12);

    const client = new SyncClient({ baseUrl: office.url, token: await office.token('Maria Rossi') });
    // A real laptop seals the two visits; each report goes in with its visit at the first send.
    const { app } = seededLaptop(t, 0);
    const visits = sealVisits(
      app,
      ['Nido Il Girasole', 'Nido La Coccinella'].map((serviceName) => ({
        serviceName,
        comune: 'Impruneta',
        date: '2026-11-10',
        answer: 'yes' as const,
        note: 'visita',
        photos: [],
      })),
    );
    visits.forEach((v, i) =>
      app.store.attachments.add({
        inspectionId: v.inspectionId,
        kind: 'report',
        name: 'verbale.pdf',
        mime: 'application/pdf',
        bytes: i === 0 ? genuine : forged,
      }),
    );
    const outbox = app.store.outbox;
    assert.equal((await drainOutbox(outbox, client)).sent, 2);

    const page = await browser.newPage();
    await login(page);
    await openInspection(page, 'Nido La Coccinella');
    const verdict = await page.getByTestId('report-verdict').innerText();
    assert.match(verdict, /Firma digitale NON valida: documento modificato dopo la firma/);
    assert.doesNotMatch(verdict, /verificata/);
    assert.match(await page.getByTestId('report-modifications').innerText(), /Modificato dopo la firma: contenuto della pagina 1/);
    const firstSignature = await page.getByTestId('report-version').locator('ul li').first().innerText();
    assert.match(firstSignature, /Anna Bianchi[\s\S]*modificato dopo la firma \(contenuto della pagina 1\)/);

    await openInspection(page, 'Nido Il Girasole');
    assert.match(await page.getByTestId('report-verdict').innerText(), /^Firma digitale verificata$/);
    assert.equal(await page.getByTestId('report-modifications').count(), 0);
    await page.close();
  },
);
