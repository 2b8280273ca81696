/**
 * The renderer's reading of the host's events: Server-Sent Event frames split across chunks,
 * keep-alive comments skipped (browser shell); the Electron preload's events bridge parsed the same way.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { OutboxStatus } from '../../shared/api/contract.ts';

/** A fake of the preload's `window.vigilanzaEvents`: what main would send on the events channel. */
const bridgeListeners = new Set<(event: unknown) => void>();
const vigilanzaEvents = {
  subscribe(listener: (event: unknown) => void) {
    bridgeListeners.add(listener);
    return () => bridgeListeners.delete(listener);
  },
};
(globalThis as { window?: unknown }).window = { vigilanza: {}, vigilanzaEvents };
let readFrames: (body: ReadableStream<Uint8Array>, onData: (data: string) => void) => Promise<void>;
// Typed by hand: the renderer's files are checked against the DOM types, not this Node project's.
let client: { shell: string; subscribe: ((listener: (event: unknown) => void) => () => void) | null };
before(async () => {
  const module = await import(new URL('../../renderer/api/client.ts', import.meta.url).href);
  client = module;
  ({ readFrames } = module);
});

it('frames split anywhere, even inside a multi-byte letter, come out whole; comments are not data', async () => {
  const text = ': connesso\n\ndata: {"type":"sync.status","città":"Impruneta"}\n\n: \n\ndata: {"n":2}\n\n';
  const bytes = new TextEncoder().encode(text);
  const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of «à»
  const chunks = [bytes.slice(0, 5), bytes.slice(5, cut), bytes.slice(cut, cut + 7), bytes.slice(cut + 7)];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const seen: string[] = [];
  await readFrames(body, (d) => seen.push(d));
  assert.deepEqual(seen, ['{"type":"sync.status","città":"Impruneta"}', '{"n":2}']);
});

it('Electron: the preload’s events bridge makes `subscribe` live; events are parsed as HostEvent, anything else dropped', () => {
  assert.equal(client.shell, 'electron');
  assert.ok(client.subscribe, 'with the events bridge the pages do not poll');
  const heard: unknown[] = [];
  const stop = client.subscribe((event) => heard.push(event));
  assert.equal(bridgeListeners.size, 1);
  const status = {
    paired: true,
    officeUrl: 'https://ufficio.example',
    inspector: 'Chiara Fantoni',
    pairedAt: '2026-03-01T09:00:00Z',
    lastSyncAt: null,
    lastError: null,
    lastErrorAt: null,
    active: true,
    counts: Object.fromEntries(OutboxStatus.options.map((s) => [s, 0])),
  };
  for (const deliver of bridgeListeners) {
    deliver({ type: 'sync.status', status });
    deliver({ type: 'sync.status', status: { paired: 'sì' } });
    deliver({ type: 'altro' });
    deliver('sync.status');
  }
  assert.deepEqual(heard, [{ type: 'sync.status', status }]);
  stop();
  assert.equal(bridgeListeners.size, 0);
});
