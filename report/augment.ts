/**
 * Long-term validation of a signed report (ETSI EN 319 142-1 §5.4, PAdES B-LT and B-LTA; ISO 32000-2
 * §12.8.4.3 DSS, §12.8.5 document timestamps), by two incremental updates that leave every earlier
 * byte as it was:
 *
 * 1. a Document Security Store: the catalog's /DSS with /Certs (every certificate of every signer's and
 *    timestamp authority's chain, and the OCSP responders'), /OCSPs and /CRLs (the revocation data of
 *    each of those certificates, fetched now from their AIA and CRL distribution points, as received),
 *    and /VRI, one entry per signature keyed by the uppercase hex SHA-1 of its /Contents string, naming
 *    the data that validates it (B-LT);
 * 2. a document timestamp: one more signature field whose dictionary is /Type /DocTimeStamp,
 *    /SubFilter /ETSI.RFC3161, its /Contents an RFC 3161 token over the SHA-256 of the byte range,
 *    which covers the DSS (B-LTA).
 *
 * Nothing is written unless every piece of revocation data was fetched and checked: the caller keeps
 * its file as it was and is told why (RevocationError, AugmentError).
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { requestTimestamp, OID as CMS_OID } from './cms.ts';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, serialize, type PdfValue } from './pdf/objects.ts';
import { getObject, openPdf, resolve, type PdfFile } from './pdf/reader.ts';
import { appendRevision } from './pdf/writer.ts';
import { fetchIssuer, fetchRevocation, type RevocationData, type RevocationStatus } from './revocation.ts';
import { appendSignatureField, PdfSignError } from './sign.ts';
import { findSignatureDictionaries } from './verify.ts';

/** Bytes reserved for the document timestamp token (a TSA's chain fits). */
export const DOC_TIMESTAMP_CAPACITY = 16384;

export class AugmentError extends Error {
  override name = 'AugmentError';
}

export interface AugmentOptions {
  /** RFC 3161 authority for the document timestamp; without it the result is B-LT only. */
  tsaUrl?: string;
  tsaTimeoutMs?: number;
  /** Per revocation request (default 10 s). */
  revocationTimeoutMs?: number;
  /** Certificates to complete chains with (e.g. an intermediate the signature did not carry). */
  extraCertificates?: Uint8Array[];
}

export interface CertificateStatus {
  subject: string;
  commonName: string | null;
  /** Whose chain it is in: «firmatario», «autorità di marcatura temporale». */
  role: 'signer' | 'tsa' | 'ca';
  source: 'ocsp' | 'crl' | null;
  status: RevocationStatus['status'] | 'not_checked';
  revokedAt?: string;
  /** Why not checked (a root, self-signed: nothing above it to ask). */
  note?: string;
}

export interface AugmentedSignature {
  field: string | null;
  vriKey: string;
  signer: string | null;
  certificates: CertificateStatus[];
}

export interface AugmentResult {
  pdf: Buffer;
  level: 'B-LT' | 'B-LTA';
  signatures: AugmentedSignature[];
  /** Counts of what the DSS holds after the update. */
  dss: { certs: number; ocsps: number; crls: number; vri: number };
  documentTimestamp: { field: string; time: string } | null;
}

function certDer(c: pkijs.Certificate): Buffer {
  return Buffer.from(c.toSchema().toBER());
}

function keyOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function cnOf(cert: X509Certificate): string | null {
  const cn = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return cn ? cn.slice(3) : null;
}

interface SignatureParts {
  /** The /Contents string bytes, as stored (with the zero padding): what VRI keys hash. */
  contents: Buffer;
  field: string | null;
  /** Leaves whose chains need validation data, with their role. */
  leaves: { cert: X509Certificate; role: 'signer' | 'tsa' }[];
  /** Every certificate the CMS structures carry. */
  pool: X509Certificate[];
}

function certificatesOf(sd: pkijs.SignedData): X509Certificate[] {
  return (sd.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new X509Certificate(certDer(c)));
}

/** The certificate a SignerInfo names (issuer and serial number), among the SignedData's. */
function signerOf(sd: pkijs.SignedData): X509Certificate | null {
  const si = sd.signerInfos[0];
  if (!si || !(si.sid instanceof pkijs.IssuerAndSerialNumber)) return null;
  const sid = si.sid;
  const match = (sd.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate && c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
  );
  return match ? new X509Certificate(certDer(match)) : null;
}

function signedDataOf(der: Uint8Array): pkijs.SignedData {
  const ci = pkijs.ContentInfo.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer);
  if (ci.contentType !== CMS_OID.signedData) throw new Error('non è SignedData');
  return new pkijs.SignedData({ schema: ci.content });
}

/** DER of the first element (the /Contents hex is padded with zeros after it). */
function trimDer(b: Buffer): Buffer {
  if (b.length < 2) return b;
  const first = b[1]!;
  if (first < 0x80) return b.subarray(0, 2 + first);
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return b.subarray(0, 2 + n + len);
}

function signatureParts(bytes: Buffer, names: Map<number, string>): SignatureParts[] {
  const out: SignatureParts[] = [];
  for (const loc of findSignatureDictionaries(bytes)) {
    const contents = loc.dict.get('Contents');
    if (!(contents instanceof PdfString) || !contents.bytes.length) continue;
    const raw = Buffer.from(contents.bytes);
    const subFilter = loc.dict.get('SubFilter');
    const isDocTimestamp = subFilter instanceof PdfName && subFilter.name === 'ETSI.RFC3161';
    let sd: pkijs.SignedData;
    try {
      sd = signedDataOf(trimDer(raw));
    } catch (e) {
      throw new AugmentError(`firma ${names.get(loc.objNum) ?? `nell'oggetto ${loc.objNum}`} illeggibile: ${(e as Error).message}`);
    }
    const pool = certificatesOf(sd);
    const leaves: SignatureParts['leaves'] = [];
    const signer = signerOf(sd);
    if (!signer) throw new AugmentError(`firma ${names.get(loc.objNum) ?? loc.objNum}: certificato del firmatario assente dalla firma`);
    leaves.push({ cert: signer, role: isDocTimestamp ? 'tsa' : 'signer' });
    // The signature timestamp (B-T): its authority's chain needs validation data too.
    const token = sd.signerInfos[0]?.unsignedAttrs?.attributes.find((a) => a.type === CMS_OID.signatureTimeStampToken);
    if (token) {
      try {
        const tsd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: token.values[0] }).content });
        pool.push(...certificatesOf(tsd));
        const tsa = signerOf(tsd);
        if (tsa) leaves.push({ cert: tsa, role: 'tsa' });
      } catch {
        throw new AugmentError(`firma ${names.get(loc.objNum) ?? loc.objNum}: marca temporale illeggibile`);
      }
    }
    out.push({ contents: raw, field: names.get(loc.objNum) ?? null, leaves, pool });
  }
  return out;
}

/** Field names by the object number of their /V (as the verifier does). */
function fieldNames(pdf: PdfFile): Map<number, string> {
  const names = new Map<number, string>();
  const root = resolve(pdf, pdf.trailer.get('Root'));
  const form = root instanceof PdfDict ? resolve(pdf, root.get('AcroForm')) : null;
  const fields = form instanceof PdfDict ? resolve(pdf, form.get('Fields')) : null;
  if (!Array.isArray(fields)) return names;
  for (const f of fields) {
    const d = resolve(pdf, f);
    if (!(d instanceof PdfDict)) continue;
    const t = d.get('T');
    const v = d.get('V');
    if (t instanceof PdfString && v instanceof PdfRef) names.set(v.num, t.text());
  }
  return names;
}

/**
 * leaf, its issuer, …, up to a self-signed certificate (or the last one whose issuer is known). An
 * issuer missing from what the signatures carry is fetched from the AIA caIssuers address of the
 * certificate it issued (report/revocation.ts `fetchIssuer`: checked to have issued it) and kept in
 * `pool` for the other chains.
 */
async function chainOf(leaf: X509Certificate, pool: X509Certificate[], timeoutMs?: number): Promise<X509Certificate[]> {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (current.checkIssued(current) && current.verify(current.publicKey)) return chain;
    let issuer = pool.find((c) => !c.raw.equals(current.raw) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) {
      let fetched: Uint8Array;
      try {
        fetched = await fetchIssuer(current.raw, timeoutMs ? { timeoutMs } : {});
      } catch (e) {
        throw new AugmentError(
          `catena incompleta: manca il certificato dell'emittente di «${cnOf(current) ?? current.subject}» (${current.issuer.replace(/\n/g, ', ')}): ${(e as Error).message}`,
        );
      }
      issuer = new X509Certificate(Buffer.from(fetched));
      pool.push(issuer);
    }
    chain.push(issuer);
    current = issuer;
  }
  throw new AugmentError('catena di certificazione troppo lunga');
}

function streamBody(der: Uint8Array): string {
  return `<</Length ${der.length}>>\nstream\n${Buffer.from(der).toString('latin1')}\nendstream`;
}

/** Raw (unfiltered) bytes of a stream we may find in an existing DSS, to avoid storing it twice. */
function rawStream(pdf: PdfFile, v: PdfValue): Buffer | null {
  const s = resolve(pdf, v);
  if (!(s instanceof PdfStream) || s.dict.has('Filter')) return null;
  return pdf.bytes.subarray(s.start, s.start + s.length);
}

/** Step 1: the DSS revision. */
async function addDss(
  input: Buffer,
  opts: AugmentOptions,
): Promise<{ pdf: Buffer; signatures: AugmentedSignature[]; dss: AugmentResult['dss'] }> {
  const pdf = openPdf(input);
  if (pdf.trailer.has('Encrypt')) throw new AugmentError('PDF cifrato: non si aggiorna');
  const rootRef = pdf.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new AugmentError('PDF non aggiornabile: /Root mancante');
  const catalog = getObject(pdf, rootRef);
  if (!(catalog instanceof PdfDict)) throw new AugmentError('PDF non aggiornabile: catalogo mancante');
  const size = pdf.trailer.get('Size');
  if (typeof size !== 'number') throw new AugmentError('PDF non aggiornabile: /Size mancante nel trailer');
  const parts = signatureParts(input, fieldNames(pdf));
  if (!parts.length) throw new AugmentError('il PDF non ha firme digitali: non c’è nulla da validare nel tempo');

  const extra = (opts.extraCertificates ?? []).map((d) => new X509Certificate(Buffer.from(d)));
  const revocations = new Map<string, RevocationData>(); // by certificate
  const signatures: AugmentedSignature[] = [];
  const perSignature: { key: string; certs: Uint8Array[]; data: RevocationData[] }[] = [];
  for (const part of parts) {
    const pool = [...part.pool, ...extra, ...parts.flatMap((p) => p.pool)];
    const certs: Uint8Array[] = [];
    const data: RevocationData[] = [];
    const statuses: CertificateStatus[] = [];
    for (const leaf of part.leaves) {
      const chain = await chainOf(leaf.cert, pool, opts.revocationTimeoutMs);
      for (const [i, cert] of chain.entries()) {
        certs.push(cert.raw);
        const base = { subject: cert.subject.replace(/\n/g, ', '), commonName: cnOf(cert), role: i === 0 ? leaf.role : ('ca' as const) };
        const issuer = chain[i + 1];
        if (!issuer) {
          statuses.push({
            ...base,
            source: null,
            status: 'not_checked',
            note: 'certificato radice (autofirmato): non ha un emittente da interrogare',
          });
          continue;
        }
        const key = keyOf(cert.raw);
        let found = revocations.get(key);
        if (!found) {
          found = await fetchRevocation(cert.raw, issuer.raw, { timeoutMs: opts.revocationTimeoutMs });
          revocations.set(key, found);
        }
        data.push(found);
        certs.push(...found.certificates);
        statuses.push({
          ...base,
          source: found.kind,
          status: found.status.status,
          ...(found.status.status === 'revoked' ? { revokedAt: found.status.revokedAt } : {}),
        });
      }
    }
    const vriKey = createHash('sha1').update(part.contents).digest('hex').toUpperCase();
    perSignature.push({ key: vriKey, certs, data });
    signatures.push({ field: part.field, vriKey, signer: cnOf(part.leaves[0]!.cert), certificates: statuses });
  }

  // Objects: one stream per distinct certificate, OCSP response and CRL, shared by the VRI entries.
  let next = size;
  const updates = new Map<number, string>();
  const existing = resolve(pdf, catalog.get('DSS'));
  const old = existing instanceof PdfDict ? existing : new PdfDict();
  const arrays = { Certs: [] as PdfValue[], OCSPs: [] as PdfValue[], CRLs: [] as PdfValue[] };
  const byContent = new Map<string, PdfRef>();
  for (const name of ['Certs', 'OCSPs', 'CRLs'] as const) {
    const list = resolve(pdf, old.get(name));
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      arrays[name].push(item);
      const raw = rawStream(pdf, item);
      if (raw && item instanceof PdfRef) byContent.set(`${name}:${keyOf(raw)}`, item);
    }
  }
  const refFor = (name: keyof typeof arrays, der: Uint8Array): PdfRef => {
    const k = `${name}:${keyOf(der)}`;
    let ref = byContent.get(k);
    if (!ref) {
      ref = new PdfRef(next++, 0);
      updates.set(ref.num, streamBody(der));
      byContent.set(k, ref);
      arrays[name].push(ref);
    }
    return ref;
  };
  const oldVri = resolve(pdf, old.get('VRI'));
  const vri = oldVri instanceof PdfDict ? oldVri.clone() : new PdfDict();
  for (const s of perSignature) {
    const certRefs = [...new Map(s.certs.map((c) => [keyOf(c), refFor('Certs', c)])).values()];
    const ocspRefs = [...new Set(s.data.filter((d) => d.kind === 'ocsp').map((d) => refFor('OCSPs', d.der)))];
    const crlRefs = [...new Set(s.data.filter((d) => d.kind === 'crl').map((d) => refFor('CRLs', d.der)))];
    const entry = new PdfDict([['Type', new PdfName('VRI')]]);
    if (certRefs.length) entry.set('Cert', certRefs);
    if (ocspRefs.length) entry.set('OCSP', ocspRefs);
    if (crlRefs.length) entry.set('CRL', crlRefs);
    const ref = new PdfRef(next++, 0);
    updates.set(ref.num, serialize(entry));
    vri.set(s.key, ref);
  }
  const dss = new PdfDict([['Type', new PdfName('DSS')]]);
  for (const name of ['Certs', 'OCSPs', 'CRLs'] as const) if (arrays[name].length) dss.set(name, arrays[name]);
  dss.set('VRI', vri);
  const dssRef = catalog.get('DSS') instanceof PdfRef ? (catalog.get('DSS') as PdfRef) : new PdfRef(next++, 0);
  updates.set(dssRef.num, serialize(dss));
  if (!(catalog.get('DSS') instanceof PdfRef)) updates.set(rootRef.num, serialize(catalog.clone().set('DSS', dssRef)));
  const { pdf: out } = appendRevision(input, pdf, updates, next);
  return {
    pdf: out,
    signatures,
    dss: { certs: arrays.Certs.length, ocsps: arrays.OCSPs.length, crls: arrays.CRLs.length, vri: vri.map.size },
  };
}

/** Step 2: the document timestamp revision. */
async function addDocumentTimestamp(
  input: Buffer,
  tsaUrl: string,
  timeoutMs: number,
): Promise<{ pdf: Buffer; field: string; time: string }> {
  let time = '';
  const { pdf, fieldName } = await appendSignatureField(input, {
    dictionaryHead: '<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161',
    capacity: DOC_TIMESTAMP_CAPACITY,
    fieldPrefix: 'MarcaDocumento',
    produce: async ({ before, after }) => {
      let token;
      try {
        token = await requestTimestamp(tsaUrl, new Uint8Array(Buffer.concat([before, after])), timeoutMs);
      } catch (e) {
        throw new AugmentError(`marca temporale del documento non apposta: ${(e as Error).message}`);
      }
      time = token.genTime.toISOString();
      return new Uint8Array(token.contentInfo.toSchema().toBER());
    },
  });
  return { pdf, field: fieldName, time };
}

/**
 * Augments a signed PDF to PAdES B-LT (DSS) and, with a timestamp authority, B-LTA (document
 * timestamp). Throws RevocationError or AugmentError (Italian) before anything is written.
 */
export async function augmentPdf(input: Buffer, opts: AugmentOptions = {}): Promise<AugmentResult> {
  let withDss;
  try {
    withDss = await addDss(input, opts);
  } catch (e) {
    if (e instanceof PdfSignError) throw new AugmentError(e.message);
    throw e;
  }
  if (!opts.tsaUrl) return { pdf: withDss.pdf, level: 'B-LT', signatures: withDss.signatures, dss: withDss.dss, documentTimestamp: null };
  const stamped = await addDocumentTimestamp(withDss.pdf, opts.tsaUrl, opts.tsaTimeoutMs ?? 15_000);
  return {
    pdf: stamped.pdf,
    level: 'B-LTA',
    signatures: withDss.signatures,
    dss: withDss.dss,
    documentTimestamp: { field: stamped.field, time: stamped.time },
  };
}
