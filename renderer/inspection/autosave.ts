/**
 * Autosave queue: each key (one answer, the counts table, the visit data…) is saved at most once
 * per debounce window with its latest value, one request at a time per key so an older write can
 * never land after a newer one. A failed save stays queued until it is retried or superseded.
 */
import type { ApiError, Result } from '../../shared/api/contract.ts';

export type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; message: string; failedKeys: string[] };

type Task = () => Promise<Result<{ savedAt: string } | unknown>>;

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
      } else if (!slot.next) {
        slot.failed = { task, error: result.error };
      }
    })();
    slot.running = running;
    this.update();
    return running.finally(() => {
      slot.running = null;
      this.update();
      if (slot.next && !slot.timer) void this.run(key);
    });
  }

  private update(): void {
    const failed = [...this.slots.entries()].filter(([, s]) => s.failed);
    const busy = [...this.slots.values()].some((s) => s.next || s.running);
    let next: SaveState;
    if (failed.length) next = { kind: 'error', message: failed[0]![1].failed!.error.message, failedKeys: failed.map(([k]) => k) };
    else if (busy) next = { kind: 'saving' };
    else if (this.lastSavedAt) next = { kind: 'saved', at: this.lastSavedAt };
    else next = { kind: 'idle' };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    for (const l of this.listeners) l();
  }
}
