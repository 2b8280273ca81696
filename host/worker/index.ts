/**
 * Starting the host worker and talking to it: `call(method, input)` with correlation ids, the same
 * Result shapes the shells map to HTTP/IPC today. A crash answers every pending call (no hang) and
 * is told to `onCrash` listeners: the shells restart the host (supervisor.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';
import type { SubscribeEvents } from '../app.ts';
import type { FromWorker, HostWorkerData, HostWorkerOptions, ToWorker } from './messages.ts';
import { workerScript } from './script.ts';

export type { HostWorkerOptions } from './messages.ts';

export interface HostWorker {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** What the host pushes (shared/api/events.ts); returns the unsubscribe. */
  subscribe: SubscribeEvents;
  /** Closes the database and stops sync inside the worker, then waits for the thread to end. */
  close(): Promise<void>;
  /**
   * Hears the thread end without `close()` having been asked (an uncaught error, out of memory,
   * `terminate`): the reason in Italian. Returns the unsubscribe.
   */
  onCrash(listener: (reason: string) => void): () => void;
  /** Ends the thread at once, as a crash would: for a host that no longer answers, and for tests. */
  terminate(): Promise<void>;
}

/**
 * What a call still waiting gets when the thread dies: it may or may not have been done (SQLite
 * kept it whole either way), so it may be sent again; nothing saved before is lost.
 */
export const CRASH_MESSAGE =
  'il servizio locale si è interrotto prima di rispondere: nulla di quanto già salvato è andato perso, ripetere l’operazione';

export function startHostWorker(options: HostWorkerOptions): Promise<HostWorker> {
  const worker = new Worker(workerScript(), { workerData: { role: 'host', ...options } satisfies HostWorkerData, execArgv: [] });
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Set<(event: HostEvent) => void>();
  const crashListeners = new Set<(reason: string) => void>();
  let nextId = 1;
  let gone: string | null = null;
  let closing = false;
  let crashReason: string | null = null;
  const send = (message: ToWorker) => worker.postMessage(message);

  const failAll = (message: string) => {
    gone = message;
    for (const done of pending.values()) done({ ok: false, error: { code: 'unavailable', message: CRASH_MESSAGE } });
    pending.clear();
  };

  const client: HostWorker = {
    call(method, input) {
      if (gone) return Promise.resolve({ ok: false, error: { code: 'internal', message: gone } });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send({ type: 'call', id, method, input });
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (gone) return Promise.resolve();
      closing = true;
      return new Promise((resolve) => {
        worker.once('exit', () => resolve());
        send({ type: 'close' });
      });
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
    async terminate() {
      await worker.terminate();
    },
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        ready = true;
        resolve(client);
      } else if (message.type === 'startup-error') {
        void worker.terminate();
        reject(new Error(message.message));
      } else if (message.type === 'result') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      } else if (message.type === 'event') {
        for (const listener of listeners) listener(message.event);
      }
    });
    worker.on('error', (e) => {
      // 'exit' follows: the reason is told there, once.
      crashReason = `il servizio locale si è interrotto per un errore: ${e.message}`;
    });
    worker.on('exit', (code) => {
      const reason = crashReason ?? `il servizio locale si è chiuso inaspettatamente (codice ${code})`;
      failAll(closing ? 'il servizio locale è chiuso' : reason);
      if (!ready) reject(new Error(crashReason ?? `il servizio locale si è chiuso prima di avviarsi (codice ${code})`));
      else if (!closing) for (const listener of crashListeners) listener(reason);
    });
  });
}
