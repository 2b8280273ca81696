/**
 * 004: two gaps in 001's seal triggers, closed.
 *
 * - A prescription could be moved INTO a sealed inspection (`UPDATE prescriptions SET
 *   inspection_id = <sealed>` on a draft's row): the trigger looked only at the row's old
 *   inspection, so the sealed record gained a prescription it was never sealed with.
 *   A sealed prescription's id is frozen too.
 * - A sealed inspection's `id` could change when no row referenced it yet (the foreign keys were
 *   the only guard), detaching it from its audit log, its encrypted file's associated data and
 *   its revision chain.
 *
 * What may still move after sealing is unchanged: the inspection's status, rejection notes and
 * updated_at; a prescription's status, follow-up inspection and updated_at.
 */
import type { Migration } from './types.ts';

const SEALED = 'ispezione sigillata: il contenuto non può più cambiare (serve una nuova revisione)';

/** 001's list plus `id`; spelled out here because a released migration's text never changes. */
const SEALED_COLUMNS = [
  'id',
  'visit_id',
  'revision',
  'previous_id',
  'service_id',
  'rule_set',
  'purpose',
  'date',
  'children',
  'staff_counts',
  'content_hash',
  'sealed_file',
  'sealed_at',
  'created_at',
];

const notDraft = (row: 'NEW' | 'OLD') => `(SELECT status FROM inspections WHERE id = ${row}.inspection_id) IS NOT 'draft'`;

export const migration: Migration = {
  version: 4,
  name: 'sealed_triggers_tightened',
  up(db) {
    db.exec(`
DROP TRIGGER inspections_sealed_immutable;
CREATE TRIGGER inspections_sealed_immutable BEFORE UPDATE ON inspections
WHEN OLD.status IS NOT 'draft' AND (NEW.status = 'draft' OR ${SEALED_COLUMNS.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ')})
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;

DROP TRIGGER prescriptions_sealed_update;
CREATE TRIGGER prescriptions_sealed_update BEFORE UPDATE ON prescriptions
WHEN (${notDraft('OLD')}
      AND (NEW.id IS NOT OLD.id OR NEW.inspection_id IS NOT OLD.inspection_id OR NEW.rule IS NOT OLD.rule OR NEW.text IS NOT OLD.text
           OR NEW.deadline IS NOT OLD.deadline OR NEW.created_at IS NOT OLD.created_at))
  OR (NEW.inspection_id IS NOT OLD.inspection_id AND ${notDraft('NEW')})
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
`);
  },
};
