/**
 * The inspection's split contexts (renderer/inspection/context.tsx), measured in Chromium: after a
 * change only the readers of what changed render again. The harness (test/helpers/
 * ui-context-harness.ts) is bundled here with esbuild and counts the renders of one reader per part.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { Harness, Reader } from '../helpers/ui-context-harness.ts';
import { launchChromium, ROOT } from '../helpers/ui-shell.ts';

let browser: Browser;
let page: Page;

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'test/helpers/ui-context-harness.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** Renders since the last call, per reader. */
async function rendersAfter(change: (h: Harness) => void, done: string): Promise<Record<Reader, number>> {
  await page.evaluate(() => {
    for (const k of Object.keys(window.harness.renders) as Reader[]) window.harness.renders[k] = 0;
  });
  await page.evaluate(`(${change.toString()})(window.harness)`);
  // The rules' readers follow a deferred value: wait until what the change shows is on screen.
  await page.waitForFunction(done);
  return page.evaluate(() => ({ ...window.harness.renders }));
}

describe('UI, contesti della visita: ogni parte si aggiorna solo per ciò che legge', { timeout: 120_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><html lang="it"><body><div id="root"></div></body></html>');
    await page.addScriptTag({ content: await bundle() });
    await page.locator('#ready').waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  it('the visit date re-renders the visit readers and the rules, not the fixed data, photos or prescriptions', async () => {
    const r = await rendersAfter(
      (h) => h.setVisitDate('2025-03-13'),
      `document.getElementById('visit').textContent === '2025-03-13' && window.harness.renders.live > 0`,
    );
    assert.ok(r.visit >= 1 && r.live >= 1, JSON.stringify(r));
    assert.deepEqual([r.data, r.photos, r.prescriptions], [0, 0, 0], JSON.stringify(r));
  });

  it('typing an answer re-renders only the readers of the live rules', async () => {
    const r = await rendersAfter((h) => h.typeAnswer('no'), `document.getElementById('live').textContent === 'no'`);
    assert.ok(r.live >= 1, JSON.stringify(r));
    assert.deepEqual([r.data, r.visit, r.photos, r.prescriptions], [0, 0, 0, 0], JSON.stringify(r));
  });

  it('a new photo re-renders only the photo readers', async () => {
    const r = await rendersAfter((h) => h.addPhoto(), `document.getElementById('photos').textContent === '1'`);
    assert.equal(r.photos, 1);
    assert.deepEqual([r.data, r.visit, r.prescriptions, r.live], [0, 0, 0, 0], JSON.stringify(r));
  });

  it('a new prescription re-renders only the prescription readers', async () => {
    const r = await rendersAfter((h) => h.addPrescription(), `document.getElementById('prescriptions').textContent === '1'`);
    assert.equal(r.prescriptions, 1);
    assert.deepEqual([r.data, r.visit, r.photos, r.live], [0, 0, 0, 0], JSON.stringify(r));
  });
});
