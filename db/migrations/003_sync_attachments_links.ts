/**
 * 003: the gaps left by 002 (issue 6).
 *
 * - `outbox_attachments`: a report version stored AFTER its revision's bundle was frozen (a
 *   co-signature) is queued for the office as an attachment update of that revision. The queueing
 *   is a trigger on `attachments`, so it happens in the same transaction as the new version
 *   whatever stores it; a version already in the frozen bundle is not queued again. Rows are
 *   never deleted and their identity never changes: they are the record of what left the laptop.
 * - `sync_services.office_id`: a service created on the laptop that the office linked to a
 *   registry entry with another id (a `service_link` change). NULL: same id as the office.
 */
import type { Migration } from './types.ts';

export const OUTBOX_ATTACHMENT_STATUSES = ['in_coda', 'ricevuta', 'errore'] as const;

/** Report versions of revisions whose bundle is frozen and does not carry them. */
const NOT_IN_BUNDLE = (att: string) => `o.inspection_id = ${att}.inspection_id AND o.bundle IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM json_each(o.bundle, '$.attachments') b WHERE json_extract(b.value, '$.sha256') = ${att}.sha256)
    AND NOT EXISTS (SELECT 1 FROM outbox_attachments x WHERE x.outbox_id = o.id AND x.sha256 = ${att}.sha256)`;

export const migration: Migration = {
  version: 3,
  name: 'sync_attachments_links',
  up(db) {
    db.exec(`
CREATE TABLE outbox_attachments (
  id TEXT PRIMARY KEY,
  outbox_id TEXT NOT NULL REFERENCES outbox(id),
  attachment_id TEXT NOT NULL UNIQUE REFERENCES attachments(id),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'in_coda' CHECK (status IN (${OUTBOX_ATTACHMENT_STATUSES.map((s) => `'${s}'`).join(', ')})),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  next_attempt_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  received_at TEXT,
  UNIQUE (outbox_id, sha256)
) STRICT;
CREATE INDEX outbox_attachments_due ON outbox_attachments(status, next_attempt_at);
CREATE TRIGGER outbox_attachments_identity_immutable BEFORE UPDATE ON outbox_attachments
WHEN NEW.id IS NOT OLD.id OR NEW.outbox_id IS NOT OLD.outbox_id OR NEW.attachment_id IS NOT OLD.attachment_id
  OR NEW.sha256 IS NOT OLD.sha256 OR NEW.name IS NOT OLD.name OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'coda di invio: l''allegato in coda non cambia'); END;
CREATE TRIGGER outbox_attachments_no_delete BEFORE DELETE ON outbox_attachments
BEGIN SELECT RAISE(ABORT, 'coda di invio: le voci non si cancellano'); END;

CREATE TRIGGER outbox_report_version AFTER INSERT ON attachments WHEN NEW.kind = 'report'
BEGIN
  INSERT INTO outbox_attachments (id, outbox_id, attachment_id, sha256, name, created_at, updated_at)
    SELECT lower(hex(randomblob(16))), o.id, NEW.id, NEW.sha256, substr(NEW.name, 1, 200), NEW.created_at, NEW.created_at
    FROM outbox o WHERE ${NOT_IN_BUNDLE('NEW')};
END;

-- Co-signatures stored before this version, after their revision had left: queued now.
INSERT INTO outbox_attachments (id, outbox_id, attachment_id, sha256, name, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), o.id, a.id, a.sha256, substr(a.name, 1, 200), a.created_at, a.created_at
  FROM attachments a JOIN outbox o ON ${NOT_IN_BUNDLE('a')}
  WHERE a.kind = 'report' ORDER BY a.rowid;

ALTER TABLE sync_services ADD COLUMN office_id TEXT;
CREATE UNIQUE INDEX sync_services_office_id ON sync_services(office_id) WHERE office_id IS NOT NULL;
`);
  },
};
