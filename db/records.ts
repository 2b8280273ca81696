/**
 * Typed records the repositories return (read) and accept (write). Reads carry ids and
 * timestamps the database assigns; writes are the validated inputs of the API contract.
 */
import type { z } from 'zod';
import type {
  AuditEntry,
  InspectionStatus,
  Member,
  MemberInput,
  PhotoMeta,
  Prescription,
  Service,
  ServiceInput,
  Signature,
  StaffPerson,
  StaffPersonInput,
} from '../shared/api/contract.ts';
import type { Purpose } from '../shared/domain.ts';
import type { OutcomeCounts } from '../shared/rules/findings.ts';
import type { Answer, AnswerValue, ChildrenBand, StaffCounts as StaffCountsSchema } from '../shared/inspection.ts';

export type StaffCounts = z.infer<typeof StaffCountsSchema>;

export type ServiceWrite = z.output<typeof ServiceInput>;
export type ServiceRecord = Service;

export type MemberWrite = z.output<typeof MemberInput>;
export type MemberRecord = Member;

export type StaffWrite = z.output<typeof StaffPersonInput>;
export type StaffRecord = StaffPerson & { removedAt: string | null };

export interface InspectionCreate {
  serviceId: string;
  purpose: Purpose;
  date: string;
  memberIds: string[];
  ruleSet: string;
}

export interface InspectionPatch {
  purpose?: Purpose;
  date?: string;
  /** The place and times of the visit (migration 011): undefined keeps what is stored, null clears it. */
  place?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  memberIds?: string[];
  staffIds?: string[];
}

/** One row of the inspections table, without the rows that hang from it. */
export interface InspectionRecord {
  id: string;
  visitId: string;
  revision: number;
  previousId: string | null;
  serviceId: string;
  /** Of a demo service (migration 009): never queued for an office. */
  demo: boolean;
  ruleSet: string;
  purpose: Purpose;
  date: string;
  /** Where and when the visit took place (migration 011); null: not recorded. */
  place: string | null;
  startTime: string | null;
  endTime: string | null;
  status: InspectionStatus;
  children: ChildrenBand[];
  staffCounts: StaffCounts;
  rejectionNotes: string | null;
  contentHash: string | null;
  sealedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Everything that makes up an inspection's content. */
export interface InspectionContent extends InspectionRecord {
  memberIds: string[];
  staffIds: string[];
  answers: Record<string, Answer>;
  /**
   * The answers about earlier visits' prescriptions (item ids `verifica:<visit>:<position>`,
   * shared/follow-up.ts): stored and autosaved as answers, sealed as the file's `verifications`.
   */
  checks: Record<string, Answer>;
  signatures: Signature[];
}

export interface AnswerWrite {
  itemId: string;
  /** undefined: keep the stored value; null: clear it. */
  value?: AnswerValue | null;
  /** undefined: keep the stored note. */
  note?: string;
}

export interface SealWrite {
  signatures: Signature[];
  /** The canonical JSON of the inspection file (stored encrypted: it names the staff). */
  canonicalFile: string;
  contentHash: string;
  /** What the lists show of it (migration 008), stored in the seal's transaction; absent: left for the host to fill. */
  outcomes?: StoredOutcomes;
  /** The seal's instant when it was fixed beforehand (a signed report drawn before the seal prints it); default now. */
  sealedAt?: string;
}

/** How many findings of each outcome a sealed revision's file has (`shared/rules` evaluate). */
export type { OutcomeCounts };

/** Counts and the version of the evaluation that made them (a newer build's evaluation recomputes). */
export interface StoredOutcomes {
  evaluation: number;
  counts: OutcomeCounts;
}

export interface SaveAck {
  savedAt: string;
  seq: number;
}

export type PhotoRecord = PhotoMeta;
export interface PhotoWrite {
  inspectionId: string;
  itemId: string | null;
  mime: PhotoMeta['mime'];
  caption: string;
  bytes: Uint8Array;
}

export type PrescriptionRecord = Prescription;
export interface PrescriptionWrite {
  id?: string;
  inspectionId: string;
  rule: string;
  text: string;
  deadline: string;
}

export interface AttachmentRecord {
  id: string;
  inspectionId: string;
  kind: 'report' | 'document';
  name: string;
  sha256: string;
  mime: string;
  size: number;
  createdAt: string;
}
export interface AttachmentWrite {
  inspectionId: string;
  kind: 'report' | 'document';
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export type AuditRecord = AuditEntry;
