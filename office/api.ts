/**
 * The sync API (`/api/v1`), used by the laptops through host/sync/client.ts. Versioned by path;
 * errors are `{ error: { code, message, field? } }` with Italian messages that name the field.
 * See office/README.md for the full description.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canonicalJson, contentHash } from '../shared/canonical.ts';
import { describeIssues, parseInspectionFile } from '../shared/inspection.ts';
import { RULE_SETS, validateAgainst } from '../shared/rules/index.ts';
import { resolveFile, type Territory } from '../shared/territories/index.ts';
// Id: the route parameter's schema, the same as in the bodies.
import { AddAttachmentBody, EntityId as Id, PutRevisionBody, type ErrorCode } from '../shared/sync/protocol.ts';
import type { BlobStore } from './blobs.ts';
import { newDeviceToken, normalisePairingCode, requestLimit, sha256Text } from './security.ts';
import type { DeviceIdentity, OfficeStore, RevisionRecord, ReviewStatus } from './storage/store.ts';

export interface ApiLimits {
  /**
   * Requests per second per paired device (per IP for requests without a valid token), and the
   * burst allowed: `apiBurst` requests per window of `apiBurst / apiPerSecond` seconds.
   */
  apiPerSecond: number;
  apiBurst: number;
  /** Pairing attempts per minute per IP: codes are short. */
  pairPerMinute: number;
  /** Largest PATCH body (bytes). */
  patchBytes: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { apiPerSecond: 100, apiBurst: 300, pairPerMinute: 10, patchBytes: 8 * 1024 * 1024 };

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

/** The route parameters of a revision: `:id` is the visit's id, `:n` the revision number (1…999999). */
const REVISION_MESSAGE = 'serve un numero intero da 1 in su';
export const RevisionParams = z.object({
  id: Id,
  n: z
    .string()
    .regex(/^\d{1,6}$/, REVISION_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, REVISION_MESSAGE)),
});

const CURSOR_MESSAGE = 'serve un numero intero non negativo';
const LIMIT_MESSAGE = 'serve un numero da 1 a 1000';
/** GET /changes: both optional; a repeated key (an array) is refused like any other wrong value. */
export const ChangesQuery = z.object({
  cursor: z
    .string({ error: CURSOR_MESSAGE })
    .regex(/^\d{1,15}$/, CURSOR_MESSAGE)
    .transform(Number)
    .default(0),
  limit: z
    .string({ error: LIMIT_MESSAGE })
    .regex(/^\d{1,4}$/, LIMIT_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, LIMIT_MESSAGE).max(1000, LIMIT_MESSAGE))
    .default(200),
});

export const PairBody = z.strictObject({
  code: z.string().min(1, 'il codice è obbligatorio').max(40),
  deviceName: z.string().trim().max(200).optional(),
});

/** How a parameter is named in answers, where its name in the route is not the one a person reads. */
const PARAM_NAMES: Record<string, { field: string; label: string }> = { n: { field: 'revision', label: 'revisione' } };

/**
 * A request the route schemas refused (fastify-type-provider-zod; the error handler of server.ts
 * sends it here) as our ErrorBody: for a body, every issue (`details`) in describeIssues' words and
 * the first one's path as `field`; for a route parameter or a query key, its first issue, named.
 * Null when the error is not such a refusal.
 */
export function validationAnswer(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  if (!hasZodFastifySchemaValidationErrors(error)) return null;
  const context = (error as FastifyError).validationContext;
  // Fastify hands a missing body to the schema as null: parsed again as what it is, the message says "undefined" as it always did.
  const absent = context === 'body' && req.body === undefined ? (req.routeOptions.schema?.body as z.ZodType | undefined) : undefined;
  const reparsed = absent?.safeParse(undefined).error?.issues;
  // The provider keeps each zod issue's code, message and other fields; its path is a JSON pointer.
  const issues =
    reparsed ??
    (error.validation.map((v) => ({
      ...v.params,
      code: v.keyword,
      message: v.message ?? '',
      path:
        v.instancePath === '/'
          ? []
          : v.instancePath
              .slice(1)
              .split('/')
              .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    })) as unknown as z.core.$ZodIssue[]);
  if (context === 'params' || context === 'querystring') {
    const first = issues[0]!;
    const key = String(first.path[0] ?? '');
    const name = PARAM_NAMES[key] ?? { field: key, label: key };
    return sendError(reply, 400, 'invalid', `${name.label}: ${first.message}`, { field: name.field });
  }
  const details = describeIssues(new z.ZodError(issues));
  return sendError(reply, 400, 'invalid', details.join('; '), { field: issues[0]!.path.join('.'), details });
}

const API_STATUS: Record<ReviewStatus, 'received' | 'in_review' | 'validated' | 'rejected'> = {
  ricevuta: 'received',
  in_validazione: 'in_review',
  validata: 'validated',
  respinta: 'rejected',
};

function revisionView(r: RevisionRecord) {
  return {
    revision: r.revision,
    contentHash: r.contentHash,
    receivedAt: r.receivedAt,
    // A version the office made itself (long-term validation) is listed like any later version.
    attachments: r.attachments.map(({ derivedFrom: _made, ...a }) => a),
    prescriptions: r.prescriptions,
    review: { status: API_STATUS[r.review.status], notes: r.review.notes, decidedAt: r.review.at },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    device?: DeviceIdentity;
  }
}

export function registerApi(
  server: FastifyInstance,
  deps: { store: OfficeStore; blobs: BlobStore; limits: ApiLimits; territory: Territory; onReportQueued?: () => void },
): void {
  const { store, blobs, limits, territory } = deps;
  // Called once the answer is sent: the long-term validation job must never delay a push.
  const afterAnswer = (reply: FastifyReply) => reply.raw.once('finish', () => deps.onReportQueued?.());
  // Requests are typed from the route schemas, which server.ts's validator compiler checks before the handler.
  const app = server.withTypeProvider<ZodTypeProvider>();
  // A paired laptop has a budget of its own; requests without a valid token share their IP's, so
  // random tokens cannot each open a fresh budget (nor lock out the laptops behind the same IP).
  const apiLimit = requestLimit(app, limits.apiBurst, (limits.apiBurst / limits.apiPerSecond) * 1000, (req, ip) =>
    req.device ? `device:${req.device.deviceId}` : `ip:${ip}`,
  );
  const pairLimit = requestLimit(app, limits.pairPerMinute, 60_000, (_req, ip) => `ip:${ip}`);

  const heldSize = (device: DeviceIdentity, sha256: string) => blobs.heldSize(device.deviceId, sha256);

  const limited = (reply: FastifyReply, wait: number) => {
    reply.header('Retry-After', String(wait));
    return sendError(reply, 429, 'rate_limited', `troppe richieste: riprovare tra ${wait} s`);
  };

  app.get('/healthz', async () => ({ ok: true, storage: store.kind }));

  // Before pairing, without a token: the territory the laptop would take (public, as the review pages' heading).
  // A laptop that cannot take it refuses before its one-time code is spent (host/sync/service.ts).
  app.get(
    '/api/v1/pair',
    {
      preValidation: async (req, reply) => {
        const wait = await pairLimit(req);
        if (wait) return limited(reply, wait);
      },
    },
    async () => ({ territory: territory.id }),
  );

  app.post(
    '/api/v1/pair',
    {
      schema: { body: PairBody },
      // Before the body is checked: every attempt counts, a malformed one too.
      preValidation: async (req, reply) => {
        const wait = await pairLimit(req);
        if (wait) return limited(reply, wait);
      },
    },
    async (req, reply) => {
      const token = newDeviceToken();
      const device = await store.consumePairingCode(
        sha256Text(normalisePairingCode(req.body.code)),
        sha256Text(token),
        req.body.deviceName || 'portatile',
      );
      if (!device)
        return sendError(reply, 401, 'unauthorized', 'code: codice di associazione non valido, già usato o scaduto', { field: 'code' });
      // The laptop takes the office's territory: its new visits use that territory's checklist and rule set.
      return reply.code(201).send({ token, inspector: { id: device.inspectorId, name: device.inspectorName }, territory: territory.id });
    },
  );

  // Every other /api/v1 route needs a device token.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/v1/') || req.url.startsWith('/api/v1/pair')) return;
    const header = req.headers.authorization ?? '';
    const token = /^Bearer ([A-Za-z0-9._~+/=-]{10,200})$/.exec(header)?.[1];
    const device = token ? await store.authenticateDevice(sha256Text(token)) : null;
    if (device) req.device = device;
    const wait = await apiLimit(req);
    if (wait) return limited(reply, wait);
    if (!device) {
      reply.header('WWW-Authenticate', 'Bearer realm="vigilanza-ufficio"');
      return sendError(
        reply,
        401,
        'unauthorized',
        token ? 'token del dispositivo non valido o revocato' : 'Authorization: serve "Bearer TOKEN" del dispositivo associato',
      );
    }
  });

  app.put('/api/v1/inspections/:id/revisions/:n', { schema: { params: RevisionParams, body: PutRevisionBody } }, async (req, reply) => {
    const { id, n } = req.params;
    // Demo data (`--demo`, scripts/start.sh) is made up: it never enters an office's register,
    // whichever laptop or hand sends it. Checked before the file's schema so the answer says why.
    const sent = req.body.file;
    if (typeof sent === 'object' && sent !== null && 'demo' in sent && (sent as { demo: unknown }).demo !== undefined)
      return sendError(
        reply,
        422,
        'invalid',
        "file.demo: è una visita dei dati dimostrativi e l'ufficio non la registra: le visite dimostrative restano sul portatile",
        { field: 'file.demo' },
      );
    const parsed = parseInspectionFile(req.body.file);
    if (!parsed.ok) {
      const details = parsed.errors.map((e) => `file.${e}`);
      return sendError(reply, 400, 'invalid', `file di ispezione non valido: ${details.join('; ')}`, {
        field: details[0]!.split(':')[0],
        details,
      });
    }
    const file = parsed.value;
    const ruleSet = RULE_SETS.get(file.ruleSet);
    if (!ruleSet)
      return sendError(
        reply,
        400,
        'invalid',
        `file.ruleSet: set di regole sconosciuto "${file.ruleSet}" (disponibili: ${[...RULE_SETS.keys()].join(', ')})`,
        { field: 'file.ruleSet' },
      );
    const resolved = resolveFile(file);
    if (!resolved.ok) {
      const details = resolved.errors.map((e) => `file.${e}`);
      return sendError(reply, 400, 'invalid', `file di ispezione non valido: ${details.join('; ')}`, {
        field: details[0]!.split(':')[0],
        details,
      });
    }
    // An installation applies one territory: a visit made under another regulation is not this office's to register.
    const visitTerritory = resolved.value.territory;
    if (visitTerritory.id !== territory.id)
      return sendError(
        reply,
        422,
        'invalid',
        `file.territory: la visita è del territorio «${visitTerritory.name}» (${visitTerritory.id}), questo ufficio applica «${territory.name}» (${territory.id}): non la registra`,
        { field: 'file.territory' },
      );
    const problems = validateAgainst(file, ruleSet, resolved.value.checklist).map((p) => `file.${p}`);
    if (problems.length)
      return sendError(reply, 400, 'invalid', `file di ispezione non valido: ${problems.join('; ')}`, {
        field: problems[0]!.split(':')[0],
        details: problems,
      });
    // The hash is over the file as sent (before zod defaults), which is what the laptop sealed.
    const actualHash = contentHash(req.body.file);
    if (actualHash !== req.body.contentHash) {
      return sendError(reply, 400, 'invalid', `contentHash: non corrisponde al contenuto del file (calcolato ${actualHash})`, {
        field: 'contentHash',
      });
    }
    const missing: string[] = [];
    for (const [i, a] of req.body.attachments.entries()) {
      const size = await heldSize(req.device!, a.sha256);
      if (size === null) missing.push(a.sha256);
      else if (size !== a.size)
        return sendError(reply, 400, 'invalid', `attachments[${i}].size: il contenuto caricato è di ${size} byte`, {
          field: `attachments[${i}].size`,
        });
    }
    if (missing.length) {
      return sendError(reply, 412, 'attachments_missing', `allegati non ancora caricati: ${missing.length}`, {
        missing: [...new Set(missing)],
      });
    }
    const bundleHash = sha256Text(
      canonicalJson({
        contentHash: actualHash,
        attachments: req.body.attachments,
        prescriptions: req.body.prescriptions,
        serviceId: req.body.serviceId ?? null,
      }),
    );
    const outcome = await store.putRevision({
      inspectionId: id,
      revision: n,
      contentHash: actualHash,
      bundleHash,
      file: req.body.file,
      serviceId: req.body.serviceId ?? null,
      serviceName: file.service.name,
      comune: file.service.comune ?? null,
      visitDate: file.visit.date,
      purpose: file.visit.purpose,
      inspectorId: req.device!.inspectorId,
      deviceId: req.device!.deviceId,
      attachments: req.body.attachments,
      prescriptions: req.body.prescriptions,
      ...(req.body.audit ? { audit: req.body.audit } : {}),
    });
    if (outcome === 'forbidden') {
      // The same answer whatever the content and the revision number: nothing tells the sender what the visit holds.
      return sendError(
        reply,
        403,
        'forbidden',
        `l'ispezione ${id} è di un altro portatile: se questo portatile lo sostituisce, chiedere all'ufficio di trasferirgli la visita`,
      );
    }
    if (outcome === 'conflict') {
      return sendError(reply, 409, 'conflict', `la revisione ${n} dell'ispezione ${id} è già stata ricevuta con un contenuto diverso`);
    }
    if (outcome === 'created' && req.body.attachments.some((a) => a.kind === 'report')) afterAnswer(reply);
    return reply
      .code(outcome === 'created' ? 201 : 200)
      .send({ status: outcome === 'created' ? 'created' : 'duplicate', inspectionId: id, revision: n, contentHash: actualHash });
  });

  app.post(
    '/api/v1/inspections/:id/revisions/:n/attachments',
    { schema: { params: RevisionParams, body: AddAttachmentBody } },
    async (req, reply) => {
      const { id, n } = req.params;
      const size = await heldSize(req.device!, req.body.sha256);
      if (size === null)
        return sendError(reply, 412, 'attachments_missing', 'allegato non ancora caricato: caricarlo prima', {
          missing: [req.body.sha256],
        });
      if (size !== req.body.size)
        return sendError(reply, 400, 'invalid', `size: il contenuto caricato è di ${size} byte`, { field: 'size' });
      const { contentHash: expected, ...attachment } = req.body;
      const outcome = await store.addAttachment({
        inspectionId: id,
        revision: n,
        deviceId: req.device!.deviceId,
        attachment,
        ...(expected ? { contentHash: expected } : {}),
      });
      // Also another laptop's visit: to it, that visit does not exist.
      if (outcome === 'not_found') return sendError(reply, 404, 'not_found', `revisione ${n} dell'ispezione ${id} non ricevuta`);
      if (outcome === 'conflict')
        return sendError(reply, 409, 'conflict', `la revisione ${n} dell'ispezione ${id} è stata ricevuta con un contenuto diverso`, {
          field: 'contentHash',
        });
      if (outcome === 'created') afterAnswer(reply);
      return reply
        .code(outcome === 'created' ? 201 : 200)
        .send({ status: outcome === 'created' ? 'created' : 'duplicate', inspectionId: id, revision: n, sha256: req.body.sha256 });
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/inspections/:id', async (req, reply) => {
    // Only the laptop that holds the visit reads it; to any other it does not exist.
    const owner = await store.visitOwner(req.params.id);
    const revisions = owner?.deviceId === req.device!.deviceId ? await store.listRevisionsOf(req.params.id) : [];
    if (!revisions.length) return sendError(reply, 404, 'not_found', 'ispezione non trovata');
    return { inspectionId: req.params.id, revisions: revisions.map(revisionView) };
  });

  app.get('/api/v1/changes', { schema: { querystring: ChangesQuery } }, async (req) =>
    store.changesSince(req.query.cursor, req.device!.inspectorId, req.query.limit),
  );
}

export type { FastifyRequest };
