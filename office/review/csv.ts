/**
 * CSV for the office's spreadsheets. Choices (documented in office/README.md):
 * `;` as separator (Excel with Italian settings expects it, and decimal commas never clash),
 * CRLF line ends and double-quote escaping as RFC 4180, UTF-8 with a BOM so Excel reads the
 * accents. A text cell starting with = + - @ or a tab is prefixed with an apostrophe, so a
 * spreadsheet never runs a note typed by someone as a formula.
 */
export type Cell = string | number | boolean | null | undefined;

export const CSV_SEPARATOR = ';';

/** Anything in a text that needs more than the text itself: a formula start, a separator, a quote, a line end, outer spaces. */
const SPECIAL = /^[=+\-@\t\r]|[;"\r\n]|^\s|\s$/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  // The common case (a name, a date, a plain note) is one test and the text itself.
  if (typeof value === 'string' && !SPECIAL.test(value)) return value;
  let text = typeof value === 'boolean' ? (value ? 'sì' : 'no') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The text before the first row: the BOM and the header line. */
export const csvHead = (header: string[]): string => `\uFEFF${header.map(csvCell).join(CSV_SEPARATOR)}\r\n`;

export function toCsv(header: string[], rows: Cell[][]): string {
  let text = csvHead(header);
  for (const r of rows) text += `${r.map(csvCell).join(CSV_SEPARATOR)}\r\n`;
  return text;
}
