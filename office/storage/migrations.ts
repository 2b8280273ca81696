/**
 * Office database migrations: append-only, numbered, one list for both engines (the SQL differs
 * only where the engines do). Never edit a released migration; add the next number.
 * A database whose version is higher than the last one here was written by a newer office
 * server and is refused rather than guessed at.
 */
import type { Db, Sql } from './db.ts';
import { serviceKey } from './keys.ts';

export interface Migration {
  version: number;
  name: string;
  sqlite: string[];
  postgres: string[];
  /** Data the statements cannot compute, filled in the same transaction (both engines). */
  fill?: (sql: Sql) => Promise<void>;
}

const common1 = [
  `CREATE TABLE inspectors (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     inspector_id TEXT NOT NULL REFERENCES inspectors(id),
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT)`,
  `CREATE TABLE pairing_codes (
     code_hash TEXT PRIMARY KEY,
     inspector_id TEXT NOT NULL REFERENCES inspectors(id),
     expires_at TEXT NOT NULL,
     used_at TEXT,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE clerks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     clerk_id TEXT NOT NULL REFERENCES clerks(id),
     csrf TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE services (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     data TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL)`,
  `CREATE TABLE revisions (
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     content_hash TEXT NOT NULL,
     bundle_hash TEXT NOT NULL,
     file TEXT NOT NULL,
     service_id TEXT,
     service_name TEXT NOT NULL,
     comune TEXT,
     visit_date TEXT NOT NULL,
     purpose TEXT NOT NULL,
     inspector_id TEXT NOT NULL REFERENCES inspectors(id),
     device_id TEXT NOT NULL,
     received_at TEXT NOT NULL,
     review_status TEXT NOT NULL,
     review_notes TEXT,
     reviewed_by TEXT,
     reviewed_at TEXT,
     PRIMARY KEY (inspection_id, revision))`,
  `CREATE INDEX revisions_status ON revisions (review_status, received_at)`,
  `CREATE INDEX revisions_service ON revisions (service_id)`,
  `CREATE TABLE attachments (
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     position INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     size INTEGER NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     PRIMARY KEY (inspection_id, revision, position),
     FOREIGN KEY (inspection_id, revision) REFERENCES revisions (inspection_id, revision))`,
  `CREATE TABLE prescriptions (
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     position INTEGER NOT NULL,
     rule TEXT NOT NULL,
     text TEXT NOT NULL,
     deadline TEXT NOT NULL,
     PRIMARY KEY (inspection_id, revision, position),
     FOREIGN KEY (inspection_id, revision) REFERENCES revisions (inspection_id, revision))`,
  `CREATE TABLE review_events (
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     at TEXT NOT NULL,
     clerk_id TEXT NOT NULL,
     action TEXT NOT NULL,
     notes TEXT)`,
];

/**
 * `device_audit_points`: positions of each device's audit chain the office has received (the start
 * and the head of each revision's segment); the first value received for a position is kept.
 * `revisions.audit_status`: coerente (links to a known position), non_collegata (nothing to link
 * to yet), riscritta (the laptop's history was rewritten after it sent earlier revisions); NULL:
 * sent without a segment (older laptops).
 */
const AUDIT_POINTS = [
  'ALTER TABLE revisions ADD COLUMN audit_status TEXT',
  'ALTER TABLE revisions ADD COLUMN audit_note TEXT',
  `CREATE TABLE device_audit_points (
     device_id TEXT NOT NULL,
     seq BIGINT NOT NULL,
     hash TEXT NOT NULL,
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     PRIMARY KEY (device_id, seq))`,
];

/**
 * The dashboards read what the latest revision of each visit says (Art. 17 dates, open
 * prescriptions); `putRevision` keeps these two tables in step, so a page reads the rows it shows
 * instead of every revision ever received. `revisions.service_key` (the folded name, see keys.ts)
 * and the (service, visit date) indexes answer "the first visit of this service after a deadline"
 * with one index seek.
 */
const SUMMARIES = [
  'ALTER TABLE revisions ADD COLUMN service_key TEXT',
  // With inspection_id: the follow-up lookup reads the index alone, never the revision rows.
  'CREATE INDEX revisions_service_visit ON revisions (service_id, visit_date, inspection_id)',
  'CREATE INDEX revisions_key_visit ON revisions (service_key, visit_date, inspection_id)',
  `CREATE TABLE latest_revisions (
     inspection_id TEXT PRIMARY KEY,
     revision INTEGER NOT NULL,
     service_id TEXT,
     service_name TEXT NOT NULL,
     comune TEXT,
     visit_date TEXT NOT NULL)`,
  'CREATE INDEX latest_revisions_service ON latest_revisions (service_id, visit_date)',
  'CREATE INDEX latest_revisions_visit ON latest_revisions (visit_date)',
  `CREATE TABLE latest_prescriptions (
     inspection_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     revision INTEGER NOT NULL,
     rule TEXT NOT NULL,
     text TEXT NOT NULL,
     deadline TEXT NOT NULL,
     service_id TEXT,
     service_name TEXT NOT NULL,
     comune TEXT,
     visit_date TEXT NOT NULL,
     PRIMARY KEY (inspection_id, position))`,
  'CREATE INDEX latest_prescriptions_deadline ON latest_prescriptions (deadline, inspection_id, position)',
  `INSERT INTO latest_revisions (inspection_id, revision, service_id, service_name, comune, visit_date)
     SELECT r.inspection_id, r.revision, r.service_id, r.service_name, r.comune, r.visit_date FROM revisions r
     WHERE r.revision = (SELECT MAX(r2.revision) FROM revisions r2 WHERE r2.inspection_id = r.inspection_id)`,
  `INSERT INTO latest_prescriptions (inspection_id, position, revision, rule, text, deadline, service_id, service_name, comune, visit_date)
     SELECT p.inspection_id, p.position, p.revision, p.rule, p.text, p.deadline, l.service_id, l.service_name, l.comune, l.visit_date
     FROM prescriptions p JOIN latest_revisions l ON l.inspection_id = p.inspection_id AND l.revision = p.revision`,
];

/**
 * An installation applies one territory's regulation (shared/territories). Offices made before
 * territories hold the Zona's visits: one with any inspector, service or revision is recorded as
 * the Zona's. A new, empty office has no row yet: its first start records the territory it is given
 * (`--territory`, the Zona by default), and a later start with another is refused (OfficeStore.territory).
 */
const OFFICE_TERRITORY = [
  `CREATE TABLE office_settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL)`,
  `INSERT INTO office_settings (key, value)
     SELECT 'territory', 'zona-fse'
     WHERE EXISTS (SELECT 1 FROM inspectors) OR EXISTS (SELECT 1 FROM services) OR EXISTS (SELECT 1 FROM revisions)`,
];

/**
 * The act's registration at the Comune's protocol, per validated revision: the number as the
 * protocol writes it, its date (ISO), who recorded it and when. A correction is a new row (the
 * history stays); the latest row is the registration. Never inside the signed PDF: the report's
 * bytes are what the inspectors signed. Each registration is also a `review_events` row ('protocollo').
 */
function actRegistrations(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE act_registrations (
       id ${serial},
       inspection_id TEXT NOT NULL,
       revision INTEGER NOT NULL,
       protocol_number TEXT NOT NULL,
       protocol_date TEXT NOT NULL,
       clerk_id TEXT NOT NULL REFERENCES clerks(id),
       registered_at TEXT NOT NULL,
       FOREIGN KEY (inspection_id, revision) REFERENCES revisions (inspection_id, revision))`,
    // The latest registration of a revision is one seek: (inspection, revision) then the highest id.
    'CREATE INDEX act_registrations_revision ON act_registrations (inspection_id, revision, id)',
  ];
}

/** One update per distinct name (a Zona has hundreds), not per revision. */
async function fillServiceKeys(sql: Sql): Promise<void> {
  const names = await sql.all<{ service_name: string }>('SELECT DISTINCT service_name FROM revisions');
  for (const { service_name } of names)
    await sql.run('UPDATE revisions SET service_key = ? WHERE service_name = ?', [serviceKey(service_name), service_name]);
}

/**
 * `services.name_key`: the registry entry's name folded as `serviceKey` does (keys.ts), so that
 * "the same structure" (name, Comune and type, ignoring case and outer spaces) is found by an
 * index seek on the name, with Comune and type compared on the few rows it finds.
 */
const SERVICE_NAME_KEYS = ['ALTER TABLE services ADD COLUMN name_key TEXT', 'CREATE INDEX services_name_key ON services (name_key)'];

async function fillServiceNameKeys(sql: Sql): Promise<void> {
  for (const { id, name } of await sql.all<{ id: string; name: string }>('SELECT id, name FROM services'))
    await sql.run('UPDATE services SET name_key = ? WHERE id = ?', [serviceKey(name), id]);
}

/**
 * `latest_prescriptions.follow_up`: for a prescription of a registry service, the first visit of
 * that service (another visit, any revision) dated from its deadline on. `putRevision` sets it on
 * the rows it writes and lowers it on the service's rows when a visit arrives; the overdue list and
 * its CSV read it. Rows of unlinked visits (a handful) still look theirs up by name key.
 */
const FOLLOW_UPS = [
  'ALTER TABLE latest_prescriptions ADD COLUMN follow_up TEXT',
  'CREATE INDEX latest_prescriptions_service ON latest_prescriptions (service_id, deadline)',
  `UPDATE latest_prescriptions SET follow_up = (SELECT r.visit_date FROM revisions r
     WHERE r.service_id = latest_prescriptions.service_id AND r.visit_date >= latest_prescriptions.deadline
       AND r.inspection_id <> latest_prescriptions.inspection_id ORDER BY r.visit_date LIMIT 1)
   WHERE service_id IS NOT NULL`,
];

/**
 * Planning at the office (issue 14): the people a commission is made of (Art. 15: pedagogical zonal
 * referent, technical referents of the Comuni, ASL, others), optionally linked to an inspector's
 * account; the planned visits with their commission (one row per member, so "who is booked that
 * half-day" is an index seek); and the audit of every planning write (who, when, what, the values).
 * `demo` marks rows made by `vigilanza office demo`: never sent, never mailed.
 */
function planning(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE office_people (
       id TEXT PRIMARY KEY,
       name TEXT NOT NULL,
       role TEXT NOT NULL,
       comune TEXT,
       email TEXT NOT NULL,
       inspector_id TEXT REFERENCES inspectors(id),
       demo INTEGER NOT NULL DEFAULT 0,
       created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    `CREATE TABLE planned_visits (
       id TEXT PRIMARY KEY,
       service_id TEXT NOT NULL REFERENCES services(id),
       purpose TEXT NOT NULL,
       visit_date TEXT NOT NULL,
       start_time TEXT NOT NULL,
       end_time TEXT NOT NULL,
       reason TEXT NOT NULL,
       status TEXT NOT NULL,
       demo INTEGER NOT NULL DEFAULT 0,
       created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    'CREATE INDEX planned_visits_date ON planned_visits (visit_date, id)',
    'CREATE INDEX planned_visits_service ON planned_visits (service_id, visit_date)',
    `CREATE TABLE planned_visit_members (
       visit_id TEXT NOT NULL REFERENCES planned_visits(id),
       person_id TEXT NOT NULL REFERENCES office_people(id),
       position INTEGER NOT NULL,
       PRIMARY KEY (visit_id, person_id))`,
    'CREATE INDEX planned_visit_members_person ON planned_visit_members (person_id, visit_id)',
    `CREATE TABLE planning_events (
       id ${serial},
       at TEXT NOT NULL,
       clerk_id TEXT REFERENCES clerks(id),
       actor TEXT NOT NULL,
       action TEXT NOT NULL,
       entity TEXT NOT NULL,
       entity_id TEXT NOT NULL,
       data TEXT NOT NULL)`,
    'CREATE INDEX planning_events_entity ON planning_events (entity, entity_id, id)',
  ];
}

/**
 * Which received visit fulfils a planned visit (issue 14): one visit per plan and one plan per visit.
 * `how` is `plan` when the laptop started the visit from the plan (its file names it, and the sending
 * inspector is on the commission), `matched` when the office found the plan itself (same service, an
 * accepted plan within a few days of the visit date, not fulfilled yet).
 */
const PLAN_FULFILMENTS = [
  `CREATE TABLE plan_fulfilments (
     plan_id TEXT PRIMARY KEY REFERENCES planned_visits(id),
     inspection_id TEXT NOT NULL UNIQUE REFERENCES visits(inspection_id),
     revision INTEGER NOT NULL,
     how TEXT NOT NULL,
     linked_at TEXT NOT NULL)`,
];

/**
 * Follow-ups (issue 14). `planned_visits.follow_up_of`: a follow-up's origin (JSON: the visit whose
 * prescriptions it verifies, its date and their positions), so a saved follow-up settles the
 * proposal of that visit. `prescription_verifications`: what a later visit found of a prescription
 * (`inspection_id`, `position` as in `prescriptions`), one row per verifying visit, written from the
 * latest revision of that visit (`verifications` of its file): «ottemperata», or «non ottemperata»
 * with the consequence the territory's data gave (act and article). The overdue list reads the
 * latest row of each prescription.
 */
const VERIFICATIONS = [
  'ALTER TABLE planned_visits ADD COLUMN follow_up_of TEXT',
  `CREATE TABLE prescription_verifications (
     inspection_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     by_inspection_id TEXT NOT NULL,
     by_revision INTEGER NOT NULL,
     visit_date TEXT NOT NULL,
     outcome TEXT NOT NULL,
     note TEXT,
     act TEXT,
     article TEXT,
     PRIMARY KEY (inspection_id, position, by_inspection_id))`,
  'CREATE INDEX prescription_verifications_by ON prescription_verifications (by_inspection_id)',
];

/**
 * Long-term validation of received reports (PAdES B-LTA, ETSI EN 319 142-1 §5.4): one queue row per
 * received report version, which the office's background job augments (DSS, then a document
 * timestamp) and later renews; the version it makes is one more attachment row (`derived_from`: the
 * received version it was made from, which stays the evidence). Reports already received are queued.
 */
const REPORT_AUGMENTATIONS = [
  `CREATE TABLE report_augmentations (
     inspection_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     sha256 TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_try_at TEXT NOT NULL,
     last_error TEXT,
     result_sha256 TEXT,
     level TEXT,
     timestamp_expires_at TEXT,
     queued_at TEXT NOT NULL,
     done_at TEXT,
     PRIMARY KEY (inspection_id, revision, sha256),
     FOREIGN KEY (inspection_id, revision) REFERENCES revisions (inspection_id, revision))`,
  'CREATE INDEX report_augmentations_due ON report_augmentations (status, next_try_at)',
  'CREATE INDEX report_augmentations_expiry ON report_augmentations (timestamp_expires_at)',
  'ALTER TABLE attachments ADD COLUMN derived_from TEXT',
  `INSERT INTO report_augmentations (inspection_id, revision, sha256, status, next_try_at, queued_at)
     SELECT a.inspection_id, a.revision, a.sha256, 'in_attesa', r.received_at, r.received_at
     FROM attachments a JOIN revisions r ON r.inspection_id = a.inspection_id AND r.revision = a.revision
     WHERE a.kind = 'report'
     GROUP BY a.inspection_id, a.revision, a.sha256, r.received_at`,
];

/**
 * Telling people (issue 14): each person's calendar feed secret (only its SHA-256: the URL is a
 * bearer credential, and a copied database must not open the feeds); the e-mail or PEC address of
 * a registry entry (office-only: it never goes on the change feed to the laptops); what each
 * member was last told of a planned visit (to tell a move or a cancellation from a first notice);
 * and the outbox, every message with its outcome, drained by office/mail.ts with retries.
 */
function telling(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE calendar_secrets (
       person_id TEXT PRIMARY KEY REFERENCES office_people(id),
       secret_hash TEXT NOT NULL UNIQUE,
       created_at TEXT NOT NULL)`,
    `CREATE TABLE service_mail (
       service_id TEXT PRIMARY KEY REFERENCES services(id),
       address TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    `CREATE TABLE planned_visit_notices (
       visit_id TEXT NOT NULL REFERENCES planned_visits(id),
       person_id TEXT NOT NULL REFERENCES office_people(id),
       visit_date TEXT NOT NULL,
       start_time TEXT NOT NULL,
       end_time TEXT NOT NULL,
       sequence INTEGER NOT NULL,
       cancelled INTEGER NOT NULL DEFAULT 0,
       PRIMARY KEY (visit_id, person_id))`,
    `CREATE TABLE mail_outbox (
       id ${serial},
       kind TEXT NOT NULL,
       entity TEXT NOT NULL,
       entity_id TEXT NOT NULL,
       recipient TEXT NOT NULL,
       subject TEXT NOT NULL,
       body TEXT NOT NULL,
       attachments TEXT NOT NULL,
       status TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       last_error TEXT,
       next_attempt_at TEXT,
       created_at TEXT NOT NULL,
       sent_at TEXT)`,
    'CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at)',
    'CREATE INDEX mail_outbox_created ON mail_outbox (created_at, id)',
  ];
}

/**
 * The yearly regional census of early-childhood services (issue 15, shared/census): clerks get a role
 * (`office`: a full office clerk, as every clerk before this migration; `reviewer`: a zonal or regional
 * reviewer of the census; `comune`: a Comune's user, bound to `comune`) and an `email`. Per campaign and Comune: the
 * CPT membership (`census_comuni`), the two sheets with their state, the data being filled and, once
 * sent, the snapshot that is validated and exported (`census_sheets`); every transition audited
 * (`census_events`: who, when, from, to, notes). The monthly attendance the office records or imports
 * per registry service (`census_attendance`), which the SERVIZI averages read.
 */
function census(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    "ALTER TABLE clerks ADD COLUMN role TEXT NOT NULL DEFAULT 'office'",
    'ALTER TABLE clerks ADD COLUMN comune TEXT',
    // The address a rejection's correction notes are e-mailed to (§13); none: the message is `unsendable`.
    'ALTER TABLE clerks ADD COLUMN email TEXT',
    `CREATE TABLE census_comuni (
       campaign_id TEXT NOT NULL,
       comune_key TEXT NOT NULL,
       comune TEXT NOT NULL,
       cpt INTEGER NOT NULL DEFAULT 0,
       updated_at TEXT NOT NULL,
       PRIMARY KEY (campaign_id, comune_key))`,
    `CREATE TABLE census_sheets (
       campaign_id TEXT NOT NULL,
       comune_key TEXT NOT NULL,
       kind TEXT NOT NULL,
       state TEXT NOT NULL,
       data TEXT NOT NULL,
       snapshot TEXT,
       notes TEXT,
       updated_at TEXT NOT NULL,
       PRIMARY KEY (campaign_id, comune_key, kind))`,
    `CREATE TABLE census_events (
       id ${serial},
       campaign_id TEXT NOT NULL,
       comune_key TEXT NOT NULL,
       kind TEXT NOT NULL,
       at TEXT NOT NULL,
       clerk_id TEXT REFERENCES clerks(id),
       actor TEXT NOT NULL,
       action TEXT NOT NULL,
       from_state TEXT NOT NULL,
       to_state TEXT NOT NULL,
       notes TEXT)`,
    'CREATE INDEX census_events_sheet ON census_events (campaign_id, comune_key, kind, id)',
    `CREATE TABLE census_attendance (
       service_id TEXT NOT NULL REFERENCES services(id),
       month TEXT NOT NULL,
       children INTEGER NOT NULL,
       source TEXT NOT NULL,
       clerk_id TEXT REFERENCES clerks(id),
       recorded_at TEXT NOT NULL,
       PRIMARY KEY (service_id, month))`,
  ];
}

/**
 * The review queue's tab counts (issue 16): how many revisions are in each review status, kept by
 * every write that changes a status (a push adds one `ricevuta`, taking in review and deciding move
 * one), in the same transaction, so the queue page reads a few rows instead of counting every
 * revision. Each status is spread over REVIEW_COUNT_SLOTS rows (the slot is a hash of the visit's
 * id, `reviewCountSlot`) and a count is their sum: concurrent pushes on PostgreSQL then lock
 * different rows instead of queueing on one hot row until each commit. A slot's own value may go
 * negative (the fill puts the existing revisions in slot 0); only the sum means anything.
 */
const REVIEW_COUNTS = [
  `CREATE TABLE review_counts (
     status TEXT NOT NULL,
     slot INTEGER NOT NULL,
     n BIGINT NOT NULL,
     PRIMARY KEY (status, slot))`,
  `INSERT INTO review_counts (status, slot, n) SELECT review_status, 0, COUNT(*) FROM revisions GROUP BY review_status`,
];

/**
 * SQLite only: every column the overdue-prescriptions CSV reads, in the list's order, so that its
 * 31,000 rows at 200,000 revisions come from the index alone (measured: the rows' read 121 → 74 ms
 * of CPU) instead of one table lookup each. Not on PostgreSQL: a B-tree entry there is limited to
 * about 2.7 kB and a prescription's text may be longer (a push would fail).
 */
const OVERDUE_CSV_INDEX = [
  `CREATE INDEX latest_prescriptions_export ON latest_prescriptions
     (deadline, inspection_id, position, service_name, comune, visit_date, revision, rule, text, service_id, follow_up)`,
];

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'inspectors, devices, clerks, services, revisions, attachments, prescriptions, change feed',
    sqlite: [
      ...common1,
      `CREATE TABLE changes (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         kind TEXT NOT NULL,
         entity TEXT NOT NULL,
         audience TEXT,
         payload TEXT NOT NULL,
         created_at TEXT NOT NULL)`,
      `CREATE INDEX changes_entity ON changes (kind, entity)`,
    ],
    postgres: [
      ...common1,
      `CREATE TABLE changes (
         seq BIGSERIAL PRIMARY KEY,
         kind TEXT NOT NULL,
         entity TEXT NOT NULL,
         audience TEXT,
         payload TEXT NOT NULL,
         created_at TEXT NOT NULL)`,
      `CREATE INDEX changes_entity ON changes (kind, entity)`,
    ],
  },
  {
    version: 2,
    name: 'attachment versions added after a revision was received (co-signed reports)',
    // NULL for the attachments that came with the revision; set for each later version, which
    // only ever appends (a new position), so what the office received first stays as it was.
    sqlite: ['ALTER TABLE attachments ADD COLUMN added_at TEXT', 'ALTER TABLE attachments ADD COLUMN added_by_device TEXT'],
    postgres: ['ALTER TABLE attachments ADD COLUMN added_at TEXT', 'ALTER TABLE attachments ADD COLUMN added_by_device TEXT'],
  },
  {
    version: 3,
    name: 'visit owners (the laptop of the first revision), their audited transfers, and who holds which attachment',
    sqlite: migration3('sqlite'),
    postgres: migration3('postgres'),
  },
  {
    version: 4,
    name: "laptops' audit chain heads: a revision whose history does not link to what the device sent before is marked",
    sqlite: AUDIT_POINTS,
    postgres: AUDIT_POINTS,
  },
  {
    version: 5,
    name: 'dashboard summaries: the latest revision of each visit and its prescriptions, service keys and the indexes the dashboards read',
    sqlite: SUMMARIES,
    postgres: SUMMARIES,
    fill: fillServiceKeys,
  },
  {
    version: 6,
    name: "services' folded name, indexed: a push links its service with one index seek instead of reading the registry",
    sqlite: SERVICE_NAME_KEYS,
    postgres: SERVICE_NAME_KEYS,
    fill: fillServiceNameKeys,
  },
  {
    version: 7,
    name: 'latest prescriptions keep their follow-up visit (linked services), updated by each push: the export reads it instead of seeking it per row',
    sqlite: FOLLOW_UPS,
    postgres: FOLLOW_UPS,
  },
  {
    version: 8,
    name: "the office's territory: one per installation; an office that already holds data is the Zona's",
    sqlite: OFFICE_TERRITORY,
    postgres: OFFICE_TERRITORY,
  },
  {
    version: 9,
    name: "acts registered at the Comune's protocol: number and date per validated revision, corrections kept as history",
    sqlite: actRegistrations('sqlite'),
    postgres: actRegistrations('postgres'),
  },
  {
    version: 10,
    name: 'office planning: the people of the commissions, planned visits with their members, and the audit of planning writes',
    sqlite: planning('sqlite'),
    postgres: planning('postgres'),
  },
  {
    version: 11,
    name: 'received reports queued for long-term validation (DSS and document timestamp made by the office, retried on failure, renewed before the timestamp expires)',
    sqlite: REPORT_AUGMENTATIONS,
    postgres: REPORT_AUGMENTATIONS,
  },
  {
    version: 12,
    name: 'telling people: calendar feed secrets (hashed), the e-mail/PEC address of registry entries, what each member was told of a planned visit, and the mail outbox with every outcome',
    sqlite: telling('sqlite'),
    postgres: telling('postgres'),
  },
  {
    version: 13,
    name: 'a planned visit fulfilled by a received visit (named by the laptop that started it from the plan, or matched by the office)',
    sqlite: PLAN_FULFILMENTS,
    postgres: PLAN_FULFILMENTS,
  },
  {
    version: 14,
    name: 'follow-ups: the origin of a planned follow-up visit, and the verification of each prescription by a later visit',
    sqlite: VERIFICATIONS,
    postgres: VERIFICATIONS,
  },
  {
    version: 15,
    name: "regional census of early-childhood services: clerks' roles (office, reviewer, Comune user), the sheets of each Comune with their audited transitions, monthly attendance",
    sqlite: census('sqlite'),
    postgres: census('postgres'),
  },
  {
    version: 16,
    name: "the territory's register of educators (Lucca's Albo Comunale degli educatori domiciliari, Reg. artt. 6-8): entries, yearly confirmations with the training hours, and the audit of every write",
    sqlite: educatorRegister('sqlite'),
    postgres: educatorRegister('postgres'),
  },
  {
    version: 17,
    name: "the review queue's counts per status, kept by each push and decision in its transaction (filled from the revisions); on SQLite an index the overdue CSV reads alone",
    sqlite: [...REVIEW_COUNTS, ...OVERDUE_CSV_INDEX],
    postgres: REVIEW_COUNTS,
  },
];

/**
 * The register's entries (`data`: the entry as shared/educator-register.ts `RegisterEntry` holds it,
 * confirmations included, which is what the change feed sends to the laptops) and the audit of
 * every write: who, when, what, and the values written.
 */
function educatorRegister(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE register_entries (
       id TEXT PRIMARY KEY,
       kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
       name TEXT NOT NULL,
       name_key TEXT NOT NULL,
       data TEXT NOT NULL,
       created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    `CREATE INDEX register_entries_name ON register_entries (name_key)`,
    `CREATE TABLE register_events (
       id ${serial},
       at TEXT NOT NULL,
       clerk_id TEXT REFERENCES clerks(id),
       actor TEXT NOT NULL,
       action TEXT NOT NULL,
       entry_id TEXT NOT NULL REFERENCES register_entries(id),
       data TEXT NOT NULL)`,
    `CREATE INDEX register_events_entry ON register_events (entry_id, id)`,
  ];
}

/**
 * A visit belongs to one laptop: the one that sent its first revision, until a clerk moves it.
 * An attachment may be referenced only by a laptop that sent its bytes itself (`blob_holders`).
 * Existing data: each visit's owner is the laptop of its lowest revision; each laptop holds the
 * attachments of the revisions (and later versions) it sent.
 */
function migration3(kind: 'sqlite' | 'postgres'): string[] {
  const serial = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return [
    `CREATE TABLE visits (
       inspection_id TEXT PRIMARY KEY,
       device_id TEXT NOT NULL REFERENCES devices(id),
       inspector_id TEXT NOT NULL REFERENCES inspectors(id),
       since TEXT NOT NULL)`,
    `CREATE INDEX visits_device ON visits (device_id)`,
    `CREATE TABLE visit_transfers (
       id ${serial},
       inspection_id TEXT NOT NULL REFERENCES visits(inspection_id),
       at TEXT NOT NULL,
       clerk_id TEXT NOT NULL REFERENCES clerks(id),
       from_device_id TEXT NOT NULL REFERENCES devices(id),
       to_device_id TEXT NOT NULL REFERENCES devices(id),
       reason TEXT NOT NULL)`,
    `CREATE INDEX visit_transfers_visit ON visit_transfers (inspection_id, at)`,
    `CREATE TABLE blob_holders (
       sha256 TEXT NOT NULL,
       device_id TEXT NOT NULL REFERENCES devices(id),
       since TEXT NOT NULL,
       PRIMARY KEY (sha256, device_id))`,
    // "May this laptop use this attachment?" is asked for every attachment of every revision.
    `CREATE INDEX attachments_sha256 ON attachments (sha256)`,
    `INSERT INTO visits (inspection_id, device_id, inspector_id, since)
       SELECT r.inspection_id, r.device_id, r.inspector_id, r.received_at FROM revisions r
       WHERE r.revision = (SELECT MIN(r2.revision) FROM revisions r2 WHERE r2.inspection_id = r.inspection_id)`,
    `INSERT INTO blob_holders (sha256, device_id, since)
       SELECT a.sha256, COALESCE(a.added_by_device, r.device_id), MIN(COALESCE(a.added_at, r.received_at))
       FROM attachments a JOIN revisions r ON r.inspection_id = a.inspection_id AND r.revision = a.revision
       GROUP BY a.sha256, COALESCE(a.added_by_device, r.device_id)`,
  ];
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `il database è della versione ${found} del server d'ufficio, più recente di quella che questo programma conosce (${known}): aggiornare il programma`,
    );
  }
}

/** Brings the database to the latest version; refuses one from a newer server. Returns the versions applied. */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return db.withMigrationLock(async () => {
    const current = await db.schemaVersion();
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (current > latest) throw new NewerDatabaseError(current, latest);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await db.applyMigration(m.version, db.kind === 'sqlite' ? m.sqlite : m.postgres, m.fill);
      applied.push(m.version);
    }
    return applied;
  });
}
