/**
 * Calendar dates as `YYYY-MM-DD` strings, computed without time zones.
 * Inspections happen on civil dates; a Date object would drag the laptop's zone into the rules.
 */

export type IsoDate = string;

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** The ASCII digit at `i` (0-9), or -1. */
function digitAt(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * A real calendar date as the number yyyymmdd, or -1 for anything else: what parseIsoDate checks,
 * without an object (the rules read dates by the thousand).
 */
function packedDate(text: string): number {
  // Exactly /^(\d{4})-(\d{2})-(\d{2})$/ (ASCII digits), checked character by character.
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return -1;
  const y0 = digitAt(text, 0);
  const y1 = digitAt(text, 1);
  const y2 = digitAt(text, 2);
  const y3 = digitAt(text, 3);
  const m0 = digitAt(text, 5);
  const m1 = digitAt(text, 6);
  const d0 = digitAt(text, 8);
  const d1 = digitAt(text, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return year * 10000 + month * 100 + day;
}

/** Parses a real calendar date; returns null for anything else (2025-02-29, 2025-13-01, "25-1-1"). */
export function parseIsoDate(text: string): CivilDate | null {
  const packed = packedDate(text);
  if (packed < 0) return null;
  return { year: Math.floor(packed / 10000), month: Math.floor(packed / 100) % 100, day: packed % 100 };
}

export function isIsoDate(text: string): boolean {
  return packedDate(text) >= 0;
}

function must(text: IsoDate): CivilDate {
  const d = parseIsoDate(text);
  if (!d) throw new RangeError(`not a calendar date: ${text}`);
  return d;
}

/** `must` as yyyymmdd, for the callers that need no object. */
function mustPacked(text: IsoDate): number {
  const packed = packedDate(text);
  if (packed < 0) throw new RangeError(`not a calendar date: ${text}`);
  return packed;
}

/** "00" … "31": a month's or a day's two digits without building and padding a string each time. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 32 }, (_, n) => String(n).padStart(2, '0'));

export function formatIsoDate(d: CivilDate): IsoDate {
  // The table answers what padStart would for the integers 0-31; anything else is padded as ever.
  const month = TWO_DIGITS[d.month] ?? String(d.month).padStart(2, '0');
  const day = TWO_DIGITS[d.day] ?? String(d.day).padStart(2, '0');
  return `${d.year >= 1000 ? String(d.year) : String(d.year).padStart(4, '0')}-${month}-${day}`;
}

/** Same day N years later; 29 February becomes 28 February in a common year. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const packed = mustPacked(date);
  const month = Math.floor(packed / 100) % 100;
  const year = Math.floor(packed / 10000) + years;
  return formatIsoDate({ year, month, day: Math.min(packed % 100, daysInMonth(year, month)) });
}

/** Same day N months later, clamped to the end of a shorter month. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = must(date);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate({ year, month, day: Math.min(d.day, daysInMonth(year, month)) });
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
export function toDayNumber(date: IsoDate): number {
  const packed = mustPacked(date);
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(days: number): IsoDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return formatIsoDate({ year, month, day });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings of real dates order like the dates
}

/**
 * The first calendar year of the educational year containing `date`,
 * where an educational year starts on the given month (September in Tuscany).
 * 2024-10-15 → 2024 (year 2024/25); 2024-06-10 → 2023 (year 2023/24).
 */
export function educationalYearStart(date: IsoDate, startMonth: number): number {
  const packed = mustPacked(date);
  const year = Math.floor(packed / 10000);
  return Math.floor(packed / 100) % 100 >= startMonth ? year : year - 1;
}

/** "2024/25" */
export function educationalYearLabel(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** Italian long form used in messages and reports: 31/08/2028. */
export function formatItalianDate(date: IsoDate): string {
  mustPacked(date);
  // A real date's text is YYYY-MM-DD with a year from 1900: its own digits, reordered.
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** The months' Italian names, January first (messages, reports). */
export const MONTH_NAMES: readonly string[] = [
  'gennaio',
  'febbraio',
  'marzo',
  'aprile',
  'maggio',
  'giugno',
  'luglio',
  'agosto',
  'settembre',
  'ottobre',
  'novembre',
  'dicembre',
];

/**
 * A date as an Italian user types it, gg/mm/aaaa (also with "-" or "." and one-digit day or
 * month): the ISO date, null for an empty text, or an Italian message naming what is wrong.
 */
export function parseItalianDate(text: string): { ok: true; date: IsoDate | null } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, date: null };
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (!m) return { ok: false, message: 'scrivere la data come gg/mm/aaaa, per esempio 02/12/2026' };
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return { ok: false, message: `il mese ${m[2]} non esiste: va da 01 a 12` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { ok: false, message: `la data ${t} non esiste: ${MONTH_NAMES[month - 1]} ${year} ha ${days} giorni` };
  return { ok: true, date: formatIsoDate({ year, month, day }) };
}

/** The civil time zone of the inspections and the offices (Italy), whatever zone a machine is set to. */
export const ITALIAN_TIME_ZONE = 'Europe/Rome';

/** The civil date (YYYY-MM-DD) of `instant` in `timeZone`: in Rome, 23:30 UTC on 2 December is 3 December. */
export function civilDate(instant: Date, timeZone = ITALIAN_TIME_ZONE): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
