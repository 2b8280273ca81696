/**
 * The office server: sync API for the laptops and the review workspace for the office staff,
 * over SQLite (default, `DATA/office.sqlite`) or PostgreSQL (`databaseUrl`). Attachments always
 * live in the data folder, content-addressed.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { mkdirSync, readFileSync } from 'node:fs';
import { CHECKLISTS } from '../shared/checklist/index.ts';
import { RULE_SETS } from '../shared/rules/index.ts';
import { DEFAULT_TERRITORY_ID, TERRITORIES, type Territory } from '../shared/territories/index.ts';
import { civilDate } from '../shared/dates.ts';
import { useItalianZodMessages } from '../shared/zod-italian.ts';
import { DEFAULT_API_LIMITS, registerApi, sendError, validationAnswer, type ApiLimits } from './api.ts';
import { BlobStore } from './blobs.ts';
import { rememberClientAddresses } from './security.ts';
import { registerUploadRoutes } from './uploads.ts';
import { LongTermValidation, type LongTermOptions } from './long-term.ts';
import { OfficeMail, type MailOptions } from './mail.ts';
import { onPlannedVisitWritten } from './storage/planning.ts';
import { registerResponseCheck } from './wire-check.ts';
import { registerReview } from './review/routes.ts';
import { openPostgres, openSqlite } from './storage/db.ts';
import { OfficeStore } from './storage/store.ts';

// The route schemas' built-in checks answer laptops and clerks in Italian too.
useItalianZodMessages();

export interface OfficeOptions {
  dataDir: string;
  /** postgres://… to keep the records in PostgreSQL instead of the embedded SQLite file. */
  databaseUrl?: string;
  tls?: { cert: string; key: string };
  limits?: Partial<ApiLimits>;
  /** The office's calendar day for dashboards (tests pin it). */
  today?: () => string;
  /** PEM of the CA that signs report PDFs, for the verification shown to clerks. */
  caPem?: string;
  /**
   * RFC 3161 authority of the office: with it, every received signed report without B-LTA is
   * augmented in the background (office/long-term.ts) and `renew-timestamps` can run.
   */
  tsaUrl?: string;
  /** The background job's clock, retry pauses and polling (tests). */
  longTerm?: Pick<LongTermOptions, 'now' | 'retryDelayMs' | 'pollMs' | 'revocationTimeoutMs' | 'tsaTimeoutMs'>;
  jsonBodyBytes?: number;
  /**
   * Check every JSON answer of the sync API against its schema in shared/sync/protocol.ts
   * (office/wire-check.ts); a mismatch answers 500 and is kept in `responseViolations`. For tests.
   */
  validateResponses?: boolean;
  /**
   * The territory this installation applies (shared/territories; the Zona when absent). Recorded in
   * the database at the first start; a later start naming another is refused.
   */
  territory?: string;
  /**
   * The office's SMTP server (smtp:// or smtps://, in Italy often a PEC mailbox): notices to the
   * commissions, prescriptions to the services, rejections to the inspectors, a census sheet's
   * correction notes to the Comune's users (office/mail.ts).
   * Without it every message is logged as not sendable.
   */
  smtpUrl?: string;
  /** The From address (default: the SMTP user, when it is an address). */
  mailFrom?: string;
  /** The mail job's clock, retry pauses, attempts and polling (tests). */
  mailJob?: Pick<MailOptions, 'now' | 'retryDelayMs' | 'pollMs' | 'maxAttempts'>;
}

export interface OfficeServer {
  app: FastifyInstance;
  store: OfficeStore;
  /** The territory the office applies: its rule set and checklist for the dashboards, its name on the pages. */
  territory: Territory;
  blobs: BlobStore;
  /** Answers that did not match the wire protocol (only with `validateResponses`). */
  responseViolations: string[];
  /** The long-term validation job (null without `tsaUrl`). */
  longTerm: LongTermValidation | null;
  /** The outbox and its sending job (always there; without `smtpUrl` it only logs). */
  mail: OfficeMail;
  /** Listens on 127.0.0.1 (or `host`); returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openStore(dataDir: string, databaseUrl?: string): Promise<OfficeStore> {
  mkdirSync(dataDir, { recursive: true });
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('--database: serve un indirizzo postgres://utente@host:porta/database');
    return OfficeStore.open(await openPostgres(databaseUrl));
  }
  return OfficeStore.open(openSqlite(dataDir));
}

/** Rule sets and checklists this build knows go on the change feed once, for the laptops. */
async function publishCatalog(store: OfficeStore): Promise<void> {
  await store.publishCatalog([
    ...[...RULE_SETS].map(([key, ruleSet]) => ({ kind: 'rule_set' as const, key, payload: { key, ruleSet } })),
    ...[...CHECKLISTS].map(([key, checklist]) => ({ kind: 'checklist' as const, key, payload: { key, checklist } })),
  ]);
}

/** One year: browsers that once reached the office over https keep to https. */
const HSTS_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * Headers, cookies, limits and connection handling for every route: helmet's headers (the pages'
 * CSP, no framing, no sniffing; HSTS only under TLS, since on loopback or the office LAN over http
 * it would lock browsers out), @fastify/cookie's parser (a malformed cookie is just not a session),
 * and @fastify/rate-limit's store behind `requestLimit` (security.ts), which each limit uses; each
 * request's client address is kept first thing, as a client that hangs up takes it with its socket.
 */
async function registerHttpProtections(app: FastifyInstance, opts: { tls: boolean }): Promise<void> {
  rememberClientAddresses(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: opts.tls ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false } : false,
  });

  // An answer sent before the request's body was read (413 over a limit, 429, 401, 415…) closes the
  // connection: kept alive, the server would either read the next request out of the unread bytes
  // or wait for them, and a keep-alive client would hang. Node ends the socket after the reply.
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.raw.complete) reply.header('Connection', 'close');
    return payload;
  });
}

/** The territory of the office in `store`, recording `wanted` at the first start (Italian error otherwise). */
export async function officeTerritory(store: OfficeStore, wanted: string | undefined): Promise<Territory> {
  if (wanted !== undefined && !TERRITORIES.has(wanted))
    throw new Error(`--territory: territorio sconosciuto "${wanted}" (disponibili: ${[...TERRITORIES.keys()].join(', ')})`);
  const id = await store.settleTerritory(wanted, DEFAULT_TERRITORY_ID);
  const territory = TERRITORIES.get(id);
  if (!territory)
    throw new Error(`il database dell'ufficio applica il territorio "${id}", che questa versione non conosce: aggiornare l'applicazione`);
  return territory;
}

export async function createOfficeServer(options: OfficeOptions): Promise<OfficeServer> {
  const store = await openStore(options.dataDir, options.databaseUrl);
  let territory: Territory;
  try {
    territory = await officeTerritory(store, options.territory);
  } catch (e) {
    await store.close();
    throw e;
  }
  await publishCatalog(store);
  // A laptop that sent (and the office verified) an attachment's bytes may reference it.
  const blobs = new BlobStore(options.dataDir, {
    onVerified: (sha256, deviceId) => store.recordBlobHolder(sha256, deviceId),
    holds: (sha256, deviceId) => store.holdsBlob(deviceId, sha256),
  });
  let mail: OfficeMail;
  try {
    mail = new OfficeMail({ store, blobs, territory, smtpUrl: options.smtpUrl, from: options.mailFrom, ...options.mailJob });
    // Every write of a planned visit, through whichever PlanningStore, tells its members in its transaction.
    onPlannedVisitWritten(store.db, mail.plannedVisitHook);
  } catch (e) {
    await store.close();
    throw e;
  }
  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: options.jsonBodyBytes ?? 4 * 1024 * 1024,
    requestTimeout: 120_000,
    connectionTimeout: 120_000,
    trustProxy: false,
    // The router's own refusals (a path with a broken %-escape) answered like every other error.
    frameworkErrors: (error, _req, reply) =>
      sendError(
        reply,
        400,
        'invalid',
        error.code === 'FST_ERR_BAD_URL' ? 'indirizzo non valido: una sequenza %XX non è UTF-8' : 'richiesta non valida',
      ),
    // A request the HTTP parser refuses (cut short, malformed): the same Italian error body as the
    // others instead of Fastify's English one, and nothing at all to a client that has gone.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code !== 'ECONNRESET' && !socket.destroyed && socket.writable) {
        const [status, text, message] =
          error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout', 'richiesta non completata in tempo']
            : error.code === 'HPE_HEADER_OVERFLOW'
              ? [431, 'Request Header Fields Too Large', 'intestazioni della richiesta troppo grandi']
              : [400, 'Bad Request', 'richiesta HTTP non valida o interrotta'];
        const body = JSON.stringify({ error: { code: status === 431 ? 'too_large' : 'invalid', message } });
        socket.write(
          `HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
    ...(options.tls ? { https: { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) } } : {}),
  }) as unknown as FastifyInstance;

  await registerHttpProtections(app, { tls: !!options.tls });

  // Nothing here takes plain text: such a body is refused (415) rather than handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  // Attachment bytes stream straight to disk; the handlers enforce their own limits.
  app.addContentTypeParser(['application/offset+octet-stream', 'application/octet-stream'], (_req, payload, done) => done(null, payload));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // The sync API's routes declare zod schemas (shared/sync/protocol.ts) for params, query and body;
  // a refusal reaches the error handler below, which answers it as our ErrorBody (api.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const refused = validationAnswer(error, req, reply);
    if (refused) return refused;
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      req.log.error(error);
      process.stderr.write(`ufficio: errore interno su ${req.method} ${req.url}: ${error.message}\n`);
      return sendError(reply, 500, 'internal', 'errore interno del server');
    }
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'richiesta troppo grande'
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Content-Type: tipo di contenuto non accettato'
          : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'corpo JSON vuoto'
            : /JSON/.test(error.message) || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
              ? `corpo della richiesta: JSON non valido`
              : error.message;
    return sendError(reply, status, status === 413 ? 'too_large' : status === 415 ? 'unsupported' : 'invalid', message);
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'not_found', 'risorsa non trovata'));

  const responseViolations: string[] = [];
  if (options.validateResponses) registerResponseCheck(app, responseViolations);
  const longTerm = options.tsaUrl
    ? new LongTermValidation({ store, blobs, tsaUrl: options.tsaUrl, caPem: options.caPem, ...options.longTerm })
    : null;
  // A report queued by a push is taken up after the answer, never before it.
  registerApi(app, { store, blobs, limits, territory, onReportQueued: () => longTerm?.kick() });
  registerUploadRoutes(app, { blobs, patchBytes: limits.patchBytes });
  registerReview(app, {
    store,
    blobs,
    // The office's day is Rome's (a protocol dated after midnight there is today's, not tomorrow's).
    today: options.today ?? (() => civilDate(new Date())),
    secure: !!options.tls,
    caPem: options.caPem,
    territory,
    longTerm: !!longTerm,
    mail,
  });

  return {
    app,
    store,
    territory,
    blobs,
    responseViolations,
    longTerm,
    mail,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      // Reports queued before this start (or while the TSA was missing) are taken up now.
      longTerm?.kick();
      mail.kick();
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return `${options.tls ? 'https' : 'http'}://${shownHost}:${actual}`;
    },
    async close() {
      await app.close();
      await longTerm?.stop();
      await mail.stop();
      await store.close();
    },
  };
}
