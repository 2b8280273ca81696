/**
 * For the UI end-to-end specs and the UI benchmark: the real browser shell (`bin/vigilanza serve`)
 * on a fresh data folder, and Debian Chromium driven by playwright-core at 1366×768.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const VIEWPORT = { width: 1366, height: 768 };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist/renderer when it is missing or older than the renderer/shared sources. */
export async function ensureRendererBuilt(): Promise<void> {
  const index = join(ROOT, 'dist/renderer/index.html');
  const sourcesChanged = () => Math.max(newestMtime(join(ROOT, 'renderer')), newestMtime(join(ROOT, 'shared'))) > statSync(index).mtimeMs;
  if (existsSync(index) && !sourcesChanged()) return;
  process.env.VIGILANZA_QUIET = '1';
  const mod = (await import(pathToFileURL(join(ROOT, 'scripts/build-renderer.mjs')).href)) as {
    default: (o: { root: string }) => Promise<void>;
  };
  await mod.default({ root: ROOT });
}

export interface Shell {
  url: string;
  origin: string;
  dataDir: string;
  /** The shell's own process (with `wrap`, the wrapper exec()s into it, so the same id). */
  pid: number;
  stderr: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `bin/vigilanza serve --data <fresh tmp> [--demo]` and waits for the URL line on stdout.
 * `wrap`: a launcher that exec()s the command it is given (`['fiu-run', '-x']` for fault injection).
 * `dataDir`: a folder the test made (an older version's, say) instead of a fresh one; `stop` leaves it.
 */
export async function startShell(options: { demo?: boolean; wrap?: string[]; dataDir?: string } = {}): Promise<Shell> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigilanza-ui-'));
  const args = [join(ROOT, 'bin/vigilanza'), 'serve', '--data', dataDir, ...(options.demo ? ['--demo'] : [])];
  const [command, ...prefix] = [...(options.wrap ?? []), process.execPath];
  // From source: a dist/cli built before the latest host changes must not be what the UI is tested against.
  const child: ChildProcess = spawn(command!, [...prefix, ...args], {
    cwd: ROOT,
    env: { ...process.env, VIGILANZA_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigilanza serve non ha stampato l'indirizzo entro 60 s\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigilanza serve è terminato (codice ${code}) prima di stampare l'indirizzo\n${err}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    pid: child.pid!,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium and a shell started side by side. When one fails to start the other is closed before the
 * error is thrown: a browser left open would keep the test file's process alive after its failure.
 */
export async function launchWithShell(options: Parameters<typeof startShell>[0] = {}): Promise<[Browser, Shell]> {
  const [browser, shell] = await Promise.allSettled([launchChromium(), startShell(options)]);
  if (browser.status === 'fulfilled' && shell.status === 'fulfilled') return [browser.value, shell.value];
  if (browser.status === 'fulfilled') await browser.value.close();
  if (shell.status === 'fulfilled') await shell.value.stop();
  throw browser.status === 'rejected' ? browser.reason : (shell as PromiseRejectedResult).reason;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium non trovato in ${CHROMIUM}: eseguire la configurazione (scripts/setup.sh, che installa il pacchetto Debian "chromium").`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    // --lang: an Italian inspector's Chromium shows dates as gg/mm/aaaa; screenshots should too.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=it-IT',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/**
 * A fresh context (no storage shared with other tests) at 1366×768, with problems collected;
 * `locale` other than Italian checks what a laptop set to another language shows.
 */
export async function openPage(browser: Browser, url: string, options: { locale?: string } = {}): Promise<Watched> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: options.locale ?? 'it-IT', timezoneId: 'Europe/Rome' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The page never needs horizontal scrolling at this width. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Form controls without a label (no <label>, aria-label or aria-labelledby): their ids or names. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.id || el.name || el.outerHTML.slice(0, 80)),
  );
}

/**
 * Calls the laptop's API from inside its page, with the token the UI itself holds: for set-up and
 * for waiting on background work, never in place of what a spec checks through the UI.
 */
export function pageApi<T = any>(page: Page, method: string, input: unknown = {}): Promise<T> {
  return page.evaluate(
    async ([m, i]) => {
      const token = sessionStorage.getItem('vigilanza.token')!;
      const r = await fetch(`/api/${m}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': token },
        body: JSON.stringify(i),
      });
      const body = (await r.json()) as { ok: boolean; value: unknown; error?: { message: string } };
      if (!body.ok) throw new Error(`${m}: ${body.error?.message}`);
      return body.value;
    },
    [method, input] as const,
  ) as Promise<T>;
}
