/**
 * The save status of the page being edited, for the header: the inspection editor registers its
 * `Autosaver` while it is open; with none registered nothing is waiting to be saved.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Autosaver, SaveState } from '../inspection/autosave.ts';

let active: Autosaver | null = null;
let unfollow: (() => void) | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function register(autosaver: Autosaver): () => void {
  unfollow?.();
  active = autosaver;
  unfollow = autosaver.subscribe(notify);
  notify();
  return () => {
    if (active !== autosaver) return;
    unfollow?.();
    active = null;
    unfollow = null;
    notify();
  };
}

/** The editor's autosaver is the header's while the editor is mounted (a sealed visit saves nothing). */
export function useHeaderAutosaver(autosaver: Autosaver, readOnly: boolean): void {
  useEffect(() => (readOnly ? undefined : register(autosaver)), [autosaver, readOnly]);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const snapshot = (): SaveState | null => active?.getState() ?? null;

/** null: no editor open, nothing to save. */
export function useHeaderSaveState(): SaveState | null {
  return useSyncExternalStore(subscribe, snapshot);
}
