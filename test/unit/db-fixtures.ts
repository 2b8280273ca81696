/** Helpers for the db-* and host-* tests: a fresh data folder with a real SQLite file. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyProvider } from '../../db/crypto.ts';
import { Store } from '../../db/store.ts';
import { fixedClock } from '../../host/clock.ts';
import { openApp, type HostApp } from '../../host/app.ts';

export function tempDir(t: { after(fn: () => void): void }, prefix = 'vigilanza-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function memoryKey(key = randomBytes(32)): KeyProvider {
  return { description: 'chiave di prova', getKey: () => key };
}

export function openStore(t: { after(fn: () => void): void }, dir = tempDir(t), key = memoryKey()): Store {
  const store = Store.open(dir, { keyProvider: key, now: () => new Date('2026-03-10T09:00:00Z') });
  t.after(() => store.close());
  return store;
}

/** A host app on a fresh folder, "today" pinned to 2026-03-10 unless told otherwise. */
export function openTestApp(t: { after(fn: () => void): void }, options: { dir?: string; today?: string; demo?: boolean } = {}): HostApp {
  const app = openApp({
    dataDir: options.dir ?? tempDir(t),
    shell: 'browser',
    clock: fixedClock(`${options.today ?? '2026-03-10'}T10:00:00Z`),
    demo: options.demo ?? false,
    log: () => {},
  });
  t.after(() => app.close());
  return app;
}

/** Calls a method and returns its value, failing the test with the API's message otherwise. */
export function ok<T = any>(
  app: { dispatch(m: string, i: unknown): { ok: boolean; value?: unknown; error?: { message: string } } },
  method: string,
  input: unknown,
): T {
  const r = app.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value as T;
}

export const SERVICE = {
  name: 'Nido Il Girasole',
  type: 'nido' as const,
  comune: 'Bagno a Ripoli',
  address: 'Via Roma 1',
  referente: 'Coop. Il Cerchio',
  capacity: 40,
  kitchen: true,
  authorizationIssuedOn: '2024-10-15',
  accreditationIssuedOn: '2023-05-02',
};

/**
 * A sealed file that agrees with its inspection row (rule set, date, purpose) and its hash: every
 * read of a sealed revision checks both, so tests that seal by hand need one.
 */
export function consistentSealedFile(
  visit: { date: string; purpose: string },
  extra: Record<string, unknown> = {},
): { canonicalFile: string; contentHash: string } {
  const canonicalFile = JSON.stringify({ schemaVersion: 1, ruleSet: 'zona-fse@1', visit, ...extra });
  return { canonicalFile, contentHash: createHash('sha256').update(canonicalFile, 'utf8').digest('hex') };
}
