/**
 * The laptop augments its queued reports to PAdES B-LTA (issue 11). At the visit the laptop may be
 * offline: the seal signs B-B, or B-T when the timestamp authority answers. Before a sealed revision
 * leaves for the office, each sync pass tries to add the long-term validation data to its newest
 * report (`ReportService.augmentLatest`: a DSS with the chains and the OCSP/CRL answers, then a
 * document timestamp, by an incremental update stored as the next report version — the signed
 * version stays as it was, the sealed evidence untouched).
 *
 * The TSA is the one the seal uses («Firma digitale», setting `tsa_url`); without one the laptop
 * augments nothing and the office does it on receipt. While a revision's augmentation is neither
 * done nor given up, the sync loop leaves it in the queue (`holding`); a failure (TSA or OCSP
 * unreachable, a responder's refusal) is tried again after a pause, and after `maxAttempts`
 * failures the revision goes as it is (B-T): the office augments what arrives without it. Once a
 * send has started, the bundle is frozen and the laptop leaves the report alone.
 *
 * The failed attempts are kept in the laptop's database (`store.longTerm`, migration 015), one row per
 * revision: a restarted app goes on from the count and the next try it had, so a laptop restarted
 * often still gives up after `maxAttempts` failures and sends the report as it is. A success deletes
 * the row (and remembers, in memory only, that the revision may leave: after a restart the next pass
 * asks again and `augmentLatest` answers `not_needed`); a revision that left takes its row with it.
 */
import type { ReportService } from './reports.ts';
import type { Store } from '../db/store.ts';

export interface LaptopLongTermOptions {
  store: Store;
  reports: Pick<ReportService, 'augmentLatest' | 'status'>;
  /** Failed attempts after which the revision is sent as it is (default 3). */
  maxAttempts?: number;
  /** Pause after the n-th failure (n ≥ 1); default 30 s · 4^(n−1): 30 s, 2 min. */
  retryDelayMs?: (attempts: number) => number;
  /** Per TSA and revocation request (default 10 s). */
  timeoutMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export interface LongTermState {
  failures: number;
  /** Epoch ms of the next try (0: at the next pass). */
  nextAt: number;
  /** Done, not needed, or given up: the revision may leave. */
  settled: boolean;
  lastError: string | null;
}

const defaultDelay = (n: number) => 30_000 * 4 ** (n - 1);

export class LaptopLongTerm {
  readonly #o: LaptopLongTermOptions;
  /** Augmented or nothing to augment since this app started (a failure's row is in the database). */
  readonly #done = new Set<string>();

  constructor(options: LaptopLongTermOptions) {
    this.#o = options;
  }

  #tsaUrl(): string | null {
    return this.#o.reports.status().tsaUrl ?? null;
  }

  #now(): number {
    return (this.#o.now ?? (() => new Date()))().getTime();
  }

  /** What happened to a queued revision's augmentation (for tests and the log); null: not tried since the start, or no failure left. */
  state(inspectionId: string): Readonly<LongTermState> | null {
    const row = this.#o.store.longTerm.get(inspectionId);
    if (row)
      return {
        failures: row.failures,
        nextAt: row.nextAttemptAt ? Date.parse(row.nextAttemptAt) : 0,
        settled: row.givenUpAt !== null,
        lastError: row.lastError,
      };
    return this.#done.has(inspectionId) ? { failures: 0, nextAt: 0, settled: true, lastError: null } : null;
  }

  /** Revisions the sync loop must not send yet: queued, a TSA set, augmentation neither done nor given up. */
  holding(): ReadonlySet<string> {
    if (!this.#tsaUrl()) return new Set();
    const givenUp = this.#o.store.longTerm.givenUp();
    return new Set(this.#o.store.outbox.notYetSent().filter((id) => !this.#done.has(id) && !givenUp.has(id)));
  }

  /** Tries every queued revision that is due (those in `skip` are still being sealed). */
  async pass(skip: ReadonlySet<string> = new Set()): Promise<void> {
    const tsaUrl = this.#tsaUrl();
    if (!tsaUrl) return;
    const { store } = this.#o;
    store.longTerm.forgetLeft();
    const queued = store.outbox.notYetSent();
    const still = new Set(queued);
    for (const id of this.#done) if (!still.has(id)) this.#done.delete(id);
    const maxAttempts = this.#o.maxAttempts ?? 3;
    const delay = this.#o.retryDelayMs ?? defaultDelay;
    for (const id of queued) {
      if (skip.has(id) || this.#done.has(id)) continue;
      const row = store.longTerm.get(id);
      if (row?.givenUpAt || (row?.nextAttemptAt && Date.parse(row.nextAttemptAt) > this.#now())) continue;
      try {
        await this.#o.reports.augmentLatest(id, { tsaUrl, timeoutMs: this.#o.timeoutMs ?? 10_000 });
        this.#done.add(id);
        store.longTerm.clear(id);
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const failed = store.longTerm.recordFailure(id, {
          error: message,
          giveUpAfter: maxAttempts,
          nextAttemptAt: (n) => new Date(this.#now() + delay(n)).toISOString(),
        });
        if (failed.givenUpAt)
          this.#o.log?.(
            `vigilanza: validazione a lungo termine del verbale non riuscita dopo ${failed.failures} tentativi (${message}): si invia così com'è, la completerà l'ufficio`,
          );
      }
    }
  }
}
