/**
 * Reads the cross-reference chain of a PDF, following /Prev through every earlier revision, so the
 * signer can look up the current version of any object. The signer writes classic xref tables
 * only and refuses anything else; the verifier (`{ xrefStreams: true }`) also reads xref streams,
 * hybrid files (/XRefStm) and objects stored in object streams, because a later revision made by
 * another tool may use them to change what the signed revision showed.
 */
import { decodeStream } from './filters.ts';
import { PdfDict, PdfName, PdfParser, PdfRef, PdfStream, PdfSyntaxError, type PdfValue } from './objects.ts';

export interface XrefEntry {
  /** Byte offset of "n g obj"; -1 for an object stored in an object stream. */
  offset: number;
  gen: number;
  /** Object stream number and index inside it, for compressed objects (xref entry type 2). */
  inStream?: { num: number; index: number };
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

export interface OpenOptions {
  /** Read xref streams and object streams too (the verifier); without it they are refused. */
  xrefStreams?: boolean;
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

const FREE: XrefEntry = { offset: -1, gen: 0 };

function readClassicSection(p: PdfParser, into: Map<number, XrefEntry>): PdfDict {
  p.readToken(); // "xref"
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
      if (!into.has(num)) into.set(num, kind === 'n' ? { offset: off, gen } : FREE);
    }
  }
}

/** An xref stream (ISO 32000-1 §7.5.8): its dictionary is the trailer of its section. */
function readXrefStream(bytes: Buffer, offset: number, into: Map<number, XrefEntry>): PdfDict {
  const { value } = new PdfParser(bytes, offset).readIndirectObject();
  if (!(value instanceof PdfStream) || !(value.dict.get('Type') instanceof PdfName) || (value.dict.get('Type') as PdfName).name !== 'XRef')
    throw new PdfSyntaxError(`PDF non leggibile: tabella xref non trovata alla posizione ${offset}`);
  const dict = value.dict;
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((n) => typeof n === 'number' && n >= 0 && n <= 8) || typeof size !== 'number')
    throw new PdfSyntaxError('PDF non leggibile: xref stream con /W o /Size non validi');
  const [w0, w1, w2] = w as [number, number, number];
  const index = dict.get('Index');
  const ranges = Array.isArray(index) && index.every((n) => typeof n === 'number') ? (index as number[]) : [0, size];
  const data = decodeStream(bytes, value);
  const field = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  const rowLength = w0 + w1 + w2;
  let at = 0;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const first = ranges[r]!;
    for (let i = 0; i < ranges[r + 1]!; i++, at += rowLength) {
      if (at + rowLength > data.length) throw new PdfSyntaxError('PDF non leggibile: xref stream più corto del dichiarato');
      const type = w0 ? field(at, w0) : 1;
      const a = field(at + w0, w1);
      const b = field(at + w0 + w1, w2);
      const num = first + i;
      if (into.has(num)) continue;
      if (type === 1) into.set(num, { offset: a, gen: b });
      else if (type === 2) into.set(num, { offset: -1, gen: 0, inStream: { num: a, index: b } });
      else into.set(num, FREE);
    }
  }
  return dict;
}

function readXrefSection(bytes: Buffer, offset: number, into: Map<number, XrefEntry>, opts: OpenOptions): PdfDict {
  const p = new PdfParser(bytes, offset);
  const head = p.peekToken();
  if (head === 'xref') {
    const trailer = readClassicSection(p, into);
    // Hybrid file: the table's entries win, then the xref stream's, then the previous sections'.
    const stm = trailer.get('XRefStm');
    if (typeof stm === 'number' && opts.xrefStreams) readXrefStream(bytes, stm, into);
    return trailer;
  }
  if (!/^\d+$/.test(head)) throw new PdfSyntaxError(`PDF non leggibile: tabella xref non trovata alla posizione ${offset}`);
  if (!opts.xrefStreams)
    throw new UnsupportedPdfError(
      'PDF con tabella dei riferimenti compressa (xref stream): la firma incrementale richiede una tabella xref classica',
    );
  return readXrefStream(bytes, offset, into);
}

export function openPdf(bytes: Buffer, opts: OpenOptions = {}): PdfFile {
  if (!looksLikePdf(bytes)) throw new PdfSyntaxError('il file non è un PDF (intestazione %PDF- assente)');
  const startxref = findStartxref(bytes);
  const all = new Map<number, XrefEntry>();
  let trailer: PdfDict | null = null;
  const seen = new Set<number>();
  let offset: number | null = startxref;
  while (offset !== null) {
    if (seen.has(offset) || offset < 0 || offset >= bytes.length)
      throw new PdfSyntaxError('PDF non leggibile: catena /Prev delle tabelle xref non valida');
    seen.add(offset);
    const t = readXrefSection(bytes, offset, all, opts);
    trailer ??= t;
    const prev = t.get('Prev');
    offset = typeof prev === 'number' ? prev : null;
  }
  const xref = new Map([...all].filter(([, e]) => e.offset >= 0 || e.inStream));
  return { bytes, xref, trailer: trailer!, startxref };
}

/** Decoded object streams, per file: an object stream holds many objects. */
const objectStreams = new WeakMap<PdfFile, Map<number, { data: Buffer; offsets: number[] }>>();

function compressedObject(pdf: PdfFile, num: number, where: { num: number; index: number }, depth: number): PdfValue {
  let cache = objectStreams.get(pdf);
  if (!cache) objectStreams.set(pdf, (cache = new Map()));
  let parsed = cache.get(where.num);
  if (!parsed) {
    const entry = pdf.xref.get(where.num);
    if (!entry || entry.inStream) throw new PdfSyntaxError(`PDF non leggibile: object stream ${where.num} non trovato`);
    const stream = getObject(pdf, new PdfRef(where.num, entry.gen), depth + 1);
    if (!(stream instanceof PdfStream)) throw new PdfSyntaxError(`PDF non leggibile: l'oggetto ${where.num} non è un object stream`);
    const n = stream.dict.get('N');
    const first = stream.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number') throw new PdfSyntaxError('PDF non leggibile: object stream senza /N o /First');
    const data = decodeStream(pdf.bytes, stream, (v) => (v instanceof PdfRef ? getObject(pdf, v, depth + 1) : v));
    const head = new PdfParser(data);
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      const objNum = head.readInt();
      const off = head.readInt();
      offsets.push(objNum, first + off);
    }
    parsed = { data, offsets };
    cache.set(where.num, parsed);
  }
  if (parsed.offsets[where.index * 2] !== num)
    throw new PdfSyntaxError(`PDF non leggibile: l'oggetto ${num} non è dove dice la tabella xref`);
  return new PdfParser(parsed.data, parsed.offsets[where.index * 2 + 1]).readValue();
}

export function getObject(pdf: PdfFile, ref: PdfRef, depth = 0): PdfValue {
  const entry = pdf.xref.get(ref.num);
  if (!entry) return null;
  if (depth > 16) throw new PdfSyntaxError('PDF non leggibile: riferimenti circolari');
  if (entry.inStream) return compressedObject(pdf, ref.num, entry.inStream, depth);
  const p = new PdfParser(pdf.bytes, entry.offset);
  const obj = p.readIndirectObject((lengthRef) => {
    const v = getObject(pdf, lengthRef, depth + 1);
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
