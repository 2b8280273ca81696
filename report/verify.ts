/**
 * Verification of the signatures in a PDF, for `vigilanza verify` and the office server.
 *
 * Signature dictionaries are found by their /ByteRange in the file's bytes, not through the
 * document's object tree, so a signature is checked even when later revisions detach it from the
 * form or use syntax this module does not read. For each one: the byte ranges are well formed and
 * the gap is exactly the /Contents hex string; the SHA-2 digest of the ranges equals the signed
 * message-digest attribute; the CMS signature verifies with the signer's certificate; the ESS
 * signing-certificate(-v2) attribute names that certificate; an RFC 3161 token (if any) covers the
 * signature value and verifies; and, given CA certificates, the chain leads to one of them.
 * Then what was appended after each signature is compared with what it signed
 * (`modifications.ts`): an intact signature over a revision that a later update changed is
 * «modificato dopo la firma».
 */
import { X509Certificate, constants, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './cms.ts';
import { dssCertificates, embeddedStatus, readDss, vriKey, type RevocationReport } from './ltv.ts';
import { fetchIssuer, fetchRevocation, RevocationError } from './revocation.ts';
import { modificationsAfter, type Modification } from './modifications.ts';
import { PdfDict, PdfName, PdfParser, PdfRef, PdfString, type PdfValue } from './pdf/objects.ts';
import { looksLikePdf, openPdf, resolve } from './pdf/reader.ts';

/** The revocation status asked online at verification time; `unavailable` when no answer could be had (`problem` says why). */
export interface OnlineRevocation {
  status: 'good' | 'revoked' | 'unknown' | 'unavailable';
  revokedAt: string | null;
  reason: string | null;
  source: 'ocsp' | 'crl' | null;
  /** Who answered. */
  url: string | null;
  issuedAt: string | null;
  problem?: string;
}

export interface VerifyOptions {
  caPem?: string;
  /** Ask each signer's and timestamp authority's revocation status now (OCSP from the AIA, else the CRL). */
  online?: boolean | { timeoutMs?: number };
}

export interface SignerIdentity {
  commonName: string | null;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** End of the certificate's validity (ISO 8601): for a document timestamp, when it needs renewing. */
  validTo?: string;
}

export interface TimestampReport {
  present: boolean;
  /** null when absent. */
  valid: boolean | null;
  time: string | null;
  authority: string | null;
  /** Chain of the authority's certificate to the CA file; null without --ca or without a token. */
  trusted: boolean | null;
  problem?: string;
}

export interface SignatureReport {
  /** 1 = oldest (the one covering the fewest bytes). */
  index: number;
  /** A signature (CAdES) or a document timestamp (ETSI.RFC3161, PAdES B-LTA). */
  kind: 'signature' | 'document_timestamp';
  field: string | null;
  signer: SignerIdentity | null;
  /** From the signature dictionary's /M (ISO 8601), as the signer's clock said; a document timestamp's genTime. */
  signingTime: string | null;
  subFilter: string | null;
  reason: string | null;
  location: string | null;
  byteRange: number[] | null;
  /** Digest over the byte ranges matches the signed attribute AND the CMS signature verifies. */
  intact: boolean;
  digestMatches: boolean;
  signatureVerified: boolean;
  /** The byte ranges run to the end of the file: nothing was appended after this signature. */
  coversWholeDocument: boolean;
  /** ESS signing-certificate-v2 (PAdES) present and naming the signer's certificate. */
  signingCertificateV2: boolean;
  /** Chain to the CA file; null when no CA file was given. */
  trusted: boolean | null;
  trustProblem?: string;
  timestamp: TimestampReport;
  /**
   * PAdES baseline level reached (ETSI EN 319 142-1 §6): B-B an intact CAdES signature with
   * signing-certificate-v2; B-T with a valid signature timestamp; B-LT when the document's DSS also
   * holds revocation data for the signer and the timestamp authority; B-LTA when a valid document
   * timestamp covers that DSS. Null for a document timestamp or a signature that is not B-B.
   */
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | null;
  /** Revocation status of the signer and of the timestamp authority, from the embedded DSS only. */
  revocation: {
    signer: RevocationReport | null;
    tsa: RevocationReport | null;
    /** Asked now of the certificates' OCSP responders (else CRLs), only with `online` (`verify --online`). */
    online?: { signer: OnlineRevocation | null; tsa: OnlineRevocation | null };
  };
  /** A later revision changed more than signing may add («modificato dopo la firma»). */
  modifiedAfterSigning: boolean;
  /** What changed after this signature (empty when nothing or only signing additions followed). */
  modifications: Modification[];
  problems: string[];
}

export interface VerifyResult {
  size: number;
  signatures: SignatureReport[];
  /**
   * Every signature intact, the last one covers the whole file, nothing but signing additions
   * after the first signature, and (with CA certificates) every signer trusted. False with no
   * signatures.
   */
  valid: boolean;
  /** What changed after the first signature (the document-level verdict); see `Modification`. */
  modifications: Modification[];
  /** Why `valid` is false, in Italian, one line per reason (empty when valid). */
  problems: string[];
}

export class NotPdfError extends Error {
  override name = 'NotPdfError';
}

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIG_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';

function bytes(view: ArrayBuffer | Uint8Array): Buffer {
  return view instanceof Uint8Array ? Buffer.from(view.buffer, view.byteOffset, view.byteLength) : Buffer.from(view);
}

function pdfDateToIso(text: string): string | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(text);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', tz] = m;
  let zone = 'Z';
  if (tz && tz !== 'Z') zone = `${tz.slice(0, 3)}:${tz.slice(3).replace(/'/g, '').padEnd(2, '0')}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function textOf(v: PdfValue | undefined): string | null {
  if (v instanceof PdfString) return v.text();
  if (v instanceof PdfName) return v.name;
  return null;
}

/** Length of the first DER element (the /Contents hex is padded with zeros after it). */
function derLength(b: Buffer): number {
  if (b.length < 2) return b.length;
  const first = b[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return b.length;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return 2 + n + len;
}

function identity(cert: X509Certificate): SignerIdentity {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return {
    commonName: cn ? cn.slice(3) : null,
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    validTo: new Date(cert.validTo).toISOString(),
  };
}

function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

export interface Located {
  objOffset: number;
  objNum: number;
  dict: PdfDict;
}

/** Every object in the file whose dictionary has /ByteRange and /Contents. */
export function findSignatureDictionaries(buf: Buffer): Located[] {
  const text = buf.toString('latin1');
  const found = new Map<number, Located>();
  let at = text.indexOf('/ByteRange');
  while (at >= 0) {
    // The nearest "n g obj" header before it (hex /Contents cannot contain the letters "obj").
    let search = at;
    for (;;) {
      const objAt = text.lastIndexOf('obj', search);
      if (objAt < 0) break;
      if (text.slice(objAt - 3, objAt) === 'end') {
        search = objAt - 1;
        continue;
      }
      const head = /(\d+)\s+(\d+)\s+$/.exec(text.slice(Math.max(0, objAt - 24), objAt));
      if (head) {
        const start = objAt - head[0].length + (head[0].length - head[0].trimStart().length);
        if (!found.has(start)) {
          try {
            const { ref, value } = new PdfParser(buf, start).readIndirectObject();
            if (value instanceof PdfDict && value.has('ByteRange') && value.has('Contents'))
              found.set(start, { objOffset: start, objNum: ref.num, dict: value });
          } catch {
            /* not a parsable object: not a signature we can check */
          }
        }
      }
      break;
    }
    at = text.indexOf('/ByteRange', at + 10);
  }
  return [...found.values()];
}

/** Field names (/T) of signature fields, by the object number of their /V, when the form is readable. */
function fieldNames(buf: Buffer): Map<number, string> {
  const names = new Map<number, string>();
  try {
    const pdf = openPdf(buf);
    const root = resolve(pdf, pdf.trailer.get('Root'));
    if (!(root instanceof PdfDict)) return names;
    const form = resolve(pdf, root.get('AcroForm'));
    if (!(form instanceof PdfDict)) return names;
    const visit = (list: PdfValue | undefined, prefix: string, depth: number) => {
      const arr = resolve(pdf, list);
      if (!Array.isArray(arr) || depth > 8) return;
      for (const item of arr) {
        const field = resolve(pdf, item);
        if (!(field instanceof PdfDict)) continue;
        const t = textOf(field.get('T'));
        const full = t ? (prefix ? `${prefix}.${t}` : t) : prefix;
        const v = field.get('V');
        if (v instanceof PdfRef) names.set(v.num, full);
        visit(field.get('Kids'), full, depth + 1);
      }
    };
    visit(form.get('Fields'), '', 0);
  } catch {
    /* xref streams or damage: names are a convenience, the checks do not need them */
  }
  return names;
}

interface CmsCheck {
  signerCert: X509Certificate | null;
  certificates: X509Certificate[];
  digestMatches: boolean;
  signatureVerified: boolean;
  signingCertificateV2: boolean;
  signatureValue: Buffer | null;
  signerInfo: pkijs.SignerInfo | null;
  problems: string[];
}

function verifyRaw(
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
  digestName: string,
  data: Buffer,
  key: KeyObject,
  signature: Buffer,
): boolean {
  const oid = signatureAlgorithm.algorithmId;
  if (oid === RSA_PSS)
    return cryptoVerify(
      digestName,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      signature,
    );
  const hash = SIG_HASHES[oid] ?? digestName;
  if (oid.startsWith('1.2.840.10045.')) return cryptoVerify(hash, data, { key, dsaEncoding: 'der' }, signature);
  return cryptoVerify(hash, data, key, signature);
}

/** Checks one CMS SignedData against the content (or its digest's source bytes). */
function checkSignedData(der: Buffer, content: (hash: string) => Buffer, opts: { eContentExpected?: boolean } = {}): CmsCheck {
  const out: CmsCheck = {
    signerCert: null,
    certificates: [],
    digestMatches: false,
    signatureVerified: false,
    signingCertificateV2: false,
    signatureValue: null,
    signerInfo: null,
    problems: [],
  };
  let sd: pkijs.SignedData;
  try {
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(der));
    if (ci.contentType !== OID.signedData) throw new Error('non è SignedData');
    sd = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    out.problems.push(`firma CMS illeggibile (${(e as Error).message})`);
    return out;
  }
  out.certificates = (sd.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new X509Certificate(bytes(c.toSchema().toBER())));
  const si = sd.signerInfos[0];
  if (!si) {
    out.problems.push('nessun firmatario nella firma CMS');
    return out;
  }
  if (sd.signerInfos.length > 1) out.problems.push('più firmatari nella stessa firma CMS: verificato solo il primo');
  out.signerInfo = si;
  out.signatureValue = bytes(si.signature.valueBlock.valueHexView);
  // The signer's certificate: by issuer and serial number, or by subject key identifier.
  const pkCerts = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  let index = -1;
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = bytes(si.sid.issuer.toSchema().toBER());
    const serial = bytes(si.sid.serialNumber.valueBlock.valueHexView);
    index = pkCerts.findIndex(
      (c) => bytes(c.issuer.toSchema().toBER()).equals(issuer) && bytes(c.serialNumber.valueBlock.valueHexView).equals(serial),
    );
  } else {
    // SubjectKeyIdentifier: [0] IMPLICIT OCTET STRING (possibly seen as constructed).
    const sid = si.sid as {
      idBlock: { isConstructed: boolean };
      valueBlock: { valueHexView?: Uint8Array; value?: Array<{ valueBlock: { valueHexView: Uint8Array } }> };
    };
    const keyId = sid.idBlock.isConstructed ? sid.valueBlock.value?.[0]?.valueBlock.valueHexView : sid.valueBlock.valueHexView;
    if (keyId)
      index = pkCerts.findIndex((c) =>
        createHash('sha1').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest().equals(bytes(keyId)),
      );
  }
  if (index < 0) {
    out.problems.push('certificato del firmatario assente dalla firma');
    return out;
  }
  const signerCert = out.certificates[index]!;
  out.signerCert = signerCert;
  const digestName = HASHES[si.digestAlgorithm.algorithmId];
  if (!digestName) {
    out.problems.push(`algoritmo di impronta non supportato (${si.digestAlgorithm.algorithmId})`);
    return out;
  }
  // Still checked (old documents exist), but said aloud: SHA-1 collisions are practical, and PAdES
  // baseline signatures use SHA-256 or stronger.
  if (digestName === 'sha1') out.problems.push('impronta SHA-1: algoritmo debole, non ammesso per firme PAdES');
  const data = content(digestName);
  let signedBytes: Buffer;
  if (si.signedAttrs) {
    const md = si.signedAttrs.attributes.find((a) => a.type === OID.messageDigest);
    const ct = si.signedAttrs.attributes.find((a) => a.type === OID.contentType);
    if (!ct) out.problems.push('attributo firmato content-type mancante');
    if (!md) out.problems.push('attributo firmato message-digest mancante');
    else {
      const expected = bytes((md.values[0] as asn1js.OctetString).valueBlock.valueHexView);
      out.digestMatches = createHash(digestName).update(data).digest().equals(expected);
      if (!out.digestMatches) out.problems.push('impronta non corrispondente: i byte firmati sono stati modificati (Digest Mismatch)');
    }
    const scv2 = si.signedAttrs.attributes.find((a) => a.type === OID.signingCertificateV2);
    if (scv2) {
      try {
        const certIds = ((scv2.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value as asn1js.Sequence[];
        const first = certIds[0]!.valueBlock.value;
        let hashName = 'sha256';
        let hashIndex = 0;
        if (first[0] instanceof asn1js.Sequence) {
          const algId = new pkijs.AlgorithmIdentifier({ schema: first[0] });
          hashName = HASHES[algId.algorithmId] ?? 'unknown';
          hashIndex = 1;
        }
        const certHash = bytes((first[hashIndex] as asn1js.OctetString).valueBlock.valueHexView);
        out.signingCertificateV2 = hashName !== 'unknown' && createHash(hashName).update(signerCert.raw).digest().equals(certHash);
        if (!out.signingCertificateV2) out.problems.push('signing-certificate-v2 non corrisponde al certificato del firmatario');
      } catch {
        out.problems.push('attributo signing-certificate-v2 illeggibile');
      }
    }
    signedBytes = bytes(si.signedAttrs.encodedValue);
  } else {
    out.digestMatches = true; // no attributes: the signature itself is over the content
    signedBytes = data;
  }
  try {
    out.signatureVerified = verifyRaw(si.signatureAlgorithm, digestName, signedBytes, signerCert.publicKey, out.signatureValue);
  } catch (e) {
    out.problems.push(`verifica crittografica non eseguibile (${(e as Error).message})`);
  }
  if (!out.signatureVerified && out.digestMatches)
    out.problems.push('la firma crittografica non corrisponde al certificato del firmatario');
  if (opts.eContentExpected && !sd.encapContentInfo.eContent) out.problems.push('contenuto incapsulato mancante');
  return out;
}

/** Builds a path from `leaf` to a certificate of `anchors`, checking signatures, CA flags and validity at `at`. */
function chainTrusted(
  leaf: X509Certificate,
  pool: X509Certificate[],
  anchors: X509Certificate[],
  at: Date,
): { trusted: boolean; problem?: string } {
  const within = (c: X509Certificate) => new Date(c.validFrom) <= at && at <= new Date(c.validTo);
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (!within(current))
      return { trusted: false, problem: `certificato "${current.subject.replace(/\n/g, ', ')}" non valido alla data ${at.toISOString()}` };
    if (anchors.some((a) => a.raw.equals(current.raw))) return { trusted: true };
    const anchor = anchors.find((a) => current.checkIssued(a) && current.verify(a.publicKey));
    if (anchor) {
      if (!anchor.ca) return { trusted: false, problem: 'il certificato fidato indicato non è una CA' };
      if (!within(anchor)) return { trusted: false, problem: 'certificato della CA non valido alla data della firma' };
      return { trusted: true };
    }
    const issuer = pool.find((c) => !c.raw.equals(current.raw) && c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) return { trusted: false, problem: 'catena di certificazione non riconducibile alla CA indicata' };
    current = issuer;
  }
  return { trusted: false, problem: 'catena di certificazione troppo lunga' };
}

/**
 * Checks an RFC 3161 token: its TSTInfo's imprint is the hash of `imprinted` (a signature value, or
 * the byte range of a document timestamp), its CMS verifies, and with CA certificates its
 * authority's chain leads to one of them at the token's time.
 */
function checkTimestampToken(
  tokenDer: Buffer,
  imprinted: Buffer,
  anchors: X509Certificate[] | null,
): { report: TimestampReport; cms: CmsCheck | null; imprintOk: boolean } {
  const report: TimestampReport = { present: true, valid: false, time: null, authority: null, trusted: null };
  try {
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(tokenDer));
    const sd = new pkijs.SignedData({ schema: ci.content });
    if (sd.encapContentInfo.eContentType !== OID.tstInfo || !sd.encapContentInfo.eContent)
      throw new Error('il token non contiene un TSTInfo');
    const tstDer = bytes(sd.encapContentInfo.eContent.getValue());
    const tst = pkijs.TSTInfo.fromBER(new Uint8Array(tstDer));
    report.time = tst.genTime.toISOString();
    const imprintHash = HASHES[tst.messageImprint.hashAlgorithm.algorithmId];
    if (!imprintHash) throw new Error('algoritmo dell’impronta della marca non supportato');
    const imprintOk = createHash(imprintHash)
      .update(imprinted)
      .digest()
      .equals(bytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView));
    const cms = checkSignedData(tokenDer, () => tstDer);
    if (cms.signerCert) report.authority = identity(cms.signerCert).commonName;
    report.valid = imprintOk && cms.digestMatches && cms.signatureVerified;
    if (!imprintOk) report.problem = 'la marca temporale non riguarda i dati marcati (impronta diversa)';
    else if (!report.valid) report.problem = cms.problems.join('; ') || 'firma della marca temporale non valida';
    if (anchors && cms.signerCert) {
      const t = chainTrusted(cms.signerCert, cms.certificates, anchors, tst.genTime);
      report.trusted = t.trusted;
      if (t.problem && !report.problem) report.problem = `autorità di marcatura: ${t.problem}`;
    }
    return { report, cms, imprintOk };
  } catch (e) {
    report.valid = false;
    report.problem = `marca temporale illeggibile (${(e as Error).message})`;
    return { report, cms: null, imprintOk: false };
  }
}

/** The signature timestamp (B-T) of a CAdES signature, over its signature value. */
function checkTimestamp(
  signerInfo: pkijs.SignerInfo | null,
  signatureValue: Buffer | null,
  anchors: X509Certificate[] | null,
): { report: TimestampReport; cms: CmsCheck | null } {
  const attr = signerInfo?.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
  if (!attr || !signatureValue) return { report: { present: false, valid: null, time: null, authority: null, trusted: null }, cms: null };
  let tokenDer: Buffer;
  try {
    tokenDer = bytes((attr.values[0] as asn1js.Sequence).toBER());
  } catch (e) {
    return {
      report: {
        present: true,
        valid: false,
        time: null,
        authority: null,
        trusted: null,
        problem: `marca temporale illeggibile (${(e as Error).message})`,
      },
      cms: null,
    };
  }
  const checked = checkTimestampToken(tokenDer, signatureValue, anchors);
  return { report: checked.report, cms: checked.cms };
}

interface LtvInput {
  report: SignatureReport;
  signer: X509Certificate | null;
  pool: X509Certificate[];
  tsa: X509Certificate | null;
  contents: Uint8Array;
}

/**
 * The status of `cert` asked now: its issuer among the certificates known (the signature's, the
 * DSS's, the trusted CAs), else fetched from its AIA caIssuers; then OCSP, else CRL. Never throws
 * for a network or responder failure: that is `unavailable`, with the reason.
 */
async function onlineStatus(cert: X509Certificate, pool: X509Certificate[], timeoutMs: number): Promise<OnlineRevocation> {
  const none = { revokedAt: null, reason: null, source: null, url: null, issuedAt: null };
  try {
    if (cert.checkIssued(cert) && cert.verify(cert.publicKey))
      return { status: 'unknown', ...none, problem: 'certificato radice (autofirmato): non ha un emittente da interrogare' };
    let issuer = pool.find((c) => !c.raw.equals(cert.raw) && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) {
      issuer = new X509Certificate(Buffer.from(await fetchIssuer(cert.raw, { timeoutMs })));
      pool.push(issuer);
    }
    const data = await fetchRevocation(cert.raw, issuer.raw, { timeoutMs });
    return {
      status: data.status.status,
      revokedAt: data.status.status === 'revoked' ? data.status.revokedAt : null,
      reason: data.status.status === 'revoked' ? data.status.reason : null,
      source: data.kind,
      url: data.url,
      issuedAt: data.issuedAt,
    };
  } catch (e) {
    if (!(e instanceof RevocationError)) throw e;
    return { status: 'unavailable', ...none, problem: e.message };
  }
}

/** Levels and revocation statuses, from the document's DSS; with `online`, also asked now. */
async function longTermValidation(
  pdf: Buffer,
  inputs: LtvInput[],
  online: { timeoutMs: number; anchors: X509Certificate[] } | null = null,
): Promise<void> {
  const dss = readDss(pdf);
  const stored = dssCertificates(dss);
  // A valid document timestamp placed after the DSS dictionary covers it.
  const dssCovered =
    dss !== null &&
    inputs.some(
      (i) => i.report.kind === 'document_timestamp' && i.report.intact && i.report.byteRange && i.report.byteRange[1]! > dss.offset,
    );
  const onlineCache = new Map<string, Promise<OnlineRevocation>>();
  for (const input of inputs) {
    const { report } = input;
    const pool = [...input.pool, ...stored];
    const key = vriKey(input.contents);
    if (input.signer) report.revocation.signer = await embeddedStatus(input.signer, pool, dss, key);
    if (input.tsa) report.revocation.tsa = await embeddedStatus(input.tsa, pool, dss, key);
    if (online) {
      // One answer per certificate: the same signer or authority in several signatures is asked once.
      const known = [...pool, ...online.anchors];
      const ask = async (cert: X509Certificate | null) => {
        if (!cert) return null;
        const key = cert.fingerprint256;
        let found = onlineCache.get(key);
        if (!found) onlineCache.set(key, (found = onlineStatus(cert, known, online.timeoutMs)));
        return found;
      };
      report.revocation.online = { signer: await ask(input.signer), tsa: await ask(input.tsa) };
    }
    if (report.kind !== 'signature' || !report.intact || !report.signingCertificateV2) continue;
    report.level = 'B-B';
    if (!report.timestamp.valid) continue;
    report.level = 'B-T';
    if (!report.revocation.signer?.source || !report.revocation.tsa?.source) continue;
    report.level = dssCovered ? 'B-LTA' : 'B-LT';
  }
}

/**
 * A signer (or timestamp authority) revoked at or before the time the signature is proven (or,
 * without a timestamp, claimed) to exist: the signature cannot be relied on (RFC 5280 §6.3,
 * ETSI EN 319 102-1 §5.6.2.4).
 */
function revokedBeforeUse(r: SignatureReport): string[] {
  const out: string[] = [];
  const signedAt = r.timestamp.valid && r.timestamp.time ? r.timestamp.time : r.signingTime;
  const who = r.signer?.commonName ?? `firma ${r.index}`;
  // The embedded answer, or the one asked now (`online`) when that says revoked.
  const pick = (embedded: RevocationReport | null, asked: OnlineRevocation | null | undefined) =>
    asked?.status === 'revoked' ? asked : embedded;
  const s = pick(r.revocation.signer, r.revocation.online?.signer);
  if (s?.status === 'revoked' && s.revokedAt && (!signedAt || s.revokedAt <= signedAt))
    out.push(`firma ${r.index}: certificato di «${who}» revocato il ${s.revokedAt}${s.reason ? ` (${s.reason})` : ''}, prima della firma`);
  const t = pick(r.revocation.tsa, r.revocation.online?.tsa);
  const stampedAt = r.timestamp.time;
  if (t?.status === 'revoked' && t.revokedAt && (!stampedAt || t.revokedAt <= stampedAt))
    out.push(`firma ${r.index}: certificato dell'autorità di marcatura temporale revocato il ${t.revokedAt}, prima della marca`);
  return out;
}

export async function verifyPdf(pdf: Buffer, opts: VerifyOptions = {}): Promise<VerifyResult> {
  if (!looksLikePdf(pdf)) throw new NotPdfError('il file non è un PDF (intestazione %PDF- assente)');
  const anchors = opts.caPem !== undefined ? parsePemBundle(opts.caPem) : null;
  if (anchors && !anchors.length) throw new Error('il file della CA non contiene certificati PEM');
  const names = fieldNames(pdf);
  const located = findSignatureDictionaries(pdf);
  const reports: SignatureReport[] = [];
  const ltvInputs: LtvInput[] = [];
  for (const loc of located) {
    const problems: string[] = [];
    const br = loc.dict.get('ByteRange');
    const contents = loc.dict.get('Contents');
    const byteRange =
      Array.isArray(br) && br.length === 4 && br.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
        ? (br as number[])
        : null;
    let wellFormed = false;
    if (!byteRange) problems.push('/ByteRange non valido');
    else {
      const [a, b, c, d] = byteRange as [number, number, number, number];
      wellFormed =
        a === 0 &&
        b < c &&
        c + d <= pdf.length &&
        pdf[b] === 0x3c &&
        pdf[c - 1] === 0x3e &&
        /^[0-9a-fA-F]*$/.test(pdf.subarray(b + 1, c - 1).toString('latin1'));
      if (!wellFormed) problems.push('/ByteRange non delimita esattamente la firma (/Contents)');
    }
    const der = contents instanceof PdfString ? Buffer.from(contents.bytes) : Buffer.alloc(0);
    if (wellFormed && byteRange && !Buffer.from(pdf.subarray(byteRange[1]! + 1, byteRange[2]! - 1).toString('latin1'), 'hex').equals(der))
      problems.push('/Contents non coincide con lo spazio escluso dal /ByteRange');
    const subFilter = textOf(loc.dict.get('SubFilter'));
    const signedData = (hash: string) => {
      void hash;
      if (!byteRange || !wellFormed) return Buffer.alloc(0);
      const [, b, c, d] = byteRange as [number, number, number, number];
      return Buffer.concat([pdf.subarray(0, b), pdf.subarray(c, c + d)]);
    };
    // A document timestamp (ETSI.RFC3161, PAdES B-LTA): /Contents is an RFC 3161 token whose imprint
    // is the hash of the byte range; a signature (CAdES): a CMS whose message-digest is.
    const isDocTimestamp = subFilter === 'ETSI.RFC3161';
    let cms: CmsCheck | null = null;
    let timestamp: TimestampReport = { present: false, valid: null, time: null, authority: null, trusted: null };
    if (isDocTimestamp) {
      const checked = der.length ? checkTimestampToken(der.subarray(0, derLength(der)), signedData('sha256'), anchors) : null;
      timestamp = checked?.report ?? { present: false, valid: null, time: null, authority: null, trusted: null };
      if (checked?.cms) {
        cms = {
          ...checked.cms,
          digestMatches: checked.cms.digestMatches && checked.imprintOk,
          signingCertificateV2: checked.cms.signingCertificateV2,
        };
        if (!checked.imprintOk)
          cms.problems.push(
            'impronta non corrispondente: i byte coperti dalla marca temporale del documento sono stati modificati (Digest Mismatch)',
          );
      } else if (checked) problems.push(checked.report.problem ?? 'marca temporale del documento illeggibile');
    } else cms = der.length ? checkSignedData(der.subarray(0, derLength(der)), signedData) : null;
    if (!cms && !isDocTimestamp) problems.push('/Contents vuoto: firma assente');
    else if (cms) problems.push(...cms.problems);
    if (subFilter && !['ETSI.CAdES.detached', 'adbe.pkcs7.detached', 'ETSI.RFC3161'].includes(subFilter))
      problems.push(`SubFilter ${subFilter} non supportato dalla verifica`);
    const signingTime = isDocTimestamp ? null : textOf(loc.dict.get('M'));
    let tsaCms: CmsCheck | null = null;
    if (isDocTimestamp) tsaCms = cms;
    else {
      const checked = checkTimestamp(cms?.signerInfo ?? null, cms?.signatureValue ?? null, anchors);
      timestamp = checked.report;
      tsaCms = checked.cms;
    }
    let trusted: boolean | null = null;
    let trustProblem: string | undefined;
    if (anchors) {
      if (!cms?.signerCert) {
        trusted = false;
        trustProblem = 'certificato del firmatario assente';
      } else {
        const at =
          timestamp.valid && timestamp.time
            ? new Date(timestamp.time)
            : signingTime && pdfDateToIso(signingTime)
              ? new Date(pdfDateToIso(signingTime)!)
              : new Date();
        const t = chainTrusted(cms.signerCert, cms.certificates, anchors, at);
        trusted = t.trusted;
        trustProblem = t.problem;
      }
    }
    const intact = Boolean(
      wellFormed && cms && cms.digestMatches && cms.signatureVerified && !problems.some((p) => p.startsWith('/Contents non coincide')),
    );
    reports.push({
      index: 0,
      field: names.get(loc.objNum) ?? null,
      signer: cms?.signerCert ? identity(cms.signerCert) : null,
      kind: isDocTimestamp ? 'document_timestamp' : 'signature',
      signingTime: isDocTimestamp ? timestamp.time : signingTime ? pdfDateToIso(signingTime) : null,
      subFilter,
      reason: textOf(loc.dict.get('Reason')),
      location: textOf(loc.dict.get('Location')),
      byteRange,
      intact,
      digestMatches: cms?.digestMatches ?? false,
      signatureVerified: cms?.signatureVerified ?? false,
      coversWholeDocument: Boolean(byteRange && wellFormed && byteRange[2]! + byteRange[3]! === pdf.length),
      signingCertificateV2: cms?.signingCertificateV2 ?? false,
      trusted,
      ...(trustProblem ? { trustProblem } : {}),
      timestamp,
      level: null,
      revocation: { signer: null, tsa: null },
      modifiedAfterSigning: false,
      modifications: [],
      problems,
    });
    ltvInputs.push({
      report: reports[reports.length - 1]!,
      signer: isDocTimestamp ? null : (cms?.signerCert ?? null),
      pool: [...(cms?.certificates ?? []), ...(tsaCms?.certificates ?? [])],
      tsa: tsaCms?.signerCert ?? null,
      contents: contents instanceof PdfString ? contents.bytes : new Uint8Array(),
    });
    if (wellFormed && byteRange) {
      const after = modificationsAfter(pdf, byteRange[2]! + byteRange[3]!);
      const report = reports[reports.length - 1]!;
      report.modifications = after;
      report.modifiedAfterSigning = after.length > 0;
      if (after.length) problems.push(`modificato dopo la firma: ${after.map((m) => m.label).join('; ')}`);
    }
  }
  const online = opts.online
    ? { timeoutMs: (typeof opts.online === 'object' ? opts.online.timeoutMs : undefined) ?? 10_000, anchors: anchors ?? [] }
    : null;
  await longTermValidation(pdf, ltvInputs, online);
  const end = (r: SignatureReport) => (r.byteRange ? r.byteRange[2]! + r.byteRange[3]! : -1);
  reports.sort((x, y) => end(x) - end(y));
  reports.forEach((r, i) => (r.index = i + 1));
  return { size: pdf.length, signatures: reports, ...verdict(reports, anchors !== null) };
}

/** The document-level verdict and its reasons. */
function verdict(reports: SignatureReport[], withAnchors: boolean): Pick<VerifyResult, 'valid' | 'modifications' | 'problems'> {
  const problems: string[] = [];
  if (!reports.length) problems.push('nessuna firma digitale nel documento');
  const broken = reports.filter((r) => !r.intact);
  if (broken.length) problems.push(`firma ${broken.map((r) => r.index).join(', ')} non integra`);
  const last = reports[reports.length - 1];
  if (last && !last.coversWholeDocument) problems.push(`dati aggiunti dopo l'ultima firma (firma ${last.index} non copre tutto il file)`);
  // The first signature's view decides: whatever was changed after it, later signatures included.
  const modifications = reports[0]?.modifications ?? [];
  if (modifications.length) problems.push(`modificato dopo la firma: ${modifications.map((m) => m.label).join('; ')}`);
  for (const r of reports) {
    const revoked = revokedBeforeUse(r);
    r.problems.push(...revoked);
    problems.push(...revoked);
  }
  if (withAnchors) {
    const untrusted = reports.filter((r) => r.trusted !== true);
    if (untrusted.length)
      problems.push(
        `firmatario non attendibile per le CA indicate: ${untrusted.map((r) => r.signer?.commonName ?? `firma ${r.index}`).join(', ')}`,
      );
  }
  return { valid: problems.length === 0, modifications, problems };
}
