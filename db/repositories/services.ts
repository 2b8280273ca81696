import type { ServiceRecord, ServiceWrite } from '../records.ts';
import { StoreError } from '../errors.ts';
import { bool, type RepoContext } from './context.ts';

interface Row {
  id: string;
  name: string;
  type: ServiceRecord['type'];
  comune: string;
  address: string;
  referente: string;
  capacity: number;
  kitchen: number;
  territorial_rls: number;
  authorization_issued_on: string | null;
  accreditation_issued_on: string | null;
  demo: number;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): ServiceRecord => ({
  id: r.id,
  name: r.name,
  type: r.type,
  comune: r.comune,
  address: r.address,
  referente: r.referente,
  capacity: r.capacity,
  kitchen: r.kitchen === 1,
  territorialRls: r.territorial_rls === 1,
  authorizationIssuedOn: r.authorization_issued_on,
  accreditationIssuedOn: r.accreditation_issued_on,
  demo: r.demo === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface ServiceFilter {
  query?: string;
  type?: ServiceRecord['type'];
  comune?: string;
}

/** A service with what the services list shows of its visits (`listWithVisits`). */
export interface ServiceWithVisits {
  service: ServiceRecord;
  lastVisit: string | null;
  /** Distinct dates of the visits done in the window, ascending. */
  visitsFrom: string[];
  openPrescriptions: number;
}

export class ServicesRepository {
  constructor(private readonly ctx: RepoContext) {}

  create(w: ServiceWrite): ServiceRecord {
    const id = this.ctx.newId();
    const at = this.ctx.now();
    this.ctx
      .stmt(
        `INSERT INTO services (id, name, type, comune, address, referente, capacity, kitchen, territorial_rls,
           authorization_issued_on, accreditation_issued_on, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        w.name,
        w.type,
        w.comune,
        w.address,
        w.referente,
        w.capacity,
        bool(w.kitchen),
        bool(w.territorialRls),
        w.authorizationIssuedOn,
        w.accreditationIssuedOn,
        at,
        at,
      );
    return this.get(id);
  }

  update(id: string, w: ServiceWrite): ServiceRecord {
    const info = this.ctx
      .stmt(
        `UPDATE services SET name = ?, type = ?, comune = ?, address = ?, referente = ?, capacity = ?, kitchen = ?,
           territorial_rls = ?, authorization_issued_on = ?, accreditation_issued_on = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        w.name,
        w.type,
        w.comune,
        w.address,
        w.referente,
        w.capacity,
        bool(w.kitchen),
        bool(w.territorialRls),
        w.authorizationIssuedOn,
        w.accreditationIssuedOn,
        this.ctx.now(),
        id,
      );
    if (info.changes === 0) throw new StoreError('not_found', `servizio ${id} non trovato`, 'id');
    return this.get(id);
  }

  /**
   * Marks a service as demo data (the demo seed, right after creating it, before any visit):
   * its visits are demo too and never go to an office (migration 009).
   */
  markDemo(id: string): ServiceRecord {
    const info = this.ctx.stmt('UPDATE services SET demo = 1 WHERE id = ?').run(id);
    if (info.changes === 0) throw new StoreError('not_found', `servizio ${id} non trovato`, 'id');
    return this.get(id);
  }

  find(id: string): ServiceRecord | null {
    const row = this.ctx.stmt('SELECT * FROM services WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  get(id: string, field = 'id'): ServiceRecord {
    const s = this.find(id);
    if (!s) throw new StoreError('not_found', `servizio ${id} non trovato`, field);
    return s;
  }

  count(): number {
    return (this.ctx.stmt('SELECT count(*) AS n FROM services').get() as { n: number }).n;
  }

  list(filter: ServiceFilter = {}): ServiceRecord[] {
    const { sql, params } = this.#select('*', filter);
    return (this.ctx.stmt(sql).all(params) as Row[]).map(toRecord);
  }

  /**
   * The services list in one query: each service with what its row shows besides the registry —
   * the latest visit done up to `asOf`, the distinct dates of the visits done from `from` to
   * `asOf` (Art. 17 looks at no others: `inspectionsDueWindow`), and its open prescriptions
   * (latest revision of each visit only). "Done" is sealed or later, a corrected revision included.
   */
  listWithVisits(filter: ServiceFilter & { id?: string }, window: { from: string; asOf: string }): ServiceWithVisits[] {
    const done = "i.service_id = services.id AND i.status <> 'draft' AND i.date <= :asOf";
    const { sql, params } = this.#select(
      `services.*,
        (SELECT max(i.date) FROM inspections i WHERE ${done}) AS last_visit,
        (SELECT group_concat(d, ',') FROM (SELECT DISTINCT i.date AS d FROM inspections i WHERE ${done} AND i.date >= :from ORDER BY i.date)) AS year_visits,
        coalesce(o.n, 0) AS open_prescriptions`,
      filter,
      // Open prescriptions are few whatever the history: counted once from them (partial index), not per revision.
      `WITH open_by_service AS MATERIALIZED (SELECT i.service_id, count(*) AS n FROM prescriptions p JOIN inspections i ON i.id = p.inspection_id
         WHERE p.status = 'open' AND NOT EXISTS (SELECT 1 FROM inspections later WHERE later.previous_id = i.id) GROUP BY i.service_id) `,
      'LEFT JOIN open_by_service o ON o.service_id = services.id',
    );
    const rows = this.ctx.stmt(sql).all({ ...params, ...window }) as Array<
      Row & { last_visit: string | null; year_visits: string | null; open_prescriptions: number }
    >;
    return rows.map((r) => ({
      service: toRecord(r),
      lastVisit: r.last_visit,
      visitsFrom: r.year_visits ? r.year_visits.split(',') : [],
      openPrescriptions: r.open_prescriptions,
    }));
  }

  /** The SELECT of `list` with named parameters `:p0`, `:p1`… for the filter's values. */
  #select(
    columns: string,
    filter: ServiceFilter & { id?: string },
    prefix = '',
    join = '',
  ): { sql: string; params: Record<string, string> } {
    const where: string[] = [];
    const params: Record<string, string> = {};
    const param = (v: string) => {
      const name = `p${Object.keys(params).length}`;
      params[name] = v;
      return `:${name}`;
    };
    if (filter.id !== undefined) where.push(`services.id = ${param(filter.id)}`);
    if (filter.query?.trim()) {
      // LIKE with escaped wildcards: the user's "%" is a character, not a pattern.
      const like = param(`%${filter.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(
        `(services.name LIKE ${like} ESCAPE '\\' OR services.comune LIKE ${like} ESCAPE '\\' OR services.address LIKE ${like} ESCAPE '\\' OR services.referente LIKE ${like} ESCAPE '\\')`,
      );
    }
    if (filter.type) where.push(`services.type = ${param(filter.type)}`);
    if (filter.comune?.trim()) where.push(`services.comune = ${param(filter.comune.trim())} COLLATE NOCASE`);
    const sql = `${prefix}SELECT ${columns} FROM services ${join} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY services.comune COLLATE NOCASE, services.name COLLATE NOCASE`;
    return { sql, params };
  }
}
