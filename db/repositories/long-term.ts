/**
 * The failed attempts at a queued revision's long-term validation (migration 015), written by the
 * laptop's augmentation (host/long-term.ts) so that its count and its next try survive a restart:
 * a row per revision while its augmentation has failed and it has not left; a success deletes it.
 */
import type { RepoContext } from './context.ts';

export interface LongTermAttemptRecord {
  inspectionId: string;
  failures: number;
  lastError: string;
  /** ISO instant of the next try; null once given up. */
  nextAttemptAt: string | null;
  /** ISO instant the attempts were spent (the revision leaves as it is); null while it is still tried. */
  givenUpAt: string | null;
}

interface Row {
  inspection_id: string;
  failures: number;
  last_error: string;
  next_attempt_at: string | null;
  given_up_at: string | null;
}

const record = (r: Row): LongTermAttemptRecord => ({
  inspectionId: r.inspection_id,
  failures: r.failures,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  givenUpAt: r.given_up_at,
});

export class LongTermAttemptsRepository {
  constructor(private readonly ctx: RepoContext) {}

  get(inspectionId: string): LongTermAttemptRecord | null {
    const row = this.ctx
      .stmt('SELECT inspection_id, failures, last_error, next_attempt_at, given_up_at FROM long_term_attempts WHERE inspection_id = ?')
      .get(inspectionId) as Row | undefined;
    return row ? record(row) : null;
  }

  /** The revisions whose attempts are spent: they may leave as they are. */
  givenUp(): Set<string> {
    const rows = this.ctx.stmt('SELECT inspection_id FROM long_term_attempts WHERE given_up_at IS NOT NULL').all() as Array<{
      inspection_id: string;
    }>;
    return new Set(rows.map((r) => r.inspection_id));
  }

  /**
   * One more failure: the count goes up by one (from none), the reason is kept, and either the next
   * try is `nextAttemptAt` or, when `giveUpAfter` failures are reached, the revision is given up.
   * Returns the row as written.
   */
  recordFailure(inspectionId: string, input: { error: string; giveUpAfter: number; nextAttemptAt: (failures: number) => string }) {
    return this.ctx.db.transaction((): LongTermAttemptRecord => {
      const failures = (this.get(inspectionId)?.failures ?? 0) + 1;
      const now = this.ctx.now();
      const givenUp = failures >= input.giveUpAfter;
      this.ctx
        .stmt(
          `INSERT INTO long_term_attempts (inspection_id, failures, last_error, next_attempt_at, given_up_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (inspection_id) DO UPDATE SET failures = excluded.failures, last_error = excluded.last_error,
             next_attempt_at = excluded.next_attempt_at, given_up_at = excluded.given_up_at, updated_at = excluded.updated_at`,
        )
        .run(inspectionId, failures, input.error, givenUp ? null : input.nextAttemptAt(failures), givenUp ? now : null, now);
      return this.get(inspectionId)!;
    })();
  }

  /** Augmented (or nothing to augment): the attempts are forgotten. */
  clear(inspectionId: string): void {
    this.ctx.stmt('DELETE FROM long_term_attempts WHERE inspection_id = ?').run(inspectionId);
  }

  /** Forgets the revisions that are no longer waiting to leave (sent, or their bundle frozen). */
  forgetLeft(): number {
    return this.ctx
      .stmt(
        `DELETE FROM long_term_attempts WHERE inspection_id NOT IN
           (SELECT inspection_id FROM outbox WHERE bundle IS NULL AND status IN ('in_coda', 'inviata'))`,
      )
      .run().changes;
  }
}
