/**
 * The laptop's side of office sync: pairing, and the loop that sends the outbox and pulls the
 * office's changes (host/sync/loop.ts `startSync` over the SQLite outbox of db/repositories/outbox.ts).
 *
 * Nothing here blocks the API: the loop is asynchronous network I/O between short SQLite
 * transactions, and the API only reads what the loop recorded. Sealing enqueues in the seal's own
 * transaction; while the report of a revision being sealed is still being made (and signed), the
 * loop leaves that revision alone, so what leaves the laptop carries its report.
 */
import { DEFAULT_TERRITORY_ID } from '../../shared/territories/index.ts';
import { recordTerritory, territoryRefusal } from '../territory.ts';
import { hostname } from 'node:os';
import type {
  AttachmentUpdateOutcome,
  AttachmentUpdatePush,
  OfficeChange,
  OutboxEntry,
  OutboxPush,
  OutboxRepository,
  OutboxStatus,
} from '../../db/repositories/outbox.ts';
import type { Store } from '../../db/store.ts';
import { SyncClient, SyncError, pair, pairInfo, type RetryOptions } from './client.ts';
import { startSync, type OutboxStore } from './loop.ts';
import type { LaptopLongTerm } from '../long-term.ts';

export interface SyncServiceOptions {
  store: Store;
  log?: (message: string) => void;
  /** Between passes (default 60 s); `kick()` runs one at once. */
  intervalMs?: number;
  /** Per request step, inside one pass (default: 3 attempts, 0.5–5 s). */
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  /** Pause before an item that failed `attempts` times is tried again (default 30 s · 2^attempts, ≤ 30 min). */
  retryDelayMs?: (attempts: number) => number;
  deviceName?: string;
  fetch?: typeof fetch;
}

export interface SyncStatusView {
  paired: boolean;
  officeUrl: string | null;
  inspector: string | null;
  pairedAt: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** The loop runs (started by the shell and paired). */
  active: boolean;
  counts: Record<OutboxStatus, number>;
}

/** Bad input the user can fix: the host turns it into an `invalid` error naming the field. */
export class SyncInputError extends Error {
  constructor(
    readonly field: 'url' | 'code',
    message: string,
    readonly code: 'invalid' | 'conflict' = 'invalid',
  ) {
    super(message);
  }
}

/** http(s) origin and path of the office, without a trailing slash; refuses anything else. */
export function normaliseOfficeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SyncInputError('url', 'indirizzo non valido: scrivere per esempio http://192.168.1.10:8470');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SyncInputError('url', `solo indirizzi http:// o https:// (trovato ${url.protocol.replace(/:$/, '')})`);
  if (url.username || url.password) throw new SyncInputError('url', "l'indirizzo non deve contenere nome utente o password");
  if (url.search || url.hash) throw new SyncInputError('url', "l'indirizzo non deve contenere ? o #");
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export class SyncService {
  private readonly repo: OutboxRepository;
  private readonly held = new Set<string>();
  private loop: { kick(): void; stop(): Promise<void> } | null = null;
  private enabled = false;
  private closed = false;
  private readonly listeners = new Set<(status: SyncStatusView) => void>();
  private lastSent: string | null = null;
  private longTerm: Pick<LaptopLongTerm, 'pass' | 'holding'> | null = null;

  constructor(private readonly options: SyncServiceOptions) {
    this.repo = options.store.outbox;
  }

  /** Called with the status each time it changes (a pass's outcome, pairing, a seal queued); returns the unsubscribe. */
  onStatus(listener: (status: SyncStatusView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After anything that may move the status: tells the listeners only when it did. */
  #changed(): void {
    if (!this.listeners.size || this.closed) return;
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastSent) return;
    this.lastSent = text;
    for (const listener of this.listeners) listener(status);
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(message);
  }

  /** The laptop's long-term validation of queued reports, run before each pass sends (host/long-term.ts). */
  useLongTerm(longTerm: Pick<LaptopLongTerm, 'pass' | 'holding'>): void {
    this.longTerm = longTerm;
  }

  /** Revisions being sealed, and those whose report is still being augmented. */
  private skipped(): ReadonlySet<string> {
    const holding = this.longTerm?.holding();
    return holding?.size ? new Set([...this.held, ...holding]) : this.held;
  }

  /** The OutboxStore the loop uses: the SQLite repository, minus revisions still being sealed or augmented. */
  private outboxStore(): OutboxStore {
    const repo = this.repo;
    const guard = () => {
      if (this.closed) throw new Error('archivio chiuso');
    };
    const store = {
      beforeSend: async () => {
        if (!this.longTerm) return;
        guard();
        try {
          await this.longTerm.pass(this.held);
        } catch (e) {
          if (!this.closed) this.log(`vigilanza: validazione a lungo termine dei verbali in coda: ${(e as Error)?.message ?? String(e)}`);
        }
      },
      nextPending: async (now: Date): Promise<OutboxPush | null> => {
        guard();
        return repo.nextPendingSync(now, this.skipped());
      },
      markSent: async (id: string, status: 'inviata' | 'ricevuta', detail?: { duplicate: boolean }) => (
        guard(),
        repo.markSent(id, status, detail),
        this.#changed()
      ),
      markRetry: async (id: string, message: string, next: Date) => (guard(), repo.markRetry(id, message, next), this.#changed()),
      markFailed: async (id: string, status: 'conflitto' | 'errore', message: string) => (
        guard(),
        repo.markFailed(id, status, message),
        this.#changed()
      ),
      // Co-signatures stored after their revision left (migration 003): delivered once the office holds the revision.
      nextAttachmentUpdate: async (now: Date): Promise<AttachmentUpdatePush | null> => (guard(), repo.nextAttachmentUpdateSync(now)),
      markAttachmentUpdate: async (id: string, outcome: AttachmentUpdateOutcome) => (
        guard(),
        repo.markAttachmentUpdate(id, outcome),
        this.#changed()
      ),
      getCursor: async () => (guard(), repo.getCursor()),
      applyChanges: async (changes: OfficeChange[], cursor: number) => {
        guard();
        const report = repo.applyChangesSync(changes, cursor);
        for (const s of report.skipped) this.log(`vigilanza: sincronizzazione, modifica ignorata: ${s}`);
        this.#changed();
      },
    };
    return store satisfies OutboxStore;
  }

  /** Called by the shells (browser shell, Electron main): run the loop whenever paired. */
  start(): void {
    this.enabled = true;
    this.#startLoop();
  }

  #startLoop(): void {
    if (this.loop || !this.enabled || this.closed) return;
    const settings = this.repo.settings();
    const token = settings ? this.repo.deviceToken() : null;
    if (!settings || !token) return;
    const client = new SyncClient({
      baseUrl: settings.officeUrl,
      token,
      retry: { attempts: 3, baseMs: 500, maxMs: 5_000, ...this.options.retry },
      timeoutMs: this.options.timeoutMs ?? 30_000,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    this.loop = startSync(this.outboxStore(), client, {
      intervalMs: this.options.intervalMs ?? 60_000,
      ...(this.options.retryDelayMs ? { retryDelayMs: this.options.retryDelayMs } : {}),
      onError: (e) => {
        if (this.closed) return;
        const message = (e as Error)?.message ?? String(e);
        try {
          this.repo.recordError(message);
          this.#changed();
        } catch (inner) {
          this.log(`vigilanza: sincronizzazione: ${message} (${(inner as Error).message})`);
        }
      },
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    await loop?.stop();
  }

  /** Stops the loop and refuses any further store access (the database is about to close). */
  close(): Promise<void> {
    this.enabled = false;
    const stopping = this.stop();
    this.closed = true;
    return stopping;
  }

  /** One pass now (after sealing, "Sincronizza ora"). */
  kick(): void {
    // Sealing queued a revision, «Riprova» or «Sincronizza ora» moved one: the counts changed.
    this.#changed();
    this.loop?.kick();
  }

  /** "Sincronizza ora": what waits for its backoff is due now, and a pass starts. */
  syncNow(): SyncStatusView {
    this.repo.makeDueNow();
    this.kick();
    return this.status();
  }

  /** The revisions in the outbox, for the «Ufficio» page. */
  entries(): OutboxEntry[] {
    return this.repo.entries();
  }

  /** «Riprova»: an 'errore' revision (or refused co-signature) back in the queue, and a pass now. Conflicts are refused. */
  retry(inspectionId: string): OutboxEntry {
    this.repo.retry(inspectionId);
    this.kick();
    return this.repo.entries().find((e) => e.inspectionId === inspectionId)!;
  }

  /** Keeps the loop off `inspectionId` while `work` runs (the report of a revision being sealed). */
  async holdWhile<T>(inspectionId: string, work: () => Promise<T>): Promise<T> {
    this.held.add(inspectionId);
    try {
      return await work();
    } finally {
      this.held.delete(inspectionId);
    }
  }

  status(): SyncStatusView {
    const s = this.repo.settings();
    return {
      paired: s !== null,
      officeUrl: s?.officeUrl ?? null,
      inspector: s?.inspectorName ?? null,
      pairedAt: s?.pairedAt ?? null,
      lastSyncAt: s?.lastSyncAt ?? null,
      lastError: s?.lastError ?? null,
      lastErrorAt: s?.lastErrorAt ?? null,
      active: this.loop !== null,
      counts: this.repo.counts(),
    };
  }

  /** Exchanges the office's one-time code for this laptop's device token, kept encrypted. */
  async pair(urlText: string, codeText: string): Promise<SyncStatusView> {
    const officeUrl = normaliseOfficeUrl(urlText);
    const code = codeText.trim().toUpperCase();
    const current = this.repo.settings();
    if (current) throw new SyncInputError('url', `portatile già associato all'ufficio ${current.officeUrl}: scollegarlo prima`, 'conflict');
    let answer: { token: string; inspector: { id: string; name: string }; territory?: string | undefined };
    const http = { timeoutMs: this.options.timeoutMs ?? 15_000, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) };
    try {
      // The office's territory first: a laptop that cannot take it refuses before the one-time code is spent.
      const info = await pairInfo(officeUrl, http);
      const before = info ? territoryRefusal(this.options.store, info.territory, 'office') : null;
      if (before) throw new SyncInputError('url', before);
      answer = await pair(officeUrl, code, { deviceName: this.options.deviceName ?? `Vigilanza Nidi su ${hostname()}`, ...http });
    } catch (e) {
      if (e instanceof SyncInputError) throw e;
      if (e instanceof SyncError && e.httpStatus !== undefined) {
        // The office's own words, without its "code: " field prefix (the host names the field).
        const message = e.message.replace(/^code: /, '');
        throw new SyncInputError(
          e.httpStatus === 401 || e.field === 'code' ? 'code' : 'url',
          e.httpStatus >= 500 ? `il server d'ufficio ha risposto con un errore (${message})` : message,
        );
      }
      throw new SyncInputError('url', (e as Error).message);
    }
    if (typeof answer?.token !== 'string' || typeof answer.inspector?.name !== 'string')
      throw new SyncInputError('url', "la risposta non viene da un server d'ufficio di Vigilanza Nidi");
    // The laptop takes the office's territory (an office made before territories is the Zona's); checked
    // again here for an office too old to answer the question before pairing.
    const territory = answer.territory ?? DEFAULT_TERRITORY_ID;
    const refusal = territoryRefusal(this.options.store, territory, 'office');
    if (refusal) throw new SyncInputError('url', refusal);
    this.options.store.transaction(() => {
      this.repo.savePairing({ officeUrl, token: answer.token, inspectorId: answer.inspector.id, inspectorName: answer.inspector.name });
      recordTerritory(this.options.store, territory);
    });
    this.#startLoop();
    this.#changed();
    return this.status();
  }

  /** Forgets the office and the token; queued revisions stay queued for the next pairing. */
  async unpair(): Promise<SyncStatusView> {
    await this.stop();
    this.repo.unpair();
    this.#changed();
    return this.status();
  }
}
