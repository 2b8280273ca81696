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
}

export const bool = (v: boolean): number => (v ? 1 : 0);
