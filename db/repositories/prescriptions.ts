/** Prescriptions (diffide) with deadlines, written during the visit, part of the sealed record. */
import type { PrescriptionRecord, PrescriptionWrite } from '../records.ts';
import { StoreError } from '../errors.ts';
import type { AuditRepository } from './audit.ts';
import type { RepoContext } from './context.ts';
import { requireDraft } from './inspections.ts';

interface Row {
  id: string;
  inspection_id: string;
  rule: string;
  text: string;
  deadline: string;
  status: PrescriptionRecord['status'];
  follow_up_inspection_id: string | null;
}

const toRecord = (r: Row): PrescriptionRecord => ({
  id: r.id,
  inspectionId: r.inspection_id,
  rule: r.rule,
  text: r.text,
  deadline: r.deadline,
  status: r.status,
  followUpInspectionId: r.follow_up_inspection_id,
});

export class PrescriptionsRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
  ) {}

  save(w: PrescriptionWrite): PrescriptionRecord {
    return this.ctx.db
      .transaction(() => {
        requireDraft(this.ctx, w.inspectionId, 'inspectionId');
        const at = this.ctx.now();
        let id = w.id;
        if (id) {
          const current = this.find(id);
          if (!current) throw new StoreError('not_found', `prescrizione ${id} non trovata`, 'id');
          if (current.inspectionId !== w.inspectionId)
            throw new StoreError('invalid', "la prescrizione appartiene a un'altra ispezione", 'inspectionId');
          this.ctx
            .stmt('UPDATE prescriptions SET rule = ?, text = ?, deadline = ?, updated_at = ? WHERE id = ?')
            .run(w.rule, w.text, w.deadline, at, id);
        } else {
          id = this.ctx.newId();
          this.ctx
            .stmt(
              'INSERT INTO prescriptions (id, inspection_id, rule, text, deadline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
            )
            .run(id, w.inspectionId, w.rule, w.text, w.deadline, at, at);
        }
        this.ctx.stmt('UPDATE inspections SET updated_at = ? WHERE id = ?').run(at, w.inspectionId);
        this.audit.append(w.inspectionId, at, w.id ? 'prescrizione modificata' : 'prescrizione aggiunta', {
          prescriptionId: id,
          rule: w.rule,
          text: w.text,
          deadline: w.deadline,
        });
        return this.get(id);
      })
      .immediate();
  }

  find(id: string): PrescriptionRecord | null {
    const row = this.ctx.stmt('SELECT * FROM prescriptions WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  get(id: string): PrescriptionRecord {
    const p = this.find(id);
    if (!p) throw new StoreError('not_found', `prescrizione ${id} non trovata`, 'id');
    return p;
  }

  /**
   * The prescriptions of the earlier visits of a service (the latest sealed revision of each visit
   * but `visitId`, dated before `before`), each with its position in its visit's deadline order (as
   * the office numbers them), and what the sealed revisions of the service's other visits answered
   * about them (`verifica:<visit>:<position>` answers): the follow-up's list to check (issue 14).
   */
  earlierOfService(
    serviceId: string,
    visitId: string,
    before: string,
  ): {
    prescriptions: Array<{ visitId: string; visitDate: string; position: number; rule: string; text: string; deadline: string }>;
    checks: Array<{ itemId: string; value: string | null; visitDate: string }>;
  } {
    const latestSealed = `SELECT i.id, i.visit_id, i.date FROM inspections i
      WHERE i.service_id = ? AND i.visit_id <> ? AND i.status <> 'draft'
        AND i.revision = (SELECT MAX(j.revision) FROM inspections j WHERE j.visit_id = i.visit_id AND j.status <> 'draft')`;
    const rows = this.ctx
      .stmt(
        `WITH latest AS (${latestSealed})
         SELECT l.visit_id, l.date, p.rule, p.text, p.deadline,
           ROW_NUMBER() OVER (PARTITION BY p.inspection_id ORDER BY p.deadline, p.created_at, p.id) - 1 AS position
         FROM latest l JOIN prescriptions p ON p.inspection_id = l.id WHERE l.date < ?
         ORDER BY l.date, l.visit_id, position`,
      )
      .all(serviceId, visitId, before) as Array<{
      visit_id: string;
      date: string;
      rule: string;
      text: string;
      deadline: string;
      position: number;
    }>;
    const checks = this.ctx
      .stmt(
        `WITH latest AS (${latestSealed})
         SELECT a.item_id, a.value, l.date FROM latest l JOIN answers a ON a.inspection_id = l.id
         WHERE a.item_id LIKE 'verifica:%' ORDER BY l.date`,
      )
      .all(serviceId, visitId) as Array<{ item_id: string; value: string | null; date: string }>;
    return {
      prescriptions: rows.map((r) => ({
        visitId: r.visit_id,
        visitDate: r.date,
        position: Number(r.position),
        rule: r.rule,
        text: r.text,
        deadline: r.deadline,
      })),
      checks: checks.map((c) => ({
        itemId: c.item_id,
        value: c.value === null ? null : (JSON.parse(c.value) as string),
        visitDate: c.date,
      })),
    };
  }

  listByInspection(inspectionId: string): PrescriptionRecord[] {
    return (
      this.ctx.stmt('SELECT * FROM prescriptions WHERE inspection_id = ? ORDER BY deadline, created_at, id').all(inspectionId) as Row[]
    ).map(toRecord);
  }

  remove(id: string): boolean {
    return this.ctx.db
      .transaction(() => {
        const p = this.find(id);
        if (!p) return false;
        requireDraft(this.ctx, p.inspectionId, 'id');
        const at = this.ctx.now();
        this.ctx.stmt('DELETE FROM prescriptions WHERE id = ?').run(id);
        this.audit.append(p.inspectionId, at, 'prescrizione rimossa', { prescriptionId: id, rule: p.rule });
        return true;
      })
      .immediate();
  }
}
