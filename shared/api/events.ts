/**
 * What the host pushes to a window without being asked (`GET /api/events` in the browser shell):
 * the office sync status whenever it changes, so pages stop polling for it, and a restart of the
 * local service after it stopped (host/worker/supervisor.ts), so pages reload what they show.
 */
import { z } from 'zod';
import { SyncState } from './contract.ts';

export const HostEvent = z.discriminatedUnion('type', [
  /** The sync status moved (a revision sent, an error, pairing): reload what shows sync state. */
  z.strictObject({ type: z.literal('sync.status'), status: SyncState }),
  /** The local service stopped and was started again at `at` (ISO time): nothing saved was lost. */
  z.strictObject({ type: z.literal('host.restarted'), at: z.iso.datetime({ offset: true }) }),
]);
export type HostEvent = z.infer<typeof HostEvent>;

/** Where the browser shell streams them (Server-Sent Events, the per-launch token as for every call). */
export const EVENTS_PATH = '/api/events';

/**
 * What the Electron preload exposes as `window.vigilanzaEvents`: the same events over IPC. The
 * listener gets each event as sent by main; the renderer parses it with `HostEvent` as it does the
 * browser shell's stream. Returns the unsubscribe.
 */
export interface EventsBridge {
  subscribe(listener: (event: unknown) => void): () => void;
}
