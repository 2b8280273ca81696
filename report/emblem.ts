/**
 * The territory's emblem for the report's heading (`reportHeading.emblem`): read once from
 * `resources/emblems/` (or `VIGILANZA_EMBLEMS_DIR`), found as the fonts are, and checked to be an
 * image pdfkit embeds as it is inside a PDF/A-2b: a PNG of 8 bits per sample, grey or RGB with or
 * without alpha (a soft mask is allowed in PDF/A-2), not interlaced; or a baseline or progressive
 * JPEG in grey or RGB (a CMYK one would be device CMYK under the sRGB output intent, ISO 19005-2
 * §6.2.4.3). The emblem is the authority's data, not the inspector's: a missing or unfit file is an
 * installation error, said in Italian and naming the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceDirs } from './resources.ts';

const MAX_EMBLEM_BYTES = 2 * 1024 * 1024;
const loaded = new Map<string, string>();

/** The emblem as a data URL for pdfmake's `images`; throws an Error in Italian when it cannot be used. */
export function emblemDataUrl(file: string): string {
  const known = loaded.get(file);
  if (known) return known;
  const dirs = resourceDirs('emblems', 'VIGILANZA_EMBLEMS_DIR');
  const path = dirs.map((d) => join(d, file)).find((p) => existsSync(p));
  if (!path) throw new Error(`stemma del territorio non trovato: ${file} (cercato in ${dirs.join(', ')})`);
  const bytes = readFileSync(path);
  if (bytes.length > MAX_EMBLEM_BYTES) throw new Error(`stemma del territorio troppo grande: ${file} (massimo 2 MB)`);
  const problem = file.endsWith('.png') ? pngProblem(bytes) : jpegProblem(bytes);
  if (problem) throw new Error(`stemma del territorio non utilizzabile in un PDF/A: ${file} (${problem})`);
  const url = `data:${file.endsWith('.png') ? 'image/png' : 'image/jpeg'};base64,${bytes.toString('base64')}`;
  loaded.set(file, url);
  return url;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngProblem(b: Buffer): string | null {
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return 'non è un PNG';
  const depth = b[24]!;
  const colour = b[25]!;
  const interlace = b[28]!;
  if (depth !== 8) return `${depth} bit per campione: servono 8`;
  if (![0, 2, 4, 6].includes(colour)) return 'PNG a tavolozza: salvarlo in RGB';
  if (interlace !== 0) return 'PNG interlacciato: salvarlo non interlacciato';
  return null;
}

function jpegProblem(b: Buffer): string | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 'non è un JPEG';
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return 'JPEG danneggiato';
    const marker = b[at + 1]!;
    const length = b.readUInt16BE(at + 2);
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): the frame header names the components.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const components = b[at + 9]!;
      return components === 1 || components === 3 ? null : `${components} componenti di colore (CMYK?): servono RGB o scala di grigi`;
    }
    at += 2 + length;
  }
  return 'JPEG senza intestazione di immagine';
}
