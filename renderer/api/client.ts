/**
 * The renderer's only way to the host: a typed `Api` (shared/api/contract.ts) over whichever
 * transport this window has. In Electron the preload exposes `window.vigilanza` (one function per
 * method); in the browser shell every call is `POST /api/<method>` with the per-launch token.
 * Either way a call resolves to a Result and never throws.
 */
import { METHODS, contract, type Api, type ApiError, type Method, type Result } from '../../shared/api/contract.ts';
import { EVENTS_PATH, HostEvent, type EventsBridge } from '../../shared/api/events.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    vigilanza?: Api;
    /** The host's pushes over IPC, set by the Electron preload. */
    vigilanzaEvents?: EventsBridge;
  }
}
/** Defined by scripts/build-renderer.mjs: true in development builds. */
declare const __VIGILANZA_VALIDATE_API__: boolean;

const TOKEN_KEY = 'vigilanza.token';
const TOKEN_HEADER = 'X-Vigilanza-Token';
/** Bodies up to this size may outlive the page (keepalive), so saves flushed on unload still land. */
const KEEPALIVE_MAX_BYTES = 60_000;

export type Transport = (method: Method, input: unknown) => Promise<Result<unknown>>;

/**
 * The browser shell opens the page at `#token=…`: keep the token for this tab only
 * (sessionStorage) and take it out of the address bar, history and any screenshot of the URL.
 */
export function takeTokenFromLocation(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const match = /^#token=([^&]+)/.exec(loc.hash);
  if (match) {
    storage.setItem(TOKEN_KEY, decodeURIComponent(match[1]!));
    window.history.replaceState(null, '', `${loc.pathname}${loc.search}#/`);
  }
  return storage.getItem(TOKEN_KEY);
}

function failure(code: ApiError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const r = body as { ok: unknown; value?: unknown; error?: { message?: unknown } };
  return r.ok === true ? 'value' in r : r.ok === false && typeof r.error?.message === 'string';
}

export function httpTransport(token: string | null, base = '/api/'): Transport {
  return async (method, input) => {
    if (!token) return failure('unauthorized', 'Chiave di sessione mancante: riaprire l’applicazione dal comando «vigilanza serve».');
    const body = JSON.stringify(input ?? {});
    let response: Response;
    try {
      response = await fetch(`${base}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
        body,
        cache: 'no-store',
        credentials: 'omit',
        keepalive: body.length <= KEEPALIVE_MAX_BYTES,
      });
    } catch (e) {
      return failure('internal', `Impossibile contattare l’applicazione (${(e as Error).message}). Verificare che sia ancora aperta.`);
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch {
      return failure('internal', `Risposta non leggibile dall’applicazione (HTTP ${response.status}).`);
    }
    if (!isResult(parsed)) return failure('internal', `Risposta inattesa dall’applicazione (HTTP ${response.status}).`);
    return parsed;
  };
}

export function preloadTransport(bridge: Api): Transport {
  return async (method, input) => {
    const fn = bridge[method] as ((input: unknown) => Promise<Result<unknown>>) | undefined;
    if (typeof fn !== 'function') return failure('internal', `Funzione non disponibile: ${method}`);
    try {
      const r = await fn(input);
      return isResult(r) ? r : failure('internal', `Risposta inattesa per ${method}`);
    } catch (e) {
      return failure('internal', (e as Error)?.message ?? String(e));
    }
  };
}

/**
 * Builds the typed Api over a transport. With `validate`, every successful answer is parsed with
 * the contract's output schema, so a host that drifts from the contract fails loudly in development
 * instead of rendering half-shaped data.
 */
export function createApi(transport: Transport, validate: boolean): Api {
  const api = {} as Record<Method, (input: unknown) => Promise<Result<unknown>>>;
  for (const method of METHODS) {
    api[method] = async (input: unknown) => {
      const result = await transport(method, input);
      if (!validate || !result.ok) return result;
      const checked = contract[method].output.safeParse(result.value);
      if (checked.success) return { ok: true, value: checked.data };
      const detail = checked.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(valore)'}: ${i.message}`)
        .join('; ');
      console.error(`[vigilanza] ${method}: risposta non conforme al contratto`, checked.error.issues);
      return failure('internal', `Risposta di ${method} non conforme al contratto: ${detail}`);
    };
  }
  return api as unknown as Api;
}

/**
 * What a window hears without asking: the host's events, and `connected` each time the stream
 * (re)opens (anything may have changed while it was down: reload what events would have told).
 */
export type WindowEvent = HostEvent | { type: 'connected' };
export type Subscribe = (listener: (event: WindowEvent) => void) => () => void;

/** Reconnection waits: 1 s, doubling up to 30 s; reset once a stream opens. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/**
 * The browser shell's event stream, `GET /api/events` read with fetch: EventSource cannot send the
 * token header, and the token must not go into a URL (logs, history) or a cookie (sent by any page
 * that links here). One stream per window, shared by every listener; reopened after a drop.
 */
export function httpEvents(token: string | null, path = EVENTS_PATH): Subscribe {
  const listeners = new Set<(event: WindowEvent) => void>();
  let abort: AbortController | null = null;
  const emit = (event: WindowEvent) => {
    for (const listener of listeners) listener(event);
  };

  async function run(signal: AbortSignal): Promise<void> {
    let wait = RECONNECT_MIN_MS;
    while (!signal.aborted) {
      try {
        const response = await fetch(path, { headers: { [TOKEN_HEADER]: token! }, cache: 'no-store', credentials: 'omit', signal });
        // A refused token will not get better by retrying: the page says so on its next call.
        if (response.status === 401 || response.status === 403) return;
        if (response.ok && response.body) {
          wait = RECONNECT_MIN_MS;
          emit({ type: 'connected' });
          await readFrames(response.body, (data) => {
            let json: unknown;
            try {
              json = JSON.parse(data);
            } catch {
              return; // Not ours to act on; the next status change says it all again.
            }
            const parsed = HostEvent.safeParse(json);
            if (parsed.success) emit(parsed.data);
          });
        }
      } catch {
        // Dropped (the app restarted, the laptop slept): try again below.
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, RECONNECT_MAX_MS);
    }
  }

  return (listener) => {
    listeners.add(listener);
    if (token && !abort) {
      abort = new AbortController();
      void run(abort.signal);
    }
    return () => {
      listeners.delete(listener);
      if (!listeners.size) {
        abort?.abort();
        abort = null;
      }
    };
  };
}

/**
 * Electron's events, pushed by main over IPC (electron/main/host-link.ts). The channel lives as
 * long as the window, so there is no reconnecting and no `connected`; each event is parsed as the
 * browser shell's are, and anything else is dropped.
 */
export function preloadEvents(bridge: EventsBridge): Subscribe {
  return (listener) =>
    bridge.subscribe((data) => {
      const parsed = HostEvent.safeParse(data);
      if (parsed.success) listener(parsed.data);
    });
}

/** Calls `onData` with the `data:` of each Server-Sent Event frame; comments (`: …`) are keep-alives. */
export async function readFrames(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const data = buffered
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice('data:'.length).trimStart())
        .join('\n');
      buffered = buffered.slice(end + 2);
      if (data) onData(data);
    }
  }
}

export type Shell = 'electron' | 'browser';

function connect(): { api: Api; shell: Shell; subscribe: Subscribe | null } {
  const validate = typeof __VIGILANZA_VALIDATE_API__ !== 'undefined' && __VIGILANZA_VALIDATE_API__;
  if (window.vigilanza) {
    const events = window.vigilanzaEvents;
    // No events bridge (an older preload): the pages poll.
    return {
      api: createApi(preloadTransport(window.vigilanza), validate),
      shell: 'electron',
      subscribe: events ? preloadEvents(events) : null,
    };
  }
  const token = takeTokenFromLocation();
  return { api: createApi(httpTransport(token), validate), shell: 'browser', subscribe: httpEvents(token) };
}

const connection = connect();
/** The API of this window. */
export const api: Api = connection.api;
export const shell: Shell = connection.shell;
/** The host's pushes to this window, or null where the shell has none (then pages poll). */
export const subscribe: Subscribe | null = connection.subscribe;

/** Unwraps a result for code paths where an error should surface as a thrown, displayable message. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}
export async function call<T>(promise: Promise<Result<T>>): Promise<T> {
  const r = await promise;
  if (!r.ok) throw new ApiFailure(r.error);
  return r.value;
}
