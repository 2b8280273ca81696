/**
 * The staff roster of each service. Names, titles and certificates are personal data: they live
 * in one AES-256-GCM blob per person, bound to the row id. The roster is carried from visit to
 * visit; an inspection lists who was present by id and snapshots them when sealed.
 */
import type { StaffRecord, StaffWrite } from '../records.ts';
import type { Training } from '../../shared/inspection.ts';
import { StoreError } from '../errors.ts';
import { bool, type RepoContext } from './context.ts';

interface Personal {
  name: string;
  title: StaffRecord['title'];
  titleObtainedOn: string | null;
  pathStartedOn: string | null;
  trainings: Training[];
}

interface Row {
  id: string;
  service_id: string;
  role: StaffRecord['role'];
  active: number;
  personal: Buffer;
  updated_at: string;
  removed_at: string | null;
}

export class StaffRepository {
  constructor(private readonly ctx: RepoContext) {}

  #aad(id: string): string {
    return `staff:${id}`;
  }

  #toRecord(r: Row): StaffRecord {
    const p = JSON.parse(this.ctx.cipher.open(r.personal, this.#aad(r.id))) as Personal;
    return {
      id: r.id,
      serviceId: r.service_id,
      name: p.name,
      role: r.role,
      title: p.title,
      titleObtainedOn: p.titleObtainedOn,
      pathStartedOn: p.pathStartedOn,
      trainings: p.trainings,
      active: r.active === 1,
      updatedAt: r.updated_at,
      removedAt: r.removed_at,
    };
  }

  #personal(id: string, w: StaffWrite): Buffer {
    const p: Personal = {
      name: w.name,
      title: w.title,
      titleObtainedOn: w.titleObtainedOn,
      pathStartedOn: w.pathStartedOn,
      trainings: w.trainings,
    };
    return this.ctx.cipher.seal(JSON.stringify(p), this.#aad(id));
  }

  save(w: StaffWrite): StaffRecord {
    const at = this.ctx.now();
    if (!w.id) {
      const id = this.ctx.newId();
      this.ctx
        .stmt('INSERT INTO staff (id, service_id, role, active, personal, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, w.serviceId, w.role, bool(w.active), this.#personal(id, w), at, at);
      return this.get(id);
    }
    const current = this.find(w.id);
    if (!current || current.removedAt) throw new StoreError('not_found', `persona ${w.id} non trovata nell'elenco del personale`, 'id');
    if (current.serviceId !== w.serviceId)
      throw new StoreError('invalid', 'una persona non si sposta da un servizio a un altro: inserirla nel nuovo servizio', 'serviceId');
    this.ctx
      .stmt('UPDATE staff SET role = ?, active = ?, personal = ?, updated_at = ? WHERE id = ?')
      .run(w.role, bool(w.active), this.#personal(w.id, w), at, w.id);
    return this.get(w.id);
  }

  find(id: string): StaffRecord | null {
    const row = this.ctx.stmt('SELECT * FROM staff WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#toRecord(row) : null;
  }

  get(id: string, field = 'id'): StaffRecord {
    const s = this.find(id);
    if (!s) throw new StoreError('not_found', `persona ${id} non trovata nell'elenco del personale`, field);
    return s;
  }

  /** The roster of a service (without people removed from it), by name. */
  listByService(serviceId: string): StaffRecord[] {
    const rows = this.ctx.stmt('SELECT * FROM staff WHERE service_id = ? AND removed_at IS NULL').all(serviceId) as Row[];
    return rows.map((r) => this.#toRecord(r)).sort((a, b) => a.name.localeCompare(b.name, 'it'));
  }

  /**
   * Takes a person off the roster. The row stays (sealed inspections snapshot people anyway);
   * draft inspections stop listing them. Returns the drafts that changed, for the audit log.
   */
  remove(id: string): { removed: boolean; drafts: string[] } {
    const current = this.find(id);
    if (!current || current.removedAt) return { removed: false, drafts: [] };
    const drafts = (
      this.ctx
        .stmt(
          "SELECT s.inspection_id AS id FROM inspection_staff s JOIN inspections i ON i.id = s.inspection_id WHERE s.staff_id = ? AND i.status = 'draft'",
        )
        .all(id) as Array<{ id: string }>
    ).map((r) => r.id);
    const del = this.ctx.stmt('DELETE FROM inspection_staff WHERE inspection_id = ? AND staff_id = ?');
    for (const d of drafts) del.run(d, id);
    this.ctx.stmt('UPDATE staff SET removed_at = ?, updated_at = ? WHERE id = ?').run(this.ctx.now(), this.ctx.now(), id);
    return { removed: true, drafts };
  }
}
