/**
 * A file and the rows that name it. The file is written (and fsynced) first, so a row never points
 * to bytes that are not on disk; if the rows are then refused (a full disk: SQLITE_FULL, ENOSPC; a
 * failing fsync; a draft sealed meanwhile) the file goes again unless some other row already named
 * it, so a refused photo or report leaves nothing behind in the data folder that nothing acknowledged.
 */
import type { RepoContext } from './context.ts';

/** Some photo or attachment still names the file (another revision, a report). */
export function blobInUse(ctx: RepoContext, sha256: string): boolean {
  return Boolean(
    ctx.stmt('SELECT 1 FROM photos WHERE sha256 = ? UNION ALL SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1').get(sha256, sha256),
  );
}

/** Stores `bytes`, then runs `write` (the transaction inserting the rows that name them). */
export function withBlob<T>(ctx: RepoContext, bytes: Uint8Array, write: (blob: { sha256: string; size: number }) => T): T {
  const blob = ctx.blobs.put(bytes);
  try {
    return write(blob);
  } catch (e) {
    try {
      if (!blobInUse(ctx, blob.sha256)) ctx.blobs.remove(blob.sha256);
    } catch {
      // The file stays (an unnamed file is harmless); the caller hears the refusal it is waiting for.
    }
    throw e;
  }
}
