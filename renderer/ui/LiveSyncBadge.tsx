import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { OutboxStatus } from '../../shared/api/contract.ts';
import { apiQuery } from '../api/queries.ts';
import { SyncBadge } from './SyncBadge.tsx';

/** Every 10 s while the window is visible, and at once when it becomes visible again. */
const POLL_MS = 10_000;

/**
 * The office badge of a sealed revision, kept current by itself: the sync runs in the background.
 * One `inspections.get` per poll (the page's own cache entry, so the page follows too), only while
 * the page is visible (react-query pauses the interval in the background); `onChange` when it moves.
 */
export function LiveSyncBadge({ inspectionId, status, onChange }: { inspectionId: string; status: OutboxStatus; onChange?: (s: OutboxStatus) => void }) {
  const polled = useQuery({
    ...apiQuery('inspections.get', { id: inspectionId }),
    select: (d) => d.syncStatus,
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: true,
  });
  const current = polled.data ?? status;
  const last = useRef(current);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (current === last.current) return;
    last.current = current;
    changed.current?.(current);
  }, [current]);
  return <SyncBadge status={current} />;
}
