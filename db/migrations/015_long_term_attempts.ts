/**
 * 015: the laptop's failed attempts at the long-term validation of a queued revision's report (issue
 * 11, host/long-term.ts), so that a restarted app goes on counting instead of starting over: one row
 * per revision (`inspection_id`) while its augmentation has failed and the revision has not left —
 * how many times (`failures`), the last reason (`last_error`: a TSA's or responder's message, no
 * personal data), when to try again (`next_attempt_at`, ISO instant) or, once the attempts are spent,
 * when it was given up (`given_up_at`: the revision then leaves as it is, B-T). A success deletes the
 * row, and so does the revision leaving the queue.
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 15,
  name: 'long-term attempts',
  up(db) {
    db.exec(`CREATE TABLE long_term_attempts (
      inspection_id TEXT PRIMARY KEY REFERENCES inspections(id) ON DELETE CASCADE,
      failures INTEGER NOT NULL CHECK (failures >= 1),
      last_error TEXT NOT NULL,
      next_attempt_at TEXT,
      given_up_at TEXT,
      updated_at TEXT NOT NULL,
      CHECK ((next_attempt_at IS NULL) <> (given_up_at IS NULL))
    )`);
  },
};
