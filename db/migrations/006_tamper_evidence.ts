/**
 * 006: tamper evidence.
 *
 * - INSERT OR REPLACE from a connection without `recursive_triggers` (the sqlite3 shell's default)
 *   deletes the conflicting row without firing any DELETE trigger, so a sealed inspection, an
 *   audit entry, an attachment or an outbox row could be rewritten in one statement. BEFORE
 *   INSERT triggers now refuse an insert that collides (on any unique key) with such a row.
 * - The audit log becomes a hash chain (`prev_hash`, `hash`: shared/audit-chain.ts); entries
 *   written before this version are chained here, in seq order. An insert must continue the
 *   chain (next seq, previous hash), so a forged entry cannot be slipped in by plain SQL.
 * - Each seal records the chain head (`audit_seq`, `audit_hash`: its own «sigillata» entry), which
 *   travels to the office; revisions sealed before this version get their «sigillata» entry.
 *
 * Whoever can write the file can also drop these triggers: the reads of a sealed revision check
 * its content against its hash, and `vigilanza doctor` checks the whole folder.
 */
import { AUDIT_GENESIS, chainHash, entryDigest } from '../../shared/audit-chain.ts';
import type { Migration } from './types.ts';

const SEALED = 'ispezione sigillata: il contenuto non può più cambiare (serve una nuova revisione)';

/** 004's list plus the seal's chain head. */
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
];

const noReplace = (table: string, collides: string, message: string) => `
CREATE TRIGGER ${table}_no_replace BEFORE INSERT ON ${table}
WHEN EXISTS (SELECT 1 FROM ${table} AS old WHERE ${collides})
BEGIN SELECT RAISE(ABORT, '${message}'); END;`;

const sealedRow = (alias: string) => `(SELECT status FROM inspections WHERE id = ${alias}.inspection_id) IS NOT 'draft'`;

export const migration: Migration = {
  version: 6,
  name: 'tamper_evidence',
  up(db) {
    db.exec(`
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE inspections ADD COLUMN audit_seq INTEGER;
ALTER TABLE inspections ADD COLUMN audit_hash TEXT;
DROP TRIGGER audit_log_no_update;
`);
    const rows = db.prepare('SELECT seq, inspection_id AS inspectionId, at, action, detail FROM audit_log ORDER BY seq').all() as Array<{
      seq: number;
      inspectionId: string;
      at: string;
      action: string;
      detail: string;
    }>;
    const set = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
    let previous = AUDIT_GENESIS;
    for (const e of rows) {
      const hash = chainHash(previous, entryDigest(e));
      set.run(previous, hash, e.seq);
      previous = hash;
    }
    // A revision sealed before this version: its head is its (last) «sigillata» entry.
    db.exec(`
UPDATE inspections SET (audit_seq, audit_hash) =
  (SELECT a.seq, a.hash FROM audit_log a WHERE a.inspection_id = inspections.id AND a.action = 'sigillata' ORDER BY a.seq DESC LIMIT 1)
WHERE status <> 'draft';

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'registro delle modifiche: le voci non si modificano'); END;
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT COALESCE((SELECT max(seq) FROM audit_log), 0) + 1
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '${AUDIT_GENESIS}')
  OR NEW.hash IS NULL OR length(NEW.hash) <> 64
BEGIN SELECT RAISE(ABORT, 'registro delle modifiche: ogni voce prosegue la catena (seq successivo, impronta della precedente)'); END;
-- After audit_log_chained: SQLite runs the newest trigger first, and a collision says so.
${noReplace('audit_log', 'old.seq = NEW.seq', 'registro delle modifiche: le voci non si sostituiscono')}

DROP TRIGGER inspections_sealed_immutable;
CREATE TRIGGER inspections_sealed_immutable BEFORE UPDATE ON inspections
WHEN OLD.status IS NOT 'draft' AND (NEW.status = 'draft' OR ${SEALED_COLUMNS.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ')})
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
${noReplace('inspections', `old.status IS NOT 'draft' AND (old.id = NEW.id OR (old.visit_id = NEW.visit_id AND old.revision = NEW.revision) OR old.previous_id = NEW.previous_id)`, SEALED)}
${noReplace('photos', `old.id = NEW.id AND ${sealedRow('old')}`, SEALED)}
${noReplace('prescriptions', `old.id = NEW.id AND ${sealedRow('old')}`, SEALED)}
${noReplace('attachments', 'old.id = NEW.id', 'allegato: una volta registrato non si sostituisce')}
${noReplace('outbox', 'old.id = NEW.id OR old.inspection_id = NEW.inspection_id OR (old.visit_id = NEW.visit_id AND old.revision = NEW.revision)', 'coda di invio: le voci non si sostituiscono')}
${noReplace('outbox_attachments', 'old.id = NEW.id OR old.attachment_id = NEW.attachment_id OR (old.outbox_id = NEW.outbox_id AND old.sha256 = NEW.sha256)', 'coda di invio: le voci non si sostituiscono')}
${noReplace('sync_decisions', 'old.id = NEW.id OR (old.visit_id = NEW.visit_id AND old.revision = NEW.revision AND old.decision = NEW.decision AND old.decided_at = NEW.decided_at)', "decisioni dell''ufficio: le voci non si sostituiscono")}
`);
  },
};
