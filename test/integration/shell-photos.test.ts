/**
 * Photos through the real browser shell (HTTP on 127.0.0.1, token): a damaged photo with the right
 * magic bytes is refused naming the file, and nothing is stored; a sound one with EXIF rotation or
 * in CMYK is embedded upright in sRGB in the sealed report (checked with poppler's pdfimages). A
 * damaged photo already in the database (stored before the check, through the repository) never
 * gives a 500: the seal of a draft names it, a sealed revision's report shows it as unreadable,
 * and a correction does not copy it. Images are made by sharp at test time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import type { HostApp } from '../../host/app.ts';
import { openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';

interface Reply {
  status: number;
  body: { ok: boolean; value?: any; error?: { code: string; field?: string; message: string } };
}

function post(s: ShellServer, method: string, input: unknown): Promise<Reply> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', 'x-vigilanza-token': s.token },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function value(s: ShellServer, method: string, input: unknown): Promise<any> {
  const r = await post(s, method, input);
  assert.equal(r.status, 200, `${method}: ${JSON.stringify(r.body.error)}`);
  return r.body.value;
}

async function start(t: Parameters<typeof openTestApp>[0]): Promise<{ s: ShellServer; app: HostApp; dir: string }> {
  const app = openTestApp(t);
  const s = await startShellServer({ host: app, rendererDir: join(tempDir(t), 'missing') });
  t.after(() => s.close());
  return { s, app, dir: tempDir(t) };
}

async function draft(s: ShellServer): Promise<string> {
  const service = await value(s, 'services.create', SERVICE);
  return (await value(s, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' })).id;
}

/** A photo-like picture (noise over a gradient): JPEG compresses it into many entropy-coded bytes to damage. */
function pixels(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (((i / 3) % width) * 200) / width + ((i * 7919) % 55);
  return raw;
}
const picture = (width: number, height: number) => sharp(pixels(width, height), { raw: { width, height, channels: 3 } });

const b64 = (b: Buffer) => b.toString('base64');
/** Pages rendered with pdftoppm go here to be looked at (VIGILANZA_KEEP_PAGES), else to the test's temp folder. */
const pagesDir = (dir: string) => process.env.VIGILANZA_KEEP_PAGES ?? dir;

/** The rest of a PNG after its first chunk's CRC is wrong (IHDR: sharp reads it first). */
function withBadCrc(png: Buffer, chunkType: string): Buffer {
  const out = Buffer.from(png);
  let at = 8;
  while (at < out.length) {
    const length = out.readUInt32BE(at);
    const type = out.toString('latin1', at + 4, at + 8);
    if (type === chunkType) {
      const crcAt = at + 8 + length;
      out.writeUInt32BE((crc32(out.subarray(at + 4, crcAt)) ^ 0xdeadbeef) >>> 0, crcAt);
      return out;
    }
    at += 12 + length;
  }
  throw new Error(`no ${chunkType} chunk`);
}

function pdfImages(path: string): Array<{ page: number; width: number; height: number; color: string }> {
  return execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c[2] === 'image')
    .map((c) => ({ page: Number(c[0]), width: Number(c[3]), height: Number(c[4]), color: c[5]! }));
}

test('photos.add decodes the whole image: a truncated or garbled JPEG and a PNG with a bad CRC are refused naming the file; nothing is stored', async (t) => {
  const { s } = await start(t);
  const id = await draft(s);
  const jpeg = await picture(640, 480).jpeg({ quality: 92 }).toBuffer();
  const garbled = Buffer.from(jpeg);
  for (let i = Math.floor(jpeg.length / 3); i < jpeg.length - 2; i += 5) garbled[i] = 0xff;
  const png = await picture(200, 150).png().toBuffer();
  const cases: Array<[string, 'image/jpeg' | 'image/png', Buffer]> = [
    ['troncata.jpg', 'image/jpeg', jpeg.subarray(0, Math.floor(jpeg.length / 2))],
    ['rovinata.jpg', 'image/jpeg', garbled],
    ['solo-intestazione.jpg', 'image/jpeg', Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(4000, 0x41)])],
    ['crc-ihdr.png', 'image/png', withBadCrc(png, 'IHDR')],
    ['crc-idat.png', 'image/png', withBadCrc(png, 'IDAT')],
    ['troncata.png', 'image/png', png.subarray(0, Math.floor(png.length / 2))],
  ];
  for (const [name, mime, bytes] of cases) {
    const r = await post(s, 'photos.add', {
      inspectionId: id,
      itemId: null,
      mime,
      dataBase64: b64(bytes),
      caption: 'ingresso',
      fileName: name,
    });
    assert.equal(r.status, 400, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error!.field, 'dataBase64', name);
    assert.ok(r.body.error!.message.startsWith(`foto «${name}»: l'immagine è danneggiata`), `${name}: ${r.body.error!.message}`);
  }
  // Without a file name, the caption names it.
  const r = await post(s, 'photos.add', { inspectionId: id, mime: 'image/jpeg', dataBase64: b64(garbled), caption: 'Bagno dei bambini' });
  assert.match(r.body.error!.message, /^foto «Bagno dei bambini»: l'immagine è danneggiata/);
  assert.deepEqual((await value(s, 'inspections.get', { id })).photos, []);
  assert.deepEqual(
    (await value(s, 'inspections.audit', { id })).filter((a: { action: string }) => a.action === 'foto aggiunta'),
    [],
  );
});

/** A PNG whose header claims `width`×`height` (its pixel data need not be there: the size is refused first). */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(20000 * 3 + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('an image too large to decode (a decompression bomb: 20000×20000 is 1.2 GB of pixels) is refused from its header; nothing is stored', async (t) => {
  const { s } = await start(t);
  const id = await draft(s);
  const bomb = pngClaiming(20000, 20000);
  const big = await post(s, 'photos.add', { inspectionId: id, mime: 'image/png', dataBase64: b64(bomb), fileName: 'enorme.png' });
  assert.equal(big.status, 400);
  assert.match(big.body.error!.message, /^foto «enorme\.png»: l'immagine è troppo grande \(20000×20000 pixel/);
  assert.deepEqual((await value(s, 'inspections.get', { id })).photos, []);
});

test('a JPEG with EXIF rotation and a CMYK JPEG are accepted as they are and embedded upright in sRGB; the appendix page shows them', async (t) => {
  const { s, dir } = await start(t);
  const id = await draft(s);
  // Stored landscape 640×320 with orientation 6: it is a portrait 320×640 photo.
  const rotated = await picture(640, 320).withMetadata({ orientation: 6 }).jpeg().toBuffer();
  const cmyk = await picture(300, 200).toColourspace('cmyk').jpeg().toBuffer();
  const plain = await picture(400, 300).png().toBuffer();
  assert.equal((await sharp(rotated).metadata()).orientation, 6);
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const added = [];
  for (const [caption, mime, bytes] of [
    ['Ruotata', 'image/jpeg', rotated],
    ['CMYK', 'image/jpeg', cmyk],
    ['Semplice', 'image/png', plain],
  ] as const) {
    const photo = await value(s, 'photos.add', {
      inspectionId: id,
      itemId: null,
      mime,
      dataBase64: b64(bytes),
      caption,
      fileName: `${caption}.jpg`,
    });
    assert.equal(photo.size, bytes.length, 'the original bytes are stored');
    added.push(photo);
  }
  const stored = await value(s, 'photos.get', { id: added[0].id });
  assert.equal(stored.dataBase64, b64(rotated), 'the inspector’s original is kept, EXIF and all');

  const sealed = await value(s, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id, signatures: [] });
  assert.equal(sealed.report.produced, true);
  assert.equal(sealed.report.warning, null);
  const report = await value(s, 'report.get', { inspectionId: id });
  const pdf = join(dir, 'verbale.pdf');
  writeFileSync(pdf, Buffer.from(report.pdfBase64, 'base64'));
  const images = pdfImages(pdf);
  assert.equal(images.length, 3, JSON.stringify(images));
  // Photos of one instant come in id order: compare as a set.
  assert.deepEqual(
    images.map(({ width, height }) => `${width}×${height}`).sort(),
    ['300×200', '320×640', '400×300'],
    'the rotated one is portrait',
  );
  assert.deepEqual(
    images.map((i) => i.color),
    ['rgb', 'rgb', 'rgb'],
    'no device CMYK in a PDF/A with an sRGB output intent',
  );
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '70',
    '-f',
    String(images[0]!.page),
    '-l',
    String(images[0]!.page),
    pdf,
    join(pagesDir(dir), 'appendice'),
  ]);
});

test('a damaged photo stored before the check: the seal names it (409) and seals nothing; a revision sealed with it gets its report with the photo marked unreadable; a correction does not copy it', async (t) => {
  const { s, app, dir } = await start(t);
  const id = await draft(s);
  const good = await picture(320, 240).jpeg().toBuffer();
  await value(s, 'photos.add', { inspectionId: id, mime: 'image/jpeg', dataBase64: b64(good), caption: 'Cucina' });
  // As a photo added by an older version: straight through the repository, no decoding.
  const broken = app.store.photos.add({
    inspectionId: id,
    itemId: 'A.destinazione_uso.certificato',
    mime: 'image/jpeg',
    caption: 'Ingresso',
    bytes: good.subarray(0, Math.floor(good.length / 2)),
  });

  const refused = await post(s, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id, signatures: [] });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.match(refused.body.error!.field!, /^photos\.[01]$/);
  assert.match(
    refused.body.error!.message,
    /^foto n\. [12] «Ingresso» \(voce A\.destinazione_uso\.certificato\): l'immagine è danneggiata.*rimuoverla dalla visita/,
  );
  assert.equal((await value(s, 'inspections.get', { id })).status, 'draft');

  // Sealed by an older version (no photo check, no report): the synchronous seal is that path.
  const old = app.dispatch('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id, signatures: [] });
  assert.equal(old.ok, true);
  assert.equal((await value(s, 'inspections.get', { id })).hasReport, false);
  const report = await post(s, 'report.get', { inspectionId: id });
  assert.equal(report.status, 200, JSON.stringify(report.body.error));
  const pdf = join(dir, 'verbale-vecchio.pdf');
  writeFileSync(pdf, Buffer.from(report.body.value.pdfBase64, 'base64'));
  assert.equal(pdfImages(pdf).length, 1, 'only the sound photo is embedded');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Immagine illeggibile/);
  assert.ok(text.includes(broken.sha256), 'the unreadable photo is identified by its SHA-256');
  assert.match(text, /Foto [12]\. Ingresso/);
  const appendixPage = text.split('\f').findIndex((p) => p.includes('Immagine illeggibile')) + 1;
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    String(appendixPage),
    '-l',
    String(appendixPage),
    pdf,
    join(pagesDir(dir), 'illeggibile'),
  ]);
  // The same answer every time (the report is stored now).
  assert.equal((await post(s, 'report.get', { inspectionId: id })).body.value.sha256, report.body.value.sha256);

  const next = await value(s, 'inspections.revise', { id });
  assert.deepEqual(
    next.photos.map((p: { caption: string }) => p.caption),
    ['Cucina'],
  );
  const audit = await value(s, 'inspections.audit', { id: next.id });
  const note = audit.find((a: { action: string }) => a.action === 'foto illeggibile non copiata nella revisione');
  assert.ok(note, JSON.stringify(audit.map((a: { action: string }) => a.action)));
  assert.match(note.detail, new RegExp(broken.sha256));
  const resealed = await value(s, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: next.id,
    signatures: [],
  });
  assert.equal(resealed.report.produced, true);
});

test('a sealed revision whose photo file is gone from the archive: report.get still answers, the photo is marked unreadable', async (t) => {
  const { s, app, dir } = await start(t);
  const id = await draft(s);
  const photo = await value(s, 'photos.add', {
    inspectionId: id,
    mime: 'image/png',
    dataBase64: b64(await picture(120, 90).png().toBuffer()),
    caption: 'Giardino',
  });
  assert.equal(
    app.dispatch('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id, signatures: [] }).ok,
    true,
  );
  // Lost from disk behind the app's back (a restore that missed a file).
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const files = walk(app.store.dataDir).filter((f) => basename(f).startsWith(photo.sha256));
  assert.equal(files.length, 1, `photo file: ${files.join(', ')}`);
  rmSync(files[0]!);
  const report = await post(s, 'report.get', { inspectionId: id });
  assert.equal(report.status, 200, JSON.stringify(report.body.error));
  const pdf = join(dir, 'senza-file.pdf');
  writeFileSync(pdf, Buffer.from(report.body.value.pdfBase64, 'base64'));
  assert.match(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }), /Immagine illeggibile/);
});
