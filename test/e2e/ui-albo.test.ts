/**
 * Lucca's Albo Comunale degli educatori domiciliari on the laptop (`renderer/inspection/VoceAlbo.tsx`),
 * in Debian Chromium at 1366×768 through the real browser shell, paired with a real Lucca office on
 * 127.0.0.1 that holds two entries (one in good standing, one lapsed). At a domiciliary service's
 * visit the inspector reaches the register's item with Tab and ticks both educators with Space (the
 * focus visible at every stop); each shows its standing on the visit's date, the live panel gives the
 * register's finding, the autosave stores the ids ticked (`inspections.get`), a reload shows them
 * ticked again, and axe-core finds no WCAG 2.1 AA violation on the page.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { RegisterStore } from '../../office/storage/register.ts';
import { addDays, type IsoDate } from '../../shared/dates.ts';
import { REGISTER_RULE } from '../../shared/educator-register.ts';
import { LUCCA_1 } from '../../shared/territories/lucca/rules.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { axeViolations } from '../helpers/ui-axe.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchWithShell,
  openPage,
  pageApi,
  screenshot,
  unlabelledControls,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

const register = LUCCA_1.educatorRegister!;
const ITEM = register.item;
const SERVICE = 'Servizio domiciliare Coccinella';
let office: TestOffice;
let shell: Shell;
let browser: Browser;
let laptop: Watched;
let page: Page;
const ids = { maria: '', luca: '' };

before(async () => {
  await ensureRendererBuilt();
  office = await startOffice('sqlite', { territory: 'lucca' });
  // The office's register: Maria Rossi registered three months ago (in good standing for nine more),
  // Luca Bianchi over a year ago with no yearly confirmation (lapsed). A day either side of midnight
  // in Rome changes neither.
  const today = new Date().toISOString().slice(0, 10) as IsoDate;
  const albo = new RegisterStore(office.server.store, register);
  const actor = { clerkId: null, name: 'riga di comando' };
  const requirements = Object.fromEntries(register.kinds.person.requirements.map((r) => [r.id, true]));
  for (const [key, name, days] of [
    ['maria', 'Maria Rossi', -90],
    ['luca', 'Luca Bianchi', -400],
  ] as const)
    ids[key] = (await albo.save({ kind: 'person', name, registeredOn: addDays(today, days), requirements, cancelledOn: null }, actor)).id;
  [browser, shell] = await launchWithShell();
  laptop = await openPage(browser, shell.url);
  page = laptop.page;
});

after(async () => {
  if (laptop?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
  await browser?.close();
  await shell?.stop();
  await office?.close();
});

interface Focus {
  type: string;
  name: string;
  checked: boolean | null;
  ring: boolean;
  onScreen: boolean;
}

// Plain script text (not a compiled callback): tsx's helpers do not exist in the page.
const READ_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { type: 'body', name: '', checked: null, ring: false, onScreen: false };
  const shows = (e) => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '');
  };
  const label = el.labels?.[0] ?? el.closest('label');
  const box = el.getBoundingClientRect();
  return {
    type: el.type ?? el.tagName.toLowerCase(),
    name: (el.getAttribute('aria-label') ?? label?.textContent ?? el.textContent ?? '').replace(/\\s+/g, ' ').trim(),
    checked: el.type === 'checkbox' || el.type === 'radio' ? el.checked : null,
    ring: [el, label].filter((e) => e).some(shows),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
  };
})()`;

async function press(key: string, where: string): Promise<Focus> {
  await page.keyboard.press(key);
  const f = (await page.evaluate(READ_FOCUS)) as Focus;
  assert.notEqual(f.type, 'body', `${where} (${key}): il focus è andato perso`);
  assert.ok(f.ring, `${where} (${key}): il focus su «${f.name.slice(0, 60)}» non è visibile`);
  assert.ok(f.onScreen, `${where} (${key}): «${f.name.slice(0, 60)}» è fuori dallo schermo`);
  return f;
}

async function tabUntil(wanted: RegExp, max = 80): Promise<Focus> {
  for (let i = 0; i < max; i++) {
    const f = await press('Tab', `verso ${wanted}`);
    if (f.type === 'checkbox' && wanted.test(f.name)) return f;
  }
  throw new Error(`${wanted}: non raggiunto con ${max} Tab`);
}

test(
  'Albo: Tab and Space tick the educators of a domiciliary service, the answer is saved and the page has no axe violation',
  { timeout: 180_000 },
  async () => {
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    // Set-up through the laptop's API: paired with the Lucca office (its territory, its register), a
    // domiciliary service and a draft visit of today.
    const inspector = await office.server.store.createInspector('Giulia Verdi');
    const code = newPairingCode();
    await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
    await pageApi(page, 'sync.pair', { url: office.url, code });
    const info = await pageApi<{ ruleSet: string; today: string }>(page, 'app.info', {});
    assert.equal(info.ruleSet, 'lucca@1');
    const service = await pageApi<{ id: string }>(page, 'services.create', {
      name: SERVICE,
      type: 'domiciliare',
      comune: 'Lucca',
      capacity: 5,
      kitchen: false,
    });
    const visit = await pageApi<{ id: string }>(page, 'inspections.create', {
      serviceId: service.id,
      purpose: 'verifica_periodica',
      date: info.today,
      memberIds: [],
    });

    // Paired behind the page's back (the «Ufficio» form would have reloaded app.info): the page loads
    // again, as at the next start, with Lucca's territory.
    await page.goto(`${shell.url.split('#')[0]}#/ispezioni/${encodeURIComponent(visit.id)}`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: new RegExp(SERVICE) }).waitFor();
    await page.locator('.app-zone').filter({ hasText: 'Città di Lucca' }).waitFor();
    await page.locator('.navigatore [data-tab="B"]').click();
    await page.locator('#tab-heading-B').waitFor();
    const item = page.locator(`[data-item="${ITEM}"]`);
    assert.match(await item.innerText(), /L'Iscrizione all'Albo degli Educatori Domiciliari ha durata annuale/);
    assert.match(await item.innerText(), /Reg\. Lucca art\. 6 c\.2; artt\. 7-8/);
    // The register arrives with the first pull after pairing; the item reloads it on the sync event.
    const luca = item.getByRole('checkbox', { name: /Luca Bianchi/ });
    const maria = item.getByRole('checkbox', { name: /Maria Rossi/ });
    await maria.waitFor({ timeout: 30_000 });
    await luca.waitFor();
    assert.match(await item.innerText(), /Maria Rossi \(persona\) — in regola: iscritta, valida fino al \d{2}\/\d{2}\/\d{4}/);
    assert.match(
      await item.innerText(),
      /Luca Bianchi \(persona\) — decaduta \(conferma annuale mancante\): iscrizione decaduta il \d{2}\/\d{2}\/\d{4}/,
    );

    // Keyboard only from the section's heading: Tab to the first entry (the list is by name), on to the
    // second, Space ticks it; back with Shift+Tab, Space ticks the first; Tab twice reaches «Non applicabile».
    await page.locator('#tab-heading-B').focus();
    let f = await tabUntil(/Luca Bianchi/);
    assert.equal(f.checked, false);
    f = await press('Tab', 'seconda voce dell’albo');
    assert.match(f.name, /Maria Rossi/);
    f = await press('Space', 'spunta Maria Rossi');
    assert.equal(f.checked, true);
    f = await press('Shift+Tab', 'indietro a Luca Bianchi');
    assert.match(f.name, /Luca Bianchi/);
    f = await press('Space', 'spunta Luca Bianchi');
    assert.equal(f.checked, true);
    await press('Tab', 'Maria Rossi');
    f = await press('Tab', 'Non applicabile');
    assert.match(f.name, /^Non applicabile$/);
    assert.equal(f.checked, false, 'Tab alone ticks nothing');

    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor({ timeout: 10_000 });
    const saved = await pageApi<{ answers: Record<string, { value?: unknown }> }>(page, 'inspections.get', { id: visit.id });
    assert.equal(saved.answers[ITEM]?.value, `${ids.maria},${ids.luca}`, 'the ids ticked, in the order ticked');
    // The live check reads the entries ticked: one of two is not in good standing.
    const finding = page.locator(`.pannello-rilievi [data-group="fail"] [data-rule="${REGISTER_RULE}"]`);
    await finding.waitFor();
    assert.match(await finding.innerText(), /Albo Comunale degli educatori domiciliari, al \d{2}\/\d{2}\/\d{4}: 1 su 2 non in regola/);
    assert.doesNotMatch(await item.innerText(), new RegExp(`${ids.maria}|${ids.luca}`), 'no entry id on screen');

    assert.equal(await horizontalOverflow(page), 0, 'scorre in orizzontale');
    assert.deepEqual(await unlabelledControls(page), [], 'controlli senza etichetta');
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'albo-01-iscritti-spuntati');
    assert.deepEqual(await axeViolations(page, 'laptop-albo'), [], 'axe-core: nessuna violazione WCAG 2.1 AA');

    // Stored, not only on screen: a reload shows both ticked.
    await page.reload();
    await page.locator('.navigatore [data-tab="B"]').click();
    await page.locator('#tab-heading-B').waitFor();
    await maria.waitFor();
    assert.equal(await maria.isChecked(), true);
    assert.equal(await luca.isChecked(), true);
    assert.equal(await item.getByRole('checkbox', { name: 'Non applicabile' }).isChecked(), false);
    assert.deepEqual(laptop.problems, [], 'no console errors or CSP violations');
  },
);
