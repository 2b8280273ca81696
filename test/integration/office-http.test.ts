/**
 * The office server's HTTP layer against the real server on 127.0.0.1: the login (redirect after
 * login, the same password work for unknown names), rate limits (unknown tokens count against the
 * IP), Origin and cookie checks, connections closed after an unread body, HSTS and Secure cookies
 * under TLS, and client input that must never produce a 500.
 */
import { after, afterEach, before, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, newDeviceToken } from '../../office/security.ts';
import { safeAfterLogin } from '../../office/review/routes.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';

const PASSWORD = 'una-password-lunga';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request on its own connection. `from` picks the client's loopback address (127.0.0.0/8 is
 * all loopback on Linux), so a test can play several clients with their own IP limits.
 */
function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string; ca?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: false, localAddress: opts.from, ca: opts.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const setCookies = (a: Answer) => a.headers['set-cookie'] ?? [];
const cookieValue = (a: Answer, name: string) =>
  setCookies(a)
    .map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1])
    .find((v) => v !== undefined);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** GET /login, then POST the form as a browser would: the double-submit cookie and its token. */
async function login(
  base: string,
  fields: { nome: string; password: string; dopo?: string },
  opts: { from?: string; ca?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const page = await request(`${base}/login`, { from: opts.from, ca: opts.ca });
  assert.equal(page.status, 200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  assert.equal(cookieValue(page, 'vn_login'), token);
  return request(`${base}/login`, {
    method: 'POST',
    from: opts.from,
    ca: opts.ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vn_login=${token}`, ...opts.headers },
    body: form({ _csrf: token, dopo: '/coda', ...fields }),
  });
}

async function sessionOf(base: string, opts: { from?: string } = {}): Promise<{ cookie: string; csrf: string }> {
  const r = await login(base, { nome: 'Ufficio Zona', password: PASSWORD }, opts);
  assert.equal(r.status, 303);
  const cookie = `vn_sessione=${cookieValue(r, 'vn_sessione')}`;
  const page = await request(`${base}/servizi/nuovo`, { headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
}

/** Every way seen to turn "a path of this site" into another site, or into something that is not a path. */
const REDIRECT_BYPASSES = [
  '//evil.example',
  '/\\evil.example',
  '/%09/evil.example',
  '/\t/evil.example',
  '/%2F/evil.example',
  '/%2f%2fevil.example',
  '/%5Cevil.example',
  'https://evil.example',
  'http:evil.example',
  'javascript:alert(1)',
  '\t/coda',
  ' /coda',
  '\\\\evil.example',
  '/coda%0d%0aSet-Cookie:%20x=1',
  '/coda\r\nLocation: https://evil.example',
  '/%0a/evil.example',
  '/%00',
  '/%E0%A4%A',
  'evil.example',
  '',
  '/\u2028/evil',
  '/%C2%85/evil',
];

describe('office HTTP layer', () => {
  let office: TestOffice;
  before(async () => {
    office = await startOffice('sqlite', { limits: { apiPerSecond: 1, apiBurst: 5, pairPerMinute: 3 } });
    await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  });
  after(async () => office?.close());
  afterEach(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });

  test('after login: only paths of the review app, anything else goes to /coda', async () => {
    for (const dopo of REDIRECT_BYPASSES) assert.equal(safeAfterLogin(dopo), '/coda', JSON.stringify(dopo));
    for (const dopo of [
      '/coda',
      '/coda?scheda=respinte',
      '/ispezioni/visita-1/2',
      '/servizi/abc?salvato=1',
      '/export/ispezioni-dovute.csv',
    ])
      assert.equal(safeAfterLogin(dopo), dopo);
    assert.equal(safeAfterLogin(['/coda', '//evil']), '/coda', 'a repeated field is not a path');

    // The login page never puts a foreign target in its form…
    for (const dopo of REDIRECT_BYPASSES.slice(0, 8)) {
      const page = await request(`${office.url}/login?dopo=${encodeURIComponent(dopo)}`);
      assert.match(page.body, /name="dopo" value="\/coda"/, dopo);
    }
    // …and a real login with a forged one lands on /coda (each from its own address: logins are limited per IP).
    let n = 10;
    for (const dopo of [
      '/%09/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/%2F/evil.example',
      'https://evil.example',
      '/\t/evil',
      '/coda%0d%0aSet-Cookie:%20x=1',
    ]) {
      const r = await login(office.url, { nome: 'Ufficio Zona', password: PASSWORD, dopo }, { from: `127.0.1.${n++}` });
      assert.equal(r.status, 303, dopo);
      assert.equal(r.headers.location, '/coda', dopo);
    }
    const kept = await login(
      office.url,
      { nome: 'Ufficio Zona', password: PASSWORD, dopo: '/coda?scheda=validate' },
      { from: '127.0.1.2' },
    );
    assert.equal(kept.headers.location, '/coda?scheda=validate');
  });

  test('an unknown name costs the same scrypt as a wrong password', async () => {
    const calls: Array<{ keylen: number; options: unknown }> = [];
    const original = crypto.scrypt;
    mock.method(crypto, 'scrypt', (...args: unknown[]) => {
      calls.push({ keylen: args[2] as number, options: args[3] });
      return (original as (...a: unknown[]) => void)(...args);
    });
    syncBuiltinESMExports();

    const wrong = await login(office.url, { nome: 'Ufficio Zona', password: 'sbagliata-di-sicuro' }, { from: '127.0.2.1' });
    assert.equal(wrong.status, 401);
    assert.equal(calls.length, 1, 'a wrong password runs scrypt once');
    const unknown = await login(office.url, { nome: 'Nessuno Che Esiste', password: 'sbagliata-di-sicuro' }, { from: '127.0.2.1' });
    assert.equal(unknown.status, 401);
    const noName = await login(office.url, { nome: '', password: '' }, { from: '127.0.2.1' });
    assert.equal(noName.status, 401);
    assert.equal(calls.length, 3, 'an unknown or empty name runs scrypt once too');
    assert.deepEqual(calls[1], calls[0], 'with the same cost parameters and key length');
    assert.deepEqual(calls[2], calls[0]);
    assert.equal(/role="alert">([^<]*)</.exec(unknown.body)![1], /role="alert">([^<]*)</.exec(wrong.body)![1], 'and the same answer');
  });

  test('logins are limited per IP: 429 with Retry-After and an Italian message', async () => {
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 11; i++) {
      last = await login(office.url, { nome: 'Ufficio Zona', password: 'sbagliata-di-sicuro' }, { from: '127.0.3.1' });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    assert.ok(Number(last!.headers['retry-after']) >= 1);
    assert.match(last!.body, /Troppi tentativi: riprovare tra \d+ secondi/);
    assert.equal(
      (await login(office.url, { nome: 'Ufficio Zona', password: PASSWORD }, { from: '127.0.3.2' })).status,
      303,
      'another address is not affected',
    );
  });

  test('random bearer tokens count against the IP; a paired laptop keeps its own budget', async () => {
    const device = await office.token('Anna');
    const from = '127.0.4.1';
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 7; i++) {
      last = await request(`${office.url}/api/v1/changes`, { from, headers: { authorization: `Bearer ${newDeviceToken()}` } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.ok(Number(last!.headers['retry-after']) >= 1);
    assert.match(JSON.parse(last!.body).error.message, /troppe richieste: riprovare tra \d+ s/);
    // Without a token or with a malformed one: the same IP budget.
    assert.equal((await request(`${office.url}/api/v1/changes`, { from })).status, 429);
    assert.equal((await request(`${office.url}/api/v1/changes`, { from, headers: { authorization: 'Bearer x' } })).status, 429);
    // The laptop on the same address is not locked out by them.
    assert.equal((await request(`${office.url}/api/v1/changes`, { from, headers: { authorization: `Bearer ${device}` } })).status, 200);
    // Another address still gets its 401s.
    assert.equal(
      (await request(`${office.url}/api/v1/changes`, { from: '127.0.4.2', headers: { authorization: `Bearer ${newDeviceToken()}` } }))
        .status,
      401,
    );
  });

  test('pairing attempts are limited per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await request(`${office.url}/api/v1/pair`, {
            method: 'POST',
            from: '127.0.5.1',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: 'AAAA-BBBB' }),
          })
        ).status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  test('attack: many GET /api/v1/pair with guessed codes from one client get 429 in Italian, from the budget of POST /api/v1/pair', async () => {
    const guess = (from: string, code: string) => request(`${office.url}/api/v1/pair?code=${code}`, { from });
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (const code of ['AAAA-BBBB', 'CCCC-DDDD', 'EEEE-FFFF', 'GGGG-HHHH', 'JJJJ-KKKK']) {
      last = await guess('127.0.5.2', code);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.ok(Number(last!.headers['retry-after']) >= 1);
    assert.deepEqual(JSON.parse(last!.body), {
      error: { code: 'rate_limited', message: `troppe richieste: riprovare tra ${last!.headers['retry-after']} s` },
    });
    // One budget for both methods: after the GETs a POST from the same client is refused too…
    const post = (from: string) =>
      request(`${office.url}/api/v1/pair`, {
        method: 'POST',
        from,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'AAAA-BBBB' }),
      });
    assert.equal((await post('127.0.5.2')).status, 429);
    // …and after the POSTs, the GET.
    assert.deepEqual(
      [(await post('127.0.5.3')).status, (await post('127.0.5.3')).status, (await post('127.0.5.3')).status],
      [401, 401, 401],
    );
    assert.equal((await guess('127.0.5.3', 'AAAA-BBBB')).status, 429);
    // Another client still reads the territory.
    const other = await guess('127.0.5.4', 'AAAA-BBBB');
    assert.equal(other.status, 200);
    assert.deepEqual(JSON.parse(other.body), { territory: 'zona-fse' });
  });

  test('a malformed Origin is refused with 403 and an Italian message, not 500', async () => {
    const { cookie, csrf } = await sessionOf(office.url, { from: '127.0.6.1' });
    for (const origin of ['http://[', '::::', 'http://', 'evil', 'http://%zz']) {
      const r = await request(`${office.url}/servizi`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ _csrf: csrf, name: 'X', type: 'nido', comune: 'Y', capacity: '10' }),
      });
      assert.equal(r.status, 403, origin);
      assert.match(r.body, /Origine non valida|Origine non ammessa/, origin);
    }
    const foreign = await request(`${office.url}/servizi`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ _csrf: csrf }),
    });
    assert.equal(foreign.status, 403);
    assert.match(foreign.body, /Origine non ammessa/);
    // The login form checks the Origin too.
    const atLogin = await login(
      office.url,
      { nome: 'Ufficio Zona', password: PASSWORD },
      { from: '127.0.6.2', headers: { origin: 'http://[' } },
    );
    assert.equal(atLogin.status, 403);
    assert.match(atLogin.body, /Origine non valida/);
    // Same origin still works.
    const own = await request(`${office.url}/servizi`, {
      method: 'POST',
      headers: { cookie, origin: office.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ _csrf: csrf, name: 'Nido Origine', type: 'nido', comune: 'Fiesole', capacity: '10' }),
    });
    assert.equal(own.status, 303);
  });

  test('malformed cookies, odd bodies and huge headers get 4xx, never 500', async () => {
    const { cookie, csrf } = await sessionOf(office.url, { from: '127.0.7.1' });
    const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
    const cases: Array<[string, string, { method?: string; headers?: Record<string, string>; body?: string; from?: string }]> = [
      ['bad %-escape in the session cookie', '/coda', { headers: { cookie: 'vn_sessione=%E0%A4%A' } }],
      ['cookie header of junk', '/coda', { headers: { cookie: ';;==;%;vn_sessione' } }],
      [
        'bad %-escape in the login cookie',
        '/login',
        { method: 'POST', from: '127.0.7.2', headers: { ...urlencoded, cookie: 'vn_login=%' }, body: '_csrf=%25&nome=a' },
      ],
      [
        'login as JSON with numbers',
        '/login',
        {
          method: 'POST',
          from: '127.0.7.3',
          headers: { 'content-type': 'application/json', cookie: 'vn_login=5' },
          body: '{"_csrf":5,"nome":1,"password":[]}',
        },
      ],
      [
        'login as JSON with objects',
        '/login',
        { method: 'POST', from: '127.0.7.4', headers: { 'content-type': 'application/json' }, body: '{"_csrf":{"a":1},"dopo":{"x":1}}' },
      ],
      [
        'login with a broken JSON body',
        '/login',
        { method: 'POST', from: '127.0.7.5', headers: { 'content-type': 'application/json' }, body: '{"_csrf":' },
      ],
      ['login with a bad form escape', '/login', { method: 'POST', from: '127.0.7.6', headers: urlencoded, body: '%E0%A4%A=%' }],
      [
        'a page POST as JSON with a numeric token',
        '/servizi',
        { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"_csrf":1,"name":2}' },
      ],
      [
        'a page POST as JSON with the right token and odd types',
        '/servizi',
        {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ _csrf: csrf, name: ['a'], capacity: { x: 1 }, kitchen: 3 }),
        },
      ],
      [
        'a decision as JSON with a note that is not text',
        '/ispezioni/x/1/respingi',
        { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ _csrf: csrf, note: { a: 1 } }) },
      ],
      [
        'a pairing code request with a name that is not text',
        '/portatili/codice',
        {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ _csrf: csrf, nome: ['a', 'b'] }),
        },
      ],
      ['a bad %-escape in a path parameter', '/ispezioni/%E0%A4%A/1', { headers: { cookie } }],
      ['a revision that is not a number', '/ispezioni/x/abc', { headers: { cookie } }],
      ['a bad %-escape in the query', '/coda?scheda=%E0%A4%A', { headers: { cookie } }],
      ['a repeated query field', '/login?dopo=/a&dopo=//evil', {}],
      [
        'an API body of broken JSON',
        '/api/v1/pair',
        { method: 'POST', from: '127.0.7.7', headers: { 'content-type': 'application/json' }, body: '{' },
      ],
      ['a huge header', '/coda', { headers: { 'x-filler': 'x'.repeat(64 * 1024) } }],
      ['a huge cookie', '/coda', { headers: { cookie: `vn_sessione=${'a'.repeat(40 * 1024)}` } }],
    ];
    for (const [name, path, opts] of cases) {
      const r = await request(`${office.url}${path}`, opts);
      assert.ok(r.status >= 200 && r.status < 500, `${name}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    // The router's and the parsers' refusals are Italian JSON like the others.
    const badUrl = await request(`${office.url}/api/v1/inspections/%E0%A4%A`);
    assert.equal(badUrl.status, 400);
    assert.deepEqual(JSON.parse(badUrl.body), {
      error: { code: 'invalid', message: 'indirizzo non valido: una sequenza %XX non è UTF-8' },
    });
    const plain = await request(`${office.url}/api/v1/pair`, {
      method: 'POST',
      from: '127.0.7.8',
      headers: { 'content-type': 'text/plain' },
      body: 'AAAA-BBBB',
    });
    assert.equal(plain.status, 415);
    assert.match(JSON.parse(plain.body).error.message, /Content-Type: tipo di contenuto non accettato/);
    const repeated = await request(`${office.url}/login?dopo=/a&dopo=//evil`);
    assert.match(repeated.body, /name="dopo" value="\/coda"/);
  });

  test('a PATCH over the size limit gets 413 and the connection closes, so a keep-alive client is not left hanging', async () => {
    const token = await office.token('Bruno');
    const sha = 'c'.repeat(64);
    const created = await request(`${office.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: sha, length: 64 * 1024 * 1024 }),
    });
    assert.equal(created.status, 201);
    const { port } = new URL(office.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined); // the server may reset while we still write: that is the point
    const bodyBytes = 9 * 1024 * 1024;
    socket.write(
      `PATCH /api/v1/uploads/${sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: ${bodyBytes}\r\nConnection: keep-alive\r\n\r\n`,
    );
    const piece = Buffer.alloc(256 * 1024, 7);
    for (let sent = 0; sent < bodyBytes && !socket.destroyed; sent += piece.length) {
      if (!socket.write(piece))
        await new Promise((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
    }
    if (!socket.destroyed) socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await closed;
    const [head] = received.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 413 /);
    assert.match(head!, /\r\nconnection: close/i);
    assert.doesNotMatch(received, /HTTP\/1\.1 200/, 'the second request is not read out of the unread body');
    // The bytes up to the limit were kept, so the laptop resumes from there on a new connection.
    const state = await request(`${office.url}/api/v1/uploads/${sha}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    assert.equal(state.headers['upload-offset'], String(8 * 1024 * 1024));
  });

  test('over plain http: no HSTS, cookies without Secure; CSP and the other headers on pages', async () => {
    const page = await request(`${office.url}/login`);
    assert.equal(page.headers['strict-transport-security'], undefined);
    assert.ok(setCookies(page).every((c) => !/;\s*Secure/i.test(c)));
    assert.ok(setCookies(page).every((c) => /HttpOnly/i.test(c) && /SameSite=Strict/i.test(c)));
    const csp = String(page.headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim());
    assert.deepEqual(csp, [
      "default-src 'none'",
      "style-src 'self'",
      "img-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    assert.equal(page.headers['cache-control'], 'no-store');
  });
});

describe('office over TLS', () => {
  let office: TestOffice;
  let dir: string;
  let ca: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigilanza-office-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    office = await startOffice('sqlite', { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
    await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
  });
  after(async () => {
    await office?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('responses carry HSTS and the cookies are Secure', async () => {
    assert.match(office.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const page = await request(`${office.url}/login`, { ca });
    assert.match(String(page.headers['strict-transport-security']), /^max-age=\d{8,}/);
    assert.ok(setCookies(page).length > 0 && setCookies(page).every((c) => /;\s*Secure/i.test(c)));
    const loggedIn = await login(office.url, { nome: 'Ufficio Zona', password: PASSWORD }, { ca });
    assert.equal(loggedIn.status, 303);
    const session = setCookies(loggedIn).find((c) => c.startsWith('vn_sessione='))!;
    assert.match(session, /;\s*Secure/i);
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=Strict/i);
    const api = await request(`${office.url}/healthz`, { ca });
    assert.match(String(api.headers['strict-transport-security']), /^max-age=/);
  });
});
