/**
 * A loopback HTTP proxy that misbehaves on purpose, with seeded randomness so a failing run can
 * be replayed: it drops requests (before forwarding, or after the server answered), delays them,
 * truncates their bodies mid-way, and duplicates them (the server sees the request twice).
 * Bounded: at most `maxFaults` faults in all, delays at most `maxDelayMs`.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ChaosOptions {
  target: string;
  seed: number;
  dropBefore?: number;
  dropAfter?: number;
  delay?: number;
  truncate?: number;
  duplicate?: number;
  maxDelayMs?: number;
  maxFaults?: number;
}

export interface ChaosStats {
  requests: number;
  dropBefore: number;
  dropAfter: number;
  delay: number;
  truncate: number;
  duplicate: number;
}

export interface ChaosProxy {
  url: string;
  stats: ChaosStats;
  /** Stops misbehaving (to let a final pass through cleanly) or starts again. */
  setEnabled(on: boolean): void;
  close(): Promise<void>;
}

/** mulberry32: small, fast, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export async function startChaosProxy(options: ChaosOptions): Promise<ChaosProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats: ChaosStats = { requests: 0, dropBefore: 0, dropAfter: 0, delay: 0, truncate: 0, duplicate: 0 };
  let enabled = true;
  let faults = 0;
  const maxFaults = options.maxFaults ?? 1000;
  const roll = (p: number | undefined) => enabled && faults < maxFaults && !!p && random() < p;

  const forward = (req: IncomingMessage, body: Buffer, truncateAt?: number): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      headers.host = target.host;
      if (body.length || req.headers['content-length']) headers['content-length'] = String(body.length);
      const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(parts) });
        });
        res.on('error', reject);
      });
      up.on('error', reject);
      if (truncateAt === undefined) {
        up.end(body);
        return;
      }
      // Send part of the body, let it reach the server, then cut the connection.
      up.write(body.subarray(0, truncateAt), () => setTimeout(() => up.destroy(new Error('troncata')), 15));
    });

  const reply = (res: ServerResponse, u: Upstream) => {
    res.writeHead(u.status, u.headers);
    res.end(u.body);
  };

  const server: Server = createServer(async (req, res) => {
    stats.requests++;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return;
    }
    try {
      if (roll(options.delay)) {
        stats.delay++;
        faults++;
        await new Promise((r) => setTimeout(r, Math.floor(random() * (options.maxDelayMs ?? 100))));
      }
      if (roll(options.dropBefore)) {
        stats.dropBefore++;
        faults++;
        req.socket.destroy();
        return;
      }
      if (body.length > 1 && roll(options.truncate)) {
        stats.truncate++;
        faults++;
        await forward(req, body, 1 + Math.floor(random() * (body.length - 1))).catch(() => undefined);
        req.socket.destroy();
        return;
      }
      if (roll(options.duplicate)) {
        stats.duplicate++;
        faults++;
        const [a, b] = await Promise.allSettled([forward(req, body), forward(req, body)]);
        const pick = random() < 0.5 ? [a, b] : [b, a];
        const ok = pick.find((p) => p.status === 'fulfilled') as PromiseFulfilledResult<Upstream> | undefined;
        if (!ok) throw new Error('upstream');
        return reply(res, ok.value);
      }
      const upstream = await forward(req, body);
      if (roll(options.dropAfter)) {
        stats.dropAfter++;
        faults++;
        req.socket.destroy(); // the server did the work; the client never hears about it
        return;
      }
      reply(res, upstream);
    } catch {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'proxy: server non raggiungibile' } }));
      } else req.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setEnabled(on) {
      enabled = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
