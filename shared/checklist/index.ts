/**
 * Registry of the checklists the app knows, keyed `<id>@<version>` like rule sets ("zona-fse@1"),
 * so an inspection file names the Scheda it was filled with. A new territory or a new edition of
 * the Scheda is a new entry here: old inspections keep resolving to the version they used.
 */
import type { Checklist } from './schema.ts';
import { ZONA_FSE_CHECKLIST_1 } from './zona-fse-1.ts';
import { LUCCA_CHECKLIST_1 } from '../territories/lucca/checklist.ts';

export * from './schema.ts';
export * from './answers.ts';
export { ZONA_FSE_CHECKLIST_1, LUCCA_CHECKLIST_1 };

/** The registry key of a checklist: `zona-fse@1`. */
export function checklistKey(checklist: Pick<Checklist, 'id' | 'version'>): string {
  return `${checklist.id}@${checklist.version}`;
}

/** A Map rather than an object literal: no inherited keys ("constructor") to mistake for a checklist. */
export const CHECKLISTS: ReadonlyMap<string, Checklist> = new Map(
  [ZONA_FSE_CHECKLIST_1, LUCCA_CHECKLIST_1].map((checklist) => [checklistKey(checklist), checklist] as const),
);

/** The checklist registered under `key` ("zona-fse@1"), or undefined. */
export function getChecklist(key: string): Checklist | undefined {
  return CHECKLISTS.get(key);
}

export { displayText, signatoryTitle } from './display.ts';
export { commissionGaps, type CommissionGap } from './commission.ts';
