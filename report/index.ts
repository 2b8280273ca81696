/**
 * The report module's public face, used by the CLI, the host (when sealing an inspection) and
 * the office server (verification).
 */
export { buildReport } from './build.ts';
export { reportDefinition } from './document.ts';
export {
  appearanceText,
  renderAppearance,
  reservedSignatories,
  signatoryFor,
  type AppearanceRender,
  type AppearanceText,
} from './appearance.ts';
export { ReportInputError, type ReportInput, type ReportMember, type ReportPhoto, type ReportPrescription } from './types.ts';
export { signPdf, signPdfWith, PdfSignError, SIGNATURE_CAPACITY, type SignOptions, type SignResult } from './sign.ts';
export { loadP12, P12FormatError, P12PassphraseError, type LoadedSigner } from './p12.ts';
export {
  verifyPdf,
  NotPdfError,
  type OnlineRevocation,
  type SignatureReport,
  type TimestampReport,
  type VerifyOptions,
  type VerifyResult,
} from './verify.ts';
export { UnsupportedPdfError } from './pdf/reader.ts';
export { PdfSyntaxError } from './pdf/objects.ts';
export { isExternalSigner, type CmsSigner, type ExternalSigner } from './signer.ts';
export { augmentPdf, AugmentError, type AugmentOptions, type AugmentResult } from './augment.ts';
export { fetchRevocation, RevocationError, type RevocationData, type RevocationStatus } from './revocation.ts';
