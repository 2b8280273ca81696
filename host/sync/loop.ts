/**
 * The laptop's outbox loop, independent of where the outbox lives. Sealing an inspection
 * enqueues it (status `in_coda`); this loop sends what is due and records the outcome; pulling
 * changes turns office decisions into `validata` / `respinta`. The `OutboxStore` is the laptop's
 * SQLite outbox (db/repositories/outbox.ts), in the app and in the tests alike: a second, in-memory
 * store would be a second behaviour to keep equal (replayed pages, drafts on rejection, frozen bundles).
 *
 * Per-visit statuses: in_coda → inviata (a send started) → ricevuta (office acknowledged) →
 * validata | respinta. `conflitto` and `errore` need a person (another content already holds that
 * revision number; the office refused the file for good).
 */
import type { AttachmentUpdateInput, AttachmentUpdateResult, Change, ChangesPage, PushInput, PushResult, SyncClient } from './client.ts';

export type OutboxStatus = 'in_coda' | 'inviata' | 'ricevuta' | 'validata' | 'respinta' | 'conflitto' | 'errore';

export interface OutboxItem extends PushInput {
  /** The outbox row's own id. */
  outboxId: string;
  /** Failed sends so far (for the backoff between passes). */
  attempts: number;
}

/** A later attachment version (a co-signed report) queued for a revision the office already holds. */
export interface AttachmentUpdateItem extends AttachmentUpdateInput {
  updateId: string;
  attempts: number;
}

export type AttachmentUpdateOutcome =
  { status: 'ricevuta' } | { status: 'in_coda'; message: string; nextAttemptAt: Date } | { status: 'errore'; message: string };

export interface OutboxStore {
  /**
   * Optional: work before a pass sends anything (the laptop's long-term validation of the reports
   * about to leave, host/long-term.ts). It must not throw: what it could not do waits for a later pass.
   */
  beforeSend?(): Promise<void>;
  /**
   * Optional: the next attachment update that is due, ONLY for a revision the office has
   * acknowledged (ricevuta, validata, respinta); null when none.
   */
  nextAttachmentUpdate?(now: Date): Promise<AttachmentUpdateItem | null>;
  /** Optional, with `nextAttachmentUpdate`: records the outcome of one delivery. */
  markAttachmentUpdate?(updateId: string, outcome: AttachmentUpdateOutcome): Promise<void>;
  /**
   * The next item to send: status `in_coda`, or `inviata` left over by a send that was cut short
   * (the app closed mid-send: the server is idempotent, so sending again is safe), whose next
   * attempt time has come. Null when nothing is due.
   */
  nextPending(now: Date): Promise<OutboxItem | null>;
  /** `inviata` when a send starts, `ricevuta` when the office acknowledged it. */
  markSent(outboxId: string, status: 'inviata' | 'ricevuta', detail?: { duplicate: boolean }): Promise<void>;
  /** A failure worth retrying later: keep it queued until `nextAttemptAt`. */
  markRetry(outboxId: string, message: string, nextAttemptAt: Date): Promise<void>;
  /** A failure a person must look at (`conflitto`, `errore`): never retried by the loop. */
  markFailed(outboxId: string, status: 'conflitto' | 'errore', message: string): Promise<void>;
  /** The cursor of the last applied change (0 at first). */
  getCursor(): Promise<number>;
  /**
   * Applies pulled changes and stores the new cursor in ONE transaction, so a crash between the
   * two never applies a change twice or skips one. Decisions become `validata` / `respinta`
   * (with the notes) for the matching inspection id and revision. What it resolves to is the
   * store's own report (the SQLite outbox's `ApplyReport`); the loop does not read it.
   */
  applyChanges(changes: Change[], cursor: number): Promise<unknown>;
}

export interface OutboxOptions {
  /** Pause before retrying an item that failed `attempts` times. */
  retryDelayMs?: (attempts: number) => number;
  now?: () => Date;
}

const defaultRetryDelay = (attempts: number) => Math.min(30 * 60_000, 30_000 * 2 ** Math.min(attempts, 6));

export interface DrainReport {
  sent: number;
  duplicates: number;
  conflicts: number;
  errors: number;
  retryLater: number;
  results: Array<{ outboxId: string; result: PushResult }>;
  /** Attachment versions delivered (created or already there). */
  attachments: number;
  attachmentResults: Array<{ updateId: string; result: AttachmentUpdateResult }>;
}

/** Sends every item that is due, one at a time, until none is left. */
export async function drainOutbox(store: OutboxStore, client: SyncClient, options: OutboxOptions = {}): Promise<DrainReport> {
  const now = options.now ?? (() => new Date());
  const delay = options.retryDelayMs ?? defaultRetryDelay;
  const report: DrainReport = {
    sent: 0,
    duplicates: 0,
    conflicts: 0,
    errors: 0,
    retryLater: 0,
    results: [],
    attachments: 0,
    attachmentResults: [],
  };
  await store.beforeSend?.();
  const seen = new Set<string>();
  for (;;) {
    const item = await store.nextPending(now());
    // An item handed out twice in one pass means the store did not record the outcome: stop, do not spin.
    if (!item || seen.has(item.outboxId)) break;
    seen.add(item.outboxId);
    await store.markSent(item.outboxId, 'inviata');
    const result = await client.pushInspection(item);
    report.results.push({ outboxId: item.outboxId, result });
    switch (result.status) {
      case 'created':
      case 'duplicate':
        await store.markSent(item.outboxId, 'ricevuta', { duplicate: result.status === 'duplicate' });
        if (result.status === 'created') report.sent++;
        else report.duplicates++;
        break;
      case 'conflict':
        await store.markFailed(item.outboxId, 'conflitto', result.message);
        report.conflicts++;
        break;
      case 'rejected':
        // A revoked token is not the file's fault: keep it queued for after re-pairing.
        if (result.httpStatus === 401) {
          await store.markRetry(item.outboxId, result.message, new Date(now().getTime() + delay(item.attempts)));
          report.retryLater++;
        } else {
          await store.markFailed(item.outboxId, 'errore', result.message);
          report.errors++;
        }
        break;
      case 'failed':
        await store.markRetry(item.outboxId, result.message, new Date(now().getTime() + delay(item.attempts)));
        report.retryLater++;
        break;
    }
  }
  // Then the later attachment versions, whose revisions are at the office by now.
  if (store.nextAttachmentUpdate && store.markAttachmentUpdate) {
    const seenUpdates = new Set<string>();
    for (;;) {
      const update = await store.nextAttachmentUpdate(now());
      if (!update || seenUpdates.has(update.updateId)) break;
      seenUpdates.add(update.updateId);
      const result = await client.addAttachment(update);
      report.attachmentResults.push({ updateId: update.updateId, result });
      const later = (message: string) =>
        store.markAttachmentUpdate!(update.updateId, {
          status: 'in_coda',
          message,
          nextAttemptAt: new Date(now().getTime() + delay(update.attempts)),
        });
      switch (result.status) {
        case 'created':
        case 'duplicate':
          await store.markAttachmentUpdate(update.updateId, { status: 'ricevuta' });
          report.attachments++;
          break;
        case 'not_found': // the office lost or has not stored the revision yet: try again later
        case 'failed':
          await later(result.message);
          report.retryLater++;
          break;
        case 'rejected':
          if (result.httpStatus === 401) {
            await later(result.message);
            report.retryLater++;
          } else {
            await store.markAttachmentUpdate(update.updateId, { status: 'errore', message: result.message });
            report.errors++;
          }
          break;
        case 'conflict':
          await store.markAttachmentUpdate(update.updateId, { status: 'errore', message: result.message });
          report.conflicts++;
          break;
      }
    }
  }
  return report;
}

/** Pulls and applies every change after the stored cursor. Returns how many were applied. */
export async function pullAll(store: Pick<OutboxStore, 'getCursor' | 'applyChanges'>, client: SyncClient, pageSize = 200): Promise<number> {
  let applied = 0;
  let cursor = await store.getCursor();
  for (let pages = 0; pages < 10_000; pages++) {
    const page: ChangesPage = await client.pullChanges(cursor, pageSize);
    if (page.cursor < cursor) throw new Error(`il server ha risposto con un cursore all'indietro (${page.cursor} < ${cursor})`);
    await store.applyChanges(page.changes, page.cursor);
    applied += page.changes.length;
    cursor = page.cursor;
    if (!page.more) break;
  }
  return applied;
}

/** One sync pass: send what is due, then pull. */
export async function syncOnce(
  store: OutboxStore,
  client: SyncClient,
  options: OutboxOptions = {},
): Promise<{ drain: DrainReport; pulled: number }> {
  const drain = await drainOutbox(store, client, options);
  const pulled = await pullAll(store, client);
  return { drain, pulled };
}

/** Runs `syncOnce` every `intervalMs` (and on `kick()`, e.g. right after sealing) until stopped. */
export function startSync(
  store: OutboxStore,
  client: SyncClient,
  options: OutboxOptions & { intervalMs?: number; onError?: (e: unknown) => void } = {},
) {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  // A kick during a pass (a seal while the previous pass is still pulling) must not wait a whole
  // interval: one more pass follows at once.
  let again = false;
  const pass = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = syncOnce(store, client, options)
      .then(
        () => undefined,
        (e) => options.onError?.(e),
      )
      .finally(() => {
        running = null;
        if (stopped) return;
        const soon = again;
        again = false;
        timer = setTimeout(pass, soon ? 0 : (options.intervalMs ?? 60_000));
      });
  };
  pass();
  return {
    kick() {
      if (timer) clearTimeout(timer);
      pass();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
