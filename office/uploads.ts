/**
 * Attachment uploads of the sync API, by content hash (our own protocol, not tus): POST creates
 * (id = SHA-256 of the content), HEAD tells the offset, PATCH appends at Upload-Offset; the
 * server fsyncs before each acknowledgement and checks the hash at the end (office/blobs.ts).
 * PUT /api/v1/blobs/:sha takes a whole attachment in one request (scripts, the bench baseline).
 * Authentication and the request budget are api.ts's `onRequest` hook: these routes are under
 * /api/v1/ and are registered after it. Another laptop's uploads and content are invisible here.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import { sendError } from './api.ts';
import { CreateUploadBody, type ErrorCode } from '../shared/sync/protocol.ts';
import { SHA256_RE, UploadError, type BlobStore, type UploadState } from './blobs.ts';
import type { DeviceIdentity } from './storage/store.ts';

export interface UploadRouteDeps {
  blobs: BlobStore;
  /** Largest PATCH body (bytes). */
  patchBytes: number;
}

export function registerUploadRoutes(server: FastifyInstance, deps: UploadRouteDeps): void {
  const { blobs } = deps;
  // POST's JSON body is checked by its schema; PATCH and PUT take raw bytes (a stream) and check their headers by hand.
  const app = server.withTypeProvider<ZodTypeProvider>();
  const uploadHeaders = (reply: FastifyReply, s: { sha256: string; offset: number; length: number }) =>
    reply.header('Upload-Offset', String(s.offset)).header('Upload-Length', String(s.length)).header('Cache-Control', 'no-store');

  const uploadFailure = (reply: FastifyReply, e: unknown) => {
    if (!(e instanceof UploadError)) throw e;
    if (e.offset !== undefined) reply.header('Upload-Offset', String(e.offset));
    const code: ErrorCode = e.status === 409 ? 'conflict' : e.status === 404 ? 'not_found' : e.status === 413 ? 'too_large' : 'invalid';
    return sendError(reply, e.status, code, e.message);
  };

  /** Content this laptop already sent (or owns through its visits): complete for it, and only for it. */
  const heldUpload = async (device: DeviceIdentity, sha256: string): Promise<UploadState | null> => {
    const size = await blobs.heldSize(device.deviceId, sha256);
    return size === null ? null : { sha256, length: size, offset: size, complete: true };
  };

  app.post('/api/v1/uploads', { schema: { body: CreateUploadBody } }, async (req, reply) => {
    try {
      const held = await heldUpload(req.device!, req.body.sha256);
      if (held && held.length !== req.body.length)
        throw new UploadError(`length: il contenuto con questo sha256 è lungo ${held.length} byte, non ${req.body.length}`, 409);
      const s = held ? { ...held, created: false } : await blobs.create(req.device!.deviceId, req.body.sha256, req.body.length);
      const url = `/api/v1/uploads/${s.sha256}`;
      uploadHeaders(reply, s).header('Location', url);
      return reply.code(s.created ? 201 : 200).send({ url, offset: s.offset, length: s.length, complete: s.complete });
    } catch (e) {
      return uploadFailure(reply, e);
    }
  });

  app.head<{ Params: { sha: string } }>('/api/v1/uploads/:sha', async (req, reply) => {
    const s =
      (await blobs.state(req.device!.deviceId, req.params.sha)) ??
      (SHA256_RE.test(req.params.sha) ? await heldUpload(req.device!, req.params.sha) : null);
    if (!s) return reply.code(404).header('Cache-Control', 'no-store').send();
    return uploadHeaders(reply, s).code(200).send();
  });

  app.patch<{ Params: { sha: string } }>('/api/v1/uploads/:sha', async (req, reply) => {
    // Without a Content-Type and a body Fastify parses nothing: `req.body` is then undefined.
    const body = req.body as Readable | undefined;
    if (req.headers['content-type'] !== 'application/offset+octet-stream' || !body) {
      body?.resume?.();
      return sendError(reply, 415, 'unsupported', 'Content-Type: serve application/offset+octet-stream');
    }
    const offsetHeader = String(req.headers['upload-offset'] ?? '');
    if (!/^\d{1,15}$/.test(offsetHeader)) {
      body.resume();
      return sendError(reply, 400, 'invalid', 'Upload-Offset: serve il numero di byte già caricati', { field: 'Upload-Offset' });
    }
    try {
      const s = await blobs.append(req.device!.deviceId, req.params.sha, Number(offsetHeader), body, deps.patchBytes);
      return uploadHeaders(reply, s).code(204).send();
    } catch (e) {
      return uploadFailure(reply, e);
    }
  });

  /** One-request upload of a whole attachment (no resume): for scripts, and the benchmark baseline. */
  app.put<{ Params: { sha: string } }>('/api/v1/blobs/:sha', async (req, reply) => {
    // No Content-Type and no body: nothing was parsed, there is no stream to read.
    if (!req.body) return sendError(reply, 415, 'unsupported', 'Content-Type: serve application/octet-stream');
    try {
      // 200 only when this laptop had sent these bytes before; the bytes are read and checked either way.
      const before = SHA256_RE.test(req.params.sha) && (await blobs.heldSize(req.device!.deviceId, req.params.sha)) !== null;
      const r = await blobs.putWhole(req.device!.deviceId, req.params.sha, req.body as Readable);
      return reply.code(before ? 200 : 201).send({ sha256: req.params.sha, size: r.size });
    } catch (e) {
      return uploadFailure(reply, e);
    }
  });
}
