/**
 * The one worker script (bootstrap.mjs from source, dist/cli/host-worker.mjs and
 * dist/electron/host-worker.cjs built): the host thread, or the report thread the host thread
 * starts to render PDFs. One script, so the bundles and the tsx bootstrap each have a single entry.
 */
import { workerData } from 'node:worker_threads';
import type { WorkerRole } from './messages.ts';

// No top-level await: the Electron bundle is CommonJS (a worker loads plain CommonJS from inside
// the asar archive). A failed import rejects unhandled, which ends the thread with an 'error'.
if ((workerData as { role?: WorkerRole } | null)?.role === 'report') void import('./report-thread.ts');
else void import('./host-thread.ts');
