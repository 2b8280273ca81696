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
 * again; network errors, 429 and 5xx are retried with exponential backoff and jitter, bounded.
 * Results are values, not exceptions: the outbox decides what each outcome means.
 */
import { open, stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { AuditSegment } from '../../shared/audit-chain.ts';
import {
  ChangesPage,
  ErrorBody,
  InspectionState,
  PairResponse,
  PutRevisionOk,
  type PairRequest,
  type PutRevisionBody,
} from '../../shared/sync/protocol.ts';

export interface RetryOptions {
  /** Attempts per step (one upload, one PUT, one pull) before giving up for now. */
  attempts: number;
  baseMs: number;
  maxMs: number;
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
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
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
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
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
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.onProgress = options.onProgress;
  }

  /** Exponential backoff with jitter: half the window fixed, half random. */
  backoffMs(attempt: number, retryAfterSeconds?: number): number {
    const window = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt);
    const jittered = window / 2 + (this.random() * window) / 2;
    return retryAfterSeconds ? Math.min(this.retry.maxMs, Math.max(jittered, retryAfterSeconds * 1000)) : jittered;
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

  /** Runs `step` until it returns a value; it throws SyncError(permanent) to stop, anything else retries. */
  private async withRetry<T>(what: string, step: (attempt: number) => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      try {
        return await step(attempt);
      } catch (e) {
        if (e instanceof SyncError && e.permanent) throw e;
        last = e;
        if (attempt < this.retry.attempts - 1) await this.sleep(this.backoffMs(attempt, (e as { retryAfter?: number }).retryAfter));
      }
    }
    throw new SyncError(`${what}: tentativi esauriti (${(last as Error)?.message ?? String(last)})`);
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

  /** Uploads one attachment resumably; returns when the server holds the verified content. */
  async uploadAttachment(a: AttachmentSource): Promise<void> {
    const length = await this.sizeOf(a);
    let offset: number | null = null;
    let attempt = 0;
    let lastError: unknown;
    while (attempt < this.retry.attempts) {
      try {
        if (offset === null && attempt > 0) offset = await this.uploadOffset(a.sha256);
        if (offset === null) {
          const res = await this.request('POST', '/api/v1/uploads', {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sha256: a.sha256, length }),
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
            const moved = Number(next) > offset;
            offset = Number(next);
            if (moved) attempt = 0; // progress: the retry budget is for consecutive failures
            this.onProgress?.({ sha256: a.sha256, offset, length });
            continue;
          }
          if (res.status === 404) {
            offset = null;
            throw new SyncError('caricamento scomparso dal server');
          }
          if (res.status === 422) {
            offset = 0; // the server reset it: our bytes did not hash to the declared value
            throw new SyncError(`allegato ${a.name}: ${(await errorMessage(res)).message}`);
          }
          await this.failOn(res);
        }
        this.onProgress?.({ sha256: a.sha256, offset, length });
        return;
      } catch (e) {
        if (e instanceof SyncError && e.permanent) throw e;
        lastError = e;
        if (!(e instanceof SyncError && e.message.startsWith('caricamento scomparso'))) offset = null; // ask the server (HEAD) next time
        attempt++;
        if (attempt < this.retry.attempts) await this.sleep(this.backoffMs(attempt - 1, (e as { retryAfter?: number }).retryAfter));
      }
    }
    throw new SyncError(`allegato ${a.name}: tentativi esauriti (${(lastError as Error)?.message ?? String(lastError)})`);
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
