/**
 * The host worker kept running: when its thread dies (an uncaught error, out of memory) the calls
 * it had not answered get `unavailable` (they may be sent again), the next calls wait for a new
 * worker on the same data folder, and the windows hear `host.restarted`. SQLite kept every
 * committed write, so a restart loses nothing saved. A host that keeps dying is not restarted
 * forever: past `maxRestarts` crashes within `windowMs` the shell is told to give up (Electron
 * shows a dialog and quits; `vigilanza serve` exits non-zero).
 */
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';
import type { HostWorker } from './index.ts';

export interface SuperviseOptions {
  /** Opens the data folder in a new worker (Electron reads the key again each time). */
  start: () => Promise<HostWorker>;
  /** The host could not be kept running: why, in Italian, for a dialog or stderr. */
  onGiveUp: (reason: string) => void;
  maxRestarts?: number;
  windowMs?: number;
  log?: (message: string) => void;
  now?: () => Date;
}

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** Why the shell stops, for its dialog: the crashes seen and what to do. */
export function giveUpMessage(crashes: string[], startError?: string): string {
  const last = startError ? `il riavvio non è riuscito: ${startError}` : crashes.at(-1);
  return (
    `Il servizio locale di Vigilanza Nidi si è interrotto ${crashes.length === 1 ? 'una volta' : `${crashes.length} volte`} ` +
    `e non è stato possibile riavviarlo (${last}).\n\nI dati salvati sono al sicuro nella cartella dei dati. ` +
    `Riaprire l’applicazione; se il problema si ripete, rivolgersi all’assistenza.`
  );
}

/** Resolves once the first worker is up (its opening error rejects, as `startHostWorker` does). */
export async function superviseHost(options: SuperviseOptions): Promise<HostWorker> {
  const maxRestarts = options.maxRestarts ?? MAX_RESTARTS;
  const windowMs = options.windowMs ?? RESTART_WINDOW_MS;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const listeners = new Set<(event: HostEvent) => void>();
  const crashListeners = new Set<(reason: string) => void>();
  const crashes: { at: number; reason: string }[] = [];
  let closed = false;
  let stopped: string | null = null;

  const emit = (event: HostEvent) => {
    for (const listener of listeners) listener(event);
  };

  // The worker calls go to: resolved when it is up; while restarting, a promise of the next one.
  let current: Promise<HostWorker | null>;

  const adopt = (worker: HostWorker): HostWorker => {
    worker.subscribe(emit);
    worker.onCrash((reason) => {
      if (closed) return;
      log(`servizio locale interrotto: ${reason}`);
      current = restart(reason);
    });
    return worker;
  };

  const restart = async (reason: string): Promise<HostWorker | null> => {
    const at = now().getTime();
    crashes.push({ at, reason });
    const recent = crashes.filter((c) => at - c.at < windowMs);
    if (recent.length > maxRestarts) return giveUp(giveUpMessage(recent.map((c) => c.reason)));
    try {
      const worker = adopt(await options.start());
      if (closed) {
        await worker.close();
        return null;
      }
      log('servizio locale riavviato');
      emit({ type: 'host.restarted', at: now().toISOString() });
      return worker;
    } catch (e) {
      return giveUp(
        giveUpMessage(
          recent.map((c) => c.reason),
          (e as Error)?.message ?? String(e),
        ),
      );
    }
  };

  const giveUp = (message: string): null => {
    stopped = message;
    for (const listener of crashListeners) listener(message);
    options.onGiveUp(message);
    return null;
  };

  const first = adopt(await options.start());
  current = Promise.resolve(first);

  return {
    async call(method: string, input: unknown): Promise<Result<unknown>> {
      const worker = await current;
      if (!worker) return { ok: false, error: { code: 'internal', message: stopped ?? 'servizio locale chiuso' } };
      return worker.call(method, input);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      const worker = await current;
      current = Promise.resolve(null);
      await worker?.close();
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
    async terminate() {
      const worker = await current;
      await worker?.terminate();
    },
  };
}
