/**
 * 014: the laptop's copy of the territory's register of educators (Lucca's Albo Comunale degli
 * educatori domiciliari, Reg. artt. 6-8), as the office's change feed sends it (`register_entry`:
 * the whole entry, the latest replaces the one held). A visit to a domiciliary service checks the
 * educators the inspector picks against it (shared/educator-register.ts); the entries picked are
 * sealed into the file. Nothing here is personal data beyond what the Comune publishes in its Albo
 * (a name, the registration's dates), so the rows are not encrypted.
 * (013–015 are other branches' migrations, merged before this one.)
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 14,
  name: 'educator register',
  up(db) {
    db.exec(`CREATE TABLE register_entries (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
      name TEXT NOT NULL,
      data TEXT NOT NULL,
      office_seq INTEGER NOT NULL,
      updated_at TEXT NOT NULL)`);
  },
};
