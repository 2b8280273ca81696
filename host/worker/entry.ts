/**
 * The one worker script (bootstrap.mjs from source, dist/cli/host-worker.mjs built): the host
 * thread, or the report thread the host thread starts to render PDFs. One script, so the bundle
 * and the tsx bootstrap each have a single entry to find.
 */
import { workerData } from 'node:worker_threads';
import type { WorkerRole } from './messages.ts';

if ((workerData as { role?: WorkerRole } | null)?.role === 'report') await import('./report-thread.ts');
else await import('./host-thread.ts');
