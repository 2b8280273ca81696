/**
 * What the clerk reads instead of the program's codes: a check by its Italian name, a Scheda
 * item by its text, a file size in Italian units. The codes themselves stay for support, in the
 * page's «Dati per l'assistenza».
 */
import { RULE_LABELS } from '../../report/labels.ts';
import { displayText, type ChecklistItem } from '../../shared/checklist/index.ts';

/**
 * The name of what a finding or prescription is about: a computed check (RULE_LABELS, the same
 * names the signed report prints, or a rule set's own check by its subject) or a Scheda item, by its text. An id neither knows (a rule set
 * newer than this server) is not shown raw: the clerk reads a plain notice, support the code.
 */
export function checkLabel(
  rule: string,
  items: ReadonlyMap<string, Pick<ChecklistItem, 'text'>>,
  checks: ReadonlyArray<{ id: string; subject: string }> = [],
): string {
  if (rule in RULE_LABELS) return RULE_LABELS[rule as keyof typeof RULE_LABELS];
  // A territory's own check (its rule set's `checks`) is named by its subject, as the report names it.
  const check = checks.find((c) => c.id === rule);
  if (check) return check.subject;
  const item = items.get(rule);
  return item ? displayText(item.text) : 'Controllo non riconosciuto da questa versione (codice nei dati per l’assistenza)';
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
const SIZE_FORMATS = new Map<string, Intl.NumberFormat>(
  UNITS.flatMap((unit) =>
    [0, 1].map(
      (digits) => [`${unit}/${digits}`, new Intl.NumberFormat('it-IT', { style: 'unit', unit, maximumFractionDigits: digits })] as const,
    ),
  ),
);

/** "149 kB", "1,3 MB", "512 byte": decimal units (1 kB = 1000 byte) as file managers show them; one decimal below 10. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let i = 0;
  // 999 999 byte would print "1000 kB": move up when the value rounds to 1000.
  while (value >= 999.5 && i < UNITS.length - 1) {
    value /= 1000;
    i++;
  }
  const digits = i > 0 && value < 10 ? 1 : 0;
  return SIZE_FORMATS.get(`${UNITS[i]}/${digits}`)!.format(value);
}
