/**
 * The renderer's data layer (renderer/api/queries.ts) with react-query's real QueryClient in Node:
 * a successful write marks stale the reads it changes and reloads those on screen; a failed one
 * changes nothing; the open editor's `inspections.get` is never reloaded under it; autosaves do not
 * reload what is on screen; a failed read carries the host's message. The host behind the typed
 * client is a stand-in preload bridge (the renderer's Electron transport), counting calls.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MutationObserver, QueryObserver, type QueryClient } from '@tanstack/react-query';

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
const calls: string[] = [];
const answers: Record<string, () => Answer> = {
  'services.get': () => ({ ok: true, value: { service: { id: 's1' }, staff: [], inspections: [] } }),
  'services.list': () => ({ ok: true, value: [] }),
  'inspections.get': () => ({ ok: true, value: { id: 'i1', serviceId: 's1' } }),
  'staff.save': () => ({ ok: true, value: { id: 'p1' } }),
  'staff.remove': () => ({ ok: false, error: { code: 'not_found', message: 'persona non trovata' } }),
  'members.list': () => ({ ok: false, error: { code: 'internal', message: 'archivio non leggibile' } }),
};
// The renderer's client picks the Electron transport when the preload bridge is there.
const bridge = new Proxy(
  {},
  { get: (_t, method: string) => async () => (calls.push(method), (answers[method] ?? (() => ({ ok: true, value: {} })))()) },
);
(globalThis as { window?: unknown }).window = { vigilanza: bridge };

// Loaded at run time: the module (and the client it imports) is browser code, typed with the DOM.
let q: {
  createQueryClient: () => QueryClient;
  apiQuery: (method: string, input: unknown) => { queryKey: readonly unknown[]; queryFn: () => Promise<unknown> };
  invalidateAfter: (client: QueryClient, method: string, reloadOnScreen?: boolean) => Promise<void>;
  followHostEvents: (client: QueryClient, subscribe: (listener: (event: { type: string }) => void) => () => void) => () => void;
};
before(async () => {
  q = await import(new URL('../../renderer/api/queries.ts', import.meta.url).href);
});

/** A read shown on screen: an observer subscribed to it. */
async function onScreen(client: QueryClient, method: string, input: unknown): Promise<() => void> {
  const observer = new QueryObserver(client, q.apiQuery(method, input) as never);
  const stop = observer.subscribe(() => undefined);
  await client.fetchQuery(q.apiQuery(method, input) as never);
  return stop;
}
const count = (method: string) => calls.filter((c) => c === method).length;
const stale = (client: QueryClient, method: string, input: unknown) => client.getQueryState([method, input])?.isInvalidated;

async function write(client: QueryClient, method: string, input: unknown): Promise<Answer> {
  return new MutationObserver(client, {
    mutationKey: [method],
    mutationFn: () => (bridge as Record<string, (i: unknown) => Promise<Answer>>)[method]!(input),
  }).mutate(input as never) as Promise<Answer>;
}

describe('renderer data layer', () => {
  it('a pushed sync status change, or the stream reopening, reloads the sync reads on screen (not the editor’s inspection); other events do not', async () => {
    const client = q.createQueryClient();
    let push: (event: { type: string; status?: unknown }) => void = () => {};
    let unsubscribed = false;
    const stopFollowing = q.followHostEvents(client, (listener) => ((push = listener), () => (unsubscribed = true)));
    const stop = await onScreen(client, 'inspections.get', { id: 'i1' });
    const stopList = await onScreen(client, 'services.list', {});
    calls.length = 0;
    push({ type: 'sync.status', status: {} });
    // The bridge answers in microtasks: one macrotask later every reload has been asked for.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(count('services.list'), 1, 'a sync read on screen reloaded');
    assert.equal(count('inspections.get'), 0, 'the editor’s inspection is not reloaded under it…');
    assert.equal(stale(client, 'inspections.get', { id: 'i1' }), true, '…only marked stale');
    push({ type: 'connected' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(count('services.list'), 2, 'reopened: what may have been missed reloads');
    push({ type: 'something.else' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(count('services.list'), 2);
    stopFollowing();
    assert.equal(unsubscribed, true);
    stop();
    stopList();
  });

  it('a successful write reloads the reads on screen it changes and marks the others stale', async () => {
    const client = q.createQueryClient();
    const stop = await onScreen(client, 'services.get', { id: 's1' });
    await client.fetchQuery(q.apiQuery('services.list', {}) as never); // cached, not on screen
    calls.length = 0;
    const r = await write(client, 'staff.save', { serviceId: 's1' });
    assert.equal(r.ok, true);
    assert.equal(count('services.get'), 1, 'the service on screen loaded again');
    assert.equal(count('services.list'), 0, 'staff.save does not touch the list');
    stop();
  });

  it('a failed write invalidates nothing', async () => {
    const client = q.createQueryClient();
    const stop = await onScreen(client, 'services.get', { id: 's1' });
    calls.length = 0;
    const r = await write(client, 'staff.remove', { id: 'p1' });
    assert.equal(r.ok, false);
    assert.equal(count('services.get'), 0);
    assert.equal(stale(client, 'services.get', { id: 's1' }), false);
    stop();
  });

  it('the open editor’s inspections.get is marked stale, never reloaded under it', async () => {
    const client = q.createQueryClient();
    const stop = await onScreen(client, 'inspections.get', { id: 'i1' });
    calls.length = 0;
    await q.invalidateAfter(client, 'photos.add');
    assert.equal(count('inspections.get'), 0);
    assert.equal(stale(client, 'inspections.get', { id: 'i1' }), true, 'the next visit of the page loads it afresh');
    stop();
  });

  it('autosaves mark stale without reloading what is on screen', async () => {
    const client = q.createQueryClient();
    const stop = await onScreen(client, 'services.get', { id: 's1' });
    calls.length = 0;
    await q.invalidateAfter(client, 'inspections.saveAnswer', false);
    assert.equal(count('services.get'), 0);
    assert.equal(stale(client, 'services.get', { id: 's1' }), true);
    stop();
  });

  it('one cache entry per method and input', async () => {
    const client = q.createQueryClient();
    calls.length = 0;
    await client.fetchQuery(q.apiQuery('services.list', { type: 'nido' }) as never);
    await client.fetchQuery(q.apiQuery('services.list', {}) as never);
    await client.fetchQuery({ ...q.apiQuery('services.list', { type: 'nido' }), staleTime: Infinity } as never);
    assert.equal(count('services.list'), 2);
    assert.deepEqual(
      client
        .getQueryCache()
        .findAll({ queryKey: ['services.list'] })
        .map((x) => x.queryKey),
      [
        ['services.list', { type: 'nido' }],
        ['services.list', {}],
      ],
    );
  });

  it('a failed read is an error with the host’s Italian message, asked once (no retry)', async () => {
    const client = q.createQueryClient();
    calls.length = 0;
    const observer = new QueryObserver(client, q.apiQuery('members.list', {}) as never);
    const settled = new Promise<{ error: Error | null }>((resolve) => observer.subscribe((r) => r.status === 'error' && resolve(r)));
    assert.equal((await settled).error?.message, 'archivio non leggibile');
    assert.equal(count('members.list'), 1);
  });
});
