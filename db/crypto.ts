/**
 * Encryption at rest for personal data (staff names, titles, certificates, and the sealed file
 * that carries them): AES-256-GCM with a fresh 96-bit nonce per value.
 *
 * Each value is bound to where it lives through the associated data (`staff:<id>`), so a
 * ciphertext copied onto another row fails to open instead of silently becoming someone else.
 * Layout: version byte (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors.ts';

export const KEY_BYTES = 32;
const FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Where the data key comes from: a 0600 key file (browser shell) or Electron safeStorage. */
export interface KeyProvider {
  /** 32 bytes. Called once when the store opens. */
  getKey(): Buffer;
  /** For messages: "file chiave /…/vigilanza.key", "portachiavi del sistema (safeStorage)". */
  readonly description: string;
}

/**
 * Files (photos, reports) at rest: one key per file, derived from the data key and a random salt
 * (HKDF-SHA256), so nonces never repeat whatever the number of files; the plaintext is cut into
 * segments of {@link BLOB_SEGMENT_BYTES}, each AES-256-GCM with its own tag, so a range of a large
 * file (a resumed upload) is read and authenticated without decrypting the rest.
 *
 * Layout: "VNB" ‖ version (1) ‖ salt (16) ‖ segments, each ciphertext ‖ tag (16).
 * Segment i's nonce is i (big-endian) ‖ final flag, so segments cannot be reordered and a file cut
 * at a segment boundary fails (its new last segment was not sealed as final). The associated data
 * is the header and the file's name (the SHA-256 of the plaintext): a file copied over another
 * blob's name fails to open instead of serving the wrong photo.
 */
export const BLOB_SEGMENT_BYTES = 64 * 1024;
const BLOB_MAGIC = Buffer.from('VNB', 'latin1');
const BLOB_VERSION = 1;
const BLOB_SALT_BYTES = 16;
export const BLOB_HEADER_BYTES = BLOB_MAGIC.length + 1 + BLOB_SALT_BYTES;
const SEALED_SEGMENT_BYTES = BLOB_SEGMENT_BYTES + TAG_BYTES;

/** Where the plaintext of a sealed file lies, computed from the sealed file's size alone. */
export interface BlobLayout {
  plainSize: number;
  segments: number;
}

/** Size on disk of a sealed file of `plainSize` bytes (an empty file still has one, final, segment). */
export function sealedBlobSize(plainSize: number): number {
  const segments = Math.max(1, Math.ceil(plainSize / BLOB_SEGMENT_BYTES));
  return BLOB_HEADER_BYTES + plainSize + segments * TAG_BYTES;
}

/** The layout of a sealed file of `sealedSize` bytes, or null when no sealed file has that size. */
export function blobLayout(sealedSize: number): BlobLayout | null {
  const body = sealedSize - BLOB_HEADER_BYTES;
  if (body < TAG_BYTES) return null;
  const segments = Math.ceil(body / SEALED_SEGMENT_BYTES);
  const last = body - (segments - 1) * SEALED_SEGMENT_BYTES;
  if (last < TAG_BYTES || (last === TAG_BYTES && segments > 1)) return null;
  return { plainSize: body - segments * TAG_BYTES, segments };
}

/** Where segment `index` of a sealed file starts, and how many sealed bytes it has. */
export function blobSegmentSpan(layout: BlobLayout, index: number): { offset: number; length: number } {
  const offset = BLOB_HEADER_BYTES + index * SEALED_SEGMENT_BYTES;
  const plain = index === layout.segments - 1 ? layout.plainSize - index * BLOB_SEGMENT_BYTES : BLOB_SEGMENT_BYTES;
  return { offset, length: plain + TAG_BYTES };
}

function segmentNonce(index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeUInt32BE(index, NONCE_BYTES - 5);
  nonce[NONCE_BYTES - 1] = final ? 1 : 0;
  return nonce;
}

export class Cipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES)
      throw new DecryptionError(`chiave di cifratura non valida: servono ${KEY_BYTES} byte, trovati ${key.length}`);
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, aad: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), nonce, body, cipher.getAuthTag()]);
  }

  open(blob: Uint8Array, aad: string): string {
    const data = Buffer.from(blob);
    if (data.length < 1 + NONCE_BYTES + TAG_BYTES || data[0] !== FORMAT_VERSION)
      throw new DecryptionError(`dato cifrato (${aad}) in un formato sconosciuto`);
    const nonce = data.subarray(1, 1 + NONCE_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const body = data.subarray(1 + NONCE_BYTES, data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError(`impossibile decifrare ${aad}: chiave di cifratura errata o dati alterati`);
    }
  }

  /** Seals a file's bytes under its name (the SHA-256 of `plaintext`). */
  sealBlob(plaintext: Uint8Array, name: string): Buffer {
    const header = Buffer.concat([BLOB_MAGIC, Buffer.from([BLOB_VERSION]), randomBytes(BLOB_SALT_BYTES)]);
    const key = this.#blobKey(header);
    const aad = blobAad(header, name);
    const segments = Math.max(1, Math.ceil(plaintext.length / BLOB_SEGMENT_BYTES));
    const parts: Buffer[] = [header];
    for (let i = 0; i < segments; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, segmentNonce(i, i === segments - 1));
      cipher.setAAD(aad);
      parts.push(
        cipher.update(plaintext.subarray(i * BLOB_SEGMENT_BYTES, (i + 1) * BLOB_SEGMENT_BYTES)),
        cipher.final(),
        cipher.getAuthTag(),
      );
    }
    return Buffer.concat(parts);
  }

  /** The whole plaintext of a sealed file; DecryptionError when any byte of it changed. */
  openBlob(sealed: Uint8Array, name: string): Buffer {
    const layout = blobLayout(sealed.length);
    if (!layout) throw new DecryptionError(`file ${name.slice(0, 12)}…: lunghezza non valida per un file cifrato`);
    const opener = this.blobOpener(Buffer.from(sealed.subarray(0, BLOB_HEADER_BYTES)), name, layout);
    const parts: Buffer[] = [];
    for (let i = 0; i < layout.segments; i++) {
      const span = blobSegmentSpan(layout, i);
      parts.push(opener(i, sealed.subarray(span.offset, span.offset + span.length)));
    }
    return Buffer.concat(parts);
  }

  /**
   * Opens single segments of one sealed file (given its header and layout): what a range read
   * uses. Each segment is authenticated on its own; a wrong header fails on the first one.
   */
  blobOpener(header: Buffer, name: string, layout: BlobLayout): (index: number, sealedSegment: Uint8Array) => Buffer {
    if (
      header.length !== BLOB_HEADER_BYTES ||
      !header.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC) ||
      header[BLOB_MAGIC.length] !== BLOB_VERSION
    )
      throw new DecryptionError(`file ${name.slice(0, 12)}…: intestazione sconosciuta (non è un file cifrato di questa versione)`);
    const key = this.#blobKey(header);
    const aad = blobAad(header, name);
    return (index, segment) => {
      const final = index === layout.segments - 1;
      if (segment.length !== blobSegmentSpan(layout, index).length)
        throw new DecryptionError(`file ${name.slice(0, 12)}…: segmento ${index} troncato`);
      const decipher = createDecipheriv('aes-256-gcm', key, segmentNonce(index, final));
      decipher.setAAD(aad);
      decipher.setAuthTag(segment.subarray(segment.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(segment.subarray(0, segment.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new DecryptionError(`file ${name.slice(0, 12)}…: segmento ${index} non autentico (chiave errata o dati alterati)`);
      }
    };
  }

  #blobKey(header: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key, header.subarray(BLOB_MAGIC.length + 1), 'vigilanza-nidi blob v1', KEY_BYTES));
  }
}

function blobAad(header: Buffer, name: string): Buffer {
  return Buffer.concat([header, Buffer.from(`blob:${name}`, 'utf8')]);
}
