import { AUDIT_GENESIS, chainHash, entryDigest, type ChainEntry, type ChainPoint } from '../../shared/audit-chain.ts';
import type { AuditRecord } from '../records.ts';
import type { RepoContext } from './context.ts';

/** What `verifyChain` found wrong at one entry. */
export interface ChainProblem {
  seq: number;
  /** gap: entries missing before `seq`; link: prev_hash is not the previous entry's hash; hash: the entry is not what was hashed. */
  kind: 'gap' | 'link' | 'hash';
  message: string;
}

/**
 * The append-only log of every change to an inspection (triggers forbid UPDATE, DELETE and
 * REPLACE), chained by hash (migration 006, shared/audit-chain.ts): each entry holds the hash of
 * the previous one, computed in the transaction of the change it records.
 */
export class AuditRepository {
  readonly #insert;
  readonly #head;
  readonly #list;

  constructor(private readonly ctx: RepoContext) {
    this.#insert = ctx.stmt('INSERT INTO audit_log (seq, inspection_id, at, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#head = ctx.stmt('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.#list = ctx.stmt(
      'SELECT seq, inspection_id AS inspectionId, at, action, detail FROM audit_log WHERE inspection_id = ? ORDER BY seq',
    );
  }

  /** Call inside the transaction of the change it records. */
  append(inspectionId: string, at: string, action: string, detail: unknown): number {
    return this.appendPoint(inspectionId, at, action, detail).seq;
  }

  /** Like `append`, answering the new chain head (a seal records it). */
  appendPoint(inspectionId: string, at: string, action: string, detail: unknown): ChainPoint {
    const head = this.head();
    const entry: ChainEntry = { seq: head.seq + 1, inspectionId, at, action, detail: JSON.stringify(detail ?? {}) };
    const hash = chainHash(head.hash, entryDigest(entry));
    this.#insert.run(entry.seq, inspectionId, at, action, entry.detail, head.hash, hash);
    return { seq: entry.seq, hash };
  }

  /** The last entry (seq 0 and the genesis hash for an empty log). */
  head(): ChainPoint {
    const row = this.#head.get() as ChainPoint | undefined;
    return row ?? { seq: 0, hash: AUDIT_GENESIS };
  }

  list(inspectionId: string): AuditRecord[] {
    return this.#list.all(inspectionId) as AuditRecord[];
  }

  /** The stored hash at `seq` (null when there is no such entry). */
  hashAt(seq: number): string | null {
    if (seq === 0) return AUDIT_GENESIS;
    const row = this.ctx.stmt('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string | null } | undefined;
    return row?.hash ?? null;
  }

  /** The digests of the entries after `fromSeq` up to `toSeq` (inclusive), recomputed from what is stored. */
  digestsBetween(fromSeq: number, toSeq: number): string[] {
    const rows = this.ctx
      .stmt('SELECT seq, inspection_id AS inspectionId, at, action, detail FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq')
      .all(fromSeq, toSeq) as ChainEntry[];
    return rows.map(entryDigest);
  }

  /**
   * Walks the whole log in seq order: every seq follows the previous one, every prev_hash is the
   * previous entry's hash, every hash is the hash of what is stored. Reports each break once.
   */
  verifyChain(): { entries: number; head: ChainPoint; problems: ChainProblem[] } {
    const problems: ChainProblem[] = [];
    let previous: ChainPoint = { seq: 0, hash: AUDIT_GENESIS };
    let entries = 0;
    const rows = this.ctx.db
      .prepare('SELECT seq, inspection_id AS inspectionId, at, action, detail, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq')
      .iterate() as IterableIterator<ChainEntry & { prevHash: string | null; hash: string | null }>;
    for (const e of rows) {
      entries++;
      if (e.seq !== previous.seq + 1)
        problems.push({
          seq: e.seq,
          kind: 'gap',
          message: `registro delle modifiche: mancano le voci da ${previous.seq + 1} a ${e.seq - 1} (cancellate)`,
        });
      else if (e.prevHash !== previous.hash)
        problems.push({
          seq: e.seq,
          kind: 'link',
          message: `registro delle modifiche: la voce ${e.seq} non è legata alla precedente (catena spezzata)`,
        });
      if (e.hash !== chainHash(e.prevHash ?? '', entryDigest(e)))
        problems.push({
          seq: e.seq,
          kind: 'hash',
          message: `registro delle modifiche: la voce ${e.seq} («${e.action}») è stata modificata dopo la scrittura`,
        });
      previous = { seq: e.seq, hash: e.hash ?? '' };
    }
    return { entries, head: previous, problems };
  }
}
