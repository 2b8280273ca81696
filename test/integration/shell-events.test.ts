/** `GET /api/events`: the host's pushes as Server-Sent Events, behind the same token and Origin checks as every call. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { join } from 'node:path';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import { startHostWorker } from '../../host/worker/index.ts';
import { EVENTS_PATH, HostEvent } from '../../shared/api/events.ts';
import { openTestApp, tempDir } from '../unit/db-fixtures.ts';

function get(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: EVENTS_PATH, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the stream as the page does (fetch with the token header) and yields each `data:` event. */
async function* stream(s: ShellServer, signal: AbortSignal): AsyncGenerator<string> {
  const res = await fetch(`http://127.0.0.1:${s.port}${EVENTS_PATH}`, { headers: { 'x-vigilanza-token': s.token }, signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of res.body!) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      yield frame;
    }
  }
}

test('the event stream refuses no token or a wrong one (401), a foreign Origin (403) and POST (405)', async (t) => {
  const app = openTestApp(t);
  const s = await startShellServer({ host: app, rendererDir: join(tempDir(t), 'missing') });
  t.after(() => s.close());
  assert.equal((await get(s.port, {})).status, 401);
  assert.equal((await get(s.port, { 'x-vigilanza-token': `${s.token}x` })).status, 401);
  const foreign = await get(s.port, { 'x-vigilanza-token': s.token, origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  assert.match(JSON.parse(foreign.body).error.message, /origine non consentita/);
  const post = await fetch(`http://127.0.0.1:${s.port}${EVENTS_PATH}`, { method: 'POST', headers: { 'x-vigilanza-token': s.token } });
  assert.equal(post.status, 405);
});

for (const where of ['host on this thread', 'host worker'] as const) {
  test(`a sync status change reaches the open stream as a HostEvent (${where})`, async (t) => {
    const dir = tempDir(t);
    const host = where === 'host worker' ? await startHostWorker({ dataDir: dir }) : openTestApp(t, { dir });
    if (where === 'host worker') t.after(() => host.close());
    const s = await startShellServer({ host, rendererDir: join(dir, 'missing') });
    t.after(() => s.close());
    const abort = new AbortController();
    t.after(() => abort.abort());
    const frames = stream(s, abort.signal);
    assert.equal((await frames.next()).value, ': connesso', 'connected before anything happens');
    // «Sincronizza ora» moves the status (the first report of it, then only changes).
    const now = await fetch(`http://127.0.0.1:${s.port}/api/sync.now`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vigilanza-token': s.token },
      body: '{}',
    });
    assert.equal(now.status, 200);
    const frame = (await frames.next()).value as string;
    assert.match(frame, /^data: /);
    const event = HostEvent.parse(JSON.parse(frame.slice('data: '.length)));
    assert.equal(event.type, 'sync.status');
    assert.equal(event.status.paired, false);
    abort.abort();
  });
}
