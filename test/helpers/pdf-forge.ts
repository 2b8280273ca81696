/**
 * Forged incremental updates for verifier tests: what an attacker appends to a signed report
 * (an overlay on page 1, an added page, an annotation, a new catalog entry…), written byte by
 * byte as a classic xref section, or as an xref stream with the objects in an object stream.
 */
import { deflateSync } from 'node:zlib';
import { PdfDict, PdfName, PdfRef, serialize, type PdfValue } from '../../report/pdf/objects.ts';
import { getObject, openPdf, resolve, type PdfFile } from '../../report/pdf/reader.ts';

export interface Forge {
  pdf: PdfFile;
  /** Object number of the catalog, the page tree root and page 1. */
  rootNum: number;
  pagesNum: number;
  page1Num: number;
  catalog: PdfDict;
  pages: PdfDict;
  page1: PdfDict;
  /** Allocates a fresh object number. */
  alloc(): number;
  /** The next number alloc() would give (the update's /Size). */
  nextFree(): number;
  /** Objects of the update: number → body (between "obj" and "endobj"). */
  objects: Map<number, string>;
  /** Trailer entries to set in the update (e.g. /Info). */
  trailer: Map<string, string>;
}

export function startForge(bytes: Buffer): Forge {
  const pdf = openPdf(bytes, { xrefStreams: true });
  const root = pdf.trailer.get('Root') as PdfRef;
  const catalog = (getObject(pdf, root) as PdfDict).clone();
  const pagesRef = catalog.get('Pages') as PdfRef;
  const pages = (getObject(pdf, pagesRef) as PdfDict).clone();
  const page1Ref = (resolve(pdf, pages.get('Kids')) as PdfValue[])[0] as PdfRef;
  const page1 = (getObject(pdf, page1Ref) as PdfDict).clone();
  let next = pdf.trailer.get('Size') as number;
  return {
    pdf,
    rootNum: root.num,
    pagesNum: pagesRef.num,
    page1Num: page1Ref.num,
    catalog,
    pages,
    page1,
    alloc: () => next++,
    nextFree: () => next,
    objects: new Map(),
    trailer: new Map([['Size', '']]),
  };
}

export const ref = (num: number) => new PdfRef(num, 0);
export const name = (n: string) => new PdfName(n);

/** A content stream body ("<<…>> stream … endstream"). */
export function streamBody(content: string, dict: Record<string, string> = {}): string {
  const extra = Object.entries(dict)
    .map(([k, v]) => `/${k} ${v}`)
    .join(' ');
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} ${extra} >>\nstream\n${content}\nendstream`;
}

function size(f: Forge): number {
  return Math.max(f.nextFree(), ...[...f.objects.keys()].map((n) => n + 1));
}

function trailerDict(f: Forge, extra: string): string {
  const keep = [...f.pdf.trailer.map].filter(
    ([k]) => !['Prev', 'XRefStm', 'Size', 'Type', 'W', 'Index', 'Length', 'Filter', 'DecodeParms', ...f.trailer.keys()].includes(k),
  );
  const own = [...f.trailer].filter(([k]) => k !== 'Size').map(([k, v]) => `/${k} ${v}`);
  return `<< ${keep.map(([k, v]) => `/${k} ${serialize(v)}`).join(' ')} ${own.join(' ')} /Size ${size(f)} ${extra} >>`;
}

/** Appends the update with a classic xref table. `prev` overrides /Prev (default: the last section). */
export function appendClassic(bytes: Buffer, f: Forge, opts: { prev?: number } = {}): Buffer {
  let body = bytes[bytes.length - 1] === 0x0a ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const num of [...f.objects.keys()].sort((a, b) => a - b)) {
    offsets.set(num, bytes.length + Buffer.byteLength(body, 'latin1'));
    body += `${num} 0 obj\n${f.objects.get(num)!}\nendobj\n`;
  }
  const xrefAt = bytes.length + Buffer.byteLength(body, 'latin1');
  body += 'xref\n';
  for (const [num, off] of [...offsets].sort((a, b) => a[0] - b[0])) body += `${num} 1\n${String(off).padStart(10, '0')} 00000 n\r\n`;
  body += `trailer\n${trailerDict(f, `/Prev ${opts.prev ?? f.pdf.startxref}`)}\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([bytes, Buffer.from(body, 'latin1')]);
}

/**
 * Appends the update as a PDF 1.5 tool would: non-stream objects compressed in an object stream,
 * streams as plain objects, and an xref stream (PNG predictor) instead of a table.
 */
export function appendCompressed(bytes: Buffer, f: Forge): Buffer {
  let body = bytes[bytes.length - 1] === 0x0a ? '' : '\n';
  const at = () => bytes.length + Buffer.byteLength(body, 'latin1');
  const plain = new Map<number, number>();
  const packed: number[] = [];
  for (const num of [...f.objects.keys()].sort((a, b) => a - b)) {
    if (/\bstream\b/.test(f.objects.get(num)!)) {
      plain.set(num, at());
      body += `${num} 0 obj\n${f.objects.get(num)!}\nendobj\n`;
    } else packed.push(num);
  }
  const objStm = f.alloc();
  let header = '';
  let data = '';
  for (const num of packed) {
    header += `${num} ${data.length} `;
    data += `${f.objects.get(num)!}\n`;
  }
  const stm = deflateSync(Buffer.from(header + data, 'latin1'));
  plain.set(objStm, at());
  body += `${objStm} 0 obj\n<< /Type /ObjStm /N ${packed.length} /First ${header.length} /Filter /FlateDecode /Length ${stm.length} >>\nstream\n`;
  const chunks: Buffer[] = [Buffer.from(body, 'latin1'), stm];
  let tail = '\nendstream\nendobj\n';
  const xrefNum = f.alloc();
  const xrefAt = bytes.length + chunks.reduce((n, c) => n + c.length, 0) + Buffer.byteLength(tail, 'latin1');
  plain.set(xrefNum, xrefAt);
  // Rows of [type, field2 (4 bytes), field3 (2 bytes)], each prefixed with PNG filter 0 (None).
  const entries = new Map<number, [number, number, number]>();
  for (const [num, off] of plain) entries.set(num, [1, off, 0]);
  packed.forEach((num, i) => entries.set(num, [2, objStm, i]));
  const nums = [...entries.keys()].sort((a, b) => a - b);
  const rows = Buffer.alloc(nums.length * 8);
  nums.forEach((num, i) => {
    const [t, a, b] = entries.get(num)!;
    rows[i * 8] = 0;
    rows[i * 8 + 1] = t;
    rows.writeUInt32BE(a, i * 8 + 2);
    rows.writeUInt16BE(b, i * 8 + 6);
  });
  const xdata = deflateSync(rows);
  const index = nums.map((n) => `${n} 1`).join(' ');
  tail += `${xrefNum} 0 obj\n${trailerDict(f, `/Type /XRef /W [1 4 2] /Index [${index}] /Prev ${f.pdf.startxref} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length ${xdata.length}`)}\nstream\n`;
  chunks.push(Buffer.from(tail, 'latin1'), xdata, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return Buffer.concat([bytes, ...chunks]);
}

/** A white box over part of page 1 with another figure written on it. */
export function overlayPage1(f: Forge): void {
  const font = f.alloc();
  f.objects.set(font, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const content = f.alloc();
  f.objects.set(content, streamBody('q 1 1 1 rg 60 700 200 40 re f Q BT /FForge 14 Tf 62 712 Td (Posti autorizzati: 60) Tj ET'));
  const contents = f.page1.get('Contents');
  const resources = resolve(f.pdf, f.page1.get('Resources')) as PdfDict;
  const res = resources.clone();
  const fonts = (resolve(f.pdf, res.get('Font')) as PdfDict | undefined)?.clone() ?? new PdfDict();
  fonts.set('FForge', ref(font));
  res.set('Font', fonts);
  const page = f.page1.clone();
  page.set('Contents', [...(Array.isArray(contents) ? contents : [contents ?? null]), ref(content)]);
  page.set('Resources', res);
  f.objects.set(f.page1Num, serialize(page));
}

/** One more page at the end of the document. */
export function addPage(f: Forge): void {
  const content = f.alloc();
  f.objects.set(content, streamBody('BT /F1 12 Tf 72 720 Td (Pagina aggiunta) Tj ET'));
  const page = f.alloc();
  f.objects.set(
    page,
    serialize(
      new PdfDict([
        ['Type', name('Page')],
        ['Parent', ref(f.pagesNum)],
        ['MediaBox', [0, 0, 595.28, 841.89]],
        ['Contents', ref(content)],
        ['Resources', new PdfDict()],
      ]),
    ),
  );
  const pages = f.pages.clone();
  pages.set('Kids', [...(resolve(f.pdf, pages.get('Kids')) as PdfValue[]), ref(page)]);
  pages.set('Count', (pages.get('Count') as number) + 1);
  f.objects.set(f.pagesNum, serialize(pages));
}

/** A FreeText annotation on page 1. */
export function freeTextOnPage1(f: Forge): void {
  const annot = f.alloc();
  f.objects.set(
    annot,
    '<< /Type /Annot /Subtype /FreeText /Rect [60 700 300 740] /Contents (Nessuna irregolarita) /DA (/Helv 12 Tf 0 g) /F 4 >>',
  );
  const page = f.page1.clone();
  const annots = resolve(f.pdf, page.get('Annots'));
  page.set('Annots', [...(Array.isArray(annots) ? annots : []), ref(annot)]);
  f.objects.set(f.page1Num, serialize(page));
}
