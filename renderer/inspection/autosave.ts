/**
 * Autosave queue: each key (one answer, the counts table, the visit data…) is saved at most once
 * per debounce window with its latest value, one request at a time per key so an older write can
 * never land after a newer one. A failed save stays queued until it is retried or superseded.
 * A save the disk refused (`storage`: full, or failing writes) is sent again by itself with a growing
 * pause (1 s, 2 s, 4 s… up to 10 s), and its message stays on screen until a save goes through:
 * a newer value typed meanwhile does not hide it, since that one would fail the same way. A save
 * the local service could not answer because it stopped (`unavailable`: it is being restarted) is
 * sent again the same way.
 */
import type { ApiError, Result } from '../../shared/api/contract.ts';

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: string }
  /** `retrying`: why the write was refused (the disk, or the local service restarting); it is sent again by itself. */
  | { kind: 'error'; message: string; failedKeys: string[]; retrying?: Retried };

export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 10_000;

type Task = () => Promise<Result<{ savedAt: string } | unknown>>;

/** Refusals that go away by themselves (disk space back, the local service restarted): sent again with a pause. */
type Retried = 'storage' | 'unavailable';
const RETRIED: ReadonlySet<ApiError['code']> = new Set<Retried>(['storage', 'unavailable']);
const retried = (error: ApiError | undefined): error is ApiError & { code: Retried } => error !== undefined && RETRIED.has(error.code);

interface Slot {
  next: Task | null;
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<void> | null;
  failed: { task: Task; error: ApiError } | null;
}

export class Autosaver {
  private slots = new Map<string, Slot>();
  private listeners = new Set<() => void>();
  private lastSavedAt: string | null = null;
  private state: SaveState = { kind: 'idle' };
  /** The last refusal of the disk, shown until a save succeeds (cleared then). */
  private diskError: ApiError | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = RETRY_FIRST_MS;

  constructor(private readonly delayMs = 400) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SaveState => this.state;

  /** Anything not yet durable: waiting, in flight or failed. */
  hasUnsaved(): boolean {
    for (const s of this.slots.values()) if (s.next || s.running || s.failed) return true;
    return false;
  }

  /** Queues the latest write for `key`, replacing a write for the same key not yet sent. */
  schedule(key: string, task: Task): void {
    const slot = this.slot(key);
    slot.next = task;
    slot.failed = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.timer = null;
      void this.run(key);
    }, this.delayMs);
    this.update();
  }

  /** Drops a write not yet sent (the value went back to something not to be saved). */
  cancel(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.next = null;
    this.update();
  }

  /** Sends every queued write now (blur, navigation, unload) and waits for all of them. */
  async flush(): Promise<boolean> {
    const keys = [...this.slots.keys()];
    for (const key of keys) {
      const slot = this.slots.get(key)!;
      if (slot.timer) {
        clearTimeout(slot.timer);
        slot.timer = null;
      }
      if (slot.next || slot.running) void this.run(key);
    }
    await Promise.all(keys.map((k) => this.slots.get(k)?.running).filter(Boolean));
    // Writes queued while waiting (the slot ran again) are awaited too.
    if ([...this.slots.values()].some((s) => s.running || (s.next && !s.timer))) return this.flush();
    return ![...this.slots.values()].some((s) => s.failed);
  }

  /** Sends the failed writes again. */
  retry(): Promise<boolean> {
    for (const slot of this.slots.values()) {
      if (slot.failed && !slot.next) slot.next = slot.failed.task;
      slot.failed = null;
    }
    return this.flush();
  }

  private slot(key: string): Slot {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { next: null, timer: null, running: null, failed: null };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private run(key: string): Promise<void> {
    const slot = this.slot(key);
    if (slot.running) return slot.running.then(() => (slot.next && !slot.timer ? this.run(key) : undefined));
    const task = slot.next;
    if (!task) return Promise.resolve();
    slot.next = null;
    const running = (async () => {
      let result: Result<unknown>;
      try {
        result = await task();
      } catch (e) {
        result = { ok: false, error: { code: 'internal', message: (e as Error)?.message ?? String(e) } };
      }
      if (result.ok) {
        const at = (result.value as { savedAt?: unknown } | null)?.savedAt;
        this.lastSavedAt = typeof at === 'string' ? at : new Date().toISOString();
        this.diskError = null;
        this.retryDelay = RETRY_FIRST_MS;
      } else {
        if (result.error.code === 'storage') this.diskError = result.error;
        if (!slot.next) slot.failed = { task, error: result.error };
      }
    })();
    slot.running = running;
    this.update();
    return running.finally(() => {
      slot.running = null;
      this.update();
      if (slot.next && !slot.timer) void this.run(key);
      else this.retryLater();
    });
  }

  /** Sends the writes refused for a passing reason again after a pause that doubles each time (reset by a success). */
  private retryLater(): void {
    if (this.retryTimer) return;
    if (![...this.slots.values()].some((s) => retried(s.failed?.error))) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const [key, slot] of this.slots) {
        if (!retried(slot.failed?.error) || slot.running) continue;
        if (!slot.next) slot.next = slot.failed.task;
        slot.failed = null;
        if (!slot.timer) void this.run(key);
      }
      this.update();
    }, delay);
  }

  private update(): void {
    const failed = [...this.slots.entries()].filter(([, s]) => s.failed);
    const pending = [...this.slots.entries()].filter(([, s]) => s.next || s.running);
    const busy = pending.length > 0;
    const disk = this.diskError;
    let next: SaveState;
    if (failed.length) {
      const first =
        failed.find(([, s]) => s.failed!.error.code === 'storage') ?? failed.find(([, s]) => retried(s.failed!.error)) ?? failed[0]!;
      next = { kind: 'error', message: first[1].failed!.error.message, failedKeys: failed.map(([k]) => k) };
      const error = first[1].failed!.error;
      if (retried(error)) next.retrying = error.code;
    } else if (busy && disk) {
      // Retrying (or a newer value after the refusal): the refusal stays on screen until a save succeeds.
      next = { kind: 'error', message: disk.message, failedKeys: pending.map(([k]) => k), retrying: 'storage' };
    } else if (busy) next = { kind: 'saving' };
    else if (this.lastSavedAt) next = { kind: 'saved', at: this.lastSavedAt };
    else next = { kind: 'idle' };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    for (const l of this.listeners) l();
  }
}
