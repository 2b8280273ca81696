/**
 * Electron main's wiring of the host worker, without Electron: the API channel answered by
 * `worker.call`, the host's events sent to our windows, and the worker closed before the app quits.
 * index.ts passes the real ipcMain, app and windows; the unit test passes fakes.
 */
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';
import { API_CHANNEL, EVENTS_CHANNEL } from '../preload/bridge.ts';
import { handleApiMessage } from './ipc.ts';
import { isAppUrl } from './window-options.ts';

/** What of the host worker (host/worker/index.ts) main needs. */
export interface LinkedHost {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: HostEvent) => void): () => void;
  close(): Promise<void>;
}

/** The part of an IPC invoke event we read: the frame that sent it (null once it is gone). */
export interface InvokeEvent {
  senderFrame?: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, method: unknown, input: unknown) => Promise<unknown>): void;
}

export interface AppLike {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface WebContentsLike {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

export interface HostLinkOptions {
  ipcMain: IpcMainLike;
  app: AppLike;
  /** The web contents of every open window (BrowserWindow.getAllWindows()). */
  contents: () => WebContentsLike[];
  /**
   * How long quitting waits for the worker (sync stopping, database closing): past it the app
   * quits anyway. SQLite's journal keeps the data whole; a send cut short is sent again.
   */
  closeTimeoutMs?: number;
  log?: (message: string) => void;
}

const CLOSING: Result<never> = { ok: false, error: { code: 'internal', message: 'applicazione in chiusura' } };

export function linkHost(host: LinkedHost, options: HostLinkOptions): void {
  const log = options.log ?? (() => {});
  let open = true;

  options.ipcMain.handle(API_CHANNEL, (event, method, input) =>
    open ? handleApiMessage(host, event.senderFrame?.url, method, input) : Promise.resolve(CLOSING),
  );

  // Only pages of our app:// origin hear the host (as only they may call it).
  const unsubscribe = host.subscribe((event) => {
    for (const contents of options.contents()) {
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      contents.send(EVENTS_CHANNEL, event);
    }
  });

  let closing: Promise<void> | null = null;
  let closed = false;
  options.app.on('will-quit', (event) => {
    if (closed) return;
    // Not yet: the worker still holds the database and may be sending to the office.
    event.preventDefault();
    if (closing) return;
    open = false;
    unsubscribe();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((done) => {
      timer = setTimeout(() => {
        log(`il servizio locale non si è chiuso entro ${options.closeTimeoutMs ?? 10_000} ms: chiusura forzata`);
        done();
      }, options.closeTimeoutMs ?? 10_000);
    });
    closing = Promise.race([
      host.close().catch((e: unknown) => log(`chiusura del servizio locale: ${(e as Error)?.message ?? String(e)}`)),
      timeout,
    ]).then(() => {
      clearTimeout(timer);
      closed = true;
      options.app.quit();
    });
  });
}

/** The text of the dialog shown when the data folder cannot be opened (Italian, for the user). */
export function openingErrorMessage(dataDir: string, error: unknown): string {
  const reason = (error as Error)?.message ?? String(error);
  return `Non è stato possibile aprire i dati di Vigilanza Nidi (cartella ${dataDir}).\n\n${reason}\n\nL’applicazione verrà chiusa.`;
}
