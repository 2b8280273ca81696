/**
 * Stream decoding for the verifier: FlateDecode with the PNG or no predictor (what xref streams
 * and object streams use in practice). Anything else is refused rather than guessed: the verifier
 * must never compare a stream it could not read as if it were understood.
 */
import { inflateSync } from 'node:zlib';
import { PdfDict, PdfName, PdfStream, PdfSyntaxError, type PdfValue } from './objects.ts';

export class UnsupportedFilterError extends PdfSyntaxError {
  override name = 'UnsupportedFilterError';
}

function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function undoPngPredictor(data: Buffer, columns: number, colors: number, bpc: number): Buffer {
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((columns * colors * bpc) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      if (type === 0) v = raw;
      else if (type === 1) v = raw + left;
      else if (type === 2) v = raw + up;
      else if (type === 3) v = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else throw new PdfSyntaxError(`PDF non leggibile: predittore PNG ${type} sconosciuto`);
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

/** The decoded bytes of a stream whose filters are at most FlateDecode (with a PNG predictor). */
export function decodeStream(
  bytes: Uint8Array,
  stream: PdfStream,
  resolveValue: (v: PdfValue | undefined) => PdfValue | undefined = (v) => v,
): Buffer {
  let data: Buffer = Buffer.from(bytes.subarray(stream.start, stream.start + stream.length));
  const filters = asList(resolveValue(stream.dict.get('Filter')) as PdfValue | PdfValue[] | undefined);
  const params = asList(resolveValue(stream.dict.get('DecodeParms')) as PdfValue | PdfValue[] | undefined);
  filters.forEach((f, i) => {
    const name = f instanceof PdfName ? f.name : String(f);
    if (name !== 'FlateDecode' && name !== 'Fl')
      throw new UnsupportedFilterError(`PDF non leggibile: filtro /${name} non supportato dalla verifica`);
    try {
      data = inflateSync(data);
    } catch (e) {
      throw new PdfSyntaxError(`PDF non leggibile: stream compresso danneggiato (${(e as Error).message})`);
    }
    const p = resolveValue(params[i]);
    if (p instanceof PdfDict) {
      const predictor = typeof p.get('Predictor') === 'number' ? (p.get('Predictor') as number) : 1;
      if (predictor >= 10) {
        const num = (k: string, d: number) => (typeof p.get(k) === 'number' ? (p.get(k) as number) : d);
        data = undoPngPredictor(data, num('Columns', 1), num('Colors', 1), num('BitsPerComponent', 8));
      } else if (predictor !== 1)
        throw new UnsupportedFilterError(`PDF non leggibile: predittore ${predictor} non supportato dalla verifica`);
    }
  });
  return data;
}
