/**
 * What changed in a PDF after a signature: the document as the signer saw it (the bytes up to the
 * end of the signature's /ByteRange, read through its own xref chain) against the document as it
 * is now (the whole file, through the newest xref chain).
 *
 * A digest only proves that the signed bytes are still there; an incremental update appended
 * after them can still replace any object the viewer shows. So the two object graphs are compared
 * by meaning, not by object number or byte offset (a later revision may renumber, redefine a number
 * the signed revision used, move objects into object streams or point /Prev elsewhere): the
 * catalog, every page as the viewer renders it (own and inherited attributes, content streams and
 * resources, followed through every reference), its annotations, the form's fields, the trailer's
 * /Info and /Encrypt. What signing may add is allowed (ISO 32000-1 §12.8.2.2, ETSI EN 319 142-1):
 * new signature fields with their widgets and appearances, the AcroForm's /Fields, /SigFlags,
 * /DR and /DA, the value of a signature field left empty for it, a /DSS, document timestamps
 * (they are signature fields too). Anything else is a modification, reported by kind.
 */
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf/objects.ts';
import { getObject, openPdf, resolve, type PdfFile } from './pdf/reader.ts';

export type ModificationKind =
  'pages_added' | 'pages_removed' | 'page_content' | 'annotations' | 'form_fields' | 'catalog' | 'trailer' | 'unreadable';

export interface Modification {
  kind: ModificationKind;
  /** Italian, for people: «contenuto della pagina 1», «2 pagine aggiunte», … */
  label: string;
  /** 1-based page, for page_content and annotations. */
  page?: number;
  /** Pages added or removed. */
  count?: number;
  /** Catalog or trailer keys; for form_fields, the names of the fields (or /Key of the AcroForm). */
  keys?: string[];
  detail?: string;
}

/** Catalog keys that signing may add or change. /Pages is compared page by page instead. */
const CATALOG_SIGNING_KEYS = new Set(['AcroForm', 'DSS', 'Pages']);
/** AcroForm keys that signing may add or change (the fields themselves are compared one by one). */
const ACROFORM_SIGNING_KEYS = new Set(['Fields', 'SigFlags', 'DR', 'DA']);
/** Page attributes inherited from the page tree (ISO 32000-1 §7.7.3.4). */
const INHERITED = ['Resources', 'MediaBox', 'CropBox', 'Rotate'];
const MAX_DEPTH = 64;

const nameOf = (v: PdfValue | undefined) => (v instanceof PdfName ? v.name : null);

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function modification(kind: ModificationKind, extra: Omit<Modification, 'kind' | 'label'> = {}): Modification {
  const { page, count = 0, keys = [], detail } = extra;
  const label = {
    pages_added: () => plural(count, 'pagina aggiunta', 'pagine aggiunte'),
    pages_removed: () => plural(count, 'pagina tolta', 'pagine tolte'),
    page_content: () => `contenuto della pagina ${page}`,
    annotations: () => `annotazioni della pagina ${page}`,
    form_fields: () => `campi del modulo${keys.length ? ` (${keys.join(', ')})` : ''}`,
    catalog: () => `struttura del documento (${keys.map((k) => `/${k}`).join(', ')})`,
    trailer: () => (keys.includes('Encrypt') ? 'cifratura del documento' : 'metadati del documento (/Info)'),
    unreadable: () => `revisione successiva non leggibile: impossibile escludere modifiche${detail ? ` (${detail})` : ''}`,
  }[kind]();
  return { kind, label, ...extra };
}

/** One view of the document: its objects as of one revision. */
interface View {
  pdf: PdfFile;
  catalog: PdfDict;
  pages: Page[];
  /** Signature and other form fields by object number, with the full name and inherited type. */
  fields: Map<number, Field>;
  acroForm: PdfDict | null;
  /** Objects compared on their own (catalog, page tree, pages, fields): a reference to one is equal by number. */
  structural: Set<number>;
}

interface Page {
  num: number | null;
  /** The page dictionary with the inherited attributes filled in. */
  dict: PdfDict;
  annots: PdfValue[];
}

interface Field {
  name: string;
  type: string | null;
  dict: PdfDict;
}

function readView(pdf: PdfFile): View {
  const rootRef = pdf.trailer.get('Root');
  const catalog = resolve(pdf, rootRef);
  if (!(catalog instanceof PdfDict)) throw new Error('catalogo mancante');
  const structural = new Set<number>();
  if (rootRef instanceof PdfRef) structural.add(rootRef.num);
  const pages: Page[] = [];
  const walk = (node: PdfValue | undefined, inherited: Map<string, PdfValue>, depth: number) => {
    if (depth > MAX_DEPTH || pages.length > 100_000) throw new Error('albero delle pagine troppo profondo');
    if (node instanceof PdfRef) {
      if (structural.has(node.num)) throw new Error('albero delle pagine circolare');
      structural.add(node.num);
    }
    const dict = resolve(pdf, node);
    if (!(dict instanceof PdfDict)) throw new Error('nodo dell’albero delle pagine non valido');
    const here = new Map(inherited);
    for (const k of INHERITED) if (dict.has(k)) here.set(k, dict.get(k)!);
    if (nameOf(dict.get('Type')) === 'Pages' || (dict.has('Kids') && nameOf(dict.get('Type')) !== 'Page')) {
      const kids = resolve(pdf, dict.get('Kids'));
      if (!Array.isArray(kids)) throw new Error('/Kids non valido');
      for (const kid of kids) walk(kid, here, depth + 1);
      return;
    }
    const effective = dict.clone();
    for (const [k, v] of here) if (!effective.has(k)) effective.set(k, v);
    const annots = resolve(pdf, dict.get('Annots'));
    pages.push({ num: node instanceof PdfRef ? node.num : null, dict: effective, annots: Array.isArray(annots) ? annots : [] });
  };
  walk(catalog.get('Pages'), new Map(), 0);

  const acroValue = resolve(pdf, catalog.get('AcroForm'));
  const acroForm = acroValue instanceof PdfDict ? acroValue : null;
  if (catalog.get('AcroForm') instanceof PdfRef) structural.add((catalog.get('AcroForm') as PdfRef).num);
  const fields = new Map<number, Field>();
  const visit = (list: PdfValue | undefined, prefix: string, type: string | null, depth: number) => {
    const arr = resolve(pdf, list);
    if (!Array.isArray(arr)) return;
    if (depth > MAX_DEPTH) throw new Error('albero dei campi troppo profondo');
    for (const item of arr) {
      if (!(item instanceof PdfRef) || fields.has(item.num)) continue;
      const dict = getObject(pdf, item);
      if (!(dict instanceof PdfDict)) continue;
      const t = dict.get('T');
      const name = t instanceof PdfString ? (prefix ? `${prefix}.${t.text()}` : t.text()) : prefix;
      const ft = nameOf(dict.get('FT')) ?? type;
      fields.set(item.num, { name, type: ft, dict });
      structural.add(item.num);
      visit(dict.get('Kids'), name, ft, depth + 1);
    }
  };
  if (acroForm) visit(acroForm.get('Fields'), '', null, 0);
  return { pdf, catalog, pages, fields, acroForm, structural };
}

/**
 * Equality of two values read from two views, following references on both sides. A pair of
 * objects already being compared counts as equal (so cycles end), and references to structural
 * objects with the same number are equal here because those are compared on their own.
 */
class Comparer {
  /** Pairs being compared, or found equal, in the current top-level comparison (see `top`). */
  private readonly assumed = new Set<string>();
  /** Pairs found different: that holds whatever else is assumed. */
  private readonly different = new Set<string>();
  private readonly skip: Set<number>;
  constructor(
    private readonly a: View,
    private readonly b: View,
  ) {
    this.skip = new Set([...a.structural].filter((n) => b.structural.has(n)));
  }

  /**
   * Equalities assumed while inside a cycle are only safe within the comparison that made them:
   * a later comparison starts afresh (differences found stay known).
   */
  private top<T>(run: () => T): T {
    this.assumed.clear();
    return run();
  }

  equal(x: PdfValue | undefined, y: PdfValue | undefined): boolean {
    return this.top(() => this.eq(x, y, 0));
  }

  dicts(x: PdfDict, y: PdfDict, ignore: Set<string>): boolean {
    return this.changedKeys(x, y, ignore).length === 0;
  }

  /** Keys whose values differ, apart from `ignore`d ones. */
  changedKeys(x: PdfDict, y: PdfDict, ignore: Set<string>): string[] {
    const keys = new Set([...x.map.keys(), ...y.map.keys()]);
    return [...keys].filter((k) => !ignore.has(k) && !this.top(() => this.eq(x.get(k), y.get(k), 0)));
  }

  private eq(x: PdfValue | undefined, y: PdfValue | undefined, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (x instanceof PdfRef && y instanceof PdfRef) {
      if (x.num === y.num && this.skip.has(x.num)) return true;
      const key = `${x.num}/${y.num}`;
      if (this.different.has(key)) return false;
      if (this.assumed.has(key)) return true;
      this.assumed.add(key);
      const same = this.eq(getObject(this.a.pdf, x), getObject(this.b.pdf, y), depth + 1);
      if (!same) this.different.add(key);
      return same;
    }
    if (x instanceof PdfRef) return this.eq(getObject(this.a.pdf, x), y, depth + 1);
    if (y instanceof PdfRef) return this.eq(x, getObject(this.b.pdf, y), depth + 1);
    if (x === undefined || y === undefined || x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return x === y;
    if (x instanceof PdfName) return y instanceof PdfName && x.name === y.name;
    if (x instanceof PdfString) return y instanceof PdfString && Buffer.from(x.bytes).equals(Buffer.from(y.bytes));
    if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((v, i) => this.eq(v, y[i], depth + 1));
    if (x instanceof PdfStream) {
      if (!(y instanceof PdfStream)) return false;
      const bx = this.a.pdf.bytes.subarray(x.start, x.start + x.length);
      const by = this.b.pdf.bytes.subarray(y.start, y.start + y.length);
      return Buffer.from(bx).equals(Buffer.from(by)) && this.sameEntries(x.dict, y.dict, 'Length', depth + 1);
    }
    if (x instanceof PdfDict) return y instanceof PdfDict && this.sameEntries(x, y, null, depth + 1);
    return false;
  }

  private sameEntries(x: PdfDict, y: PdfDict, ignore: string | null, depth: number): boolean {
    const keys = new Set([...x.map.keys(), ...y.map.keys()]);
    for (const k of keys) if (k !== ignore && !this.eq(x.get(k), y.get(k), depth + 1)) return false;
    return true;
  }
}

/** A signature field's widget, or the merged field-widget, added for a signature. */
function isSignatureWidget(view: View, annot: PdfValue): boolean {
  const dict = resolve(view.pdf, annot);
  if (!(dict instanceof PdfDict) || nameOf(dict.get('Subtype')) !== 'Widget') return false;
  if (annot instanceof PdfRef && view.fields.get(annot.num)?.type === 'Sig') return true;
  const parent = dict.get('Parent');
  return parent instanceof PdfRef && view.fields.get(parent.num)?.type === 'Sig';
}

function compareViews(signed: View, now: View): Modification[] {
  const cmp = new Comparer(signed, now);
  const out: Modification[] = [];

  const trailerKeys = ['Info', 'Encrypt'].filter((k) => !cmp.equal(signed.pdf.trailer.get(k), now.pdf.trailer.get(k)));
  if (trailerKeys.length) out.push(modification('trailer', { keys: trailerKeys }));

  const catalogKeys = cmp.changedKeys(signed.catalog, now.catalog, CATALOG_SIGNING_KEYS);
  if (catalogKeys.length) out.push(modification('catalog', { keys: catalogKeys }));

  const common = Math.min(signed.pages.length, now.pages.length);
  if (now.pages.length > signed.pages.length) out.push(modification('pages_added', { count: now.pages.length - signed.pages.length }));
  if (now.pages.length < signed.pages.length) out.push(modification('pages_removed', { count: signed.pages.length - now.pages.length }));
  for (let i = 0; i < common; i++) {
    const [was, is] = [signed.pages[i]!, now.pages[i]!];
    if (!cmp.dicts(was.dict, is.dict, new Set(['Annots', 'Parent']))) out.push(modification('page_content', { page: i + 1 }));
    if (!annotationsKept(signed, now, cmp, was.annots, is.annots)) out.push(modification('annotations', { page: i + 1 }));
  }

  const formKeys = formChanges(signed, now, cmp);
  if (formKeys.length) out.push(modification('form_fields', { keys: formKeys }));
  return out;
}

/** Every earlier annotation unchanged and still there; every new one a signature widget. */
function annotationsKept(signed: View, now: View, cmp: Comparer, was: PdfValue[], is: PdfValue[]): boolean {
  const matched = new Set<number>();
  for (const old of was) {
    const at = is.findIndex(
      (n, i) => !matched.has(i) && (old instanceof PdfRef ? n instanceof PdfRef && n.num === old.num : cmp.equal(old, n)),
    );
    if (at < 0) return false;
    matched.add(at);
    const [x, y] = [resolve(signed.pdf, old), resolve(now.pdf, is[at])];
    if (!(x instanceof PdfDict) || !(y instanceof PdfDict)) {
      if (!cmp.equal(x, y)) return false;
      continue;
    }
    // A widget merged with an empty signature field gets its /V when that field is signed.
    if (!cmp.dicts(x, y, signatureFilled(signed, now, old) ? new Set(['V']) : new Set())) return false;
  }
  return is.every((annot, i) => matched.has(i) || isSignatureWidget(now, annot));
}

/** An empty signature field of the signed revision that now carries a signature. */
function signatureFilled(signed: View, now: View, ref: PdfValue): boolean {
  if (!(ref instanceof PdfRef)) return false;
  const [was, is] = [signed.fields.get(ref.num), now.fields.get(ref.num)];
  return was?.type === 'Sig' && is?.type === 'Sig' && !was.dict.has('V') && is.dict.has('V');
}

function formChanges(signed: View, now: View, cmp: Comparer): string[] {
  const changed: string[] = [];
  const empty = new PdfDict();
  changed.push(...cmp.changedKeys(signed.acroForm ?? empty, now.acroForm ?? empty, ACROFORM_SIGNING_KEYS).map((k) => `/${k}`));
  for (const [num, was] of signed.fields) {
    const is = now.fields.get(num);
    if (!is) changed.push(was.name || `oggetto ${num}`);
    else if (!cmp.dicts(was.dict, is.dict, new Set(['Kids', ...(signatureFilled(signed, now, new PdfRef(num, 0)) ? ['V'] : [])])))
      changed.push(was.name || `oggetto ${num}`);
  }
  for (const [num, is] of now.fields) if (!signed.fields.has(num) && is.type !== 'Sig') changed.push(is.name || `oggetto ${num}`);
  return changed;
}

/**
 * Modifications made after the revision that ends at `signedEnd` (a signature's /ByteRange end).
 * Empty when nothing but what signing may add was appended. A revision that cannot be read is
 * reported as such: an unreadable change is never taken for no change.
 */
export function modificationsAfter(file: Buffer, signedEnd: number): Modification[] {
  if (signedEnd >= file.length) return [];
  let signed: View;
  let now: View;
  try {
    signed = readView(openPdf(file.subarray(0, signedEnd), { xrefStreams: true }));
  } catch (e) {
    return [modification('unreadable', { detail: `revisione firmata: ${(e as Error).message}` })];
  }
  try {
    now = readView(openPdf(file, { xrefStreams: true }));
    return compareViews(signed, now);
  } catch (e) {
    return [modification('unreadable', { detail: (e as Error).message })];
  }
}
