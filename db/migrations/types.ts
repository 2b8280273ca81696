import type { Database } from 'better-sqlite3';

/**
 * One schema step. Migrations are append-only: a released file is never edited, a change is a
 * new file with the next number. `up` runs inside a transaction together with the
 * `user_version` bump, so a crash leaves the database at the previous version, never halfway.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
