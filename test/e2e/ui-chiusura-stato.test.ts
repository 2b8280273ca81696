/**
 * Issue 10, seen on the screen at 1366×768 (screenshots in test-results/screenshots/stato-*.png):
 * the services list says what Art. 17 asks in words; the header shows the save status and the
 * office's reachability on every page and stays in sight while a long section scrolls; «Chiudi
 * visita» lists what is left by section, each one click from its place; sealing asks for the
 * commission the Scheda requires, or a reason that ends up in the sealed view and the PDF.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { addYears, formatItalianDate } from '../../shared/dates.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  pageApi,
  screenshot,
  startShell,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

let office: TestOffice | null = null;
let shell: Shell;
let browser: Browser;
let w: Watched;
let page: Page;
let today: string;
let dueService: string;
let inspectionId: string;

const api = <T = any>(method: string, input: unknown): Promise<T> => pageApi<T>(page, method, input);
const SERVICE = {
  type: 'nido',
  comune: 'Impruneta',
  address: 'Via delle Prove 3',
  referente: 'Coop. Prove',
  capacity: 30,
  kitchen: false,
};
const REASON = 'Referente del Comune assente per malattia, avvisato per telefono.';

/** End of the semester holding `day`, and of the next one (Art. 17: two inspections a year). */
function semesterEnds(day: string): [string, string] {
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) <= 6 ? [`${year}-06-30`, `${year}-12-31`] : [`${year}-12-31`, `${year + 1}-06-30`];
}

async function signOn(group: ReturnType<Page['getByRole']>) {
  const canvas = group.locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 15, box.y + box.height * (0.7 - (i % 2) * 0.3));
  await page.mouse.up();
}

describe('UI: stato in testata, scadenze dei servizi, chiusura della visita', { timeout: 300_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    [office, shell, browser] = await Promise.all([startOffice('sqlite'), startShell({ demo: true }), launchChromium()]);
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    today = (await api<{ today: string }>('app.info', {})).today;
    const acts = { authorizationIssuedOn: addYears(today, -1), accreditationIssuedOn: null };
    dueService = (await api<{ id: string }>('services.create', { ...SERVICE, ...acts, name: 'Nido Prova Dovuta' })).id;
    // Authorised on the first day of this semester: nothing was owed before, and today's visit covers it.
    const semesterStart = Number(today.slice(5, 7)) <= 6 ? `${today.slice(0, 4)}-01-01` : `${today.slice(0, 4)}-07-01`;
    const inOrder = (
      await api<{ id: string }>('services.create', {
        ...SERVICE,
        authorizationIssuedOn: semesterStart,
        accreditationIssuedOn: null,
        name: 'Nido Prova In Regola',
      })
    ).id;
    await api('services.create', { ...SERVICE, authorizationIssuedOn: null, accreditationIssuedOn: null, name: 'Nido Prova Senza Atti' });
    const visited = await api<{ id: string }>('inspections.create', { serviceId: inOrder, purpose: 'verifica_periodica', date: today });
    await api('inspections.seal', { id: visited.id, signatures: [], commissionReason: 'preparazione della prova' });
    const member = await api<{ id: string }>('members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
    inspectionId = (
      await api<{ id: string }>('inspections.create', {
        serviceId: dueService,
        purpose: 'verifica_periodica',
        date: today,
        memberIds: [member.id],
      })
    ).id;
  });

  after(async () => {
    if (w?.problems.length && shell?.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
    await office?.close();
  });

  it('l’elenco dei servizi dice in chiaro che cosa è dovuto', async () => {
    await page.getByLabel('Cerca').fill('Nido Prova');
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    await row('Nido Prova Senza Atti').waitFor();
    const [thisEnd, nextEnd] = semesterEnds(today);
    // The badge's icon (✕, !) is decoration: the words are what is read.
    const cell = (name: string) => row(name).locator('td[data-due]');
    const words = async (name: string) => (await cell(name).innerText()).replace(/^[^\p{L}]+/u, '').trim();
    assert.equal(await words('Nido Prova Dovuta'), `Ispezione dovuta entro ${formatItalianDate(thisEnd)}`);
    assert.equal(await words('Nido Prova In Regola'), `In regola fino al ${formatItalianDate(nextEnd)}`);
    assert.match(await cell('Nido Prova Senza Atti').innerText(), /^Non dovute: nessuna autorizzazione né accreditamento/);
    const table = await page.locator('.services-table').innerText();
    assert.doesNotMatch(table, /In ritardo|Prossima entro|entro —/);
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'stato-01-servizi-scadenze');
    // The demo's services too: every bound one reads "dovuta entro" or "in regola fino al".
    await page.getByLabel('Cerca').fill('');
    await page.getByRole('row', { name: /Nido Arcobaleno/ }).waitFor();
    for (const text of await page.locator('td[data-due="due"], td[data-due="in_order"]').allInnerTexts())
      assert.match(text, /^\W*(Ispezione dovuta entro|In regola fino al) \d\d\/\d\d\/\d{4}/);
    await screenshot(page, 'stato-01b-servizi-demo');
  });

  it('la pagina del servizio usa le stesse parole dell’elenco', async () => {
    const [thisEnd, nextEnd] = semesterEnds(today);
    const facts = () => page.locator('.facts');
    const due = () => facts().locator('dd[data-due]');
    const words = async () => (await due().innerText()).replace(/^[^\p{L}]+/u, '').trim();
    const open = async (name: string) => {
      await page.evaluate(() => (window.location.hash = '#/servizi'));
      await page.getByLabel('Cerca').fill(name);
      await page.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
    };
    await open('Nido Prova Dovuta');
    assert.equal(await facts().locator('dt', { hasText: 'Ispezioni (Reg. zonale art. 17 c.1)' }).count(), 1);
    assert.equal(await words(), `Ispezione dovuta entro ${formatItalianDate(thisEnd)}`);
    assert.doesNotMatch(await facts().innerText(), /In ritardo|in ritardo|Prossima|entro —/);
    await screenshot(page, 'stato-01c-servizio-dovuta');
    await open('Nido Prova In Regola');
    assert.equal(await words(), `In regola fino al ${formatItalianDate(nextEnd)}`);
    await open('Nido Prova Senza Atti');
    assert.match(await due().innerText(), /^Non dovute: nessuna autorizzazione né accreditamento/);
    assert.doesNotMatch(await facts().innerText(), /entro —/);
    await page.evaluate(() => (window.location.hash = '#/servizi'));
    await page.getByLabel('Cerca').fill('');
  });

  it('la testata: tutto salvato, ufficio non associato; nella visita «Salvataggio…» poi «Salvato alle», in vista anche scorrendo', async () => {
    const save = page.locator('[data-header-save]');
    assert.equal(await save.innerText(), 'Tutto salvato');
    // The one real visit sealed above waits for an office (demo visits are never queued), in the singular.
    assert.equal(await page.locator('[data-header-office]').innerText(), 'Ufficio non associato · 1 visita da inviare');
    await page.evaluate((id) => (window.location.hash = `#/ispezioni/${id}`), inspectionId);
    await page.locator('.navigatore [data-tab="F"]').click();
    await page.locator('#tab-heading-F').waitFor();
    const voce = page.locator('[data-item="F.presidi.termosifoni"]');
    await voce.getByRole('radio', { name: 'No', exact: true }).check();
    // Saving starts at once (the debounce counts as waiting to be saved) and ends "Salvato alle hh:mm".
    await page.locator('[data-header-save="saving"]').waitFor();
    await page.locator('[data-header-save="saved"]', { hasText: /^Salvato alle \d\d:\d\d$/ }).waitFor();
    // The end of a long section: the header is still at the top, not covered.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    assert.ok((await page.evaluate(() => window.scrollY)) > 500, 'la sezione F è lunga');
    const box = (await save.boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 100, `stato del salvataggio in vista (y ${box.y})`);
    assert.ok(
      await save.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
      }),
      'nulla copre lo stato',
    );
    await screenshot(page, 'stato-02-testata-scorrendo');
  });

  it('«Chiudi visita» elenca per sezione non conformità senza prescrizione e voci senza risposta, a un clic dalla voce', async () => {
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    await page.locator('#tab-heading-chiusura').waitFor();
    const nc = page.locator('[data-todo-group="F"] [data-todo="nc:F.presidi.termosifoni"]');
    await nc.waitFor();
    assert.match(await nc.innerText(), /^Non conformità senza prescrizione:/);
    // Groups follow the navigator: Scheda sections in order, each with its unanswered items.
    const groups = await page.locator('[data-todo-group]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.todoGroup));
    assert.deepEqual(groups.slice(0, 3), ['A', 'B', 'C']);
    assert.ok((await page.locator('[data-todo-group="C"] [data-todo^="voce:"]').count()) > 0);
    assert.equal(await page.locator('.missing-details').count(), 0, 'nothing folded: each entry is one click away');
    await screenshot(page, 'stato-03-chiudi-visita-elenco');
    await screenshot(page, 'stato-03b-chiudi-visita-elenco-intero', true);
    await nc.scrollIntoViewIfNeeded();
    await screenshot(page, 'stato-03c-chiudi-visita-sezione-F');

    const first = page.locator('[data-todo-group="C"] [data-todo^="voce:"]').first();
    const itemId = (await first.getAttribute('data-todo'))!.slice('voce:'.length);
    await first.getByRole('button').click();
    await page.locator('#tab-heading-C').waitFor();
    assert.equal(await page.locator('.navigatore [data-tab="C"]').getAttribute('aria-current'), 'step');
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.item === id, itemId);
    await screenshot(page, 'stato-04-voce-raggiunta');

    await page.locator('.navigatore [data-tab="chiusura"]').click();
    await nc.getByRole('button').click();
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.item === 'F.presidi.termosifoni');
    assert.equal(await page.locator('.navigatore [data-tab="F"]').getAttribute('aria-current'), 'step');
  });

  it('sigillo: chi manca della commissione, il motivo obbligatorio, il titolo di chi firma; motivo nella vista sigillata e nel PDF', async () => {
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    const required = page.locator('[data-commission]');
    await required.waitFor();
    assert.equal(await required.getAttribute('data-commission'), 'incompleta');
    assert.deepEqual(await required.locator('.commission-gaps li').allInnerTexts(), [
      'Manca la firma del referente del Comune di Impruneta',
      'Manca la firma del Pedagogista Comunale',
    ]);
    // The pads say which signatures the Scheda requires; the service's referent signs only if willing.
    assert.match(
      await page.getByRole('group', { name: 'Firma del Pedagogista Comunale' }).innerText(),
      /Richiesta dalla Scheda: senza, alla chiusura va indicato il motivo\./,
    );
    assert.match(
      await page.getByRole('group', { name: /Alla presenza del referente del servizio/ }).innerText(),
      /La firma è facoltativa\./,
    );
    // The pedagogist present signs: her title follows her role, as in the PDF.
    const pedagogista = page.getByRole('group', { name: 'Firma del Pedagogista Comunale' });
    await pedagogista.getByLabel('Nome e cognome').fill('Chiara Fantoni');
    const titled = page.getByRole('group', { name: 'Firma — Pedagogista zonale' });
    await titled.waitFor();
    await signOn(titled);
    await titled.getByRole('img', { name: 'Firma — Pedagogista zonale: firma tracciata' }).waitFor();
    assert.deepEqual(await required.locator('.commission-gaps li').allInnerTexts(), [
      'Manca la firma del referente del Comune di Impruneta',
    ]);

    // Without a reason the seal does not start: the field says why and takes the focus.
    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    const reason = page.getByLabel('Motivo per sigillare senza la commissione completa');
    await page.locator('#cv-commission-reason-err', { hasText: /indicare il motivo/ }).waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Sigillare la visita?' }).count(), 0);
    assert.ok(await reason.evaluate((el) => el === document.activeElement));
    await required.scrollIntoViewIfNeeded();
    await screenshot(page, 'stato-05-commissione-incompleta');

    await reason.fill(REASON);
    // Kept as a durable draft: leaving the section at once and coming back, the reason is there.
    await page.locator('.navigatore [data-tab="F"]').click();
    await page.locator('#tab-heading-F').waitFor();
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    assert.equal(await reason.inputValue(), REASON);
    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    await page.getByRole('dialog', { name: 'Sigillare la visita?' }).getByRole('button', { name: 'Sigilla', exact: true }).click();
    const banner = page.getByRole('region', { name: 'Visita sigillata' });
    await banner.waitFor();
    assert.equal(
      await banner.locator('[data-commission-reason]').innerText(),
      `Sigillata senza la commissione completa. Motivo: ${REASON}`,
    );
    await screenshot(page, 'stato-06-sigillata-motivo');
    // Sealed: the title over the signature is the signer's role here too.
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    await page.locator('.firma h4', { hasText: 'Firma — Pedagogista zonale' }).waitFor();

    const report = await api<{ pdfBase64: string }>('report.get', { inspectionId });
    const dir = mkdtempSync(join(tmpdir(), 'vigilanza-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), Buffer.from(report.pdfBase64, 'base64'));
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      assert.match(text, /Sigillata senza la commissione completa\. Motivo: Referente del Comune assente per malattia/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ufficio raggiungibile, poi non raggiungibile: la testata lo dice con le visite da inviare, «Attivo» non resta verde', async () => {
    const o = office!;
    const inspector = await o.server.store.createInspector('Maria Rossi');
    const code = newPairingCode();
    await o.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Ufficio' }).click();
    await page.getByLabel('Indirizzo del server d’ufficio').fill(o.url);
    await page.getByLabel('Codice di associazione').fill(code);
    await page.getByRole('button', { name: 'Associa' }).click();
    await page.locator('[data-header-office="reachable"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-office-reach="reachable"]', { hasText: 'Attivo' }).waitFor();
    await screenshot(page, 'stato-07-ufficio-raggiungibile');

    await o.close();
    office = null;
    // One more visit sealed while the office is away: it waits to be sent.
    const other = await api<{ id: string }>('inspections.create', { serviceId: dueService, purpose: 'verifica_periodica', date: today });
    await api('inspections.seal', { id: other.id, signatures: [], commissionReason: 'preparazione della prova' });
    await page.getByRole('button', { name: 'Sincronizza ora' }).click();
    const header = page.locator('[data-header-office="unreachable"]');
    await header.waitFor({ timeout: 30_000 });
    await header.locator('[data-header-waiting]').waitFor({ timeout: 30_000 });
    assert.match(await header.innerText(), /^Ufficio non raggiungibile · \d+ visit[ae] da inviare$/);
    const badge = page.locator('[data-office-reach="unreachable"] .badge');
    await badge.waitFor();
    assert.match(await badge.innerText(), /Non raggiungibile$/);
    assert.doesNotMatch((await badge.getAttribute('class'))!, /badge-ok/);
    await screenshot(page, 'stato-08-ufficio-non-raggiungibile');
    // The header is on every page.
    await page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Servizi' }).click();
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    await page.locator('[data-header-office="unreachable"]').waitFor();
    await screenshot(page, 'stato-09-servizi-testata');
  });

  it('nessun errore in console né violazioni della CSP', () => {
    assert.deepEqual(w.problems, []);
  });
});
