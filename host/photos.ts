/**
 * Photos are decoded, not trusted: the right magic bytes say nothing about the body. A photo is
 * decoded in full (every pixel, with libvips through `sharp`) when it is added, so that a damaged
 * file is refused while the inspector still has it in hand, and again when the PDF report is made,
 * so that a photo stored before this check (or damaged on disk since) is shown in the report as
 * unreadable instead of silently breaking it.
 *
 * The stored bytes are the inspector's original (their SHA-256 is in the audit log) and stay the
 * evidence. What the report embeds is a *rendition*: the same bytes when pdfmake embeds them as they
 * should look (8-bit sRGB or grey, upright, no colour profile, no alpha, small enough for the page),
 * otherwise an 8-bit sRGB JPEG re-encoded upright (EXIF rotation applied; CMYK, ICC-tagged and
 * 16-bit images converted: PDF/A-2b with an sRGB output intent admits no device CMYK, ISO 19005-2
 * §6.2.4.3), alpha flattened onto the white of the page, downscaled to `REPORT_PHOTO_MAX_SIDE`; a PNG
 * only when its transparency shows (then 8-bit sRGB with an alpha channel, a soft mask in the PDF).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import type { Metadata, Stats } from 'sharp';

export type PhotoMime = 'image/jpeg' | 'image/png';

/** Far above any camera a commission carries (a 48 MP phone is 8064×6048); a decompression bomb is refused before decoding. */
export const MAX_PHOTO_PIXELS = 60_000_000;
/** A panorama is fine, a 1×100000 strip is not a photo. */
export const MAX_PHOTO_SIDE = 16_384;

const FORMAT_OF: Record<PhotoMime, 'jpeg' | 'png'> = { 'image/jpeg': 'jpeg', 'image/png': 'png' };
const FORMAT_NAME: Record<string, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  tiff: 'TIFF',
  heif: 'HEIF/HEIC',
  avif: 'AVIF',
  svg: 'SVG',
};

/**
 * The longest side of a photo in the report, in pixels. The appendix frames a photo in 240×180 pt
 * (8.5×6.4 cm); 1600 px is over 300 ppi even for a photo zoomed to half the A4 page's width, and
 * keeps a report of twenty phone photos to a few MB (the original stays in the archive).
 */
export const REPORT_PHOTO_MAX_SIDE = 1600;

/** Why a photo cannot be used, in Italian (completes "l'immagine …"). */
export class PhotoProblem extends Error {}

export interface DecodedPhoto {
  width: number;
  height: number;
  /** The bytes need a rendition before pdfmake embeds them (rotation, CMYK, profile, 16 bits, alpha, size). */
  needsRendition: boolean;
  /** Some pixel is not fully opaque: the rendition keeps the alpha (PNG) instead of flattening it. */
  translucent: boolean;
}

type Sharp = typeof import('sharp');
let loaded: Sharp | null = null;

/**
 * libvips is loaded when the first photo is looked at, not when the app opens (issue 16: launch
 * ≤ 300 ms). With require, as pdfmake is (report/pdfmake.ts): in the Electron bundle `sharp` is an
 * external package inside the asar, which require finds and import() may not.
 */
function sharp(...args: Parameters<Sharp>): ReturnType<Sharp> {
  if (!loaded) {
    loaded = createRequire(import.meta.url)('sharp') as Sharp;
    // One photo decoded at a time per process is plenty on the laptops, and leaves a core to the UI.
    loaded.concurrency(1);
  }
  return loaded(...args);
}

const decoder = (bytes: Buffer) =>
  // failOn 'warning': libjpeg's "premature end" and libspng's checksum errors are refusals, not hints.
  sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_PHOTO_PIXELS, sequentialRead: true });

async function header(bytes: Buffer, mime: PhotoMime): Promise<Metadata> {
  let meta: Metadata;
  try {
    // The header only (no pixels): read without the pixel limit, so that a too large image is
    // refused with its size rather than as "damaged".
    meta = await sharp(bytes, { failOn: 'warning', limitInputPixels: false }).metadata();
  } catch (e) {
    throw new PhotoProblem(`è danneggiata o non è un'immagine (${decoderMessage(e)})`);
  }
  const expected = FORMAT_OF[mime];
  if (meta.format !== expected)
    throw new PhotoProblem(
      `è in formato ${FORMAT_NAME[meta.format ?? ''] ?? String(meta.format)}, non ${FORMAT_NAME[expected]}: sono ammesse foto JPEG o PNG`,
    );
  const { width = 0, height = 0 } = meta;
  if (width < 1 || height < 1) throw new PhotoProblem('non ha dimensioni valide');
  if (width > MAX_PHOTO_SIDE || height > MAX_PHOTO_SIDE || width * height > MAX_PHOTO_PIXELS)
    throw new PhotoProblem(
      `è troppo grande (${width}×${height} pixel; al massimo ${MAX_PHOTO_SIDE} pixel per lato e ${MAX_PHOTO_PIXELS / 1_000_000} milioni di pixel): ridurla e aggiungerla di nuovo`,
    );
  return meta;
}

/** libvips' first line, without its internal prefixes. */
function decoderMessage(e: unknown): string {
  const line = String((e as Error)?.message ?? e).split('\n')[0]!;
  return (
    line
      .replace(/^Input (buffer|file) (has corrupt header|contains unsupported image format):?\s*/i, '')
      .replace(/^(VipsJpeg|pngload_buffer|VipsForeignLoad\w*):\s*/i, '') || 'file illeggibile'
  );
}

/**
 * Photos already decoded in this process, by content: the seal and the report check again what was
 * checked at entry, and a full decode of twenty phone photos would hold the seal for seconds.
 */
const decodedByContent = new Map<string, DecodedPhoto>();
const DECODED_KEPT = 500;

/** Decodes every pixel of the photo; a damaged, mislabelled or oversized one throws `PhotoProblem`. */
export async function decodePhoto(bytes: Buffer, mime: PhotoMime): Promise<DecodedPhoto> {
  const key = `${mime}:${createHash('sha256').update(bytes).digest('hex')}`;
  const known = decodedByContent.get(key);
  if (known) return known;
  const decoded = await decodeInFull(bytes, mime);
  if (decodedByContent.size >= DECODED_KEPT) decodedByContent.delete(decodedByContent.keys().next().value!);
  decodedByContent.set(key, decoded);
  return decoded;
}

/**
 * libvips reads a PNG's pixels without checking the CRC of its data chunks (only the header's):
 * a flipped bit in IDAT decodes into wrong pixels without a word. Every chunk is checked here.
 */
function checkPngChunks(bytes: Buffer): void {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 8 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end + 4 > bytes.length) break;
    if (crc32(bytes.subarray(at + 4, end)) >>> 0 !== bytes.readUInt32BE(end))
      throw new PhotoProblem(`è danneggiata: il blocco ${type} del PNG non corrisponde al suo codice di controllo (CRC)`);
    if (type === 'IEND') return;
    at = end + 4;
  }
  throw new PhotoProblem('è danneggiata: il PNG è troncato (manca la sua fine, IEND)');
}

async function decodeInFull(bytes: Buffer, mime: PhotoMime): Promise<DecodedPhoto> {
  const meta = await header(bytes, mime);
  if (mime === 'image/png') checkPngChunks(bytes);
  let stats: Stats;
  try {
    // stats() walks the whole image: a truncated or garbled body fails here, not only its header.
    stats = await decoder(bytes).stats();
  } catch (e) {
    throw new PhotoProblem(`è danneggiata: il contenuto non si decodifica per intero (${decoderMessage(e)})`);
  }
  const plainColour = meta.space === 'srgb' || meta.space === 'b-w';
  const upright = meta.orientation === undefined || meta.orientation === 1;
  const small = Math.max(meta.width!, meta.height!) <= REPORT_PHOTO_MAX_SIDE;
  // An interlaced PNG or one with a palette and transparency is left to libvips, not to pdfkit's PNG reader.
  const simplePng = mime !== 'image/png' || (!meta.isProgressive && meta.hasAlpha !== true);
  const needsRendition =
    !plainColour || !upright || meta.hasProfile === true || meta.depth !== 'uchar' || meta.hasAlpha === true || !small || !simplePng;
  return { width: meta.width!, height: meta.height!, needsRendition, translucent: meta.hasAlpha === true && !stats.isOpaque };
}

export type Rendition = { ok: true; bytes: Buffer; mime: PhotoMime } | { ok: false; reason: string };

/** What the report embeds for a stored photo: the bytes, a normalised copy, or why it cannot. */
export async function reportRendition(bytes: Buffer, mime: PhotoMime): Promise<Rendition> {
  let decoded: DecodedPhoto;
  try {
    decoded = await decodePhoto(bytes, mime);
  } catch (e) {
    if (e instanceof PhotoProblem) return { ok: false, reason: `l'immagine ${e.message}` };
    throw e;
  }
  if (!decoded.needsRendition) return { ok: true, bytes, mime };
  // rotate() with no angle applies the EXIF orientation (before the resize, whatever the call order);
  // the output is converted to sRGB through the embedded profile (or libvips' CMYK one) and carries
  // no EXIF and no profile. 'srgb' is 8 bits per channel: a 16-bit PNG comes out 8-bit.
  const upright = decoder(bytes)
    .rotate()
    .resize({ width: REPORT_PHOTO_MAX_SIDE, height: REPORT_PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');
  if (decoded.translucent) return { ok: true, bytes: await upright.png({ compressionLevel: 6 }).toBuffer(), mime: 'image/png' };
  const out = await upright.flatten({ background: '#ffffff' }).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer();
  return { ok: true, bytes: out, mime: 'image/jpeg' };
}
