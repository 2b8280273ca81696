import type { AuditRecord } from '../records.ts';
import type { RepoContext } from './context.ts';

/** The append-only log of every change to an inspection (triggers forbid UPDATE and DELETE). */
export class AuditRepository {
  readonly #insert;
  readonly #list;

  constructor(private readonly ctx: RepoContext) {
    this.#insert = ctx.stmt('INSERT INTO audit_log (inspection_id, at, action, detail) VALUES (?, ?, ?, ?)');
    this.#list = ctx.stmt('SELECT seq, inspection_id AS inspectionId, at, action, detail FROM audit_log WHERE inspection_id = ? ORDER BY seq');
  }

  /** Call inside the transaction of the change it records. */
  append(inspectionId: string, at: string, action: string, detail: unknown): number {
    return Number(this.#insert.run(inspectionId, at, action, JSON.stringify(detail ?? {})).lastInsertRowid);
  }

  list(inspectionId: string): AuditRecord[] {
    return this.#list.all(inspectionId) as AuditRecord[];
  }
}
