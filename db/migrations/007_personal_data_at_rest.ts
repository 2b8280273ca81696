/**
 * 007: the signatories' names (and their drawn signatures) encrypted like the staff, and the
 * files (photos, reports) queued for encryption.
 *
 * - `signatures.name` and `signatures.strokes` become AES-256-GCM blobs with the data key, bound
 *   to their row by the associated data (`signature:<inspection>:<signatory>:name|strokes`), so a
 *   value copied onto another row fails to open. SQLite cannot change a STRICT column's type in
 *   place: the table is rebuilt and existing rows are encrypted on the way (sealed inspections'
 *   rows too: the words they hold do not change, only how they are kept). 001's draft-only
 *   triggers go with the old table and are recreated, word for word.
 * - `meta.blobs_clear_pending` asks the store to seal the clear files of older data folders when
 *   it opens (`BlobStore.sealClearFiles`): files cannot be rewritten inside this transaction, and
 *   the pass must be able to resume after a crash, so the flag is cleared only once it finished.
 */
import type { Migration } from './types.ts';

const SEALED = 'ispezione sigillata: il contenuto non può più cambiare (serve una nuova revisione)';

const notDraft = (row: 'NEW' | 'OLD') => `(SELECT status FROM inspections WHERE id = ${row}.inspection_id) IS NOT 'draft'`;

/** Where a signature's encrypted fields live; the repository seals and opens with the same words. */
export const signatureAad = (inspectionId: string, signatory: string, field: 'name' | 'strokes'): string =>
  `signature:${inspectionId}:${signatory}:${field}`;

export const BLOBS_CLEAR_PENDING = 'blobs_clear_pending';

export const migration: Migration = {
  version: 7,
  name: 'personal_data_at_rest',
  up(db, { cipher }) {
    const rows = db.prepare('SELECT inspection_id, signatory, name, strokes FROM signatures ORDER BY rowid').all() as Array<{
      inspection_id: string;
      signatory: string;
      name: string;
      strokes: string;
    }>;
    if (rows.length && !cipher) throw new Error('migrazione 007: servono la chiave dati per cifrare i nomi dei firmatari');
    db.exec(`
CREATE TABLE signatures_sealed (
  inspection_id TEXT NOT NULL REFERENCES inspections(id),
  signatory TEXT NOT NULL CHECK (signatory IN ('referente_comune', 'pedagogista', 'referente_servizio')),
  name BLOB NOT NULL,
  strokes BLOB NOT NULL,
  PRIMARY KEY (inspection_id, signatory)
) STRICT;`);
    const add = db.prepare('INSERT INTO signatures_sealed (inspection_id, signatory, name, strokes) VALUES (?, ?, ?, ?)');
    for (const r of rows)
      add.run(
        r.inspection_id,
        r.signatory,
        cipher!.seal(r.name, signatureAad(r.inspection_id, r.signatory, 'name')),
        cipher!.seal(r.strokes, signatureAad(r.inspection_id, r.signatory, 'strokes')),
      );
    db.exec(`
DROP TABLE signatures;
ALTER TABLE signatures_sealed RENAME TO signatures;
CREATE TRIGGER signatures_draft_only_insert BEFORE INSERT ON signatures WHEN ${notDraft('NEW')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER signatures_draft_only_update BEFORE UPDATE ON signatures WHEN ${notDraft('OLD')} OR ${notDraft('NEW')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
CREATE TRIGGER signatures_draft_only_delete BEFORE DELETE ON signatures WHEN ${notDraft('OLD')}
BEGIN SELECT RAISE(ABORT, '${SEALED}'); END;
INSERT INTO meta (key, value) VALUES ('${BLOBS_CLEAR_PENDING}', x'01') ON CONFLICT (key) DO NOTHING;
`);
  },
};
