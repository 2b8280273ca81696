/**
 * The office's sync API against its own wire protocol, on the real server on 127.0.0.1: with
 * `validateResponses` (what the test helpers turn on) an answer that does not fit its schema in
 * shared/sync/protocol.ts, or a 500, is caught; and requests cut short or without the headers the
 * upload routes read (what the chaos proxy of office-sync.test.ts sends) get a 4xx or nothing, never a 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfficeServer, type OfficeServer } from '../../office/server.ts';
import { newDeviceToken, sha256Text } from '../../office/security.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('office answers checked against the wire protocol', () => {
  let office: TestOffice;
  let token: string;
  before(async () => {
    office = await startOffice('sqlite', { limits: { apiPerSecond: 1000, apiBurst: 1000 } });
    token = await office.token('Rossi');
  });
  after(async () => {
    // The mismatches below were provoked on purpose: close() would fail on them.
    office.server.responseViolations.length = 0;
    await office.close();
  });

  test('a real answer that fits its schema passes, one that does not answers 500 and is recorded', async () => {
    const good = await fetch(`${office.url}/api/v1/changes?limit=5`, { headers: bearer(token) });
    assert.equal(good.status, 200);
    assert.ok(Array.isArray(((await good.json()) as { changes: unknown[] }).changes));
    assert.deepEqual(office.server.responseViolations, []);

    // The real route, with a store that forgets the cursor: the page no longer fits ChangesPage.
    const store = office.server.store;
    const original = store.changesSince;
    store.changesSince = (async () => ({ changes: [], more: false })) as unknown as typeof store.changesSince;
    try {
      const bad = await fetch(`${office.url}/api/v1/changes`, { headers: bearer(token) });
      assert.equal(bad.status, 500);
      assert.deepEqual(await bad.json(), { error: { code: 'internal', message: 'errore interno del server' } });
    } finally {
      store.changesSince = original;
    }
    assert.equal(office.server.responseViolations.length, 1, office.server.responseViolations.join('\n'));
    assert.match(office.server.responseViolations[0]!, /^GET \/api\/v1\/changes → 200: risposta fuori protocollo: cursor: /);
    office.server.responseViolations.length = 0;
  });
});

describe('requests refused by the route schemas (fastify-type-provider-zod) answer our ErrorBody, word for word', () => {
  let office: TestOffice;
  let token: string;
  before(async () => {
    office = await startOffice('sqlite', { limits: { apiPerSecond: 1000, apiBurst: 1000, pairPerMinute: 3 } });
    token = await office.token('Verdi');
  });
  after(() => office.close());
  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const r = await fetch(`${office.url}${path}`, {
      method,
      headers: { ...(auth ? bearer(token) : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return [r.status, await r.json()] as const;
  };
  const invalid = (message: string, extra: Record<string, unknown> = {}) =>
    [400, { error: { code: 'invalid', message, ...extra } }] as const;
  const sha = 'a'.repeat(64);
  const ID = 'ammessi lettere, cifre, punto, trattino e trattino basso (max 100)';

  test('route parameters and query keys: the first problem, named as the laptop knows it', async () => {
    const put = { file: {}, contentHash: sha };
    // The id is checked before the revision, and both before the body.
    assert.deepEqual(await call('PUT', '/api/v1/inspections/bad%20id/revisions/zero', { extra: 1 }), invalid(`id: ${ID}`, { field: 'id' }));
    for (const n of ['zero', '0', '1234567'])
      assert.deepEqual(
        await call('PUT', `/api/v1/inspections/v1/revisions/${n}`, put),
        invalid('revisione: serve un numero intero da 1 in su', { field: 'revision' }),
        n,
      );
    assert.deepEqual(
      await call('POST', '/api/v1/inspections/v1/revisions/x/attachments', {}),
      invalid('revisione: serve un numero intero da 1 in su', { field: 'revision' }),
    );
    const cursor = invalid('cursor: serve un numero intero non negativo', { field: 'cursor' });
    const limit = invalid('limit: serve un numero da 1 a 1000', { field: 'limit' });
    for (const [query, answer] of [
      ['cursor=-1', cursor],
      ['cursor=abc&limit=0', cursor],
      ['cursor=1&cursor=2', cursor],
      ['cursor=', cursor],
      ['limit=0', limit],
      ['limit=1001', limit],
      ['limit=1&limit=2', limit],
    ] as const)
      assert.deepEqual(await call('GET', `/api/v1/changes?${query}`), answer, query);
    const [status, page] = await call('GET', '/api/v1/changes?other=1&limit=1&cursor=0');
    assert.equal(status, 200, 'unknown query keys are ignored, as before');
    assert.equal((page as { changes: unknown[] }).changes.length, 1);
  });

  test("bodies: every problem in describeIssues' words, the first one's path as field; a missing body says so", async () => {
    const size = 'attachments[0].size: deve essere almeno 1 byte';
    const kind = 'attachments[0].kind: Opzione non valida: atteso uno tra "report"|"photo"';
    const name = 'attachments[0].name: il nome è obbligatorio';
    assert.deepEqual(
      await call('PUT', '/api/v1/inspections/v1/revisions/1', {
        file: {},
        contentHash: sha,
        attachments: [{ sha256: sha, size: 0, kind: 'x', name: '' }],
      }),
      invalid(`${size}; ${kind}; ${name}`, { field: 'attachments.0.size', details: [size, kind, name] }),
    );
    const unknown = '(documento): campo sconosciuto: extra';
    const [, both] = await call('PUT', '/api/v1/inspections/v1/revisions/1', { file: {}, contentHash: sha, extra: 1 });
    assert.deepEqual(both, { error: { code: 'invalid', message: unknown, field: '', details: [unknown] } });
    const missing = '(documento): atteso un oggetto, ricevuto nessun valore';
    assert.deepEqual(await call('PUT', '/api/v1/inspections/v1/revisions/1'), invalid(missing, { field: '', details: [missing] }));
    const isNull = '(documento): atteso un oggetto, ricevuto il valore nullo';
    assert.deepEqual(await call('POST', '/api/v1/uploads', null), invalid(isNull, { field: '', details: [isNull] }));
    const onlyReport = 'kind: solo il verbale (report) può avere versioni successive';
    assert.deepEqual(
      await call('POST', '/api/v1/inspections/v1/revisions/1/attachments', { sha256: sha, size: 1, kind: 'photo', name: 'a' }),
      invalid(onlyReport, { field: 'kind', details: [onlyReport] }),
    );
    // Authentication comes first, a malformed request without a token is a 401.
    const [noToken] = await call('PUT', '/api/v1/inspections/bad%20id/revisions/x', { a: 1 }, false);
    assert.equal(noToken, 401);
  });

  test('pairing: malformed attempts count against the per-IP limit before their body is looked at', async () => {
    const empty = 'code: il codice è obbligatorio';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [status, body] = await call('POST', '/api/v1/pair', { code: '' }, false);
      statuses.push(status);
      if (status === 400) assert.deepEqual(body, { error: { code: 'invalid', message: empty, field: 'code', details: [empty] } });
    }
    assert.deepEqual(statuses, [400, 400, 400, 429]);
  });
});

describe('the check on routes the protocol does not know', () => {
  let dir: string;
  let server: OfficeServer;
  let plain: OfficeServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigilanza-office-wire-'));
    // Routes added before listening: one with no schema in the protocol, one with a malformed error body.
    const extra = (s: OfficeServer) => {
      s.app.get('/api/v1/senza-schema', async () => ({ ok: true }));
      s.app.get('/api/v1/errore-storto', async (_req, reply) => reply.code(404).send({ error: 'non trovato' }));
    };
    server = await createOfficeServer({ dataDir: join(dir, 'a'), validateResponses: true });
    plain = await createOfficeServer({ dataDir: join(dir, 'b') });
    extra(server);
    extra(plain);
  });
  after(async () => {
    await server?.close();
    await plain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a new route without a schema, or a malformed error body, fails; without the option nothing is checked', async () => {
    const urls = [await server.listen(0), await plain.listen(0)];
    const tokens: string[] = [];
    for (const s of [server, plain]) {
      const inspector = await s.store.createInspector('Bianchi');
      const t = newDeviceToken();
      await s.store.addDevice(inspector.id, sha256Text(t), 'test');
      tokens.push(t);
    }
    const [checked, unchecked] = urls as [string, string];
    const a = await fetch(`${checked}/api/v1/senza-schema`, { headers: bearer(tokens[0]!) });
    assert.equal(a.status, 500);
    const b = await fetch(`${checked}/api/v1/errore-storto`, { headers: bearer(tokens[0]!) });
    assert.equal(b.status, 500);
    assert.equal(server.responseViolations.length, 2, server.responseViolations.join('\n'));
    assert.match(server.responseViolations[0]!, /GET \/api\/v1\/senza-schema → 200: .*nessuno schema del protocollo/);
    assert.match(server.responseViolations[1]!, /GET \/api\/v1\/errore-storto → 404: .*error: /);
    // In production (no option) the same routes answer as written: the check costs nothing there.
    assert.equal((await fetch(`${unchecked}/api/v1/senza-schema`, { headers: bearer(tokens[1]!) })).status, 200);
    assert.equal((await fetch(`${unchecked}/api/v1/errore-storto`, { headers: bearer(tokens[1]!) })).status, 404);
    assert.deepEqual(plain.responseViolations, []);
    server.responseViolations.length = 0;
  });
});

describe('upload requests cut short or without headers (the chaos proxy)', () => {
  let dir: string;
  let server: OfficeServer;
  let port: number;
  let token: string;
  /** Status of every /api/v1 answer the server made, also those to clients that had gone. */
  const answered: Array<{ what: string; status: number }> = [];
  let waiters: Array<() => void> = [];
  const answeredCount = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (answered.length >= n ? resolve() : waiters.push(check));
      check();
    });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigilanza-office-wire-'));
    server = await createOfficeServer({ dataDir: dir, validateResponses: true });
    server.app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith('/api/v1/')) {
        answered.push({ what: `${req.method} ${req.url}`, status: reply.statusCode });
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
      return payload;
    });
    port = Number(new URL(await server.listen(0)).port);
    const inspector = await server.store.createInspector('Verdi');
    token = newDeviceToken();
    await server.store.addDevice(inspector.id, sha256Text(token), 'test');
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `text` on a new connection, then ends it (`end`: FIN, may still read) or resets it (`reset`). */
  const raw = (text: string, how: 'end' | 'reset' | 'wait') =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        if (how === 'end') socket.end(text);
        else if (how === 'reset') socket.write(text, () => socket.resetAndDestroy());
        else socket.write(text);
      });
      let received = '';
      socket.on('data', (d: Buffer) => {
        received += d.toString('utf8');
        if (how === 'wait' && /\r\n\r\n/.test(received) && /content-length: (\d+)/i.test(received)) {
          const length = Number(/content-length: (\d+)/i.exec(received)![1]);
          if (Buffer.byteLength(received.split('\r\n\r\n').slice(1).join('\r\n\r\n')) >= length) socket.end();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });

  test('no answer is a 500, and a client still there reads an Italian 4xx', async () => {
    const sha = 'd'.repeat(64);
    const auth = `Authorization: Bearer ${token}\r\n`;
    const json = 'Content-Type: application/json\r\n';
    const octets = 'Content-Type: application/offset+octet-stream\r\n';
    const cut: Array<[string, string, 'end' | 'reset']> = [
      [
        'POST JSON cut short, reset',
        `POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: 100\r\n\r\n{"sha256":`,
        'reset',
      ],
      [
        'POST JSON cut short, FIN',
        `POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\n${auth}${json}Content-Length: 100\r\n\r\n{"sha256":`,
        'end',
      ],
      ['POST without Content-Type, reset', `POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 40\r\n\r\n{"sha`, 'reset'],
      [
        'PATCH cut short, reset',
        `PATCH /api/v1/uploads/${sha} HTTP/1.1\r\nHost: x\r\n${auth}${octets}Upload-Offset: 0\r\nContent-Length: 100\r\n\r\nabc`,
        'reset',
      ],
      [
        'PATCH without Upload-Offset, reset',
        `PATCH /api/v1/uploads/${sha} HTTP/1.1\r\nHost: x\r\n${auth}${octets}Content-Length: 9\r\n\r\nab`,
        'reset',
      ],
    ];
    for (const [, text, how] of cut) await raw(text, how);
    await answeredCount(cut.length);
    // These clients had gone before the server answered: the answer reaches no one, but it is no 500
    // (it was, when the request limit read the address of a closed socket: «reading 'toLowerCase'»).
    assert.deepEqual(
      answered.filter((a) => a.status >= 500),
      [],
      'no 500 to a request cut short',
    );

    // Whole requests missing what the routes read: answered, in Italian.
    const odd: Array<[string, string, number, RegExp]> = [
      [
        'PATCH with neither Content-Type nor body',
        `PATCH /api/v1/uploads/${sha} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
        415,
        /Content-Type: serve/,
      ],
      [
        'PUT blob with neither Content-Type nor body',
        `PUT /api/v1/blobs/${sha} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
        415,
        /Content-Type: serve/,
      ],
      [
        'PATCH without Upload-Offset',
        `PATCH /api/v1/uploads/${sha} HTTP/1.1\r\nHost: x\r\n${auth}${octets}Content-Length: 2\r\n\r\nab`,
        400,
        /Upload-Offset/,
      ],
      ['POST without a body', `POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 400, /sha256|documento|obbligatorio|expected/],
    ];
    for (const [what, text, status, message] of odd) {
      const r = await raw(text, 'wait');
      assert.match(r, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${r.slice(0, 300)}`);
      const body = JSON.parse(r.slice(r.indexOf('\r\n\r\n') + 4)) as { error: { message: string } };
      assert.match(body.error.message, message, what);
    }
    // A body cut short with the client still reading (FIN only): Node's parser refuses it; the answer is Italian JSON.
    const half = await raw(`POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n${json}\r\nzz\r\n`, 'end');
    assert.match(half, /^HTTP\/1\.1 400 /);
    assert.deepEqual(JSON.parse(half.slice(half.indexOf('\r\n\r\n') + 4)), {
      error: { code: 'invalid', message: 'richiesta HTTP non valida o interrotta' },
    });

    const internal = answered.filter((a) => a.status >= 500);
    assert.deepEqual(internal, [], 'no 500 to any of them');
    assert.deepEqual(server.responseViolations, []);
  });
});
