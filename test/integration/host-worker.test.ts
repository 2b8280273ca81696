import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openApp } from '../../host/app.ts';
import { KEY_FILE } from '../../host/keys.ts';
import { startHostWorker } from '../../host/worker/index.ts';
import { startReportRenderer } from '../../host/worker/report-renderer.ts';
import { buildReport } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { tempDir } from '../unit/db-fixtures.ts';

test('the host worker answers calls and closes its database', async (t) => {
  const dir = tempDir(t);
  const host = await startHostWorker({ dataDir: dir });
  const listed = await host.call('services.list', {});
  assert.equal(listed.ok, true);
  const unknown = await host.call('no.such.method', {});
  assert.equal(unknown.ok, false);
  await host.close();
  const after = await host.call('services.list', {});
  assert.equal(after.ok, false);
});

test('a startup error inside the worker reaches the caller as its Italian message', async (t) => {
  const dir = tempDir(t);
  await (await startHostWorker({ dataDir: dir })).close();
  rmSync(join(dir, KEY_FILE));
  await assert.rejects(startHostWorker({ dataDir: dir }), /manca il file chiave/);
});

test('the report thread draws the same PDF as buildReport here, and its input errors come back as messages', async (t) => {
  const renderer = startReportRenderer();
  t.after(() => renderer.close());
  const input = { ...sampleReportInput({ photos: 2 }), createdAt: new Date('2026-03-10T10:00:00Z') };
  const [there, here] = await Promise.all([renderer.render(input), buildReport(input)]);
  assert.ok(Buffer.isBuffer(there));
  assert.ok(there.equals(here), 'same bytes');
  await assert.rejects(
    renderer.render({ ...input, revision: 0 }),
    (e: Error) => e.name === 'ReportInputError' && /revision: deve essere un intero/.test(e.message),
  );
  // Still serving after a failed report.
  assert.ok((await renderer.render(input)).equals(here));
});

test('a key handed to the worker (Electron: from safeStorage) opens the folder; another key is refused', async (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  openApp({ dataDir: dir, shell: 'electron', keyProvider: { getKey: () => key, description: 'prova' } }).close();
  const host = await startHostWorker({ dataDir: dir, key: new Uint8Array(key), keyDescription: 'portachiavi di prova', shell: 'electron' });
  const info = await host.call('services.list', {});
  assert.equal(info.ok, true);
  await host.close();
  await assert.rejects(
    startHostWorker({ dataDir: dir, key: new Uint8Array(randomBytes(32)), keyDescription: 'portachiavi di prova', shell: 'electron' }),
    /portachiavi di prova/,
  );
});
