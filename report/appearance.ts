/**
 * The visible appearance of a digital signature on the signatures page: «Firmato digitalmente da
 * NOME COGNOME il 02/12/2026 alle 10:41» (+ «con marca temporale» when the signature carries a
 * signature timestamp, PAdES B-T).
 *
 * Where: the report reserves, in each signatory block of a digitally signed report, an empty
 * rectangle and marks it with a named destination `FirmaDigitale.N.<signatory>` (pdfmake `id`):
 * [page /XYZ left top null], the rectangle being SLOT_WIDTH × SLOT_HEIGHT down from that point.
 * The signer reads the destinations and puts the widget of a new signature field there, so a
 * co-signature added months later to a report sealed elsewhere finds its place from the PDF alone.
 *
 * How: the text is laid out by pdfmake itself on a page the size of the rectangle, with the same
 * DejaVu Sans, and that page's content stream and resources (the font subset pdfkit made for it:
 * Type0 / CIDFontType2 / FontFile2 with /Length1, ToUnicode, /W) are copied into the incremental
 * update as the widget's Form XObject. No font code is written by hand and the font is embedded
 * as every other font of the report is, so the page stays PDF/A-2b. The copied font gets its own
 * subset tag (pdfkit tags every first font alike), derived from the font program's hash.
 */
import { createHash } from 'node:crypto';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, serialize, type PdfValue } from './pdf/objects.ts';
import { getObject, openPdf, resolve, type PdfFile } from './pdf/reader.ts';
import { fixPdfA } from './pdfa-fixes.ts';
import { FONT_FAMILY, renderPdf } from './pdfmake.ts';

/** The reserved rectangle, in points. */
export const SLOT_WIDTH = 250;
export const SLOT_HEIGHT = 26;
/** Prefix of the named destinations that mark the rectangles. */
export const SLOT_DEST_PREFIX = 'FirmaDigitale.';

const ACCENT = '#1f3a5f';
const TIME_ZONE = 'Europe/Rome';

/** «Firmato digitalmente da … il dd/mm/yyyy alle hh:mm[ con marca temporale]», in Italian civil time. */
export function appearanceText(name: string, when: Date, timestamped: boolean): AppearanceText {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('it-IT', {
      timeZone: TIME_ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(when)
      .map((p) => [p.type, p.value]),
  );
  return {
    first: `Firmato digitalmente da ${name.trim()}`,
    second: `il ${parts.day}/${parts.month}/${parts.year} alle ${parts.hour}:${parts.minute}${timestamped ? ' con marca temporale' : ''}`,
  };
}

/** A reserved rectangle found in the PDF. */
export interface SignatureSlot {
  name: string;
  /** The signatory block it belongs to (the part after `FirmaDigitale.N.`). */
  signatory: string;
  pageRef: PdfRef;
  rect: [number, number, number, number];
}

/** The reserved rectangles, in document order (by name: FirmaDigitale.1…, .2…). */
export function signatureSlots(pdf: PdfFile, catalog: PdfDict): SignatureSlot[] {
  const names = resolve(pdf, catalog.get('Names'));
  if (!(names instanceof PdfDict)) return [];
  const found: SignatureSlot[] = [];
  const walk = (node: PdfValue | undefined, depth: number) => {
    const dict = resolve(pdf, node);
    if (!(dict instanceof PdfDict) || depth > 16) return;
    const list = resolve(pdf, dict.get('Names'));
    if (Array.isArray(list)) {
      for (let i = 0; i + 1 < list.length; i += 2) {
        const key = list[i];
        const text = key instanceof PdfString ? key.text() : null;
        if (!text?.startsWith(SLOT_DEST_PREFIX)) continue;
        let dest = resolve(pdf, list[i + 1]);
        if (dest instanceof PdfDict) dest = resolve(pdf, dest.get('D'));
        if (!Array.isArray(dest) || !(dest[0] instanceof PdfRef) || !(dest[1] instanceof PdfName) || dest[1].name !== 'XYZ') continue;
        const [left, top] = [dest[2], dest[3]];
        if (typeof left !== 'number' || typeof top !== 'number') continue;
        found.push({
          name: text,
          signatory: text.slice(SLOT_DEST_PREFIX.length).replace(/^\d+\./, ''),
          pageRef: dest[0],
          rect: [left, top - SLOT_HEIGHT, left + SLOT_WIDTH, top],
        });
      }
    }
    const kids = resolve(pdf, dict.get('Kids'));
    if (Array.isArray(kids)) for (const kid of kids) walk(kid, depth + 1);
  };
  walk(names.get('Dests'), 0);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The two lines of an appearance. */
export interface AppearanceText {
  first: string;
  second: string;
}

/** Draws an appearance as a one-page PDF: `renderAppearance` here, or the same in the report thread. */
export type AppearanceRender = (text: AppearanceText) => Promise<Buffer>;

/**
 * The one-page PDF of the appearance, the text shrunk until it fits the rectangle. pdfmake is
 * synchronous (tens of ms warm): the app draws it in its report thread (`SignOptions.renderAppearance`).
 */
export async function renderAppearance(text: AppearanceText): Promise<Buffer> {
  for (let size = 7.5; ; size -= 0.5) {
    const bytes = await fixPdfA(
      await renderPdf({
        pageSize: { width: SLOT_WIDTH, height: SLOT_HEIGHT },
        pageMargins: [6, 3, 2, 0],
        version: '1.7',
        subset: 'PDF/A-2b',
        tagged: false,
        info: { creationDate: new Date(0) },
        background: () => ({
          canvas: [{ type: 'line', x1: 1.5, y1: 2, x2: 1.5, y2: SLOT_HEIGHT - 2, lineWidth: 1.2, lineColor: ACCENT }],
        }),
        content: [
          { text: text.first, bold: true },
          { text: text.second, margin: [0, 1, 0, 0] },
        ],
        defaultStyle: { font: FONT_FAMILY, fontSize: size, lineHeight: 1.1, color: ACCENT },
      }),
    );
    const pdf = openPdf(bytes);
    const root = resolve(pdf, pdf.trailer.get('Root')) as PdfDict;
    const pages = resolve(pdf, root.get('Pages')) as PdfDict;
    if (pages.get('Count') === 1 || size <= 4) return bytes;
  }
}

/**
 * The appearance as objects of an incremental update: a Form XObject (returned reference) with
 * the copied resources, written as object `into`. `alloc` hands out new object numbers; bodies go into `updates`.
 */
export function appearanceObjects(drawn: Buffer, alloc: () => PdfRef, updates: Map<number, string>, into: PdfRef): void {
  const source = openPdf(drawn);
  const root = resolve(source, source.trailer.get('Root')) as PdfDict;
  const kids = resolve(source, (resolve(source, root.get('Pages')) as PdfDict).get('Kids')) as PdfValue[];
  const page = resolve(source, kids[0]) as PdfDict;
  const copied = new Map<number, PdfRef>();
  const fontTag = new Map<string, string>();

  const raw = (s: PdfStream) => Buffer.from(source.bytes.subarray(s.start, s.start + s.length)).toString('latin1');
  const copy = (value: PdfValue | undefined): PdfValue => {
    if (value === undefined) return null;
    if (value instanceof PdfRef) {
      const known = copied.get(value.num);
      if (known) return known;
      const ref = alloc();
      copied.set(value.num, ref);
      const target = getObject(source, value);
      if (target instanceof PdfStream) {
        const dict = copyDict(target.dict);
        dict.set('Length', target.length);
        updates.set(ref.num, `${serialize(dict)}\nstream\n${raw(target)}\nendstream`);
      } else updates.set(ref.num, serialize(copy(target)));
      return ref;
    }
    if (Array.isArray(value)) return value.map(copy);
    if (value instanceof PdfDict) return copyDict(value);
    if (value instanceof PdfStream) throw new Error('stream diretto inatteso nell’aspetto della firma');
    return value;
  };
  const copyDict = (dict: PdfDict): PdfDict => {
    const out = new PdfDict();
    for (const [k, v] of dict.map) out.set(k, copy(v));
    for (const key of ['BaseFont', 'FontName']) {
      const name = out.get(key);
      if (name instanceof PdfName && /^[A-Z]{6}\+/.test(name.name)) out.set(key, new PdfName(retag(name.name)));
    }
    return out;
  };
  // A fresh subset tag per font program (same glyphs, same tag), so no two subsets share a name.
  const retag = (name: string): string => {
    const known = fontTag.get(name);
    if (known) return known;
    const hash = createHash('sha256').update(source.bytes).update(name).digest();
    const tag = [...hash.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
    const renamed = `${tag}+${name.slice(7)}`;
    fontTag.set(name, renamed);
    return renamed;
  };

  const contents = resolve(source, page.get('Contents'));
  const streams = (Array.isArray(contents) ? contents.map((c) => resolve(source, c)) : [contents]).filter(
    (s): s is PdfStream => s instanceof PdfStream,
  );
  if (streams.length !== 1) throw new Error('aspetto della firma: atteso un solo flusso di contenuto');
  const content = streams[0]!;
  const form = new PdfDict([
    ['Type', new PdfName('XObject')],
    ['Subtype', new PdfName('Form')],
    ['BBox', [0, 0, SLOT_WIDTH, SLOT_HEIGHT]],
    ['Resources', copy(page.get('Resources'))],
  ]);
  const filter = content.dict.get('Filter');
  if (filter !== undefined) form.set('Filter', copy(filter));
  form.set('Length', content.length);
  updates.set(into.num, `${serialize(form)}\nstream\n${raw(content)}\nendstream`);
}

const words = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('it')
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);

/**
 * The signatory block a digital signer belongs to: the one whose handwritten signature bears the
 * signer's name (every word of it in the certificate's name, in any order and case, accents
 * aside: «ROSSI MARIO» is Mario Rossi). Undefined when none or more than one match.
 */
export function signatoryFor(
  signerName: string,
  signatures: ReadonlyArray<{ signatory: string; name: string }> | undefined,
): string | undefined {
  const have = new Set(words(signerName));
  const matches = (signatures ?? []).filter((s) => {
    const w = words(s.name);
    return w.length > 0 && w.every((x) => have.has(x));
  });
  return matches.length === 1 ? matches[0]!.signatory : undefined;
}

/** The signatory ids of the rectangles a PDF reserves for visible signatures, in order (none: []). */
export function reservedSignatories(bytes: Buffer): string[] {
  const pdf = openPdf(bytes, { xrefStreams: true });
  const catalog = resolve(pdf, pdf.trailer.get('Root'));
  return catalog instanceof PdfDict ? signatureSlots(pdf, catalog).map((s) => s.signatory) : [];
}
