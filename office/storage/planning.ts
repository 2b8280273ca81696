/**
 * The office's planning registry (migration 10): the people commissions are made of and the planned
 * visits with their members. Every write records who made it, when and the values written
 * (`planning_events`), in the same transaction, as review decisions and transfers are recorded.
 * What a visit may be is checked by shared/planning.ts; Art. 15 c.2 (a complete commission for
 * authorisation and accreditation) is refused here, naming who is missing.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  commissionRefusal,
  PersonInput,
  PlannedVisitInput,
  PlanStatus,
  type FollowUpOf,
  type Person,
  type PlannedVisit,
} from '../../shared/planning.ts';
import { Service, ServiceInput } from '../../shared/api/contract.ts';
import type { Territory } from '../../shared/territories/schema.ts';
import { addDays, daysBetween } from '../../shared/dates.ts';
import type { PlanPrescription, PlannedVisitChange, PlannedVisitRecord } from '../../shared/sync/protocol.ts';
import type { Db, Sql } from './db.ts';
import { serviceKey } from './keys.ts';
import { NOT_COMPLIED, parsedInput, UserError } from './store.ts';

/** Who made a planning write: a clerk of the review workspace, or the command line. */
export interface Actor {
  clerkId: string | null;
  name: string;
}

export interface PlanningEvent {
  at: string;
  clerkId: string | null;
  actor: string;
  action: string;
  entity: 'person' | 'visit';
  entityId: string;
  data: unknown;
}

type PersonRow = {
  id: string;
  name: string;
  role: Person['role'];
  comune: string | null;
  email: string;
  inspector_id: string | null;
  demo: number;
};
const personOf = (r: PersonRow): Person => ({
  id: r.id,
  name: r.name,
  role: r.role,
  comune: r.comune,
  email: r.email,
  inspectorId: r.inspector_id,
  demo: Number(r.demo) === 1,
});

type VisitRow = {
  id: string;
  service_id: string;
  purpose: PlannedVisit['purpose'];
  visit_date: string;
  start_time: string;
  end_time: string;
  reason: PlannedVisit['reason'];
  status: PlannedVisit['status'];
  follow_up_of: string | null;
  demo: number;
  updated_at: string;
  fulfilled_by: string | null;
  fulfilled_revision: number | null;
  fulfilled_how: 'plan' | 'matched' | null;
};

/** How many days from the plan's date a visit sent without a plan may be and still fulfil it. */
export const PLAN_MATCH_DAYS = 7;

/** The inspector accounts linked to a member of the planned visit: the laptops that hear of it. */
async function audienceOf(sql: Sql, planId: string): Promise<string[]> {
  const rows = await sql.all<{ inspector_id: string }>(
    `SELECT DISTINCT p.inspector_id FROM planned_visit_members m JOIN office_people p ON p.id = m.person_id
     WHERE m.visit_id = ? AND p.inspector_id IS NOT NULL ORDER BY p.inspector_id`,
    [planId],
  );
  return rows.map((r) => r.inspector_id);
}

/**
 * What the laptops of the commission hold of a planned visit: only an accepted one, not demo (demo
 * plans and demo services stay in the office: `vigilanza office demo`). A fulfilled one stays, with
 * its `fulfilled` (the visit, its date, how it was linked) and without `toVerify`: the other members'
 * laptops show it «svolta» instead of losing it, so nobody sets out for a visit already done.
 */
async function agendaRecord(sql: Sql, planId: string): Promise<PlannedVisitRecord | null> {
  const v = await sql.get<VisitRow & { data: string; fulfilled_date: string | null }>(
    `SELECT v.*, s.data, f.inspection_id AS fulfilled_by, f.revision AS fulfilled_revision, f.how AS fulfilled_how,
       r.visit_date AS fulfilled_date
     FROM planned_visits v JOIN services s ON s.id = v.service_id LEFT JOIN plan_fulfilments f ON f.plan_id = v.id
       LEFT JOIN revisions r ON r.inspection_id = f.inspection_id AND r.revision = f.revision
     WHERE v.id = ?`,
    [planId],
  );
  if (!v || v.status !== 'accepted' || Number(v.demo) === 1) return null;
  const service = JSON.parse(v.data) as Service;
  const members = await sql.all<PersonRow>(
    'SELECT p.* FROM planned_visit_members m JOIN office_people p ON p.id = m.person_id WHERE m.visit_id = ? ORDER BY m.position',
    [planId],
  );
  const record: PlannedVisitRecord = {
    id: v.id,
    serviceId: v.service_id,
    serviceName: service.name,
    comune: service.comune,
    purpose: v.purpose,
    date: v.visit_date,
    startTime: v.start_time,
    endTime: v.end_time,
    reason: v.reason,
    members: members.map((m) => ({ name: m.name, role: m.role, comune: m.comune })),
    updatedAt: v.updated_at,
  };
  if (v.fulfilled_by) {
    record.fulfilled = { visitId: v.fulfilled_by, date: v.fulfilled_date ?? v.visit_date, how: v.fulfilled_how! };
    return record;
  }
  const toVerify = await planToVerify(sql, v);
  if (toVerify.length) record.toVerify = toVerify;
  return record;
}

/** What a plan's record carries as `toVerify` (a follow-up's open prescriptions; none for another plan). */
async function planToVerify(sql: Sql, v: Pick<VisitRow, 'reason' | 'follow_up_of'>): Promise<PlanPrescription[]> {
  return v.reason === 'follow_up' && v.follow_up_of ? toVerifyOf(sql, JSON.parse(v.follow_up_of) as FollowUpOf) : [];
}

/**
 * The follow-up plans whose `toVerify` a received revision may change, with what it is before the
 * revision is written: those on the laptops (accepted, not demo, not fulfilled) whose origin is one of
 * `origins` — the revision's own visit (a correction replaces its prescriptions) and the visits whose
 * prescriptions it verifies now or verified in its earlier revision (a verification received, or
 * withdrawn by a correction, opens or closes one and counts its «non ottemperata»). Received
 * revisions are the only writes of `latest_prescriptions` and `prescription_verifications`.
 * `follow_up_of` is JSON: the LIKE only narrows the scan, the parsed origin decides. Only a received
 * visit's id (the wire's EntityId: letters, digits, `.`, `_`, `-`, nothing LIKE or JSON escapes
 * differently) has prescriptions, so no other origin is sought.
 */
export async function followUpsOfOrigins(sql: Sql, origins: readonly string[]): Promise<Array<{ planId: string; toVerify: string }>> {
  const wanted = new Set(origins.filter((o) => /^[A-Za-z0-9._-]{1,100}$/.test(o)));
  if (!wanted.size) return [];
  const out: Array<{ planId: string; toVerify: string }> = [];
  for (const origin of [...wanted].sort()) {
    const rows = await sql.all<Pick<VisitRow, 'id' | 'reason' | 'follow_up_of'>>(
      `SELECT v.id, v.reason, v.follow_up_of FROM planned_visits v LEFT JOIN plan_fulfilments f ON f.plan_id = v.id
       WHERE v.reason = 'follow_up' AND v.status = 'accepted' AND v.demo = 0 AND f.plan_id IS NULL AND v.follow_up_of LIKE ?
       ORDER BY v.id`,
      [`%${origin}%`],
    );
    for (const r of rows)
      if ((JSON.parse(r.follow_up_of!) as FollowUpOf).inspectionId === origin)
        out.push({ planId: r.id, toVerify: JSON.stringify(await planToVerify(sql, r)) });
  }
  return out;
}

/**
 * After a received revision is written: republishes each of `watched` (followUpsOfOrigins, read before
 * the write) whose `toVerify` is no longer what it was, so every laptop of its commission gets the fresh
 * list through the change feed (cause `prescriptions`). A plan fulfilled meanwhile (by this very
 * revision) was published by its fulfilment. A visit already started from the plan keeps the list it
 * was started with (the laptop's `visit_plans`). Returns the plans republished.
 */
export async function republishChangedFollowUps(
  db: Db,
  sql: Sql,
  watched: ReadonlyArray<{ planId: string; toVerify: string }>,
  now: string,
): Promise<string[]> {
  const republished: string[] = [];
  for (const w of watched) {
    const v = await sql.get<Pick<VisitRow, 'reason' | 'follow_up_of'> & { fulfilled: string | null }>(
      `SELECT v.reason, v.follow_up_of, f.plan_id AS fulfilled FROM planned_visits v LEFT JOIN plan_fulfilments f ON f.plan_id = v.id
       WHERE v.id = ?`,
      [w.planId],
    );
    if (!v || v.fulfilled || JSON.stringify(await planToVerify(sql, v)) === w.toVerify) continue;
    const audience = await audienceOf(sql, w.planId);
    await afterVisitWrite(db, { sql, planId: w.planId, before: audience, at: now, cause: 'prescriptions' });
    republished.push(w.planId);
  }
  return republished;
}

/**
 * A follow-up's prescriptions to verify, read when it is published: those of the origin visit's
 * positions in `latest_prescriptions` (its latest revision) still open, i.e. not found complied with
 * by the latest verification received, each with how many received verifications found it not
 * complied with. Whichever laptop sealed the origin visit, the commission's laptops get them.
 */
async function toVerifyOf(sql: Sql, f: FollowUpOf): Promise<PlanPrescription[]> {
  if (!f.positions.length) return [];
  const rows = await sql.all<{
    inspection_id: string;
    visit_date: string;
    position: number;
    rule: string;
    text: string;
    deadline: string;
    n: number;
  }>(
    `SELECT p.inspection_id, p.visit_date, p.position, p.rule, p.text, p.deadline,
       (SELECT COUNT(*) FROM prescription_verifications v WHERE v.inspection_id = p.inspection_id AND v.position = p.position
          AND v.outcome = 'not_complied') AS n
     FROM latest_prescriptions p
     WHERE p.inspection_id = ? AND p.position IN (${f.positions.map(() => '?').join(', ')}) AND ${NOT_COMPLIED}
     ORDER BY p.position`,
    [f.inspectionId, ...f.positions],
  );
  return rows.map((r) => ({
    visitId: r.inspection_id,
    visitDate: r.visit_date,
    position: Number(r.position),
    rule: r.rule,
    text: r.text,
    deadline: r.deadline,
    earlierNotComplied: Number(r.n),
  }));
}

/**
 * Puts a planned visit's new state on the change feed, one entry per inspector who held it or holds
 * it now (`before` ∪ today's audience): the record for today's audience, null for the others (taken
 * off the commission). A null is sent only to a laptop that was sent something of this plan before,
 * so a proposal nobody accepted yet costs no entries. Runs in the caller's transaction, after the
 * feed's commit-order lock (Db.lockChangeFeed) like every append. The record is read after the lock:
 * PostgreSQL reads what was committed before each statement, so of two pushes changing one follow-up's
 * list at once (two verifications of it), the one whose entry comes later on the feed has read the
 * other's writes, and the laptops end with the list that counts both.
 */
async function publishPlannedVisit(db: Db, sql: Sql, planId: string, before: readonly string[], now: string): Promise<void> {
  if (!before.length && !(await audienceOf(sql, planId)).length) return;
  await db.lockChangeFeed(sql);
  const after = await audienceOf(sql, planId);
  const record = await agendaRecord(sql, planId);
  const everyone = [...new Set([...before, ...after])].sort();
  for (const inspectorId of everyone) {
    const plan = after.includes(inspectorId) ? record : null;
    if (!plan) {
      const sent = await sql.get('SELECT 1 AS x FROM changes WHERE kind = ? AND entity = ? AND audience = ?', [
        'planned_visit',
        planId,
        inspectorId,
      ]);
      if (!sent) continue;
    }
    const payload: PlannedVisitChange = { planId, plan };
    await sql.run('INSERT INTO changes (kind, entity, audience, payload, created_at) VALUES (?, ?, ?, ?, ?)', [
      'planned_visit',
      planId,
      inspectorId,
      JSON.stringify(payload),
      now,
    ]);
  }
}

/** The planned visits `where` selects (on `v`), with their members in order and the visit that fulfilled each. */
async function visitsWhere(sql: Sql, where: string, params: unknown[]): Promise<PlannedVisit[]> {
  const rows = await sql.all<VisitRow>(
    `SELECT v.*, f.inspection_id AS fulfilled_by, f.revision AS fulfilled_revision, f.how AS fulfilled_how
     FROM planned_visits v LEFT JOIN plan_fulfilments f ON f.plan_id = v.id ${where} ORDER BY v.visit_date, v.start_time, v.id`,
    params,
  );
  if (!rows.length) return [];
  const members = await sql.all<{ visit_id: string; person_id: string }>(
    `SELECT m.visit_id, m.person_id FROM planned_visit_members m JOIN planned_visits v ON v.id = m.visit_id ${where} ORDER BY m.visit_id, m.position`,
    params,
  );
  const byVisit = new Map<string, string[]>();
  for (const m of members) byVisit.set(m.visit_id, [...(byVisit.get(m.visit_id) ?? []), m.person_id]);
  return rows.map((r) => ({
    id: r.id,
    serviceId: r.service_id,
    purpose: r.purpose,
    date: r.visit_date,
    startTime: r.start_time,
    endTime: r.end_time,
    memberIds: byVisit.get(r.id) ?? [],
    reason: r.reason,
    status: r.status,
    followUpOf: r.follow_up_of ? (JSON.parse(r.follow_up_of) as PlannedVisit['followUpOf']) : null,
    demo: Number(r.demo) === 1,
    fulfilledBy: r.fulfilled_by ? { inspectionId: r.fulfilled_by, revision: Number(r.fulfilled_revision), how: r.fulfilled_how! } : null,
  }));
}

/** A received visit, as `linkReceivedVisit` needs it. */
export interface ReceivedVisit {
  inspectionId: string;
  revision: number;
  inspectorId: string;
  /** The registry entry the revision is linked to (null: none, so no plan can match). */
  serviceId: string | null;
  visitDate: string;
  file: unknown;
}

/**
 * Links a received visit to the planned visit it fulfils, once per visit (its first revision that
 * finds one). The file names its plan (`plan.id`, a visit started from the laptop's «Agenda»): linked
 * only when the plan is of the same service, not fulfilled yet, and the sending inspector is linked to
 * a member of its commission — a plan id of someone else's plan links nothing (and nothing else is
 * tried for that visit). A file without a plan: the accepted plan of the same service dated within
 * PLAN_MATCH_DAYS of the visit and not fulfilled, the nearest one. The agendas then show it «svolta».
 * Returns the plan id linked, if any.
 */
export async function linkReceivedVisit(db: Db, sql: Sql, v: ReceivedVisit, now: string): Promise<string | null> {
  if (!v.serviceId) return null;
  if (await sql.get('SELECT 1 AS x FROM plan_fulfilments WHERE inspection_id = ?', [v.inspectionId])) return null;
  const named = (v.file as { plan?: { id?: unknown } } | null)?.plan?.id;
  let planId: string | null = null;
  let how: 'plan' | 'matched' = 'plan';
  if (typeof named === 'string') {
    const plan = await sql.get<{ id: string }>(
      `SELECT v.id FROM planned_visits v LEFT JOIN plan_fulfilments f ON f.plan_id = v.id
       WHERE v.id = ? AND v.service_id = ? AND v.demo = 0 AND f.plan_id IS NULL`,
      [named, v.serviceId],
    );
    if (!plan || !(await audienceOf(sql, plan.id)).includes(v.inspectorId)) return null;
    planId = plan.id;
  } else {
    const candidates = await sql.all<{ id: string; visit_date: string }>(
      `SELECT v.id, v.visit_date FROM planned_visits v LEFT JOIN plan_fulfilments f ON f.plan_id = v.id
       WHERE v.service_id = ? AND v.status = 'accepted' AND v.demo = 0 AND f.plan_id IS NULL AND v.visit_date >= ? AND v.visit_date <= ?
       ORDER BY v.visit_date, v.id`,
      [v.serviceId, addDays(v.visitDate, -PLAN_MATCH_DAYS), addDays(v.visitDate, PLAN_MATCH_DAYS)],
    );
    const distance = (d: string) => Math.abs(daysBetween(v.visitDate, d));
    const best = candidates.sort((a, b) => distance(a.visit_date) - distance(b.visit_date))[0];
    if (!best) return null;
    planId = best.id;
    how = 'matched';
  }
  const before = await audienceOf(sql, planId);
  const inserted = await sql.run(
    'INSERT INTO plan_fulfilments (plan_id, inspection_id, revision, how, linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    [planId, v.inspectionId, v.revision, how, now],
  );
  if (!inserted) return null;
  await sql.run('INSERT INTO planning_events (at, clerk_id, actor, action, entity, entity_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    now,
    null,
    'sincronizzazione',
    how === 'plan' ? 'svolta (visita avviata dal piano)' : 'svolta (visita ricevuta collegata)',
    'visit',
    planId,
    JSON.stringify({ inspectionId: v.inspectionId, revision: v.revision }),
  ]);
  await afterVisitWrite(db, { sql, planId, before, at: now, cause: 'fulfilled' });
  return planId;
}

/** A write that changed a planned visit or who hears of it, as the after-write hooks are told of it. */
export interface VisitWrite {
  /** The write's transaction: the hooks write in it (the change feed, the mail outbox). */
  sql: Sql;
  planId: string;
  /** The inspector accounts that held the plan before the write (its audience on the change feed then). */
  before: readonly string[];
  at: string;
  /**
   * `saved` and `status`: a clerk wrote the visit (savePlannedVisit, setPlannedVisitStatus);
   * `inspector_link`: a member's inspector account changed (savePerson); `fulfilled`: a received visit
   * fulfilled it (linkReceivedVisit); `prescriptions`: a received revision changed what a follow-up's
   * `toVerify` lists (a correction of its origin visit, a verification received; republishChangedFollowUps).
   */
  cause: 'saved' | 'status' | 'inspector_link' | 'fulfilled' | 'prescriptions';
}

/** Run in the transaction of every write of a planned visit, after its publication (office/mail.ts tells the members). */
export type VisitWriteHook = (write: VisitWrite, visit: PlannedVisit) => Promise<unknown>;

const afterWriteHooks = new WeakMap<Db, VisitWriteHook[]>();

/**
 * Adds a hook every write of a planned visit in `db` runs, whichever `PlanningStore` (the routes', the
 * command line's, a test's) or received visit made it: office/server.ts adds the members' e-mail.
 */
export function onPlannedVisitWritten(db: Db, hook: VisitWriteHook): void {
  afterWriteHooks.set(db, [...(afterWriteHooks.get(db) ?? []), hook]);
}

/**
 * What follows every write of a planned visit, in its transaction, and the only way any write path
 * reaches it: the plan's new state on the change feed to the laptops (`publishPlannedVisit`), then the
 * hooks added by `onPlannedVisitWritten`, told the visit as written. Returns the visit.
 */
async function afterVisitWrite(db: Db, write: VisitWrite): Promise<PlannedVisit> {
  await publishPlannedVisit(db, write.sql, write.planId, write.before, write.at);
  const visit = (await visitsWhere(write.sql, 'WHERE v.id = ?', [write.planId]))[0]!;
  for (const hook of afterWriteHooks.get(db) ?? []) await hook(write, visit);
  return visit;
}

/** A calendar feed secret: 256 random bits, in the URL `/calendar/<secret>.ics`; only its SHA-256 is stored. */
export function newCalendarSecret(): string {
  return randomBytes(32).toString('base64url');
}

const sha256Text = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class PlanningStore {
  constructor(
    readonly db: Db,
    readonly territory: Territory,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async #audit(sql: Sql, actor: Actor, action: string, entity: 'person' | 'visit', entityId: string, data: unknown): Promise<void> {
    await sql.run('INSERT INTO planning_events (at, clerk_id, actor, action, entity, entity_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      this.clock().toISOString(),
      actor.clerkId,
      actor.name,
      action,
      entity,
      entityId,
      JSON.stringify(data),
    ]);
  }

  /**
   * A registry entry of `vigilanza office demo`: marked `demo` and kept off the change feed, so no
   * laptop ever receives it (saveService publishes every entry; this one must stay in the office).
   */
  async insertDemoService(input: unknown): Promise<Service> {
    const now = this.clock().toISOString();
    const service = Service.parse({ ...parsedInput(ServiceInput, input), id: randomUUID(), demo: true, createdAt: now, updatedAt: now });
    await this.db.run('INSERT INTO services (id, name, name_key, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
      service.id,
      service.name,
      serviceKey(service.name),
      JSON.stringify(service),
      now,
      now,
    ]);
    return service;
  }

  // ---------- people ----------
  /** Creates (no id) or edits a person of the registry. */
  async savePerson(input: unknown, actor: Actor, opts: { id?: string; demo?: boolean } = {}): Promise<Person> {
    const p = parsedInput(PersonInput, input);
    return this.db.tx(async (sql) => {
      if (p.inspectorId && !(await sql.get('SELECT id FROM inspectors WHERE id = ?', [p.inspectorId])))
        throw new UserError('inspectorId: ispettore non trovato', 'inspectorId');
      const now = this.clock().toISOString();
      const id = opts.id ?? randomUUID();
      // The person's inspector link decides which laptops hear of their visits: a change re-publishes them.
      const previous = opts.id
        ? await sql.get<{ inspector_id: string | null }>('SELECT inspector_id FROM office_people WHERE id = ?', [id])
        : undefined;
      const affected =
        previous && previous.inspector_id !== p.inspectorId
          ? await Promise.all(
              (
                await sql.all<{ visit_id: string }>('SELECT visit_id FROM planned_visit_members WHERE person_id = ? ORDER BY visit_id', [
                  id,
                ])
              ).map(async (r) => ({ planId: r.visit_id, before: await audienceOf(sql, r.visit_id) })),
            )
          : [];
      if (opts.id) {
        const n = await sql.run(
          'UPDATE office_people SET name = ?, role = ?, comune = ?, email = ?, inspector_id = ?, updated_at = ? WHERE id = ?',
          [p.name, p.role, p.comune, p.email, p.inspectorId, now, id],
        );
        if (!n) throw new UserError('persona non trovata', 'id');
      } else
        await sql.run(
          'INSERT INTO office_people (id, name, role, comune, email, inspector_id, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [id, p.name, p.role, p.comune, p.email, p.inspectorId, opts.demo ? 1 : 0, now, now],
        );
      await this.#audit(sql, actor, opts.id ? 'modifica' : 'crea', 'person', id, p);
      for (const a of affected)
        await afterVisitWrite(this.db, { sql, planId: a.planId, before: a.before, at: now, cause: 'inspector_link' });
      const row = await sql.get<PersonRow>('SELECT * FROM office_people WHERE id = ?', [id]);
      return personOf(row!);
    });
  }

  async listPeople(): Promise<Person[]> {
    return (await this.db.all<PersonRow>('SELECT * FROM office_people ORDER BY name, id')).map(personOf);
  }

  // ---------- planned visits ----------
  /**
   * Creates (no id) or edits a planned visit. Refused (UserError): an unknown service or member,
   * and for the purposes the territory lists an incomplete commission (Art. 15 c.2), naming who is missing.
   */
  async savePlannedVisit(input: unknown, actor: Actor, opts: { id?: string; demo?: boolean } = {}): Promise<PlannedVisit> {
    const v = parsedInput(PlannedVisitInput, input);
    return this.db.tx(async (sql) => {
      const serviceRow = await sql.get<{ data: string }>('SELECT data FROM services WHERE id = ?', [v.serviceId]);
      if (!serviceRow) throw new UserError('serviceId: servizio non trovato nel registro', 'serviceId');
      const service = JSON.parse(serviceRow.data) as Service;
      const members: Person[] = [];
      for (const [i, personId] of v.memberIds.entries()) {
        const row = await sql.get<PersonRow>('SELECT * FROM office_people WHERE id = ?', [personId]);
        if (!row) throw new UserError(`memberIds.${i}: persona non trovata`, `memberIds.${i}`);
        members.push(personOf(row));
      }
      const refusal = commissionRefusal(this.territory, v.purpose, service, members);
      if (refusal) throw new UserError(refusal, 'memberIds');
      const now = this.clock().toISOString();
      const id = opts.id ?? randomUUID();
      const before = opts.id ? await audienceOf(sql, id) : [];
      const followUpOf = v.followUpOf ? JSON.stringify(v.followUpOf) : null;
      if (opts.id) {
        const n = await sql.run(
          'UPDATE planned_visits SET service_id = ?, purpose = ?, visit_date = ?, start_time = ?, end_time = ?, reason = ?, status = ?, follow_up_of = ?, updated_at = ? WHERE id = ?',
          [v.serviceId, v.purpose, v.date, v.startTime, v.endTime, v.reason, v.status, followUpOf, now, id],
        );
        if (!n) throw new UserError('visita pianificata non trovata', 'id');
        await sql.run('DELETE FROM planned_visit_members WHERE visit_id = ?', [id]);
      } else
        await sql.run(
          `INSERT INTO planned_visits (id, service_id, purpose, visit_date, start_time, end_time, reason, status, follow_up_of, demo, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, v.serviceId, v.purpose, v.date, v.startTime, v.endTime, v.reason, v.status, followUpOf, opts.demo ? 1 : 0, now, now],
        );
      for (const [position, personId] of v.memberIds.entries())
        await sql.run('INSERT INTO planned_visit_members (visit_id, person_id, position) VALUES (?, ?, ?)', [id, personId, position]);
      await this.#audit(sql, actor, opts.id ? 'modifica' : 'crea', 'visit', id, v);
      return afterVisitWrite(this.db, { sql, planId: id, before, at: now, cause: 'saved' });
    });
  }

  /** Accepts or drops a planned visit (or puts it back as proposed): one click, audited. */
  async setPlannedVisitStatus(id: string, status: unknown, actor: Actor): Promise<PlannedVisit> {
    const s = parsedInput(PlanStatus, status);
    return this.db.tx(async (sql) => {
      const now = this.clock().toISOString();
      const n = await sql.run('UPDATE planned_visits SET status = ?, updated_at = ? WHERE id = ?', [s, now, id]);
      if (!n) throw new UserError('visita pianificata non trovata', 'id');
      await this.#audit(sql, actor, `stato ${s}`, 'visit', id, { status: s });
      return afterVisitWrite(this.db, { sql, planId: id, before: await audienceOf(sql, id), at: now, cause: 'status' });
    });
  }

  /** One planned visit, or null. */
  async getPlannedVisit(id: string): Promise<PlannedVisit | null> {
    return (await visitsWhere(this.db, 'WHERE v.id = ?', [id]))[0] ?? null;
  }

  /** The visits a person is a member of that are not dropped (accepted and proposed), in date order. */
  async visitsOfPerson(personId: string): Promise<PlannedVisit[]> {
    return visitsWhere(
      this.db,
      "WHERE v.status <> 'dropped' AND v.id IN (SELECT m2.visit_id FROM planned_visit_members m2 WHERE m2.person_id = ?)",
      [personId],
    );
  }

  /** When each visit was last written (the DTSTAMP of its event). */
  async visitUpdatedAt(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) {
      const row = await this.db.get<{ updated_at: string }>('SELECT updated_at FROM planned_visits WHERE id = ?', [id]);
      if (row) out.set(id, row.updated_at);
    }
    return out;
  }

  // ---------- calendar feeds ----------
  /**
   * Makes (or replaces) a person's calendar secret and returns it: shown to the clerk once, in the
   * feed's URL. Only its SHA-256 is kept, so the old URL stops working at once and a copied
   * database opens no feed. Audited (without the secret).
   */
  async resetCalendarSecret(personId: string, actor: Actor): Promise<string> {
    const secret = newCalendarSecret();
    await this.db.tx(async (sql) => {
      if (!(await sql.get('SELECT id FROM office_people WHERE id = ?', [personId]))) throw new UserError('persona non trovata', 'id');
      const existed = await sql.run('DELETE FROM calendar_secrets WHERE person_id = ?', [personId]);
      await sql.run('INSERT INTO calendar_secrets (person_id, secret_hash, created_at) VALUES (?, ?, ?)', [
        personId,
        sha256Text(secret),
        this.clock().toISOString(),
      ]);
      await this.#audit(sql, actor, existed ? 'calendario reimpostato' : 'calendario creato', 'person', personId, {});
    });
    return secret;
  }

  /** The person whose calendar secret this is (null: none, with no hint why). */
  async personByCalendarSecret(secret: string): Promise<Person | null> {
    const row = await this.db.get<PersonRow>(
      'SELECT p.* FROM calendar_secrets c JOIN office_people p ON p.id = c.person_id WHERE c.secret_hash = ?',
      [sha256Text(secret)],
    );
    return row ? personOf(row) : null;
  }

  /** When each person's current calendar secret was made (people without one are absent). */
  async calendarSecretsMade(): Promise<Map<string, string>> {
    const rows = await this.db.all<{ person_id: string; created_at: string }>('SELECT person_id, created_at FROM calendar_secrets');
    return new Map(rows.map((r) => [r.person_id, r.created_at]));
  }

  /** The planned visits dated from `from` to `to` (both included), in date and time order. */
  async listPlannedVisits(from: string, to: string): Promise<PlannedVisit[]> {
    return visitsWhere(this.db, 'WHERE v.visit_date >= ? AND v.visit_date <= ?', [from, to]);
  }

  /** The saved follow-ups whose origin is one of these visits (any date: a follow-up settles its origin once). */
  async listFollowUpsOf(inspectionIds: readonly string[]): Promise<PlannedVisit[]> {
    if (!inspectionIds.length) return [];
    const wanted = new Set(inspectionIds);
    const all = await visitsWhere(this.db, "WHERE v.reason = 'follow_up' AND v.follow_up_of IS NOT NULL", []);
    return all.filter((v) => v.followUpOf && wanted.has(v.followUpOf.inspectionId));
  }

  /** The audit of one person or visit, oldest first. */
  async events(entity: 'person' | 'visit', entityId: string): Promise<PlanningEvent[]> {
    const rows = await this.db.all<{
      at: string;
      clerk_id: string | null;
      actor: string;
      action: string;
      entity: 'person' | 'visit';
      entity_id: string;
      data: string;
    }>('SELECT at, clerk_id, actor, action, entity, entity_id, data FROM planning_events WHERE entity = ? AND entity_id = ? ORDER BY id', [
      entity,
      entityId,
    ]);
    return rows.map((r) => ({
      at: r.at,
      clerkId: r.clerk_id,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      data: JSON.parse(r.data),
    }));
  }
}
