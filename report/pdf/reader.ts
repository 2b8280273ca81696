/**
 * Reads the cross-reference chain of a PDF (classic xref tables, following /Prev through every
 * earlier revision) so the signer can look up the current version of any object.
 */
import { PdfDict, PdfParser, PdfRef, PdfSyntaxError, type PdfValue } from './objects.ts';

export interface XrefEntry {
  offset: number;
  gen: number;
}

export interface PdfFile {
  bytes: Buffer;
  /** Current (newest) location of every in-use object, keyed by number. */
  xref: Map<number, XrefEntry>;
  /** The newest trailer. */
  trailer: PdfDict;
  /** Offset of the newest cross-reference section (the future /Prev). */
  startxref: number;
}

export class UnsupportedPdfError extends Error {
  override name = 'UnsupportedPdfError';
}

/** True when the bytes start like a PDF (the header may follow up to 1 KiB of junk). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
}

export function findStartxref(bytes: Buffer): number {
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048));
  const at = tail.lastIndexOf('startxref');
  if (at < 0) throw new PdfSyntaxError('PDF non leggibile: "startxref" non trovato in fondo al file');
  const p = new PdfParser(tail, at + 'startxref'.length);
  return p.readInt();
}

function readXrefSection(bytes: Buffer, offset: number, into: Map<number, XrefEntry>): PdfDict {
  const p = new PdfParser(bytes, offset);
  const head = p.peekToken();
  if (head !== 'xref') {
    if (/^\d+$/.test(head)) throw new UnsupportedPdfError('PDF con tabella dei riferimenti compressa (xref stream): la firma incrementale richiede una tabella xref classica');
    throw new PdfSyntaxError(`PDF non leggibile: tabella xref non trovata alla posizione ${offset}`);
  }
  p.readToken();
  for (;;) {
    const t = p.peekToken();
    if (t === 'trailer') {
      p.readToken();
      const trailer = p.readValue();
      if (!(trailer instanceof PdfDict)) throw new PdfSyntaxError('PDF non leggibile: trailer non valido');
      return trailer;
    }
    const first = p.readInt();
    const count = p.readInt();
    for (let i = 0; i < count; i++) {
      const off = p.readInt();
      const gen = p.readInt();
      const kind = p.readToken();
      const num = first + i;
      // Newer sections are read first: an entry already present wins.
      if (!into.has(num)) into.set(num, kind === 'n' ? { offset: off, gen } : { offset: -1, gen });
    }
  }
}

export function openPdf(bytes: Buffer): PdfFile {
  if (!looksLikePdf(bytes)) throw new PdfSyntaxError('il file non è un PDF (intestazione %PDF- assente)');
  const startxref = findStartxref(bytes);
  const all = new Map<number, XrefEntry>();
  let trailer: PdfDict | null = null;
  const seen = new Set<number>();
  let offset: number | null = startxref;
  while (offset !== null) {
    if (seen.has(offset) || offset < 0 || offset >= bytes.length) throw new PdfSyntaxError('PDF non leggibile: catena /Prev delle tabelle xref non valida');
    seen.add(offset);
    const t = readXrefSection(bytes, offset, all);
    trailer ??= t;
    const prev = t.get('Prev');
    offset = typeof prev === 'number' ? prev : null;
  }
  const xref = new Map([...all].filter(([, e]) => e.offset >= 0));
  return { bytes, xref, trailer: trailer!, startxref };
}

export function getObject(pdf: PdfFile, ref: PdfRef): PdfValue {
  const entry = pdf.xref.get(ref.num);
  if (!entry) return null;
  const p = new PdfParser(pdf.bytes, entry.offset);
  const obj = p.readIndirectObject((lengthRef) => {
    const v = getObject(pdf, lengthRef);
    if (typeof v !== 'number') throw new PdfSyntaxError('lunghezza dello stream non valida');
    return v;
  });
  if (obj.ref.num !== ref.num) throw new PdfSyntaxError(`PDF non leggibile: l'oggetto ${ref.num} non è dove dice la tabella xref`);
  return obj.value;
}

/** Follows a reference (if it is one) to its value. */
export function resolve(pdf: PdfFile, value: PdfValue | undefined): PdfValue | undefined {
  return value instanceof PdfRef ? getObject(pdf, value) : value;
}
