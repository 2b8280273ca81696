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

/** What the disk did when it refused a write: `full` (no space, over quota) or `io` (the device failed the write or the fsync). */
export type DiskFault = 'full' | 'io';

/**
 * A write the disk refused, from SQLite (SQLITE_FULL, SQLITE_IOERR_*: the statement or transaction was
 * rolled back) or from a file write (ENOSPC, EDQUOT, EIO: the temp file is removed, no blob is left half
 * written). Nothing was saved by that call, nothing saved before is lost: the same write may be sent again.
 */
export class DiskError extends Error {
  constructor(
    readonly fault: DiskFault,
    /** The system's own code (SQLITE_FULL, ENOSPC…), for the log; users read `message`. */
    readonly systemCode: string,
  ) {
    super(
      fault === 'full'
        ? 'Disco pieno: i dati non sono stati salvati. Liberare spazio sul disco di questo computer; quanto già salvato è al sicuro.'
        : 'Errore di scrittura sul disco: i dati non sono stati salvati. Riprovare tra poco; se si ripete, far controllare il disco di questo computer. Quanto già salvato è al sicuro.',
    );
    this.name = 'DiskError';
  }
}

const FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** The disk fault behind an error thrown by better-sqlite3 or node:fs, or null when it is something else. */
export function diskFaultOf(e: unknown): DiskError | null {
  if (e instanceof DiskError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (FULL.has(code)) return new DiskError('full', code);
  // SQLITE_IOERR_NOMEM is memory, not the disk; every other SQLITE_IOERR_* (WRITE, FSYNC, SHORT_READ…) is the device.
  if (code === 'EIO' || (code.startsWith('SQLITE_IOERR') && code !== 'SQLITE_IOERR_NOMEM')) return new DiskError('io', code);
  return null;
}
