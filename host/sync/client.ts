/**
 * The laptop's side of office sync (Node; used by the desktop host).
 *
 *   const client = new SyncClient({ baseUrl, token });
 *   await client.pushInspection({ id, revision, file, contentHash, attachments, prescriptions });
 *   const { changes, cursor } = await client.pullChanges(savedCursor);
 *
 * Attachments go first, by content hash, with resumable uploads: after any failure the client
 * asks the server how far it got (HEAD) and continues from there. Then the revision is PUT:
 * 201/200 mean done (the server is idempotent, so a retry after a lost answer is harmless),
 * 409 is a conflict to show to a person, 412 means an attachment is missing and is uploaded
 * again; network errors, 429 and 5xx are retried with exponential backoff and jitter, bounded
 * (p-retry; a refusal for good is its `AbortError`, so it is never retried).
 * Results are values, not exceptions: the outbox decides what each outcome means.
 */
import { open, stat } from 'node:fs/promises';
import { setTimeout as wait } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import type { AuditSegment } from '../../shared/audit-chain.ts';
import {
  ChangesPage,
  ErrorBody,
  InspectionState,
  PairInfo,
  PairResponse,
  PutRevisionOk,
  type CreateUploadBody,
  type PairRequest,
  type PutRevisionBody,
} from '../../shared/sync/protocol.ts';

export interface RetryOptions {
  /** Attempts per step (one upload, one PUT, one pull) before giving up for now. */
  attempts: number;
  /** The n-th pause (from 0) is random in [baseMs/2 · 2^n, baseMs · 2^n], at most maxMs. */
  baseMs: number;
  maxMs: number;
}

/**
 * The pause before retry n (from 0): exponential with jitter (so laptops that lost the office
 * together do not come back together), or the office's Retry-After in seconds when it sent one —
 * instead of the backoff, not on top of it — and never more than maxMs. `random` is in [0, 1).
 */
export function retryPause(n: number, retry: RetryOptions, retryAfterSeconds?: number, random = Math.random()): number {
  const ms = retryAfterSeconds ? retryAfterSeconds * 1000 : (retry.baseMs / 2) * 2 ** n * (1 + random);
  return Math.min(retry.maxMs, Math.round(ms));
}

export interface SyncClientOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  retry?: Partial<RetryOptions>;
  /**
   * Bytes per PATCH (default 8 MiB, the server's limit): each PATCH costs a round trip and one fsync
   * on the server, and a PATCH cut half-way keeps what arrived, so a slow link loses nothing by the
   * larger size (bench/RESULTS.md, "Upload after issue 13": 0.7× of curl at 4 MiB, 0.9–1.3× at 8 MiB).
   */
  chunkBytes?: number;
  /** Per request. */
  timeoutMs?: number;
  onProgress?: (event: { sha256: string; offset: number; length: number }) => void;
}

/**
 * Random access to content kept elsewhere, e.g. the laptop's encrypted file store, which decrypts
 * only the range asked for: the upload reads one chunk at a time, at plaintext offsets.
 */
export interface ContentReader {
  size(): Promise<number>;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface AttachmentSource {
  sha256: string;
  kind: 'report' | 'photo';
  name: string;
  /** The content, a (clear) file to read it from, or a reader of it. */
  bytes?: Uint8Array;
  path?: string;
  reader?: ContentReader;
}

export interface PrescriptionInput {
  rule: string;
  text: string;
  deadline: string;
}

export interface PushInput {
  /** The visit's id, the same for all its revisions. */
  id: string;
  revision: number;
  file: unknown;
  contentHash: string;
  attachments?: AttachmentSource[];
  prescriptions?: PrescriptionInput[];
  /** The office registry id of the service, when known. */
  serviceId?: string;
  /** The laptop's audit chain from its previous seal to this one (shared/audit-chain.ts): evidence of a rewritten history. */
  audit?: AuditSegment;
}

export type PushResult =
  | { status: 'created' | 'duplicate'; inspectionId: string; revision: number; contentHash: string }
  | { status: 'conflict'; message: string }
  /** The server refused the request for good (invalid file, bad token…): retrying will not help. */
  | { status: 'rejected'; httpStatus: number; message: string; field?: string }
  /** Retries exhausted (office unreachable, overloaded…): try again later. */
  | { status: 'failed'; message: string };

/** A later version of an attachment (a co-signed report) for a revision the office already holds. */
export interface AttachmentUpdateInput {
  /** The visit's id and the revision the attachment belongs to. */
  id: string;
  revision: number;
  /** The revision's content hash as sealed: the office refuses (409) when it holds other content. */
  contentHash?: string;
  attachment: AttachmentSource & { kind: 'report' };
}

export type AttachmentUpdateResult =
  | { status: 'created' | 'duplicate' }
  /** The office does not hold that revision (yet): send the revision first. */
  | { status: 'not_found'; message: string }
  | { status: 'conflict'; message: string }
  | { status: 'rejected'; httpStatus: number; message: string; field?: string }
  | { status: 'failed'; message: string };

export type { Change, ChangesPage, Decision, ServiceLink, ServiceRecord } from '../../shared/sync/protocol.ts';

export class SyncError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly permanent = false,
    readonly field?: string,
  ) {
    super(message);
  }
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

async function errorMessage(res: Response): Promise<{ message: string; field?: string; missing?: string[] }> {
  const body = ErrorBody.safeParse(await res.json().catch(() => undefined));
  if (!body.success) return { message: `HTTP ${res.status}` };
  return { message: body.data.error.message, field: body.data.error.field, missing: body.data.error.missing };
}

/**
 * Parses a 2xx JSON answer with its protocol schema. An office that answers in another shape (another
 * version, a proxy's page) is refused for good: nothing of it is applied, and retrying would not help.
 */
async function parseAnswer<S extends z.ZodType>(schema: S, res: Response, what: string): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new SyncError(
    `l'ufficio ha risposto in un formato inatteso: ${what} (${where}${issue?.message ?? 'non è JSON'})`,
    res.status,
    true,
  );
}

export class SyncClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly fetchFn: typeof fetch;
  private readonly retry: RetryOptions;
  private readonly chunkBytes: number;
  private readonly timeoutMs: number;
  private readonly onProgress?: SyncClientOptions['onProgress'];
  /** Bytes sent in PATCH bodies (to show that a resumed upload did not start over). */
  bytesSent = 0;

  constructor(options: SyncClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.fetchFn = options.fetch ?? fetch;
    this.retry = { attempts: 8, baseMs: 250, maxMs: 15_000, ...options.retry };
    this.chunkBytes = options.chunkBytes ?? 8 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onProgress = options.onProgress;
  }

  private request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Uint8Array | string } = {},
  ): Promise<Response> {
    return this.fetchFn(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...init.headers },
      // Chunks never live in a SharedArrayBuffer; saying so keeps the call valid under DOM and Node typings alike.
      body: init.body as string | Uint8Array<ArrayBuffer> | undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  /**
   * Runs `step` until it returns a value, with p-retry: a SyncError(permanent) stops at once (as
   * p-retry's AbortError), anything else is retried up to `attempts` times in all, then reported
   * with the last failure. p-retry keeps the count and the abort; the pause is ours (retryPause),
   * taken in onFailedAttempt with p-retry's own timeout at 0, so that a Retry-After replaces the
   * backoff rather than adding to it.
   */
  private async withRetry<T>(what: string, step: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await pRetry(
        async (attemptNumber) => {
          try {
            return await step(attemptNumber - 1);
          } catch (e) {
            throw e instanceof SyncError && e.permanent ? new AbortError(e) : e;
          }
        },
        {
          retries: Math.max(0, this.retry.attempts - 1),
          minTimeout: 0,
          maxTimeout: 0,
          onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
            if (retriesLeft <= 0) return;
            const retryAfter = (error as { retryAfter?: number }).retryAfter;
            await wait(retryPause(retriesConsumed, this.retry, retryAfter));
          },
        },
      );
    } catch (e) {
      // AbortError hands back the SyncError it wrapped; anything else is the last failure of the budget.
      if (e instanceof SyncError && e.permanent) throw e;
      throw new SyncError(`${what}: tentativi esauriti (${(e as Error)?.message ?? String(e)})`);
    }
  }

  private async failOn(res: Response): Promise<never> {
    const { message, field } = await errorMessage(res);
    const err = new SyncError(message, res.status, !RETRYABLE(res.status), field);
    const retryAfter = Number(res.headers.get('retry-after'));
    if (retryAfter > 0) Object.assign(err, { retryAfter });
    throw err;
  }

  private async sizeOf(a: AttachmentSource): Promise<number> {
    if (a.bytes) return a.bytes.length;
    if (a.reader) return this.#fromReader(a, () => a.reader!.size());
    if (a.path) return (await stat(a.path)).size;
    throw new SyncError(`allegato ${a.name}: servono bytes, path o reader`, undefined, true);
  }

  private async slice(a: AttachmentSource, offset: number, length: number): Promise<Uint8Array> {
    if (a.bytes) return a.bytes.subarray(offset, offset + length);
    if (a.reader) return this.#fromReader(a, () => a.reader!.read(offset, length));
    const handle = await open(a.path!, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /**
   * A reader that fails (a file altered on the laptop, missing) will not heal by retrying: the
   * attachment is refused for good, with the reader's own message.
   */
  async #fromReader<T>(a: AttachmentSource, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      throw new SyncError(`allegato ${a.name}: ${(e as Error)?.message ?? String(e)}`, undefined, true);
    }
  }

  /** Where the server's copy of this upload stands: its offset, or null when it has none. */
  async uploadOffset(sha256: string): Promise<number | null> {
    const res = await this.request('HEAD', `/api/v1/uploads/${sha256}`);
    if (res.status === 404) return null;
    if (!res.ok) return this.failOn(res);
    return Number(res.headers.get('upload-offset'));
  }

  /**
   * Uploads one attachment resumably; returns when the server holds the verified content. The retry
   * budget is for consecutive failures: a round that moved the server's offset before failing ends
   * as `progress`, and the next round starts with the whole budget (and from the server's offset).
   */
  async uploadAttachment(a: AttachmentSource): Promise<void> {
    const length = await this.sizeOf(a);
    let offset: number | null = null;
    let asked = false;
    for (;;) {
      const outcome = await this.withRetry(`allegato ${a.name}`, async (): Promise<'done' | 'progress'> => {
        let moved = false;
        try {
          // After any failure, ask the server (HEAD) how far it got rather than starting over.
          if (offset === null && asked) offset = await this.uploadOffset(a.sha256);
          asked = true;
          if (offset === null) {
            const res = await this.request('POST', '/api/v1/uploads', {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ sha256: a.sha256, length } satisfies CreateUploadBody),
            });
            if (res.status !== 200 && res.status !== 201) await this.failOn(res);
            offset = Number(((await res.json()) as { offset: number }).offset);
          }
          while (offset < length) {
            const chunk = await this.slice(a, offset, Math.min(this.chunkBytes, length - offset));
            this.bytesSent += chunk.length;
            const res = await this.request('PATCH', `/api/v1/uploads/${a.sha256}`, {
              headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
              body: chunk,
            });
            if (res.status === 204 || res.status === 409) {
              // 409: another request of this laptop (a duplicate, a retry) moved the offset; follow the server.
              const next = res.headers.get('upload-offset');
              await res.arrayBuffer().catch(() => undefined);
              if (next === null) throw new SyncError('risposta senza Upload-Offset');
              if (Number(next) > offset) moved = true;
              offset = Number(next);
              this.onProgress?.({ sha256: a.sha256, offset, length });
              continue;
            }
            if (res.status === 404) throw new SyncError('caricamento scomparso dal server');
            // 422: the server reset it, our bytes did not hash to the declared value.
            if (res.status === 422) throw new SyncError(`allegato ${a.name}: ${(await errorMessage(res)).message}`);
            await this.failOn(res);
          }
          this.onProgress?.({ sha256: a.sha256, offset, length });
          return 'done';
        } catch (e) {
          if (e instanceof SyncError && e.permanent) throw e;
          offset = null; // ask the server (HEAD) next time
          if (moved) return 'progress';
          throw e;
        }
      });
      if (outcome === 'done') return;
    }
  }

  /** Uploads the attachments, then sends the revision. Never throws for HTTP or network failures. */
  async pushInspection(input: PushInput): Promise<PushResult> {
    const attachments = input.attachments ?? [];
    try {
      for (const a of attachments) await this.uploadAttachment(a);
      const sizes = await Promise.all(attachments.map((a) => this.sizeOf(a)));
      const body = JSON.stringify({
        file: input.file,
        contentHash: input.contentHash,
        attachments: attachments.map((a, i) => ({ sha256: a.sha256, size: sizes[i]!, kind: a.kind, name: a.name })),
        prescriptions: input.prescriptions ?? [],
        ...(input.serviceId ? { serviceId: input.serviceId } : {}),
        ...(input.audit ? { audit: input.audit } : {}),
      } satisfies PutRevisionBody);
      const path = `/api/v1/inspections/${encodeURIComponent(input.id)}/revisions/${input.revision}`;
      return await this.withRetry(`invio di ${input.id} rev. ${input.revision}`, async () => {
        const res = await this.request('PUT', path, { headers: { 'content-type': 'application/json' }, body });
        if (res.status === 201 || res.status === 200) {
          const ok = await parseAnswer(PutRevisionOk, res, `risposta all'invio di ${input.id} rev. ${input.revision}`);
          return {
            status: res.status === 201 ? 'created' : 'duplicate',
            inspectionId: ok.inspectionId,
            revision: ok.revision,
            contentHash: ok.contentHash,
          } as const;
        }
        if (res.status === 409) return { status: 'conflict', message: (await errorMessage(res)).message } as const;
        if (res.status === 412) {
          const { missing = [] } = await errorMessage(res);
          for (const a of attachments.filter((x) => missing.includes(x.sha256))) await this.uploadAttachment(a);
          throw new SyncError('allegati ricaricati, nuovo invio');
        }
        return this.failOn(res);
      });
    } catch (e) {
      if (e instanceof SyncError && e.permanent)
        return { status: 'rejected', httpStatus: e.httpStatus ?? 0, message: e.message, ...(e.field ? { field: e.field } : {}) };
      return { status: 'failed', message: (e as Error).message };
    }
  }

  /**
   * Uploads a later version of an attachment and adds it to a revision the office already holds
   * (`POST …/revisions/{n}/attachments`). Idempotent; never throws for HTTP or network failures.
   */
  async addAttachment(input: AttachmentUpdateInput): Promise<AttachmentUpdateResult> {
    const a = input.attachment;
    try {
      await this.uploadAttachment(a);
      const body = JSON.stringify({
        sha256: a.sha256,
        size: await this.sizeOf(a),
        kind: a.kind,
        name: a.name,
        ...(input.contentHash ? { contentHash: input.contentHash } : {}),
      });
      const path = `/api/v1/inspections/${encodeURIComponent(input.id)}/revisions/${input.revision}/attachments`;
      return await this.withRetry(`nuova versione di ${a.name}`, async () => {
        const res = await this.request('POST', path, { headers: { 'content-type': 'application/json' }, body });
        if (res.status === 201 || res.status === 200) {
          await res.arrayBuffer();
          return { status: res.status === 201 ? 'created' : 'duplicate' } as const;
        }
        if (res.status === 404) return { status: 'not_found', message: (await errorMessage(res)).message } as const;
        if (res.status === 409) return { status: 'conflict', message: (await errorMessage(res)).message } as const;
        if (res.status === 412) {
          await res.arrayBuffer().catch(() => undefined);
          await this.uploadAttachment(a);
          throw new SyncError('allegato ricaricato, nuovo invio');
        }
        return this.failOn(res);
      });
    } catch (e) {
      if (e instanceof SyncError && e.permanent)
        return { status: 'rejected', httpStatus: e.httpStatus ?? 0, message: e.message, ...(e.field ? { field: e.field } : {}) };
      return { status: 'failed', message: (e as Error).message };
    }
  }

  /** Changes after `cursor` (0 at first): registry, rule sets and checklists, decisions on this inspector's revisions. */
  async pullChanges(cursor: number, limit = 200): Promise<ChangesPage> {
    return this.withRetry('aggiornamenti', async () => {
      const res = await this.request('GET', `/api/v1/changes?cursor=${cursor}&limit=${limit}`);
      if (!res.ok) return this.failOn(res);
      return parseAnswer(ChangesPage, res, 'pagina degli aggiornamenti');
    });
  }

  /** The office's view of one inspection: its revisions and their review state. */
  async getInspection(id: string): Promise<InspectionState | null> {
    return this.withRetry(`stato di ${id}`, async () => {
      const res = await this.request('GET', `/api/v1/inspections/${encodeURIComponent(id)}`);
      if (res.status === 404) return null;
      if (!res.ok) return this.failOn(res);
      return parseAnswer(InspectionState, res, `stato di ${id}`);
    });
  }
}

/** Exchanges a one-time pairing code (shown by the office web app) for this laptop's device token. */
/**
 * The office's territory, asked before pairing (GET /api/v1/pair); null from an office made before
 * the question existed (404), which then says it only in the pair answer.
 */
export async function pairInfo(baseUrl: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<PairInfo | null> {
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(`${baseUrl.replace(/\/+$/, '')}/api/v1/pair`, {
      method: 'GET',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (e) {
    throw new SyncError(`server d'ufficio non raggiungibile (${(e as Error).message})`);
  }
  if (res.status === 404 || res.status === 405) return null;
  if (res.status !== 200) {
    const { message, field } = await errorMessage(res);
    throw new SyncError(message, res.status, !RETRYABLE(res.status), field);
  }
  return parseAnswer(PairInfo, res, "risposta sul territorio dell'ufficio");
}

export async function pair(
  baseUrl: string,
  code: string,
  options: { deviceName?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<PairResponse> {
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(`${baseUrl.replace(/\/+$/, '')}/api/v1/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, ...(options.deviceName ? { deviceName: options.deviceName } : {}) } satisfies PairRequest),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (e) {
    throw new SyncError(`server d'ufficio non raggiungibile (${(e as Error).message})`);
  }
  if (res.status !== 201) {
    const { message, field } = await errorMessage(res);
    throw new SyncError(message, res.status, !RETRYABLE(res.status), field);
  }
  return parseAnswer(PairResponse, res, "risposta all'abbinamento");
}
