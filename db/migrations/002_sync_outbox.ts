/**
 * 002: office sync (issue 6). The outbox (one row per sealed revision, with its delivery and
 * review status), the pairing settings (office URL, the device token encrypted with the data
 * key, the change cursor), the decisions received from the office, and which local services
 * the office registry owns.
 *
 * Revisions sealed before this version are queued here too: nothing sealed is left behind.
 */
import type { Migration } from './types.ts';

export const OUTBOX_STATUSES = ['in_coda', 'inviata', 'ricevuta', 'validata', 'respinta', 'conflitto', 'errore'] as const;

export const migration: Migration = {
  version: 2,
  name: 'sync_outbox',
  up(db) {
    db.exec(`
-- One row per sealed revision. in_coda → inviata (a send started) → ricevuta (office acknowledged)
-- → validata | respinta; conflitto / errore wait for a person. Rows are never deleted: they are
-- the record of what left the laptop.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL UNIQUE REFERENCES inspections(id),
  visit_id TEXT NOT NULL,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
  status TEXT NOT NULL DEFAULT 'in_coda' CHECK (status IN (${OUTBOX_STATUSES.map((s) => `'${s}'`).join(', ')})),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  -- ISO instant; NULL: due now.
  next_attempt_at TEXT,
  -- What was sent (attachments, prescriptions, service id) frozen at the first send, so that a
  -- resend after a lost answer is byte-for-byte the same request (the office answers 200, not 409).
  bundle TEXT,
  office_notes TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  received_at TEXT,
  decided_at TEXT,
  UNIQUE (visit_id, revision)
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TRIGGER outbox_sealed_only BEFORE INSERT ON outbox
WHEN COALESCE((SELECT status FROM inspections WHERE id = NEW.inspection_id), 'draft') = 'draft'
  OR (SELECT content_hash FROM inspections WHERE id = NEW.inspection_id) IS NOT NEW.content_hash
  OR (SELECT visit_id || ':' || revision FROM inspections WHERE id = NEW.inspection_id) IS NOT NEW.visit_id || ':' || NEW.revision
BEGIN SELECT RAISE(ABORT, 'coda di invio: solo una revisione sigillata, con la sua impronta, può essere messa in coda'); END;
CREATE TRIGGER outbox_identity_immutable BEFORE UPDATE ON outbox
WHEN NEW.id IS NOT OLD.id OR NEW.inspection_id IS NOT OLD.inspection_id OR NEW.visit_id IS NOT OLD.visit_id
  OR NEW.revision IS NOT OLD.revision OR NEW.content_hash IS NOT OLD.content_hash OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.bundle IS NOT NULL AND NEW.bundle IS NOT OLD.bundle)
BEGIN SELECT RAISE(ABORT, 'coda di invio: la revisione in coda e quanto già inviato non cambiano'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'coda di invio: le voci non si cancellano'); END;

-- The pairing with the office: at most one row. The device token is AES-256-GCM with the data
-- key (associated data "sync:device_token"), never in clear.
CREATE TABLE sync_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  office_url TEXT NOT NULL CHECK (office_url LIKE 'http://%' OR office_url LIKE 'https://%'),
  device_token BLOB NOT NULL CHECK (typeof(device_token) = 'blob'),
  inspector_id TEXT NOT NULL,
  inspector_name TEXT NOT NULL,
  paired_at TEXT NOT NULL,
  -- The office's change feed position, saved in the same transaction as the changes it covers.
  change_cursor INTEGER NOT NULL DEFAULT 0 CHECK (change_cursor >= 0),
  last_sync_at TEXT,
  last_error TEXT,
  last_error_at TEXT
) STRICT;

-- Every office decision received, once: a replayed change feed (after pairing again) finds it here.
CREATE TABLE sync_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_seq INTEGER NOT NULL,
  visit_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('validated', 'rejected')),
  notes TEXT,
  decided_at TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  UNIQUE (visit_id, revision, decision, decided_at)
) STRICT;
CREATE TRIGGER sync_decisions_no_update BEFORE UPDATE ON sync_decisions
BEGIN SELECT RAISE(ABORT, 'decisioni dell''ufficio: le voci non si modificano'); END;

-- Local services that are the office registry's (same id): their registry fields follow the office.
CREATE TABLE sync_services (
  service_id TEXT PRIMARY KEY REFERENCES services(id),
  office_updated_at TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;

INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), id, visit_id, revision, content_hash, sealed_at, sealed_at
  FROM inspections WHERE status <> 'draft' ORDER BY sealed_at, revision;
`);
  },
};
