/**
 * Both UIs of an office round trip in Debian Chromium: a real office (SQLite) with one clerk, the
 * laptop's browser shell, and a page on each (the laptop's app, the office's login). The e2e tests
 * of pairing, sync and planning start from here.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../office/security.ts';
import { startOffice, type TestOffice } from './office-fixtures.ts';
import {
  ensureRendererBuilt,
  horizontalOverflow,
  launchChromium,
  openPage,
  pageApi,
  startShell,
  unlabelledControls,
  type Shell,
  type Watched,
} from './ui-shell.ts';

export interface OfficeAndLaptop {
  office: TestOffice;
  shell: Shell;
  browser: Browser;
  /** The laptop's app, opened on its first page. */
  laptop: Watched;
  /** The office's login page, for the clerk. */
  clerk: Page;
  /** Closes the browser, the shell and the office (printing the shell's stderr when the laptop's page had problems). */
  close(): Promise<void>;
}

export async function startOfficeAndLaptop(o: {
  clerkName: string;
  password: string;
  office?: Parameters<typeof startOffice>[1];
}): Promise<OfficeAndLaptop> {
  await ensureRendererBuilt();
  const [office, shell, browser] = await Promise.all([startOffice('sqlite', o.office), startShell(), launchChromium()]);
  await office.server.store.createClerk(o.clerkName, await hashPassword(o.password));
  const laptop = await openPage(browser, shell.url);
  const clerk = (await openPage(browser, `${office.url}/login`)).page;
  return {
    office,
    shell,
    browser,
    laptop,
    clerk,
    async close() {
      if (laptop.problems.length && shell.stderr()) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
      await browser.close();
      await shell.stop();
      await office.close();
    },
  };
}

/** Waits for the laptop's background sync to bring a visit to `status` (read through the page's own API). */
export async function waitForSync(page: Page, inspectionId: string, status: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await pageApi<{ syncStatus: string | null }>(page, 'inspections.get', { id: inspectionId });
    if (d.syncStatus === status) return;
    if (Date.now() > end) throw new Error(`ispezione ${inspectionId}: stato ${d.syncStatus}, atteso ${status}`);
    await page.waitForTimeout(200);
  }
}

/** No horizontal scrolling and no control without a label. */
export async function checkPage(page: Page, name: string): Promise<void> {
  assert.equal(await horizontalOverflow(page), 0, `${name}: scorre in orizzontale`);
  assert.deepEqual(await unlabelledControls(page), [], `${name}: controlli senza etichetta`);
}

/** The id of the visit open on the laptop (`#/ispezioni/<id>`). */
export const inspectionIdOf = (page: Page) => decodeURIComponent(/#\/ispezioni\/([^/]+)$/.exec(page.url())![1]!);
