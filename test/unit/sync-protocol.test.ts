/** host/sync/client.ts parses every office answer with shared/sync/protocol.ts: a page in another shape applies nothing. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SyncClient, SyncError } from '../../host/sync/client.ts';
import { pullAll, type OutboxStore } from '../../host/sync/loop.ts';
import { openStore } from './db-fixtures.ts';

const SERVICE = {
  id: 'svc-1',
  name: 'Nido Girasole',
  type: 'nido',
  comune: 'Bologna',
  address: 'Via Roma 1',
  referente: 'Anna Bianchi',
  capacity: 30,
  kitchen: true,
  territorialRls: false,
  authorizationIssuedOn: null,
  accreditationIssuedOn: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

test('a malformed changes page is a permanent SyncError naming the field, and nothing of the page is applied', async (t) => {
  // A well-formed service change followed by a decision without its decision: the whole page is refused.
  const page = {
    changes: [
      { seq: 1, kind: 'service', entity: 'svc-1', createdAt: '2026-01-01T00:00:00.000Z', payload: { service: SERVICE } },
      {
        seq: 2,
        kind: 'decision',
        entity: 'v1',
        createdAt: '2026-01-02T00:00:00.000Z',
        payload: { inspectionId: 'v1', revision: 1, contentHash: 'h', notes: null, decidedAt: '2026-01-02T00:00:00.000Z' },
      },
    ],
    cursor: 2,
    more: false,
  };
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const client = new SyncClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: 'x'.repeat(20),
  });

  const err = await client.pullChanges(0).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof SyncError, String(err));
  assert.match(err.message, /^l'ufficio ha risposto in un formato inatteso: pagina degli aggiornamenti \(changes\.1\.payload\.decision: /);
  assert.equal(err.permanent, true);
  assert.equal(requests, 1, 'a wrong shape is not retried');

  const store = openStore(t);
  let applyCalls = 0;
  const outbox = {
    getCursor: async () => store.outbox.getCursor(),
    applyChanges: async (changes: Parameters<OutboxStore['applyChanges']>[0], cursor: number) => {
      applyCalls++;
      await store.outbox.applyChanges(changes, cursor);
    },
  } satisfies Pick<OutboxStore, 'getCursor' | 'applyChanges'>;
  await assert.rejects(pullAll(outbox, client), SyncError);
  assert.equal(applyCalls, 0);
  assert.equal(await store.outbox.getCursor(), 0, 'the cursor did not move');
  assert.equal(store.services.count(), 0, 'not even the well-formed first change');
});

test('the same kind of page, well formed, is accepted (the test above fails for the shape, not the server)', async (t) => {
  const page = {
    changes: [{ seq: 1, kind: 'service', entity: 'svc-1', createdAt: '2026-01-01T00:00:00.000Z', payload: { service: SERVICE } }],
    cursor: 1,
    more: false,
  };
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const client = new SyncClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'x'.repeat(20) });
  const got = await client.pullChanges(0);
  assert.equal(got.changes[0]!.kind, 'service');
  assert.equal(got.cursor, 1);
});
