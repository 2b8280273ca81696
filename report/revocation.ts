/**
 * Revocation status of a certificate, for long-term validation (PAdES B-LT, ETSI EN 319 142-1 §5.4):
 * an OCSP response (RFC 6960) from the responder named in the certificate's Authority Information
 * Access, or else a CRL (RFC 5280 §5) from its CRL distribution points. Both are checked before they
 * are used or embedded: the response or list is signed by the issuer (or, for OCSP, by a responder the
 * issuer delegated with id-kp-OCSPSigning) and speaks of this very certificate. The DER bytes are kept
 * as received: they go into the document's /DSS as they are, and a verifier re-checks them.
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, parseCertificate } from './cms.ts';

export type RevocationStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: string; reason: string | null }
  /** The responder does not know the certificate, or no answer could be had. */
  | { status: 'unknown' };

export interface RevocationData {
  kind: 'ocsp' | 'crl';
  /** Where it was fetched from (null when read from a document). */
  url: string | null;
  /** The OCSPResponse or CertificateList, DER, as received. */
  der: Uint8Array;
  status: RevocationStatus;
  /** OCSP producedAt / CRL thisUpdate, ISO 8601. */
  issuedAt: string;
  /** Until when the issuer promises to hold this answer (null when it does not say). */
  nextUpdate: string | null;
  /** Certificates that came with an OCSP response (its responder's): they go in the /DSS too. */
  certificates: Uint8Array[];
}

/** Revocation data that could not be fetched or is not trustworthy; the message is Italian. */
export class RevocationError extends Error {
  override name = 'RevocationError';
}

const OID = {
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlDistributionPoints: '2.5.29.31',
  ocspMethod: '1.3.6.1.5.5.7.48.1',
  caIssuersMethod: '1.3.6.1.5.5.7.48.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  crlReason: '2.5.29.21',
} as const;

/** RFC 5280 §5.3.1 CRLReason, in Italian. */
const REASONS: Record<number, string> = {
  0: 'non specificato',
  1: 'compromissione della chiave',
  2: 'compromissione della CA',
  3: 'cambio di affiliazione',
  4: 'sostituito',
  5: 'cessazione di attività',
  6: 'sospeso',
  8: 'rimosso dalla lista',
  9: 'privilegio revocato',
  10: "compromissione dell'autorità di attributo",
};

const URI = 6; // GeneralName uniformResourceIdentifier

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function commonName(cert: pkijs.Certificate): string {
  const cn = cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  return cn ? String(cn.value.valueBlock.value) : 'certificato senza nome';
}

/** The OCSP responders named in the certificate's AIA, http(s) only. */
export function ocspUrls(cert: Uint8Array): string[] {
  const ext = parseCertificate(cert).extensions?.find((e) => e.extnID === OID.authorityInfoAccess);
  const aia = ext?.parsedValue as pkijs.InfoAccess | undefined;
  return (aia?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === OID.ocspMethod && d.accessLocation.type === URI)
    .map((d) => String(d.accessLocation.value))
    .filter((u) => /^https?:\/\//i.test(u));
}

/** The CRLs named in the certificate's distribution points (full names), http(s) only. */
export function crlUrls(cert: Uint8Array): string[] {
  const ext = parseCertificate(cert).extensions?.find((e) => e.extnID === OID.crlDistributionPoints);
  const cdp = ext?.parsedValue as pkijs.CRLDistributionPoints | undefined;
  const urls: string[] = [];
  for (const point of cdp?.distributionPoints ?? []) {
    if (!Array.isArray(point.distributionPoint)) continue;
    for (const name of point.distributionPoint) if (name.type === URI) urls.push(String(name.value));
  }
  return urls.filter((u) => /^https?:\/\//i.test(u));
}

/** The issuer certificates named in the certificate's AIA (caIssuers), http(s) only. */
export function caIssuersUrls(cert: Uint8Array): string[] {
  const ext = parseCertificate(cert).extensions?.find((e) => e.extnID === OID.authorityInfoAccess);
  const aia = ext?.parsedValue as pkijs.InfoAccess | undefined;
  return (aia?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === OID.caIssuersMethod && d.accessLocation.type === URI)
    .map((d) => String(d.accessLocation.value))
    .filter((u) => /^https?:\/\//i.test(u));
}

/** Largest answer read: an OCSP response or a certificate is a few KB, a big CA's CRL some MB. */
export const MAX_FETCH_BYTES = { ocsp: 1 << 20, crl: 32 << 20, certificate: 1 << 20 } as const;
const MAX_REDIRECTS = 3;

/**
 * One GET/POST to an address read from a certificate (so chosen by whoever made the certificate):
 * http and https only, redirects followed by hand only to http(s) and at most MAX_REDIRECTS times
 * (a POST is never redirected), the body read up to `maxBytes` and the whole exchange within
 * `timeoutMs`. Every failure is a RevocationError in Italian naming the address.
 */
export async function fetchBytes(url: string, init: RequestInit, timeoutMs: number, what: string, maxBytes: number): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  let target = url;
  for (let hop = 0; ; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(target);
    } catch {
      throw new RevocationError(`${what}: indirizzo non valido (${target})`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RevocationError(`${what}: indirizzo rifiutato, solo http:// o https:// (${target})`);
    let response: Response;
    try {
      response = await fetch(parsed, { ...init, redirect: 'manual', signal });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why =
        err.name === 'TimeoutError'
          ? `nessuna risposta entro ${timeoutMs / 1000} s`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new RevocationError(`${what} non raggiungibile (${url}: ${why})`);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      await response.body?.cancel();
      if ((init.method ?? 'GET') !== 'GET')
        throw new RevocationError(`${what}: reindirizzamento non seguito per una richiesta POST (${url})`);
      if (hop >= MAX_REDIRECTS) throw new RevocationError(`${what}: troppi reindirizzamenti (${url})`);
      target = new URL(response.headers.get('location')!, parsed).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RevocationError(`${what} ha risposto HTTP ${response.status} (${url})`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const tooBig = () => new RevocationError(`${what}: risposta troppo grande (oltre ${Math.round(maxBytes / 1024)} KB, ${url})`);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw tooBig();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      const reader = response.body?.getReader();
      for (;;) {
        const part = reader ? await reader.read() : { done: true as const, value: undefined };
        if (part.done) break;
        size += part.value.length;
        if (size > maxBytes) {
          await reader!.cancel().catch(() => undefined);
          throw tooBig();
        }
        chunks.push(part.value);
      }
    } catch (e) {
      if (e instanceof RevocationError) throw e;
      const err = e as Error;
      const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `nessuna risposta entro ${timeoutMs / 1000} s` : err.message;
      throw new RevocationError(`${what}: risposta interrotta (${url}: ${why})`);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}

/** Certificates of an AIA caIssuers answer: one DER certificate, or a PKCS#7 "certs-only" bundle (RFC 5280 §4.2.2.1). */
function issuerAnswer(body: Uint8Array): Uint8Array[] {
  try {
    return [new Uint8Array(new X509Certificate(Buffer.from(body)).raw)];
  } catch {
    /* not a single certificate */
  }
  try {
    const ci = pkijs.ContentInfo.fromBER(arrayBuffer(body));
    const sd = new pkijs.SignedData({ schema: ci.content });
    const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    if (certs.length) return certs.map((c) => new Uint8Array(c.toSchema().toBER()));
  } catch {
    /* not PKCS#7 either */
  }
  throw new RevocationError('la risposta non è un certificato (DER) né un insieme di certificati PKCS#7');
}

/**
 * The certificate that issued `cert`, fetched from its AIA caIssuers addresses when a chain is
 * incomplete: only one that really issued it (name and signature checked) is returned.
 */
export async function fetchIssuer(cert: Uint8Array, opts: { timeoutMs?: number } = {}): Promise<Uint8Array> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const child = new X509Certificate(Buffer.from(cert));
  const name = commonName(parseCertificate(cert));
  const urls = caIssuersUrls(cert);
  if (!urls.length) throw new RevocationError(`il certificato di «${name}» non indica dove scaricare il certificato del suo emittente`);
  const failures: string[] = [];
  for (const url of urls) {
    try {
      const body = await fetchBytes(
        url,
        { method: 'GET', headers: { accept: 'application/pkix-cert, application/pkcs7-mime' } },
        timeoutMs,
        "il certificato dell'emittente",
        MAX_FETCH_BYTES.certificate,
      );
      let found: Uint8Array[];
      try {
        found = issuerAnswer(body);
      } catch (e) {
        throw new RevocationError(`${(e as Error).message} (${url})`);
      }
      for (const der of found) {
        const x = new X509Certificate(Buffer.from(der));
        if (child.checkIssued(x) && child.verify(x.publicKey)) return der;
      }
      failures.push(`il certificato scaricato non è quello che ha emesso «${name}» (${url})`);
    } catch (e) {
      if (!(e instanceof RevocationError)) throw e;
      failures.push(e.message);
    }
  }
  throw new RevocationError(`certificato dell'emittente di «${name}» non disponibile: ${failures.join('; ')}`);
}

function x509(cert: pkijs.Certificate): X509Certificate {
  return new X509Certificate(Buffer.from(cert.toSchema().toBER()));
}

function sameDer(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return Buffer.from(a.toSchema().toBER()).equals(Buffer.from(b.toSchema().toBER()));
}

/**
 * Who signed an OCSP response: the issuer itself, or a responder certificate the issuer signed
 * with id-kp-OCSPSigning, valid when the response was produced (RFC 6960 §4.2.2.2).
 */
/** Whether `cert` is the one the response's ResponderID names (by name or by SHA-1 of its key). */
function namesResponder(basic: pkijs.BasicOCSPResponse, cert: pkijs.Certificate): boolean {
  const id = basic.tbsResponseData.responderID;
  if (id instanceof pkijs.RelativeDistinguishedNames) return cert.subject.isEqual(id);
  if (id instanceof asn1js.OctetString) {
    const key = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    return createHash('sha1').update(key).digest().equals(Buffer.from(id.valueBlock.valueHexView));
  }
  return false;
}

async function checkOcspSigner(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate): Promise<void> {
  const crypto = cryptoEngine();
  const pool = [issuer, ...(basic.certs ?? [])];
  const tbs = arrayBuffer(basic.tbsResponseData.tbsView);
  const producedAt = basic.tbsResponseData.producedAt;
  for (const [index, candidate] of pool.entries()) {
    if (!namesResponder(basic, candidate)) continue;
    let verified = false;
    try {
      verified = await crypto.verifyWithPublicKey(tbs, basic.signature, candidate.subjectPublicKeyInfo, basic.signatureAlgorithm);
    } catch {
      verified = false;
    }
    if (!verified) continue;
    if (index === 0 || sameDer(candidate, issuer)) return;
    const responder = x509(candidate);
    const issuerX = x509(issuer);
    if (!responder.checkIssued(issuerX) || !responder.verify(issuerX.publicKey))
      throw new RevocationError('risposta OCSP firmata da un certificato non emesso dalla CA del certificato verificato');
    const eku = candidate.extensions?.find((e) => e.extnID === '2.5.29.37')?.parsedValue as pkijs.ExtKeyUsage | undefined;
    if (!eku?.keyPurposes.includes(OID.ocspSigning))
      throw new RevocationError('risposta OCSP firmata da un certificato non autorizzato a rispondere (manca OCSPSigning)');
    if (producedAt < new Date(responder.validFrom) || producedAt > new Date(responder.validTo))
      throw new RevocationError('risposta OCSP firmata con un certificato del risponditore fuori validità');
    return;
  }
  throw new RevocationError('firma della risposta OCSP non valida');
}

function ocspStatusOf(single: pkijs.SingleResponse): RevocationStatus {
  const status = single.certStatus as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
  const tag = status.idBlock.tagNumber;
  if (tag === 0) return { status: 'good' };
  if (tag === 1) {
    const [time, reason] = status.valueBlock.value ?? [];
    const revokedAt = time instanceof asn1js.GeneralizedTime ? time.toDate() : null;
    if (!revokedAt) throw new RevocationError('risposta OCSP illeggibile: data di revoca mancante');
    let code: number | null = null;
    const enumerated = (reason as { valueBlock?: { value?: asn1js.BaseBlock[] } } | undefined)?.valueBlock?.value?.[0];
    if (enumerated instanceof asn1js.Enumerated) code = enumerated.valueBlock.valueDec;
    return { status: 'revoked', revokedAt: revokedAt.toISOString(), reason: code === null ? null : (REASONS[code] ?? `codice ${code}`) };
  }
  return { status: 'unknown' };
}

/**
 * Reads and checks an OCSPResponse (fetched now or found in a /DSS) for `cert` issued by `issuer`.
 * Throws RevocationError when it is not a successful, correctly signed response about this
 * certificate.
 */
export async function readOcspResponse(
  der: Uint8Array,
  cert: Uint8Array,
  issuer: Uint8Array,
  url: string | null = null,
): Promise<RevocationData> {
  const crypto = cryptoEngine();
  let response: pkijs.OCSPResponse;
  try {
    response = pkijs.OCSPResponse.fromBER(arrayBuffer(der));
  } catch {
    throw new RevocationError('risposta OCSP illeggibile (non è una OCSPResponse)');
  }
  const code = response.responseStatus.valueBlock.valueDec;
  if (code !== 0) {
    const names: Record<number, string> = {
      1: 'richiesta malformata',
      2: 'errore interno',
      3: 'riprovare più tardi',
      5: 'firma richiesta',
      6: 'non autorizzata',
    };
    throw new RevocationError(`il servizio OCSP ha rifiutato la richiesta (${names[code] ?? `stato ${code}`})`);
  }
  if (!response.responseBytes || response.responseBytes.responseType !== OID.ocspBasic)
    throw new RevocationError('risposta OCSP di tipo non supportato (attesa BasicOCSPResponse)');
  let basic: pkijs.BasicOCSPResponse;
  try {
    basic = pkijs.BasicOCSPResponse.fromBER(arrayBuffer(response.responseBytes.response.valueBlock.valueHexView));
  } catch {
    throw new RevocationError('risposta OCSP illeggibile (BasicOCSPResponse)');
  }
  const certificate = parseCertificate(cert);
  const issuerCert = parseCertificate(issuer);
  await checkOcspSigner(basic, issuerCert);
  for (const single of basic.tbsResponseData.responses) {
    const hash = crypto.getAlgorithmByOID(single.certID.hashAlgorithm.algorithmId, false);
    if (!hash || !('name' in hash)) continue;
    const id = new pkijs.CertID();
    await id.createForCertificate(certificate, { hashAlgorithm: hash.name, issuerCertificate: issuerCert }, crypto);
    if (!single.certID.isEqual(id)) continue;
    return {
      kind: 'ocsp',
      url,
      der,
      status: ocspStatusOf(single),
      issuedAt: basic.tbsResponseData.producedAt.toISOString(),
      nextUpdate: single.nextUpdate ? single.nextUpdate.toISOString() : null,
      certificates: (basic.certs ?? []).map((c) => new Uint8Array(c.toSchema().toBER())),
    };
  }
  throw new RevocationError(`la risposta OCSP non riguarda il certificato di «${commonName(certificate)}»`);
}

/** Reads and checks a CRL (fetched now or found in a /DSS) for `cert` issued by `issuer`. */
export async function readCrl(der: Uint8Array, cert: Uint8Array, issuer: Uint8Array, url: string | null = null): Promise<RevocationData> {
  let bytes = der;
  const text = Buffer.from(der.subarray(0, 64)).toString('latin1');
  if (text.startsWith('-----BEGIN X509 CRL-----'))
    bytes = new Uint8Array(
      Buffer.from(
        Buffer.from(der)
          .toString('latin1')
          .replace(/-----[^-]+-----/g, '')
          .replace(/\s+/g, ''),
        'base64',
      ),
    );
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(arrayBuffer(bytes));
  } catch {
    throw new RevocationError('lista di revoca (CRL) illeggibile');
  }
  const certificate = parseCertificate(cert);
  const issuerCert = parseCertificate(issuer);
  if (!crl.issuer.isEqual(issuerCert.subject))
    throw new RevocationError('la lista di revoca (CRL) è di un’altra autorità di certificazione');
  let signed = false;
  try {
    signed = await crl.verify({ issuerCertificate: issuerCert }, cryptoEngine());
  } catch {
    signed = false;
  }
  if (!signed) throw new RevocationError('firma della lista di revoca (CRL) non valida');
  const entry = crl.revokedCertificates?.find((r) => r.userCertificate.isEqual(certificate.serialNumber));
  let status: RevocationStatus = { status: 'good' };
  if (entry) {
    let reason: string | null = null;
    const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === OID.crlReason);
    if (ext) {
      const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
      if (parsed instanceof asn1js.Enumerated) reason = REASONS[parsed.valueBlock.valueDec] ?? `codice ${parsed.valueBlock.valueDec}`;
    }
    status = { status: 'revoked', revokedAt: entry.revocationDate.value.toISOString(), reason };
  }
  return {
    kind: 'crl',
    url,
    der: bytes,
    status,
    issuedAt: crl.thisUpdate.value.toISOString(),
    nextUpdate: crl.nextUpdate ? crl.nextUpdate.value.toISOString() : null,
    certificates: [],
  };
}

async function askOcsp(url: string, cert: Uint8Array, issuer: Uint8Array, timeoutMs: number): Promise<RevocationData> {
  const crypto = cryptoEngine();
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(
    parseCertificate(cert),
    { hashAlgorithm: 'SHA-1', issuerCertificate: parseCertificate(issuer) },
    crypto,
  );
  const nonce = randomBytes(16);
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: OID.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: arrayBuffer(nonce) }).toBER() }),
  ];
  const body = await fetchBytes(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: Buffer.from(request.toSchema(true).toBER()),
    },
    timeoutMs,
    'il servizio OCSP',
    MAX_FETCH_BYTES.ocsp,
  );
  const data = await readOcspResponse(body, cert, issuer, url);
  // A nonce, when the responder echoes one, must be ours: an old answer replayed would not carry it.
  const basic = pkijs.BasicOCSPResponse.fromBER(
    arrayBuffer(pkijs.OCSPResponse.fromBER(arrayBuffer(body)).responseBytes!.response.valueBlock.valueHexView),
  );
  const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
  if (echoed) {
    const value = asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView).result;
    const got =
      value instanceof asn1js.OctetString
        ? Buffer.from(value.valueBlock.valueHexView)
        : Buffer.from(echoed.extnValue.valueBlock.valueHexView);
    if (!got.equals(nonce)) throw new RevocationError(`la risposta OCSP non risponde a questa richiesta (nonce diverso, ${url})`);
  }
  return data;
}

async function askCrl(url: string, cert: Uint8Array, issuer: Uint8Array, timeoutMs: number): Promise<RevocationData> {
  const body = await fetchBytes(
    url,
    { method: 'GET', headers: { accept: 'application/pkix-crl' } },
    timeoutMs,
    'la lista di revoca (CRL)',
    MAX_FETCH_BYTES.crl,
  );
  return readCrl(body, cert, issuer, url);
}

export interface FetchRevocationOptions {
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/**
 * The revocation status of `cert` (issued by `issuer`), online: each OCSP responder of its AIA, then
 * each CRL of its distribution points, until one gives a checked answer. An OCSP «unknown» is kept
 * only when no CRL says more. Throws RevocationError, naming the certificate and every address
 * tried with why it failed, when none answers.
 */
export async function fetchRevocation(cert: Uint8Array, issuer: Uint8Array, opts: FetchRevocationOptions = {}): Promise<RevocationData> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const name = commonName(parseCertificate(cert));
  const ocsp = ocspUrls(cert);
  const crls = crlUrls(cert);
  if (!ocsp.length && !crls.length)
    throw new RevocationError(
      `il certificato di «${name}» non indica né un servizio OCSP né una lista di revoca (CRL): stato di revoca non verificabile`,
    );
  const failures: string[] = [];
  let unknown: RevocationData | null = null;
  for (const url of ocsp) {
    try {
      const data = await askOcsp(url, cert, issuer, timeoutMs);
      if (data.status.status !== 'unknown') return data;
      unknown ??= data;
      failures.push(`il servizio OCSP non conosce il certificato (${url})`);
    } catch (e) {
      if (!(e instanceof RevocationError)) throw e;
      failures.push(e.message);
    }
  }
  for (const url of crls) {
    try {
      return await askCrl(url, cert, issuer, timeoutMs);
    } catch (e) {
      if (!(e instanceof RevocationError)) throw e;
      failures.push(e.message);
    }
  }
  if (unknown) return unknown;
  throw new RevocationError(`stato di revoca del certificato di «${name}» non disponibile: ${failures.join('; ')}`);
}
