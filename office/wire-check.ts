/**
 * The office checking its own sync API answers against the wire schemas (shared/sync/protocol.ts),
 * the ones the laptop parses them with. Turned on by `validateResponses` (the test helpers do; never
 * in production, where it would only cost a parse per answer): a drift between what a route sends
 * and what the protocol says then fails the test that made the request instead of some laptop later.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  AddAttachmentOk,
  BlobStored,
  ChangesPage,
  ErrorBody,
  InspectionState,
  PairInfo,
  PairResponse,
  PutRevisionOk,
  UploadCreated,
} from '../shared/sync/protocol.ts';

/** The schema of each sync route's 2xx JSON answer, by `METHOD route-pattern`. */
export const SUCCESS_SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['POST /api/v1/pair', PairResponse],
  ['GET /api/v1/pair', PairInfo],
  ['PUT /api/v1/inspections/:id/revisions/:n', PutRevisionOk],
  ['POST /api/v1/inspections/:id/revisions/:n/attachments', AddAttachmentOk],
  ['GET /api/v1/inspections/:id', InspectionState],
  ['GET /api/v1/changes', ChangesPage],
  ['POST /api/v1/uploads', UploadCreated],
  ['PUT /api/v1/blobs/:sha', BlobStored],
]);

export class ResponseMismatch extends Error {}

/**
 * Registers the check as a preSerialization hook (JSON answers only: 204s, HEADs and streams have no
 * object payload). A mismatch is recorded in `violations`, written to stderr and thrown, so the
 * request answers 500 and the server's owner (TestOffice.close) can fail even if a client retried.
 * Any other 500 of the sync API is recorded too (its body fits the protocol; the answer is a bug).
 */
export function registerResponseCheck(app: FastifyInstance, violations: string[]): void {
  const mismatched = new WeakSet<object>();
  app.addHook('preSerialization', async (req, reply, payload) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/v1/')) return payload;
    const status = reply.statusCode;
    const route = `${req.method} ${req.routeOptions.url ?? path}`;
    // A 500 fits ErrorBody but is still a bug: no client input may cause one.
    if (status >= 500 && !mismatched.has(req.raw)) violations.push(`${route} → ${status}: errore interno`);
    // An answer made from a mismatch (the 500 below) is checked as an error body like any other.
    const schema = status >= 400 ? ErrorBody : SUCCESS_SCHEMAS.get(route);
    const problem = !schema
      ? 'nessuno schema del protocollo per questa risposta (aggiungerlo a SUCCESS_SCHEMAS)'
      : (() => {
          const parsed = schema.safeParse(payload);
          return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.') || '(risposta)'}: ${i.message}`).join('; ');
        })();
    if (!problem) return payload;
    const text = `${route} → ${status}: risposta fuori protocollo: ${problem}`;
    violations.push(text);
    mismatched.add(req.raw);
    process.stderr.write(`ufficio: ${text}\n`);
    throw new ResponseMismatch(text);
  });
}
