/**
 * The sync outbox and the pairing with the office (migration 002).
 *
 * Its async methods are the `OutboxStore` of office/client/outbox.ts (the sync loop), written
 * against structurally identical types here because db/ does not import office/:
 *  - `nextPending` hands out the next due revision, including one left `inviata` by a send that
 *    was cut short (the office is idempotent, so sending again is harmless);
 *  - `applyChanges` applies a page of office changes and saves the cursor in ONE transaction:
 *    if anything in it fails, nothing is applied and the cursor stays where it was.
 *
 * A rejected revision becomes a new draft revision carrying the office's notes (like
 * `inspections.revise`); the office is the master of the registry fields of the services it sends.
 */
import { Service } from '../../shared/api/contract.ts';
import { AUDIT_GENESIS, MAX_SEGMENT_ENTRIES, type AuditSegment, type ChainPoint } from '../../shared/audit-chain.ts';
import type { BlobReader } from '../blobs.ts';
import { IntegrityError, StoreError } from '../errors.ts';
import type { AuditRepository } from './audit.ts';
import { bool, type RepoContext } from './context.ts';
import type { InspectionsRepository } from './inspections.ts';

export type OutboxStatus = 'in_coda' | 'inviata' | 'ricevuta' | 'validata' | 'respinta' | 'conflitto' | 'errore';
export const OUTBOX_STATUS_LIST: readonly OutboxStatus[] = ['in_coda', 'inviata', 'ricevuta', 'validata', 'respinta', 'conflitto', 'errore'];

export interface OutboxRecord {
  id: string;
  inspectionId: string;
  visitId: string;
  revision: number;
  contentHash: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  officeNotes: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  receivedAt: string | null;
  decidedAt: string | null;
}

/** What one send carries (the shape of office/client's OutboxItem). */
export interface OutboxPush {
  outboxId: string;
  attempts: number;
  /** The visit's id, the same for all its revisions. */
  id: string;
  revision: number;
  file: unknown;
  contentHash: string;
  /** `reader`: the plaintext of the (encrypted) file, by range: what the office hashes and stores. */
  attachments: Array<{ sha256: string; kind: 'photo' | 'report'; name: string; reader: BlobReader }>;
  prescriptions: Array<{ rule: string; text: string; deadline: string }>;
  serviceId?: string;
  /** The audit chain from the previous seal's head to this one's (absent for revisions sealed before the chain). */
  audit?: AuditSegment;
}

/** One entry of the office's change feed (`GET /api/v1/changes`); unknown kinds are skipped. */
export interface OfficeChange {
  seq: number;
  kind: string;
  payload: unknown;
}

/** A later report version (co-signature) to add to a revision the office holds (migration 003). */
export interface AttachmentUpdatePush {
  updateId: string;
  attempts: number;
  id: string;
  revision: number;
  contentHash: string;
  attachment: { sha256: string; kind: 'report'; name: string; reader: BlobReader };
}

export type AttachmentUpdateOutcome =
  | { status: 'ricevuta' }
  | { status: 'in_coda'; message: string; nextAttemptAt: Date }
  | { status: 'errore'; message: string };

/** One revision in the outbox as the «Ufficio» page lists it. */
export interface OutboxEntry {
  inspectionId: string;
  visitId: string;
  revision: number;
  serviceId: string;
  serviceName: string;
  date: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  officeNotes: string | null;
  updatedAt: string;
  /** The next revision of the same visit, when one was opened (a correction). */
  successorId: string | null;
  /** Later report versions (co-signatures) not yet at the office, and those the office refused. */
  attachmentsPending: number;
  attachmentsFailed: number;
}

export interface SyncSettingsRecord {
  officeUrl: string;
  inspectorId: string;
  inspectorName: string;
  pairedAt: string;
  cursor: number;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface ApplyReport {
  decisions: number;
  services: number;
  /** Changes skipped, with the reason (unknown kind, unknown revision, invalid payload…). */
  skipped: string[];
  /** New draft revisions opened by rejections. */
  newDrafts: string[];
}

interface Row {
  id: string; inspection_id: string; visit_id: string; revision: number; content_hash: string; status: OutboxStatus; attempts: number;
  last_error: string | null; next_attempt_at: string | null; bundle: string | null; office_notes: string | null;
  created_at: string; updated_at: string; sent_at: string | null; received_at: string | null; decided_at: string | null;
}

interface Bundle {
  attachments: Array<{ sha256: string; kind: 'photo' | 'report'; name: string }>;
  prescriptions: Array<{ rule: string; text: string; deadline: string }>;
  serviceId: string | null;
  /** Where the revision's audit segment starts and ends; bundles frozen before migration 006 have none. */
  audit?: { from: ChainPoint; head: ChainPoint };
}

const toRecord = (r: Row): OutboxRecord => ({
  id: r.id,
  inspectionId: r.inspection_id,
  visitId: r.visit_id,
  revision: r.revision,
  contentHash: r.content_hash,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  officeNotes: r.office_notes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
  receivedAt: r.received_at,
  decidedAt: r.decided_at,
});

const TOKEN_AAD = 'sync:device_token';
const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

export class OutboxRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
    private readonly inspections: InspectionsRepository,
  ) {}

  // ---------- queue ----------

  /** Queues a sealed revision (idempotent: a revision is queued once). Call it in the seal's transaction. */
  enqueue(inspectionId: string): OutboxRecord {
    return this.ctx.db.transaction(() => {
      const existing = this.findByInspection(inspectionId);
      if (existing) return existing;
      const r = this.inspections.get(inspectionId, 'inspectionId');
      if (r.status === 'draft' || !r.contentHash) throw new StoreError('conflict', "l'ispezione non è sigillata: solo una visita chiusa si invia all'ufficio", 'inspectionId');
      const at = this.ctx.now();
      const id = this.ctx.newId();
      this.ctx
        .stmt('INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, inspectionId, r.visitId, r.revision, r.contentHash, at, at);
      this.audit.append(inspectionId, at, 'in coda per l’ufficio', { outboxId: id, contentHash: r.contentHash });
      return this.get(id);
    }).immediate();
  }

  get(id: string): OutboxRecord {
    const row = this.ctx.stmt('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StoreError('not_found', `voce ${id} della coda di invio non trovata`, 'id');
    return toRecord(row);
  }

  findByInspection(inspectionId: string): OutboxRecord | null {
    const row = this.ctx.stmt('SELECT * FROM outbox WHERE inspection_id = ?').get(inspectionId) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** The per-visit sync status of a revision (null: never queued, e.g. a draft). */
  statusOf(inspectionId: string): OutboxStatus | null {
    const row = this.ctx.stmt('SELECT status FROM outbox WHERE inspection_id = ?').get(inspectionId) as { status: OutboxStatus } | undefined;
    return row?.status ?? null;
  }

  list(): OutboxRecord[] {
    return (this.ctx.stmt('SELECT * FROM outbox ORDER BY created_at, rowid').all() as Row[]).map(toRecord);
  }

  counts(): Record<OutboxStatus, number> {
    const out = Object.fromEntries(OUTBOX_STATUS_LIST.map((s) => [s, 0])) as Record<OutboxStatus, number>;
    for (const r of this.ctx.stmt('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as Array<{ status: OutboxStatus; n: number }>) out[r.status] = r.n;
    return out;
  }

  /** "Sincronizza ora": what waits for its backoff becomes due at once. */
  makeDueNow(): number {
    const rows = this.ctx.stmt("UPDATE outbox SET next_attempt_at = NULL WHERE status IN ('in_coda', 'inviata') AND next_attempt_at IS NOT NULL").run().changes;
    return rows + this.ctx.stmt("UPDATE outbox_attachments SET next_attempt_at = NULL WHERE status = 'in_coda' AND next_attempt_at IS NOT NULL").run().changes;
  }

  /** Every revision in the outbox with its service, newest first (the «Ufficio» page). */
  entries(): OutboxEntry[] {
    const rows = this.ctx
      .stmt(
        `SELECT o.*, i.service_id, i.date, s.name AS service_name, n.id AS successor_id,
           (SELECT count(*) FROM outbox_attachments a WHERE a.outbox_id = o.id AND a.status = 'in_coda') AS pending,
           (SELECT count(*) FROM outbox_attachments a WHERE a.outbox_id = o.id AND a.status = 'errore') AS failed,
           (SELECT a.last_error FROM outbox_attachments a WHERE a.outbox_id = o.id AND a.last_error IS NOT NULL ORDER BY a.updated_at DESC LIMIT 1) AS attachment_error
         FROM outbox o JOIN inspections i ON i.id = o.inspection_id JOIN services s ON s.id = i.service_id
         LEFT JOIN inspections n ON n.previous_id = o.inspection_id
         ORDER BY o.created_at DESC, o.rowid DESC`,
      )
      .all() as Array<Row & { service_id: string; date: string; service_name: string; successor_id: string | null; pending: number; failed: number; attachment_error: string | null }>;
    return rows.map((r) => ({
      inspectionId: r.inspection_id,
      visitId: r.visit_id,
      revision: r.revision,
      serviceId: r.service_id,
      serviceName: r.service_name,
      date: r.date,
      status: r.status,
      attempts: r.attempts,
      // A revision already at the office may still have a co-signature waiting or refused.
      lastError: r.last_error ?? (r.pending || r.failed ? r.attachment_error : null),
      nextAttemptAt: r.next_attempt_at,
      officeNotes: r.office_notes,
      updatedAt: r.updated_at,
      successorId: r.successor_id,
      attachmentsPending: r.pending,
      attachmentsFailed: r.failed,
    }));
  }

  /**
   * «Riprova»: a revision (or a co-signature of it) the office refused goes back in the queue, due
   * now. A conflict is not retried: the office holds other content under that revision number, and
   * only a new revision (`inspections.revise`, sent as n+1) can correct it.
   */
  retry(inspectionId: string): OutboxRecord {
    return this.ctx.db.transaction(() => {
      const row = this.findByInspection(inspectionId);
      if (!row) throw new StoreError('not_found', 'questa revisione non è nella coda di invio', 'inspectionId');
      if (row.status === 'conflitto')
        throw new StoreError('conflict', "l'ufficio ha già ricevuto un contenuto diverso per questa revisione: un nuovo invio non lo sostituisce. Per correggere, aprire una nuova revisione: sarà inviata come revisione successiva", 'inspectionId');
      const at = this.ctx.now();
      const rows = this.ctx.stmt("UPDATE outbox SET status = 'in_coda', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'errore'").run(at, row.id).changes;
      const atts = this.ctx.stmt("UPDATE outbox_attachments SET status = 'in_coda', next_attempt_at = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'errore'").run(at, row.id).changes;
      if (!rows && !atts) throw new StoreError('conflict', 'niente da riprovare: la revisione non è in errore', 'inspectionId');
      this.audit.append(inspectionId, at, 'nuovo invio all’ufficio richiesto', { outboxId: row.id, previousError: row.lastError });
      return this.get(row.id);
    }).immediate();
  }

  // ---------- OutboxStore (office/client/outbox.ts) ----------

  async nextPending(now: Date): Promise<OutboxPush | null> {
    return this.nextPendingSync(now);
  }

  /** `skip`: inspection ids to leave alone for now (their report is still being made). */
  nextPendingSync(now: Date, skip: ReadonlySet<string> = new Set()): OutboxPush | null {
    return this.ctx.db.transaction(() => {
      const candidates = this.ctx
        .stmt(`SELECT * FROM outbox WHERE status IN ('in_coda', 'inviata') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
               ORDER BY created_at, rowid LIMIT ?`)
        .all(now.toISOString(), skip.size + 1) as Row[];
      const row = candidates.find((r) => !skip.has(r.inspection_id));
      if (!row) return null;
      let text: string | null;
      try {
        text = this.inspections.sealedFile(row.inspection_id);
      } catch (e) {
        if (!(e instanceof IntegrityError)) throw e;
        // A revision damaged on this laptop is never sent, and must not hold back the ones behind
        // it: it leaves the queue as an error the «Ufficio» page shows, and the next one is handed out.
        this.#fail(row.id, 'errore', e.message, 'invio bloccato: integrità compromessa');
        return this.nextPendingSync(now, skip);
      }
      if (text === null) throw new StoreError('conflict', `la revisione in coda ${row.inspection_id} non è sigillata`);
      let bundle: Bundle;
      if (row.bundle) bundle = JSON.parse(row.bundle) as Bundle;
      else {
        // Frozen at the first send: a resend is the same request, whatever was attached since.
        bundle = this.#bundleOf(row.inspection_id);
        this.ctx.stmt('UPDATE outbox SET bundle = ? WHERE id = ?').run(JSON.stringify(bundle), row.id);
      }
      const push: OutboxPush = {
        outboxId: row.id,
        attempts: row.attempts,
        id: row.visit_id,
        revision: row.revision,
        file: JSON.parse(text) as unknown,
        contentHash: row.content_hash,
        attachments: bundle.attachments.map((a) => ({ ...a, reader: this.ctx.blobs.reader(a.sha256) })),
        prescriptions: bundle.prescriptions,
      };
      if (bundle.serviceId) push.serviceId = bundle.serviceId;
      // The digests are recomputed from the log at each send: the same request unless the log was rewritten.
      if (bundle.audit) push.audit = { ...bundle.audit, digests: this.audit.digestsBetween(bundle.audit.from.seq, bundle.audit.head.seq) };
      return push;
    }).immediate();
  }

  #bundleOf(inspectionId: string): Bundle {
    const photos = this.ctx.stmt('SELECT sha256, mime FROM photos WHERE inspection_id = ? ORDER BY created_at, id').all(inspectionId) as Array<{ sha256: string; mime: string }>;
    const reports = this.ctx.stmt("SELECT sha256, name FROM attachments WHERE inspection_id = ? AND kind = 'report' ORDER BY created_at, id").all(inspectionId) as Array<{ sha256: string; name: string }>;
    const prescriptions = this.ctx.stmt('SELECT rule, text, deadline FROM prescriptions WHERE inspection_id = ? ORDER BY deadline, created_at, id').all(inspectionId) as Bundle['prescriptions'];
    // The office's id: the same as ours, or the one the office linked our service to (003).
    const service = this.ctx.stmt('SELECT COALESCE(s.office_id, s.service_id) AS id FROM sync_services s JOIN inspections i ON i.service_id = s.service_id WHERE i.id = ?').get(inspectionId) as { id: string } | undefined;
    return {
      attachments: [
        ...photos.map((p, i) => ({ sha256: p.sha256, kind: 'photo' as const, name: `foto-${i + 1}.${EXTENSIONS[p.mime] ?? 'bin'}` })),
        ...reports.map((r) => ({ sha256: r.sha256, kind: 'report' as const, name: r.name.slice(0, 200) || 'verbale.pdf' })),
      ],
      prescriptions: prescriptions.map((p) => ({ rule: p.rule, text: p.text, deadline: p.deadline })),
      serviceId: service?.id ?? null,
      ...this.#auditSpan(inspectionId),
    };
  }

  /**
   * The audit segment a revision carries: from the previous seal's head (any revision of this
   * laptop) to its own, so that consecutive revisions join end to end at the office. A longer gap
   * than MAX_SEGMENT_ENTRIES starts later (the office then cannot link it to what it holds).
   */
  #auditSpan(inspectionId: string): Pick<Bundle, 'audit'> {
    const head = this.inspections.sealHead(inspectionId);
    if (!head) return {};
    const previous = this.ctx.stmt('SELECT audit_seq AS seq, audit_hash AS hash FROM inspections WHERE audit_seq < ? ORDER BY audit_seq DESC LIMIT 1').get(head.seq) as ChainPoint | undefined;
    let from = previous ?? { seq: 0, hash: AUDIT_GENESIS };
    if (head.seq - from.seq > MAX_SEGMENT_ENTRIES) {
      const seq = head.seq - MAX_SEGMENT_ENTRIES;
      from = { seq, hash: this.audit.hashAt(seq) ?? AUDIT_GENESIS };
    }
    return { audit: { from, head } };
  }

  async nextAttachmentUpdate(now: Date): Promise<AttachmentUpdatePush | null> {
    return this.nextAttachmentUpdateSync(now);
  }

  /** The next co-signature that is due, only once the office acknowledged its revision. */
  nextAttachmentUpdateSync(now: Date): AttachmentUpdatePush | null {
    const row = this.ctx
      .stmt(`SELECT a.id, a.attempts, a.sha256, a.name, o.visit_id, o.revision, o.content_hash FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
             WHERE a.status = 'in_coda' AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ?) AND o.status IN ('ricevuta', 'validata', 'respinta')
             ORDER BY a.created_at, a.rowid LIMIT 1`)
      .get(now.toISOString()) as { id: string; attempts: number; sha256: string; name: string; visit_id: string; revision: number; content_hash: string } | undefined;
    if (!row) return null;
    return {
      updateId: row.id,
      attempts: row.attempts,
      id: row.visit_id,
      revision: row.revision,
      contentHash: row.content_hash,
      attachment: { sha256: row.sha256, kind: 'report', name: row.name || 'verbale.pdf', reader: this.ctx.blobs.reader(row.sha256) },
    };
  }

  async markAttachmentUpdate(updateId: string, outcome: AttachmentUpdateOutcome): Promise<void> {
    const at = this.ctx.now();
    this.ctx.db.transaction(() => {
      const row = this.ctx.stmt('SELECT a.status, o.inspection_id FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id WHERE a.id = ?').get(updateId) as { status: string; inspection_id: string } | undefined;
      if (!row) throw new StoreError('not_found', `allegato ${updateId} della coda di invio non trovato`, 'id');
      if (row.status !== 'in_coda') return;
      if (outcome.status === 'ricevuta') {
        this.ctx.stmt("UPDATE outbox_attachments SET status = 'ricevuta', received_at = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?").run(at, at, updateId);
        this.audit.append(row.inspection_id, at, 'nuova versione del verbale ricevuta dall’ufficio', { updateId });
      } else if (outcome.status === 'in_coda') {
        this.ctx.stmt('UPDATE outbox_attachments SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?').run(outcome.message, outcome.nextAttemptAt.toISOString(), at, updateId);
      } else {
        this.ctx.stmt("UPDATE outbox_attachments SET status = 'errore', last_error = ?, updated_at = ? WHERE id = ?").run(outcome.message, at, updateId);
        this.audit.append(row.inspection_id, at, 'nuova versione del verbale rifiutata dall’ufficio', { updateId, message: outcome.message });
      }
    }).immediate();
  }

  async markSent(outboxId: string, status: 'inviata' | 'ricevuta', detail?: { duplicate: boolean }): Promise<void> {
    const at = this.ctx.now();
    if (status === 'inviata') {
      this.#update(outboxId, "UPDATE outbox SET status = 'inviata', sent_at = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')", at, at, outboxId);
      return;
    }
    this.ctx.db.transaction(() => {
      // Never back from a decision to "received".
      const changed = this.ctx
        .stmt("UPDATE outbox SET status = 'ricevuta', received_at = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')")
        .run(at, at, outboxId).changes;
      if (changed) {
        const r = this.get(outboxId);
        this.audit.append(r.inspectionId, at, 'ricevuta dall’ufficio', { outboxId, duplicate: detail?.duplicate ?? false });
        // The office just took a revision: an error left by an earlier pass (a pull that ran out of
        // attempts while the office was down) no longer describes the link, so it must not linger
        // on the «Ufficio» page until the next successful pull.
        this.ctx.stmt('UPDATE sync_settings SET last_error = NULL, last_error_at = NULL WHERE id = 1').run();
      }
    }).immediate();
  }

  async markRetry(outboxId: string, message: string, nextAttemptAt: Date): Promise<void> {
    const at = this.ctx.now();
    this.#update(outboxId, "UPDATE outbox SET status = 'in_coda', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')",
      message, nextAttemptAt.toISOString(), at, outboxId);
  }

  async markFailed(outboxId: string, status: 'conflitto' | 'errore', message: string): Promise<void> {
    this.ctx.db.transaction(() => this.#fail(outboxId, status, message)).immediate();
  }

  #fail(outboxId: string, status: 'conflitto' | 'errore', message: string, action = status === 'conflitto' ? 'invio in conflitto' : 'invio rifiutato dall’ufficio'): void {
    const at = this.ctx.now();
    const changed = this.ctx.stmt("UPDATE outbox SET status = ?, last_error = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')").run(status, message, at, outboxId).changes;
    if (changed) this.audit.append(this.get(outboxId).inspectionId, at, action, { outboxId, message });
  }

  #update(outboxId: string, sql: string, ...params: unknown[]): void {
    const info = this.ctx.stmt(sql).run(...params);
    if (info.changes === 0 && !this.ctx.stmt('SELECT 1 FROM outbox WHERE id = ?').get(outboxId)) throw new StoreError('not_found', `voce ${outboxId} della coda di invio non trovata`, 'id');
  }

  async getCursor(): Promise<number> {
    return this.settings()?.cursor ?? 0;
  }

  async applyChanges(changes: OfficeChange[], cursor: number): Promise<ApplyReport> {
    return this.applyChangesSync(changes, cursor);
  }

  /** Applies a page of office changes and stores the cursor: all in one transaction, or nothing. */
  applyChangesSync(changes: OfficeChange[], cursor: number): ApplyReport {
    return this.ctx.db.transaction(() => {
      const settings = this.settings();
      if (!settings) throw new StoreError('conflict', "portatile non associato a un ufficio: aggiornamenti non applicati");
      if (!Number.isSafeInteger(cursor) || cursor < settings.cursor) throw new StoreError('invalid', `cursore ${cursor} precedente a quello salvato (${settings.cursor})`, 'cursor');
      const report: ApplyReport = { decisions: 0, services: 0, skipped: [], newDrafts: [] };
      for (const c of changes) {
        if (c.seq <= settings.cursor) continue; // already applied with an earlier page
        if (c.kind === 'decision') this.#applyDecision(c, report);
        else if (c.kind === 'service') this.#applyService(c, report);
        else if (c.kind === 'service_link') this.#applyServiceLink(c, report);
        // Rule sets and checklists ship with the app; the office's copies are informational here.
        else if (c.kind === 'rule_set' || c.kind === 'checklist') continue;
        else report.skipped.push(`${c.seq}: tipo ${c.kind} non usato da questa versione`);
      }
      const at = this.ctx.now();
      this.ctx.stmt('UPDATE sync_settings SET change_cursor = ?, last_sync_at = ?, last_error = NULL, last_error_at = NULL WHERE id = 1').run(cursor, at);
      return report;
    }).immediate();
  }

  #applyDecision(c: OfficeChange, report: ApplyReport): void {
    const d = c.payload as { inspectionId?: unknown; revision?: unknown; contentHash?: unknown; decision?: unknown; notes?: unknown; decidedAt?: unknown };
    if (typeof d?.inspectionId !== 'string' || !Number.isInteger(d.revision) || typeof d.contentHash !== 'string' || (d.decision !== 'validated' && d.decision !== 'rejected') || typeof d.decidedAt !== 'string') {
      report.skipped.push(`${c.seq}: decisione non leggibile`);
      return;
    }
    const visitId = d.inspectionId;
    const revision = d.revision as number;
    const notes = typeof d.notes === 'string' && d.notes.trim() ? d.notes.trim() : null;
    const at = this.ctx.now();
    const seen = this.ctx.stmt('SELECT 1 FROM sync_decisions WHERE visit_id = ? AND revision = ? AND decision = ? AND decided_at = ?').get(visitId, revision, d.decision, d.decidedAt);
    if (seen) return;
    const record = (outcome: string) =>
      this.ctx
        .stmt('INSERT INTO sync_decisions (office_seq, visit_id, revision, content_hash, decision, notes, decided_at, applied_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(c.seq, visitId, revision, d.contentHash, d.decision, notes, d.decidedAt, at, outcome);
    const row = this.ctx.stmt('SELECT * FROM outbox WHERE visit_id = ? AND revision = ?').get(visitId, revision) as Row | undefined;
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
      .stmt('UPDATE outbox SET status = ?, office_notes = ?, decided_at = ?, received_at = COALESCE(received_at, ?), last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?')
      .run(validated ? 'validata' : 'respinta', notes, d.decidedAt, at, at, row.id);
    this.ctx.stmt('UPDATE inspections SET status = ?, updated_at = ? WHERE id = ?').run(validated ? 'validated' : 'rejected', at, row.inspection_id);
    this.audit.append(row.inspection_id, at, validated ? 'validata dall’ufficio' : 'respinta dall’ufficio', { decidedAt: d.decidedAt, notes });
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

  #applyService(c: OfficeChange, report: ApplyReport): void {
    const parsed = Service.safeParse((c.payload as { service?: unknown } | null)?.service);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      report.skipped.push(`${c.seq}: servizio non valido (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
      return;
    }
    const office = parsed.data;
    // A service of ours the office linked to its entry (003) takes the office's fields under our id.
    const linked = this.ctx.stmt('SELECT service_id FROM sync_services WHERE office_id = ?').get(office.id) as { service_id: string } | undefined;
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
      .run(s.id, s.name, s.type, s.comune, s.address, s.referente, s.capacity, bool(s.kitchen), bool(s.territorialRls),
        s.authorizationIssuedOn, s.accreditationIssuedOn, at, at);
    this.ctx
      .stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at) VALUES (?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET office_updated_at = excluded.office_updated_at, received_at = excluded.received_at')
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
    const own = this.ctx.stmt('SELECT i.service_id FROM inspections i WHERE i.visit_id = ? AND i.revision = ?').get(l.inspectionId, l.revision) as { service_id: string } | undefined;
    if (!own) {
      report.skipped.push(`${c.seq}: revisione ${l.inspectionId}/${l.revision} sconosciuta`);
      return;
    }
    const local = own.service_id;
    const at = this.ctx.now();
    const current = this.ctx.stmt('SELECT COALESCE(office_id, service_id) AS office FROM sync_services WHERE service_id = ?').get(local) as { office: string } | undefined;
    if (current) {
      if (current.office !== officeId) report.skipped.push(`${c.seq}: il servizio ${local} è già collegato alla scheda d'ufficio ${current.office}`);
      return;
    }
    if (local === officeId) {
      this.ctx.stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at) VALUES (?, ?, ?)').run(local, at, at);
      report.services++;
      return;
    }
    const copy = this.ctx.stmt('SELECT 1 FROM services WHERE id = ?').get(officeId);
    if (copy) {
      const used = this.ctx.stmt('SELECT (SELECT count(*) FROM inspections WHERE service_id = ?) + (SELECT count(*) FROM staff WHERE service_id = ?) AS n').get(officeId, officeId) as { n: number };
      if (used.n > 0) {
        report.skipped.push(`${c.seq}: il servizio ${local} corrisponde alla scheda d'ufficio ${officeId}, già presente e in uso su questo portatile: unirli a mano`);
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
      const received = this.ctx.stmt('SELECT office_updated_at FROM sync_services WHERE service_id = ?').get(officeId) as { office_updated_at: string } | undefined;
      this.ctx.stmt('DELETE FROM sync_services WHERE service_id = ?').run(officeId);
      this.ctx.stmt('DELETE FROM services WHERE id = ?').run(officeId);
      this.ctx.stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at, office_id) VALUES (?, ?, ?, ?)').run(local, received?.office_updated_at ?? at, at, officeId);
      report.services++;
      return;
    }
    // Created by the office from our file: its `service` change follows and brings its fields.
    this.ctx.stmt('INSERT INTO sync_services (service_id, office_updated_at, received_at, office_id) VALUES (?, ?, ?, ?)').run(local, at, at, officeId);
    report.services++;
  }

  // ---------- pairing settings ----------

  settings(): SyncSettingsRecord | null {
    const r = this.ctx.stmt('SELECT * FROM sync_settings WHERE id = 1').get() as
      | { office_url: string; inspector_id: string; inspector_name: string; paired_at: string; change_cursor: number; last_sync_at: string | null; last_error: string | null; last_error_at: string | null }
      | undefined;
    if (!r) return null;
    return {
      officeUrl: r.office_url,
      inspectorId: r.inspector_id,
      inspectorName: r.inspector_name,
      pairedAt: r.paired_at,
      cursor: r.change_cursor,
      lastSyncAt: r.last_sync_at,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
    };
  }

  /** The device token, decrypted (null when not paired). */
  deviceToken(): string | null {
    const r = this.ctx.stmt('SELECT device_token FROM sync_settings WHERE id = 1').get() as { device_token: Buffer } | undefined;
    return r ? this.ctx.cipher.open(r.device_token, TOKEN_AAD) : null;
  }

  savePairing(p: { officeUrl: string; token: string; inspectorId: string; inspectorName: string }): SyncSettingsRecord {
    const at = this.ctx.now();
    return this.ctx.db.transaction(() => {
      const current = this.settings();
      if (current) throw new StoreError('conflict', `portatile già associato all'ufficio ${current.officeUrl}: scollegarlo prima`, 'url');
      this.ctx
        .stmt('INSERT INTO sync_settings (id, office_url, device_token, inspector_id, inspector_name, paired_at) VALUES (1, ?, ?, ?, ?, ?)')
        .run(p.officeUrl, this.ctx.cipher.seal(p.token, TOKEN_AAD), p.inspectorId, p.inspectorName, at);
      return this.settings()!;
    }).immediate();
  }

  /** Forgets the office and the token; the outbox stays and is sent after pairing again. */
  unpair(): boolean {
    return this.ctx.stmt('DELETE FROM sync_settings WHERE id = 1').run().changes > 0;
  }

  recordError(message: string): void {
    const at = this.ctx.now();
    this.ctx.stmt('UPDATE sync_settings SET last_error = ?, last_error_at = ? WHERE id = 1').run(message.slice(0, 2000), at);
  }
}
