/**
 * Files attached to an inspection after the visit, above all the signed PDF report. Allowed on
 * sealed inspections (the report is produced from the sealed file); once attached they stay.
 */
import type { AttachmentRecord, AttachmentWrite } from '../records.ts';
import { StoreError } from '../errors.ts';
import type { AuditRepository } from './audit.ts';
import { withBlob } from './blob-rows.ts';
import type { RepoContext } from './context.ts';

interface Row {
  id: string;
  inspection_id: string;
  kind: AttachmentRecord['kind'];
  name: string;
  sha256: string;
  mime: string;
  size: number;
  created_at: string;
}

const toRecord = (r: Row): AttachmentRecord => ({
  id: r.id,
  inspectionId: r.inspection_id,
  kind: r.kind,
  name: r.name,
  sha256: r.sha256,
  mime: r.mime,
  size: r.size,
  createdAt: r.created_at,
});

export class AttachmentsRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
  ) {}

  add(w: AttachmentWrite): AttachmentRecord {
    if (!this.ctx.stmt('SELECT 1 FROM inspections WHERE id = ?').get(w.inspectionId))
      throw new StoreError('not_found', `ispezione ${w.inspectionId} non trovata`, 'inspectionId');
    return withBlob(this.ctx, w.bytes, ({ sha256, size }) =>
      this.ctx.db
        .transaction(() => {
          const id = this.ctx.newId();
          const at = this.ctx.now();
          this.ctx
            .stmt('INSERT INTO attachments (id, inspection_id, kind, name, sha256, mime, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
            .run(id, w.inspectionId, w.kind, w.name, sha256, w.mime, size, at);
          this.audit.append(w.inspectionId, at, w.kind === 'report' ? 'verbale allegato' : 'documento allegato', {
            attachmentId: id,
            name: w.name,
            sha256,
            size,
          });
          return toRecord(this.ctx.stmt('SELECT * FROM attachments WHERE id = ?').get(id) as Row);
        })
        .immediate(),
    );
  }

  listByInspection(inspectionId: string): AttachmentRecord[] {
    return (this.ctx.stmt('SELECT * FROM attachments WHERE inspection_id = ? ORDER BY created_at, id').all(inspectionId) as Row[]).map(
      toRecord,
    );
  }

  /** The inspection's reports in the order they were stored (rowid: the clock may repeat); the last is current. */
  reports(inspectionId: string): AttachmentRecord[] {
    return (
      this.ctx.stmt("SELECT * FROM attachments WHERE inspection_id = ? AND kind = 'report' ORDER BY rowid").all(inspectionId) as Row[]
    ).map(toRecord);
  }

  bytes(id: string): { meta: AttachmentRecord; bytes: Buffer } {
    const row = this.ctx.stmt('SELECT * FROM attachments WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StoreError('not_found', `allegato ${id} non trovato`, 'id');
    return { meta: toRecord(row), bytes: this.ctx.blobs.get(row.sha256) };
  }
}
