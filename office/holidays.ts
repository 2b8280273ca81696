/**
 * Italian public holidays, from `date-holidays` (country IT; Easter Monday, 25 April, 2 June, the
 * 4 October national day from 2026…): the name of the holiday on an ISO date, or null. Only
 * `public` days count (not observances such as Mother's Day). Patron saints' days are the
 * Comuni's own and not in the national list.
 */
import Holidays from 'date-holidays';
import type { IsoDate } from '../shared/dates.ts';

const italy = new Holidays('IT');
const byYear = new Map<number, Map<string, string>>();

export function italianHolidayName(date: IsoDate): string | null {
  const year = Number(date.slice(0, 4));
  let days = byYear.get(year);
  if (!days) {
    days = new Map(
      italy
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => [h.date.slice(0, 10), h.name]),
    );
    byYear.set(year, days);
  }
  return days.get(date) ?? null;
}
