/**
 * The Electron build's host worker (dist/electron/host-worker.cjs, CommonJS) in real Node threads:
 * Electron cannot run here, but the bundle it loads can. The host thread opens a folder with a key
 * handed over as main does, seals (its report drawn by the report thread it starts from the same
 * script) and closes; the report thread, started directly, draws the same
 * PDF as buildReport here (fonts found from dist/electron/).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { before, test } from 'node:test';
import { openApp } from '../../host/app.ts';
import type { FromReport, FromWorker, HostWorkerData, ToReport, ToWorker } from '../../host/worker/messages.ts';
import { buildReport } from '../../report/index.ts';
import { sampleReportInput, sampleSignature } from '../../report/testing/fixtures.ts';
import { applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { tempDir } from '../unit/db-fixtures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = new URL('../../dist/electron/host-worker.cjs', import.meta.url);

before(async () => {
  // @ts-expect-error: a plain .mjs build script without type declarations
  const { default: buildElectron } = await import('../../scripts/build-electron.mjs');
  await buildElectron({ root });
});

/** The next message of the worker that `pick` accepts. */
function next<T>(worker: Worker, pick: (message: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (!pick(message)) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(message);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

test('the host thread of the Electron bundle opens a folder with the key main hands it, seals through its report thread, and closes', async (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  openApp({ dataDir: dir, shell: 'electron', keyProvider: { getKey: () => key, description: 'prova' } }).close();
  const worker = new Worker(script, {
    workerData: {
      role: 'host',
      dataDir: dir,
      key: new Uint8Array(key),
      keyDescription: 'portachiavi di prova',
      shell: 'electron',
    } satisfies HostWorkerData,
    execArgv: [],
  });
  t.after(() => worker.terminate());
  const started = await next<FromWorker>(worker, (m) => m.type === 'ready' || m.type === 'startup-error');
  assert.deepEqual(started, { type: 'ready' });
  let id = 0;
  const ok = async (method: string, input: unknown): Promise<any> => {
    const mine = ++id;
    const answered = next<FromWorker>(worker, (m) => m.type === 'result' && m.id === mine);
    worker.postMessage({ type: 'call', id: mine, method, input } satisfies ToWorker);
    const r = await answered;
    assert.ok(r.type === 'result' && r.result.ok, `${method}: ${JSON.stringify(r)}`);
    return r.result.value;
  };
  const service = await ok('services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
  });
  const inspection = await ok('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  for (const item of applicableItems(getChecklist('zona-fse@1')!, { type: 'nido', purpose: 'verifica_periodica' })) {
    const value = item.kind === 'yesno' ? 'yes' : item.kind === 'count' ? 2 : item.kind === 'date' ? '2025-09-01' : 'annotazione';
    await ok('inspections.saveAnswer', { inspectionId: inspection.id, itemId: item.id, value });
  }
  // The report is drawn by the report thread the host thread starts from its own script (host-worker.cjs).
  const sealed = await ok('inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [
      sampleSignature('referente_comune', 'Marco Bellini', 1),
      sampleSignature('pedagogista', 'Chiara Fantoni', 2),
      sampleSignature('referente_servizio', 'Giulia Mariani', 3),
    ],
  });
  assert.equal(sealed.report.produced, true);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const closed = next<FromWorker>(worker, (m) => m.type === 'closed');
  worker.postMessage({ type: 'close' } satisfies ToWorker);
  await closed;
  assert.equal(await exited, 0);
});

test('a wrong key handed to the Electron bundle is refused with the Italian message naming where it came from', async (t) => {
  const dir = tempDir(t);
  const key = randomBytes(32);
  openApp({ dataDir: dir, shell: 'electron', keyProvider: { getKey: () => key, description: 'prova' } }).close();
  const worker = new Worker(script, {
    workerData: {
      role: 'host',
      dataDir: dir,
      key: new Uint8Array(randomBytes(32)),
      keyDescription: 'portachiavi di prova',
      shell: 'electron',
    },
    execArgv: [],
  });
  t.after(() => worker.terminate());
  const started = await next<FromWorker>(worker, (m) => m.type === 'ready' || m.type === 'startup-error');
  assert.equal(started.type, 'startup-error');
  if (started.type === 'startup-error') assert.match(started.message, /portachiavi di prova/);
});

test('the report thread of the Electron bundle draws the same PDF as buildReport here', async (t) => {
  const worker = new Worker(script, { workerData: { role: 'report' }, execArgv: [] });
  t.after(() => worker.terminate());
  const input = { ...sampleReportInput({ photos: 1 }), createdAt: new Date('2026-03-10T10:00:00Z') };
  const drawn = next<FromReport>(worker, (m) => m.id === 1);
  worker.postMessage({ id: 1, input } satisfies ToReport);
  const [there, here] = await Promise.all([drawn, buildReport(input)]);
  assert.ok(there.ok, there.ok ? '' : `${there.name}: ${there.message}`);
  if (there.ok) assert.ok(Buffer.from(there.pdf).equals(here), 'same bytes');
});
