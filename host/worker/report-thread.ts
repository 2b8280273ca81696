/**
 * The report thread: renders report PDFs (pdfmake lays out and compresses several hundred ms per
 * report, all synchronous). Out here, the host thread keeps answering autosaves while a seal's
 * report is drawn; signing and storing stay in the host thread (they are short).
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { buildReport, renderAppearance } from '../../report/index.ts';
import type { FromReport, ToReport } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('host/worker/report-thread.ts runs only as a worker thread');

lowerPriority();

port.on('message', (message: ToReport) => {
  // Renders one at a time, in order: pdfmake is synchronous, so they queue here anyway.
  ('appearance' in message ? renderAppearance(message.appearance) : buildReport(message.input)).then(
    (pdf) => {
      // A copy that owns its memory, moved (not copied again) to the host thread.
      const bytes = new Uint8Array(pdf);
      port.postMessage({ id: message.id, ok: true, pdf: bytes } satisfies FromReport, [bytes.buffer]);
    },
    (e: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        name: (e as Error)?.name ?? 'Error',
        message: (e as Error)?.message ?? String(e),
      } satisfies FromReport),
  );
});

/**
 * On a busy CPU (two cores, a seal drawing its report) the threads that answer the page must win:
 * Linux schedules each thread by its own nice value, and /proc/thread-self names this one.
 * Elsewhere (macOS, Windows) the call would lower the whole process, so it is not made there.
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // No /proc or not permitted: the report is drawn at normal priority, only a little more in the way.
  }
}
