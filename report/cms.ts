/**
 * CMS (RFC 5652) for PAdES baseline signatures, built with pkijs over Node's WebCrypto.
 *
 * B-B: SignedData, detached, SHA-256, signed attributes content-type, message-digest and
 * ESS signing-certificate-v2 (RFC 5035; node-forge cannot produce it), the signer's chain in
 * `certificates`, and no signing-time attribute (PAdES puts the time in the signature
 * dictionary's /M). B-T: an RFC 3161 token over the signature value, as the unsigned attribute
 * signature-time-stamp-token.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isExternalSigner, SIGNATURE_OID, type CmsSigner, type ExternalSigner } from './signer.ts';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

let engine: pkijs.CryptoEngine | null = null;

/** pkijs' engine over Node's WebCrypto, passed explicitly so no global state is needed. */
export function cryptoEngine(): pkijs.CryptoEngine {
  engine ??= new pkijs.CryptoEngine({
    name: 'node-webcrypto',
    crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
  });
  return engine;
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(arrayBuffer(der));
}

/**
 * ESS signing-certificate-v2: SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, with
 * ESSCertIDv2 = { certHash (SHA-256, the DEFAULT algorithm, so omitted), issuerSerial }.
 */
export function signingCertificateV2(certDer: Uint8Array): pkijs.Attribute {
  const cert = parseCertificate(certDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: arrayBuffer(sha256(certDer)) }), issuerSerial] });
  return new pkijs.Attribute({
    type: OID.signingCertificateV2,
    values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })],
  });
}

/** DER wants SET OF members in ascending order of their encodings. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }));
  encoded.sort((x, y) => Buffer.compare(x.der, y.der));
  return encoded.map((x) => x.a);
}

export interface TimestampOutcome {
  requested: boolean;
  ok: boolean;
  /** Why the timestamp could not be added (network, TSA refusal, bad token). */
  error?: string;
  genTime?: string;
}

export interface CadesResult {
  der: Uint8Array;
  timestamp: TimestampOutcome;
}

/** Builds the detached CAdES signature over a SHA-256 digest of the signed byte ranges. */
export async function buildCades(
  digest: Uint8Array,
  signer: CmsSigner,
  opts: { tsaUrl?: string; tsaTimeoutMs?: number } = {},
): Promise<CadesResult> {
  const crypto = cryptoEngine();
  const cert = parseCertificate(signer.certificate);
  const signedAttrs = derSorted([
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: arrayBuffer(digest) })] }),
    signingCertificateV2(signer.certificate),
  ]);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttrs }),
      }),
    ],
    certificates: [cert, ...signer.chain.map(parseCertificate)],
  });
  if (isExternalSigner(signer)) await signExternally(signedData, signer);
  else await signedData.sign(signer.cryptoKey as unknown as Parameters<pkijs.SignedData['sign']>[0], 0, 'SHA-256', undefined, crypto);

  const timestamp: TimestampOutcome = { requested: Boolean(opts.tsaUrl), ok: false };
  if (opts.tsaUrl) {
    const signerInfo = signedData.signerInfos[0]!;
    try {
      const token = await requestTimestamp(opts.tsaUrl, signerInfo.signature.valueBlock.valueHexView, opts.tsaTimeoutMs ?? 15000);
      signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 1,
        attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [token.contentInfo.toSchema()] })],
      });
      timestamp.ok = true;
      timestamp.genTime = token.genTime.toISOString();
    } catch (e) {
      timestamp.error = (e as Error).message;
    }
  }
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return { der: new Uint8Array(contentInfo.toSchema().toBER()), timestamp };
}

/**
 * What pkijs' SignedData.sign does, with the signing step handed to the device: the signed
 * attributes are DER-encoded as a SET (tag 0x31, not the [0] IMPLICIT of their place in
 * SignerInfo, RFC 5652 §5.4) and only those bytes go to the signer.
 */
async function signExternally(signedData: pkijs.SignedData, signer: ExternalSigner): Promise<void> {
  const signerInfo = signedData.signerInfos[0]!;
  const sha256Id = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
  signedData.digestAlgorithms = [sha256Id()];
  signerInfo.digestAlgorithm = sha256Id();
  signerInfo.signatureAlgorithm =
    signer.keyType === 'rsa'
      ? new pkijs.AlgorithmIdentifier({ algorithmId: SIGNATURE_OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() })
      : new pkijs.AlgorithmIdentifier({ algorithmId: SIGNATURE_OID.ecdsaWithSHA256 });
  const encoded = new Uint8Array(signerInfo.signedAttrs!.toSchema().toBER());
  encoded[0] = 0x31;
  const value = await signer.sign(encoded);
  signerInfo.signature = new asn1js.OctetString({ valueHex: arrayBuffer(value) });
}

/** Asks an RFC 3161 authority for a token over `data` (the signature value) and checks the answer. */
export async function requestTimestamp(
  url: string,
  data: Uint8Array,
  timeoutMs: number,
): Promise<{ contentInfo: pkijs.ContentInfo; genTime: Date }> {
  const imprint = sha256(data);
  const nonceBytes = randomBytes(8);
  nonceBytes[0]! &= 0x7f; // a positive INTEGER
  if (nonceBytes[0] === 0) nonceBytes[0] = 1;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: arrayBuffer(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: arrayBuffer(new Uint8Array(nonceBytes)) }),
    certReq: true,
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: Buffer.from(request.toSchema().toBER()),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`servizio di marca temporale non raggiungibile (${url}: ${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  if (!response.ok) throw new Error(`il servizio di marca temporale ha risposto HTTP ${response.status}`);
  const body = new Uint8Array(await response.arrayBuffer());
  let parsed: pkijs.TimeStampResp;
  try {
    parsed = pkijs.TimeStampResp.fromBER(arrayBuffer(body));
  } catch {
    throw new Error('risposta del servizio di marca temporale non valida (non è una TimeStampResp)');
  }
  if (parsed.status.status !== pkijs.PKIStatus.granted && parsed.status.status !== pkijs.PKIStatus.grantedWithMods)
    throw new Error(`marca temporale rifiutata dal servizio (stato ${parsed.status.status})`);
  if (!parsed.timeStampToken) throw new Error('risposta del servizio di marca temporale senza token');
  const tst = tstInfoOf(parsed.timeStampToken);
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(imprint)))
    throw new Error('la marca temporale ricevuta non riguarda questa firma (impronta diversa)');
  if (!tst.nonce || !Buffer.from(tst.nonce.valueBlock.valueHexView).equals(Buffer.from(nonceBytes)))
    throw new Error('la marca temporale ricevuta non risponde a questa richiesta (nonce diverso)');
  return { contentInfo: parsed.timeStampToken, genTime: tst.genTime };
}

/** The TSTInfo inside a timestamp token (a SignedData ContentInfo). */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const sd = new pkijs.SignedData({ schema: token.content });
  if (sd.encapContentInfo.eContentType !== OID.tstInfo || !sd.encapContentInfo.eContent)
    throw new Error('il token non contiene un TSTInfo');
  return pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent.getValue());
}
