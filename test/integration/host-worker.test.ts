import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openApp } from '../../host/app.ts';
import { KEY_FILE } from '../../host/keys.ts';
import { startHostWorker, type HostWorker } from '../../host/worker/index.ts';
import { superviseHost } from '../../host/worker/supervisor.ts';
import type { HostEvent } from '../../shared/api/events.ts';
import { samplePhoto } from '../../report/testing/images.ts';
import { startReportRenderer } from '../../host/worker/report-renderer.ts';
import { appearanceText, buildReport, renderAppearance } from '../../report/index.ts';
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

test('the report thread draws a signature appearance as here (signing stays short on the host thread)', async (t) => {
  const renderer = startReportRenderer();
  t.after(() => renderer.close());
  const text = appearanceText('Anna Bianchi', new Date('2026-12-02T09:41:00Z'), true);
  const [there, here] = await Promise.all([renderer.appearance(text), renderAppearance(text)]);
  assert.ok(Buffer.isBuffer(there));
  assert.ok(there.equals(here), 'same bytes');
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

test('a host thread that dies is started again on the same folder: what was saved is there, a call in flight gets «unavailable»', async (t) => {
  const dir = tempDir(t);
  const events: HostEvent[] = [];
  const workers: HostWorker[] = [];
  const host = await superviseHost({
    start: async () => {
      const worker = await startHostWorker({ dataDir: dir });
      workers.push(worker);
      return worker;
    },
    onGiveUp: (reason) => assert.fail(`gave up: ${reason}`),
  });
  t.after(() => host.close());
  host.subscribe((e) => events.push(e));
  const service = await host.call('services.create', {
    name: 'Nido Il Pettirosso',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 30,
    kitchen: true,
  });
  assert.equal(service.ok, true, JSON.stringify(service));
  const serviceId = (service as { value: { id: string } }).value.id;
  const inspection = await host.call('inspections.create', { serviceId, purpose: 'verifica_periodica', date: '2026-03-10' });
  const inspectionId = (inspection as { value: { id: string } }).value.id;
  const saved = await host.call('inspections.saveAnswer', {
    inspectionId,
    itemId: 'A.destinazione_uso.certificato',
    value: 'yes',
    note: 'visto',
  });
  assert.equal(saved.ok, true, JSON.stringify(saved));

  // A photo being decoded (hundreds of ms of sharp) when the thread is ended: never answered by it.
  const inFlight = host.call('photos.add', {
    inspectionId,
    itemId: null,
    mime: 'image/png',
    dataBase64: samplePhoto(3, 3000, 2000).toString('base64'),
  });
  const restarted = new Promise<void>((done) => host.subscribe((e) => e.type === 'host.restarted' && done()));
  await workers[0]!.terminate();
  const lost = await inFlight;
  assert.equal(lost.ok, false);
  assert.equal(!lost.ok && lost.error.code, 'unavailable');
  assert.match(!lost.ok ? lost.error.message : '', /nulla di quanto già salvato è andato perso/);

  // The next call waits for the new thread and finds what the old one had committed.
  const after = await host.call('inspections.get', { id: inspectionId });
  assert.equal(after.ok, true, JSON.stringify(after));
  const answers = (after as { value: { answers: Record<string, { value: unknown; note?: string }> } }).value.answers;
  assert.deepEqual(
    { value: answers['A.destinazione_uso.certificato']?.value, note: answers['A.destinazione_uso.certificato']?.note },
    { value: 'yes', note: 'visto' },
  );
  await restarted;
  assert.equal(workers.length, 2);
  assert.equal(events.filter((e) => e.type === 'host.restarted').length, 1);
  const again = await host.call('photos.add', {
    inspectionId,
    itemId: null,
    mime: 'image/png',
    dataBase64: samplePhoto(4, 640, 480).toString('base64'),
  });
  assert.equal(again.ok, true, 'the new thread takes the photo sent again');
});
