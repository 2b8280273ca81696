/**
 * 012: the laptop's territory.
 *
 * A laptop applies one territory's regulation (shared/territories): the one of the office it is
 * paired with, or the one chosen at its first start (host/territory.ts). It is the setting
 * `setting:territory` in `meta`. A data folder made before territories holds the Zona's services
 * and visits: one with any service, visit, commission member or pairing is recorded as the Zona's
 * here (`zona-fse`), so it never offers a choice that would mix two regulations. An empty folder
 * gets no row: it offers the choice, and until one is made it runs with the Zona (the default).
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 12,
  name: 'territory',
  up(db) {
    db.prepare(
      `INSERT OR IGNORE INTO meta (key, value)
         SELECT 'setting:territory', CAST('zona-fse' AS BLOB)
         WHERE EXISTS (SELECT 1 FROM services) OR EXISTS (SELECT 1 FROM inspections)
            OR EXISTS (SELECT 1 FROM members) OR EXISTS (SELECT 1 FROM sync_settings)`,
    ).run();
  },
};
