/**
 * Test and benchmark images made on the spot: a small PNG encoder (zlib + CRC-32) drawing a
 * photo-like picture, so no binary fixture is committed. Not used by the app itself.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGB PNG of `width`×`height` from a pixel function. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[o++] = r;
      raw[o++] = g;
      raw[o++] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A "room" picture: sky-to-floor gradient, a window, a few coloured blocks and some grain. */
export function samplePhoto(seed: number, width = 640, height = 480): Buffer {
  let state = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const blocks = Array.from({ length: 6 }, () => ({
    x: rnd() * width,
    y: height * (0.45 + rnd() * 0.4),
    w: 40 + rnd() * 120,
    h: 30 + rnd() * 90,
    c: [Math.floor(rnd() * 255), Math.floor(rnd() * 255), Math.floor(rnd() * 255)] as [number, number, number],
  }));
  return encodePng(width, height, (x, y) => {
    const grain = Math.floor(rnd() * 12) - 6;
    for (const b of blocks)
      if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h)
        return [b.c[0] + grain, b.c[1] + grain, b.c[2] + grain].map((v) => Math.max(0, Math.min(255, v))) as [number, number, number];
    if (x > width * 0.6 && x < width * 0.85 && y > height * 0.1 && y < height * 0.35) return [190 + grain, 220 + grain, 245];
    const t = y / height;
    const wall = t < 0.6;
    const base = wall ? [236 - t * 40, 226 - t * 30, 205 - t * 20] : [150 - t * 30, 110 - t * 20, 80 - t * 10];
    const tint = (seed * 17) % 20;
    return base.map((v) => Math.max(0, Math.min(255, Math.round(v + grain + tint)))) as [number, number, number];
  });
}
