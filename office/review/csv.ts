/**
 * CSV for the office's spreadsheets. Choices (documented in office/README.md):
 * `;` as separator (Excel with Italian settings expects it, and decimal commas never clash),
 * CRLF line ends and double-quote escaping as RFC 4180, UTF-8 with a BOM so Excel reads the
 * accents. A text cell starting with = + - @ or a tab is prefixed with an apostrophe, so a
 * spreadsheet never runs a note typed by someone as a formula.
 */
export type Cell = string | number | boolean | null | undefined;

export const CSV_SEPARATOR = ';';

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'boolean' ? (value ? 'sì' : 'no') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(CSV_SEPARATOR)).join('\r\n')}\r\n`;
}
