/**
 * 013: the agenda (issue 14): the office's planned visits of this inspector's commissions, and the
 * visits started from one.
 *
 * `agenda` holds each planned visit as the office last sent it on the change feed (`planned_visit`,
 * shared/sync/protocol.ts `PlannedVisitRecord`, as JSON): a moved plan replaces its row, a dropped one
 * (or one this inspector left) deletes it. `visit_plans` is the plan a visit was started from, one row
 * per visit (all its revisions) and one visit per plan: the plan as it was at the start (`plan`, JSON),
 * its id and reason. It is never updated: a visit already started is not touched by a later change of
 * plan; the id and reason are sealed into the file's `plan` so the office links the visit to it.
 */
import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 13,
  name: 'agenda',
  up(db) {
    db.exec(`
CREATE TABLE agenda (
  plan_id TEXT PRIMARY KEY,
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  plan_date TEXT NOT NULL,
  office_seq INTEGER NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX agenda_date ON agenda (plan_date, plan_id);
CREATE TABLE visit_plans (
  visit_id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL UNIQUE,
  reason TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  started_at TEXT NOT NULL
);
CREATE TRIGGER visit_plans_fixed BEFORE UPDATE ON visit_plans
BEGIN SELECT RAISE(ABORT, 'il piano da cui è stata avviata una visita non cambia'); END;
`);
  },
};
