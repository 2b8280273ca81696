import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { Queue } from '../../office/review/Queue.tsx';
import { ServiceForm } from '../../office/review/Services.tsx';
import { ValidationConfirmation } from '../../office/review/ValidationConfirmation.tsx';
import { toCsv } from '../../office/review/csv.ts';
import { hashPassword, normalisePairingCode, newPairingCode, verifyClerkPassword, verifyPassword } from '../../office/security.ts';
import { retryPause, SyncClient, type PushResult } from '../../host/sync/client.ts';
import { drainOutbox, type OutboxStore } from '../../host/sync/loop.ts';
import { seededLaptop } from '../helpers/laptop.ts';
import { fromReact, h, html } from '../../office/review/html.ts';

test('CSV: BOM, semicolons, CRLF, RFC 4180 quoting, no formulas', () => {
  const text = toCsv(
    ['Servizio', 'Nota'],
    [
      ['Nido "Il Sole"; sede 2', 'riga 1\nriga 2'],
      ['=SOMMA(A1)', null],
      [3, true],
    ],
  );
  assert.equal(text, '\uFEFFServizio;Nota\r\n"Nido ""Il Sole""; sede 2";"riga 1\nriga 2"\r\n\'=SOMMA(A1);\r\n3;sì\r\n');
  // Outer spaces of any kind (a no-break space too) are quoted; a number is never taken for a formula.
  assert.equal(
    toCsv(['a'], [['\u00A0Nido'], ['Nido '], ['@x'], ['\tx'], [-3], [''], ['Città di Castello']]),
    '\uFEFFa\r\n"\u00A0Nido"\r\n"Nido "\r\n\'@x\r\n\'\tx\r\n-3\r\n\r\nCittà di Castello\r\n',
  );
});

test('HTML: interpolations are escaped', () => {
  assert.equal(h(`<script>"'&`), '&lt;script&gt;&quot;&#39;&amp;');
  assert.equal(html`<p title="${'"x"'}">${'<b>'}</p>`.text, '<p title="&quot;x&quot;">&lt;b&gt;</p>');
});

test('HTML: the React pages escape what they show, text and attributes alike', () => {
  const evil = `<script>alert("x")</script>'&`;
  const queue = fromReact(
    createElement(Queue, {
      tabs: [{ id: 'ricevute', label: 'Ricevute', count: 1 }],
      current: 'ricevute',
      total: 1,
      rows: [
        {
          href: `/ispezioni/${encodeURIComponent(evil)}/1`,
          serviceName: evil,
          comune: evil,
          visitDate: '01/02/2026',
          purpose: 'x',
          revision: 1,
          inspectorName: evil,
          receivedAt: '—',
          status: 'Ricevuta',
        },
      ],
    }),
  ).text;
  assert.ok(!queue.includes('<script>'), queue);
  assert.equal(
    queue.split('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&amp;').length - 1,
    3,
    'service, comune and inspector escaped',
  );
  assert.match(queue, /<a href="\/coda\?scheda=ricevute" aria-current="page">Ricevute \(1\)<\/a>/, 'no hydration markers in static markup');
  const confirm = fromReact(
    createElement(ValidationConfirmation, {
      at: '/ispezioni/a/1',
      csrf: `"><script>`,
      serviceName: evil,
      visitDate: '',
      laptop: evil,
      revision: 1,
      inspectorName: evil,
      receivedAt: '',
    }),
  ).text;
  assert.ok(!confirm.includes('<script>'), confirm);
  assert.match(confirm, /name="_csrf" value="&quot;&gt;&lt;script&gt;"/);
});

test('service form (React): keeps what was sent — the chosen type, the ticked boxes, the typed text', () => {
  const form = fromReact(
    createElement(ServiceForm, {
      action: '/servizi',
      csrf: 't',
      values: { name: 'Nido "Sole"', type: 'spazio_gioco', kitchen: 'on', capacity: '0' },
      error: 'Capienza: almeno 1',
    }),
  ).text;
  assert.match(form, /<option value="spazio_gioco" selected="">/);
  assert.equal((form.match(/selected=""/g) ?? []).length, 1);
  assert.match(form, /name="kitchen" checked=""/);
  assert.doesNotMatch(form, /name="territorialRls" checked/);
  assert.match(form, /value="Nido &quot;Sole&quot;"/);
  assert.match(form, /role="alert">Capienza: almeno 1</);
});

test('passwords: scrypt, verified only with the right password', async () => {
  const stored = await hashPassword('una-password-lunga');
  assert.match(stored, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('una-password-lunga', stored), true);
  assert.equal(await verifyPassword('una-password-lungA', stored), false);
  assert.notEqual(stored, await hashPassword('una-password-lunga'), 'salted');
  assert.equal(await verifyClerkPassword('una-password-lunga', stored), true);
  assert.equal(await verifyClerkPassword('una-password-lunga', undefined), false, 'no clerk: checked against the dummy, never accepted');
  assert.equal(await verifyClerkPassword('', undefined), false);
});

test('pairing codes: short, unambiguous, typed any way', () => {
  const code = newPairingCode();
  assert.match(code, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
  assert.equal(normalisePairingCode(` ${code.toLowerCase().replace('-', ' ')} `), code);
});

test('retryPause: exponential with jitter up to the cap; a Retry-After replaces the backoff', () => {
  const retry = { attempts: 8, baseMs: 40, maxMs: 150 };
  // Without jitter (random 0) the n-th pause is baseMs/2 · 2^n; with the most jitter, twice that.
  assert.deepEqual(
    [0, 1, 2, 3].map((n) => retryPause(n, retry, undefined, 0)),
    [20, 40, 80, 150],
  );
  assert.deepEqual(
    [0, 1, 2].map((n) => retryPause(n, retry, undefined, 0.999)),
    [40, 80, 150],
  );
  assert.equal(retryPause(0, retry, undefined, 0.5), 30);
  // The office's Retry-After (seconds) is the pause, not an addition to it, and the cap holds.
  assert.equal(retryPause(3, { ...retry, maxMs: 15_000 }, 2, 0.999), 2000);
  assert.equal(retryPause(0, retry, 30, 0), 150);
});

test('the client waits between attempts (p-retry counts them) and waits the Retry-After', async () => {
  // Lower bounds only: a timer may fire late on a busy machine, never early.
  const gapsOf = async (answer: () => Promise<Response>, retry: { attempts: number; baseMs: number; maxMs: number }) => {
    const at: number[] = [];
    const client = new SyncClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      retry,
      fetch: async () => {
        at.push(performance.now());
        return answer();
      },
    });
    assert.equal((await client.pushInspection({ id: 'v', revision: 1, file: {}, contentHash: 'a'.repeat(64) })).status, 'failed');
    return at.slice(1).map((t, i) => t - at[i]!);
  };
  const gaps = await gapsOf(() => Promise.reject(new TypeError('fetch failed')), { attempts: 4, baseMs: 40, maxMs: 60 });
  assert.equal(gaps.length, 3);
  assert.ok(gaps[0]! >= 19 && gaps[1]! >= 39 && gaps[2]! >= 59, gaps.join(', '));

  const busy = () => Promise.resolve(new Response('{}', { status: 503, headers: { 'retry-after': '30' } }));
  const [afterBusy] = await gapsOf(busy, { attempts: 2, baseMs: 2, maxMs: 150 });
  assert.ok(afterBusy! >= 149, `Retry-After honoured within the cap (the backoff alone is ≤ 2 ms): ${afterBusy}`);
});

test('client: network failures are retried a bounded number of times, then reported', async () => {
  let calls = 0;
  const client = new SyncClient({
    baseUrl: 'http://127.0.0.1:9',
    token: 't',
    retry: { attempts: 4, baseMs: 1, maxMs: 2 },
    fetch: async () => {
      calls++;
      throw new TypeError('fetch failed');
    },
  });
  const r = await client.pushInspection({ id: 'v', revision: 1, file: {}, contentHash: 'a'.repeat(64) });
  assert.equal(r.status, 'failed');
  assert.equal(calls, 4);
});

test('client: a 400 is not retried and names the field', async () => {
  let calls = 0;
  const client = new SyncClient({
    baseUrl: 'http://x',
    token: 't',
    retry: { attempts: 5, baseMs: 1, maxMs: 1 },
    fetch: async () => {
      calls++;
      return new Response(
        JSON.stringify({
          error: { code: 'invalid', message: 'file.service.capacity: non può essere negativa', field: 'file.service.capacity' },
        }),
        { status: 400 },
      );
    },
  });
  const r = await client.pushInspection({ id: 'v', revision: 1, file: {}, contentHash: 'a'.repeat(64) });
  assert.deepEqual(r, {
    status: 'rejected',
    httpStatus: 400,
    message: 'file.service.capacity: non può essere negativa',
    field: 'file.service.capacity',
  });
  assert.equal(calls, 1);
});

test('outbox on the real laptop store: outcomes map to statuses; failures wait; a store that forgets does not spin', async (t) => {
  const names = ['ok', 'dup', 'conflict', 'bad', 'later', 'token'] as const;
  const { app, visits } = seededLaptop(t, names.length, { photos: 0 });
  const outbox = app.store.outbox;
  const nameOf = new Map(visits.map((v, i) => [v.visitId, names[i]!]));
  const answers: Record<(typeof names)[number], PushResult> = {
    ok: { status: 'created', inspectionId: 'ok', revision: 1, contentHash: 'a' },
    dup: { status: 'duplicate', inspectionId: 'dup', revision: 1, contentHash: 'a' },
    conflict: { status: 'conflict', message: 'altro contenuto' },
    bad: { status: 'rejected', httpStatus: 400, message: 'file.visit.date: data non valida' },
    later: { status: 'failed', message: 'server irraggiungibile' },
    token: { status: 'rejected', httpStatus: 401, message: 'token revocato' },
  };
  const client = { pushInspection: async (i: { id: string }) => answers[nameOf.get(i.id)!] } as unknown as SyncClient;
  const now = new Date('2026-03-10T10:00:00Z');
  const report = await drainOutbox(outbox, client, { now: () => now, retryDelayMs: () => 60_000 });
  assert.deepEqual([report.sent, report.duplicates, report.conflicts, report.errors, report.retryLater], [1, 1, 1, 1, 2]);
  assert.deepEqual(
    visits.map((v) => outbox.statusOf(v.inspectionId)),
    ['ricevuta', 'ricevuta', 'conflitto', 'errore', 'in_coda', 'in_coda'],
  );
  assert.equal((await drainOutbox(outbox, client, { now: () => now })).results.length, 0, 'nothing due before the retry time');
  const afterwards = await drainOutbox(outbox, client, { now: () => new Date(now.getTime() + 61_000) });
  assert.equal(afterwards.results.length, 2);

  // A store that hands out the same item forever and never records the outcome: one send, no spin.
  const stuck = (await outbox.nextPending(new Date(now.getTime() + 10 * 60_000)))!;
  const forgetful: OutboxStore = {
    nextPending: async () => stuck,
    markSent: async () => undefined,
    markRetry: (id, message, at) => outbox.markRetry(id, message, at),
    markFailed: (id, status, message) => outbox.markFailed(id, status, message),
    getCursor: () => outbox.getCursor(),
    applyChanges: (changes, cursor) => outbox.applyChanges(changes, cursor),
  };
  const once = await drainOutbox(forgetful, client);
  assert.equal(once.results.length, 1);
});
