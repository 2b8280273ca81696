/** host/sync/loop.ts startSync: a kick while a pass is running is not lost (the seal right after a pull). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncClient } from '../../host/sync/client.ts';
import { MemoryOutboxStore, startSync } from '../../host/sync/loop.ts';

test('a kick during a pass runs another pass at once, not after the interval', async () => {
  const puts: string[] = [];
  let pulls = 0;
  const fakeFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (init?.method === 'PUT') {
      puts.push(url.pathname);
      return new Response(JSON.stringify({ inspectionId: 'v1', revision: 1, contentHash: 'h' }), { status: 201 });
    }
    pulls++;
    await new Promise((r) => setTimeout(r, 150)); // a slow pull: the pass is still running when the kick comes
    return new Response(JSON.stringify({ changes: [], cursor: 0, more: false }), { status: 200 });
  };
  const store = new MemoryOutboxStore();
  const loop = startSync(store, new SyncClient({ baseUrl: 'http://127.0.0.1:1', token: 'x'.repeat(20), fetch: fakeFetch }), { intervalMs: 60_000 });
  try {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(pulls, 1, 'the first pass is pulling');
    store.enqueue({ outboxId: 'o1', id: 'v1', revision: 1, file: {}, contentHash: 'h' });
    loop.kick();
    const started = Date.now();
    while (puts.length === 0 && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(puts, ['/api/v1/inspections/v1/revisions/1'], 'sent by the pass that followed the kick');
    assert.equal(store.statusOf('v1', 1)!.status, 'ricevuta');
  } finally {
    await loop.stop();
  }
});
