/**
 * 005: attachments stay where they were attached.
 *
 * 001 refused changes to an attachment of a sealed inspection, but looked only at the row's old
 * inspection: `UPDATE attachments SET inspection_id = <sealed>` on a draft's row slipped a file
 * into a sealed record, and past 003's `outbox_report_version` (which fires on INSERT), so a report
 * version could reach a sealed revision without ever being queued for the office. Nothing in the
 * application moves attachments, so their identity (id, inspection, kind, bytes) is now fixed for
 * every row; 001's rule for sealed inspections stays as it was.
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 5,
  name: 'attachments_stay',
  up(db) {
    db.exec(`
CREATE TRIGGER attachments_identity_fixed BEFORE UPDATE ON attachments
WHEN NEW.id IS NOT OLD.id OR NEW.inspection_id IS NOT OLD.inspection_id OR NEW.kind IS NOT OLD.kind
  OR NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size
BEGIN SELECT RAISE(ABORT, 'allegato: una volta registrato non cambia ispezione né contenuto'); END;
`);
  },
};
