/**
 * Who signs the CMS: a key in memory (PKCS#12, `LoadedSigner`) or a key that never leaves its
 * device (a PKCS#11 smart card or token, `ExternalSigner`). Either way the app builds the CMS and
 * its signed attributes; an external signer is handed only the DER of the signed attributes and
 * returns the signature value as CMS wants it (RSA: the PKCS#1 v1.5 block; ECDSA: the DER
 * Ecdsa-Sig-Value, not the raw r||s a token gives).
 */
import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { LoadedSigner } from './p12.ts';

export interface ExternalSigner {
  kind: 'external';
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /** Issuers to send in the signature (may be empty: the verifier then needs them from elsewhere). */
  chain: Uint8Array[];
  commonName: string;
  subject: string;
  keyType: 'rsa' | 'ec';
  /** Signs SHA-256 over `signedAttributes` (the DER SET), returns the CMS signature value. */
  sign(signedAttributes: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: rejects when the device can no longer sign (a card removed after the PIN was
   * accepted), without signing anything. Called before an irreversible step (the seal).
   */
  ready?(): Promise<void>;
}

export type CmsSigner = LoadedSigner | ExternalSigner;

export function isExternalSigner(signer: CmsSigner): signer is ExternalSigner {
  return (signer as ExternalSigner).kind === 'external';
}

export const SIGNATURE_OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
} as const;

/** DigestInfo for SHA-256 (RFC 8017 §9.2 note 1), for tokens that only offer raw CKM_RSA_PKCS. */
export function sha256DigestInfo(hash: Uint8Array): Uint8Array {
  const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
  return new Uint8Array(Buffer.concat([prefix, Buffer.from(hash)]));
}

/** Raw r||s (PKCS#11 CKM_ECDSA, IEEE P1363) → DER SEQUENCE { r INTEGER, s INTEGER } (RFC 3279). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`firma ECDSA del dispositivo di lunghezza inattesa (${raw.length} byte)`);
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    // A leading 1 bit would make the INTEGER negative: prefix a zero byte.
    const positive = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), Buffer.from(trimmed)]) : Buffer.from(trimmed);
    return new asn1js.Integer({ valueHex: new Uint8Array(positive).buffer });
  };
  const seq = new asn1js.Sequence({ value: [integer(raw.subarray(0, half)), integer(raw.subarray(half))] });
  return new Uint8Array(seq.toBER());
}

/**
 * Checks a signature value against the certificate's public key before it goes into the PDF: a
 * token whose certificate does not belong to the chosen key would otherwise make a report that
 * every verifier refuses, found out only at the office.
 */
export function checkSignatureValue(certificate: Uint8Array, signedAttributes: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey(new X509Certificate(Buffer.from(certificate)).publicKey.export({ type: 'spki', format: 'pem' }));
  return verifySignature('sha256', signedAttributes, { key, dsaEncoding: 'der' }, signature);
}
