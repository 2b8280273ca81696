import type { Database } from 'better-sqlite3';
import type { Cipher } from '../crypto.ts';

/** What a migration may need besides the connection. */
export interface MigrationContext {
  /** The data key (already checked against the database); absent when a bare database is opened. */
  cipher: Cipher | undefined;
}

/**
 * One schema step. Migrations are append-only: a released file is never edited, a change is a
 * new file with the next number. `up` runs inside a transaction together with the
 * `user_version` bump, so a crash leaves the database at the previous version, never halfway.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database, ctx: MigrationContext): void;
}
