/**
 * Long-term validation of the reports the office receives (issue 11; ETSI EN 319 142-1 §5.4, PAdES
 * B-LTA): a background job over the durable queue `report_augmentations` (migration 11). Every report
 * version that arrives is queued in the transaction that stores it; the job verifies it and, unless it
 * is unsigned or B-LTA already, augments it (`report/augment.ts`: DSS with the revocation data fetched
 * now, then a document timestamp from the office's TSA) and stores the result as a later version of
 * the revision's report. The received bytes stay as they were: they are the evidence. A failure (no
 * OCSP/CRL answer, TSA down) is recorded with its Italian reason and tried again later, with a growing
 * pause. The push that brought the report never waits for any of this.
 *
 * `renew(before)` adds a new document timestamp to the long-term versions whose last timestamp was
 * made under a TSA certificate that expires before `before` (`vigilanza office renew-timestamps`).
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { augmentPdf } from '../report/augment.ts';
import { verifyPdf, type VerifyResult } from '../report/verify.ts';
import { BackgroundPasses } from './background.ts';
import type { BlobStore } from './blobs.ts';
import type { AugmentationRecord, OfficeStore } from './storage/store.ts';

export interface LongTermOptions {
  store: OfficeStore;
  blobs: BlobStore;
  /** RFC 3161 authority of the office. */
  tsaUrl: string;
  /** The office's trusted CAs (also used to complete chains the signatures do not carry). */
  caPem?: string;
  /** The job's clock (tests move it to reach a retry). */
  now?: () => Date;
  /** Pause before the n-th retry (n ≥ 1); default 5 min · 2^(n−1), at most 6 h. */
  retryDelayMs?: (attempts: number) => number;
  /** How often due retries are looked for while the server runs (default 5 min; 0: only on kick). */
  pollMs?: number;
  revocationTimeoutMs?: number;
  tsaTimeoutMs?: number;
}

const defaultDelay = (n: number) => Math.min(5 * 60_000 * 2 ** (n - 1), 6 * 3600_000);

function pemCertificates(pem: string | undefined): Uint8Array[] {
  if (!pem) return [];
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).raw);
}

/** When the TSA certificate of the document's last document timestamp expires (null: none). */
export function lastTimestampExpiry(result: VerifyResult): string | null {
  const stamps = result.signatures.filter((s) => s.kind === 'document_timestamp' && s.intact);
  return stamps[stamps.length - 1]?.signer?.validTo ?? null;
}

/** Whether every signature of the document reached B-LTA (null: nothing signed). */
function longTermAlready(result: VerifyResult): boolean | null {
  const signatures = result.signatures.filter((s) => s.kind === 'signature');
  if (!signatures.length) return null;
  return signatures.every((s) => s.level === 'B-LTA');
}

export interface RenewalOutcome {
  renewed: AugmentationRecord[];
  failed: { record: AugmentationRecord; reason: string }[];
}

export class LongTermValidation {
  readonly #o: LongTermOptions;
  readonly #now: () => Date;
  readonly #extra: Uint8Array[];
  readonly #passes: BackgroundPasses;

  constructor(options: LongTermOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#extra = pemCertificates(options.caPem);
    this.#passes = new BackgroundPasses(() => this.runDue(), 'validazione a lungo termine interrotta', options.pollMs ?? 5 * 60_000);
  }

  /** Schedules a pass over the due rows; returns at once (office/background.ts). */
  kick(): void {
    this.#passes.kick();
  }

  /** Resolves when no pass is running (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    await this.#passes.idle();
  }

  async stop(): Promise<void> {
    await this.#passes.stop();
  }

  /** Works through every row due now; returns how many were handled. */
  async runDue(): Promise<number> {
    let handled = 0;
    const seen = new Set<string>();
    for (;;) {
      if (this.#passes.stopped) return handled;
      const due = (await this.#o.store.dueAugmentations(this.#now().toISOString(), 10)).filter(
        (r) => !seen.has(`${r.inspectionId}/${r.revision}/${r.sha256}`),
      );
      if (!due.length) return handled;
      for (const row of due) {
        seen.add(`${row.inspectionId}/${row.revision}/${row.sha256}`);
        await this.#handle(row);
        handled++;
      }
    }
  }

  async #handle(row: AugmentationRecord): Promise<void> {
    const { store, blobs } = this.#o;
    try {
      const bytes = await readFile(blobs.blobPath(row.sha256));
      const before = await verifyPdf(bytes, { caPem: this.#o.caPem });
      const already = longTermAlready(before);
      if (already === null) {
        await store.augmentationNotNeeded(row, {
          level: null,
          timestampExpiresAt: null,
          note: 'documento non firmato digitalmente: nulla da validare nel tempo',
        });
        return;
      }
      if (already) {
        await store.augmentationNotNeeded(row, {
          level: 'B-LTA',
          timestampExpiresAt: lastTimestampExpiry(before),
          note: 'arrivato già in PAdES B-LTA',
        });
        return;
      }
      await this.#make(row, bytes, row.sha256);
    } catch (e) {
      const attempts = row.attempts + 1;
      const next = new Date(this.#now().getTime() + (this.#o.retryDelayMs ?? defaultDelay)(attempts)).toISOString();
      await store.augmentationFailed(row, (e as Error).message || String(e), next);
    }
  }

  /** Augments `bytes` (made from version `from`) and stores the result as the revision's next report version. */
  async #make(row: AugmentationRecord, bytes: Buffer, from: string): Promise<void> {
    const { store, blobs } = this.#o;
    const result = await augmentPdf(bytes, {
      tsaUrl: this.#o.tsaUrl,
      extraCertificates: this.#extra,
      ...(this.#o.revocationTimeoutMs ? { revocationTimeoutMs: this.#o.revocationTimeoutMs } : {}),
      ...(this.#o.tsaTimeoutMs ? { tsaTimeoutMs: this.#o.tsaTimeoutMs } : {}),
    });
    const after = await verifyPdf(result.pdf, { caPem: this.#o.caPem });
    const expiry = lastTimestampExpiry(after);
    if (!expiry) throw new Error('la marca temporale del documento appena apposta non risulta integra');
    const sha256 = await blobs.putBytes(result.pdf);
    const record = await store.getRevision(row.inspectionId, row.revision);
    const name = record?.attachments.find((a) => a.sha256 === row.sha256)?.name ?? 'verbale.pdf';
    await store.augmentationDone(row, {
      sha256,
      size: result.pdf.length,
      name,
      derivedFrom: from,
      level: result.level,
      timestampExpiresAt: expiry,
    });
  }

  /** New document timestamps on the long-term versions whose last TSA certificate expires before `before`. */
  async renew(before: string): Promise<RenewalOutcome> {
    const out: RenewalOutcome = { renewed: [], failed: [] };
    for (const row of await this.#o.store.renewalsDue(before)) {
      const from = row.resultSha256 ?? row.sha256;
      try {
        await this.#make(row, await readFile(this.#o.blobs.blobPath(from)), from);
        out.renewed.push(row);
      } catch (e) {
        out.failed.push({ record: row, reason: (e as Error).message || String(e) });
      }
    }
    return out;
  }
}
