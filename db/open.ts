/**
 * Opens (and creates or upgrades) the inspection database.
 *
 * WAL with `synchronous=FULL`: every committed transaction is fsynced before the call returns,
 * which is what "an autosaved answer survives a crash" rests on (better-sqlite3 defaults WAL to
 * NORMAL, which can lose the last commits on power loss).
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { restrictMode } from './durable.ts';
import type { Cipher } from './crypto.ts';
import { DatabaseVersionError } from './errors.ts';
import { LATEST_VERSION, MIGRATIONS, RESERVED_VERSIONS, type Migration } from './migrations/index.ts';

export type Db = Database.Database;

/** "VgNd" as a big-endian int: marks the file as ours so that a foreign SQLite file is refused. */
export const APPLICATION_ID = 0x56674e64;

export interface OpenOptions {
  /** Migrations to apply (tests pass a prefix to build old schemas). */
  migrations?: readonly Migration[];
  /** The data key, for migrations that encrypt existing rows (007); a new database needs none. */
  cipher?: Cipher;
  /**
   * Called before any migration runs on an existing database (schema ≥ 1): the store checks the
   * key here, so a wrong key fails before a migration could encrypt anything with it.
   */
  beforeMigrate?: (db: Db) => void;
}

/** The database and the two files SQLite keeps beside it in WAL mode. */
export const SQLITE_SIDE_FILES = ['-wal', '-shm'] as const;

/**
 * SQLite creates the database with 0644 (less the umask), and its `-wal`/`-shm` with the mode of
 * the database file (unix VFS: it copies the main file's permissions onto the files it creates
 * lazily). So creating the database file ourselves with 0600, and narrowing an existing one and
 * any side files left by a crash, makes all three owner-only whatever the umask.
 */
function restrictDatabaseFiles(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, ...SQLITE_SIDE_FILES.map((s) => file + s)]) if (existsSync(path)) restrictMode(path, 0o600);
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  restrictDatabaseFiles(file);
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== 0 && appId !== APPLICATION_ID)
      throw new DatabaseVersionError(`${file}: non è un database di Vigilanza Nidi (application_id ${appId})`);
    if (version > latest)
      throw new DatabaseVersionError(
        `${file}: il database è stato scritto da una versione più recente di Vigilanza Nidi (schema ${version}, questa versione arriva allo schema ${latest}). Aggiornare l'applicazione; il database non è stato modificato.`,
      );
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
    // Without this, INSERT OR REPLACE deletes the conflicting row without firing DELETE triggers,
    // so "append-only" (audit_log) and "never deleted" (outbox) could be rewritten by a REPLACE.
    db.pragma('recursive_triggers = ON');
    // Deleted or rewritten content is zeroed, not left in free pages: 007 replaces clear
    // signatories' names, and a removed person or photo caption should not linger in the file.
    db.pragma('secure_delete = ON');
    if (version >= 1 && version < latest) options.beforeMigrate?.(db);
    migrate(db, migrations, version, options.cipher);
    // The clear pages that a migration replaced also sit in the WAL until a checkpoint: copy
    // them out and truncate it now rather than at some later close.
    if (version < latest && version >= 1) db.pragma('wal_checkpoint(TRUNCATE)');
    if (appId === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Db, migrations: readonly Migration[], from: number, cipher: Cipher | undefined): void {
  checkSequence(migrations);
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db, { cipher });
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** Versions must run 1, 2, 3… without gaps (but the reserved ones, RESERVED_VERSIONS): a gap means a file went missing from the build. */
export function checkSequence(migrations: readonly Migration[], reserved: readonly number[] = RESERVED_VERSIONS): void {
  let expected = 1;
  for (const m of migrations) {
    while (reserved.includes(expected) && m.version !== expected) expected++;
    if (m.version !== expected) throw new Error(`migrazione ${m.name}: versione ${m.version}, attesa ${expected}`);
    expected++;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export { LATEST_VERSION };
