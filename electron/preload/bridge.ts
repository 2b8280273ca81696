/**
 * What the preload exposes as `window.vigilanza`: one named function per method of the contract,
 * generated from METHODS, each sending (method, input) on the single API channel; and as
 * `window.vigilanzaEvents` the host's pushes, received on the events channel. The renderer never
 * sees ipcRenderer. Pure (no Electron import) so that it is unit-tested without Electron.
 */
import { METHODS, type Api, type Method } from '../../shared/api/contract.ts';
import type { EventsBridge } from '../../shared/api/events.ts';

export const API_CHANNEL = 'vigilanza:api';
/** Main → window: one message per HostEvent (shared/api/events.ts). */
export const EVENTS_CHANNEL = 'vigilanza:events';

export type Invoke = (method: Method, input: unknown) => Promise<unknown>;

function named<M extends Method>(method: M, invoke: Invoke): Api[M] {
  // A computed key gives the function the method's name (useful in stack traces and devtools).
  const holder = { [method]: (input: unknown) => invoke(method, input) } as Record<M, Api[M]>;
  return holder[method];
}

function put<M extends Method>(target: { [K in Method]?: Api[K] }, method: M, fn: Api[M]): void {
  target[method] = fn;
}

export function makeBridge(invoke: Invoke): Readonly<Api> {
  const bridge: { [K in Method]?: Api[K] } = {};
  for (const method of METHODS) put(bridge, method, named(method, invoke));
  const missing = METHODS.filter((m) => typeof bridge[m] !== 'function');
  if (missing.length) throw new Error(`preload: funzioni mancanti ${missing.join(', ')}`);
  return Object.freeze(bridge as Api) satisfies Api;
}

/**
 * `listen` is ipcRenderer.on / removeListener on EVENTS_CHANNEL. Only the event's data reaches the
 * page's listener, never the IPC event (its `sender` is the ipcRenderer itself).
 */
export type Listen = (deliver: (event: unknown) => void) => () => void;

export function makeEvents(listen: Listen): Readonly<EventsBridge> {
  return Object.freeze({
    subscribe(listener: (event: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('subscribe: serve una funzione');
      let stop: (() => void) | null = listen((event) => listener(event));
      return () => {
        stop?.();
        stop = null;
      };
    },
  });
}
