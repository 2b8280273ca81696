/**
 * The agenda (migration 013): the office's planned visits of this inspector's commissions, as the
 * change feed last sent them, and the visits started from one (`visit_plans`, never updated).
 */
import { PERSON_ROLE_LABELS } from '../../shared/domain.ts';
import type { PlanLink } from '../../shared/inspection.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import { PlannedVisitChange, PlannedVisitRecord, type PlanFulfilment, type PlanPrescription } from '../../shared/sync/protocol.ts';
import { StoreError } from '../errors.ts';
import type { InspectionRecord } from '../records.ts';
import type { AuditRepository } from './audit.ts';
import type { RepoContext } from './context.ts';
import type { InspectionsRepository } from './inspections.ts';
import type { MembersRepository } from './members.ts';

export interface AgendaRecord {
  plan: PlannedVisitRecord;
  /** Our service standing for the office's registry entry (null: not received yet). */
  serviceId: string | null;
  /** The latest revision of the visit here that fulfilled it, else of the visit started from it here, or null. */
  inspectionId: string | null;
  /** Whether `inspectionId` is the visit that fulfilled the plan (else a visit started here, or none). */
  doneHere: boolean;
}

/** «avviata dal piano» / «collegata all'arrivo in ufficio»: how the visit that fulfilled a plan was linked to it. */
export const FULFILMENT_HOW_LABELS: Record<PlanFulfilment['how'], string> = {
  plan: 'avviata dal piano',
  matched: "collegata all'arrivo in ufficio",
};

/** How a member of the office's commission reads as a laptop commission member's role. */
export function memberRole(m: PlannedVisitRecord['members'][number]): string {
  if (m.role === 'referente_tecnico_comune' && m.comune) return `Referente tecnico Comune di ${m.comune}`;
  return PERSON_ROLE_LABELS[m.role];
}

const fold = (s: string) => s.trim().toLocaleLowerCase('it');

export class AgendaRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
    private readonly inspections: InspectionsRepository,
    private readonly members: MembersRepository,
  ) {}

  /**
   * One `planned_visit` change of the feed, inside the page's transaction: the plan replaces the row
   * (moved, new commission, done: `fulfilled`), null deletes it. Visits already started are not touched. Returns a reason
   * when the payload is not readable (the change is then skipped and reported).
   */
  apply(seq: number, payload: unknown): string | null {
    const parsed = PlannedVisitChange.safeParse(payload);
    if (!parsed.success || (parsed.data.plan && parsed.data.plan.id !== parsed.data.planId)) return 'visita pianificata non leggibile';
    const { planId, plan } = parsed.data;
    if (!plan) {
      this.ctx.stmt('DELETE FROM agenda WHERE plan_id = ?').run(planId);
      return null;
    }
    this.ctx
      .stmt(
        `INSERT INTO agenda (plan_id, plan, plan_date, office_seq, received_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (plan_id) DO UPDATE SET plan = excluded.plan, plan_date = excluded.plan_date, office_seq = excluded.office_seq, received_at = excluded.received_at`,
      )
      .run(planId, JSON.stringify(plan), plan.date, seq, this.ctx.now());
    return null;
  }

  #localService(officeId: string): string | null {
    const linked = this.ctx.stmt('SELECT service_id FROM sync_services WHERE office_id = ?').get(officeId) as
      { service_id: string } | undefined;
    if (linked) return linked.service_id;
    const same = this.ctx.stmt('SELECT id FROM services WHERE id = ?').get(officeId) as { id: string } | undefined;
    return same?.id ?? null;
  }

  #startedVisit(planId: string): string | null {
    const row = this.ctx
      .stmt(
        `SELECT i.id FROM visit_plans p JOIN inspections i ON i.visit_id = p.visit_id WHERE p.plan_id = ? ORDER BY i.revision DESC LIMIT 1`,
      )
      .get(planId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** The latest revision of the visit `visitId` if this laptop holds it (the one that fulfilled a plan), or null. */
  #heldVisit(visitId: string): string | null {
    const row = this.ctx.stmt('SELECT id FROM inspections WHERE visit_id = ? ORDER BY revision DESC LIMIT 1').get(visitId) as
      { id: string } | undefined;
    return row?.id ?? null;
  }

  /**
   * The visit of this laptop a plan opens: the one here that fulfilled it, else the one started from it
   * (a draft started here while another laptop's visit did the plan is still this laptop's, untouched).
   */
  #visitOf(plan: PlannedVisitRecord): { inspectionId: string | null; doneHere: boolean } {
    const held = plan.fulfilled ? this.#heldVisit(plan.fulfilled.visitId) : null;
    return held ? { inspectionId: held, doneHere: true } : { inspectionId: this.#startedVisit(plan.id), doneHere: false };
  }

  /** The agenda by date and time. */
  list(): AgendaRecord[] {
    const rows = this.ctx.stmt('SELECT plan FROM agenda ORDER BY plan_date, plan_id').all() as Array<{ plan: string }>;
    return rows
      .map((r) => JSON.parse(r.plan) as PlannedVisitRecord)
      .sort((a, b) => a.date.localeCompare(b.date) || a.startTime.localeCompare(b.startTime) || a.id.localeCompare(b.id))
      .map((plan) => ({ plan, serviceId: this.#localService(plan.serviceId), ...this.#visitOf(plan) }));
  }

  /** The plan a visit (any of its revisions) was started from, as the file carries it. */
  planOf(visitId: string): PlanLink | null {
    const row = this.ctx.stmt('SELECT plan_id, reason FROM visit_plans WHERE visit_id = ?').get(visitId) as
      { plan_id: string; reason: PlanLink['reason'] } | undefined;
    return row ? { id: row.plan_id, reason: row.reason } : null;
  }

  /**
   * The prescriptions the plan a visit was started from asks to verify (a follow-up's `toVerify`, as
   * the office sent it when the visit was started; none for another plan, an older office's or no plan).
   */
  toVerifyOf(visitId: string): PlanPrescription[] {
    const row = this.ctx.stmt('SELECT plan FROM visit_plans WHERE visit_id = ?').get(visitId) as { plan: string } | undefined;
    if (!row) return [];
    const plan = PlannedVisitRecord.safeParse(JSON.parse(row.plan));
    return plan.success ? (plan.data.toVerify ?? []) : [];
  }

  /**
   * A new draft visit from the plan, in one transaction: the plan's service (ours for the office's
   * entry), purpose, date and times, and its commission as laptop members (the one with the same name,
   * else added with the office's role). A plan already started gives that visit back; a plan already
   * done (`fulfilled`) gives back the visit that did it when this laptop holds it, and is refused
   * (`conflict`) on every other laptop: the visit was made, a second one would fulfil nothing.
   */
  start(planId: string, ruleSet: string): InspectionRecord {
    return this.ctx.db
      .transaction(() => {
        const started = this.#startedVisit(planId);
        if (started) return this.inspections.get(started);
        const row = this.ctx.stmt('SELECT plan FROM agenda WHERE plan_id = ?').get(planId) as { plan: string } | undefined;
        if (!row)
          throw new StoreError(
            'not_found',
            "visita pianificata non trovata nell'agenda (forse spostata o annullata dall'ufficio)",
            'planId',
          );
        const plan = JSON.parse(row.plan) as PlannedVisitRecord;
        if (plan.fulfilled) {
          const held = this.#heldVisit(plan.fulfilled.visitId);
          if (held) return this.inspections.get(held);
          throw new StoreError(
            'conflict',
            `la visita pianificata è già stata svolta il ${formatItalianDate(plan.fulfilled.date)} (${FULFILMENT_HOW_LABELS[plan.fulfilled.how]}) da un altro portatile della commissione: non si può avviarla di nuovo`,
            'planId',
          );
        }
        const serviceId = this.#localService(plan.serviceId);
        if (!serviceId)
          throw new StoreError(
            'conflict',
            `il servizio «${plan.serviceName}» non è ancora arrivato dall'ufficio: sincronizzare e riprovare`,
            'planId',
          );
        const known = this.members.list();
        const memberIds = plan.members.map((m) => {
          const same = known.find((k) => fold(k.name) === fold(m.name));
          if (same) return same.id;
          const created = this.members.create({ name: m.name.trim(), role: memberRole(m) });
          known.push(created);
          return created.id;
        });
        const r = this.inspections.create({
          serviceId,
          purpose: plan.purpose,
          date: plan.date,
          memberIds: [...new Set(memberIds)],
          ruleSet,
        });
        this.inspections.update(r.id, { startTime: plan.startTime, endTime: plan.endTime });
        const at = this.ctx.now();
        this.ctx
          .stmt('INSERT INTO visit_plans (visit_id, plan_id, reason, plan, started_at) VALUES (?, ?, ?, ?, ?)')
          .run(r.visitId, plan.id, plan.reason, JSON.stringify(plan), at);
        this.audit.append(r.id, at, 'avviata dal piano', { planId: plan.id, reason: plan.reason });
        return this.inspections.get(r.id);
      })
      .immediate();
  }
}
