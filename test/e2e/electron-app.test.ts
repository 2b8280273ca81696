/**
 * The desktop app end to end with Playwright's Electron driver: a fresh data folder, the
 * hardened window, the preload API, navigation and new windows refused.
 * Runs where the Electron binary is installed; skips with the reason elsewhere (the binary
 * cannot be downloaded on this project's CI machines, see /work/shared/NOTES.md).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary(): { path: string } | { skip: string } {
  let path: unknown;
  try {
    path = require('electron');
  } catch (e) {
    return { skip: `binario di Electron assente (require('electron'): ${(e as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { skip: `binario di Electron assente (${String(path)})` };
  return { path };
}

const binary = electronBinary();
const skip = 'skip' in binary ? binary.skip : false;
if (skip) process.stdout.write(`# electron e2e saltati: ${skip}\n`);

test('the desktop app opens hardened, exposes the typed API and refuses to navigate away', { skip, timeout: 120_000 }, async (t) => {
  if ('skip' in binary) return;
  const { default: buildElectron } = (await import(pathToFileURL(join(root, 'scripts/build-electron.mjs')).href)) as {
    default: (o: { root: string }) => Promise<void>;
  };
  await buildElectron({ root });
  if (!existsSync(join(root, 'dist/renderer/index.html'))) {
    const { default: buildRenderer } = (await import(pathToFileURL(join(root, 'scripts/build-renderer.mjs')).href)) as {
      default: (o: { root: string }) => Promise<void>;
    };
    await buildRenderer({ root });
  }
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-electron-'));
  t.after(() => rmSync(data, { recursive: true, force: true }));
  const { _electron } = await import('playwright-core');
  const electronApp = await _electron.launch({
    executablePath: binary.path,
    args: [join(root, 'dist/electron/main.cjs')],
    env: { ...process.env, VIGILANZA_DATA_DIR: data, VIGILANZA_DEMO: '1' },
  });
  t.after(() => electronApp.close());
  const page = await electronApp.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  assert.match(page.url(), /^app:\/\/vigilanza\//);

  const probe = await page.evaluate(async () => {
    const w = globalThis as unknown as {
      vigilanza: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: any }>>;
      require?: unknown;
      process?: unknown;
    };
    const info = await w.vigilanza['app.info']!({});
    const list = await w.vigilanza['services.list']!({});
    return {
      info,
      services: list.ok ? list.value.length : -1,
      keys: Object.keys(w.vigilanza).length,
      node: typeof w.require !== 'undefined' || typeof w.process !== 'undefined',
    };
  });
  assert.equal(probe.info.ok, true);
  assert.equal(probe.info.value.shell, 'electron');
  assert.ok(probe.services >= 7, 'demo services through the preload');
  assert.equal(probe.node, false, 'no Node in the renderer');

  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  assert.match(page.url(), /^app:\/\/vigilanza\//, 'navigation away is refused');
  await page.evaluate(() => {
    (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/');
  });
  await page.waitForTimeout(500);
  assert.equal(electronApp.windows().length, 1, 'no new windows');
});

// pkcs11js is native: in Electron it loads only when rebuilt for Electron's ABI
// (`npx electron-builder install-app-deps`, done by packaging through npmRebuild). Where the Electron
// binary is absent this is skipped with the reason above; the Node build is tested by
// test/integration/report-pkcs11.test.ts.
test(
  'the desktop app reaches a smart card: pkcs11js loads in the host worker and lists a SoftHSM2 token',
  { skip, timeout: 120_000 },
  async (t) => {
    if ('skip' in binary) return;
    const { makeTestPki } = await import('../helpers/pki.ts');
    const { makeSoftHsmToken } = await import('../helpers/softhsm.ts');
    const pki = makeTestPki();
    t.after(() => pki.cleanup());
    const token = makeSoftHsmToken(pki);
    const { default: buildElectron } = (await import(pathToFileURL(join(root, 'scripts/build-electron.mjs')).href)) as {
      default: (o: { root: string }) => Promise<void>;
    };
    await buildElectron({ root });
    const data = mkdtempSync(join(tmpdir(), 'vigilanza-electron-pkcs11-'));
    t.after(() => rmSync(data, { recursive: true, force: true }));
    const { _electron } = await import('playwright-core');
    const electronApp = await _electron.launch({
      executablePath: binary.path,
      args: [join(root, 'dist/electron/main.cjs')],
      env: { ...process.env, VIGILANZA_DATA_DIR: data, VIGILANZA_DEMO: '1', SOFTHSM2_CONF: token.conf },
    });
    t.after(() => electronApp.close());
    const page = await electronApp.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    const tokens = await page.evaluate(async (modulePath) => {
      const w = globalThis as unknown as { vigilanza: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: any; error?: any }>> };
      return w.vigilanza['signing.deviceTokens']!({ modulePath });
    }, token.module);
    assert.equal(
      tokens.ok,
      true,
      `pkcs11js non caricabile in Electron (ricostruirlo con electron-builder install-app-deps): ${JSON.stringify(tokens.error)}`,
    );
    assert.deepEqual(
      tokens.value.map((x: { label: string }) => x.label),
      [token.label],
    );
  },
);
