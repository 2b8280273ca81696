/**
 * The inspection's PDF report in the app: produced right after the seal commits (from the sealed
 * file, so the hash printed in the PDF is the stored one), or — digitally signed with the imported
 * PKCS#12 or a signing device — drawn and signed just BEFORE the seal commits, from what the seal
 * will store (`drawSigned`, then `storeSigned`: a failed signature leaves the visit a draft); stored
 * content-addressed as a `report` attachment, co-signed later by another commission member and
 * augmented to PAdES B-LTA (`augmentLatest`) as incremental updates.
 *
 * The imported PKCS#12 is kept encrypted with the data key (db/repositories/settings.ts); its
 * passphrase lives only in the memory of one call. A signing device (smart card or token) is kept
 * as where to find it (module, token, certificate fingerprint: public data); its key never leaves
 * it, and its PIN lives only in the call that signs. Report versions are never replaced: every
 * added signature is a new attachment and the newest one is "the report".
 *
 * Certificates are checked against the real time, not the host's injectable clock: the clock pins
 * "today" for the regulation's dates (tests, demo), whereas a certificate is valid or not now.
 */
import { X509Certificate } from 'node:crypto';
import type { AppearanceRender, CmsSigner, LoadedSigner, ReportInput, ReportPhoto, VerifyResult } from '../report/index.ts';
import { installedModules, Pkcs11Error } from '../report/pkcs11-common.ts';
import type { TokenCertificate, TokenInfo } from '../report/pkcs11.ts';
import type { ReportView, SealReport, SigningDevice, SigningKeyInfo, SigningStatus, TrustedCa } from '../shared/api/contract.ts';
import { contentHash } from '../shared/canonical.ts';
import type { InspectionFile } from '../shared/inspection.ts';
import { diskFaultOf, StoreError } from '../db/errors.ts';
import type { AttachmentRecord, PhotoRecord } from '../db/records.ts';
import type { Store } from '../db/store.ts';
import { strictBase64 } from './base64.ts';
import { parseStoredFile } from './inspection-file.ts';
import { decodePhoto, PhotoProblem, reportRendition } from './photos.ts';

const KEY_SECRET = 'signing_p12';
const KEY_INFO = 'signing_key';
const TSA_SETTING = 'tsa_url';
/** JSON of the chosen signing device (module, token, certificate): public data only. */
const DEVICE_SETTING = 'signing_device';
/** JSON list of { pem, addedAt }: public certificates, not secrets. */
const TRUSTED_CAS = 'trusted_cas';
/** An unreachable timestamp authority must not hold the seal for long: then the signature stays B-B. */
const TSA_TIMEOUT_MS = 8000;

/**
 * The PDF, signing and verifying code (pdfmake, pdf-lib, pkijs, node-forge) and the token code,
 * loaded on first use: opening the laptop and listing its services never pays for them (issue 16,
 * launch ≤ 300 ms). Every use below is already asynchronous.
 */
let reportCode: Promise<typeof import('../report/index.ts')> | undefined;
const report = () => (reportCode ??= import('../report/index.ts'));
let tokenCode: Promise<typeof import('../report/pkcs11.ts')> | undefined;
const token = () => (tokenCode ??= import('../report/pkcs11.ts'));

type StoredKeyInfo = Omit<SigningKeyInfo, 'expired' | 'memberName'>;
type StoredCa = { pem: string; addedAt: string };
type StoredDevice = Omit<SigningDevice, 'expired'>;
export type DeviceChoice = { modulePath: string; token: string; certificate: string };
/** What a report is drawn from before its seal commits. */
export interface SignedDraw {
  file: InspectionFile;
  revision: number;
  contentHash: string;
  sealedAt: string;
  signatures: ReturnType<Store['inspections']['content']>['signatures'];
}
export interface SignedReport {
  pdf: Buffer;
  level: SealReport['level'];
  warning: string | null;
  name: string;
}

export interface ReportService {
  status(): SigningStatus;
  importP12(input: { p12Base64: string; passphrase: string; memberId: string | null }): Promise<SigningStatus>;
  removeKey(): { removed: boolean };
  setTsaUrl(url: string | null): SigningStatus;
  /** The CAs `get` checks signers' certificates against. */
  trustedCas(): TrustedCa[];
  /** Adds every CA certificate of a PEM text (already present ones are left as they are); errors are on field `pem`. */
  addTrustedCa(pem: string): TrustedCa[];
  removeTrustedCa(id: string): { removed: boolean };
  /** Opens the imported key with the passphrase; a wrong one is an error on field `passphrase`. Changes nothing. */
  unlock(passphrase: string): Promise<LoadedSigner>;
  /** PKCS#11 modules found among the common ones. */
  deviceModules(): { name: string; path: string }[];
  deviceTokens(modulePath: string): Promise<TokenInfo[]>;
  deviceCertificates(modulePath: string, token: string): Promise<TokenCertificate[]>;
  setDevice(choice: DeviceChoice): Promise<SigningStatus>;
  removeDevice(): { removed: boolean };
  /**
   * Opens the chosen device and logs in with the PIN (wrong PIN, locked PIN, absent token: an
   * error on field `pin`/`device`, nothing changed), then runs `work` with its signer and closes it.
   */
  withDevice<T>(pin: string, work: (signer: CmsSigner) => Promise<T>, choice?: DeviceChoice): Promise<T>;
  /**
   * Before a digitally signed seal commits: the report drawn and signed from what the seal will store
   * (`parts`: the sealed file, its hash, the seal's instant). Throws what signing throws (a removed
   * card, a key that cannot sign): the caller then does not seal. Nothing is stored.
   */
  drawSigned(inspectionId: string, parts: SignedDraw, signer: CmsSigner): Promise<SignedReport>;
  /** Right after that seal committed: stores the signed report as the revision's first version. */
  storeSigned(inspectionId: string, signed: SignedReport): SealReport;
  /** After the seal committed: build, sign if a signer is given, store. Never throws: problems are in `warning`. */
  produceAfterSeal(inspectionId: string, signer: CmsSigner | null): Promise<SealReport>;
  get(inspectionId: string): Promise<ReportView>;
  /**
   * Long-term validation of the newest report (PAdES B-LTA: DSS, then a document timestamp from
   * `tsaUrl`), stored as the next report version; the earlier versions, the sealed evidence, stay
   * as they are. `not_needed`: unsigned, or already carrying a document timestamp after its last
   * signature. Throws what augmentation throws (RevocationError, AugmentError: nothing stored).
   */
  augmentLatest(inspectionId: string, opts: { tsaUrl: string; timeoutMs?: number }): Promise<'augmented' | 'not_needed'>;
  addSignature(input: {
    inspectionId: string;
    p12Base64?: string;
    passphrase?: string;
    device?: DeviceChoice;
    pin?: string;
  }): Promise<ReportView>;
}

const invalid = (field: string, message: string) => new StoreError('invalid', message, field);

/** `Scheda_<servizio>_<data>_rev<N>.pdf`, ASCII only (any file system, any mail client). */
export function reportFileName(file: InspectionFile, revision: number): string {
  const service = file.service.name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `Scheda_${service || 'servizio'}_${file.visit.date}_rev${revision}.pdf`;
}

function decodeP12(p12Base64: string): Buffer {
  const bytes = strictBase64(p12Base64.replace(/\s+/g, ''));
  if (!bytes) throw invalid('p12Base64', 'il contenuto del file non è in base64 valido');
  return bytes;
}

/** Opens a PKCS#12 file; errors name the field the user got wrong. */
async function open(p12: Uint8Array, passphrase: string, p12Field: string): Promise<LoadedSigner> {
  const { loadP12, P12FormatError, P12PassphraseError } = await report();
  try {
    return await loadP12(p12, passphrase);
  } catch (e) {
    if (e instanceof P12PassphraseError)
      throw invalid(
        'passphrase',
        'password errata: il file della firma digitale non si apre con questa password (attenzione a maiuscole e minuscole)',
      );
    if (e instanceof P12FormatError)
      throw invalid(p12Field, `il file non è una chiave di firma PKCS#12 (.p12/.pfx) utilizzabile: ${e.message}`);
    throw e;
  }
}

/**
 * What a device says, as the answer the user acts on: a PIN problem on field `pin` (the page
 * asks again), a missing or unreadable device on `device`, a module that does not load on `modulePath`.
 */
export function deviceRefusal(e: unknown, pinField = 'pin'): unknown {
  if (!(e instanceof Pkcs11Error)) return e;
  switch (e.code) {
    case 'pin_incorrect':
    case 'pin_invalid':
      return invalid(pinField, e.message);
    case 'pin_locked':
      return new StoreError('conflict', e.message, pinField);
    case 'module_unavailable':
      return invalid('modulePath', e.message);
    case 'token_absent':
    case 'token_ambiguous':
      return new StoreError('conflict', e.message, 'token');
    case 'no_certificate':
    case 'certificate_ambiguous':
    case 'key_missing':
      return new StoreError('conflict', e.message, 'certificate');
    default:
      return new StoreError('conflict', e.message, 'device');
  }
}

async function onDevice<T>(work: () => Promise<T>, pinField = 'pin'): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw deviceRefusal(e, pinField);
  }
}

function certificateInfo(signer: CmsSigner): Omit<StoredKeyInfo, 'memberId' | 'importedAt'> {
  const x = new X509Certificate(Buffer.from(signer.certificate));
  return {
    commonName: signer.commonName,
    subject: signer.subject,
    issuer: x.issuer.replace(/\n/g, ', '),
    serialNumber: x.serialNumber,
    validFrom: new Date(x.validFrom).toISOString(),
    validUntil: new Date(x.validTo).toISOString(),
  };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

const commonNameOf = (x: X509Certificate): string | null => /^CN=(.*)$/m.exec(x.subject)?.[1] ?? null;

/** The CA certificates of a PEM text; a private key, a non-CA or unreadable certificate is refused. */
export function parseCaPem(pem: string): X509Certificate[] {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.some((b) => b[1]!.includes('PRIVATE KEY')))
    throw invalid(
      'pem',
      'il file contiene una chiave privata: importare solo il certificato della CA (la chiave non deve lasciare chi la custodisce)',
    );
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (!certs.length)
    throw invalid(
      'pem',
      'il file non contiene certificati in formato PEM (-----BEGIN CERTIFICATE-----): serve il certificato della CA, .pem o .crt',
    );
  return certs.map((b, i) => {
    let x: X509Certificate;
    try {
      x = new X509Certificate(b[0]);
    } catch {
      throw invalid(
        'pem',
        certs.length > 1 ? `il certificato n. ${i + 1} del file non è leggibile` : 'il certificato del file non è leggibile',
      );
    }
    if (!x.ca)
      throw invalid(
        'pem',
        `«${commonNameOf(x) ?? x.subject.replace(/\n/g, ', ')}» non è il certificato di un’autorità di certificazione (CA): indicare il certificato della CA che lo ha emesso`,
      );
    return x;
  });
}

function caInfo(c: StoredCa): TrustedCa {
  const x = new X509Certificate(c.pem);
  const validUntil = new Date(x.validTo).toISOString();
  return {
    id: x.fingerprint256.replace(/:/g, ''),
    commonName: commonNameOf(x),
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    validFrom: new Date(x.validFrom).toISOString(),
    validUntil,
    expired: Date.now() > Date.parse(validUntil),
    addedAt: c.addedAt,
  };
}

function checkValidNow(info: { validFrom: string; validUntil: string }, field: string): void {
  const now = Date.now();
  const day = (iso: string) => new Date(iso).toLocaleDateString('it-IT', { timeZone: 'Europe/Rome' });
  if (now > Date.parse(info.validUntil))
    throw invalid(field, `il certificato di firma è scaduto il ${day(info.validUntil)}: serve un certificato valido`);
  if (now < Date.parse(info.validFrom)) throw invalid(field, `il certificato di firma sarà valido solo dal ${day(info.validFrom)}`);
}

/** A photo's stored bytes, or why they cannot be read back. */
function storedPhoto(store: Store, photo: PhotoRecord): { bytes: Buffer } | { reason: string } {
  try {
    return { bytes: store.photos.bytes(photo.id).bytes };
  } catch {
    // Not the error's text: it names paths on this laptop, and the reason is printed in the report.
    return { reason: "il file della foto manca dall'archivio o non si legge" };
  }
}

/** Why a stored photo cannot go into a report (null: it can). */
export async function photoUnreadable(store: Store, photo: PhotoRecord): Promise<string | null> {
  const stored = storedPhoto(store, photo);
  if ('reason' in stored) return stored.reason;
  try {
    await decodePhoto(stored.bytes, photo.mime);
    return null;
  } catch (e) {
    if (e instanceof PhotoProblem) return `l'immagine ${e.message}`;
    throw e;
  }
}

/** Draws the unsigned PDF of a report: `buildReport` here, or the same in another thread. */
export type ReportRender = (input: ReportInput) => Promise<Buffer>;

export function createReportService(
  store: Store,
  log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  render: ReportRender = async (input) => (await report()).buildReport(input),
  renderAppearance?: AppearanceRender,
): ReportService {
  // One report operation at a time per inspection: two co-signatures at once would both start from
  // the same version, and the second would silently drop the first.
  const queues = new Map<string, Promise<unknown>>();
  function serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return run;
  }

  function storedInfo(): StoredKeyInfo | null {
    const text = store.settings.get(KEY_INFO);
    return text ? (JSON.parse(text) as StoredKeyInfo) : null;
  }

  function storedDevice(): StoredDevice | null {
    const text = store.settings.get(DEVICE_SETTING);
    return text ? (JSON.parse(text) as StoredDevice) : null;
  }

  function status(): SigningStatus {
    const info = storedInfo();
    const tsaUrl = store.settings.get(TSA_SETTING);
    const d = storedDevice();
    const device = d ? { ...d, expired: Date.now() > Date.parse(d.validUntil) } : null;
    if (!info) return { key: null, device, tsaUrl };
    const member = info.memberId ? store.members.list().find((m) => m.id === info.memberId) : undefined;
    return { key: { ...info, expired: Date.now() > Date.parse(info.validUntil), memberName: member?.name ?? null }, device, tsaUrl };
  }

  /** The chosen certificate on the token, checked present and fit now. */
  async function fitCertificate(choice: DeviceChoice, field: string): Promise<TokenCertificate> {
    const { listCertificates } = await token();
    const certs = await onDevice(() => listCertificates({ modulePath: choice.modulePath, token: choice.token }));
    const cert = certs.find((c) => c.fingerprint === choice.certificate);
    if (!cert) throw new StoreError('conflict', `il certificato scelto non è sul dispositivo «${choice.token}»`, field);
    if (!cert.fit) throw invalid(field, `il certificato di ${cert.holder} non può firmare: ${cert.unfitReason}`);
    return cert;
  }

  function storedCas(): StoredCa[] {
    const text = store.settings.get(TRUSTED_CAS);
    return text ? (JSON.parse(text) as StoredCa[]) : [];
  }

  function sealedParts(inspectionId: string) {
    const r = store.inspections.get(inspectionId, 'inspectionId');
    const text = r.status === 'draft' ? null : store.inspections.sealedFile(inspectionId);
    if (!text || !r.contentHash || !r.sealedAt)
      throw new StoreError(
        'conflict',
        "l'ispezione è ancora in bozza: il verbale PDF si produce quando la visita è sigillata",
        'inspectionId',
      );
    const file = parseStoredFile(text);
    // The PDF prints the stored hash; it must be the hash of what is stored.
    if (contentHash(file) !== r.contentHash)
      throw new Error(`il file sigillato dell'ispezione ${inspectionId} non corrisponde alla sua impronta: dati alterati`);
    return { r: { ...r, contentHash: r.contentHash, sealedAt: r.sealedAt }, file };
  }

  function signOptions(file: InspectionFile, revision: number) {
    const tsaUrl = store.settings.get(TSA_SETTING);
    return {
      reason: `Verbale di vigilanza: ${file.service.name}, visita del ${file.visit.date}, revisione ${revision}`,
      ...(renderAppearance ? { renderAppearance } : {}),
      location: file.service.comune ?? 'Zona Fiorentina Sud-Est',
      ...(tsaUrl ? { tsaUrl, tsaTimeoutMs: TSA_TIMEOUT_MS } : {}),
    };
  }

  /** Every photo as the report shows it; one that cannot be shown keeps its place, marked unreadable. */
  async function reportPhotos(inspectionId: string): Promise<{ photos: ReportPhoto[]; unreadable: string[] }> {
    const photos: ReportPhoto[] = [];
    const unreadable: string[] = [];
    for (const [i, p] of store.photos.listByInspection(inspectionId).entries()) {
      const base = { caption: p.caption, mime: p.mime, itemId: p.itemId };
      const stored = storedPhoto(store, p);
      const shown = 'reason' in stored ? { ok: false as const, reason: stored.reason } : await reportRendition(stored.bytes, p.mime);
      if (shown.ok) photos.push({ ...base, mime: shown.mime, bytes: shown.bytes });
      else {
        photos.push({ ...base, bytes: 'bytes' in stored ? stored.bytes : new Uint8Array(), unreadable: shown.reason });
        unreadable.push(`foto n. ${i + 1}${p.caption ? ` «${p.caption}»` : ''}`);
      }
    }
    return { photos, unreadable };
  }

  /** Draws (and signs) from a sealed revision, or from what a seal is about to store. */
  async function draw(inspectionId: string, parts: SignedDraw, signer: CmsSigner | null) {
    const { photos, unreadable } = await reportPhotos(inspectionId);
    const prescriptions = store.prescriptions
      .listByInspection(inspectionId)
      .map((p) => ({ rule: p.rule, text: p.text, deadline: p.deadline }));
    const unsigned = await render({
      file: parts.file,
      inspectionId,
      revision: parts.revision,
      contentHash: parts.contentHash,
      signatures: parts.signatures,
      photos,
      prescriptions,
      digitallySigned: signer !== null,
      // The seal's instant: the unsigned report of a record is always the same bytes.
      createdAt: new Date(parts.sealedAt),
    });
    let pdf = unsigned;
    let level: SealReport['level'] = null;
    let warning: string | null = unreadable.length
      ? `${unreadable.join(', ')}: immagine illeggibile (file danneggiato); nel verbale il suo riquadro lo dichiara, con l'impronta del file conservato.`
      : null;
    if (signer) {
      const { signatoryFor, signPdfWith } = await report();
      const signed = await signPdfWith(unsigned, signer, {
        ...signOptions(parts.file, parts.revision),
        // The appearance goes in the block of the handwritten signature bearing the signer's name.
        signatory: signatoryFor(signer.commonName, parts.signatures),
        onWarning: (m) => (warning = warning ? `${warning} ${m}` : m),
      });
      pdf = signed.pdf;
      level = signed.level;
    }
    return { pdf, level, warning, name: reportFileName(parts.file, parts.revision) };
  }

  async function produce(inspectionId: string, signer: CmsSigner | null): Promise<SealReport> {
    const { r, file } = sealedParts(inspectionId);
    const drawn = await draw(
      inspectionId,
      {
        file,
        revision: r.revision,
        contentHash: r.contentHash,
        sealedAt: r.sealedAt,
        signatures: store.inspections.content(inspectionId).signatures,
      },
      signer,
    );
    const att = store.attachments.add({ inspectionId, kind: 'report', name: drawn.name, mime: 'application/pdf', bytes: drawn.pdf });
    return { produced: true, sha256: att.sha256, signed: signer !== null, level: drawn.level, warning: drawn.warning };
  }

  async function view(inspectionId: string, reports: AttachmentRecord[]): Promise<ReportView> {
    const latest = reports[reports.length - 1]!;
    const { bytes } = store.attachments.bytes(latest.id);
    // Without a trusted CA, trust is not checked (null): the panel says «Certificato non verificato».
    const caPem = storedCas()
      .map((c) => c.pem)
      .join('\n');
    const verified = await (await report()).verifyPdf(bytes, caPem ? { caPem } : {});
    return {
      inspectionId,
      name: latest.name,
      pdfBase64: bytes.toString('base64'),
      sha256: latest.sha256,
      size: latest.size,
      createdAt: latest.createdAt,
      version: reports.length,
      contentHash: store.inspections.get(inspectionId).contentHash ?? '',
      signed: verified.signatures.length > 0,
      valid: verified.valid,
      signatures: verified.signatures.map((s) => ({
        index: s.index,
        signer: s.signer?.commonName ?? null,
        subject: s.signer?.subject ?? null,
        issuer: s.signer?.issuer ?? null,
        signingTime: s.signingTime,
        intact: s.intact,
        coversWholeDocument: s.coversWholeDocument,
        timestampTime: s.timestamp.present && s.timestamp.valid ? s.timestamp.time : null,
        trusted: s.trusted,
        trustProblem: s.trustProblem ?? null,
        problems: s.problems,
      })),
    };
  }

  return {
    status,

    async importP12({ p12Base64, passphrase, memberId }) {
      const p12 = decodeP12(p12Base64);
      const signer = await open(p12, passphrase, 'p12Base64');
      const info = certificateInfo(signer);
      checkValidNow(info, 'p12Base64');
      if (memberId !== null && !store.members.list().some((m) => m.id === memberId))
        throw invalid('memberId', `componente della commissione ${memberId} non trovato`);
      const stored: StoredKeyInfo = { ...info, memberId, importedAt: new Date().toISOString() };
      store.transaction(() => {
        store.settings.setSecret(KEY_SECRET, p12);
        store.settings.set(KEY_INFO, JSON.stringify(stored));
      });
      return status();
    },

    removeKey() {
      const removed = storedInfo() !== null;
      store.transaction(() => {
        store.settings.setSecret(KEY_SECRET, null);
        store.settings.set(KEY_INFO, null);
      });
      return { removed };
    },

    setTsaUrl(url) {
      const value = url?.trim() || null;
      if (value !== null) {
        let parsed: URL;
        try {
          parsed = new URL(value);
        } catch {
          throw invalid('tsaUrl', 'indirizzo non valido (esempio: https://tsa.esempio.it/tsr)');
        }
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
          throw invalid('tsaUrl', 'l’indirizzo deve iniziare con http:// o https://');
      }
      store.settings.set(TSA_SETTING, value);
      return status();
    },

    trustedCas: () => storedCas().map(caInfo),

    addTrustedCa(pem) {
      const certs = parseCaPem(pem);
      const list = storedCas();
      const known = new Set(list.map((c) => caInfo(c).id));
      const addedAt = new Date().toISOString();
      for (const x of certs) {
        const id = x.fingerprint256.replace(/:/g, '');
        if (known.has(id)) continue;
        known.add(id);
        list.push({ pem: x.toString(), addedAt });
      }
      store.settings.set(TRUSTED_CAS, JSON.stringify(list));
      return list.map(caInfo);
    },

    removeTrustedCa(id) {
      const list = storedCas();
      const kept = list.filter((c) => caInfo(c).id !== id.toUpperCase());
      if (kept.length !== list.length) store.settings.set(TRUSTED_CAS, kept.length ? JSON.stringify(kept) : null);
      return { removed: kept.length !== list.length };
    },

    async unlock(passphrase) {
      const p12 = store.settings.getSecret(KEY_SECRET);
      const info = storedInfo();
      if (!p12 || !info)
        throw invalid(
          'passphrase',
          'nessuna chiave di firma importata: importarla in «Firma digitale», oppure sigillare senza firma digitale',
        );
      const signer = await open(p12, passphrase, 'passphrase');
      checkValidNow(info, 'passphrase');
      return signer;
    },

    deviceModules: () => installedModules(),

    deviceTokens: async (modulePath) => {
      const { listTokens } = await token();
      return onDevice(() => listTokens(modulePath));
    },

    deviceCertificates: async (modulePath, label) => {
      const { listCertificates } = await token();
      return onDevice(() => listCertificates({ modulePath, token: label }));
    },

    async setDevice(choice) {
      const cert = await fitCertificate(choice, 'certificate');
      const stored: StoredDevice = {
        modulePath: choice.modulePath,
        token: choice.token,
        certificate: cert.fingerprint,
        holder: cert.holder,
        issuer: cert.issuer,
        subject: cert.subject,
        validUntil: cert.notAfter,
        keyType: cert.keyType,
        chosenAt: new Date().toISOString(),
      };
      store.settings.set(DEVICE_SETTING, JSON.stringify(stored));
      return status();
    },

    removeDevice() {
      const had = storedDevice() !== null;
      if (had) store.settings.set(DEVICE_SETTING, null);
      return { removed: had };
    },

    withDevice,

    async drawSigned(inspectionId, parts, signer) {
      try {
        return await draw(inspectionId, parts, signer);
      } catch (e) {
        if (e instanceof Pkcs11Error || e instanceof StoreError || diskFaultOf(e)) throw e;
        log(`vigilanza: verbale firmato di ${inspectionId} non prodotto: ${(e as Error)?.stack ?? String(e)}`);
        throw new StoreError(
          'conflict',
          `il verbale firmato non si è potuto produrre: ${userMessage(e)}. La visita resta in bozza: riprovare, oppure sigillare senza firma digitale`,
          'id',
        );
      }
    },

    storeSigned(inspectionId, signed) {
      try {
        const att = store.attachments.add({ inspectionId, kind: 'report', name: signed.name, mime: 'application/pdf', bytes: signed.pdf });
        return { produced: true, sha256: att.sha256, signed: true, level: signed.level, warning: signed.warning };
      } catch (e) {
        // Sealed already: as produceAfterSeal, the answer says so instead of failing the seal.
        return {
          produced: false,
          sha256: null,
          signed: false,
          level: null,
          warning: `visita sigillata, ma il verbale PDF firmato non è stato salvato: ${userMessage(e)}. Riprovare con «Esporta PDF».`,
        };
      }
    },

    produceAfterSeal(inspectionId, signer) {
      return serial(inspectionId, () => produce(inspectionId, signer)).catch((e: unknown) => ({
        produced: false,
        sha256: null,
        signed: false,
        level: null,
        warning: `visita sigillata, ma il verbale PDF non è stato prodotto: ${userMessage(e)}. Riprovare con «Esporta PDF».`,
      }));
    },

    // A sealed revision without its report (sealing could not make it) gets it made now. If that
    // fails too, the answer says why (409), never an internal error: the sealed record is intact.
    get(inspectionId) {
      return serial(inspectionId, async () => {
        sealedParts(inspectionId);
        if (!store.attachments.reports(inspectionId).length) {
          try {
            await produce(inspectionId, null);
          } catch (e) {
            if (e instanceof StoreError || diskFaultOf(e)) throw e; // a full disk is a 507 the inspector can act on
            log(`vigilanza: verbale di ${inspectionId} non prodotto: ${(e as Error)?.stack ?? String(e)}`);
            throw new StoreError(
              'conflict',
              `la visita è sigillata ma il suo verbale PDF non si può produrre: ${userMessage(e)}. I dati sigillati non sono stati toccati.`,
              'inspectionId',
            );
          }
        }
        return view(inspectionId, store.attachments.reports(inspectionId));
      });
    },

    augmentLatest(inspectionId, { tsaUrl, timeoutMs }) {
      return serial(inspectionId, async () => {
        const { file, r } = sealedParts(inspectionId);
        const reports = store.attachments.reports(inspectionId);
        if (!reports.length) return 'not_needed';
        const current = store.attachments.bytes(reports[reports.length - 1]!.id).bytes;
        const caPem = storedCas()
          .map((c) => c.pem)
          .join('\n');
        const { augmentPdf, AugmentError, verifyPdf } = await report();
        const before = await verifyPdf(current, caPem ? { caPem } : {});
        if (!needsLongTerm(before)) return 'not_needed';
        const result = await augmentPdf(current, {
          tsaUrl,
          ...(timeoutMs ? { tsaTimeoutMs: timeoutMs, revocationTimeoutMs: timeoutMs } : {}),
          // The trusted CAs complete a chain the signature did not carry whole.
          extraCertificates: storedCas().map((c) => new X509Certificate(c.pem).raw),
        });
        // An incremental update: the signed bytes are the new file's first bytes, and every earlier
        // signature is still intact over them. Anything else is not stored.
        const after = await verifyPdf(result.pdf, caPem ? { caPem } : {});
        const intact = before.signatures.every((s) => after.signatures.find((a) => a.index === s.index)?.intact === s.intact);
        if (!result.pdf.subarray(0, current.length).equals(current) || !intact)
          throw new AugmentError('la validazione a lungo termine avrebbe alterato le firme del verbale: non salvata');
        store.attachments.add({
          inspectionId,
          kind: 'report',
          name: reportFileName(file, r.revision),
          mime: 'application/pdf',
          bytes: result.pdf,
        });
        return 'augmented';
      });
    },

    async addSignature({ inspectionId, p12Base64, passphrase, device, pin }) {
      if (device) {
        if (p12Base64 !== undefined) throw invalid('p12Base64', 'indicare il file PKCS#12 o il dispositivo di firma, non entrambi');
        if (!pin) throw invalid('pin', 'inserire il PIN del dispositivo di firma');
        return withDevice(pin, (signer) => cosign(inspectionId, signer, 'certificate'), device);
      }
      if (!p12Base64) throw invalid('p12Base64', 'scegliere un file .p12 o .pfx, oppure un dispositivo di firma');
      if (!passphrase) throw invalid('passphrase', 'inserire la passphrase');
      const p12 = decodeP12(p12Base64);
      const signer = await open(p12, passphrase, 'p12Base64');
      return cosign(inspectionId, signer, 'p12Base64');
    },
  };

  function withDevice<T>(pin: string, work: (signer: CmsSigner) => Promise<T>, choice?: DeviceChoice): Promise<T> {
    const device = choice ?? storedDevice();
    if (!device)
      return Promise.reject(
        invalid('pin', 'nessun dispositivo di firma scelto: sceglierlo in «Firma digitale», oppure sigillare senza firma digitale'),
      );
    return onDevice(async () =>
      (await token()).withTokenSigner({ modulePath: device.modulePath, token: device.token, key: device.certificate, pin }, (signer) => {
        checkValidNow(certificateInfo(signer), 'pin');
        return work(signer);
      }),
    );
  }

  /** Adds `signer`'s signature to the newest report of a sealed inspection. */
  function cosign(inspectionId: string, signer: CmsSigner, signerField: string): Promise<ReportView> {
    const info = certificateInfo(signer);
    checkValidNow(info, signerField);
    return serial(inspectionId, async () => {
      const { r, file } = sealedParts(inspectionId);
      const reports = store.attachments.reports(inspectionId);
      if (!reports.length)
        throw new StoreError(
          'conflict',
          'il verbale non è ancora stato prodotto: aprirlo con «Esporta PDF» e poi aggiungere la firma',
          'inspectionId',
        );
      const current = store.attachments.bytes(reports[reports.length - 1]!.id).bytes;
      const { signatoryFor, signPdfWith, verifyPdf } = await report();
      const before = await verifyPdf(current);
      if (!before.signatures.length)
        throw new StoreError(
          'conflict',
          'il verbale è stato prodotto senza firma digitale (così dichiara a pagina 1): la seconda firma si aggiunge solo a un verbale già firmato. Per firmarlo serve una nuova revisione sigillata con la chiave',
          'inspectionId',
        );
      if (
        before.signatures.some(
          (s) => s.signer?.serialNumber?.toUpperCase() === info.serialNumber.toUpperCase() && s.signer?.issuer === info.issuer,
        )
      )
        throw invalid(
          signerField,
          `${info.commonName} ha già firmato questo verbale: serve la chiave dell’altro componente della commissione`,
        );
      const signed = await signPdfWith(current, signer, {
        ...signOptions(file, r.revision),
        signatory: signatoryFor(signer.commonName, store.inspections.content(inspectionId).signatures),
      });
      store.attachments.add({
        inspectionId,
        kind: 'report',
        name: reportFileName(file, r.revision),
        mime: 'application/pdf',
        bytes: signed.pdf,
      });
      return view(inspectionId, store.attachments.reports(inspectionId));
    });
  }
}

/**
 * Whether a report still needs long-term validation: it has a digital signature, and no intact
 * document timestamp follows its last one (a B-B signature stays B-B in name even once augmented).
 */
export function needsLongTerm(result: VerifyResult): boolean {
  const last = result.signatures.filter((s) => s.kind === 'signature').at(-1);
  if (!last) return false;
  if (result.signatures.filter((s) => s.kind === 'signature').every((s) => s.level === 'B-LTA')) return false;
  return !result.signatures.some((s) => s.kind === 'document_timestamp' && s.intact && s.index > last.index);
}

/** SQLite says «database or disk is full» in English: a refused write is told in the Italian of `DiskError`. */
function userMessage(e: unknown): string {
  return (diskFaultOf(e)?.message ?? (e as Error)?.message ?? String(e)).replace(/\.$/, '');
}
