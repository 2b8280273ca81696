/**
 * The office's planning registry (migration 10): the people commissions are made of and the planned
 * visits with their members. Every write records who made it, when and the values written
 * (`planning_events`), in the same transaction, as review decisions and transfers are recorded.
 * What a visit may be is checked by shared/planning.ts; Art. 15 c.2 (a complete commission for
 * authorisation and accreditation) is refused here, naming who is missing.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { commissionRefusal, PersonInput, PlannedVisitInput, PlanStatus, type Person, type PlannedVisit } from '../../shared/planning.ts';
import { Service, ServiceInput } from '../../shared/api/contract.ts';
import type { Territory } from '../../shared/territories/schema.ts';
import type { Db, Sql } from './db.ts';
import { serviceKey } from './keys.ts';
import { UserError } from './store.ts';

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
};

function parsed<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new UserError(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

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
    const service = Service.parse({ ...parsed(ServiceInput, input), id: randomUUID(), demo: true, createdAt: now, updatedAt: now });
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
    const p = parsed(PersonInput, input);
    return this.db.tx(async (sql) => {
      if (p.inspectorId && !(await sql.get('SELECT id FROM inspectors WHERE id = ?', [p.inspectorId])))
        throw new UserError('inspectorId: ispettore non trovato', 'inspectorId');
      const now = this.clock().toISOString();
      const id = opts.id ?? randomUUID();
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
    const v = parsed(PlannedVisitInput, input);
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
      return (await this.#visits(sql, 'WHERE v.id = ?', [id]))[0]!;
    });
  }

  /** Accepts or drops a planned visit (or puts it back as proposed): one click, audited. */
  async setPlannedVisitStatus(id: string, status: unknown, actor: Actor): Promise<PlannedVisit> {
    const s = parsed(PlanStatus, status);
    return this.db.tx(async (sql) => {
      const n = await sql.run('UPDATE planned_visits SET status = ?, updated_at = ? WHERE id = ?', [s, this.clock().toISOString(), id]);
      if (!n) throw new UserError('visita pianificata non trovata', 'id');
      await this.#audit(sql, actor, `stato ${s}`, 'visit', id, { status: s });
      return (await this.#visits(sql, 'WHERE v.id = ?', [id]))[0]!;
    });
  }

  /** The planned visits dated from `from` to `to` (both included), in date and time order. */
  async listPlannedVisits(from: string, to: string): Promise<PlannedVisit[]> {
    return this.#visits(this.db, 'WHERE v.visit_date >= ? AND v.visit_date <= ?', [from, to]);
  }

  /** The saved follow-ups whose origin is one of these visits (any date: a follow-up settles its origin once). */
  async listFollowUpsOf(inspectionIds: readonly string[]): Promise<PlannedVisit[]> {
    if (!inspectionIds.length) return [];
    const wanted = new Set(inspectionIds);
    const all = await this.#visits(this.db, "WHERE v.reason = 'follow_up' AND v.follow_up_of IS NOT NULL", []);
    return all.filter((v) => v.followUpOf && wanted.has(v.followUpOf.inspectionId));
  }

  async #visits(sql: Sql, where: string, params: unknown[]): Promise<PlannedVisit[]> {
    const rows = await sql.all<VisitRow>(`SELECT v.* FROM planned_visits v ${where} ORDER BY v.visit_date, v.start_time, v.id`, params);
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
    }));
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
