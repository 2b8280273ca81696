/**
 * What pdfkit (under pdfmake) writes that ISO 32000 and PDF/A-2b want otherwise, fixed before a
 * report is signed:
 * - each embedded TrueType program (`/FontFile2`) gets `/Length1`, the length of the font program
 *   once decoded (ISO 32000-1 Table 127: required for TrueType font programs);
 * - the XMP metadata stream loses pdfkit's stray lowercase `/length` key (beside the real `/Length`).
 * Nothing is signed yet, so pdf-lib rewrites the whole file; the trailer `/ID` and the Info
 * dictionary stay as pdfkit wrote them (`updateMetadata: false`), so the XMP still agrees with them.
 */
import { inflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef } from 'pdf-lib';

export async function fixPdfA(pdf: Uint8Array): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const context = doc.context;
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const fontFile = object.get(PDFName.of('FontFile2'));
    if (fontFile instanceof PDFRef) {
      const stream = context.lookup(fontFile);
      if (stream instanceof PDFRawStream && !stream.dict.has(PDFName.of('Length1')))
        stream.dict.set(PDFName.of('Length1'), PDFNumber.of(decodedLength(stream)));
    }
  }
  const catalog = doc.catalog;
  const metadata = catalog.get(PDFName.of('Metadata'));
  const xmp = metadata instanceof PDFRef ? context.lookup(metadata) : undefined;
  if (xmp instanceof PDFRawStream) xmp.dict.delete(PDFName.of('length'));
  // A classic xref table, as pdfkit wrote it: the signing code appends its updates to one.
  return Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
}

function decodedLength(stream: PDFRawStream): number {
  const filter = stream.dict.get(PDFName.of('Filter'));
  if (filter === undefined) return stream.contents.length;
  if (filter === PDFName.of('FlateDecode')) return inflateSync(stream.contents).length;
  throw new Error(`programma di carattere con filtro inatteso: ${String(filter)}`);
}
