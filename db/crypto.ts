/**
 * Encryption at rest for personal data (staff names, titles, certificates, and the sealed file
 * that carries them): AES-256-GCM with a fresh 96-bit nonce per value.
 *
 * Each value is bound to where it lives through the associated data (`staff:<id>`), so a
 * ciphertext copied onto another row fails to open instead of silently becoming someone else.
 * Layout: version byte (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

export class Cipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new DecryptionError(`chiave di cifratura non valida: servono ${KEY_BYTES} byte, trovati ${key.length}`);
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
}
