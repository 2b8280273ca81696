/** Electron main's wiring of the host worker (electron/main/host-link.ts), with fakes of ipcMain, app and the windows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkHost, openingErrorMessage, type InvokeEvent, type LinkedHost, type WebContentsLike } from '../../electron/main/host-link.ts';
import { API_CHANNEL, EVENTS_CHANNEL } from '../../electron/preload/bridge.ts';
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';

const APP_URL = 'app://vigilanza/index.html#/servizi';

function fakes(options: { closeTimeoutMs?: number } = {}) {
  const calls: Array<[string, unknown]> = [];
  const listeners = new Set<(event: HostEvent) => void>();
  let closes = 0;
  let finishClose!: () => void;
  const host: LinkedHost = {
    async call(method, input) {
      calls.push([method, input]);
      return { ok: true, value: { method } };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closes++;
      return new Promise<void>((done) => (finishClose = done));
    },
  };
  const handlers = new Map<string, (event: InvokeEvent, method: unknown, input: unknown) => Promise<unknown>>();
  const quitListeners: Array<(event: { preventDefault(): void }) => void> = [];
  let quits = 0;
  let onQuit = () => {};
  const app = {
    on(_event: 'will-quit', listener: (event: { preventDefault(): void }) => void) {
      quitListeners.push(listener);
    },
    quit() {
      quits++;
      onQuit();
    },
  };
  const sent: Array<[string, string, unknown]> = [];
  const window = (url: string, destroyed = false): WebContentsLike => ({
    isDestroyed: () => destroyed,
    getURL: () => url,
    send: (channel, event) => sent.push([url, channel, event]),
  });
  const contents = [window(APP_URL), window('https://evil.example/'), window('app://vigilanza/', true)];
  const logged: string[] = [];
  linkHost(host, {
    ipcMain: { handle: (channel, listener) => handlers.set(channel, listener) },
    app,
    contents: () => contents,
    log: (m) => logged.push(m),
    ...options,
  });
  /** Fires will-quit as Electron does; returns whether the listener held the quit back. */
  const willQuit = () => {
    let prevented = false;
    for (const l of quitListeners) l({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  const invoke = (url: string | null, method: unknown, input: unknown) =>
    handlers.get(API_CHANNEL)!({ senderFrame: url === null ? null : { url } }, method, input) as Promise<Result<unknown>>;
  const emit = (event: HostEvent) => {
    for (const l of listeners) l(event);
  };
  const quitted = () => new Promise<void>((done) => (onQuit = done));
  return {
    calls,
    listeners,
    invoke,
    emit,
    sent,
    willQuit,
    logged,
    handlers,
    quitted,
    get closes() {
      return closes;
    },
    get quits() {
      return quits;
    },
    finishClose: () => finishClose(),
  };
}

const STATUS = { type: 'sync.status', status: { paired: false } } as unknown as HostEvent;

test('IPC: a call from our page reaches worker.call with its method and input; a foreign frame never does', async () => {
  const f = fakes();
  assert.deepEqual([...f.handlers.keys()], [API_CHANNEL]);
  assert.deepEqual(await f.invoke(APP_URL, 'services.list', { q: 'Bagno' }), { ok: true, value: { method: 'services.list' } });
  for (const url of ['https://evil.example/', 'file:///etc/passwd', null]) {
    const r = await f.invoke(url, 'services.list', {});
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'unauthorized');
  }
  const r = await f.invoke(APP_URL, 7, {});
  assert.equal(r.ok, false);
  assert.deepEqual(f.calls, [['services.list', { q: 'Bagno' }]]);
});

test('events: each host event goes to the live windows of our app:// origin only, on the events channel', () => {
  const f = fakes();
  assert.equal(f.listeners.size, 1);
  f.emit(STATUS);
  assert.deepEqual(f.sent, [[APP_URL, EVENTS_CHANNEL, STATUS]]);
});

test('quitting waits for the worker to close: held back, calls refused meanwhile, then one quit that goes through', async () => {
  const f = fakes();
  assert.equal(f.willQuit(), true, 'the first will-quit is held back');
  assert.equal(f.closes, 1);
  assert.equal(f.quits, 0);
  // Closing: no call reaches the worker any more, no event reaches the window.
  const r = await f.invoke(APP_URL, 'services.list', {});
  assert.deepEqual(r, { ok: false, error: { code: 'internal', message: 'applicazione in chiusura' } });
  assert.equal(f.calls.length, 0);
  assert.equal(f.listeners.size, 0);
  // Asked to quit again while closing: still held, and the worker is not closed twice.
  assert.equal(f.willQuit(), true);
  assert.equal(f.closes, 1);
  const quitted = f.quitted();
  f.finishClose();
  await quitted;
  assert.equal(f.quits, 1);
  assert.equal(f.willQuit(), false, 'the quit that follows the close goes through');
  assert.equal(f.closes, 1);
  assert.deepEqual(f.logged, []);
});

test('a worker that does not close in time does not keep the app open', async () => {
  const f = fakes({ closeTimeoutMs: 5 });
  const quitted = f.quitted();
  assert.equal(f.willQuit(), true);
  await quitted; // close() never settles here
  assert.equal(f.quits, 1);
  assert.equal(f.willQuit(), false);
  assert.match(f.logged.join('\n'), /non si è chiuso entro 5 ms/);
});

test('the opening error dialog says, in Italian, which folder failed and why', () => {
  const text = openingErrorMessage('/home/ispettrice/dati', new Error('manca il file chiave /home/ispettrice/dati/vigilanza.key'));
  assert.match(text, /^Non è stato possibile aprire i dati di Vigilanza Nidi \(cartella \/home\/ispettrice\/dati\)/);
  assert.match(text, /manca il file chiave/);
  assert.match(text, /L’applicazione verrà chiusa\.$/);
  assert.match(openingErrorMessage('/d', 'testo'), /testo/);
});
