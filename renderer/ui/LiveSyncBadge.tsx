import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { OutboxStatus } from '../../shared/api/contract.ts';
import { subscribe } from '../api/client.ts';
import { apiQuery } from '../api/queries.ts';
import { SyncBadge } from './SyncBadge.tsx';

/**
 * Where the host pushes sync changes (both shells) the badge reloads on them and never polls;
 * elsewhere every 10 s while the window is visible. Always at once when it is focused again.
 */
const POLL_MS = subscribe ? false : 10_000;

/**
 * The office badge of a sealed revision, kept current by itself: the sync runs in the background.
 * The page's own `inspections.get` cache entry (so the page follows too), reloaded here on each
 * pushed sync change, or polled only while the page is visible where nothing is pushed; `onChange`
 * when it moves.
 */
export function LiveSyncBadge({
  inspectionId,
  status,
  onChange,
}: {
  inspectionId: string;
  status: OutboxStatus;
  onChange?: (s: OutboxStatus) => void;
}) {
  const polled = useQuery({
    ...apiQuery('inspections.get', { id: inspectionId }),
    select: (d) => d.syncStatus,
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: true,
  });
  const { refetch } = polled;
  // Pushed changes: reload this revision's status (what the poll did, only when something moved).
  useEffect(() => {
    if (!subscribe) return;
    return subscribe((event) => {
      if (event.type === 'sync.status' || event.type === 'connected') void refetch();
    });
  }, [refetch]);
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
