/**
 * One open data folder with its API: what both shells (browser and Electron) start from.
 */
import { mkdirSync } from 'node:fs';
import type { KeyProvider } from '../db/crypto.ts';
import type { HostEvent } from '../shared/api/events.ts';
import { Store } from '../db/store.ts';
import { systemClock, type Clock } from './clock.ts';
import { seedDemo } from './demo.ts';
import { createHandlers, type HandlerOptions, type HostApi } from './handlers.ts';
import { fileKeyProvider, isNewDataDir } from './keys.ts';
import { SyncService, type SyncServiceOptions } from './sync/service.ts';

export interface AppOptions {
  dataDir: string;
  shell: 'electron' | 'browser';
  /** Defaults to the 0600 key file in the data folder (browser shell). */
  keyProvider?: KeyProvider;
  clock?: Clock;
  /** Seed demo data when the database has no services yet. */
  demo?: boolean;
  log?: (message: string) => void;
  /** Draws a report PDF; defaults to `buildReport` on this thread (the host worker uses its report thread). */
  renderReport?: HandlerOptions['renderReport'];
  renderAppearance?: HandlerOptions['renderAppearance'];
  /** Office sync tuning (intervals, retries); the defaults suit a laptop in the field. */
  sync?: Omit<SyncServiceOptions, 'store'>;
  /** Long-term validation of queued reports before they leave (host/long-term.ts). */
  longTerm?: HandlerOptions['longTerm'];
}

/** What the host pushes to the shells: see shared/api/events.ts. Returns the unsubscribe. */
export type SubscribeEvents = (listener: (event: HostEvent) => void) => () => void;

export interface HostApp extends HostApi {
  store: Store;
  dataDir: string;
  subscribe: SubscribeEvents;
  close(): void;
}

export { isNewDataDir };

export function openApp(options: AppOptions): HostApp {
  const fresh = isNewDataDir(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const clock = options.clock ?? systemClock;
  const keyProvider = options.keyProvider ?? fileKeyProvider(options.dataDir, { create: fresh });
  const store = Store.open(options.dataDir, { keyProvider, now: () => clock.now() });
  try {
    const sync = new SyncService({ ...(options.log ? { log: options.log } : {}), ...options.sync, store });
    const host = createHandlers({
      store,
      clock,
      shell: options.shell,
      demo: options.demo ?? false,
      sync,
      ...(options.log ? { log: options.log } : {}),
      ...(options.renderReport ? { renderReport: options.renderReport } : {}),
      ...(options.renderAppearance ? { renderAppearance: options.renderAppearance } : {}),
      ...(options.longTerm ? { longTerm: options.longTerm } : {}),
    });
    if (options.demo && store.services.count() === 0) seedDemo(store, host, clock);
    return {
      ...host,
      store,
      dataDir: options.dataDir,
      subscribe: (listener) => sync.onStatus((status) => listener({ type: 'sync.status', status })),
      close: () => {
        // The loop stops touching the database at once; a send in flight is simply resent later.
        void host.sync.close();
        store.close();
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
