/**
 * The browser shell: the built renderer and the API on 127.0.0.1 only, for one user on this
 * machine. Plain node:http, so every byte of the security envelope is visible here:
 *  - binds 127.0.0.1 (a random free port unless one is asked for);
 *  - Host must be exactly 127.0.0.1:PORT or localhost:PORT (DNS rebinding), else 421;
 *  - every /api/ call needs the per-launch token (constant-time compare), else 401; the event
 *    stream (GET /api/events) too, in the same header (the page reads it with fetch, not EventSource);
 *    a foreign Origin is refused (403); no CORS headers, ever;
 *  - strict CSP, nosniff, no-referrer on every response; bodies capped per method.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { ERROR_STATUS, type ApiError, type Result } from '../shared/api/contract.ts';
import { EVENTS_PATH } from '../shared/api/events.ts';
import type { SubscribeEvents } from './app.ts';
import type { HostApi } from './handlers.ts';
import { SECURITY_HEADERS, TOKEN_HEADER } from './security.ts';

export const LOOPBACK = '127.0.0.1';
/** Photos travel as base64 inside JSON (20 MB of base64 at most, see the contract). */
const BODY_LIMITS: Record<string, number> = { 'photos.add': 30 * 1024 * 1024 };
const DEFAULT_BODY_LIMIT = 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Vigilanza Nidi</title></head>
<body><h1>Vigilanza Nidi</h1>
<p>L'interfaccia non è ancora stata compilata: nella cartella del progetto eseguire <code>npm run build</code> e poi riavviare <code>vigilanza serve</code>.</p>
<p>Il servizio e le sue API sono comunque attivi su questo indirizzo.</p></body></html>
`;

export interface ShellServerOptions {
  /** `call` and `subscribe`: the host may live on this thread (tests, benches) or in the host worker (`vigilanza serve`). */
  host: Pick<HostApi, 'call'> & { subscribe: SubscribeEvents };
  /** The built renderer (dist/renderer); a short Italian page is served if it is missing. */
  rendererDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** Per-launch secret; generated when absent. */
  token?: string;
}

export interface ShellServer {
  port: number;
  token: string;
  /** The one line to open: http://127.0.0.1:PORT/#token=TOKEN */
  url: string;
  close(): Promise<void>;
}

export async function startShellServer(options: ShellServerOptions): Promise<ShellServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  let port = 0;
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);
  const rendererRoot = resolve(options.rendererDir);

  const server: Server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(`vigilanza: errore interno del server: ${(e as Error)?.stack ?? String(e)}\n`);
      if (!res.headersSent) sendResult(res, { ok: false, error: { code: 'internal', message: 'errore interno del server' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.headers.host || !allowedHosts().has(req.headers.host)) {
      sendText(res, 421, 'Richiesta rifiutata: questo servizio risponde solo come 127.0.0.1 o localhost sulla sua porta.');
      return;
    }
    // Origin-form only ("/path"): an absolute-form target names a host the Host check never saw.
    if (!req.url?.startsWith('/')) {
      sendText(res, 400, 'Richiesta non valida.');
      return;
    }
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.pathname === EVENTS_PATH) return events(req, res);
    if (url.pathname.startsWith('/api/')) {
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        sendResult(res, { ok: false, error: { code: 'invalid', message: 'nome del metodo non valido' } }, 400);
        return;
      }
      return api(req, res, method);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'Metodo non consentito.');
      return;
    }
    serveStatic(req, res, url.pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendResult(res, { ok: false, error: { code: 'invalid', message: 'le API si chiamano con POST' } }, 405);
      return;
    }
    if (!authorized(req, res)) return;
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      sendResult(
        res,
        { ok: false, error: { code: 'invalid', message: 'il corpo della richiesta deve essere JSON (Content-Type: application/json)' } },
        415,
      );
      return;
    }
    const limit = BODY_LIMITS[method] ?? DEFAULT_BODY_LIMIT;
    const body = await readBody(req, limit);
    // The client went away mid-body (closed the tab, timed out): nothing to answer, nothing to log.
    if (body === 'aborted') {
      res.destroy();
      return;
    }
    if (body === 'too_large') {
      sendResult(
        res,
        { ok: false, error: { code: 'invalid', message: `richiesta troppo grande (massimo ${Math.round(limit / 1024 / 1024)} MB)` } },
        413,
      );
      return;
    }
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      sendResult(res, { ok: false, error: { code: 'invalid', message: 'il corpo della richiesta non è JSON valido' } });
      return;
    }
    sendResult(res, await options.host.call(method, input));
  }

  /** Origin (403) and token (401) as for every /api/ call; false once refused. */
  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      sendResult(res, { ok: false, error: { code: 'unauthorized', message: `origine non consentita: ${origin}` } }, 403);
      return false;
    }
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), tokenDigest)) {
      sendResult(res, {
        ok: false,
        error: {
          code: 'unauthorized',
          message: 'chiave di sessione mancante o errata: riaprire l’indirizzo stampato da «vigilanza serve»',
        },
      });
      return false;
    }
    return true;
  }

  /** Server-Sent Events: one `data:` line of JSON per HostEvent, until the page goes away. */
  function events(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      sendResult(res, { ok: false, error: { code: 'invalid', message: 'il flusso degli eventi si apre con GET' } }, 405);
      return;
    }
    if (!authorized(req, res)) return;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    // The first bytes say "connected" (the client resynchronises then); a comment every 30 s keeps
    // idle proxies and the socket honest.
    res.write(': connesso\n\n');
    const heartbeat = setInterval(() => res.write(': \n\n'), 30_000);
    heartbeat.unref();
    const unsubscribe = options.host.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const index = join(rendererRoot, 'index.html');
    if (!existsSync(index)) {
      if (pathname === '/' || pathname === '/index.html') return sendBody(req, res, 200, MIME['.html']!, Buffer.from(NOT_BUILT_PAGE));
      return sendText(res, 404, 'Non trovato.');
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Percorso non valido.');
    }
    if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) return sendText(res, 400, 'Percorso non valido.');
    let file = resolve(rendererRoot, `.${relative}`);
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) return sendText(res, 404, 'Non trovato.');
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return sendText(res, 404, 'Non trovato.');
    // A symlink inside dist/ must not lead outside it.
    const real = realpathSync(file);
    const realRoot = realpathSync(rendererRoot);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return sendText(res, 404, 'Non trovato.');
    sendBody(req, res, 200, MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', readFileSync(real));
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.requestTimeout = 120_000;

  return {
    port,
    token,
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(over ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', () => resolveBody('aborted'));
  });
}

function sendResult(res: ServerResponse, result: Result<unknown>, status?: number): void {
  const code = status ?? (result.ok ? 200 : ERROR_STATUS[(result.error as ApiError).code]);
  const body = Buffer.from(JSON.stringify(result));
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function sendBody(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
