/**
 * A whole short visit with the keyboard alone, through the real browser shell and Debian Chromium
 * at 1366×768: no click, no fill — only Tab / Shift+Tab / arrows / Space / Enter / Escape and typed
 * text. At every stop the focused element must show its focus ring and be on screen; after each
 * navigation focus lands on the new page's heading; the seal dialog keeps focus inside, closes
 * with Escape and gives focus back; the signature pads are skipped by Tab (sealing without drawn
 * signatures is allowed). Screenshots go to test-results/screenshots/keyboard-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { addDays, formatItalianDate } from '../../shared/dates.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  screenshot,
  startShell,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let shell: Shell;
let browser: Browser;
let w: Watched;
let page: Page;
let today: string;
let inspectionUrl: string;

interface Focus {
  tag: string;
  id: string;
  type: string;
  /** Accessible-ish name: aria-label, label text or text content, trimmed. */
  name: string;
  tab: string | null;
  checked: boolean | null;
  /** The element (or, for a visually hidden control, the label that stands for it) shows an outline or a focus shadow. */
  ring: boolean;
  onScreen: boolean;
  inDialog: boolean;
  level: number | null;
}

/**
 * Read in the page as plain script text: tsx would wrap named inner functions of a compiled
 * callback in a `__name` helper that does not exist in the page.
 */
const READ_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: 'body', id: '', type: '', name: '', tab: null, checked: null, ring: false, onScreen: false, inDialog: false, level: null };
  const labels = [...(el.labels ?? [])];
  const shows = (e) => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '');
  };
  // A radio's ring is drawn on its pill (the label around it); a hidden file input's on its label.
  const carriers = [el, ...labels, el.closest('label')].filter((e) => e !== null);
  const box = (el.classList.contains('visually-hidden-file') ? labels[0] ?? el : el).getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.type ?? '',
    name: (el.getAttribute('aria-label') ?? labels[0]?.textContent ?? el.textContent ?? '').replace(/\\s+/g, ' ').trim(),
    tab: el.getAttribute('data-tab'),
    checked: el.type === 'radio' || el.type === 'checkbox' ? el.checked : null,
    ring: carriers.some(shows),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
    inDialog: el.closest('dialog[open]') !== null,
    level: /^H[1-6]$/.test(el.tagName) ? Number(el.tagName[1]) : null,
  };
})()`;

async function focus(): Promise<Focus> {
  return (await page.evaluate(READ_FOCUS)) as Focus;
}

/** The focus is where the user can see it. */
async function assertVisible(where: string): Promise<Focus> {
  const f = await focus();
  assert.notEqual(f.tag, 'body', `${where}: il focus è andato perso (body)`);
  assert.ok(f.ring, `${where}: il focus su <${f.tag} id="${f.id}"> «${f.name.slice(0, 60)}» non è visibile (nessun contorno)`);
  assert.ok(f.onScreen, `${where}: l’elemento con il focus <${f.tag} id="${f.id}"> «${f.name.slice(0, 60)}» è fuori dallo schermo`);
  return f;
}

async function press(key: string, where = key): Promise<Focus> {
  await page.keyboard.press(key);
  return assertVisible(`${where} (${key})`);
}

/** Tab (or Shift+Tab) until `wanted` holds, checking the focus ring at every stop. */
async function tabUntil(wanted: (f: Focus) => boolean, what: string, { back = false, max = 60 } = {}): Promise<Focus> {
  for (let i = 0; i < max; i++) {
    const f = await press(back ? 'Shift+Tab' : 'Tab', `verso ${what}`);
    if (wanted(f)) return f;
  }
  throw new Error(`${what}: non raggiunto con ${max} ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** After a navigation, focus is on the new page's h1 (visible), named as expected. */
async function headingFocused(name: RegExp): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 10_000 });
  const f = await assertVisible(`titolo ${name}`);
  assert.match(f.name, name);
}

async function apiToday(): Promise<string> {
  return page.evaluate(async () => {
    const token = sessionStorage.getItem('vigilanza.token')!;
    const r = await fetch('/api/app.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': token },
      body: '{}',
    });
    return ((await r.json()) as { value: { today: string } }).value.today;
  });
}

describe('UI, solo tastiera: una visita breve dall’elenco al verbale in sola lettura', { timeout: 300_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    today = await apiToday();
  });

  after(async () => {
    if (w?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
  });

  it('il link «Salta al contenuto» porta al titolo della pagina; Tab raggiunge il nido e Invio lo apre', async () => {
    const skip = await press('Tab', 'primo Tab');
    assert.equal(skip.name, 'Salta al contenuto');
    await screenshot(page, 'keyboard-01-salta-al-contenuto');
    await press('Enter', 'Salta al contenuto');
    await headingFocused(/^Servizi educativi$/);
    await tabUntil((f) => f.tag === 'a' && f.name === 'Nido La Coccinella', 'il nido La Coccinella');
    await screenshot(page, 'keyboard-02-elenco-link-nido');
    await page.keyboard.press('Enter');
    await headingFocused(/^Nido La Coccinella$/);
  });

  it('dal servizio, «Nuova ispezione»: finalità con le frecce, data digitata, componenti con lo Spazio', async () => {
    await tabUntil((f) => f.name === 'Nuova ispezione', '«Nuova ispezione»');
    await page.keyboard.press('Enter');
    await headingFocused(/^Nuova ispezione$/);

    // The radio group of purposes is one Tab stop, on the chosen purpose; arrows move the choice.
    let f = await tabUntil((x) => x.type === 'radio', 'la finalità');
    assert.equal(f.checked, true);
    assert.match(f.name, /Verifica periodica/);
    f = await press('ArrowDown', 'finalità');
    assert.equal(f.checked, true);
    assert.doesNotMatch(f.name, /Verifica periodica/);
    f = await press('ArrowUp', 'finalità');
    assert.match(f.name, /Verifica periodica/);
    assert.equal(f.checked, true);

    f = await press('Tab', 'data');
    assert.equal(f.id, 'ni-date');
    // Typed as gg/mm/aaaa (a text field: Chromium's own date field would follow its UI language).
    assert.equal(await page.locator('#ni-date').inputValue(), formatItalianDate(today));
    const visitDate = formatItalianDate(addDays(today, -1));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(visitDate);
    assert.equal(await page.locator('#ni-date').inputValue(), visitDate);

    for (const who of [/Chiara Fantoni/, /Laura Cecchi/]) {
      f = await tabUntil((x) => x.type === 'checkbox' && who.test(x.name), `il componente ${who}`);
      await press('Space', `componente ${who}`);
      assert.equal((await focus()).checked, true);
    }
    await screenshot(page, 'keyboard-03-nuova-ispezione');
    await tabUntil((x) => x.name === 'Inizia la visita', '«Inizia la visita»');
    await page.keyboard.press('Enter');
    await headingFocused(new RegExp(`^Ispezione del ${visitDate}`));
    inspectionUrl = page.url();
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('sezione A: risposte con Spazio e frecce nei gruppi Sì/No/Non applicabile, una nota digitata', async () => {
    await page.locator('#tab-heading-A').waitFor();
    // First item: Space chooses «Sì».
    let f = await tabUntil((x) => x.type === 'radio', 'la prima voce della sezione A');
    assert.equal(f.name, 'Sì');
    assert.equal(f.checked, false);
    f = await press('Space', 'Sì');
    assert.equal(f.checked, true);
    // Answered: «Togli risposta» (back to not answered), the note of the same item, then the photo
    // button (a label standing for a hidden file input).
    f = await press('Tab', 'Togli risposta');
    assert.equal(f.name, 'Togli risposta');
    f = await press('Tab', 'nota');
    assert.equal(f.tag, 'textarea');
    assert.match(f.id, /-note$/);
    await page.keyboard.type('Verificato con la coordinatrice');
    f = await press('Tab', 'foto');
    assert.match(f.name, /^Aggiungi foto alla voce/);
    // Second item: arrows move through the three choices and choose.
    f = await press('Tab', 'seconda voce');
    assert.equal(f.name, 'Sì');
    f = await press('ArrowRight', 'seconda voce');
    assert.equal(f.name, 'No');
    assert.equal(f.checked, true);
    f = await press('ArrowRight', 'seconda voce');
    assert.equal(f.name, 'Non applicabile');
    f = await press('ArrowLeft', 'seconda voce');
    assert.equal(f.name, 'No');
    assert.equal(f.checked, true);
    await page.locator('.pannello-rilievi [data-group="fail"] .rilievo').first().waitFor();
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'keyboard-04-sezione-A');
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('sezione B dal navigatore: Invio porta al titolo, conteggi digitati, una voce con le frecce', async () => {
    await tabUntil((x) => x.tab === 'B', 'il navigatore, sezione B', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-heading-B');
    await assertVisible('titolo della sezione B');

    const first = await tabUntil((x) => x.id.startsWith('n-counts'), 'il primo conteggio');
    assert.match(first.id, /enrolled/);
    const figures = ['6', '5', '10', '9', '12', '11'];
    await page.keyboard.type(figures[0]!);
    for (const n of figures.slice(1)) {
      const f = await press('Tab', 'conteggi');
      assert.match(f.id, /^n-counts-children/);
      await page.keyboard.type(n);
    }
    let f = await press('Tab', 'educatori previsti');
    assert.match(f.id, /educators-planned/);
    await page.keyboard.type('5');
    f = await press('Tab', 'educatori presenti');
    assert.match(f.id, /educators-present/);
    await page.keyboard.type('4');
    f = await tabUntil((x) => x.type === 'radio', 'la prima voce della sezione B');
    f = await press('ArrowRight', 'voce B');
    assert.equal(f.name, 'No');
    f = await press('ArrowLeft', 'voce B');
    assert.equal(f.name, 'Sì');
    assert.equal(f.checked, true);
    await page
      .locator('.save-status [role="status"]')
      .filter({ hasText: /^Salvato alle/ })
      .waitFor({ timeout: 10_000 });
    await page.locator('#tab-heading-B').scrollIntoViewIfNeeded();
    await screenshot(page, 'keyboard-05-sezione-B-conteggi');
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('«Chiudi visita»: le firme a mano si saltano con Tab, il dialogo tiene il focus, Esc lo chiude, poi «Sigilla»', async () => {
    await tabUntil((x) => x.tab === 'chiusura', 'il navigatore, «Chiudi visita»', { back: true, max: 80 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-heading-chiusura');
    await assertVisible('titolo «Chiudi visita»');

    // The many unanswered items (each a button to its place) are jumped over by one «Salta alle firme».
    await tabUntil((x) => x.name === 'Salta alle firme', '«Salta alle firme»', { max: 12 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'cv-firme');
    let f = await tabUntil((x) => x.id === 'firma-referente_comune-name', 'il primo nome dei firmatari', { max: 3 });
    await page.keyboard.type('Geom. Laura Cecchi');
    await screenshot(page, 'keyboard-06-chiudi-visita-firme');
    // The pad (a canvas) and its disabled «Cancella» are not Tab stops: the next Tab is the next signatory.
    f = await press('Tab', 'dopo il primo nome');
    assert.equal(f.id, 'firma-pedagogista-name', `dopo il primo nome il focus è su «${f.name}» (${f.id})`);
    await page.keyboard.type('Dott.ssa Chiara Fantoni');
    f = await press('Tab', 'dopo il secondo nome');
    assert.equal(f.id, 'firma-referente_servizio-name');
    // No signature drawn: the Scheda's commission is incomplete, and the reason comes before the seal.
    f = await press('Tab', 'dopo il terzo nome');
    assert.equal(f.id, 'cv-commission-reason');
    await page.keyboard.type('Firme raccolte sul modulo cartaceo.');
    f = await press('Tab', 'dopo il motivo');
    assert.equal(f.name, 'Chiudi e sigilla la visita');

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Sigillare la visita?' });
    await dialog.waitFor();
    f = await assertVisible('dialogo aperto');
    assert.ok(f.inDialog, 'il focus entra nel dialogo');
    assert.equal(f.name, 'Annulla', 'senza chiave di firma il dialogo si apre sulla scelta prudente');
    await screenshot(page, 'keyboard-07-dialogo-sigilla');
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      f = await press('Tab', 'nel dialogo');
      assert.ok(f.inDialog, `Tab n. ${i + 1} esce dal dialogo (${f.tag} «${f.name}»)`);
      seen.add(f.name);
    }
    for (let i = 0; i < 4; i++) assert.ok((await press('Shift+Tab', 'nel dialogo')).inDialog, 'Shift+Tab esce dal dialogo');
    assert.ok(seen.has('Sigilla') && seen.has('Annulla'), `fermate nel dialogo: ${[...seen].join(', ')}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    f = await assertVisible('dopo Esc');
    assert.equal(f.name, 'Chiudi e sigilla la visita', 'Esc restituisce il focus al pulsante che ha aperto il dialogo');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await tabUntil((x) => x.inDialog && x.name === 'Sigilla', '«Sigilla»', { max: 6 });
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Verbale PDF' }).getByText('Non firmato digitalmente').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'verbale-title');
    await assertVisible('dopo il sigillo');
    await screenshot(page, 'keyboard-08-sigillata');
  });

  it('la visita sigillata si riapre da tastiera in sola lettura', async () => {
    // Back to the service through the breadcrumb, then the visit from the history table.
    await tabUntil((x) => x.tag === 'a' && x.name === '← Nido La Coccinella', 'il link al servizio', { back: true, max: 20 });
    await page.keyboard.press('Enter');
    await headingFocused(/^Nido La Coccinella$/);
    await tabUntil((x) => x.tag === 'a' && page.url() !== '' && /^\d\d\/\d\d\/\d{4}$/.test(x.name), 'la visita nello storico');
    await page.keyboard.press('Enter');
    await headingFocused(/^Ispezione del /);
    assert.equal(page.url(), inspectionUrl);
    await page.getByRole('region', { name: 'Visita sigillata' }).waitFor();
    // Read-only: the navigator still works, the answers show but cannot be changed.
    await tabUntil((x) => x.tab === 'A', 'il navigatore, sezione A', { max: 40 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'tab-heading-A');
    await assertVisible('sezione A in sola lettura');
    const radios = page.locator('.scheda input[type="radio"]');
    assert.ok(await radios.first().isDisabled());
    const checked = await page.locator('.scheda input[type="radio"]:checked').count();
    assert.equal(checked, 2, 'le due risposte date da tastiera');
    assert.equal(await page.locator('.scheda textarea').first().inputValue(), 'Verificato con la coordinatrice');
    await screenshot(page, 'keyboard-09-sola-lettura');
    assert.equal(await horizontalOverflow(page), 0);
  });

  it('nessun errore in console né violazioni della CSP', () => {
    assert.deepEqual(w.problems, []);
  });
});
