import { formatItalianDate, isIsoDate } from '../../shared/dates.ts';

/** 31/08/2028, or the fallback for a missing date. */
export function italianDate(date: string | null | undefined, fallback = '—'): string {
  return date && isIsoDate(date) ? formatItalianDate(date) : fallback;
}

/** "10:32" in the computer's time zone, from an ISO instant set by the host. */
export function clockTime(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return d.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit' });
}

export function italianDateTime(instant: string | null | undefined): string {
  if (!instant) return '—';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return d.toLocaleString('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
