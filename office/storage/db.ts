/**
 * The two SQL engines behind one small async interface, so that the office store, its migrations
 * and its tests are written once. SQL uses `?` placeholders; the PostgreSQL adapter numbers them.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Row = Record<string, unknown>;

export interface Sql {
  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a statement; answers how many rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** The rows as arrays of their values in the SELECT's order: no object per row (long exports). */
  tuples(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /**
   * `fn` on each row (an array, as `tuples`), one row at a time: SQLite steps the statement while
   * `fn` runs, so a long export's values die young instead of all being held at once (most of the
   * time of 31,000 rows went to collecting them). `fn` is synchronous: SQLite's one connection is
   * held until the last row. PostgreSQL reads the rows first.
   */
  eachTuple(sql: string, params: unknown[], fn: (row: unknown[]) => void): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction (serialisable for writers: IMMEDIATE on SQLite). */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction that appends to the change feed: makes such transactions commit in
   * the order of their sequence numbers, so a reader never sees seq N+1 before seq N.
   * SQLite has one writer already; PostgreSQL takes a transaction-scoped advisory lock.
   */
  lockChangeFeed(sql: Sql): Promise<void>;
  schemaVersion(): Promise<number>;
  /**
   * Applies one migration and records its version, atomically; `fill` runs after the statements in
   * the same transaction (data a statement cannot compute, such as Italian case folding).
   */
  applyMigration(version: number, statements: string[], fill?: (sql: Sql) => Promise<void>): Promise<void>;
  /** Serialises concurrent migrators (two servers starting on one PostgreSQL database). */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Runs async functions one at a time (better-sqlite3 has one connection; a transaction must not interleave). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

function sqliteParams(params: unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

export function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'office.sqlite'));
  db.pragma('journal_mode = WAL');
  // A received inspection is acknowledged to the laptop, which then forgets it: the write must survive a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const mutex = new Mutex();
  const direct: Sql = {
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...sqliteParams(params)) as T[],
    get: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).get(...sqliteParams(params)) as T | undefined,
    run: async (sql: string, params: unknown[] = []) => db.prepare(sql).run(...sqliteParams(params)).changes,
    tuples: async (sql: string, params: unknown[] = []) =>
      db
        .prepare(sql)
        .raw(true)
        .all(...sqliteParams(params)) as unknown[][],
    eachTuple: async (sql, params, fn) => {
      for (const row of db
        .prepare(sql)
        .raw(true)
        .iterate(...sqliteParams(params)))
        fn(row as unknown[]);
    },
  };
  return {
    kind: 'sqlite',
    all: (sql, params) => mutex.run(() => direct.all(sql, params)),
    get: (sql, params) => mutex.run(() => direct.get(sql, params)),
    run: (sql, params) => mutex.run(() => direct.run(sql, params)),
    tuples: (sql, params) => mutex.run(() => direct.tuples(sql, params)),
    eachTuple: (sql, params, fn) => mutex.run(() => direct.eachTuple(sql, params, fn)),
    tx: (fn) =>
      mutex.run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    lockChangeFeed: async () => undefined,
    schemaVersion: async () => Number(db.pragma('user_version', { simple: true })),
    applyMigration: (version, statements, fill) =>
      mutex.run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          for (const s of statements) db.exec(s);
          if (fill) await fill(direct);
          db.pragma(`user_version = ${Number(version)}`);
          db.exec('COMMIT');
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    withMigrationLock: (fn) => fn(),
    close: async () => {
      await mutex.run(() => db.close());
    },
  };
}

/** `?` → `$1, $2…` (the office SQL never has a literal question mark). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// Arbitrary constants naming our advisory locks.
const CHANGE_FEED_LOCK = 7_411_001;
const MIGRATION_LOCK = 7_411_002;

export async function openPostgres(url: string): Promise<Db> {
  // int8 (COUNT, BIGSERIAL) arrives as text by default; our numbers stay far below 2^53.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // an idle client losing its connection must not crash the server
  await pool.query('SELECT 1');
  const on = (q: { query: pg.Pool['query'] } | pg.PoolClient): Sql => ({
    all: async <T>(sql: string, params: unknown[] = []) => (await q.query(numbered(sql), params)).rows as T[],
    get: async <T>(sql: string, params: unknown[] = []) => (await q.query(numbered(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: unknown[] = []) => (await q.query(numbered(sql), params)).rowCount ?? 0,
    tuples: async (sql: string, params: unknown[] = []) =>
      (await q.query<unknown[]>({ text: numbered(sql), values: params, rowMode: 'array' })).rows,
    eachTuple: async (sql: string, params: unknown[], fn: (row: unknown[]) => void) => {
      for (const row of (await q.query<unknown[]>({ text: numbered(sql), values: params, rowMode: 'array' })).rows) fn(row);
    },
  });
  const base = on(pool);
  const tx = async <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(on(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    ...base,
    tx,
    lockChangeFeed: async (sql) => {
      await sql.get('SELECT pg_advisory_xact_lock(?)', [CHANGE_FEED_LOCK]);
    },
    schemaVersion: async () => {
      await pool.query('CREATE TABLE IF NOT EXISTS office_schema (version INTEGER NOT NULL)');
      const r = await pool.query('SELECT COALESCE(MAX(version), 0) AS v FROM office_schema');
      return Number(r.rows[0].v);
    },
    applyMigration: (version, statements, fill) =>
      tx(async (sql) => {
        for (const s of statements) await sql.run(s);
        if (fill) await fill(sql);
        await sql.run('DELETE FROM office_schema');
        await sql.run('INSERT INTO office_schema (version) VALUES (?)', [version]);
      }),
    withMigrationLock: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
