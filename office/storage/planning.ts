/**
 * The office's planning registry (migration 10): the people commissions are made of and the planned
 * visits with their members. Every write records who made it, when and the values written
 * (`planning_events`), in the same transaction, as review decisions and transfers are recorded.
 * What a visit may be is checked by shared/planning.ts; Art. 15 c.2 (a complete commission for
 * authorisation and accreditation) is refused here, naming who is missing.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
  demo: number;
};

function parsed<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new UserError(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

/** Called in the transaction of every write of a planned visit (office/mail.ts tells the members). */
export type VisitWriteHook = (sql: Sql, visit: PlannedVisit, updatedAt: string) => Promise<unknown>;

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
    private readonly onVisitWritten?: VisitWriteHook,
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
      if (opts.id) {
        const n = await sql.run(
          'UPDATE planned_visits SET service_id = ?, purpose = ?, visit_date = ?, start_time = ?, end_time = ?, reason = ?, status = ?, updated_at = ? WHERE id = ?',
          [v.serviceId, v.purpose, v.date, v.startTime, v.endTime, v.reason, v.status, now, id],
        );
        if (!n) throw new UserError('visita pianificata non trovata', 'id');
        await sql.run('DELETE FROM planned_visit_members WHERE visit_id = ?', [id]);
      } else
        await sql.run(
          `INSERT INTO planned_visits (id, service_id, purpose, visit_date, start_time, end_time, reason, status, demo, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, v.serviceId, v.purpose, v.date, v.startTime, v.endTime, v.reason, v.status, opts.demo ? 1 : 0, now, now],
        );
      for (const [position, personId] of v.memberIds.entries())
        await sql.run('INSERT INTO planned_visit_members (visit_id, person_id, position) VALUES (?, ?, ?)', [id, personId, position]);
      await this.#audit(sql, actor, opts.id ? 'modifica' : 'crea', 'visit', id, v);
      const saved = (await this.#visits(sql, 'WHERE v.id = ?', [id]))[0]!;
      await this.onVisitWritten?.(sql, saved, now);
      return saved;
    });
  }

  /** Accepts or drops a planned visit (or puts it back as proposed): one click, audited. */
  async setPlannedVisitStatus(id: string, status: unknown, actor: Actor): Promise<PlannedVisit> {
    const s = parsed(PlanStatus, status);
    return this.db.tx(async (sql) => {
      const now = this.clock().toISOString();
      const n = await sql.run('UPDATE planned_visits SET status = ?, updated_at = ? WHERE id = ?', [s, now, id]);
      if (!n) throw new UserError('visita pianificata non trovata', 'id');
      await this.#audit(sql, actor, `stato ${s}`, 'visit', id, { status: s });
      const saved = (await this.#visits(sql, 'WHERE v.id = ?', [id]))[0]!;
      await this.onVisitWritten?.(sql, saved, now);
      return saved;
    });
  }

  /** One planned visit, or null. */
  async getPlannedVisit(id: string): Promise<PlannedVisit | null> {
    return (await this.#visits(this.db, 'WHERE v.id = ?', [id]))[0] ?? null;
  }

  /** The visits a person is a member of that are not dropped (accepted and proposed), in date order. */
  async visitsOfPerson(personId: string): Promise<PlannedVisit[]> {
    return this.#visits(
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
    return this.#visits(this.db, 'WHERE v.visit_date >= ? AND v.visit_date <= ?', [from, to]);
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
