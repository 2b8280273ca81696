/**
 * Inspections and the rows that make up their content (members, staff present, answers,
 * signatures). A sealed inspection is refused here with a clear error, and again by the triggers
 * of migration 001 should any other path try. Every change appends to the audit log in the same
 * transaction, so the log and the data never disagree.
 */
import type { Signature } from '../../shared/api/contract.ts';
import type { Answer, AnswerValue, ChildrenBand } from '../../shared/inspection.ts';
import type { ChainPoint } from '../../shared/audit-chain.ts';
import { canonicalJson } from '../../shared/canonical.ts';
import { isVerificationKey } from '../../shared/follow-up.ts';
import { sha256Of } from '../blobs.ts';
import { IntegrityError, StoreError } from '../errors.ts';
import { signatureAad } from '../migrations/007_personal_data_at_rest.ts';
import type {
  AnswerWrite,
  InspectionContent,
  InspectionCreate,
  InspectionPatch,
  InspectionRecord,
  OutcomeCounts,
  SaveAck,
  SealWrite,
  StaffCounts,
  StoredOutcomes,
} from '../records.ts';
import type { OutboxStatus } from '../../shared/api/contract.ts';
import type { AuditRepository } from './audit.ts';
import type { RepoContext } from './context.ts';

interface Row {
  id: string;
  visit_id: string;
  revision: number;
  previous_id: string | null;
  service_id: string;
  demo: number;
  rule_set: string;
  purpose: InspectionRecord['purpose'];
  date: string;
  place: string | null;
  start_time: string | null;
  end_time: string | null;
  status: InspectionRecord['status'];
  children: string;
  staff_counts: string;
  rejection_notes: string | null;
  content_hash: string | null;
  sealed_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'id, visit_id, revision, previous_id, service_id, demo, rule_set, purpose, date, place, start_time, end_time, status, children, staff_counts, rejection_notes, content_hash, sealed_at, created_at, updated_at';

const toRecord = (r: Row): InspectionRecord => ({
  id: r.id,
  visitId: r.visit_id,
  revision: r.revision,
  previousId: r.previous_id,
  serviceId: r.service_id,
  demo: r.demo === 1,
  ruleSet: r.rule_set,
  purpose: r.purpose,
  date: r.date,
  place: r.place,
  startTime: r.start_time,
  endTime: r.end_time,
  status: r.status,
  children: JSON.parse(r.children) as ChildrenBand[],
  staffCounts: JSON.parse(r.staff_counts) as StaffCounts,
  rejectionNotes: r.rejection_notes,
  contentHash: r.content_hash,
  sealedAt: r.sealed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** One row of a service's page (`listRowsByService`). */
export interface InspectionListRow {
  record: InspectionRecord;
  /** Null for a draft, or a sealed revision whose counts are not stored (yet) for this evaluation. */
  outcomes: OutcomeCounts | null;
  syncStatus: OutboxStatus | null;
}

export const SEALED_MESSAGE = "l'ispezione è sigillata e non può più cambiare: per correggerla aprire una nuova revisione";

/** Refuses, naming `field`, unless the inspection exists and is still a draft (status only, nothing decrypted). */
export function requireDraft(ctx: RepoContext, inspectionId: string, field: string): void {
  const row = ctx.stmt('SELECT status FROM inspections WHERE id = ?').get(inspectionId) as { status: string } | undefined;
  if (!row) throw new StoreError('not_found', `ispezione ${inspectionId} non trovata`, field);
  if (row.status !== 'draft') throw new StoreError('sealed', SEALED_MESSAGE, field);
}

export class InspectionsRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
  ) {}

  /** Whether any visit (draft or sealed, demo or not) is stored: a laptop's territory is fixed once one is. */
  any(): boolean {
    return this.ctx.stmt('SELECT EXISTS (SELECT 1 FROM inspections) AS e').pluck().get() === 1;
  }

  find(id: string): InspectionRecord | null {
    const row = this.ctx.stmt(`SELECT ${COLUMNS} FROM inspections WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  get(id: string, field = 'id'): InspectionRecord {
    const r = this.find(id);
    if (!r) throw new StoreError('not_found', `ispezione ${id} non trovata`, field);
    return r;
  }

  /** The record, refused unless it is still a draft. */
  draft(id: string, field = 'id'): InspectionRecord {
    const r = this.get(id, field);
    if (r.status !== 'draft') throw new StoreError('sealed', SEALED_MESSAGE, field);
    return r;
  }

  content(id: string): InspectionContent {
    const r = this.get(id);
    const memberIds = (
      this.ctx.stmt('SELECT member_id AS id FROM inspection_members WHERE inspection_id = ? ORDER BY position').all(id) as Array<{
        id: string;
      }>
    ).map((m) => m.id);
    const staffIds = (
      this.ctx.stmt('SELECT staff_id AS id FROM inspection_staff WHERE inspection_id = ? ORDER BY staff_id').all(id) as Array<{
        id: string;
      }>
    ).map((m) => m.id);
    const answers: Record<string, Answer> = {};
    const checks: Record<string, Answer> = {};
    for (const a of this.ctx.stmt('SELECT item_id, value, note FROM answers WHERE inspection_id = ? ORDER BY item_id').all(id) as Array<{
      item_id: string;
      value: string | null;
      note: string;
    }>) {
      const answer: Answer = {};
      if (a.value !== null) answer.value = JSON.parse(a.value) as AnswerValue;
      if (a.note) answer.note = a.note;
      (isVerificationKey(a.item_id) ? checks : answers)[a.item_id] = answer;
    }
    // Names and drawn signatures are personal data: encrypted per row (migration 007).
    const signatures = (
      this.ctx.stmt('SELECT signatory, name, strokes FROM signatures WHERE inspection_id = ? ORDER BY signatory').all(id) as Array<{
        signatory: Signature['signatory'];
        name: Buffer;
        strokes: Buffer;
      }>
    ).map((s) => {
      try {
        return {
          signatory: s.signatory,
          name: this.ctx.cipher.open(s.name, signatureAad(id, s.signatory, 'name')),
          strokes: JSON.parse(this.ctx.cipher.open(s.strokes, signatureAad(id, s.signatory, 'strokes'))) as Signature['strokes'],
        };
      } catch {
        // Bound to its row: a byte changed, or another row's value copied here, fails to open.
        throw new IntegrityError(
          `ispezione ${id} (revisione ${r.revision}): la firma di «${s.signatory}» è stata alterata o sostituita`,
          'id',
        );
      }
    });
    // A sealed revision's answers are shown from these rows: they must be the sealed file's.
    if (r.status !== 'draft') {
      const sealed = JSON.parse(this.sealedFile(id)!) as { answers?: unknown };
      if (canonicalJson(sealed.answers ?? {}) !== canonicalJson(answers))
        throw new IntegrityError(`ispezione ${id} (revisione ${r.revision}): risposte diverse da quanto sigillato`, 'id');
    }
    return { ...r, memberIds, staffIds, answers, checks, signatures };
  }

  /** Every revision of every visit of a service, newest visit first. */
  listByService(serviceId: string): InspectionRecord[] {
    return (
      this.ctx
        .stmt(`SELECT ${COLUMNS} FROM inspections WHERE service_id = ? ORDER BY date DESC, visit_id, revision DESC`)
        .all(serviceId) as Row[]
    ).map(toRecord);
  }

  /**
   * A service's revisions as its page lists them, in one query: the record, the stored outcome
   * counts when they are of this revision's file and of `evaluation` (else null: the host
   * evaluates and saves them), and where the revision is on its way to the office.
   */
  listRowsByService(serviceId: string, evaluation: number): InspectionListRow[] {
    const cols = COLUMNS.split(', ')
      .map((c) => `i.${c}`)
      .join(', ');
    const rows = this.ctx
      .stmt(
        `SELECT ${cols}, o.pass AS o_pass, o.warn AS o_warn, o.fail AS o_fail, o.na AS o_na, b.status AS sync_status
         FROM inspections i
         LEFT JOIN inspection_outcomes o ON o.inspection_id = i.id AND o.content_hash = i.content_hash AND o.evaluation = ?
         LEFT JOIN outbox b ON b.inspection_id = i.id
         WHERE i.service_id = ? ORDER BY i.date DESC, i.visit_id, i.revision DESC`,
      )
      .all(evaluation, serviceId) as Array<
      Row & { o_pass: number | null; o_warn: number | null; o_fail: number | null; o_na: number | null; sync_status: OutboxStatus | null }
    >;
    return rows.map((r) => ({
      record: toRecord(r),
      outcomes: r.o_pass === null ? null : { pass: r.o_pass, warn: r.o_warn!, fail: r.o_fail!, na: r.o_na! },
      syncStatus: r.sync_status,
    }));
  }

  /**
   * Stores what the lists show of a sealed revision (derived from its file: recomputable). The
   * triggers of migration 008 refuse a row for a draft or for another file than the sealed one.
   */
  saveOutcomes(id: string, contentHash: string, o: StoredOutcomes): void {
    const { pass, warn, fail, na } = o.counts;
    this.ctx
      .stmt(
        `INSERT INTO inspection_outcomes (inspection_id, content_hash, evaluation, pass, warn, fail, na) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (inspection_id) DO UPDATE SET content_hash = excluded.content_hash, evaluation = excluded.evaluation,
           pass = excluded.pass, warn = excluded.warn, fail = excluded.fail, na = excluded.na`,
      )
      .run(id, contentHash, o.evaluation, pass, warn, fail, na);
  }

  /**
   * The canonical inspection file stored at sealing (decrypted), or null for a draft. Every read
   * checks it (`checkSealed`): a sealed revision that no longer agrees with its hash is an
   * IntegrityError, never served as valid.
   */
  sealedFile(id: string): string | null {
    const row = this.ctx.stmt(`SELECT ${COLUMNS}, sealed_file FROM inspections WHERE id = ?`).get(id) as
      (Row & { sealed_file: Buffer | null }) | undefined;
    if (!row) throw new StoreError('not_found', `ispezione ${id} non trovata`, 'id');
    if (row.status === 'draft') {
      if (row.sealed_file) throw new IntegrityError(`la bozza ${id} contiene un file sigillato`, 'id');
      return null;
    }
    return this.#checkSealed(toRecord(row), row.sealed_file);
  }

  /** The chain head recorded at sealing (null for a draft, or a revision sealed before the chain). */
  sealHead(id: string): ChainPoint | null {
    const row = this.ctx.stmt('SELECT audit_seq AS seq, audit_hash AS hash FROM inspections WHERE id = ?').get(id) as
      { seq: number | null; hash: string | null } | undefined;
    return row && row.seq !== null && row.hash !== null ? { seq: row.seq, hash: row.hash } : null;
  }

  /**
   * A sealed revision agrees with itself: the encrypted file opens (bound to this id), its SHA-256
   * is the stored content hash, the clear columns shown next to it (date, purpose, place and times,
   * rule set, children, staff counts) are the file's, and the outbox queued the same hash.
   */
  #checkSealed(r: InspectionRecord, sealed: Buffer | null): string {
    const where = `ispezione ${r.id} (revisione ${r.revision})`;
    if (!sealed || !r.contentHash) throw new IntegrityError(`${where}: sigillata ma senza file o impronta`, 'id');
    let text: string;
    try {
      text = this.ctx.cipher.open(sealed, `sealed:${r.id}`);
    } catch {
      throw new IntegrityError(`${where}: il file sigillato cifrato è stato alterato o sostituito`, 'id');
    }
    if (sha256Of(Buffer.from(text, 'utf8')) !== r.contentHash)
      throw new IntegrityError(`${where}: il file sigillato non corrisponde all'impronta registrata`, 'id');
    let file: {
      ruleSet?: unknown;
      visit?: { date?: unknown; purpose?: unknown; place?: unknown; startTime?: unknown; endTime?: unknown };
      children?: unknown;
      staffCounts?: unknown;
    };
    try {
      file = JSON.parse(text) as typeof file;
    } catch {
      throw new IntegrityError(`${where}: il file sigillato non è JSON`, 'id');
    }
    const counts = r.staffCounts as { educators?: unknown; auxiliaries?: unknown };
    const differs: Array<[boolean, string]> = [
      [file.ruleSet !== r.ruleSet, 'insieme di regole'],
      [file.visit?.date !== r.date, 'data della visita'],
      [file.visit?.purpose !== r.purpose, 'finalità della visita'],
      [(file.visit?.place ?? null) !== r.place, 'luogo della visita'],
      [(file.visit?.startTime ?? null) !== r.startTime || (file.visit?.endTime ?? null) !== r.endTime, 'orari della visita'],
      [canonicalJson(file.children ?? []) !== canonicalJson(r.children), 'bambini per fascia'],
      [
        file.staffCounts === undefined
          ? Boolean(counts.educators || counts.auxiliaries)
          : canonicalJson(file.staffCounts) !== canonicalJson(r.staffCounts),
        'personale in servizio',
      ],
    ];
    const changed = differs.filter(([d]) => d).map(([, name]) => name);
    if (changed.length) throw new IntegrityError(`${where}: ${changed.join(', ')} diversi da quanto sigillato`, 'id');
    const queued = this.ctx.stmt('SELECT content_hash FROM outbox WHERE inspection_id = ?').get(r.id) as
      { content_hash: string } | undefined;
    if (queued && queued.content_hash !== r.contentHash)
      throw new IntegrityError(`${where}: l'impronta in coda per l'ufficio è diversa da quella sigillata`, 'id');
    return text;
  }

  create(w: InspectionCreate): InspectionRecord {
    return this.ctx.db
      .transaction(() => {
        const id = this.ctx.newId();
        const at = this.ctx.now();
        this.ctx
          .stmt(
            `INSERT INTO inspections (id, visit_id, revision, previous_id, service_id, demo, rule_set, purpose, date, created_at, updated_at)
                  VALUES (?, ?, 1, NULL, ?, coalesce((SELECT demo FROM services WHERE id = ?), 0), ?, ?, ?, ?, ?)`,
          )
          .run(id, this.ctx.newId(), w.serviceId, w.serviceId, w.ruleSet, w.purpose, w.date, at, at);
        this.#setMembers(id, w.memberIds);
        this.audit.append(id, at, 'creata', {
          serviceId: w.serviceId,
          purpose: w.purpose,
          date: w.date,
          memberIds: w.memberIds,
          ruleSet: w.ruleSet,
        });
        return this.get(id);
      })
      .immediate();
  }

  update(id: string, patch: InspectionPatch): SaveAck {
    return this.ctx.db
      .transaction(() => {
        const current = this.draft(id);
        const at = this.ctx.now();
        const keep = <T>(value: T | undefined, stored: T): T => (value === undefined ? stored : value);
        this.ctx
          .stmt('UPDATE inspections SET purpose = ?, date = ?, place = ?, start_time = ?, end_time = ?, updated_at = ? WHERE id = ?')
          .run(
            patch.purpose ?? current.purpose,
            patch.date ?? current.date,
            keep(patch.place, current.place),
            keep(patch.startTime, current.startTime),
            keep(patch.endTime, current.endTime),
            at,
            id,
          );
        if (patch.memberIds) this.#setMembers(id, patch.memberIds);
        if (patch.staffIds) {
          this.ctx.stmt('DELETE FROM inspection_staff WHERE inspection_id = ?').run(id);
          const add = this.ctx.stmt('INSERT INTO inspection_staff (inspection_id, staff_id) VALUES (?, ?)');
          for (const s of new Set(patch.staffIds)) add.run(id, s);
        }
        const seq = this.audit.append(id, at, 'dati visita modificati', patch);
        return { savedAt: at, seq };
      })
      .immediate();
  }

  #setMembers(id: string, memberIds: readonly string[]): void {
    this.ctx.stmt('DELETE FROM inspection_members WHERE inspection_id = ?').run(id);
    const add = this.ctx.stmt('INSERT INTO inspection_members (inspection_id, member_id, position) VALUES (?, ?, ?)');
    [...new Set(memberIds)].forEach((m, i) => add.run(id, m, i));
  }

  /** One answer (value and/or note). Durable when this returns: the commit is fsynced (synchronous=FULL). */
  saveAnswer(id: string, w: AnswerWrite): SaveAck {
    return this.ctx.db
      .transaction(() => {
        this.draft(id, 'inspectionId');
        const at = this.ctx.now();
        const old = this.ctx.stmt('SELECT value, note FROM answers WHERE inspection_id = ? AND item_id = ?').get(id, w.itemId) as
          { value: string | null; note: string } | undefined;
        const value = w.value === undefined ? (old?.value ?? null) : w.value === null ? null : JSON.stringify(w.value);
        const note = w.note === undefined ? (old?.note ?? '') : w.note;
        if (value === null && note === '') {
          this.ctx.stmt('DELETE FROM answers WHERE inspection_id = ? AND item_id = ?').run(id, w.itemId);
        } else {
          this.ctx
            .stmt(
              `INSERT INTO answers (inspection_id, item_id, value, note, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (inspection_id, item_id) DO UPDATE SET value = excluded.value, note = excluded.note, updated_at = excluded.updated_at`,
            )
            .run(id, w.itemId, value, note, at);
        }
        this.ctx.stmt('UPDATE inspections SET updated_at = ? WHERE id = ?').run(at, id);
        const detail: Record<string, unknown> = { itemId: w.itemId };
        if (w.value !== undefined) detail.value = w.value;
        if (w.note !== undefined) detail.note = w.note;
        const seq = this.audit.append(id, at, 'risposta salvata', detail);
        return { savedAt: at, seq };
      })
      .immediate();
  }

  saveCounts(id: string, children: ChildrenBand[], staffCounts: StaffCounts): SaveAck {
    return this.ctx.db
      .transaction(() => {
        this.draft(id, 'inspectionId');
        const at = this.ctx.now();
        this.ctx
          .stmt('UPDATE inspections SET children = ?, staff_counts = ?, updated_at = ? WHERE id = ?')
          .run(JSON.stringify(children), JSON.stringify(staffCounts), at, id);
        const seq = this.audit.append(id, at, 'conteggi salvati', { children, staffCounts });
        return { savedAt: at, seq };
      })
      .immediate();
  }

  /**
   * Seals a draft: stores the signatures, the canonical inspection file (encrypted: it names
   * the staff) and its hash. From here on the triggers refuse any change to the content.
   */
  seal(id: string, w: SealWrite): InspectionRecord {
    return this.ctx.db
      .transaction(() => {
        this.draft(id);
        const at = w.sealedAt ?? this.ctx.now();
        this.ctx.stmt('DELETE FROM signatures WHERE inspection_id = ?').run(id);
        const add = this.ctx.stmt('INSERT INTO signatures (inspection_id, signatory, name, strokes) VALUES (?, ?, ?, ?)');
        for (const s of w.signatures)
          add.run(
            id,
            s.signatory,
            this.ctx.cipher.seal(s.name, signatureAad(id, s.signatory, 'name')),
            this.ctx.cipher.seal(JSON.stringify(s.strokes), signatureAad(id, s.signatory, 'strokes')),
          );
        // The seal's own entry is the chain head it records (and that travels to the office).
        const head = this.audit.appendPoint(id, at, 'sigillata', {
          contentHash: w.contentHash,
          signatories: w.signatures.map((s) => s.signatory),
        });
        this.ctx
          .stmt(
            "UPDATE inspections SET status = 'sealed', content_hash = ?, sealed_file = ?, sealed_at = ?, updated_at = ?, audit_seq = ?, audit_hash = ? WHERE id = ?",
          )
          .run(w.contentHash, this.ctx.cipher.seal(w.canonicalFile, `sealed:${id}`), at, at, head.seq, head.hash, id);
        if (w.outcomes) this.saveOutcomes(id, w.contentHash, w.outcomes);
        return this.get(id);
      })
      .immediate();
  }

  /**
   * A correction: a new draft revision of the same visit that copies the content (answers,
   * counts, members, staff present, photos, prescriptions) and points to the sealed one.
   * Signatures are not copied: the corrected record must be signed again.
   */
  revise(id: string, rejectionNotes: string | null = null): InspectionRecord {
    return this.ctx.db
      .transaction(() => {
        const old = this.get(id);
        if (old.status === 'draft')
          throw new StoreError('conflict', "l'ispezione è ancora in bozza: si corregge direttamente, senza nuova revisione", 'id');
        const next = this.ctx.stmt('SELECT id FROM inspections WHERE previous_id = ?').get(id) as { id: string } | undefined;
        if (next) throw new StoreError('conflict', `esiste già una revisione successiva (${next.id}): correggere quella`, 'id');
        const newId = this.ctx.newId();
        const at = this.ctx.now();
        this.ctx
          .stmt(
            `INSERT INTO inspections (id, visit_id, revision, previous_id, service_id, demo, rule_set, purpose, date, place, start_time, end_time, children, staff_counts, rejection_notes, created_at, updated_at)
                  SELECT ?, visit_id, revision + 1, id, service_id, demo, rule_set, purpose, date, place, start_time, end_time, children, staff_counts, ?, ?, ? FROM inspections WHERE id = ?`,
          )
          .run(newId, rejectionNotes, at, at, id);
        this.ctx
          .stmt(
            'INSERT INTO inspection_members (inspection_id, member_id, position) SELECT ?, member_id, position FROM inspection_members WHERE inspection_id = ?',
          )
          .run(newId, id);
        // Only people still on the roster: someone removed since the seal is not silently carried back.
        this.ctx
          .stmt(
            `INSERT INTO inspection_staff (inspection_id, staff_id) SELECT ?, s.staff_id FROM inspection_staff s JOIN staff ON staff.id = s.staff_id
                  WHERE s.inspection_id = ? AND staff.removed_at IS NULL`,
          )
          .run(newId, id);
        this.ctx
          .stmt(
            'INSERT INTO answers (inspection_id, item_id, value, note, updated_at) SELECT ?, item_id, value, note, updated_at FROM answers WHERE inspection_id = ?',
          )
          .run(newId, id);
        const photos = this.ctx
          .stmt('SELECT id, sha256, item_id, mime, size, caption, created_at FROM photos WHERE inspection_id = ?')
          .all(id) as Array<Record<string, unknown>>;
        const addPhoto = this.ctx.stmt(
          'INSERT INTO photos (id, inspection_id, sha256, item_id, mime, size, caption, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        );
        for (const p of photos) addPhoto.run(this.ctx.newId(), newId, p.sha256, p.item_id, p.mime, p.size, p.caption, p.created_at);
        const prescriptions = this.ctx
          .stmt('SELECT rule, text, deadline, status, follow_up_inspection_id, created_at FROM prescriptions WHERE inspection_id = ?')
          .all(id) as Array<Record<string, unknown>>;
        const addPrescription = this.ctx.stmt(
          'INSERT INTO prescriptions (id, inspection_id, rule, text, deadline, status, follow_up_inspection_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
        for (const p of prescriptions)
          addPrescription.run(this.ctx.newId(), newId, p.rule, p.text, p.deadline, p.status, p.follow_up_inspection_id, p.created_at, at);
        this.audit.append(newId, at, 'revisione aperta', { previousId: id, previousHash: old.contentHash, rejectionNotes });
        this.audit.append(id, at, 'corretta da nuova revisione', { nextId: newId });
        return this.get(newId);
      })
      .immediate();
  }

  /** Whether a later revision exists (then this one is history, not the current record). */
  successor(id: string): string | null {
    const row = this.ctx.stmt('SELECT id FROM inspections WHERE previous_id = ?').get(id) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** Records an audit entry for a change made elsewhere (photos, prescriptions, roster). */
  note(id: string, action: string, detail: unknown): SaveAck {
    const at = this.ctx.now();
    const seq = this.audit.append(id, at, action, detail);
    return { savedAt: at, seq };
  }
}
