/**
 * The local service stopping under the inspector (issue 13, "a worker crash restarts the host"):
 * the browser shell with its host in a real worker thread under the supervisor, as `vigilanza serve`
 * runs it; the thread is ended mid-visit. The page says the service was restarted and that nothing
 * saved is lost, a note typed meanwhile is saved by the new thread, and a reload finds it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { findAppRoot, rendererDir } from '../../host/paths.ts';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import { startHostWorker, type HostWorker } from '../../host/worker/index.ts';
import { superviseHost } from '../../host/worker/supervisor.ts';
import { ensureRendererBuilt, launchChromium, openPage, pageApi, screenshot, type Watched } from '../helpers/ui-shell.ts';
import { axeViolations } from '../helpers/ui-axe.ts';

const ITEM = 'A.destinazione_uso.certificato';

let browser: Browser;
let server: ShellServer;
let host: HostWorker;
let dataDir: string;
const threads: HostWorker[] = [];
let w: Watched;
let page: Page;
let inspectionId: string;

const status = () => page.locator('.save-status [role="status"]');
const voce = () => page.locator(`[data-item="${ITEM}"]`);
const saved = () =>
  status()
    .filter({ hasText: /^Salvato alle/ })
    .waitFor({ timeout: 30_000 });

describe('UI, servizio locale interrotto e riavviato', { timeout: 180_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-restart-'));
    host = await superviseHost({
      start: async () => {
        const thread = await startHostWorker({ dataDir, demo: true });
        threads.push(thread);
        return thread;
      },
      onGiveUp: (reason) => assert.fail(`supervisor gave up: ${reason}`),
    });
    server = await startShellServer({ host, rendererDir: rendererDir(findAppRoot(import.meta.url)) });
    browser = await launchChromium();
    w = await openPage(browser, server.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    const services = await pageApi<Array<{ id: string; name: string }>>(page, 'services.list', {});
    const girasole = services.find((s) => s.name === 'Nido d’infanzia Il Girasole')!;
    const today = (await pageApi<{ today: string }>(page, 'app.info')).today;
    inspectionId = (
      await pageApi<{ id: string }>(page, 'inspections.create', { serviceId: girasole.id, purpose: 'verifica_periodica', date: today })
    ).id;
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
    await page.locator(`a[href$="/ispezioni/${inspectionId}"]`).first().click();
    await page.locator('#ispezione-title').waitFor();
    await page.locator('.navigatore [data-tab="A"]').click();
    await page.locator('#tab-heading-A').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await host?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('dopo l’interruzione la pagina lo dice, la nota scritta intanto è salvata e c’è dopo il ricaricamento', async () => {
    await voce().getByRole('radio', { name: 'No', exact: true }).check();
    await voce().getByLabel('Nota').fill('Certificato di agibilità non esibito');
    await saved();
    await threads[0]!.terminate();
    const text = 'Certificato di agibilità non esibito: richiesto al gestore entro 15 giorni';
    await voce().getByLabel('Nota').fill(text);
    const notice = page.locator('[data-host-restarted]');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(
      await notice.innerText(),
      /Il servizio locale si è interrotto ed è stato riavviato alle \d\d:\d\d: i dati salvati sono al sicuro/,
    );
    await saved();
    assert.equal(threads.length, 2, 'a second host thread answers');
    await screenshot(page, 'riavvio-01-avviso');
    assert.deepEqual(await axeViolations(page, 'riavvio-avviso'), []);
    const stored = await pageApi<{ answers: Record<string, { value: unknown; note?: string }> }>(page, 'inspections.get', {
      id: inspectionId,
    });
    assert.deepEqual({ value: stored.answers[ITEM]?.value, note: stored.answers[ITEM]?.note }, { value: 'no', note: text });
    await notice.getByRole('button', { name: 'Chiudi avviso' }).click();
    assert.equal(await notice.count(), 0);
    await page.reload();
    await page.locator('#ispezione-title').waitFor();
    await page.locator('.navigatore [data-tab="A"]').click();
    await page.locator('#tab-heading-A').waitFor();
    assert.equal(await voce().getByLabel('Nota').inputValue(), text);
    assert.deepEqual(
      w.problems.filter((p) => !/503|Failed to load resource/.test(p)),
      [],
    );
  });
});
