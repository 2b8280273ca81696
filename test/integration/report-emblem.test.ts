/**
 * The territory's emblem (`reportHeading.emblem`, optional territory data) beside the report's
 * heading (issue 11: «the territory's or Comune's emblem, an image set in the territory's data»).
 * No territory of the build has one yet (the repository holds no real coat of arms), so the test
 * gives the Zona's data one, in this process only, from a folder of its own (`VIGILANZA_EMBLEMS_DIR`).
 * Real parts: pdfmake and pdfkit building the PDF/A, poppler's `pdfimages` listing what page 1
 * embeds, `pdftoppm` drawing it, `qpdf --check`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildReport } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { makePng } from '../helpers/office-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigilanza-emblem-'));
process.env.VIGILANZA_EMBLEMS_DIR = dir;
after(() => rmSync(dir, { recursive: true, force: true }));

const zona = getTerritory('zona-fse')!;
const plainHeading = { ...zona.reportHeading };
const withEmblem = (file: string | undefined) => {
  zona.reportHeading = file ? { ...plainHeading, emblem: { file, description: 'Stemma di prova' } } : plainHeading;
};

/** pdfimages -list: one row per image, [page, width, height, colour space]. */
function imagesOf(pdf: Buffer): string[][] {
  const path = join(dir, `r-${Date.now()}-${Math.random()}.pdf`);
  writeFileSync(path, pdf);
  const rows = execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' }).trim().split('\n').slice(2);
  return rows.map((r) => r.trim().split(/\s+/)).map((c) => [c[0]!, c[3]!, c[4]!, c[5]!]);
}

test('an emblem in the territory data is drawn on page 1 beside the heading; without one, page 1 has no image', async () => {
  writeFileSync(join(dir, 'stemma.png'), makePng(7, 96));
  withEmblem(undefined);
  const plain = await buildReport(sampleReportInput({ photos: 0 }));
  assert.deepEqual(imagesOf(plain), []);

  withEmblem('stemma.png');
  try {
    const pdf = await buildReport(sampleReportInput({ photos: 0 }));
    assert.deepEqual(imagesOf(pdf), [['1', '96', '96', 'rgb']]);
    const path = join(dir, 'con-stemma.pdf');
    writeFileSync(path, pdf);
    execFileSync('qpdf', ['--check', path]);
    // The page is drawn, not only parsed (the PNG's pixels decode in poppler too).
    execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', path, join(dir, 'pagina')]);
  } finally {
    withEmblem(undefined);
  }
});

test('a missing or unfit emblem stops the report with an Italian message naming the file', async () => {
  const ihdr = (depth: number, colour: number) => {
    const png = makePng(3, 8);
    png[24] = depth;
    png[25] = colour;
    return png;
  };
  writeFileSync(join(dir, 'sedici-bit.png'), ihdr(16, 2));
  writeFileSync(join(dir, 'tavolozza.png'), ihdr(8, 3));
  // A JPEG frame header (SOF0) declaring four components: CMYK.
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x04]);
  writeFileSync(join(dir, 'cmyk.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.alloc(12), deflateSync(Buffer.alloc(4))]));
  const cases: [string, RegExp][] = [
    ['assente.png', /stemma del territorio non trovato: assente\.png/],
    ['sedici-bit.png', /non utilizzabile in un PDF\/A: sedici-bit\.png \(16 bit per campione: servono 8\)/],
    ['tavolozza.png', /tavolozza\.png \(PNG a tavolozza: salvarlo in RGB\)/],
    ['cmyk.jpg', /cmyk\.jpg \(4 componenti di colore \(CMYK\?\)/],
  ];
  for (const [file, message] of cases) {
    withEmblem(file);
    try {
      await assert.rejects(buildReport(sampleReportInput({ photos: 0 })), message, file);
    } finally {
      withEmblem(undefined);
    }
  }
});
