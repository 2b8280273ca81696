/**
 * Whether an answer's value suits its Scheda item: one check for the laptop (each answer as it is
 * saved) and for the rule engine (a whole file before sealing and at the office).
 */
import { isIsoDate } from '../dates.ts';
import type { AnswerValue } from '../inspection.ts';
import type { ItemKind } from './schema.ts';

const KIND_LABELS: Record<ItemKind, string> = {
  yesno: 'sì/no',
  count: 'numero',
  date: 'data (AAAA-MM-GG)',
  text: 'testo',
  register: 'iscritti all’albo',
};

/** `na` (not applicable) fits every kind; a date must be a real calendar day (no 2024-02-30). */
export function answerFits(kind: ItemKind, value: AnswerValue): boolean {
  switch (kind) {
    case 'yesno':
      return value === 'yes' || value === 'no' || value === 'na';
    case 'count':
      return typeof value === 'number' || value === 'na';
    case 'date':
      return typeof value === 'string' && (value === 'na' || isIsoDate(value));
    case 'text':
      return typeof value === 'string';
    case 'register':
      return value === 'na' || (typeof value === 'string' && registerIds(value) !== null);
  }
}

/** The Italian refusal for a value that does not fit, naming what the item expects. */
export function answerMisfitMessage(kind: ItemKind): string {
  return `valore non adatto a una voce di tipo ${KIND_LABELS[kind]}`;
}

/** The entry ids of a `register` answer («id1,id2»), or null when it is not such a list. */
export function registerIds(value: string): string[] | null {
  if (value.trim() === '') return [];
  const ids = value.split(',').map((s) => s.trim());
  return ids.every((id) => /^[A-Za-z0-9._-]{1,100}$/.test(id)) ? [...new Set(ids)] : null;
}
