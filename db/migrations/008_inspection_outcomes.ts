/**
 * 008: what the lists show per sealed revision, stored instead of recomputed per request.
 *
 * `inspection_outcomes` holds the count of each rule outcome (pass, warn, fail, na) of a sealed
 * revision's file, written in the seal's own transaction. It is derived data: the sealed file
 * stays the record, and a row is used only while its `content_hash` is the revision's and its
 * `evaluation` is the build's (host/handlers/context.ts `OUTCOMES_EVALUATION`); otherwise the host
 * evaluates the file again and rewrites the row. So it lives beside `inspections`, whose sealed
 * rows the triggers of 004/006 keep immutable, and nothing of theirs is loosened to store it.
 * Revisions sealed before this version get their rows lazily, the first time a list needs them:
 * the rules are TypeScript (shared/rules), not SQL, and a migration must not depend on code that
 * changes after it is released.
 *
 * The partial indexes serve the services list: the Art. 17 look-ups per service (latest visit up
 * to today, the visits of this calendar year) and the open prescriptions (few, whatever the
 * history), instead of a scan of every sealed revision.
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 8,
  name: 'inspection_outcomes',
  up(db) {
    db.exec(`
CREATE TABLE inspection_outcomes (
  inspection_id TEXT PRIMARY KEY REFERENCES inspections(id),
  content_hash TEXT NOT NULL,
  evaluation INTEGER NOT NULL,
  pass INTEGER NOT NULL CHECK (pass >= 0),
  warn INTEGER NOT NULL CHECK (warn >= 0),
  fail INTEGER NOT NULL CHECK (fail >= 0),
  na INTEGER NOT NULL CHECK (na >= 0)
);
-- Only for a sealed revision, and only for the file it has: a row for a draft, or one carrying
-- another hash, would be shown for something it was not computed from.
CREATE TRIGGER inspection_outcomes_sealed_insert BEFORE INSERT ON inspection_outcomes
WHEN NOT EXISTS (SELECT 1 FROM inspections i WHERE i.id = NEW.inspection_id AND i.status <> 'draft' AND i.content_hash = NEW.content_hash)
BEGIN SELECT RAISE(ABORT, 'esiti: solo per una revisione sigillata, con la sua impronta'); END;
CREATE TRIGGER inspection_outcomes_sealed_update BEFORE UPDATE ON inspection_outcomes
WHEN NEW.inspection_id IS NOT OLD.inspection_id
  OR NOT EXISTS (SELECT 1 FROM inspections i WHERE i.id = NEW.inspection_id AND i.status <> 'draft' AND i.content_hash = NEW.content_hash)
BEGIN SELECT RAISE(ABORT, 'esiti: solo per una revisione sigillata, con la sua impronta'); END;
CREATE INDEX inspections_done_by_service ON inspections (service_id, date) WHERE status <> 'draft';
CREATE INDEX prescriptions_open ON prescriptions (inspection_id) WHERE status = 'open';
`);
  },
};
