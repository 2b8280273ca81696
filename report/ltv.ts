/**
 * What a verifier reads from a document's Document Security Store (ISO 32000-2 §12.8.4.3, PAdES
 * B-LT): the certificates, OCSP responses and CRLs it holds, and per signature (VRI, keyed by the
 * uppercase hex SHA-1 of its /Contents) which of them validate it. The revocation status of a
 * certificate is taken from the embedded data only, each response checked again (signature,
 * issuer, the certificate it speaks of) by report/revocation.ts: nothing is fetched.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { decodeStream } from './pdf/filters.ts';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from './pdf/objects.ts';
import { openPdf, resolve, type PdfFile } from './pdf/reader.ts';
import { readCrl, readOcspResponse, RevocationError } from './revocation.ts';

export interface RevocationReport {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: string | null;
  reason: string | null;
  /** Where the answer came from; null when the DSS holds nothing for this certificate. */
  source: 'ocsp' | 'crl' | null;
  /** When the responder or CRL issuer said so. */
  issuedAt: string | null;
}

interface Entry {
  certs: Buffer[];
  ocsps: Buffer[];
  crls: Buffer[];
}

export interface Dss extends Entry {
  vri: Map<string, Entry>;
  /** File offset of the DSS dictionary object (a document timestamp after it covers it). */
  offset: number;
}

function streamsOf(pdf: PdfFile, list: PdfValue | undefined): Buffer[] {
  const arr = resolve(pdf, list);
  if (!Array.isArray(arr)) return [];
  const out: Buffer[] = [];
  for (const item of arr) {
    const s = resolve(pdf, item);
    if (!(s instanceof PdfStream)) continue;
    try {
      out.push(decodeStream(pdf.bytes, s, (v) => resolve(pdf, v)));
    } catch {
      /* a stream we cannot decode validates nothing */
    }
  }
  return out;
}

/** The document's DSS, or null when it has none (or it cannot be read). */
export function readDss(bytes: Buffer): Dss | null {
  try {
    const pdf = openPdf(bytes, { xrefStreams: true });
    const root = resolve(pdf, pdf.trailer.get('Root'));
    if (!(root instanceof PdfDict)) return null;
    const ref = root.get('DSS');
    const dss = resolve(pdf, ref);
    if (!(dss instanceof PdfDict)) return null;
    const offset = ref instanceof PdfRef ? (pdf.xref.get(ref.num)?.offset ?? bytes.length) : bytes.length;
    const vri = new Map<string, Entry>();
    const vriDict = resolve(pdf, dss.get('VRI'));
    if (vriDict instanceof PdfDict)
      for (const [key, value] of vriDict.map) {
        const e = resolve(pdf, value);
        if (e instanceof PdfDict)
          vri.set(key.toUpperCase(), {
            certs: streamsOf(pdf, e.get('Cert')),
            ocsps: streamsOf(pdf, e.get('OCSP')),
            crls: streamsOf(pdf, e.get('CRL')),
          });
      }
    return {
      certs: streamsOf(pdf, dss.get('Certs')),
      ocsps: streamsOf(pdf, dss.get('OCSPs')),
      crls: streamsOf(pdf, dss.get('CRLs')),
      vri,
      offset,
    };
  } catch {
    return null;
  }
}

/** The VRI key of a signature: uppercase hex SHA-1 of its /Contents string (padding included). */
export function vriKey(contents: Uint8Array): string {
  return createHash('sha1').update(contents).digest('hex').toUpperCase();
}

export function dssCertificates(dss: Dss | null): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const der of dss?.certs ?? []) {
    try {
      out.push(new X509Certificate(der));
    } catch {
      /* not a certificate */
    }
  }
  return out;
}

const UNKNOWN: RevocationReport = { status: 'unknown', revokedAt: null, reason: null, source: null, issuedAt: null };

/**
 * The revocation status of `cert` from the DSS: the signature's VRI entry first, then anything in
 * the store. Unknown (source null) when nothing there speaks of it, or its issuer is not known.
 */
export async function embeddedStatus(
  cert: X509Certificate,
  pool: X509Certificate[],
  dss: Dss | null,
  key: string | null,
): Promise<RevocationReport> {
  if (!dss) return UNKNOWN;
  const issuer = pool.find((c) => !c.raw.equals(cert.raw) && cert.checkIssued(c) && cert.verify(c.publicKey));
  if (!issuer) return UNKNOWN;
  const entry = key ? dss.vri.get(key) : undefined;
  const tries: { kind: 'ocsp' | 'crl'; der: Buffer }[] = [
    ...(entry?.ocsps ?? []).map((der) => ({ kind: 'ocsp' as const, der })),
    ...dss.ocsps.map((der) => ({ kind: 'ocsp' as const, der })),
    ...(entry?.crls ?? []).map((der) => ({ kind: 'crl' as const, der })),
    ...dss.crls.map((der) => ({ kind: 'crl' as const, der })),
  ];
  for (const t of tries) {
    try {
      const read = t.kind === 'ocsp' ? readOcspResponse : readCrl;
      const data = await read(new Uint8Array(t.der), new Uint8Array(cert.raw), new Uint8Array(issuer.raw));
      if (data.status.status === 'unknown') continue;
      return {
        status: data.status.status,
        revokedAt: data.status.status === 'revoked' ? data.status.revokedAt : null,
        reason: data.status.status === 'revoked' ? data.status.reason : null,
        source: data.kind,
        issuedAt: data.issuedAt,
      };
    } catch (e) {
      if (!(e instanceof RevocationError)) throw e;
    }
  }
  return UNKNOWN;
}
