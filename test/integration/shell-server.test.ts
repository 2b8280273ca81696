/** The browser shell over real HTTP on 127.0.0.1: token, Host and Origin checks, headers, limits, static files. */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import { openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw http.request so that Host and Origin can be set to anything (fetch forbids it). */
function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (e) =>
      (e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE'
        ? resolve({ status: 0, headers: {}, body: '' })
        : reject(e),
    );
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

async function start(t: Parameters<typeof openTestApp>[0], rendererDir = join(tempDir(t), 'missing')): Promise<ShellServer> {
  const app = openTestApp(t);
  const server = await startShellServer({ host: app, rendererDir });
  t.after(() => server.close());
  return server;
}

const api = (s: ShellServer, method: string, body: unknown, headers: Record<string, string> = {}) =>
  send(s.port, `/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token, ...headers },
    body: JSON.stringify(body),
  });

test('binds 127.0.0.1 on a random port and gives the URL with the token', async (t) => {
  const s = await start(t);
  assert.ok(s.port > 0);
  assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(s.url, `http://127.0.0.1:${s.port}/#token=${s.token}`);
});

test('API round trip: create a service, list it back; errors carry the contract status', async (t) => {
  const s = await start(t);
  const created = await api(s, 'services.create', SERVICE);
  assert.equal(created.status, 200);
  const service = JSON.parse(created.body);
  assert.equal(service.ok, true);
  const list = JSON.parse((await api(s, 'services.list', {})).body);
  assert.deepEqual(
    list.value.map((x: { id: string }) => x.id),
    [service.value.id],
  );
  assert.equal(list.value[0].authorizationValidUntil, '2028-08-31');
  const bad = await api(s, 'services.create', { ...SERVICE, capacity: -1 });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(JSON.parse(bad.body).error).sort(), ['code', 'field', 'message']);
  assert.equal(JSON.parse(bad.body).error.field, 'capacity');
  assert.equal((await api(s, 'services.get', { id: 'ghost' })).status, 404);
  assert.equal((await api(s, 'nope.nope', {})).status, 404);
  const notJson = await send(s.port, '/api/services.list', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token },
    body: '{oops',
  });
  assert.equal(notJson.status, 400);
  assert.match(JSON.parse(notJson.body).error.message, /non è JSON valido/);
});

test('no token or a wrong token: 401, and the handler never runs', async (t) => {
  const s = await start(t);
  const none = await send(s.port, '/api/services.create', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SERVICE),
  });
  assert.equal(none.status, 401);
  assert.equal(JSON.parse(none.body).error.code, 'unauthorized');
  const wrong = await api(s, 'services.create', SERVICE, { 'x-vigilanza-token': `${s.token.slice(0, -1)}x` });
  assert.equal(wrong.status, 401);
  const short = await api(s, 'services.create', SERVICE, { 'x-vigilanza-token': 'a' });
  assert.equal(short.status, 401);
  assert.deepEqual(JSON.parse((await api(s, 'services.list', {})).body).value, []);
});

test('a Host other than 127.0.0.1:PORT or localhost:PORT is refused (DNS rebinding), even with the token', async (t) => {
  const s = await start(t);
  for (const host of [
    'evil.example:' + s.port,
    `127.0.0.1:${s.port + 1}`,
    '127.0.0.1',
    `localhost.evil.example:${s.port}`,
    `[::1]:${s.port}`,
  ]) {
    const r = await send(s.port, '/api/app.info', {
      method: 'POST',
      headers: { host, 'content-type': 'application/json', 'x-vigilanza-token': s.token },
      body: '{}',
    });
    assert.equal(r.status, 421, host);
    const page = await send(s.port, '/', { headers: { host } });
    assert.equal(page.status, 421, host);
  }
  const local = await send(s.port, '/api/app.info', {
    method: 'POST',
    headers: { host: `localhost:${s.port}`, 'content-type': 'application/json', 'x-vigilanza-token': s.token },
    body: '{}',
  });
  assert.equal(local.status, 200);
});

test('a foreign Origin is refused; no CORS header is ever sent', async (t) => {
  const s = await start(t);
  const foreign = await api(s, 'app.info', {}, { origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  const same = await api(s, 'app.info', {}, { origin: `http://127.0.0.1:${s.port}` });
  assert.equal(same.status, 200);
  const preflight = await send(s.port, '/api/app.info', {
    method: 'OPTIONS',
    headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
  });
  assert.notEqual(preflight.status, 200);
  for (const r of [foreign, same, preflight]) assert.ok(!Object.keys(r.headers).some((h) => h.startsWith('access-control-')));
});

test('API calls must be POST with a JSON body', async (t) => {
  const s = await start(t);
  const get = await send(s.port, '/api/app.info', { headers: { 'x-vigilanza-token': s.token } });
  assert.equal(get.status, 405);
  const form = await send(s.port, '/api/app.info', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-vigilanza-token': s.token },
    body: '{}',
  });
  assert.equal(form.status, 415);
});

test('bodies are capped: ~1 MB for ordinary calls, 30 MB for photos.add', async (t) => {
  const s = await start(t);
  const big = await api(s, 'services.list', { query: 'x'.repeat(1_100_000) });
  assert.equal(big.status, 413);
  const service = JSON.parse((await api(s, 'services.create', SERVICE)).body).value;
  const inspection = JSON.parse(
    (await api(s, 'inspections.create', { serviceId: service.id, purpose: 'autorizzazione', date: '2026-03-10' })).body,
  ).value;
  // A real photo (photos are decoded in full): noise at top quality, well over the 1 MB of ordinary calls.
  const side = 1400;
  const noise = Buffer.alloc(side * side * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const jpeg = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
  assert.ok(jpeg.length > 1_200_000, `${jpeg.length} bytes`);
  const photo = await api(s, 'photos.add', { inspectionId: inspection.id, mime: 'image/jpeg', dataBase64: jpeg.toString('base64') });
  assert.equal(photo.status, 200, photo.body.slice(0, 200));
  assert.equal(JSON.parse(photo.body).value.size, jpeg.length);
  const huge = await send(s.port, '/api/photos.add', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token, 'content-length': String(31 * 1024 * 1024) },
    body: '',
  });
  assert.ok(huge.status === 413 || huge.status === 0, `status ${huge.status}`);
});

test('HTML has a strict CSP, nosniff and no-referrer; a missing build gives an Italian page', async (t) => {
  const s = await start(t);
  const page = await send(s.port, '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const csp = String(page.headers['content-security-policy']);
  for (const part of ["default-src 'self'", "img-src 'self' data: blob:", "frame-ancestors 'none'", "object-src 'none'"])
    assert.ok(csp.includes(part), part);
  assert.ok(!csp.includes('unsafe-eval'));
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.match(page.body, /npm run build/);
  assert.match(page.body, /lang="it"/);
});

test('serves the built renderer, and nothing outside it', async (t) => {
  const root = tempDir(t);
  const dist = join(root, 'renderer');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><html lang="it"><script type="module" src="./assets/app.js"></script></html>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'segreto');
  symlinkSync(join(root, 'secret.txt'), join(dist, 'assets', 'link.txt'));
  const s = await start(t, dist);
  const index = await send(s.port, '/');
  assert.equal(index.status, 200);
  assert.match(index.body, /assets\/app\.js/);
  assert.ok(String(index.headers['content-security-policy']).includes("default-src 'self'"));
  const js = await send(s.port, '/assets/app.js');
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /text\/javascript/);
  for (const path of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/link.txt', '/nope.js']) {
    const r = await send(s.port, path);
    assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
    assert.ok(!r.body.includes('segreto'), path);
  }
  assert.equal((await send(s.port, '/', { method: 'DELETE' })).status, 405);
});

test('malformed requests are the client’s error (400), never a 500 with a stack on stderr', async (t) => {
  const s = await start(t);
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  t.mock.method(process.stderr, 'write', (chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
  // A percent-escape that does not decode, in the API method name.
  const badName = await send(s.port, '/api/%E0%A4%A', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token },
    body: '{}',
  });
  assert.equal(badName.status, 400);
  assert.equal(JSON.parse(badName.body).error.code, 'invalid');
  assert.ok(String(badName.headers['content-security-policy']).includes("default-src 'self'"));
  // Absolute-form request target: its host was never checked against the allowed ones.
  const absolute = await send(s.port, 'http://evil.example/api/app.info', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token },
    body: '{}',
  });
  assert.equal(absolute.status, 400);
  // A client that goes away halfway through its body.
  await new Promise<void>((resolve) => {
    const socket = connect(s.port, '127.0.0.1', () => {
      socket.write(
        `POST /api/services.list HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Type: application/json\r\nX-Vigilanza-Token: ${s.token}\r\nContent-Length: 1000\r\n\r\n{"query":`,
      );
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('close', () => resolve());
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await api(s, 'app.info', {})).status, 200);
  assert.deepEqual(
    logged.filter((l) => l.includes('errore interno')),
    [],
  );
});
