/**
 * What a signed act shows: each digital signature drawn in its signatory block of the signatures
 * page («Firmato digitalmente da … il … alle …», «con marca temporale» for B-T), judged by the real
 * tools: pdfsig (valid, trusted), qpdf, pdffonts, pdftotext with word boxes, and pdftoppm's pixels.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, loadP12, signatoryFor, signPdfWith, verifyPdf, type LoadedSigner, type SignResult } from '../../report/index.ts';
import { SLOT_HEIGHT, SLOT_WIDTH } from '../../report/appearance.ts';
import { PdfDict, PdfName, PdfRef, PdfString } from '../../report/pdf/objects.ts';
import { getObject, openPdf, resolve } from '../../report/pdf/reader.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { startReportRenderer } from '../../host/worker/report-renderer.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

const PAGE_HEIGHT = 841.89;
// Signing times within the test certificates' validity (issued now); the fixed dates and the
// summer/winter offsets are in test/unit/report-appearance.test.ts.
let SEALED_AT: Date;
let COSIGNED_AT: Date;
/** «il dd/mm/yyyy alle hh:mm» in Rome, written with toLocale…String rather than the code's formatToParts. */
const when = (d: Date) =>
  `il ${d.toLocaleDateString('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' })} alle ${d.toLocaleTimeString('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}`;
const re = (s: string) => s.replace(/[/.]/g, (c) => `\\${c}`);
const input = sampleReportInput({ photos: 1, digitallySigned: true });

let pki: TestPki;
let tsa: TestTsa;
let dir: string;
let anna: LoadedSigner;
let luca: LoadedSigner;
let unsigned: Buffer;
let sealed: SignResult;
let cosigned: SignResult;

function save(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Signature widgets: field name, 1-based page, /Rect. */
function widgets(pdf: Buffer): Array<{ name: string; page: number; rect: number[] }> {
  const file = openPdf(pdf);
  const catalog = resolve(file, file.trailer.get('Root')) as PdfDict;
  const kids = resolve(file, (resolve(file, catalog.get('Pages')) as PdfDict).get('Kids')) as PdfRef[];
  const fields = resolve(file, (resolve(file, catalog.get('AcroForm')) as PdfDict).get('Fields')) as PdfRef[];
  return fields.map((ref) => {
    const f = getObject(file, ref) as PdfDict;
    assert.equal((f.get('FT') as PdfName).name, 'Sig');
    return {
      name: (f.get('T') as PdfString).text(),
      page: kids.findIndex((k) => k.num === (f.get('P') as PdfRef).num) + 1,
      rect: resolve(file, f.get('Rect')) as number[],
    };
  });
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** pdftotext's words of one page with their boxes (points, from the top left). */
function words(path: string, page: number): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), path, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    text: m[5]!,
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
  }));
}

/** A widget's /Rect as a box from the top left, like pdftotext's. */
const box = (rect: number[]) => ({ xMin: rect[0]!, xMax: rect[2]!, yMin: PAGE_HEIGHT - rect[3]!, yMax: PAGE_HEIGHT - rect[1]! });
const inside = (w: Word, b: ReturnType<typeof box>) =>
  w.xMin >= b.xMin - 0.5 && w.xMax <= b.xMax + 0.5 && w.yMin >= b.yMin - 0.5 && w.yMax <= b.yMax + 0.5;
const overlaps = (w: Word, b: ReturnType<typeof box>) => w.xMin < b.xMax && w.xMax > b.xMin && w.yMin < b.yMax && w.yMax > b.yMin;

/** Dark pixels inside a rectangle of one page rendered at 80 dpi (PGM, grey). */
function darkPixels(path: string, page: number, rect: number[]): number {
  const prefix = join(dir, `render-${page}-${Math.random().toString(36).slice(2)}`);
  execFileSync('pdftoppm', ['-r', '80', '-f', String(page), '-l', String(page), '-gray', '-singlefile', path, prefix]);
  const pgm = readFileSync(`${prefix}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const [width, offset] = [Number(header[1]), header[0].length];
  const scale = 80 / 72;
  const b = box(rect);
  let dark = 0;
  for (let y = Math.ceil(b.yMin * scale); y < Math.floor(b.yMax * scale); y++)
    for (let x = Math.ceil(b.xMin * scale); x < Math.floor(b.xMax * scale); x++) if (pgm[offset + y * width + x]! < 128) dark++;
  return dark;
}

function pdfsigBlocks(path: string): string[] {
  return pdfsig(path, pki.nssDir)
    .split(/^Signature #\d+:/m)
    .slice(1);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-appearance-'));
  pki = makeTestPki();
  tsa = await startTestTsa(pki.tsa);
  anna = await loadP12(pki.signerP12, P12_PASSPHRASE);
  luca = await loadP12(pki.legacyP12, P12_PASSPHRASE);
  unsigned = await buildReport(input);
  SEALED_AT = new Date(Date.now() + 1000);
  COSIGNED_AT = new Date(SEALED_AT.getTime() + 1000);
  // Anna Bianchi seals with a timestamp; Luca Verdi co-signs a minute later without one.
  sealed = await signPdfWith(unsigned, anna, {
    tsaUrl: tsa.url,
    signingTime: SEALED_AT,
    signatory: signatoryFor(anna.commonName, input.signatures),
  });
  cosigned = await signPdfWith(sealed.pdf, luca, {
    signingTime: COSIGNED_AT,
    signatory: signatoryFor(luca.commonName, input.signatures),
  });
});

after(async () => {
  await tsa?.close();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('visible digital signatures', () => {
  test('the seal is drawn in its signer’s block, says «con marca temporale», and pdfsig finds it valid and trusted', () => {
    assert.equal(sealed.level, 'B-T');
    assert.equal(signatoryFor(anna.commonName, input.signatures), 'pedagogista');
    const page = sealed.appearance!.page;
    assert.deepEqual(sealed.appearance, { signatory: 'pedagogista', page });
    const path = save('sealed.pdf', sealed.pdf);
    const [block] = pdfsigBlocks(path);
    assert.match(block!, /Signature Validation: Signature is Valid\./);
    assert.match(block!, /Certificate Validation: Certificate is Trusted\./);
    assert.match(block!, /Total document signed/);
    const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), path, '-'], { encoding: 'utf8' });
    assert.match(text, new RegExp(`Firmato digitalmente da Anna Bianchi\\s+${re(when(SEALED_AT))} con marca temporale`));

    // The widget is the reserved rectangle of the Pedagogista's block: under its title, above the next one.
    const [widget] = widgets(sealed.pdf);
    assert.equal(widget!.page, page);
    assert.ok(
      Math.abs(widget!.rect[2]! - widget!.rect[0]! - SLOT_WIDTH) < 0.01 &&
        Math.abs(widget!.rect[3]! - widget!.rect[1]! - SLOT_HEIGHT) < 0.01,
    );
    const all = words(path, page);
    const at = box(widget!.rect);
    const drawn = all.filter((w) => inside(w, at)).map((w) => w.text);
    assert.deepEqual(drawn.slice(0, 4), ['Firmato', 'digitalmente', 'da', 'Anna']);
    const title = all.find((w) => w.text === 'Pedagogista')!;
    const next = all.find((w) => w.text === 'presenza')!;
    assert.ok(title.yMax < at.yMin && at.yMax < next.yMin, 'rectangle between its block title and the next block');
    // Nothing of the page itself is under it: the rectangle was left empty for it.
    assert.deepEqual(
      words(save('unsigned.pdf', unsigned), page).filter((w) => overlaps(w, at)),
      [],
    );
    // And a viewer draws it: dark pixels in the rectangle now, none before.
    assert.equal(darkPixels(join(dir, 'unsigned.pdf'), page, widget!.rect), 0);
    assert.ok(darkPixels(path, page, widget!.rect) > 100);
  });

  test('a co-signature added later gets its own block, without «con marca temporale», and the seal stays valid', async () => {
    assert.equal(cosigned.level, 'B-B');
    assert.deepEqual(cosigned.appearance, { signatory: 'referente_comune', page: sealed.appearance!.page });
    const path = save('cosigned.pdf', cosigned.pdf);
    const blocks = pdfsigBlocks(path);
    assert.equal(blocks.length, 2);
    for (const b of blocks) {
      assert.match(b, /Signature Validation: Signature is Valid\./);
      assert.match(b, /Certificate Validation: Certificate is Trusted\./);
    }
    const text = execFileSync('pdftotext', ['-f', String(cosigned.appearance!.page), '-l', String(cosigned.appearance!.page), path, '-'], {
      encoding: 'utf8',
    });
    assert.match(text, new RegExp(`Firmato digitalmente da Luca Verdi\\s+${re(when(COSIGNED_AT))}\\n`));
    assert.match(text, new RegExp(`Firmato digitalmente da Anna Bianchi\\s+${re(when(SEALED_AT))} con marca temporale`));
    const [first, second] = widgets(cosigned.pdf);
    assert.ok(second!.rect[1]! > first!.rect[3]!, 'the Comune’s block is above the Pedagogista’s');
    const verified = await verifyPdf(cosigned.pdf, { caPem: pki.caPem });
    assert.equal(verified.valid, true, verified.problems.join('; '));
    assert.deepEqual(verified.modifications, []);
    assert.ok(verified.signatures.every((s) => s.intact && s.trusted));
  });

  test('stays PDF/A material: qpdf accepts it, every font is embedded with Unicode, the new subsets are named apart', () => {
    const path = save('fonts.pdf', cosigned.pdf);
    const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const lines = execFileSync('pdffonts', [path], { encoding: 'utf8' }).trim().split('\n').slice(2);
    const before = execFileSync('pdffonts', [join(dir, 'unsigned.pdf')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(2);
    assert.ok(lines.length > before.length, 'the appearances bring their own subsets');
    for (const line of lines) assert.match(line, /DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, line);
    const names = lines.map((l) => l.split(/\s+/)[0]);
    assert.equal(new Set(names).size, names.length, names.join(' '));
    // Each copied TrueType program says its decoded length.
    const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', path, '-'], { maxBuffer: 64 << 20 }).toString('latin1');
    for (const m of qdf.matchAll(/\/FontFile2 (\d+) 0 R/g))
      assert.match(qdf, new RegExp(`\\n${m[1]} 0 obj\\n<<[^>]*/Length1 \\d+[^>]*>>\\nstream`), `FontFile2 ${m[1]} 0 R has /Length1`);
  });

  test('a timestamp authority that fails: the signature is made again without «con marca temporale» (B-B)', async () => {
    const warnings: string[] = [];
    const r = await signPdfWith(unsigned, anna, {
      tsaUrl: `http://127.0.0.1:${await closedPort()}/tsa`,
      tsaTimeoutMs: 2000,
      signingTime: SEALED_AT,
      signatory: 'pedagogista',
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(r.level, 'B-B');
    assert.equal(warnings.length, 1);
    const path = save('no-tsa.pdf', r.pdf);
    const text = execFileSync('pdftotext', ['-f', String(r.appearance!.page), '-l', String(r.appearance!.page), path, '-'], {
      encoding: 'utf8',
    });
    assert.match(text, new RegExp(`Firmato digitalmente da Anna Bianchi\\s+${re(when(SEALED_AT))}\\n`));
    assert.doesNotMatch(text, /marca temporale/);
    const blocks = pdfsigBlocks(path);
    assert.equal(blocks.length, 1);
    assert.match(blocks[0]!, /Signature is Valid\./);
    // Only the second attempt is in the file: one revision after the unsigned bytes.
    assert.ok(r.pdf.subarray(0, unsigned.length).equals(unsigned));
    assert.equal(r.pdf.toString('latin1').match(/%%EOF/g)!.length, unsigned.toString('latin1').match(/%%EOF/g)!.length + 1);
  });

  test('a long name is set smaller until the appearance fits its rectangle', async () => {
    const name = 'Maria Giovanna Della Rovere Ferrari Montecatini Bagnoli di Castelnuovo Berardenga';
    const r = await signPdfWith(unsigned, anna, { name, signingTime: SEALED_AT, signatory: 'referente_servizio' });
    const path = save('long-name.pdf', r.pdf);
    const rect = widgets(r.pdf)[0]!.rect;
    const drawn = words(path, r.appearance!.page).filter((w) => inside(w, box(rect)));
    assert.deepEqual(drawn.map((w) => w.text).join(' '), `Firmato digitalmente da ${name} ${when(SEALED_AT)}`);
    assert.match(pdfsigBlocks(path)[0]!, /Signature is Valid\./);
  });

  test('the app draws the appearance in its report thread (pdfmake is synchronous): same page, still valid', async () => {
    const renderer = startReportRenderer();
    try {
      const asked: string[] = [];
      const r = await signPdfWith(unsigned, anna, {
        signingTime: SEALED_AT,
        signatory: 'pedagogista',
        renderAppearance: (text) => (asked.push(text.first), renderer.appearance(text)),
      });
      assert.deepEqual(asked, ['Firmato digitalmente da Anna Bianchi']);
      const path = save('thread.pdf', r.pdf);
      const text = execFileSync('pdftotext', ['-f', String(r.appearance!.page), '-l', String(r.appearance!.page), path, '-'], {
        encoding: 'utf8',
      });
      assert.match(text, new RegExp(`Firmato digitalmente da Anna Bianchi\\s+${re(when(SEALED_AT))}\\n`));
      assert.match(pdfsigBlocks(path)[0]!, /Signature is Valid\./);
    } finally {
      await renderer.close();
    }
  });

  test('a fourth signature finds every rectangle taken and stays invisible; a report without rectangles too', async () => {
    const third = await signPdfWith(cosigned.pdf, anna, {});
    assert.equal(third.appearance?.signatory, 'referente_servizio');
    const fourth = await signPdfWith(third.pdf, luca, {});
    assert.equal(fourth.appearance, null);
    const last = widgets(fourth.pdf).at(-1)!;
    assert.deepEqual([last.page, last.rect], [1, [0, 0, 0, 0]]);
    const verified = await verifyPdf(fourth.pdf, { caPem: pki.caPem });
    assert.equal(verified.valid, true, verified.problems.join('; '));
    assert.equal(verified.signatures.length, 4);

    const plain = await signPdfWith(await buildReport(sampleReportInput({ photos: 0 })), anna, {});
    assert.equal(plain.appearance, null);
    assert.deepEqual(widgets(plain.pdf)[0]!.rect, [0, 0, 0, 0]);
  });
});
