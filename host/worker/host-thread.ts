/**
 * The host thread: opens the data folder (SQLite, rules, PDF, signing, sync) here so that a
 * seal rendering and signing its report never stalls the thread that answers the page.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openApp, type HostApp } from '../app.ts';
import type { FromWorker, HostWorkerOptions, ToWorker } from './messages.ts';
import { startReportRenderer } from './report-renderer.ts';

const port = parentPort;
if (!port) throw new Error('host/worker/entry.ts runs only as a worker thread');
const options = workerData as HostWorkerOptions;
const post = (message: FromWorker) => port.postMessage(message);

// Report PDFs are drawn in a thread of their own: a seal's rendering never delays an autosave.
const renderer = startReportRenderer();
let app: HostApp | null = null;
try {
  const key = options.key;
  const keyProvider = key
    ? { getKey: () => Buffer.from(key), description: options.keyDescription ?? 'chiave fornita dall’applicazione' }
    : undefined;
  app = openApp({
    dataDir: options.dataDir,
    shell: options.shell ?? 'browser',
    demo: options.demo ?? false,
    renderReport: (input) => renderer.render(input),
    renderAppearance: (text) => renderer.appearance(text),
    ...(keyProvider ? { keyProvider } : {}),
  });
  app.subscribe((event) => post({ type: 'event', event }));
  if (options.sync) app.sync.start();
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'startup-error', message: (e as Error)?.message ?? String(e) });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    const closing = app;
    app = null;
    // The sync loop stops (and lets a send in flight settle) before the database closes.
    void (closing ? closing.sync.close() : Promise.resolve())
      .catch(() => {})
      .then(async () => {
        closing?.close();
        await renderer.close();
        post({ type: 'closed' });
        port.close();
      });
    return;
  }
  if (!app) {
    post({ type: 'result', id: message.id, result: { ok: false, error: { code: 'internal', message: 'servizio locale non avviato' } } });
    return;
  }
  // `call` never rejects: every error is already the contract's error object.
  void app.call(message.method, message.input).then((result) => post({ type: 'result', id: message.id, result }));
});
