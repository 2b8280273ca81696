/**
 * 001: services registry, commission members, staff roster (personal data encrypted), inspections
 * with their revision chain, answers, signatures, photos and attachments (content-addressed files,
 * rows hold the hash), prescriptions, and the append-only audit log.
 *
 * Sealed inspections are immutable here as well as in the repository: triggers refuse any change
 * to their content or to the rows that make it up, whatever code path tries.
 */
import type { Migration } from './types.ts';

const SEALED = 'ispezione sigillata: il contenuto non può più cambiare (serve una nuova revisione)';

/** Rows that belong to an inspection's content may change only while it is a draft. */
function draftOnly(table: string, column = 'inspection_id'): string {
  const notDraft = (row: 'NEW' | 'OLD') => `(SELECT status FROM inspections WHERE id = ${row}.${column}) IS NOT 'draft'`;
  return `
CREATE TRIGGER ${table}_draft_only_insert BEFORE INSERT ON ${table} WHEN ${notDraft('NEW')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER ${table}_draft_only_update BEFORE UPDATE ON ${table} WHEN ${notDraft('OLD')} OR ${notDraft('NEW')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER ${table}_draft_only_delete BEFORE DELETE ON ${table} WHEN ${notDraft('OLD')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;`;
}

/** Columns that make up a sealed inspection; only status and notes may move on after sealing. */
const SEALED_COLUMNS = [
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

export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;

CREATE TABLE services (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  type TEXT NOT NULL CHECK (type IN ('nido', 'spazio_gioco', 'centro_bambini_famiglie', 'domiciliare')),
  comune TEXT NOT NULL CHECK (length(comune) > 0),
  address TEXT NOT NULL DEFAULT '',
  referente TEXT NOT NULL DEFAULT '',
  capacity INTEGER NOT NULL CHECK (capacity > 0),
  kitchen INTEGER NOT NULL CHECK (kitchen IN (0, 1)),
  territorial_rls INTEGER NOT NULL DEFAULT 0 CHECK (territorial_rls IN (0, 1)),
  authorization_issued_on TEXT,
  accreditation_issued_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE members (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  role TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Personal data (name, title, dates, trainings) is one AES-256-GCM blob; role stays clear for counting.
CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id),
  role TEXT NOT NULL CHECK (role IN ('educatore', 'coordinatore', 'ausiliario', 'cuoco', 'altro')),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  personal BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  removed_at TEXT
) STRICT;
CREATE INDEX staff_by_service ON staff(service_id);

CREATE TABLE inspections (
  id TEXT PRIMARY KEY,
  visit_id TEXT NOT NULL,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  previous_id TEXT REFERENCES inspections(id),
  service_id TEXT NOT NULL REFERENCES services(id),
  rule_set TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('autorizzazione', 'accreditamento', 'verifica_periodica')),
  date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sealed', 'queued', 'synced', 'validated', 'rejected')),
  children TEXT NOT NULL DEFAULT '[]',
  staff_counts TEXT NOT NULL DEFAULT '{}',
  rejection_notes TEXT,
  content_hash TEXT,
  sealed_file BLOB,
  sealed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (visit_id, revision),
  CHECK ((status = 'draft') = (sealed_at IS NULL)),
  CHECK ((status = 'draft') = (content_hash IS NULL)),
  CHECK ((previous_id IS NULL) = (revision = 1))
) STRICT;
CREATE INDEX inspections_by_service ON inspections(service_id, date);
-- A revision chain never forks: at most one revision points to a given one.
CREATE UNIQUE INDEX inspections_one_successor ON inspections(previous_id) WHERE previous_id IS NOT NULL;

CREATE TRIGGER inspections_sealed_immutable BEFORE UPDATE ON inspections
WHEN OLD.status IS NOT 'draft' AND (NEW.status = 'draft' OR ${SEALED_COLUMNS.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ')})
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER inspections_sealed_no_delete BEFORE DELETE ON inspections WHEN OLD.status IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;

CREATE TABLE inspection_members (
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  member_id TEXT NOT NULL REFERENCES members(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (inspection_id, member_id)
) STRICT;

CREATE TABLE inspection_staff (
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  staff_id TEXT NOT NULL REFERENCES staff(id),
  PRIMARY KEY (inspection_id, staff_id)
) STRICT;

CREATE TABLE answers (
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  item_id TEXT NOT NULL,
  value TEXT,            -- JSON of the answer value ("yes", 3, "2024-01-01"), NULL when only a note
  note TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  PRIMARY KEY (inspection_id, item_id)
) STRICT;

CREATE TABLE signatures (
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  signatory TEXT NOT NULL CHECK (signatory IN ('referente_comune', 'pedagogista', 'referente_servizio')),
  name TEXT NOT NULL,
  strokes TEXT NOT NULL,
  PRIMARY KEY (inspection_id, signatory)
) STRICT;

CREATE TABLE photos (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  item_id TEXT,
  mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
  size INTEGER NOT NULL CHECK (size > 0),
  caption TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX photos_by_inspection ON photos(inspection_id);
CREATE INDEX photos_by_sha ON photos(sha256);

-- Files that come after the visit (the signed report, documents): allowed on sealed inspections,
-- but once attached they stay.
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  kind TEXT NOT NULL CHECK (kind IN ('report', 'document')),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  mime TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_by_inspection ON attachments(inspection_id);
CREATE TRIGGER attachments_sealed_no_change BEFORE UPDATE ON attachments
WHEN (SELECT status FROM inspections WHERE id = OLD.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER attachments_sealed_no_delete BEFORE DELETE ON attachments
WHEN (SELECT status FROM inspections WHERE id = OLD.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;

CREATE TABLE prescriptions (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  rule TEXT NOT NULL CHECK (length(rule) > 0),
  text TEXT NOT NULL CHECK (length(text) > 0),
  deadline TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled')),
  follow_up_inspection_id TEXT REFERENCES inspections(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX prescriptions_by_inspection ON prescriptions(inspection_id);
-- What the commission prescribed is part of the sealed record; whether it was fulfilled is not.
CREATE TRIGGER prescriptions_sealed_insert BEFORE INSERT ON prescriptions
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER prescriptions_sealed_update BEFORE UPDATE ON prescriptions
WHEN (SELECT status FROM inspections WHERE id = OLD.inspection_id) IS NOT 'draft'
  AND (NEW.inspection_id IS NOT OLD.inspection_id OR NEW.rule IS NOT OLD.rule OR NEW.text IS NOT OLD.text OR NEW.deadline IS NOT OLD.deadline OR NEW.created_at IS NOT OLD.created_at)
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER prescriptions_sealed_delete BEFORE DELETE ON prescriptions
WHEN (SELECT status FROM inspections WHERE id = OLD.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;

-- Every change to an inspection, in order. Append-only, enforced here.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  inspection_id TEXT NOT NULL,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_inspection ON audit_log(inspection_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'registro delle modifiche: le voci non si modificano'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'registro delle modifiche: le voci non si cancellano'); END;
${['inspection_members', 'inspection_staff', 'answers', 'signatures', 'photos'].map((t) => draftOnly(t)).join('\n')}
`);
  },
};
