/**
 * What an office change does to this laptop's data: the ONE place for those rules.
 *
 * A page of the office's change feed (`GET /api/v1/changes`) is applied with its cursor in one
 * transaction: if anything in it fails, nothing is applied and the cursor stays where it was.
 *  - `decision`: a validated revision becomes `validata`; a rejected one `respinta`, and a new draft
 *    revision carrying the office's notes is opened (like `inspections.revise`), or the notes go on
 *    the correction the inspector already opened;
 *  - `service`: the office is the master of the registry fields of the services it sends;
 *  - `service_link`: a service of ours stands from now on for the office's registry entry (a copy
 *    of that entry nothing uses is folded into it);
 *  - `planned_visit`: the agenda (repositories/agenda.ts) takes the plan as sent, or drops it; a visit
 *    already started from it is never touched;
 *  - `register_entry`: the territory's register of educators, each entry whole (the latest kept);
 *  - rule sets and checklists ship with the app; unknown kinds are skipped and reported.
 */
import { Service } from '../../../shared/api/contract.ts';
import { RegisterEntry } from '../../../shared/educator-register.ts';
import type { RegisterRepository } from '../register.ts';
import { StoreError } from '../../errors.ts';
import type { AgendaRepository } from '../agenda.ts';
import type { AuditRepository } from '../audit.ts';
import { bool, type RepoContext } from '../context.ts';
import type { InspectionsRepository } from '../inspections.ts';
import type { SyncPairing } from './pairing.ts';

/**
 * The payload of one change, as the feed delivers it. Declared once here so that the shared wire
 * protocol's parsed type (shared/sync/protocol.ts) can replace it; until then each applier checks it.
 */
export type OfficeChangePayload = unknown;

/** One entry of the office's change feed; unknown kinds are skipped. */
export interface OfficeChange {
  seq: number;
  kind: string;
  payload: OfficeChangePayload;
}

export interface ApplyReport {
  decisions: number;
  services: number;
  /** Planned visits added, moved or taken off the agenda. */
  plans: number;
  /** Changes skipped, with the reason (unknown kind, unknown revision, invalid payload…). */
  skipped: string[];
  /** New draft revisions opened by rejections. */
  newDrafts: string[];
}

export class OfficeChanges {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
    private readonly inspections: InspectionsRepository,
    private readonly pairing: SyncPairing,
    private readonly agenda: AgendaRepository,
    private readonly register: RegisterRepository,
  ) {}

  /** Applies a page of office changes and stores the cursor: all in one transaction, or nothing. */
  apply(changes: OfficeChange[], cursor: number): ApplyReport {
    return this.ctx.db
      .transaction(() => {
        const settings = this.pairing.settings();
        if (!settings) throw new StoreError('conflict', 'portatile non associato a un ufficio: aggiornamenti non applicati');
        if (!Number.isSafeInteger(cursor) || cursor < settings.cursor)
          throw new StoreError('invalid', `cursore ${cursor} precedente a quello salvato (${settings.cursor})`, 'cursor');
        const report: ApplyReport = { decisions: 0, services: 0, plans: 0, skipped: [], newDrafts: [] };
        for (const c of changes) {
          if (c.seq <= settings.cursor) continue; // already applied with an earlier page
          if (c.kind === 'decision') this.#applyDecision(c, report);
          else if (c.kind === 'service') this.#applyService(c, report);
          else if (c.kind === 'service_link') this.#applyServiceLink(c, report);
          else if (c.kind === 'planned_visit') {
            const problem = this.agenda.apply(c.seq, c.payload);
            if (problem) report.skipped.push(`${c.seq}: ${problem}`);
            else report.plans++;
          } else if (c.kind === 'register_entry') this.#applyRegisterEntry(c, report);
          // Rule sets and checklists ship with the app; the office's copies are informational here.
          else if (c.kind === 'rule_set' || c.kind === 'checklist') continue;
          else report.skipped.push(`${c.seq}: tipo ${c.kind} non usato da questa versione`);
        }
        const at = this.ctx.now();
        this.ctx
          .stmt('UPDATE sync_settings SET change_cursor = ?, last_sync_at = ?, last_error = NULL, last_error_at = NULL WHERE id = 1')
          .run(cursor, at);
        return report;
      })
      .immediate();
  }

  #applyDecision(c: OfficeChange, report: ApplyReport): void {
    const d = c.payload as {
      inspectionId?: unknown;
      revision?: unknown;
      contentHash?: unknown;
      decision?: unknown;
      notes?: unknown;
      decidedAt?: unknown;
    };
    if (
      typeof d?.inspectionId !== 'string' ||
      !Number.isInteger(d.revision) ||
      typeof d.contentHash !== 'string' ||
      (d.decision !== 'validated' && d.decision !== 'rejected') ||
      typeof d.decidedAt !== 'string'
    ) {
      report.skipped.push(`${c.seq}: decisione non leggibile`);
      return;
    }
    const visitId = d.inspectionId;
    const revision = d.revision as number;
    const notes = typeof d.notes === 'string' && d.notes.trim() ? d.notes.trim() : null;
    const at = this.ctx.now();
    const seen = this.ctx
      .stmt('SELECT 1 FROM sync_decisions WHERE visit_id = ? AND revision = ? AND decision = ? AND decided_at = ?')
      .get(visitId, revision, d.decision, d.decidedAt);
    if (seen) return;
    const record = (outcome: string) =>
      this.ctx
        .stmt(
          'INSERT INTO sync_decisions (office_seq, visit_id, revision, content_hash, decision, notes, decided_at, applied_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(c.seq, visitId, revision, d.contentHash, d.decision, notes, d.decidedAt, at, outcome);
    const row = this.ctx
      .stmt('SELECT id, inspection_id, content_hash FROM outbox WHERE visit_id = ? AND revision = ?')
      .get(visitId, revision) as { id: string; inspection_id: string; content_hash: string } | undefined;
    if (!row) {
      record('ignorata: revisione non presente su questo portatile');
      report.skipped.push(`${c.seq}: revisione ${visitId}/${revision} sconosciuta`);
      return;
    }
    if (row.content_hash !== d.contentHash) {
      record('ignorata: impronta diversa da quella sigillata');
      report.skipped.push(`${c.seq}: impronta diversa per ${visitId}/${revision}`);
      return;
    }
    const validated = d.decision === 'validated';
    this.ctx
      .stmt(
        'UPDATE outbox SET status = ?, office_notes = ?, decided_at = ?, received_at = COALESCE(received_at, ?), last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?',
      )
      .run(validated ? 'validata' : 'respinta', notes, d.decidedAt, at, at, row.id);
    this.ctx
      .stmt('UPDATE inspections SET status = ?, updated_at = ? WHERE id = ?')
      .run(validated ? 'validated' : 'rejected', at, row.inspection_id);
    this.audit.append(row.inspection_id, at, validated ? 'validata dall’ufficio' : 'respinta dall’ufficio', {
      decidedAt: d.decidedAt,
      notes,
    });
    report.decisions++;
    if (validated) {
      record('validata');
      return;
    }
    const successor = this.inspections.successor(row.inspection_id);
    if (!successor) {
      const draft = this.inspections.revise(row.inspection_id, notes);
      report.newDrafts.push(draft.id);
      record(`nuova revisione ${draft.id}`);
      return;
    }
    // The inspector already opened a correction: the notes go on it if it is still a draft.
    const next = this.inspections.get(successor);
    if (next.status === 'draft') {
      this.ctx.stmt('UPDATE inspections SET rejection_notes = ?, updated_at = ? WHERE id = ?').run(notes, at, successor);
      this.audit.append(successor, at, 'note dell’ufficio', { previousId: row.inspection_id, notes });
      record(`note sulla revisione già aperta ${successor}`);
    } else {
      record(`revisione successiva ${successor} già sigillata`);
    }
  }

  /** The office's register of educators: the entry as it stands now replaces the one held. */
  #applyRegisterEntry(c: OfficeChange, report: ApplyReport): void {
    const parsed = RegisterEntry.safeParse((c.payload as { entry?: unknown } | null)?.entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      report.skipped.push(`${c.seq}: iscritto all'albo non valido (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
      return;
    }
    this.register.put(parsed.data, c.seq);
  }

  #applyService(c: OfficeChange, report: ApplyReport): void {
    const parsed = Service.safeParse((c.payload as { service?: unknown } | null)?.service);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      report.skipped.push(`${c.seq}: servizio non valido (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
      return;
    }
    const office = parsed.data;
    // A service of ours the office linked to its entry (003) takes the office's fields under our id.
    const linked = this.ctx.stmt('SELECT service_id FROM sync_services WHERE office_id = ?').get(office.id) as
      { service_id: string } | undefined;
    const s = { ...office, id: linked?.service_id ?? office.id };
    const at = this.ctx.now();
    this.ctx
      .stmt(
        `INSERT INTO services (id, name, type, comune, address, referente, capacity, kitchen, territorial_rls,
           authorization_issued_on, accreditation_issued_on, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, comune = excluded.comune, address = excluded.address,
           referente = excluded.referente, capacity = excluded.capacity, kitchen = excluded.kitchen, territorial_rls = excluded.territorial_rls,
           authorization_issued_on = excluded.authorization_issued_on, accreditation_issued_on = excluded.accreditation_issued_on, updated_at = excluded.updated_at`,
      )
      .run(
        s.id,
        s.name,
        s.type,
        s.comune,
        s.address,
        s.referente,
        s.capacity,
        bool(s.kitchen),
        bool(s.territorialRls),
        s.authorizationIssuedOn,
        s.accreditationIssuedOn,
        at,
        at,
      );
    this.ctx
      .stmt(
        'INSERT INTO sync_services (service_id, office_updated_at, received_at) VALUES (?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET office_updated_at = excluded.office_updated_at, received_at = excluded.received_at',
      )
      .run(s.id, s.updatedAt, at);
    report.services++;
  }

  /**
   * The office linked the service of one of our revisions (sent without a registry id) to its
   * registry entry `serviceId`. Our service keeps its id (sealed revisions point to it) and from
   * now on stands for the office's entry. A copy of that entry received earlier, which nothing
   * of ours uses yet, is folded into it; one already in use is left, and reported.
   */
  #applyServiceLink(c: OfficeChange, report: ApplyReport): void {
    const l = c.payload as { inspectionId?: unknown; revision?: unknown; serviceId?: unknown };
    if (typeof l?.inspectionId !== 'string' || !Number.isInteger(l.revision) || typeof l.serviceId !== 'string' || !l.serviceId) {
      report.skipped.push(`${c.seq}: collegamento del servizio non leggibile`);
      return;
    }
    const officeId = l.serviceId;
    const own = this.ctx
      .stmt('SELECT i.service_id FROM inspections i WHERE i.visit_id = ? AND i.revision = ?')
      .get(l.inspectionId, l.revision) as { service_id: string } | undefined;
    if (!own) {
      report.skipped.push(`${c.seq}: revisione ${l.inspectionId}/${l.revision} sconosciuta`);
      return;
    }
    const local = own.service_id;
    const at = this.ctx.now();
    const current = this.ctx.stmt('SELECT COALESCE(office_id, service_id) AS office FROM sync_services WHERE service_id = ?').get(local) as
      { office: string } | undefined;
    if (current) {
      if (current.office !== officeId)
        report.skipped.push(`${c.seq}: il servizio ${local} è già collegato alla scheda d'ufficio ${current.office}`);
      return;
    }
    if (local === officeId) {
      this.ctx.stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at) VALUES (?, ?, ?)').run(local, at, at);
      report.services++;
      return;
    }
    const copy = this.ctx.stmt('SELECT 1 FROM services WHERE id = ?').get(officeId);
    if (copy) {
      const used = this.ctx
        .stmt('SELECT (SELECT count(*) FROM inspections WHERE service_id = ?) + (SELECT count(*) FROM staff WHERE service_id = ?) AS n')
        .get(officeId, officeId) as { n: number };
      if (used.n > 0) {
        report.skipped.push(
          `${c.seq}: il servizio ${local} corrisponde alla scheda d'ufficio ${officeId}, già presente e in uso su questo portatile: unirli a mano`,
        );
        return;
      }
      // The office's registry fields, received with its copy, now go on our service.
      this.ctx
        .stmt(
          `UPDATE services SET (name, type, comune, address, referente, capacity, kitchen, territorial_rls, authorization_issued_on, accreditation_issued_on, updated_at) =
             (SELECT name, type, comune, address, referente, capacity, kitchen, territorial_rls, authorization_issued_on, accreditation_issued_on, ? FROM services WHERE id = ?)
           WHERE id = ?`,
        )
        .run(at, officeId, local);
      const received = this.ctx.stmt('SELECT office_updated_at FROM sync_services WHERE service_id = ?').get(officeId) as
        { office_updated_at: string } | undefined;
      this.ctx.stmt('DELETE FROM sync_services WHERE service_id = ?').run(officeId);
      this.ctx.stmt('DELETE FROM services WHERE id = ?').run(officeId);
      this.ctx
        .stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at, office_id) VALUES (?, ?, ?, ?)')
        .run(local, received?.office_updated_at ?? at, at, officeId);
      report.services++;
      return;
    }
    // Created by the office from our file: its `service` change follows and brings its fields.
    this.ctx
      .stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at, office_id) VALUES (?, ?, ?, ?)')
      .run(local, at, at, officeId);
    report.services++;
  }
}
