/**
 * The report thread: renders report PDFs (pdfmake lays out and compresses several hundred ms per
 * report, all synchronous). Out here, the host thread keeps answering autosaves while a seal's
 * report is drawn; signing and storing stay in the host thread (they are short).
 */
import { parentPort } from 'node:worker_threads';
import { buildReport } from '../../report/index.ts';
import type { FromReport, ToReport } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('host/worker/report-thread.ts runs only as a worker thread');

port.on('message', (message: ToReport) => {
  // Renders one at a time, in order: pdfmake is synchronous, so they queue here anyway.
  buildReport(message.input).then(
    (pdf) => {
      // A copy that owns its memory, moved (not copied again) to the host thread.
      const bytes = new Uint8Array(pdf);
      port.postMessage({ id: message.id, ok: true, pdf: bytes } satisfies FromReport, [bytes.buffer]);
    },
    (e: unknown) => port.postMessage({ id: message.id, ok: false, name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) } satisfies FromReport),
  );
});
