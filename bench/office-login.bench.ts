/**
 * Login answer times on the real office server (127.0.0.1): an unknown name against a known name
 * with a wrong password, interleaved, median and spread of N each. They should be alike, since both
 * run one scrypt (the unknown name against the dummy hash). Each attempt comes from its own
 * loopback address, as logins are limited to 10/min per IP.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../office/security.ts';
import { startOffice } from '../test/helpers/office-fixtures.ts';

const N = Number(process.argv[2] ?? 30);

function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; from: string },
): Promise<{ status: number; body: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, cookie: (res.headers['set-cookie'] ?? []).join(';') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const office = await startOffice('sqlite');
await office.server.store.createClerk('Ufficio Zona', await hashPassword('una-password-lunga'));
const times: Record<'sconosciuto' | 'password errata', number[]> = { sconosciuto: [], 'password errata': [] };
for (let i = 0; i < N * 2; i++) {
  const kind = i % 2 ? 'sconosciuto' : 'password errata';
  const from = `127.0.${10 + Math.floor(i / 200)}.${1 + (i % 200)}`;
  const page = await call(`${office.url}/login`, { from });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const body = new URLSearchParams({
    _csrf: token,
    nome: kind === 'sconosciuto' ? `Nessuno ${i}` : 'Ufficio Zona',
    password: 'sbagliata-di-sicuro',
  }).toString();
  const t0 = performance.now();
  const r = await call(`${office.url}/login`, {
    method: 'POST',
    from,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vn_login=${token}` },
    body,
  });
  const ms = performance.now() - t0;
  if (r.status !== 401) throw new Error(`login ${kind}: ${r.status}`);
  if (i >= 4) times[kind].push(ms); // the first ones warm the JIT and the database
}
await office.close();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;
for (const [kind, xs] of Object.entries(times)) {
  console.log(
    `login ${kind}: p10 ${pct(xs, 0.1).toFixed(1)} ms, mediana ${pct(xs, 0.5).toFixed(1)} ms, p90 ${pct(xs, 0.9).toFixed(1)} ms (${xs.length} tentativi)`,
  );
}
