/**
 * Errors the storage layer raises on purpose. The host maps `code` to the API error codes, so a
 * handler never has to parse SQLite messages to tell "not found" from "sealed".
 */
/** `integrity`: stored data failed its check (bytes that fail authentication, a record that no longer matches its hash): never served. */
export type StoreErrorCode = 'not_found' | 'sealed' | 'conflict' | 'invalid' | 'integrity';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The database was written by a newer version of the app (or is not ours): refuse, never guess. */
export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
  }
}

/** Encrypted data could not be opened with the key at hand (wrong key, or bytes changed). */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * Stored data no longer agrees with itself (a sealed file with its hash, a row with the sealed
 * file, an entry with the audit chain): someone changed the database outside the app, or the disk
 * did. Never served as valid; the message says what disagrees.
 */
export class IntegrityError extends StoreError {
  constructor(what: string, field?: string) {
    super('integrity', `Integrità compromessa: ${what}`, field);
    this.name = 'IntegrityError';
  }
}
