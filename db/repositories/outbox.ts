/**
 * The sync outbox (migration 002): the send queue of sealed revisions and their co-signatures.
 * What an office change does to our data lives in outbox/office-changes.ts, the pairing and the
 * device token in outbox/pairing.ts; this class is the one face the sync loop and the store see.
 *
 * Its async methods are the `OutboxStore` of host/sync/loop.ts (the sync loop), written
 * against structurally identical types here because db/ does not import host/:
 *  - `nextPending` hands out the next due revision, including one left `inviata` by a send that
 *    was cut short (the office is idempotent, so sending again is harmless);
 *  - `applyChanges` applies a page of office changes and saves the cursor in ONE transaction:
 *    if anything in it fails, nothing is applied and the cursor stays where it was.
 */
import { RegisterRepository } from './register.ts';
import { OutboxStatus, type OutboxEntry } from '../../shared/api/contract.ts';
import { AUDIT_GENESIS, MAX_SEGMENT_ENTRIES, type AuditSegment, type ChainPoint } from '../../shared/audit-chain.ts';
import type { BlobReader } from '../blobs.ts';
import { IntegrityError, StoreError } from '../errors.ts';
import type { AgendaRepository } from './agenda.ts';
import type { AuditRepository } from './audit.ts';
import type { RepoContext } from './context.ts';
import type { InspectionsRepository } from './inspections.ts';
import { OfficeChanges, type ApplyReport, type OfficeChange } from './outbox/office-changes.ts';
import { SyncPairing, type SyncSettingsRecord } from './outbox/pairing.ts';

export type { OutboxEntry, OutboxStatus } from '../../shared/api/contract.ts';
export type { ApplyReport, OfficeChange, OfficeChangePayload } from './outbox/office-changes.ts';
export type { SyncSettingsRecord } from './outbox/pairing.ts';

export const OUTBOX_STATUS_LIST: readonly OutboxStatus[] = OutboxStatus.options;

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

/** What one send carries (the shape of host/sync/loop.ts's OutboxItem). */
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
  { status: 'ricevuta' } | { status: 'in_coda'; message: string; nextAttemptAt: Date } | { status: 'errore'; message: string };

interface Row {
  id: string;
  inspection_id: string;
  visit_id: string;
  revision: number;
  content_hash: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  bundle: string | null;
  office_notes: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  received_at: string | null;
  decided_at: string | null;
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

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

export class OutboxRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
    private readonly inspections: InspectionsRepository,
    agenda: AgendaRepository,
  ) {
    this.pairing = new SyncPairing(ctx);
    this.changes = new OfficeChanges(ctx, audit, inspections, this.pairing, agenda, new RegisterRepository(ctx));
  }

  private readonly pairing: SyncPairing;
  private readonly changes: OfficeChanges;

  // ---------- queue ----------

  /** Queues a sealed revision (idempotent: a revision is queued once). Call it in the seal's transaction. */
  enqueue(inspectionId: string): OutboxRecord {
    return this.ctx.db
      .transaction(() => {
        const existing = this.findByInspection(inspectionId);
        if (existing) return existing;
        const r = this.inspections.get(inspectionId, 'inspectionId');
        if (r.status === 'draft' || !r.contentHash)
          throw new StoreError('conflict', "l'ispezione non è sigillata: solo una visita chiusa si invia all'ufficio", 'inspectionId');
        if (r.demo) throw new StoreError('conflict', "visita dimostrativa: i dati dimostrativi non si inviano all'ufficio", 'inspectionId');
        const at = this.ctx.now();
        const id = this.ctx.newId();
        this.ctx
          .stmt(
            'INSERT INTO outbox (id, inspection_id, visit_id, revision, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(id, inspectionId, r.visitId, r.revision, r.contentHash, at, at);
        this.audit.append(inspectionId, at, 'in coda per l’ufficio', { outboxId: id, contentHash: r.contentHash });
        return this.get(id);
      })
      .immediate();
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
    const row = this.ctx.stmt('SELECT status FROM outbox WHERE inspection_id = ?').get(inspectionId) as
      { status: OutboxStatus } | undefined;
    return row?.status ?? null;
  }

  list(): OutboxRecord[] {
    return (this.ctx.stmt('SELECT * FROM outbox ORDER BY created_at, rowid').all() as Row[]).map(toRecord);
  }

  /**
   * Queued revisions whose bundle is not frozen yet (no send has started): what the laptop may still
   * augment to PAdES B-LTA before they leave (host/long-term.ts), oldest first.
   */
  notYetSent(): string[] {
    return (
      this.ctx
        .stmt("SELECT inspection_id FROM outbox WHERE bundle IS NULL AND status IN ('in_coda', 'inviata') ORDER BY created_at, rowid")
        .all() as Array<{ inspection_id: string }>
    ).map((r) => r.inspection_id);
  }

  counts(): Record<OutboxStatus, number> {
    const out = Object.fromEntries(OUTBOX_STATUS_LIST.map((s) => [s, 0])) as Record<OutboxStatus, number>;
    for (const r of this.ctx.stmt('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as Array<{
      status: OutboxStatus;
      n: number;
    }>)
      out[r.status] = r.n;
    return out;
  }

  /** "Sincronizza ora": what waits for its backoff becomes due at once. */
  makeDueNow(): number {
    const rows = this.ctx
      .stmt("UPDATE outbox SET next_attempt_at = NULL WHERE status IN ('in_coda', 'inviata') AND next_attempt_at IS NOT NULL")
      .run().changes;
    return (
      rows +
      this.ctx.stmt("UPDATE outbox_attachments SET next_attempt_at = NULL WHERE status = 'in_coda' AND next_attempt_at IS NOT NULL").run()
        .changes
    );
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
      .all() as Array<
      Row & {
        service_id: string;
        date: string;
        service_name: string;
        successor_id: string | null;
        pending: number;
        failed: number;
        attachment_error: string | null;
      }
    >;
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
    return this.ctx.db
      .transaction(() => {
        const row = this.findByInspection(inspectionId);
        if (!row) throw new StoreError('not_found', 'questa revisione non è nella coda di invio', 'inspectionId');
        if (row.status === 'conflitto')
          throw new StoreError(
            'conflict',
            "l'ufficio ha già ricevuto un contenuto diverso per questa revisione: un nuovo invio non lo sostituisce. Per correggere, aprire una nuova revisione: sarà inviata come revisione successiva",
            'inspectionId',
          );
        const at = this.ctx.now();
        const rows = this.ctx
          .stmt("UPDATE outbox SET status = 'in_coda', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'errore'")
          .run(at, row.id).changes;
        const atts = this.ctx
          .stmt(
            "UPDATE outbox_attachments SET status = 'in_coda', next_attempt_at = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'errore'",
          )
          .run(at, row.id).changes;
        if (!rows && !atts) throw new StoreError('conflict', 'niente da riprovare: la revisione non è in errore', 'inspectionId');
        this.audit.append(inspectionId, at, 'nuovo invio all’ufficio richiesto', { outboxId: row.id, previousError: row.lastError });
        return this.get(row.id);
      })
      .immediate();
  }

  // ---------- OutboxStore (host/sync/loop.ts) ----------

  async nextPending(now: Date): Promise<OutboxPush | null> {
    return this.nextPendingSync(now);
  }

  /** `skip`: inspection ids to leave alone for now (their report is still being made). */
  nextPendingSync(now: Date, skip: ReadonlySet<string> = new Set()): OutboxPush | null {
    return this.ctx.db
      .transaction(() => {
        const candidates = this.ctx
          .stmt(
            `SELECT * FROM outbox WHERE status IN ('in_coda', 'inviata') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
               ORDER BY created_at, rowid LIMIT ?`,
          )
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
        if (bundle.audit)
          push.audit = { ...bundle.audit, digests: this.audit.digestsBetween(bundle.audit.from.seq, bundle.audit.head.seq) };
        return push;
      })
      .immediate();
  }

  #bundleOf(inspectionId: string): Bundle {
    const photos = this.ctx
      .stmt('SELECT sha256, mime FROM photos WHERE inspection_id = ? ORDER BY created_at, id')
      .all(inspectionId) as Array<{ sha256: string; mime: string }>;
    const reports = this.ctx
      // In the order they were stored (rowid, as `attachments.reports`): the clock may repeat, and a
      // report's versions must reach the office oldest first (the signed one, then its augmentation).
      .stmt("SELECT sha256, name FROM attachments WHERE inspection_id = ? AND kind = 'report' ORDER BY rowid")
      .all(inspectionId) as Array<{ sha256: string; name: string }>;
    const prescriptions = this.ctx
      .stmt('SELECT rule, text, deadline FROM prescriptions WHERE inspection_id = ? ORDER BY deadline, created_at, id')
      .all(inspectionId) as Bundle['prescriptions'];
    // The office's id: the same as ours, or the one the office linked our service to (003).
    const service = this.ctx
      .stmt(
        'SELECT COALESCE(s.office_id, s.service_id) AS id FROM sync_services s JOIN inspections i ON i.service_id = s.service_id WHERE i.id = ?',
      )
      .get(inspectionId) as { id: string } | undefined;
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
    const previous = this.ctx
      .stmt('SELECT audit_seq AS seq, audit_hash AS hash FROM inspections WHERE audit_seq < ? ORDER BY audit_seq DESC LIMIT 1')
      .get(head.seq) as ChainPoint | undefined;
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
      .stmt(
        `SELECT a.id, a.attempts, a.sha256, a.name, o.visit_id, o.revision, o.content_hash FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
             WHERE a.status = 'in_coda' AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ?) AND o.status IN ('ricevuta', 'validata', 'respinta')
             ORDER BY a.created_at, a.rowid LIMIT 1`,
      )
      .get(now.toISOString()) as
      { id: string; attempts: number; sha256: string; name: string; visit_id: string; revision: number; content_hash: string } | undefined;
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
    this.ctx.db
      .transaction(() => {
        const row = this.ctx
          .stmt('SELECT a.status, o.inspection_id FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id WHERE a.id = ?')
          .get(updateId) as { status: string; inspection_id: string } | undefined;
        if (!row) throw new StoreError('not_found', `allegato ${updateId} della coda di invio non trovato`, 'id');
        if (row.status !== 'in_coda') return;
        if (outcome.status === 'ricevuta') {
          this.ctx
            .stmt(
              "UPDATE outbox_attachments SET status = 'ricevuta', received_at = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
            )
            .run(at, at, updateId);
          this.audit.append(row.inspection_id, at, 'nuova versione del verbale ricevuta dall’ufficio', { updateId });
        } else if (outcome.status === 'in_coda') {
          this.ctx
            .stmt('UPDATE outbox_attachments SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?')
            .run(outcome.message, outcome.nextAttemptAt.toISOString(), at, updateId);
        } else {
          this.ctx
            .stmt("UPDATE outbox_attachments SET status = 'errore', last_error = ?, updated_at = ? WHERE id = ?")
            .run(outcome.message, at, updateId);
          this.audit.append(row.inspection_id, at, 'nuova versione del verbale rifiutata dall’ufficio', {
            updateId,
            message: outcome.message,
          });
        }
      })
      .immediate();
  }

  async markSent(outboxId: string, status: 'inviata' | 'ricevuta', detail?: { duplicate: boolean }): Promise<void> {
    const at = this.ctx.now();
    if (status === 'inviata') {
      this.#update(
        outboxId,
        "UPDATE outbox SET status = 'inviata', sent_at = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')",
        at,
        at,
        outboxId,
      );
      return;
    }
    this.ctx.db
      .transaction(() => {
        // Never back from a decision to "received".
        const changed = this.ctx
          .stmt(
            "UPDATE outbox SET status = 'ricevuta', received_at = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')",
          )
          .run(at, at, outboxId).changes;
        if (changed) {
          const r = this.get(outboxId);
          this.audit.append(r.inspectionId, at, 'ricevuta dall’ufficio', { outboxId, duplicate: detail?.duplicate ?? false });
          // The office just took a revision: an error left by an earlier pass (a pull that ran out of
          // attempts while the office was down) no longer describes the link, so it must not linger
          // on the «Ufficio» page until the next successful pull.
          this.ctx.stmt('UPDATE sync_settings SET last_error = NULL, last_error_at = NULL WHERE id = 1').run();
        }
      })
      .immediate();
  }

  async markRetry(outboxId: string, message: string, nextAttemptAt: Date): Promise<void> {
    const at = this.ctx.now();
    this.#update(
      outboxId,
      "UPDATE outbox SET status = 'in_coda', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')",
      message,
      nextAttemptAt.toISOString(),
      at,
      outboxId,
    );
  }

  async markFailed(outboxId: string, status: 'conflitto' | 'errore', message: string): Promise<void> {
    this.ctx.db.transaction(() => this.#fail(outboxId, status, message)).immediate();
  }

  #fail(
    outboxId: string,
    status: 'conflitto' | 'errore',
    message: string,
    action = status === 'conflitto' ? 'invio in conflitto' : 'invio rifiutato dall’ufficio',
  ): void {
    const at = this.ctx.now();
    const changed = this.ctx
      .stmt("UPDATE outbox SET status = ?, last_error = ?, updated_at = ? WHERE id = ? AND status IN ('in_coda', 'inviata')")
      .run(status, message, at, outboxId).changes;
    if (changed) this.audit.append(this.get(outboxId).inspectionId, at, action, { outboxId, message });
  }

  #update(outboxId: string, sql: string, ...params: unknown[]): void {
    const info = this.ctx.stmt(sql).run(...params);
    if (info.changes === 0 && !this.ctx.stmt('SELECT 1 FROM outbox WHERE id = ?').get(outboxId))
      throw new StoreError('not_found', `voce ${outboxId} della coda di invio non trovata`, 'id');
  }

  async getCursor(): Promise<number> {
    return this.settings()?.cursor ?? 0;
  }

  async applyChanges(changes: OfficeChange[], cursor: number): Promise<ApplyReport> {
    return this.changes.apply(changes, cursor);
  }

  /** Applies a page of office changes and stores the cursor: all in one transaction, or nothing. */
  applyChangesSync(changes: OfficeChange[], cursor: number): ApplyReport {
    return this.changes.apply(changes, cursor);
  }

  // ---------- pairing settings (outbox/pairing.ts) ----------

  settings(): SyncSettingsRecord | null {
    return this.pairing.settings();
  }

  /** The device token, decrypted (null when not paired). */
  deviceToken(): string | null {
    return this.pairing.deviceToken();
  }

  savePairing(p: { officeUrl: string; token: string; inspectorId: string; inspectorName: string }): SyncSettingsRecord {
    return this.pairing.savePairing(p);
  }

  /** Forgets the office and the token; the outbox stays and is sent after pairing again. */
  unpair(): boolean {
    return this.pairing.unpair();
  }

  recordError(message: string): void {
    this.pairing.recordError(message);
  }
}
