import type { Statement } from 'better-sqlite3';
import type { BlobStore } from '../blobs.ts';
import type { Cipher } from '../crypto.ts';
import type { Db } from '../open.ts';

/** What every repository shares: the connection, the data cipher, the file store and the clock. */
export interface RepoContext {
  db: Db;
  cipher: Cipher;
  blobs: BlobStore;
  /** ISO 8601 instant. */
  now(): string;
  newId(): string;
  /** A prepared statement, compiled once per connection (autosave runs the same few all day). */
  stmt(sql: string): Statement;
}

export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
}

export const bool = (v: boolean): number => (v ? 1 : 0);
