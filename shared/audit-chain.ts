/**
 * The audit log as a hash chain, defined once for the laptop (which writes and checks it) and the
 * office (which checks the segments laptops send with each sealed revision).
 *
 *   digest(entry) = SHA-256 of the canonical JSON of { seq, inspectionId, at, action, detail }
 *                   (`detail` as the exact text stored)
 *   hash(entry)   = SHA-256 of the previous entry's hash (hex) followed by digest(entry) (hex)
 *
 * The first entry links to AUDIT_GENESIS. Whoever can write the database can recompute the whole
 * chain, so the chain alone proves nothing on the laptop; what it gives is that a rewrite changes
 * every hash after it, and the office holds earlier hashes (each seal's head) to compare with.
 */
import { canonicalJson, sha256Hex } from './canonical.ts';

export const AUDIT_GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

export interface ChainEntry {
  seq: number;
  inspectionId: string;
  at: string;
  action: string;
  /** The stored JSON text, not a re-encoding of it: the hash covers the bytes kept. */
  detail: string;
}

/** A position in the chain: entry `seq` and its hash (seq 0 is the genesis). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/**
 * What a sealed revision carries to the office: the digests of the entries after `from` up to
 * and including `head` (the seal's own entry). `from` is the previous seal's head on this
 * laptop, so consecutive revisions' segments join end to end.
 */
export interface AuditSegment {
  from: ChainPoint;
  head: ChainPoint;
  digests: string[];
}

/** Most digests one revision carries (≈ 65 bytes each); a longer gap starts later and is not linked. */
export const MAX_SEGMENT_ENTRIES = 10_000;

const utf8 = (s: string) => new TextEncoder().encode(s);

export function entryDigest(e: ChainEntry): string {
  return sha256Hex(utf8(canonicalJson({ seq: e.seq, inspectionId: e.inspectionId, at: e.at, action: e.action, detail: e.detail })));
}

export function chainHash(previousHash: string, digest: string): string {
  return sha256Hex(utf8(previousHash + digest));
}

/** The hash of every position after `from`, folding the digests in order. */
export function foldDigests(from: ChainPoint, digests: readonly string[]): ChainPoint[] {
  let hash = from.hash;
  return digests.map((d, i) => {
    hash = chainHash(hash, d);
    return { seq: from.seq + 1 + i, hash };
  });
}

/** Whether a segment is well formed: hex hashes, one digest per seq, and digests that fold to its head. */
export function segmentProblem(s: AuditSegment): string | null {
  if (!HEX64.test(s.from.hash) || !HEX64.test(s.head.hash) || s.digests.some((d) => !HEX64.test(d))) return 'impronte non esadecimali';
  if (s.head.seq - s.from.seq !== s.digests.length)
    return `servono ${s.head.seq - s.from.seq} impronte fra le voci ${s.from.seq} e ${s.head.seq}, ricevute ${s.digests.length}`;
  const folded = foldDigests(s.from, s.digests);
  const end = folded.length ? folded[folded.length - 1]!.hash : s.from.hash;
  if (end !== s.head.hash) return `le voci da ${s.from.seq + 1} a ${s.head.seq} non portano alla testa dichiarata dal sigillo`;
  return null;
}
