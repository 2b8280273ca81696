/**
 * The inspector's key and certificate from a PKCS#12 file.
 *
 * node-forge reads both kinds of file we meet: OpenSSL 3's default (PBES2: PBKDF2 + AES-256-CBC,
 * SHA-256 MAC) and `-legacy` ones (3DES keys, RC2-40 certificates, SHA-1 MAC). WebCrypto cannot
 * decrypt the legacy ones, so forge is used only to open the container; the key is handed to
 * Node's crypto / WebCrypto as PKCS#8 and the certificates are kept as their original DER bytes.
 * The passphrase is used here and not kept anywhere.
 */
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** The passphrase does not open the file (the PKCS#12 MAC does not verify or the key does not decrypt). */
export class P12PassphraseError extends Error {
  override name = 'P12PassphraseError';
  constructor() {
    super('password errata: il file della firma digitale (.p12) non si apre con la password indicata');
  }
}

/** The bytes are not a usable PKCS#12 file (damaged, not PKCS#12, no key or no matching certificate). */
export class P12FormatError extends Error {
  override name = 'P12FormatError';
}

export interface LoadedSigner {
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /** Other certificates of the file (issuers first found), DER; the chain sent in the signature. */
  chain: Uint8Array[];
  privateKey: KeyObject;
  /** The same key for WebCrypto (pkijs signs through it). */
  cryptoKey: webcrypto.CryptoKey;
  /** Subject common name of the certificate, for the signature dictionary and messages. */
  commonName: string;
  subject: string;
}

const OIDS = {
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
} as const;

function toBytes(binary: string): Uint8Array {
  return new Uint8Array(Buffer.from(binary, 'binary'));
}

function commonNameOf(x509: X509Certificate): string {
  const line = x509.subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : x509.subject.replace(/\n/g, ', ');
}

/** The WebCrypto algorithm matching a private key (RSA PKCS#1 v1.5 or ECDSA), SHA-256. */
export function webCryptoAlgorithm(key: KeyObject): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : null;
    if (named) return { name: 'ECDSA', namedCurve: named };
  }
  throw new P12FormatError(
    `tipo di chiave non supportato per la firma (${key.asymmetricKeyType ?? 'sconosciuto'}): servono RSA o EC P-256/P-384/P-521`,
  );
}

export async function loadP12(p12: Uint8Array, passphrase: string): Promise<LoadedSigner> {
  let container: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    container = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (e) {
    const message = (e as Error).message ?? '';
    if (/Invalid password|wrong password|MAC could not be verified/i.test(message)) throw new P12PassphraseError();
    // Without a MAC a wrong passphrase shows up as undecryptable content.
    if (/decrypt|pad|Too few bytes|Unparsed DER/i.test(message) && p12.length > 0 && p12[0] === 0x30)
      throw new P12FormatError(`file PKCS#12 non leggibile (${message}); password errata o file danneggiato`);
    throw new P12FormatError(`il file non è un PKCS#12 valido (${message})`);
  }

  const bagsOf = (oid: string): forge.pkcs12.Bag[] => container.getBags({ bagType: oid })[oid] ?? [];
  const keyBags = [...bagsOf(OIDS.shroudedKeyBag), ...bagsOf(OIDS.keyBag)];
  const certBags = bagsOf(OIDS.certBag);
  if (!keyBags.length) throw new P12FormatError('il file PKCS#12 non contiene una chiave privata');
  const bag = keyBags[0]!;
  const pkcs8Asn1 = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey))
    : (bag.asn1 as forge.asn1.Asn1 | undefined);
  if (!pkcs8Asn1) throw new P12FormatError('chiave privata illeggibile nel file PKCS#12');
  const pkcs8 = Buffer.from(forge.asn1.toDer(pkcs8Asn1).getBytes(), 'binary');
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });

  // certificateToAsn1 reuses the parsed TBSCertificate, so these are the file's original bytes.
  const certs = certBags.filter((b) => b.cert).map((b) => toBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes()));
  if (!certs.length) throw new P12FormatError('il file PKCS#12 non contiene certificati');
  const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const x509s = certs.map((der) => new X509Certificate(Buffer.from(der)));
  const signerIndex = x509s.findIndex((x) => Buffer.from(x.publicKey.export({ type: 'spki', format: 'der' })).equals(publicDer));
  if (signerIndex < 0) throw new P12FormatError('nessun certificato del file PKCS#12 corrisponde alla chiave privata');
  const signer = x509s[signerIndex]!;

  // Chain: follow issuers among the other certificates, then append whatever is left.
  const chain: Uint8Array[] = [];
  const used = new Set([signerIndex]);
  let current = signer;
  for (;;) {
    const next = x509s.findIndex((x, i) => !used.has(i) && current.checkIssued(x) && current.verify(x.publicKey));
    if (next < 0) break;
    used.add(next);
    chain.push(certs[next]!);
    current = x509s[next]!;
  }
  certs.forEach((der, i) => {
    if (!used.has(i)) chain.push(der);
  });

  const algorithm = webCryptoAlgorithm(privateKey);
  const cryptoKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  return {
    certificate: certs[signerIndex]!,
    chain,
    privateKey,
    cryptoKey,
    commonName: commonNameOf(signer),
    subject: signer.subject.replace(/\n/g, ', '),
  };
}
