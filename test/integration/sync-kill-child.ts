/**
 * The laptop side of sync-kill.test.ts, in its own process so that the test can SIGKILL it: opens
 * the data folder, drains the outbox through the given office URL until everything is received,
 * and prints `ricevuta <visitId>` after each acknowledgement the store has committed.
 * Usage: sync-kill-child.ts <dataDir> <officeUrl> <token>
 */
import { SyncClient } from '../../host/sync/client.ts';
import { drainOutbox, type OutboxStore } from '../../host/sync/loop.ts';
import { openLaptop } from '../helpers/laptop.ts';

const [dir, url, token] = process.argv.slice(2) as [string, string, string];
const app = openLaptop(dir);
const outbox = app.store.outbox;
const reporting: OutboxStore = {
  nextPending: (now) => outbox.nextPending(now),
  async markSent(id, status, detail) {
    await outbox.markSent(id, status, detail);
    if (status === 'ricevuta') process.stdout.write(`ricevuta ${outbox.get(id).visitId}\n`);
  },
  markRetry: (id, message, at) => outbox.markRetry(id, message, at),
  markFailed: (id, status, message) => outbox.markFailed(id, status, message),
  getCursor: () => outbox.getCursor(),
  applyChanges: (changes, cursor) => outbox.applyChanges(changes, cursor),
};
const client = new SyncClient({ baseUrl: url, token, retry: { attempts: 10, baseMs: 5, maxMs: 200 }, timeoutMs: 10_000 });
for (let pass = 0; pass < 30 && outbox.list().some((r) => r.status !== 'ricevuta'); pass++)
  await drainOutbox(reporting, client, { retryDelayMs: () => 0 });
const left = outbox.list().filter((r) => r.status !== 'ricevuta').length;
process.stdout.write(`fine ${left}\n`);
app.close();
process.exitCode = left === 0 ? 0 : 1;
