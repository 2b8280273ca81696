/** The renderer's reading of the event stream: Server-Sent Event frames split across chunks, keep-alive comments skipped. */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';

(globalThis as { window?: unknown }).window = { vigilanza: {} };
let readFrames: (body: ReadableStream<Uint8Array>, onData: (data: string) => void) => Promise<void>;
before(async () => {
  ({ readFrames } = await import(new URL('../../renderer/api/client.ts', import.meta.url).href));
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
