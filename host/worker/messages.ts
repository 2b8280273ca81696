/** What crosses the thread boundary between a shell and the host worker: plain, cloneable data. */
import type { AppearanceText, ReportInput } from '../../report/index.ts';
import type { Result } from '../../shared/api/contract.ts';
import type { HostEvent } from '../../shared/api/events.ts';

export interface HostWorkerOptions {
  dataDir: string;
  demo?: boolean;
  /** Run the office sync loop (the shells do; tests of other parts may not). */
  sync?: boolean;
  /**
   * The data key's 32 bytes when the shell holds it (Electron main reads it from the OS keychain
   * with safeStorage, which only the main process can reach); absent: the 0600 key file in the folder.
   */
  key?: Uint8Array;
  /** Where `key` came from, for messages ("portachiavi del sistema (safeStorage)"). */
  keyDescription?: string;
  shell?: 'electron' | 'browser';
}

export type ToWorker = { type: 'call'; id: number; method: string; input: unknown } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  /** Opening failed (wrong key, integrity error, locked database): the Italian message as is. */
  | { type: 'startup-error'; message: string }
  | { type: 'result'; id: number; result: Result<unknown> }
  /** Pushed by the host (sync status changes), forwarded to the shell's subscribers. */
  | { type: 'event'; event: HostEvent }
  | { type: 'closed' };

/** Which thread the one worker script (entry.ts) becomes. */
export type WorkerRole = 'host' | 'report';

export type HostWorkerData = HostWorkerOptions & { role: 'host' };

/** A report to draw, or the appearance of a digital signature (report/appearance.ts). */
export type ToReport = { id: number; input: ReportInput } | { id: number; appearance: AppearanceText };

export type FromReport = { id: number; ok: true; pdf: Uint8Array } | { id: number; ok: false; name: string; message: string };
