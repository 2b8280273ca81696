/**
 * The renderer's only way to the host: a typed `Api` (shared/api/contract.ts) over whichever
 * transport this window has. In Electron the preload exposes `window.vigilanza` (one function per
 * method); in the browser shell every call is `POST /api/<method>` with the per-launch token.
 * Either way a call resolves to a Result and never throws.
 */
import { METHODS, contract, type Api, type ApiError, type Method, type Result } from '../../shared/api/contract.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    vigilanza?: Api;
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
      const detail = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(valore)'}: ${i.message}`).join('; ');
      console.error(`[vigilanza] ${method}: risposta non conforme al contratto`, checked.error.issues);
      return failure('internal', `Risposta di ${method} non conforme al contratto: ${detail}`);
    };
  }
  return api as unknown as Api;
}

export type Shell = 'electron' | 'browser';

function connect(): { api: Api; shell: Shell } {
  const validate = typeof __VIGILANZA_VALIDATE_API__ !== 'undefined' && __VIGILANZA_VALIDATE_API__;
  if (window.vigilanza) return { api: createApi(preloadTransport(window.vigilanza), validate), shell: 'electron' };
  return { api: createApi(httpTransport(takeTokenFromLocation()), validate), shell: 'browser' };
}

const connection = connect();
/** The API of this window. */
export const api: Api = connection.api;
export const shell: Shell = connection.shell;

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
