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
    const where: string[] = [];
    const params: string[] = [];
    if (filter.query?.trim()) {
      // LIKE with escaped wildcards: the user's "%" is a character, not a pattern.
      const like = `%${filter.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(name LIKE ? ESCAPE '\\' OR comune LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\' OR referente LIKE ? ESCAPE '\\')");
      params.push(like, like, like, like);
    }
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (filter.comune?.trim()) {
      where.push('comune = ? COLLATE NOCASE');
      params.push(filter.comune.trim());
    }
    const sql = `SELECT * FROM services ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY comune COLLATE NOCASE, name COLLATE NOCASE`;
    return (this.ctx.stmt(sql).all(...params) as Row[]).map(toRecord);
  }

  /** Dates of the visits that count as done (sealed or later), per service. */
  inspectionDates(): Map<string, string[]> {
    const rows = this.ctx
      .stmt("SELECT DISTINCT service_id AS serviceId, date FROM inspections WHERE status <> 'draft' ORDER BY date")
      .all() as Array<{ serviceId: string; date: string }>;
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.serviceId, [...(out.get(r.serviceId) ?? []), r.date]);
    return out;
  }

  /** Open prescriptions per service, counted on the latest revision of each visit only. */
  openPrescriptions(): Map<string, number> {
    const rows = this.ctx
      .stmt(
        `SELECT i.service_id AS serviceId, count(*) AS n FROM prescriptions p JOIN inspections i ON i.id = p.inspection_id
         WHERE p.status = 'open' AND NOT EXISTS (SELECT 1 FROM inspections later WHERE later.previous_id = i.id)
         GROUP BY i.service_id`,
      )
      .all() as Array<{ serviceId: string; n: number }>;
    return new Map(rows.map((r) => [r.serviceId, r.n]));
  }
}
