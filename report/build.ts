import { fixPdfA } from './pdfa-fixes.ts';
import { renderPdf } from './pdfmake.ts';
import { reportDefinition } from './document.ts';
import type { ReportInput } from './types.ts';

/** Builds the PDF/A-2b report of one inspection (unsigned bytes; `signPdf` seals them). */
export async function buildReport(input: ReportInput): Promise<Buffer> {
  return fixPdfA(await renderPdf(reportDefinition(input)));
}
