/**
 * The sync API (`/api/v1`), used by the laptops through host/sync/client.ts. Versioned by path;
 * errors are `{ error: { code, message, field? } }` with Italian messages that name the field.
 * See office/README.md for the full description.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canonicalJson, contentHash } from '../shared/canonical.ts';
import { describeIssues, parseInspectionFile } from '../shared/inspection.ts';
import { RULE_SETS, validateAgainst } from '../shared/rules/index.ts';
import { getChecklist } from '../shared/checklist/index.ts';
// Id and Sha: the route parameters' schemas, the same as in the bodies.
import { AddAttachmentBody, EntityId as Id, PutRevisionBody, Sha256 as Sha, type ErrorCode } from '../shared/sync/protocol.ts';
import { SHA256_RE, type BlobStore } from './blobs.ts';
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
    attachments: r.attachments,
    prescriptions: r.prescriptions,
    review: { status: API_STATUS[r.review.status], notes: r.review.notes, decidedAt: r.review.at },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    device?: DeviceIdentity;
  }
}

export function registerApi(app: FastifyInstance, deps: { store: OfficeStore; blobs: BlobStore; limits: ApiLimits }): void {
  const { store, blobs, limits } = deps;
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

  app.post('/api/v1/pair', async (req, reply) => {
    const wait = await pairLimit(req);
    if (wait) return limited(reply, wait);
    const body = z
      .strictObject({ code: z.string().min(1, 'il codice è obbligatorio').max(40), deviceName: z.string().trim().max(200).optional() })
      .safeParse(req.body);
    if (!body.success) return sendError(reply, 400, 'invalid', describeIssues(body.error).join('; '));
    const token = newDeviceToken();
    const device = await store.consumePairingCode(
      sha256Text(normalisePairingCode(body.data.code)),
      sha256Text(token),
      body.data.deviceName || 'portatile',
    );
    if (!device)
      return sendError(reply, 401, 'unauthorized', 'code: codice di associazione non valido, già usato o scaduto', { field: 'code' });
    return reply.code(201).send({ token, inspector: { id: device.inspectorId, name: device.inspectorName } });
  });

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

  app.put<{ Params: { id: string; n: string } }>('/api/v1/inspections/:id/revisions/:n', async (req, reply) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) return sendError(reply, 400, 'invalid', `id: ${id.error.issues[0]!.message}`, { field: 'id' });
    const n = Number(req.params.n);
    if (!/^\d{1,6}$/.test(req.params.n) || n < 1)
      return sendError(reply, 400, 'invalid', 'revisione: serve un numero intero da 1 in su', { field: 'revision' });
    const body = PutRevisionBody.safeParse(req.body);
    if (!body.success) {
      const issues = describeIssues(body.error);
      return sendError(reply, 400, 'invalid', issues.join('; '), { field: body.error.issues[0]!.path.join('.'), details: issues });
    }
    // Demo data (`--demo`, scripts/start.sh) is made up: it never enters an office's register,
    // whichever laptop or hand sends it. Checked before the schema so the answer says why.
    const sent = body.data.file;
    if (typeof sent === 'object' && sent !== null && 'demo' in sent && (sent as { demo: unknown }).demo !== undefined)
      return sendError(
        reply,
        422,
        'invalid',
        "file.demo: è una visita dei dati dimostrativi e l'ufficio non la registra: le visite dimostrative restano sul portatile",
        { field: 'file.demo' },
      );
    const parsed = parseInspectionFile(body.data.file);
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
    const problems = validateAgainst(file, ruleSet, getChecklist(file.ruleSet)).map((p) => `file.${p}`);
    if (problems.length)
      return sendError(reply, 400, 'invalid', `file di ispezione non valido: ${problems.join('; ')}`, {
        field: problems[0]!.split(':')[0],
        details: problems,
      });
    // The hash is over the file as sent (before zod defaults), which is what the laptop sealed.
    const actualHash = contentHash(body.data.file);
    if (actualHash !== body.data.contentHash) {
      return sendError(reply, 400, 'invalid', `contentHash: non corrisponde al contenuto del file (calcolato ${actualHash})`, {
        field: 'contentHash',
      });
    }
    const missing: string[] = [];
    for (const [i, a] of body.data.attachments.entries()) {
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
        attachments: body.data.attachments,
        prescriptions: body.data.prescriptions,
        serviceId: body.data.serviceId ?? null,
      }),
    );
    const outcome = await store.putRevision({
      inspectionId: id.data,
      revision: n,
      contentHash: actualHash,
      bundleHash,
      file: body.data.file,
      serviceId: body.data.serviceId ?? null,
      serviceName: file.service.name,
      comune: file.service.comune ?? null,
      visitDate: file.visit.date,
      purpose: file.visit.purpose,
      inspectorId: req.device!.inspectorId,
      deviceId: req.device!.deviceId,
      attachments: body.data.attachments,
      prescriptions: body.data.prescriptions,
      ...(body.data.audit ? { audit: body.data.audit } : {}),
    });
    if (outcome === 'forbidden') {
      // The same answer whatever the content and the revision number: nothing tells the sender what the visit holds.
      return sendError(
        reply,
        403,
        'forbidden',
        `l'ispezione ${id.data} è di un altro portatile: se questo portatile lo sostituisce, chiedere all'ufficio di trasferirgli la visita`,
      );
    }
    if (outcome === 'conflict') {
      return sendError(reply, 409, 'conflict', `la revisione ${n} dell'ispezione ${id.data} è già stata ricevuta con un contenuto diverso`);
    }
    return reply
      .code(outcome === 'created' ? 201 : 200)
      .send({ status: outcome === 'created' ? 'created' : 'duplicate', inspectionId: id.data, revision: n, contentHash: actualHash });
  });

  app.post<{ Params: { id: string; n: string } }>('/api/v1/inspections/:id/revisions/:n/attachments', async (req, reply) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) return sendError(reply, 400, 'invalid', `id: ${id.error.issues[0]!.message}`, { field: 'id' });
    const n = Number(req.params.n);
    if (!/^\d{1,6}$/.test(req.params.n) || n < 1)
      return sendError(reply, 400, 'invalid', 'revisione: serve un numero intero da 1 in su', { field: 'revision' });
    const body = AddAttachmentBody.safeParse(req.body);
    if (!body.success) {
      const issues = describeIssues(body.error);
      return sendError(reply, 400, 'invalid', issues.join('; '), { field: body.error.issues[0]!.path.join('.'), details: issues });
    }
    const size = await heldSize(req.device!, body.data.sha256);
    if (size === null)
      return sendError(reply, 412, 'attachments_missing', 'allegato non ancora caricato: caricarlo prima', { missing: [body.data.sha256] });
    if (size !== body.data.size)
      return sendError(reply, 400, 'invalid', `size: il contenuto caricato è di ${size} byte`, { field: 'size' });
    const { contentHash: expected, ...attachment } = body.data;
    const outcome = await store.addAttachment({
      inspectionId: id.data,
      revision: n,
      deviceId: req.device!.deviceId,
      attachment,
      ...(expected ? { contentHash: expected } : {}),
    });
    // Also another laptop's visit: to it, that visit does not exist.
    if (outcome === 'not_found') return sendError(reply, 404, 'not_found', `revisione ${n} dell'ispezione ${id.data} non ricevuta`);
    if (outcome === 'conflict')
      return sendError(reply, 409, 'conflict', `la revisione ${n} dell'ispezione ${id.data} è stata ricevuta con un contenuto diverso`, {
        field: 'contentHash',
      });
    return reply
      .code(outcome === 'created' ? 201 : 200)
      .send({ status: outcome === 'created' ? 'created' : 'duplicate', inspectionId: id.data, revision: n, sha256: body.data.sha256 });
  });

  app.get<{ Params: { id: string } }>('/api/v1/inspections/:id', async (req, reply) => {
    // Only the laptop that holds the visit reads it; to any other it does not exist.
    const owner = await store.visitOwner(req.params.id);
    const revisions = owner?.deviceId === req.device!.deviceId ? await store.listRevisionsOf(req.params.id) : [];
    if (!revisions.length) return sendError(reply, 404, 'not_found', 'ispezione non trovata');
    return { inspectionId: req.params.id, revisions: revisions.map(revisionView) };
  });

  app.get<{ Querystring: { cursor?: string; limit?: string } }>('/api/v1/changes', async (req, reply) => {
    const cursorText = req.query.cursor ?? '0';
    const limitText = req.query.limit ?? '200';
    if (!/^\d{1,15}$/.test(cursorText))
      return sendError(reply, 400, 'invalid', 'cursor: serve un numero intero non negativo', { field: 'cursor' });
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)
      return sendError(reply, 400, 'invalid', 'limit: serve un numero da 1 a 1000', { field: 'limit' });
    return store.changesSince(Number(cursorText), req.device!.inspectorId, Number(limitText));
  });
}

export type { FastifyRequest };
