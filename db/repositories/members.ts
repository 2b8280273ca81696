import type { MemberRecord, MemberWrite } from '../records.ts';
import { StoreError } from '../errors.ts';
import type { RepoContext } from './context.ts';

export class MembersRepository {
  constructor(private readonly ctx: RepoContext) {}

  create(w: MemberWrite): MemberRecord {
    const id = this.ctx.newId();
    this.ctx.stmt('INSERT INTO members (id, name, role, created_at) VALUES (?, ?, ?, ?)').run(id, w.name, w.role, this.ctx.now());
    return { id, name: w.name, role: w.role };
  }

  list(): MemberRecord[] {
    return this.ctx.stmt('SELECT id, name, role FROM members ORDER BY name COLLATE NOCASE').all() as MemberRecord[];
  }

  /** The members with these ids, in the given order; an unknown id is an error naming the field. */
  getMany(ids: readonly string[], field = 'memberIds'): MemberRecord[] {
    const stmt = this.ctx.stmt('SELECT id, name, role FROM members WHERE id = ?');
    return ids.map((id, i) => {
      const m = stmt.get(id) as MemberRecord | undefined;
      if (!m) throw new StoreError('invalid', `componente della commissione ${id} non trovato`, `${field}.${i}`);
      return m;
    });
  }
}
