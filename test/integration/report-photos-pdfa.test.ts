/**
 * Issue 11, "PDF/A-2b for every photo": a sealed report whose photos are a CMYK JPEG, a 16-bit PNG
 * with alpha, an EXIF-rotated JPEG, a Display P3 (ICC-tagged) JPEG and a 24 MP photo embeds only
 * 8-bit sRGB (or grey) images, upright and downscaled, while the originals stay stored byte for byte;
 * the file passes `qpdf --check` and every font is embedded (`pdffonts`). The same through the CLI
 * (`vigilanza report --photos`). Photos are made by sharp at test time; the app runs through `call`
 * (what both shells use), on a real SQLite file.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { REPORT_PHOTO_MAX_SIDE } from '../../host/photos.ts';
import { sampleInspection } from '../../report/testing/fixtures.ts';
import { vigilanza } from '../helpers/cli.ts';
import { qpdfObjects } from '../helpers/qpdf.ts';
import { openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';
import type { HostApp } from '../../host/app.ts';

async function call<T = any>(app: HostApp, method: string, input: unknown): Promise<T> {
  const r = await app.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** A photo-like picture: a gradient with a bright block near the top left (to tell up from down). */
function picture(width: number, height: number) {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const mark = x < width / 4 && y < height / 4;
      raw[o] = mark ? 250 : (x * 120) / width + ((x * 7919 + y * 31) % 40);
      raw[o + 1] = mark ? 40 : (y * 180) / height;
      raw[o + 2] = mark ? 40 : 120;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

interface PdfImage {
  page: number;
  num: number;
  type: string;
  width: number;
  height: number;
  color: string;
  bpc: number;
  enc: string;
}

function pdfImages(path: string): PdfImage[] {
  return execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({
      page: Number(c[0]),
      num: Number(c[1]),
      type: c[2]!,
      width: Number(c[3]),
      height: Number(c[4]),
      color: c[5]!,
      bpc: Number(c[7]),
      enc: c[8]!,
    }));
}

/** Every image XObject's /ColorSpace as qpdf reads it (the name, or the family of an array). */
function imageColourSpaces(path: string): string[] {
  return qpdfObjects(path)
    .filter((o) => o.isStream && o.dict['/Subtype'] === '/Image')
    .map((o) => {
      const cs = o.dict['/ColorSpace'];
      return Array.isArray(cs) ? String(cs[0]) : String(cs);
    });
}

/** What every report must keep: a sound file (qpdf) and every font embedded (pdffonts). */
function assertSoundPdf(path: string): void {
  const check = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /No syntax or stream encoding errors found/);
  const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim());
  assert.ok(fonts.length >= 1);
  for (const line of fonts) assert.match(line, /\byes\s+yes\s+yes\b/, `font not embedded as a subset with a ToUnicode map: ${line}`);
}

/** The five awkward photos, each with what the report must show for it (width×height, upright). */
async function awkwardPhotos() {
  return [
    {
      caption: 'CMYK',
      mime: 'image/jpeg' as const,
      bytes: await picture(300, 200).toColourspace('cmyk').jpeg().toBuffer(),
      shown: '300×200',
    },
    {
      caption: 'PNG a 16 bit con trasparenza',
      mime: 'image/png' as const,
      bytes: await picture(240, 160).ensureAlpha(0.6).toColourspace('rgb16').png().toBuffer(),
      shown: '240×160',
    },
    {
      // Stored landscape 320×200 with orientation 6: a portrait 200×320 photo.
      caption: 'Ruotata',
      mime: 'image/jpeg' as const,
      bytes: await picture(320, 200).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      shown: '200×320',
    },
    {
      caption: 'Display P3',
      mime: 'image/jpeg' as const,
      bytes: await picture(200, 150).withIccProfile('p3').jpeg().toBuffer(),
      shown: '200×150',
    },
    {
      caption: 'Fotocamera da 24 MP',
      mime: 'image/jpeg' as const,
      bytes: await picture(6000, 4000).jpeg({ quality: 80 }).toBuffer(),
      shown: `${REPORT_PHOTO_MAX_SIDE}×${Math.round((REPORT_PHOTO_MAX_SIDE * 2) / 3)}`,
    },
  ];
}

test('the originals are what sharp made; the test images really are CMYK, 16-bit with alpha, rotated, ICC-tagged', async () => {
  const [cmyk, png16, rotated, p3] = await awkwardPhotos();
  assert.equal((await sharp(cmyk!.bytes).metadata()).space, 'cmyk');
  const m16 = await sharp(png16!.bytes).metadata();
  assert.equal(m16.depth, 'ushort');
  assert.equal(m16.hasAlpha, true);
  assert.equal((await sharp(rotated!.bytes).metadata()).orientation, 6);
  assert.equal((await sharp(p3!.bytes).metadata()).hasProfile, true);
});

test('a sealed report with CMYK, 16-bit PNG with alpha, EXIF-rotated, Display P3 and 24 MP photos: only 8-bit sRGB images, upright and downscaled; originals stored unchanged; qpdf clean, fonts embedded', async (t) => {
  const app = openTestApp(t);
  const dir = tempDir(t);
  const service = await call(app, 'services.create', SERVICE);
  const id = (await call(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' })).id;
  const photos = await awkwardPhotos();
  const added: Array<{ id: string }> = [];
  for (const p of photos)
    added.push(
      await call(app, 'photos.add', {
        inspectionId: id,
        itemId: null,
        mime: p.mime,
        dataBase64: p.bytes.toString('base64'),
        caption: p.caption,
        fileName: `${p.caption}.${p.mime === 'image/png' ? 'png' : 'jpg'}`,
      }),
    );
  const sealed = await call(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id,
    signatures: [],
  });
  assert.equal(sealed.report.produced, true);
  assert.equal(sealed.report.warning, null);
  const pdf = join(dir, 'verbale.pdf');
  writeFileSync(pdf, Buffer.from((await call(app, 'report.get', { inspectionId: id })).pdfBase64, 'base64'));

  const images = pdfImages(pdf).filter((i) => i.type === 'image');
  assert.equal(images.length, photos.length, JSON.stringify(images));
  // Photos of one instant come in id order: compare as sets.
  assert.deepEqual(images.map((i) => `${i.width}×${i.height}`).sort(), photos.map((p) => p.shown).sort(), 'upright and downscaled');
  for (const i of images) {
    assert.ok(['rgb', 'gray'].includes(i.color), `image in ${i.color}: ${JSON.stringify(i)}`);
    assert.equal(i.bpc, 8, `8 bits per component: ${JSON.stringify(i)}`);
  }
  const spaces = imageColourSpaces(pdf);
  assert.ok(!spaces.includes('/DeviceCMYK'), `no device CMYK image: ${spaces.join(', ')}`);
  assert.ok(spaces.includes('/DeviceRGB'));
  assertSoundPdf(pdf);

  // The evidence: every stored photo is the inspector's original, byte for byte.
  for (const [i, p] of photos.entries())
    assert.equal((await call(app, 'photos.get', { id: added[i]!.id })).dataBase64, p.bytes.toString('base64'), p.caption);

  // The rotated photo is upright: its bright mark is at the top right once orientation 6 is applied
  // (a 90° clockwise turn of the stored top-left corner).
  const rotated = images.find((i) => i.width === 200 && i.height === 320)!;
  execFileSync('pdfimages', ['-png', '-f', String(rotated.page), '-l', String(rotated.page), pdf, join(dir, 'img')]);
  // pdfimages numbers the files it writes as it lists them, from the first image of the first page asked.
  const firstOnPage = pdfImages(pdf).find((i) => i.page === rotated.page)!.num;
  const { data, info } = await sharp(join(dir, `img-${String(rotated.num - firstOnPage).padStart(3, '0')}.png`))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const red = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
  assert.ok(red(info.width - 10, 10) > 200 && red(10, 10) < 200 && red(info.width - 10, info.height - 10) < 200, 'mark at the top right');
});

test('vigilanza report --photos: the same renditions (no device CMYK, upright, 8-bit), the folder left as it was', async (t) => {
  const dir = tempDir(t);
  const folder = join(dir, 'foto');
  mkdirSync(folder);
  const photos = await awkwardPhotos();
  for (const [i, p] of photos.entries())
    writeFileSync(join(folder, `${i}-${p.caption}.${p.mime === 'image/png' ? 'png' : 'jpg'}`), p.bytes);
  const inspection = join(dir, 'ispezione.json');
  writeFileSync(inspection, JSON.stringify(sampleInspection()));
  const out = join(dir, 'referto.pdf');
  // The TypeScript sources, not a possibly stale dist/ bundle.
  const r = vigilanza(['report', inspection, '--out', out, '--photos', folder], { env: { VIGILANZA_FROM_SOURCE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const images = pdfImages(out).filter((i) => i.type === 'image');
  assert.deepEqual(
    images.map((i) => `${i.width}×${i.height}`),
    photos.map((p) => p.shown),
    'in file-name order, upright and downscaled',
  );
  for (const i of images) assert.ok(['rgb', 'gray'].includes(i.color) && i.bpc === 8, JSON.stringify(i));
  assert.ok(!imageColourSpaces(out).includes('/DeviceCMYK'));
  assertSoundPdf(out);
});
