/**
 * Signature verification of report PDFs for the review page, with the same verifier as
 * `vigilanza verify` (report/verify.ts); with `online` (the page's «Verifica lo stato di revoca
 * online»), the same online revocation check as `vigilanza verify --online`.
 */
import { verifyPdf, type VerifyOptions, type VerifyResult } from '../../report/verify.ts';
import { createElement } from 'react';
import { fromReact, type Html } from './html.ts';
import { Verification } from './Verification.tsx';

export type Verifier = (pdf: Uint8Array, options: { caPem?: string; online?: VerifyOptions['online'] }) => Promise<VerifyResult>;

const verifier: Verifier = (pdf, { caPem, online }) =>
  verifyPdf(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), {
    ...(caPem !== undefined ? { caPem } : {}),
    ...(online !== undefined ? { online } : {}),
  });

/** Kept asynchronous and nullable for callers written when verification could be absent from a build. */
export async function loadVerifier(): Promise<Verifier | null> {
  return verifier;
}

/** The check as markup (the review page renders `Verification` itself; kept for the unit tests of the wording). */
export function describeVerification(result: unknown): Html {
  return fromReact(createElement(Verification, { result }));
}
