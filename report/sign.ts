/**
 * PAdES signing by incremental update (ISO 32000-1 §7.5.6, §12.8; ETSI EN 319 142-1).
 *
 * The original bytes are never rewritten: a new revision is appended with a signature field
 * (merged with its widget: visible in a free rectangle the report reserved on its signatures
 * page, see appearance.ts, else invisible on page 1), the signature dictionary, the updated AcroForm,
 * page (or /Annots array) and catalog, a new xref section and trailer. /ByteRange covers the
 * whole file except the hex /Contents, so a later signature (another member of the commission)
 * is just one more update that leaves this one valid.
 */
import { createHash } from 'node:crypto';
import {
  appearanceObjects,
  appearanceText,
  renderAppearance,
  signatureSlots,
  type AppearanceRender,
  type AppearanceText,
  type SignatureSlot as ReservedSlot,
} from './appearance.ts';
import { buildCades, type TimestampOutcome } from './cms.ts';
import { loadP12 } from './p12.ts';
import type { CmsSigner } from './signer.ts';
import { PdfDict, PdfName, PdfRef, PdfString, serialize, type PdfValue } from './pdf/objects.ts';
import { getObject, openPdf, resolve, type PdfFile } from './pdf/reader.ts';
import { appendRevision } from './pdf/writer.ts';

/** Bytes reserved for the DER signature: chain, signed attributes and a timestamp token fit. */
export const SIGNATURE_CAPACITY = 16384;

export interface SignOptions {
  /** RFC 3161 timestamp authority; without it (or when unreachable) the signature is PAdES B-B. */
  tsaUrl?: string;
  tsaTimeoutMs?: number;
  reason?: string;
  location?: string;
  /** Signer's name for the signature dictionary; defaults to the certificate's common name. */
  name?: string;
  contactInfo?: string;
  /** Signing time written in /M (defaults to now). */
  signingTime?: Date;
  /** Told why a requested timestamp could not be added (the signature then stays B-B). */
  onWarning?: (message: string) => void;
  /**
   * The signatory block whose reserved rectangle should show this signature (a checklist
   * signatory id, e.g. `pedagogista`); when it is taken or absent, the first free one is used.
   */
  signatory?: string;
  /** Draws the appearance (pdfmake, synchronous): the app hands it to its report thread. Default: here. */
  renderAppearance?: AppearanceRender;
}

export interface SignResult {
  pdf: Buffer;
  level: 'B-B' | 'B-T';
  timestamp: TimestampOutcome;
  fieldName: string;
  signer: { commonName: string; subject: string };
  /** Where the signature is shown: the reserved rectangle's signatory and 1-based page, or null (invisible). */
  appearance: { signatory: string; page: number } | null;
}

export class PdfSignError extends Error {
  override name = 'PdfSignError';
}

function pdfDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function asDict(v: PdfValue | undefined, what: string): PdfDict {
  if (!(v instanceof PdfDict)) throw new PdfSignError(`PDF non firmabile: ${what} mancante o non valido`);
  return v;
}

/** Every page reference, in order. */
function pageRefs(pdf: PdfFile, pagesRef: PdfValue | undefined): PdfRef[] {
  const out: PdfRef[] = [];
  const walk = (node: PdfValue | undefined, depth: number) => {
    if (!(node instanceof PdfRef) || depth > 32 || out.length > 100_000) return;
    const dict = asDict(getObject(pdf, node), 'albero delle pagine');
    const type = dict.get('Type');
    if (type instanceof PdfName && type.name === 'Page') {
      out.push(node);
      return;
    }
    const kids = resolve(pdf, dict.get('Kids'));
    if (Array.isArray(kids)) for (const kid of kids) walk(kid, depth + 1);
  };
  walk(pagesRef, 0);
  if (!out.length) throw new PdfSignError('PDF non firmabile: nessuna pagina trovata');
  return out;
}

/** A reserved rectangle already holding a signature widget (same page, same /Rect). */
function slotTaken(pdf: PdfFile, slot: ReservedSlot): boolean {
  const page = asDict(getObject(pdf, slot.pageRef), 'pagina');
  const annots = resolve(pdf, page.get('Annots'));
  if (!Array.isArray(annots)) return false;
  return annots.some((a) => {
    const d = resolve(pdf, a);
    if (!(d instanceof PdfDict)) return false;
    const rect = resolve(pdf, d.get('Rect'));
    return Array.isArray(rect) && rect.length === 4 && rect.every((v, i) => typeof v === 'number' && Math.abs(v - slot.rect[i]!) < 0.01);
  });
}

/** Names of signature fields already present, to pick the next free "FirmaN". */
function existingFieldNames(pdf: PdfFile, fields: PdfValue[]): Set<string> {
  const names = new Set<string>();
  for (const f of fields) {
    const d = resolve(pdf, f);
    if (d instanceof PdfDict) {
      const t = d.get('T');
      if (t instanceof PdfString) names.add(t.text());
    }
  }
  return names;
}

/** A signature dictionary to append: its keys but /ByteRange and /Contents, and what fills /Contents. */
export interface SignatureSlot {
  /** "<</Type/Sig…" without the closing ">>", /ByteRange and /Contents. */
  dictionaryHead: string;
  /** Bytes reserved for the DER in /Contents. */
  capacity: number;
  /** Field name prefix: "Firma" gives Firma1, Firma2, … */
  fieldPrefix: string;
  /** The DER for /Contents, from the signed bytes (everything but the /Contents hex string). */
  produce(signed: { before: Buffer; after: Buffer }): Promise<Uint8Array>;
  /**
   * The two lines of a visible appearance, drawn in a free reserved rectangle (preferably the
   * `signatory`'s); without it (document timestamps) or without a free rectangle, the widget is invisible.
   */
  appearance?: { text: AppearanceText; signatory?: string; render?: AppearanceRender };
}

/**
 * Appends one revision with a new (invisible) signature field and its signature dictionary, then
 * fills /ByteRange and /Contents. Shared by signatures and document timestamps.
 */
export async function appendSignatureField(
  input: Buffer,
  slot: SignatureSlot,
): Promise<{ pdf: Buffer; fieldName: string; shownAt: { signatory: string; page: number } | null }> {
  const pdf = openPdf(input);
  if (pdf.trailer.has('Encrypt')) throw new PdfSignError('PDF cifrato: non si firma');
  const rootRef = pdf.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new PdfSignError('PDF non firmabile: /Root mancante');
  const catalog = asDict(getObject(pdf, rootRef), 'catalogo').clone();
  const pages = pageRefs(pdf, catalog.get('Pages'));
  let reserved: ReservedSlot | null = null;
  if (slot.appearance) {
    const free = signatureSlots(pdf, catalog).filter((s) => pages.some((p) => p.num === s.pageRef.num) && !slotTaken(pdf, s));
    reserved = free.find((s) => s.signatory === slot.appearance!.signatory) ?? free[0] ?? null;
  }
  const pageRef = reserved?.pageRef ?? pages[0]!;
  const size = pdf.trailer.get('Size');
  if (typeof size !== 'number') throw new PdfSignError('PDF non firmabile: /Size mancante nel trailer');

  let next = size;
  const alloc = () => new PdfRef(next++, 0);
  const sigRef = alloc();
  const fieldRef = alloc();
  const apRef = alloc();
  const updates = new Map<number, string>(); // object number → body (between "obj" and "endobj")

  // AcroForm: an indirect one is rewritten as a new version; a direct one lives in the catalog.
  const acroValue = catalog.get('AcroForm');
  let acroForm: PdfDict;
  let acroRef: PdfRef | null = null;
  if (acroValue instanceof PdfRef) {
    acroRef = acroValue;
    acroForm = asDict(getObject(pdf, acroValue), 'AcroForm').clone();
  } else if (acroValue instanceof PdfDict) acroForm = acroValue.clone();
  else {
    acroRef = alloc();
    acroForm = new PdfDict();
    catalog.set('AcroForm', acroRef);
  }
  const fieldsValue = acroForm.get('Fields');
  const fields = (Array.isArray(resolve(pdf, fieldsValue)) ? [...(resolve(pdf, fieldsValue) as PdfValue[])] : []) as PdfValue[];
  const taken = existingFieldNames(pdf, fields);
  let n = 1;
  while (taken.has(`${slot.fieldPrefix}${n}`)) n++;
  const fieldName = `${slot.fieldPrefix}${n}`;
  fields.push(fieldRef);
  if (fieldsValue instanceof PdfRef) updates.set(fieldsValue.num, serialize(fields));
  else acroForm.set('Fields', fields);
  acroForm.set('SigFlags', 3); // SignaturesExist | AppendOnly
  if (acroRef) updates.set(acroRef.num, serialize(acroForm));
  else catalog.set('AcroForm', acroForm);
  if (!(acroValue instanceof PdfRef)) updates.set(rootRef.num, serialize(catalog));

  // The widget goes in its page's /Annots (an indirect array is rewritten on its own).
  const page = asDict(getObject(pdf, pageRef), 'pagina').clone();
  const annotsValue = page.get('Annots');
  const annots = Array.isArray(resolve(pdf, annotsValue)) ? [...(resolve(pdf, annotsValue) as PdfValue[])] : [];
  annots.push(fieldRef);
  if (annotsValue instanceof PdfRef) updates.set(annotsValue.num, serialize(annots));
  else {
    page.set('Annots', annots);
    updates.set(pageRef.num, serialize(page));
  }

  // The widget, printable and locked as PDF/A wants: in the reserved rectangle with the drawn
  // appearance, or invisible (zero-size) with an empty one.
  const field = new PdfDict([
    ['Type', new PdfName('Annot')],
    ['Subtype', new PdfName('Widget')],
    ['FT', new PdfName('Sig')],
    ['T', PdfString.fromText(fieldName)],
    ['V', sigRef],
    ['F', 132],
    ['Rect', reserved ? [...reserved.rect] : [0, 0, 0, 0]],
    ['P', pageRef],
    ['AP', new PdfDict([['N', apRef]])],
  ]);
  updates.set(fieldRef.num, serialize(field));
  if (reserved && slot.appearance) {
    appearanceObjects(await (slot.appearance.render ?? renderAppearance)(slot.appearance.text), alloc, updates, apRef);
  } else updates.set(apRef.num, `<</Type/XObject/Subtype/Form/BBox[0 0 0 0]/Length 0>>\nstream\n\nendstream`);

  const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';
  updates.set(sigRef.num, `${slot.dictionaryHead}/ByteRange ${BYTE_RANGE_PLACEHOLDER}/Contents <${'0'.repeat(slot.capacity * 2)}>>>`);

  const { pdf: out, offsets } = appendRevision(input, pdf, updates, next);

  // Locate /Contents and /ByteRange of our signature dictionary inside the update.
  const sigStart = offsets.get(sigRef.num)!;
  const contentsAt = out.indexOf('/Contents <', sigStart, 'latin1') + '/Contents '.length;
  const contentsEnd = contentsAt + 2 + slot.capacity * 2;
  const byteRangeAt = out.indexOf(BYTE_RANGE_PLACEHOLDER, sigStart, 'latin1');
  if (contentsAt < sigStart || byteRangeAt < 0 || out[contentsEnd - 1] !== 0x3e)
    throw new PdfSignError('errore interno: segnaposto della firma non trovato');
  const byteRange = [0, contentsAt, contentsEnd, out.length - contentsEnd];
  const rangeText = `[${byteRange.join(' ')}]`;
  out.write(rangeText.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), byteRangeAt, 'latin1');

  const der = await slot.produce({ before: out.subarray(0, contentsAt), after: out.subarray(contentsEnd) });
  if (der.length > slot.capacity) throw new PdfSignError(`firma troppo grande (${der.length} byte, spazio riservato ${slot.capacity})`);
  out.write(Buffer.from(der).toString('hex'), contentsAt + 1, 'latin1');
  const shownAt = reserved ? { signatory: reserved.signatory, page: pages.findIndex((p) => p.num === reserved.pageRef.num) + 1 } : null;
  return { pdf: out, fieldName, shownAt };
}

/**
 * Signs with a signer already loaded (the host keeps it for the session; the CLI loads it per
 * run) or with a device that signs the signed attributes (`ExternalSigner`, report/pkcs11.ts).
 */
export async function signPdfWith(input: Buffer, signer: CmsSigner, opts: SignOptions = {}): Promise<SignResult> {
  const name = opts.name ?? signer.commonName;
  const signingTime = opts.signingTime ?? new Date();
  const dictionaryHead =
    `<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached` +
    `/M ${serialize(PdfString.fromText(pdfDate(signingTime)))}` +
    `/Name ${serialize(PdfString.fromText(name))}` +
    (opts.reason ? `/Reason ${serialize(PdfString.fromText(opts.reason))}` : '') +
    (opts.location ? `/Location ${serialize(PdfString.fromText(opts.location))}` : '') +
    (opts.contactInfo ? `/ContactInfo ${serialize(PdfString.fromText(opts.contactInfo))}` : '');
  const attempt = async (tsaUrl: string | undefined) => {
    let timestamp: TimestampOutcome = { requested: false, ok: false };
    const signed = await appendSignatureField(input, {
      dictionaryHead,
      capacity: SIGNATURE_CAPACITY,
      fieldPrefix: 'Firma',
      // The appearance says «con marca temporale» when a timestamp is asked for; it is part of
      // the signed bytes, so a TSA that then fails means signing again with the text without it.
      appearance: {
        text: appearanceText(name, signingTime, tsaUrl !== undefined),
        ...(opts.signatory ? { signatory: opts.signatory } : {}),
        ...(opts.renderAppearance ? { render: opts.renderAppearance } : {}),
      },
      produce: async ({ before, after }) => {
        const digest = createHash('sha256').update(before).update(after).digest();
        const cades = await buildCades(new Uint8Array(digest), signer, { tsaUrl, tsaTimeoutMs: opts.tsaTimeoutMs });
        timestamp = cades.timestamp;
        return cades.der;
      },
    });
    return { ...signed, timestamp: timestamp as TimestampOutcome };
  };
  let result = await attempt(opts.tsaUrl);
  const { timestamp } = result;
  if (timestamp.requested && !timestamp.ok) {
    opts.onWarning?.(`marca temporale non apposta, firma PAdES B-B: ${timestamp.error}`);
    if (result.shownAt) result = { ...(await attempt(undefined)), timestamp };
  }
  return {
    pdf: result.pdf,
    level: timestamp.ok ? 'B-T' : 'B-B',
    timestamp,
    fieldName: result.fieldName,
    signer: { commonName: signer.commonName, subject: signer.subject },
    appearance: result.shownAt,
  };
}

/**
 * Signs a PDF with the key and certificate of a PKCS#12 file (PAdES B-B, or B-T with a reachable
 * timestamp authority). Throws P12PassphraseError on a wrong passphrase.
 */
export async function signPdf(pdf: Buffer, signer: { p12: Uint8Array; passphrase: string }, opts: SignOptions = {}): Promise<Buffer> {
  const loaded = await loadP12(signer.p12, signer.passphrase);
  return (await signPdfWith(pdf, loaded, opts)).pdf;
}
