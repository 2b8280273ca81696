import { useEffect, useRef, useState } from 'react';
import type { OutboxStatus } from '../../shared/api/contract.ts';
import { api } from '../api/client.ts';
import { SyncBadge } from './SyncBadge.tsx';

/** Every 10 s while the window is visible, and at once when it regains focus. */
const POLL_MS = 10_000;

/**
 * The office badge of a sealed revision, kept current by itself: the sync runs in the background.
 * One `inspections.get` per poll, only while the page is visible; `onChange` when it moves.
 */
export function LiveSyncBadge({ inspectionId, status, onChange }: { inspectionId: string; status: OutboxStatus; onChange?: (s: OutboxStatus) => void }) {
  const [current, setCurrent] = useState(status);
  const last = useRef(status);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    setCurrent(status);
    last.current = status;
  }, [status]);
  useEffect(() => {
    let stopped = false;
    async function poll() {
      if (document.visibilityState !== 'visible') return;
      const r = await api['inspections.get']({ id: inspectionId });
      if (stopped || !r.ok || !r.value.syncStatus || r.value.syncStatus === last.current) return;
      last.current = r.value.syncStatus;
      setCurrent(r.value.syncStatus);
      changed.current?.(r.value.syncStatus);
    }
    const timer = window.setInterval(() => void poll(), POLL_MS);
    const onFocus = () => void poll();
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    };
  }, [inspectionId]);
  return <SyncBadge status={current} />;
}
