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
 * The attempts are kept in memory: a restarted app tries again up to `maxAttempts` times, which
 * delays a send by minutes at most; a table to remember them across restarts would buy little.
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

interface Attempts {
  failures: number;
  nextAt: number;
  /** Done, not needed, or given up: the revision may leave. */
  settled: boolean;
  lastError: string | null;
}

const defaultDelay = (n: number) => 30_000 * 4 ** (n - 1);

export class LaptopLongTerm {
  readonly #o: LaptopLongTermOptions;
  readonly #state = new Map<string, Attempts>();

  constructor(options: LaptopLongTermOptions) {
    this.#o = options;
  }

  #tsaUrl(): string | null {
    return this.#o.reports.status().tsaUrl ?? null;
  }

  /** What happened to a queued revision's augmentation (for tests and the log). */
  state(inspectionId: string): Readonly<Attempts> | null {
    return this.#state.get(inspectionId) ?? null;
  }

  /** Revisions the sync loop must not send yet: queued, a TSA set, augmentation neither done nor given up. */
  holding(): ReadonlySet<string> {
    if (!this.#tsaUrl()) return new Set();
    return new Set(this.#o.store.outbox.notYetSent().filter((id) => !this.#state.get(id)?.settled));
  }

  /** Tries every queued revision that is due (those in `skip` are still being sealed). */
  async pass(skip: ReadonlySet<string> = new Set()): Promise<void> {
    const tsaUrl = this.#tsaUrl();
    if (!tsaUrl) return;
    const queued = this.#o.store.outbox.notYetSent();
    const still = new Set(queued);
    for (const id of this.#state.keys()) if (!still.has(id)) this.#state.delete(id);
    const now = () => (this.#o.now ?? (() => new Date()))().getTime();
    for (const id of queued) {
      if (skip.has(id)) continue;
      let s = this.#state.get(id);
      if (!s) this.#state.set(id, (s = { failures: 0, nextAt: 0, settled: false, lastError: null }));
      if (s.settled || s.nextAt > now()) continue;
      try {
        await this.#o.reports.augmentLatest(id, { tsaUrl, timeoutMs: this.#o.timeoutMs ?? 10_000 });
        s.settled = true;
        s.lastError = null;
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        s.failures++;
        s.lastError = message;
        if (s.failures >= (this.#o.maxAttempts ?? 3)) {
          s.settled = true;
          this.#o.log?.(
            `vigilanza: validazione a lungo termine del verbale non riuscita dopo ${s.failures} tentativi (${message}): si invia così com'è, la completerà l'ufficio`,
          );
        } else s.nextAt = now() + (this.#o.retryDelayMs ?? defaultDelay)(s.failures);
      }
    }
  }
}
