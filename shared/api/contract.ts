/**
 * The typed API between the UI and the host (Electron main or the loopback browser shell).
 * One contract: every call's input and output is a zod schema; the host validates input and
 * answers `{ ok: true, value } | { ok: false, error }`, never throwing across the boundary.
 */
import { RegisterEntry } from '../educator-register.ts';
import { z } from 'zod';
import { Course, EducatorTitle, InputDateSchema, IsoDateSchema, PlanReason, Purpose, Role, ServiceType } from '../domain.ts';
import { Answer, AnswerValue, ChildrenBand, InspectionFile, PlanLink, StaffCounts, Training } from '../inspection.ts';
import { lineText, multilineText } from '../text.ts';
import { VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE } from '../times.ts';

const Id = lineText().min(1).max(100);
const Timestamp = z.string(); // ISO 8601 instant, set by the host

// ---------- services ----------
export const ServiceInput = z.strictObject({
  name: lineText().trim().min(1, 'il nome è obbligatorio').max(200),
  type: ServiceType,
  comune: lineText().trim().min(1, 'il Comune è obbligatorio').max(120),
  address: lineText().trim().max(300).default(''),
  referente: lineText().trim().max(200).default(''),
  capacity: z.number().int('numero intero').min(1, 'almeno 1').max(500),
  kitchen: z.boolean(),
  territorialRls: z.boolean().default(false),
  authorizationIssuedOn: InputDateSchema.nullable().default(null),
  accreditationIssuedOn: InputDateSchema.nullable().default(null),
});
export type ServiceInput = z.input<typeof ServiceInput>;

export const Service = ServiceInput.extend({
  id: Id,
  address: z.string(),
  referente: z.string(),
  territorialRls: z.boolean(),
  authorizationIssuedOn: IsoDateSchema.nullable(),
  accreditationIssuedOn: IsoDateSchema.nullable(),
  /**
   * Seeded by `--demo`: shown as «DEMO», its visits never go to an office. Defaults to false: the
   * office's registry (which shares this shape) holds only real services, and never sends the flag.
   */
  demo: z.boolean().default(false),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Service = z.infer<typeof Service>;

export const ActStatus = z.enum(['valid', 'expiring', 'expired', 'none']);
export type ActStatus = z.infer<typeof ActStatus>;

export const ServiceSummary = Service.extend({
  authorizationValidUntil: IsoDateSchema.nullable(),
  authorizationStatus: ActStatus,
  accreditationValidUntil: IsoDateSchema.nullable(),
  accreditationStatus: ActStatus,
  lastInspectionDate: IsoDateSchema.nullable(),
  /** Art. 17: end of the current period still without an inspection. */
  nextInspectionDueBy: IsoDateSchema.nullable(),
  inspectionOverdue: z.boolean(),
  /** Art. 17 as read: an inspection owed by a date, or in order until one; null when not bound (no act). */
  inspectionStanding: z.strictObject({ kind: z.enum(['due', 'in_order']), by: IsoDateSchema }).nullable(),
  openPrescriptions: z.number().int().min(0),
});
export type ServiceSummary = z.infer<typeof ServiceSummary>;

// ---------- commission members ----------
export const MemberInput = z.strictObject({
  name: lineText().trim().min(1, 'il nome è obbligatorio').max(200),
  /** e.g. "Pedagogista zonale", "Referente tecnico Comune di Impruneta", "ASL". */
  role: lineText().trim().min(1, 'il ruolo è obbligatorio').max(200),
});
export const Member = MemberInput.extend({ id: Id });
export type Member = z.infer<typeof Member>;

// ---------- staff roster (personal data: encrypted at rest by the host) ----------
export const StaffPersonInput = z.strictObject({
  id: Id.optional(),
  serviceId: Id,
  name: lineText().trim().min(1, 'il nome è obbligatorio').max(200),
  role: Role,
  title: EducatorTitle.nullable().default(null),
  titleObtainedOn: InputDateSchema.nullable().default(null),
  pathStartedOn: InputDateSchema.nullable().default(null),
  trainings: z.array(Training).default([]),
  active: z.boolean().default(true),
});
export type StaffPersonInput = z.input<typeof StaffPersonInput>;
export const StaffPerson = StaffPersonInput.extend({
  id: Id,
  title: EducatorTitle.nullable(),
  titleObtainedOn: IsoDateSchema.nullable(),
  pathStartedOn: IsoDateSchema.nullable(),
  trainings: z.array(Training),
  active: z.boolean(),
  updatedAt: Timestamp,
});
export type StaffPerson = z.infer<typeof StaffPerson>;

// ---------- inspections ----------
/** draft → sealed → queued → synced → validated | rejected (a rejection opens a new draft revision). */
export const InspectionStatus = z.enum(['draft', 'sealed', 'queued', 'synced', 'validated', 'rejected']);
export type InspectionStatus = z.infer<typeof InspectionStatus>;

/** Per-visit office sync status of a sealed revision (null for drafts). */
export const OutboxStatus = z.enum(['in_coda', 'inviata', 'ricevuta', 'validata', 'respinta', 'conflitto', 'errore']);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const InspectionSummary = z.strictObject({
  id: Id,
  /** Same for every revision of one visit. */
  visitId: Id,
  revision: z.number().int().min(1),
  previousId: Id.nullable(),
  serviceId: Id,
  serviceName: z.string(),
  /** A visit of a demo service: shown as «DEMO», never queued for an office. */
  demo: z.boolean(),
  purpose: Purpose,
  date: IsoDateSchema,
  status: InspectionStatus,
  contentHash: z.string().nullable(),
  sealedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
  failCount: z.number().int().min(0),
  /** Where this revision is on its way to the office; null while a draft. */
  syncStatus: OutboxStatus.nullable(),
});
export type InspectionSummary = z.infer<typeof InspectionSummary>;

/** The finding a prescription answers (a rule id or a checklist item id), as one trimmed line. */
const PrescriptionRule = lineText().trim().min(1, 'indicare il rilievo a cui risponde la prescrizione').max(200);
const PrescriptionText = multilineText().trim().min(1, 'il testo della prescrizione è obbligatorio').max(4000);
/** A checklist item id (unknown ids are refused by the host against the Scheda). */
const ItemId = lineText().min(1).max(200);

export const Prescription = z.strictObject({
  id: Id,
  inspectionId: Id,
  /** The finding it answers: a rule id or a checklist item id. Plain strings here: rows saved before the input checks stay readable. */
  rule: z.string().min(1),
  text: z.string().min(1),
  deadline: IsoDateSchema,
  status: z.enum(['open', 'fulfilled']),
  followUpInspectionId: Id.nullable(),
});
export type Prescription = z.infer<typeof Prescription>;

export const PhotoMeta = z.strictObject({
  id: Id,
  inspectionId: Id,
  /** SHA-256 of the bytes: photos are stored content-addressed. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  itemId: z.string().nullable(),
  mime: z.enum(['image/jpeg', 'image/png']),
  size: z.number().int().min(1),
  caption: z.string().max(500),
  createdAt: Timestamp,
});
export type PhotoMeta = z.infer<typeof PhotoMeta>;

export const SignatoryId = z.enum(['referente_comune', 'pedagogista', 'referente_servizio']);
const SignatureStroke = z.array(z.tuple([z.number().min(0).max(1000), z.number().min(0).max(300)])).min(1);
/** A handwritten signature as vector strokes in a 0..1000 × 0..300 box. */
export const Signature = z.strictObject({
  signatory: SignatoryId,
  name: lineText().trim().min(1, 'il nome del firmatario è obbligatorio').max(200),
  strokes: z.array(SignatureStroke).min(1, 'la firma è vuota').max(500),
});
export type Signature = z.infer<typeof Signature>;

/**
 * What the inspector typed in a form of the visit not yet submitted (a prescription, a new
 * commission member, a signatory), kept as a durable draft so that leaving the section or a crash
 * does not lose it. Loose on purpose: a draft may be half-typed (a date still "02/12/2").
 */
export const FormDraft = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('prescription'), text: multilineText().max(4000), deadline: lineText().max(20) }),
  z.strictObject({ kind: z.literal('member'), name: lineText().max(200), role: lineText().max(200) }),
  z.strictObject({ kind: z.literal('signatory'), name: lineText().max(200), strokes: z.array(SignatureStroke).max(500) }),
  /** Why the Scheda's commission is incomplete, typed in «Chiudi visita» before sealing. */
  z.strictObject({ kind: z.literal('commission'), reason: multilineText().max(2000) }),
]);
export type FormDraft = z.infer<typeof FormDraft>;
/** Which form a draft belongs to, e.g. `prescrizione:<rule>:nuova`, `componente`, `firma:pedagogista`. */
export const DraftKey = lineText().min(1).max(300);
/** At most this many drafts per visit: one per form, and a visit has a few dozen forms at most. */
export const MAX_DRAFTS = 200;

/** Where the visit took place, one line (e.g. «Sede del servizio, via Roma 1, Bagno a Ripoli»); blank is "not recorded". */
const VisitPlaceInput = lineText()
  .trim()
  .max(200, 'il luogo della visita può avere al massimo 200 caratteri')
  .transform((place) => place || null);
/** A time of the visit, `HH:MM` on the 24-hour clock. */
const VisitTimeInput = z.string().regex(VISIT_TIME, VISIT_TIME_FORMAT_MESSAGE);

/**
 * A prescription of an earlier visit of the service that this draft checks (issue 14): what it
 * said, its answer so far (`yes` «ottemperata», `no` «non ottemperata», with a note) under `key`
 * (`inspections.saveAnswer` takes it as the item id), and the consequence of a «no».
 */
export const PrescriptionToCheck = z.strictObject({
  key: z.string().min(1),
  prescription: z.strictObject({
    visitId: z.string().min(1),
    visitDate: IsoDateSchema,
    position: z.number().int().min(0),
    rule: z.string().min(1),
    text: z.string().min(1),
    deadline: IsoDateSchema,
  }),
  earlierNotComplied: z.number().int().min(0),
  consequence: z.strictObject({ act: z.string().min(1), article: z.string().min(1) }),
  answer: Answer.nullable(),
});
export type PrescriptionToCheck = z.infer<typeof PrescriptionToCheck>;

export const InspectionDetail = InspectionSummary.extend({
  /**
   * The rule set (and so the Scheda) the visit is read with, fixed when it was created: the page
   * draws this visit's checklist from it, not from whatever the laptop is set to now.
   */
  ruleSet: z.string(),
  /** Where and when the visit took place (null: not recorded); sealed into the file's `visit`. */
  place: z.string().nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  memberIds: z.array(Id),
  answers: z.record(z.string(), Answer),
  children: z.array(ChildrenBand),
  staffCounts: StaffCounts,
  /** Roster people present at this visit (ids of the service's staff). */
  staffIds: z.array(Id),
  /** Notes from the office when a previous revision was sent back. */
  rejectionNotes: z.string().nullable(),
  signatures: z.array(Signature),
  photos: z.array(PhotoMeta),
  prescriptions: z.array(Prescription),
  /** The earlier visits' prescriptions to check (a draft's; once sealed the file's `verifications` say what was found). */
  toCheck: z.array(PrescriptionToCheck),
  /** Forms typed into and not yet submitted (empty once sealed). */
  drafts: z.record(DraftKey, FormDraft),
  /** The office's planned visit it was started from («Agenda»), sealed into the file's `plan`; null: none. */
  plan: PlanLink.nullable(),
  /** The inspection file as sealed (null while a draft). */
  sealedFile: InspectionFile.nullable(),
  hasReport: z.boolean(),
});
export type InspectionDetail = z.infer<typeof InspectionDetail>;

export const AuditEntry = z.strictObject({
  seq: z.number().int(),
  inspectionId: Id,
  at: Timestamp,
  action: z.string(),
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const SaveAck = z.strictObject({ savedAt: Timestamp, seq: z.number().int() });

// ---------- digital signature of the report (PAdES) ----------
/** The imported signing key: only its certificate's public data (the key stays encrypted at rest). */
export const SigningKeyInfo = z.strictObject({
  commonName: z.string(),
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  validFrom: Timestamp,
  validUntil: Timestamp,
  expired: z.boolean(),
  /** The commission member the key belongs to, when recorded at import. */
  memberId: Id.nullable(),
  memberName: z.string().nullable(),
  importedAt: Timestamp,
});
export type SigningKeyInfo = z.infer<typeof SigningKeyInfo>;
/**
 * A signing device (smart card or USB token) chosen in «Firma digitale»: where its PKCS#11 module
 * is, which token and which certificate on it. Nothing secret: the key stays on the device and
 * the PIN is asked at every signature.
 */
export const SigningDevice = z.strictObject({
  modulePath: z.string(),
  token: z.string(),
  /** SHA-256 fingerprint of the certificate (hex, lower case). */
  certificate: z.string(),
  holder: z.string(),
  issuer: z.string(),
  subject: z.string(),
  validUntil: Timestamp,
  expired: z.boolean(),
  keyType: z.enum(['rsa', 'ec', 'other']),
  chosenAt: Timestamp,
});
export type SigningDevice = z.infer<typeof SigningDevice>;
export const SigningStatus = z.strictObject({
  key: SigningKeyInfo.nullable(),
  /** When set, sealing signs with this device (PIN asked), not with the imported key. */
  device: SigningDevice.nullable(),
  tsaUrl: z.string().nullable(),
});
export type SigningStatus = z.infer<typeof SigningStatus>;

/** A certification authority whose certificates the app trusts when it checks a report's signatures. */
export const TrustedCa = z.strictObject({
  /** SHA-256 fingerprint of the certificate (hex, upper case). */
  id: Id,
  commonName: z.string().nullable(),
  subject: z.string(),
  issuer: z.string(),
  validFrom: Timestamp,
  validUntil: Timestamp,
  expired: z.boolean(),
  addedAt: Timestamp,
});
export type TrustedCa = z.infer<typeof TrustedCa>;
/** PEM text: one or more `-----BEGIN CERTIFICATE-----` blocks (a CA, or a bundle of them). */
const CaPem = z
  .string()
  .min(1, 'scegliere un file di certificato PEM (.pem, .crt)')
  .max(500_000, 'file troppo grande per un elenco di certificati');

/** Used once in memory to open the PKCS#12 file; never stored or logged. */
const Passphrase = lineText().min(1, 'inserire la passphrase').max(1024);
/** PINs of signing cards are 4–8 digits in practice; PKCS#11 allows any text. */
const Pin = lineText().min(1, 'inserire il PIN del dispositivo di firma').max(256);
const ModulePath = lineText().trim().min(1, 'indicare il modulo PKCS#11 del dispositivo (file .so, .dll o .dylib)').max(1000);
const TokenLabel = lineText().trim().min(1, 'scegliere il dispositivo').max(64);
const DeviceChoice = z.strictObject({
  modulePath: ModulePath,
  token: TokenLabel,
  certificate: z.string().regex(/^[0-9a-f]{64}$/, 'scegliere un certificato'),
});
export const DeviceToken = z.strictObject({
  label: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serialNumber: z.string(),
  pinLocked: z.boolean(),
  pinCountLow: z.boolean(),
  pinFinalTry: z.boolean(),
});
export type DeviceToken = z.infer<typeof DeviceToken>;
export const DeviceCertificate = z.strictObject({
  fingerprint: z.string(),
  label: z.string(),
  holder: z.string(),
  issuer: z.string(),
  subject: z.string(),
  notBefore: Timestamp,
  notAfter: Timestamp,
  keyType: z.enum(['rsa', 'ec', 'other']),
  fit: z.boolean(),
  /** Why it cannot sign (absent when fit). */
  unfitReason: z.string().optional(),
});
export type DeviceCertificate = z.infer<typeof DeviceCertificate>;
const P12Base64 = z.string().min(1, 'scegliere un file .p12 o .pfx').max(400_000, 'file troppo grande per un PKCS#12');

export const ReportSignature = z.strictObject({
  index: z.number().int().min(1),
  /** Certificate subject's common name. */
  signer: z.string().nullable(),
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  /** As the signer's clock said (/M). */
  signingTime: z.string().nullable(),
  /** Digest and CMS signature verify. */
  intact: z.boolean(),
  /** Nothing was appended after this signature. */
  coversWholeDocument: z.boolean(),
  /** RFC 3161 timestamp time when present and valid (PAdES B-T). */
  timestampTime: z.string().nullable(),
  /** The signer's certificate chains to a trusted CA («Firma digitale»); null: no CA configured, not checked. */
  trusted: z.boolean().nullable(),
  /** Why the certificate is not trusted. */
  trustProblem: z.string().nullable(),
  problems: z.array(z.string()),
});
export type ReportSignature = z.infer<typeof ReportSignature>;

/** The current (latest) version of an inspection's PDF report, with its verification. */
export const ReportView = z.strictObject({
  inspectionId: Id,
  /** Suggested file name: Scheda_<servizio>_<data>_rev<N>.pdf */
  name: z.string(),
  pdfBase64: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(1),
  createdAt: Timestamp,
  /** 1 for the report made at sealing; each added signature stores a new version (older ones are kept). */
  version: z.number().int().min(1),
  /** The inspection's content hash, the one printed in the PDF's footer. */
  contentHash: z.string(),
  signed: z.boolean(),
  /** Every signature intact and the last one covers the whole document. */
  valid: z.boolean(),
  signatures: z.array(ReportSignature),
});
export type ReportView = z.infer<typeof ReportView>;

/** What sealing did with the report. */
export const SealReport = z.strictObject({
  produced: z.boolean(),
  sha256: z.string().nullable(),
  signed: z.boolean(),
  /** PAdES level: B-T when a timestamp authority answered. */
  level: z.enum(['B-B', 'B-T']).nullable(),
  /** e.g. the timestamp authority could not be reached, or the PDF could not be produced. */
  warning: z.string().nullable(),
});
export type SealReport = z.infer<typeof SealReport>;

// ---------- office sync ----------
export const SyncState = z.strictObject({
  paired: z.boolean(),
  officeUrl: z.string().nullable(),
  /** The inspector the office paired this laptop to. */
  inspector: z.string().nullable(),
  pairedAt: Timestamp.nullable(),
  /** Last time the office answered a full pass. */
  lastSyncAt: Timestamp.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: Timestamp.nullable(),
  /** The sync loop is running. */
  active: z.boolean(),
  counts: z.strictObject(
    Object.fromEntries(OutboxStatus.options.map((s) => [s, z.number().int().min(0)])) as Record<OutboxStatus, z.ZodNumber>,
  ),
});
export type SyncState = z.infer<typeof SyncState>;

/** One sealed revision in the outbox, as the «Ufficio» page lists it. */
export const OutboxEntry = z.strictObject({
  inspectionId: Id,
  visitId: Id,
  revision: z.number().int().min(1),
  serviceId: Id,
  serviceName: z.string(),
  date: IsoDateSchema,
  status: OutboxStatus,
  /** Failed attempts so far. */
  attempts: z.number().int().min(0),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  officeNotes: z.string().nullable(),
  updatedAt: Timestamp,
  /** The next revision of the same visit, when a correction was opened. */
  successorId: Id.nullable(),
  /** Later report versions (co-signatures) not yet at the office / refused by it. */
  attachmentsPending: z.number().int().min(0),
  attachmentsFailed: z.number().int().min(0),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** The laptop's territory: its id, whether it was recorded (else the default), whether it may be chosen now. */
export const TerritoryState = z.strictObject({ id: z.string(), chosen: z.boolean(), changeable: z.boolean() });
export type TerritoryState = z.infer<typeof TerritoryState>;

// ---------- the agenda: the office's planned visits of this inspector (issue 14) ----------
/** One planned visit on this laptop's «Agenda», as the office last sent it. */
export const AgendaEntry = z.strictObject({
  planId: Id,
  /** The laptop's own service for the office's registry entry; null until that service has arrived. */
  serviceId: Id.nullable(),
  serviceName: z.string(),
  comune: z.string(),
  purpose: Purpose,
  date: IsoDateSchema,
  startTime: z.string(),
  endTime: z.string(),
  reason: PlanReason,
  members: z.array(z.strictObject({ name: z.string(), role: z.string() })),
  /** The visit here that fulfilled it, else the visit started from it on this laptop (its latest revision), or null. */
  inspectionId: Id.nullable(),
  /**
   * Done: the date of the visit that fulfilled it, how it was linked (`plan`: started from the plan,
   * `matched`: linked by the office when it arrived) and whether this laptop holds that visit (`here`:
   * then `inspectionId` is it); null while still to do.
   */
  fulfilled: z.strictObject({ date: IsoDateSchema, how: z.enum(['plan', 'matched']), here: z.boolean() }).nullable(),
});
export type AgendaEntry = z.infer<typeof AgendaEntry>;

// ---------- the contract ----------
const Empty = z.strictObject({});

export const contract = {
  'app.info': {
    input: Empty,
    output: z.strictObject({
      version: z.string(),
      shell: z.enum(['electron', 'browser']),
      ruleSet: z.string(),
      demo: z.boolean(),
      today: IsoDateSchema,
    }),
  },
  'services.list': {
    input: z.strictObject({ query: lineText().max(200).optional(), type: ServiceType.optional(), comune: lineText().max(120).optional() }),
    output: z.array(ServiceSummary),
  },
  'services.get': {
    input: z.strictObject({ id: Id }),
    output: z.strictObject({ service: ServiceSummary, inspections: z.array(InspectionSummary), staff: z.array(StaffPerson) }),
  },
  'services.create': { input: ServiceInput, output: Service },
  'services.update': { input: ServiceInput.extend({ id: Id }), output: Service },

  'members.list': { input: Empty, output: z.array(Member) },
  'members.create': { input: MemberInput, output: Member },

  'staff.save': { input: StaffPersonInput, output: StaffPerson },
  'staff.remove': { input: z.strictObject({ id: Id }), output: z.strictObject({ removed: z.boolean() }) },

  'inspections.create': {
    input: z.strictObject({ serviceId: Id, purpose: Purpose, date: InputDateSchema, memberIds: z.array(Id).default([]) }),
    output: InspectionDetail,
  },
  'inspections.get': { input: z.strictObject({ id: Id }), output: InspectionDetail },
  /** The visit's data; of `place`, `startTime`, `endTime`, null (and an empty place) clears what was recorded. */
  'inspections.update': {
    input: z.strictObject({
      id: Id,
      purpose: Purpose.optional(),
      date: InputDateSchema.optional(),
      place: VisitPlaceInput.nullable().optional(),
      startTime: VisitTimeInput.nullable().optional(),
      endTime: VisitTimeInput.nullable().optional(),
      memberIds: z.array(Id).optional(),
      staffIds: z.array(Id).optional(),
    }),
    output: InspectionDetail,
  },
  /** Autosave of one answer (value and/or note); durable before it returns. */
  'inspections.saveAnswer': {
    input: z.strictObject({ inspectionId: Id, itemId: ItemId, value: AnswerValue.nullable().optional(), note: Answer.shape.note }),
    output: SaveAck,
  },
  /** Autosave of the section B counts; an absent figure is "not recorded". */
  'inspections.saveCounts': {
    input: z.strictObject({ inspectionId: Id, children: z.array(ChildrenBand), staffCounts: StaffCounts }),
    output: SaveAck,
  },
  /** Durable draft of one form of the visit (null: the form was submitted or emptied); encrypted at rest. */
  'inspections.saveDraft': {
    input: z.strictObject({ inspectionId: Id, key: DraftKey, draft: FormDraft.nullable() }),
    output: z.strictObject({ savedAt: Timestamp }),
  },
  'inspections.seal': {
    /**
     * `passphrase`: of the imported signing key; `pin`: of the chosen signing device. Given, the
     * report is digitally signed (refused if wrong, or the device absent or locked, before anything changes).
     * `commissionReason`: why the commission the Scheda requires is not all present and signing (then required; kept in the sealed file).
     */
    input: z.strictObject({
      id: Id,
      signatures: z.array(Signature).default([]),
      passphrase: Passphrase.optional(),
      pin: Pin.optional(),
      commissionReason: multilineText().trim().max(2000).optional(),
    }),
    output: z.strictObject({
      contentHash: z.string(),
      sealedAt: Timestamp,
      inspection: InspectionDetail,
      report: SealReport.nullable().optional(),
    }),
  },
  /** A correction: a new draft revision pointing to the sealed one. */
  'inspections.revise': { input: z.strictObject({ id: Id }), output: InspectionDetail },
  'inspections.export': { input: z.strictObject({ id: Id }), output: InspectionFile },
  'inspections.audit': { input: z.strictObject({ id: Id }), output: z.array(AuditEntry) },

  'photos.add': {
    input: z.strictObject({
      inspectionId: Id,
      itemId: ItemId.nullable().default(null),
      mime: z.enum(['image/jpeg', 'image/png']),
      dataBase64: z.string().min(1).max(20_000_000),
      caption: lineText().trim().max(500).default(''),
      /** The file's name on the inspector's disk, only to name it in a refusal. */
      fileName: lineText().max(255).optional(),
    }),
    output: PhotoMeta,
  },
  'photos.get': { input: z.strictObject({ id: Id }), output: z.strictObject({ mime: z.string(), dataBase64: z.string() }) },
  'photos.remove': { input: z.strictObject({ id: Id }), output: z.strictObject({ removed: z.boolean() }) },

  'prescriptions.save': {
    input: z.strictObject({
      id: Id.optional(),
      inspectionId: Id,
      rule: PrescriptionRule,
      text: PrescriptionText,
      deadline: InputDateSchema,
    }),
    output: Prescription,
  },
  'prescriptions.remove': { input: z.strictObject({ id: Id }), output: z.strictObject({ removed: z.boolean() }) },

  /** The laptop's territory (shared/territories): the office's when paired, else the one chosen at the first start (the Zona until then). */
  /** The planned visits of this inspector's commissions, by date and time; a visit started from one stays listed with it. */
  'agenda.list': { input: Empty, output: z.array(AgendaEntry) },
  /**
   * A new visit from the plan: its service, purpose, date, times and commission (laptop members, found by
   * name or added), carrying the plan (`InspectionDetail.plan`). Already started: that visit again.
   */
  'agenda.start': { input: z.strictObject({ planId: Id }), output: InspectionDetail },

  'territory.get': { input: Empty, output: TerritoryState },
  /**
   * The laptop's copy of the territory's register of educators (from the office's change feed; empty
   * where the territory keeps none or before the first sync). The standing on a date is computed by
   * `entryStanding` (shared/educator-register.ts) with the visit's rule set.
   */
  'register.list': { input: Empty, output: z.strictObject({ entries: z.array(RegisterEntry) }) },
  /** Chooses the territory of a laptop not paired and with no visit yet; its new visits use that territory's checklist and rule set. */
  'territory.choose': {
    input: z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'indicare un territorio tra quelli disponibili') }),
    output: TerritoryState,
  },

  'sync.status': { input: Empty, output: SyncState },
  /** Pairs this laptop with the office: its address (http/https) and the one-time code shown by the office. */
  'sync.pair': {
    input: z.strictObject({
      url: lineText().trim().min(1, 'inserire l’indirizzo del server d’ufficio').max(500),
      code: lineText().trim().min(1, 'inserire il codice di associazione').max(40),
    }),
    output: SyncState,
  },
  /** Forgets the office and the device token; queued revisions stay queued. */
  'sync.unpair': { input: Empty, output: SyncState },
  /** Sends and receives now, without waiting for the next pass or a backoff. */
  'sync.now': { input: Empty, output: SyncState },
  /** The sealed revisions in the outbox, newest first. */
  'sync.outbox': { input: Empty, output: z.array(OutboxEntry) },
  /** Puts a revision the office refused ('errore') back in the queue; a 'conflitto' is refused (correct it with `inspections.revise`). */
  'sync.retry': { input: z.strictObject({ inspectionId: Id }), output: OutboxEntry },

  'signing.status': { input: Empty, output: SigningStatus },
  /** Checks the file opens with the passphrase, then keeps it encrypted with the data key; the passphrase is not kept. */
  'signing.importP12': {
    input: z.strictObject({ p12Base64: P12Base64, passphrase: Passphrase, memberId: Id.nullable().default(null) }),
    output: SigningStatus,
  },
  'signing.remove': { input: Empty, output: z.strictObject({ removed: z.boolean() }) },
  /** RFC 3161 timestamp authority (http/https); null: none. */
  'signing.setTsaUrl': { input: z.strictObject({ tsaUrl: lineText().trim().max(500).nullable() }), output: SigningStatus },
  /** The CAs trusted when checking the signatures of reports, by subject. */
  'signing.listTrustedCas': { input: Empty, output: z.array(TrustedCa) },
  /** Adds the CA certificates of a PEM file (refused: no certificate, a private key, a certificate that is not a CA); answers the whole list. */
  'signing.addTrustedCa': { input: z.strictObject({ pem: CaPem }), output: z.array(TrustedCa) },
  'signing.removeTrustedCa': { input: z.strictObject({ id: Id }), output: z.strictObject({ removed: z.boolean() }) },
  /** PKCS#11 modules of the common signing cards found on this computer (OpenSC, Bit4id, Athena, SoftHSM): suggestions only. */
  'signing.deviceModules': { input: Empty, output: z.array(z.strictObject({ name: z.string(), path: z.string() })) },
  /** The tokens present for a module (field `modulePath` when it does not load). */
  'signing.deviceTokens': { input: z.strictObject({ modulePath: ModulePath }), output: z.array(DeviceToken) },
  /** The certificates on a token; `fit` ones can sign (keyUsage nonRepudiation, in validity). */
  'signing.deviceCertificates': {
    input: z.strictObject({ modulePath: ModulePath, token: TokenLabel }),
    output: z.array(DeviceCertificate),
  },
  /** Chooses the device and certificate sealing signs with (checked present and fit; no PIN asked). */
  'signing.setDevice': { input: DeviceChoice, output: SigningStatus },
  'signing.removeDevice': { input: Empty, output: z.strictObject({ removed: z.boolean() }) },

  /** The current PDF report of a sealed inspection (made now, unsigned, if sealing did not make one). */
  'report.get': { input: z.strictObject({ inspectionId: Id }), output: ReportView },
  /**
   * Another member's signature, as an incremental update (a new version, the old one stays): their
   * own PKCS#12 with its passphrase, or their signing device with its PIN; neither is kept.
   */
  'report.addSignature': {
    input: z
      .strictObject({
        inspectionId: Id,
        p12Base64: P12Base64.optional(),
        passphrase: Passphrase.optional(),
        device: DeviceChoice.optional(),
        pin: Pin.optional(),
      })
      .superRefine((v, ctx) => {
        const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
        if (v.device) {
          if (v.pin === undefined) need('pin', 'inserire il PIN del dispositivo di firma');
        } else if (v.p12Base64 === undefined) need('p12Base64', 'scegliere un file .p12 o .pfx, oppure un dispositivo di firma');
        else if (v.passphrase === undefined) need('passphrase', 'inserire la passphrase');
      }),
    output: ReportView,
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Method = keyof Contract;
export const METHODS = Object.keys(contract) as Method[];

/**
 * `integrity`: stored data no longer agrees with its hash or fails authentication (changed outside the app); the message
 * starts with «Integrità compromessa: » and says what disagrees. Never served as valid.
 * `storage`: the disk refused the write (full: «Disco pieno: …»; failing: «Errore di scrittura sul disco: …»); nothing was
 * saved by that call and nothing saved before is lost, so the same call may simply be sent again once the disk is writable.
 * `unavailable`: the local service stopped before answering (it is being restarted); the call may or may not have been
 * done, nothing saved before is lost, and the same call may be sent again.
 */
export type ApiError = {
  code: 'invalid' | 'not_found' | 'conflict' | 'sealed' | 'unauthorized' | 'integrity' | 'storage' | 'unavailable' | 'internal';
  message: string;
  field?: string;
};
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };
export type Input<M extends Method> = z.input<Contract[M]['input']>;
export type Output<M extends Method> = z.output<Contract[M]['output']>;

/** What the preload exposes and the HTTP client implements: one named function per method. */
export type Api = { [M in Method]: (input: Input<M>) => Promise<Result<Output<M>>> };

/** HTTP status for an error code, used by the browser shell. */
export const ERROR_STATUS: Record<ApiError['code'], number> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  sealed: 409,
  integrity: 500,
  // 507 Insufficient Storage (RFC 4918): the request was fine and may be repeated once the disk takes writes again.
  storage: 507,
  // 503: the local service is restarting after a crash; the same request may be sent again.
  unavailable: 503,
  internal: 500,
};
