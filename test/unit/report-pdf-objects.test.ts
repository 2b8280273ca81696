import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PdfDict, PdfName, PdfParser, PdfRef, PdfString, PdfSyntaxError, serialize, type PdfValue } from '../../report/pdf/objects.ts';
import { getObject, openPdf, UnsupportedPdfError } from '../../report/pdf/reader.ts';

const parse = (text: string): PdfValue => new PdfParser(Buffer.from(text, 'latin1')).readValue();

test('reads names, numbers, references, booleans, null, arrays and nested dictionaries', () => {
  const v = parse(
    '<< /Type /Catalog /Pages 3 0 R /Kids [1 0 R 2 5 R] /N -1.5 /M .25 /B true /Z null /A#20B 7 /D << /X [ 1 2 [ 3 ] ] >> >>',
  );
  assert.ok(v instanceof PdfDict);
  assert.equal((v.get('Type') as PdfName).name, 'Catalog');
  assert.deepEqual(v.get('Pages'), new PdfRef(3, 0));
  assert.deepEqual(v.get('Kids'), [new PdfRef(1, 0), new PdfRef(2, 5)]);
  assert.equal(v.get('N'), -1.5);
  assert.equal(v.get('M'), 0.25);
  assert.equal(v.get('B'), true);
  assert.equal(v.get('Z'), null);
  assert.equal(v.get('A B'), 7);
  assert.deepEqual((v.get('D') as PdfDict).get('X'), [1, 2, [3]]);
});

test('two integers not followed by R stay two numbers', () => {
  assert.deepEqual(parse('[0 109121 141891 582]'), [0, 109121, 141891, 582]);
});

test('literal strings: escapes, balanced parentheses, octal codes, line continuations', () => {
  const s = parse('(a\\(b\\) (nested) \\101\\0533 tab\\t end\\\ncontinued)') as PdfString;
  assert.equal(s.text(), 'a(b) (nested) A+3 tab\t endcontinued');
  assert.equal((parse('<48 65 6c6C6f>') as PdfString).text(), 'Hello');
  assert.equal((parse('<414>') as PdfString).text(), 'A@', 'an odd hex digit count is padded with 0');
});

test('text strings outside ASCII round-trip as UTF-16BE with a BOM', () => {
  const s = PdfString.fromText('Firma – Comune di Città');
  assert.deepEqual([...s.bytes.slice(0, 2)], [0xfe, 0xff]);
  assert.equal((parse(serialize(s)) as PdfString).text(), 'Firma – Comune di Città');
});

test('serialize then parse gives the same value', () => {
  const original = new PdfDict([
    ['Type', new PdfName('Sig')],
    ['Odd name/#', new PdfName('a b')],
    ['V', new PdfRef(12, 0)],
    ['Arr', [1, 2.5, -3, true, null, PdfString.fromText('x)y(')]],
    ['Sub', new PdfDict([['K', new PdfName('L')]])],
  ]);
  const again = parse(serialize(original));
  assert.equal(serialize(again), serialize(original));
  assert.equal(((again as PdfDict).get('Odd name/#') as PdfName).name, 'a b');
});

test('malformed input fails with a PdfSyntaxError, never silently', () => {
  assert.throws(() => parse('<< /A 1 '), PdfSyntaxError);
  assert.throws(() => parse('(unterminated'), PdfSyntaxError);
  assert.throws(() => parse('<zz>'), PdfSyntaxError);
  assert.throws(() => parse(']'), PdfSyntaxError);
});

/** A minimal PDF with one incremental update that replaces object 2. */
function twoRevisionPdf(): Buffer {
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  const obj = (n: number, text: string) => {
    offsets[n] = Buffer.byteLength(body, 'latin1');
    body += `${n} 0 obj\n${text}\nendobj\n`;
  };
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [] /Count 0 /Rev (one) >>');
  const xref1 = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 3\n0000000000 65535 f\r\n${String(offsets[1]).padStart(10, '0')} 00000 n\r\n${String(offsets[2]).padStart(10, '0')} 00000 n\r\n`;
  body += `trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${xref1}\n%%EOF\n`;
  const off2 = Buffer.byteLength(body, 'latin1');
  body += '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 /Rev (two) >>\nendobj\n';
  const xref2 = Buffer.byteLength(body, 'latin1');
  body += `xref\n2 1\n${String(off2).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size 3 /Root 1 0 R /Prev ${xref1} >>\nstartxref\n${xref2}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

test('the xref chain is followed through /Prev and the newest version of an object wins', () => {
  const pdf = openPdf(twoRevisionPdf());
  assert.equal(pdf.xref.size, 2);
  const pages = getObject(pdf, new PdfRef(2, 0)) as PdfDict;
  assert.equal((pages.get('Rev') as PdfString).text(), 'two');
  assert.equal(getObject(pdf, new PdfRef(9, 0)), null);
});

test('not a PDF, a broken tail and xref streams are told apart', () => {
  assert.throws(() => openPdf(Buffer.from('{"json": true}')), /non è un PDF/);
  assert.throws(() => openPdf(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')), /startxref/);
  const xrefStream = Buffer.from(
    '%PDF-1.7\n1 0 obj\n<< /Type /XRef /Size 1 /W [1 1 1] /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n',
  );
  assert.throws(() => openPdf(xrefStream), UnsupportedPdfError);
});
