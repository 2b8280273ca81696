import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_CHANNEL, EVENTS_CHANNEL, makeBridge, makeEvents } from '../../electron/preload/bridge.ts';
import { handleApiMessage } from '../../electron/main/ipc.ts';
import { METHODS } from '../../shared/api/contract.ts';

test('the bridge has one named function per contract method, each invoking (method, input)', async () => {
  const calls: Array<[string, unknown]> = [];
  const bridge = makeBridge(async (method, input) => {
    calls.push([method, input]);
    return { ok: true, value: method };
  });
  assert.deepEqual(Object.keys(bridge), [...METHODS]);
  for (const method of METHODS) {
    const fn = bridge[method] as (input: unknown) => Promise<unknown>;
    assert.equal(typeof fn, 'function');
    assert.equal(fn.name, method);
    assert.deepEqual(await fn({ probe: method }), { ok: true, value: method });
  }
  assert.deepEqual(
    calls,
    METHODS.map((m) => [m, { probe: m }]),
  );
  assert.ok(Object.isFrozen(bridge));
  assert.equal(API_CHANNEL, 'vigilanza:api');
});

test('IPC: only frames of our app:// origin reach the API', async () => {
  const seen: unknown[] = [];
  const host = { call: async (method: string, input: unknown) => (seen.push([method, input]), { ok: true as const, value: 1 }) };
  assert.deepEqual(await handleApiMessage(host, 'app://vigilanza/index.html', 'app.info', {}), { ok: true, value: 1 });
  for (const url of ['http://evil.example/', 'file:///etc/passwd', null, undefined]) {
    const r = await handleApiMessage(host, url, 'app.info', {});
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'unauthorized');
  }
  const r = await handleApiMessage(host, 'app://vigilanza/', 42, {});
  assert.equal(r.ok, false);
  assert.equal(seen.length, 1);
});

test('events bridge: each subscriber hears the channel’s data until it unsubscribes, once', () => {
  const deliveries = new Set<(event: unknown) => void>();
  let removed = 0;
  const events = makeEvents((deliver) => {
    deliveries.add(deliver);
    return () => {
      removed++;
      deliveries.delete(deliver);
    };
  });
  assert.ok(Object.isFrozen(events));
  assert.deepEqual(Object.keys(events), ['subscribe']);
  assert.equal(EVENTS_CHANNEL, 'vigilanza:events');
  const heard: Array<[string, unknown]> = [];
  const stopA = events.subscribe((e) => heard.push(['a', e]));
  const stopB = events.subscribe((e) => heard.push(['b', e]));
  const event = { type: 'sync.status', status: { paired: false } };
  for (const deliver of deliveries) deliver(event);
  assert.deepEqual(heard, [
    ['a', event],
    ['b', event],
  ]);
  stopA();
  stopA(); // a second call removes nothing more
  assert.equal(removed, 1);
  for (const deliver of deliveries) deliver({ n: 2 });
  assert.deepEqual(heard.at(-1), ['b', { n: 2 }]);
  assert.equal(heard.length, 3);
  stopB();
  assert.equal(deliveries.size, 0);
  assert.throws(() => events.subscribe(42 as unknown as () => void), /serve una funzione/);
});
