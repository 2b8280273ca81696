import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KEY_FILE } from '../../host/keys.ts';
import { startHostWorker } from '../../host/worker/index.ts';
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
