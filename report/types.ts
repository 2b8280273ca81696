import type { IsoDate } from '../shared/dates.ts';
import type { InspectionFile } from '../shared/inspection.ts';
import type { Signature } from '../shared/api/contract.ts';

export interface ReportPhoto {
  caption: string;
  mime: 'image/jpeg' | 'image/png';
  bytes: Uint8Array;
  /** The checklist item the photo documents, if any. */
  itemId?: string | null;
  /**
   * Why the photo cannot be shown (a damaged file stored before photos were decoded on entry):
   * the appendix keeps its place, caption and SHA-256 and says it is unreadable, instead of the
   * whole report failing. The bytes are then not embedded.
   */
  unreadable?: string;
}

export interface ReportPrescription {
  /** The finding it answers: a rule id or a checklist item id. */
  rule: string;
  text: string;
  deadline: IsoDate;
}

export interface ReportMember {
  name: string;
  role: string;
}

export interface ReportInput {
  file: InspectionFile;
  inspectionId: string;
  revision: number;
  /** Lowercase hex SHA-256 of the canonical JSON of `file` (shared/canonical.ts). */
  contentHash: string;
  /** Handwritten signatures captured on the tablet/laptop (vector strokes). */
  signatures?: Signature[];
  photos?: ReportPhoto[];
  prescriptions?: ReportPrescription[];
  /** Commission members present; defaults to `file.visit.members`. */
  members?: ReportMember[];
  /**
   * Whether the caller seals this PDF with a digital (PAdES) signature right after building it.
   * Page 1 says so; when false it states that the document is NOT digitally signed.
   */
  digitallySigned?: boolean;
  /** Creation time written in the PDF metadata (defaults to now); fixed in tests for reproducibility. */
  createdAt?: Date;
}

/** A report input the user (or the caller) got wrong: the message names the field. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}
