/** Photos of a visit: metadata in SQLite, bytes as content-addressed files. */
import type { PhotoRecord, PhotoWrite } from '../records.ts';
import { StoreError } from '../errors.ts';
import type { AuditRepository } from './audit.ts';
import { blobInUse, withBlob } from './blob-rows.ts';
import type { RepoContext } from './context.ts';
import { requireDraft } from './inspections.ts';

interface Row {
  id: string;
  inspection_id: string;
  sha256: string;
  item_id: string | null;
  mime: PhotoRecord['mime'];
  size: number;
  caption: string;
  created_at: string;
}

const toRecord = (r: Row): PhotoRecord => ({
  id: r.id,
  inspectionId: r.inspection_id,
  sha256: r.sha256,
  itemId: r.item_id,
  mime: r.mime,
  size: r.size,
  caption: r.caption,
  createdAt: r.created_at,
});

export class PhotosRepository {
  constructor(
    private readonly ctx: RepoContext,
    private readonly audit: AuditRepository,
  ) {}

  /** The file first, then its row (`withBlob`: a refused row takes the new file away again). */
  add(w: PhotoWrite): PhotoRecord {
    requireDraft(this.ctx, w.inspectionId, 'inspectionId');
    return withBlob(this.ctx, w.bytes, ({ sha256, size }) =>
      this.ctx.db
        .transaction(() => {
          requireDraft(this.ctx, w.inspectionId, 'inspectionId');
          const id = this.ctx.newId();
          const at = this.ctx.now();
          this.ctx
            .stmt(
              'INSERT INTO photos (id, inspection_id, sha256, item_id, mime, size, caption, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(id, w.inspectionId, sha256, w.itemId, w.mime, size, w.caption, at);
          this.ctx.stmt('UPDATE inspections SET updated_at = ? WHERE id = ?').run(at, w.inspectionId);
          this.audit.append(w.inspectionId, at, 'foto aggiunta', { photoId: id, sha256, itemId: w.itemId, size });
          return this.get(id);
        })
        .immediate(),
    );
  }

  find(id: string): PhotoRecord | null {
    const row = this.ctx.stmt('SELECT * FROM photos WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  get(id: string): PhotoRecord {
    const p = this.find(id);
    if (!p) throw new StoreError('not_found', `foto ${id} non trovata`, 'id');
    return p;
  }

  bytes(id: string): { meta: PhotoRecord; bytes: Buffer } {
    const meta = this.get(id);
    return { meta, bytes: this.ctx.blobs.get(meta.sha256) };
  }

  listByInspection(inspectionId: string): PhotoRecord[] {
    return (this.ctx.stmt('SELECT * FROM photos WHERE inspection_id = ? ORDER BY created_at, id').all(inspectionId) as Row[]).map(toRecord);
  }

  remove(id: string): boolean {
    const photo = this.find(id);
    if (!photo) return false;
    requireDraft(this.ctx, photo.inspectionId, 'id');
    this.ctx.db
      .transaction(() => {
        const at = this.ctx.now();
        this.ctx.stmt('DELETE FROM photos WHERE id = ?').run(id);
        this.ctx.stmt('UPDATE inspections SET updated_at = ? WHERE id = ?').run(at, photo.inspectionId);
        this.audit.append(photo.inspectionId, at, 'foto rimossa', { photoId: id, sha256: photo.sha256 });
      })
      .immediate();
    // The file goes only when no row (another revision, a report) still names it.
    if (!blobInUse(this.ctx, photo.sha256)) this.ctx.blobs.remove(photo.sha256);
    return true;
  }
}
