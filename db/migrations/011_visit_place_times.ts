/**
 * 011: the place of the visit and its start and end time (issue 11: what a signed act shows).
 *
 * Three nullable columns of `inspections`, written while the visit is a draft like its date and
 * purpose, and sealed into the file's `visit` (`place`, `startTime`, `endTime`); NULL is "not
 * recorded", which is also what every row made before this version has. The CHECKs repeat the
 * contract's rules (one line of at most 200 characters, `HH:MM` on the 24-hour clock, the end after
 * the start) so that no other path stores what a sealed file could not hold.
 *
 * Once sealed they are content: `inspections_sealed_immutable` (last made by 006) is made again
 * with them in its list, and the reads of a sealed revision compare them with the file's.
 */
import type { Migration } from './types.ts';

const SEALED = 'ispezione sigillata: il contenuto non può più cambiare (serve una nuova revisione)';

/** 006's list plus the place and times. */
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
  'audit_seq',
  'audit_hash',
  'place',
  'start_time',
  'end_time',
];

const TIME = (c: string) => `${c} IS NULL OR (${c} GLOB '[0-2][0-9]:[0-5][0-9]' AND ${c} < '24:00')`;

export const migration: Migration = {
  version: 11,
  name: 'visit_place_times',
  up(db) {
    db.exec(`
ALTER TABLE inspections ADD COLUMN place TEXT CHECK (place IS NULL OR (length(place) BETWEEN 1 AND 200 AND instr(place, char(10)) = 0 AND instr(place, char(13)) = 0));
ALTER TABLE inspections ADD COLUMN start_time TEXT CHECK (${TIME('start_time')});
ALTER TABLE inspections ADD COLUMN end_time TEXT CHECK ((${TIME('end_time')}) AND (end_time IS NULL OR start_time IS NULL OR end_time > start_time));
DROP TRIGGER inspections_sealed_immutable;
CREATE TRIGGER inspections_sealed_immutable BEFORE UPDATE ON inspections
WHEN OLD.status IS NOT 'draft' AND (NEW.status = 'draft' OR ${SEALED_COLUMNS.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ')})
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
`);
  },
};
