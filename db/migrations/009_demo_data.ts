/**
 * 009: demo data is marked, and never leaves the laptop.
 *
 * `vigilanza serve --demo` (scripts/start.sh) seeds made-up services and sealed visits. Before this
 * version they were ordinary rows: sealing queued them in the outbox like any visit, and pairing the
 * laptop with an office sent them there along with the real ones. Now a service seeded as demo has
 * `demo = 1`, an inspection takes its service's flag when it is created (the database refuses any
 * other value) and keeps it for good, and the outbox refuses a demo inspection whatever the code
 * above it does. Rows that exist before this version stay real (0): nothing in them says otherwise.
 *
 * Independent of 008 (added at the same time by other work): it touches only these columns and triggers.
 */
import type { Migration } from './types.ts';

const DEMO_NOT_SENT = "visita dimostrativa: i dati dimostrativi non si inviano all''ufficio"; // '' : SQL quoting

export const migration: Migration = {
  version: 9,
  name: 'demo_data',
  up(db) {
    db.exec(`
ALTER TABLE services ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
ALTER TABLE inspections ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));

CREATE TRIGGER inspections_demo_from_service BEFORE INSERT ON inspections
WHEN NEW.demo IS NOT (SELECT demo FROM services WHERE id = NEW.service_id)
BEGIN SELECT RAISE(ABORT, 'ispezione: è dimostrativa se e solo se lo è il suo servizio'); END;

CREATE TRIGGER inspections_demo_fixed BEFORE UPDATE ON inspections WHEN NEW.demo IS NOT OLD.demo
BEGIN SELECT RAISE(ABORT, 'ispezione: una visita dimostrativa resta dimostrativa, una reale resta reale'); END;

CREATE TRIGGER services_demo_fixed BEFORE UPDATE ON services
WHEN NEW.demo IS NOT OLD.demo AND EXISTS (SELECT 1 FROM inspections WHERE service_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'servizio: con visite registrate non cambia fra dimostrativo e reale'); END;

CREATE TRIGGER outbox_no_demo BEFORE INSERT ON outbox
WHEN (SELECT demo FROM inspections WHERE id = NEW.inspection_id) = 1
BEGIN SELECT RAISE(ABORT, '${DEMO_NOT_SENT}'); END;
`);
  },
};
