/**
 * Office database migrations: append-only, numbered, one list for both engines (the SQL differs
 * only where the engines do). Never edit a released migration; add the next number.
 * A database whose version is higher than the last one here was written by a newer office
 * server and is refused rather than guessed at.
 */
import type { Db } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sqlite: string[];
  postgres: string[];
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
  // (Version 3 is another change of the same issue, merged separately.)
  {
    version: 4,
    name: "laptops' audit chain heads: a revision whose history does not link to what the device sent before is marked",
    sqlite: AUDIT_POINTS,
    postgres: AUDIT_POINTS,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class NewerDatabaseError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`il database è della versione ${found} del server d'ufficio, più recente di quella che questo programma conosce (${known}): aggiornare il programma`);
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
      await db.applyMigration(m.version, db.kind === 'sqlite' ? m.sqlite : m.postgres);
      applied.push(m.version);
    }
    return applied;
  });
}
