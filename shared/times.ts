/**
 * Times of day of a visit (its start and end), as `HH:MM` on the 24-hour clock: the civil time
 * written on the act, with no time zone (like the visit's date, shared/dates.ts). Two such strings
 * compare as text in the order of the day.
 */

/** `HH:MM`, 00:00 to 23:59. */
export const VISIT_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const VISIT_TIME_FORMAT_MESSAGE = 'ora nel formato hh:mm sulle 24 ore (es. 09:30)';

/** The end comes after the start, when both are given; null when nothing is wrong. */
export function visitTimesProblem(startTime: string | null | undefined, endTime: string | null | undefined): string | null {
  if (!startTime || !endTime || endTime > startTime) return null;
  return `l’ora di fine (${endTime}) deve essere successiva all’ora di inizio (${startTime})`;
}

/**
 * What the inspector typed in a time field: `9:30`, `09:30` or `9.30` (the Italian way of writing
 * it) become `09:30`; empty is "not recorded" (null). Anything else is a message for the field.
 */
export function parseVisitTime(text: string): { ok: true; time: string | null } | { ok: false; message: string } {
  const t = text.trim();
  if (!t) return { ok: true, time: null };
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(t);
  const time = m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : '';
  if (!VISIT_TIME.test(time)) return { ok: false, message: `«${t}» non è un’ora valida: ${VISIT_TIME_FORMAT_MESSAGE}` };
  return { ok: true, time };
}

/** «dalle 09:30 alle 12:15», «dalle 09:30», «fino alle 12:15»; null when neither is known. */
export function visitTimeText(startTime: string | null | undefined, endTime: string | null | undefined): string | null {
  if (startTime && endTime) return `dalle ${startTime} alle ${endTime}`;
  if (startTime) return `dalle ${startTime}`;
  if (endTime) return `fino alle ${endTime}`;
  return null;
}
