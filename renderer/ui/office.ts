import type { SyncState } from '../../shared/api/contract.ts';

/**
 * Whether the office can be reached, from the last sync pass: a success clears the last error
 * (host side), so an error still recorded means the latest attempt failed.
 */
export type OfficeReach = 'not_paired' | 'unreachable' | 'reachable' | 'waiting';

export function officeReach(s: Pick<SyncState, 'paired' | 'lastError' | 'lastSyncAt'>): OfficeReach {
  if (!s.paired) return 'not_paired';
  if (s.lastError) return 'unreachable';
  return s.lastSyncAt ? 'reachable' : 'waiting';
}

export const OFFICE_REACH_LABELS: Record<OfficeReach, string> = {
  not_paired: 'Ufficio non associato',
  unreachable: 'Ufficio non raggiungibile',
  reachable: 'Ufficio raggiungibile',
  waiting: 'Ufficio: primo contatto in corso',
};
