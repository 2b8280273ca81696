/**
 * Writes one incremental update (ISO 32000-1 §7.5.6): the new or changed objects appended after the
 * last %%EOF, a classic xref section for them and a trailer whose /Prev points at the previous
 * section. The bytes before are never touched, so every earlier signature keeps its byte range.
 */
import { PdfDict, serialize } from './objects.ts';
import type { PdfFile } from './reader.ts';

/**
 * `updates`: object number → body (what goes between "n g obj" and "endobj"), Latin-1 so binary
 * stream data passes through byte for byte. `size`: the trailer's new /Size (one past the highest
 * object number). Returns the whole file and where each object was written.
 */
export function appendRevision(
  base: Buffer,
  pdf: PdfFile,
  updates: Map<number, string>,
  size: number,
): { pdf: Buffer; offsets: Map<number, number> } {
  const oldSize = pdf.trailer.get('Size');
  const previous = typeof oldSize === 'number' ? oldSize : 0;
  const genOf = (num: number) => (num < previous ? (pdf.xref.get(num)?.gen ?? 0) : 0);
  const chunks: string[] = [];
  let offset = base.length;
  const push = (s: string) => {
    chunks.push(s);
    offset += Buffer.byteLength(s, 'latin1');
  };
  if (base[base.length - 1] !== 0x0a && base[base.length - 1] !== 0x0d) push('\n');
  const offsets = new Map<number, number>();
  for (const num of [...updates.keys()].sort((a, b) => a - b)) {
    offsets.set(num, offset);
    push(`${num} ${genOf(num)} obj\n${updates.get(num)!}\nendobj\n`);
  }
  const xrefOffset = offset;
  let xref = 'xref\n';
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    xref += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const num = nums[k]!;
      xref += `${String(offsets.get(num)).padStart(10, '0')} ${String(genOf(num)).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  push(xref);
  const trailer = new PdfDict([...pdf.trailer.map].filter(([k]) => !['Prev', 'XRefStm', 'Size'].includes(k)));
  trailer.set('Size', size);
  trailer.set('Prev', pdf.startxref);
  push(`trailer\n${serialize(trailer)}\nstartxref\n${xrefOffset}\n%%EOF\n`);
  return { pdf: Buffer.concat([base, Buffer.from(chunks.join(''), 'latin1')]), offsets };
}
