/**
 * zod's own messages (wrong type, too short, not one of…) in Italian, wherever schemas are parsed:
 * the laptop's host, the office server, the page. zod's Italian locale leaves the type names in
 * English ("atteso object, ricevuto undefined"): those are said here in words a reader knows.
 * Our schemas' own messages are untouched (they are given with each check).
 */
import { z } from 'zod';
import { it } from 'zod/locales';

const TYPE_NAMES: Record<string, string> = {
  string: 'un testo',
  number: 'un numero',
  int: 'un numero intero',
  bigint: 'un numero intero',
  nan: 'un numero valido',
  boolean: 'vero o falso',
  object: 'un oggetto',
  array: 'un elenco',
  record: 'un oggetto',
  date: 'una data',
  undefined: 'nessun valore',
  null: 'il valore nullo',
};

function received(input: unknown): string {
  if (input === undefined) return 'nessun valore';
  if (input === null) return 'il valore nullo';
  if (Array.isArray(input)) return 'un elenco';
  if (typeof input === 'number') return Number.isFinite(input) ? `il numero ${input}` : 'un numero non valido';
  return TYPE_NAMES[typeof input] ?? typeof input;
}

const UNITS: Record<string, [one: string, many: string]> = {
  string: ['carattere', 'caratteri'],
  array: ['elemento', 'elementi'],
  set: ['elemento', 'elementi'],
  file: ['byte', 'byte'],
};

type Bound = { origin: string; inclusive?: boolean };
function bound(issue: Bound, limit: unknown, least: boolean): string | undefined {
  const unit = UNITS[issue.origin];
  if (unit) return `deve avere ${least ? 'almeno' : 'al massimo'} ${String(limit)} ${unit[Number(limit) === 1 ? 0 : 1]}`;
  if (issue.origin !== 'number' && issue.origin !== 'int' && issue.origin !== 'bigint') return undefined;
  if (issue.inclusive === false) return `deve essere ${least ? 'maggiore' : 'minore'} di ${String(limit)}`;
  return `deve essere ${least ? 'almeno' : 'al massimo'} ${String(limit)}`;
}

/** Our words for the issues whose locale message names types in English; undefined: the locale's. */
function italian(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && TYPE_NAMES[issue.expected])
    return `atteso ${TYPE_NAMES[issue.expected]}, ricevuto ${received(issue.input)}`;
  if (issue.code === 'too_small') return bound(issue, issue.minimum, true);
  if (issue.code === 'too_big') return bound(issue, issue.maximum, false);
  return undefined;
}

/** Called once per process (host/handlers.ts, office/server.ts, renderer/zod-config.ts); idempotent. */
export function useItalianZodMessages(): void {
  z.config(it());
  z.config({ customError: italian });
}
