/**
 * The laptop's copy of the territory's register of educators (migration 014): written only by the
 * office's change feed (`register_entry`, office-changes.ts), read by the visit's register item and
 * when a file is built (the entries picked are sealed into it).
 */
import { RegisterEntry } from '../../shared/educator-register.ts';
import type { RepoContext } from './context.ts';

export class RegisterRepository {
  constructor(private readonly ctx: RepoContext) {}

  list(): RegisterEntry[] {
    const rows = this.ctx.stmt('SELECT data FROM register_entries ORDER BY name COLLATE NOCASE, id').all() as Array<{ data: string }>;
    return rows.map((r) => RegisterEntry.parse(JSON.parse(r.data)));
  }

  get(id: string): RegisterEntry | null {
    const row = this.ctx.stmt('SELECT data FROM register_entries WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? RegisterEntry.parse(JSON.parse(row.data)) : null;
  }

  /** The office's latest version of an entry (inside the change page's transaction). */
  put(entry: RegisterEntry, officeSeq: number): void {
    this.ctx
      .stmt(
        `INSERT INTO register_entries (id, kind, name, data, office_seq, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, data = excluded.data,
           office_seq = excluded.office_seq, updated_at = excluded.updated_at WHERE excluded.office_seq > register_entries.office_seq`,
      )
      .run(entry.id, entry.kind, entry.name, JSON.stringify(entry), officeSeq, entry.updatedAt);
  }
}
