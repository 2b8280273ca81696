/**
 * The laptop <-> office sync wire protocol (`/api/v1`), one home for both sides: office/api.ts validates
 * what it receives and (in tests) what it sends with these schemas; host/sync/client.ts builds its
 * bodies typed from them and parses every JSON answer with them, so a drift fails loudly on either side.
 */
import { z } from 'zod';
import { MAX_SEGMENT_ENTRIES } from '../audit-chain.ts';
import { IsoDateSchema, PersonRole, PlanReason, Purpose } from '../domain.ts';
import { VISIT_TIME } from '../times.ts';
import { RegisterEntry } from '../educator-register.ts';

/** Lowercase hex SHA-256, the content address of bundles and attachments. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const ErrorCode = z.enum([
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'attachments_missing',
  'too_large',
  'rate_limited',
  'internal',
  'unsupported',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every 4xx/5xx answer: an Italian message naming what is wrong; `missing` on 412, `field` on 400. */
export const ErrorBody = z.object({
  error: z.looseObject({ code: ErrorCode, message: z.string(), field: z.string().optional(), missing: z.array(z.string()).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const EntityId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'ammessi lettere, cifre, punto, trattino e trattino basso (max 100)');
export const Sha256 = z.string().regex(SHA256_HEX, 'serve un hash SHA-256 esadecimale minuscolo (64 caratteri)');

export const PutRevisionBody = z.strictObject({
  file: z.unknown(),
  contentHash: Sha256,
  attachments: z
    .array(
      z.strictObject({
        sha256: Sha256,
        size: z.number().int().min(1, 'deve essere almeno 1 byte'),
        kind: z.enum(['report', 'photo']),
        name: z.string().trim().min(1, 'il nome è obbligatorio').max(200),
      }),
    )
    .max(500)
    .default([]),
  prescriptions: z
    .array(
      z.strictObject({
        rule: z.string().trim().min(1).max(200),
        text: z.string().trim().min(1, 'il testo è obbligatorio').max(4000),
        deadline: IsoDateSchema,
      }),
    )
    .max(500)
    .default([]),
  /** The office registry id of the service, when the laptop knows it (services come from /changes). */
  serviceId: EntityId.optional(),
  /**
   * The laptop's audit chain from its previous seal to this one (shared/audit-chain.ts). Evidence,
   * not content: outside the bundle hash, checked against the heads already received from the
   * same device; a break marks the revision, it never refuses it. Older laptops do not send it.
   */
  audit: z
    .strictObject({
      from: z.strictObject({ seq: z.number().int().min(0), hash: Sha256 }),
      head: z.strictObject({ seq: z.number().int().min(1), hash: Sha256 }),
      digests: z.array(Sha256).max(MAX_SEGMENT_ENTRIES),
    })
    .optional(),
});
export type PutRevisionBody = z.input<typeof PutRevisionBody>;

/** A later version of an attachment (today: a co-signed report) for a revision already received. */
export const AddAttachmentBody = z.strictObject({
  sha256: Sha256,
  size: z.number().int().min(1, 'deve essere almeno 1 byte'),
  kind: z.literal('report', { error: 'solo il verbale (report) può avere versioni successive' }),
  name: z.string().trim().min(1, 'il nome è obbligatorio').max(200),
  /** The revision's content hash as the laptop sealed it: another content under that number is 409. */
  contentHash: Sha256.optional(),
});

/** 201 (stored now) and 200 (the same content was already there) to a PUT revision. */
export const PutRevisionOk = z.looseObject({ inspectionId: z.string(), revision: z.number().int(), contentHash: z.string() });
export type PutRevisionOk = z.infer<typeof PutRevisionOk>;
/** 409 (another content under that number) and 412 (attachments not uploaded yet, `missing`) are ErrorBody. */

/** 201 (added now) and 200 (already there) to a POST of a later attachment version. */
export const AddAttachmentOk = z.looseObject({
  status: z.enum(['created', 'duplicate']),
  inspectionId: z.string(),
  revision: z.number().int(),
  sha256: Sha256,
});
export type AddAttachmentOk = z.infer<typeof AddAttachmentOk>;

/** POST /uploads: opens (or finds) the upload of the content with this hash and length. */
export const CreateUploadBody = z.strictObject({ sha256: Sha256, length: z.number().int().min(1, 'deve essere almeno 1 byte') });
export type CreateUploadBody = z.infer<typeof CreateUploadBody>;

/** 201 (new) and 200 (already open, or content this laptop already sent) to POST /uploads. */
export const UploadCreated = z.looseObject({
  url: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(1),
  complete: z.boolean(),
});
export type UploadCreated = z.infer<typeof UploadCreated>;

/** 201 / 200 to PUT /blobs/:sha (a whole attachment in one request). */
export const BlobStored = z.looseObject({ sha256: Sha256, size: z.number().int().min(0) });
export type BlobStored = z.infer<typeof BlobStored>;

/** GET /inspections/:id: the office's view of one inspection, its revisions and their review state. */
export const InspectionState = z.looseObject({
  inspectionId: z.string(),
  revisions: z.array(
    z.looseObject({
      revision: z.number().int(),
      contentHash: z.string(),
      receivedAt: z.string(),
      review: z.looseObject({
        status: z.enum(['received', 'in_review', 'validated', 'rejected']),
        notes: z.string().nullable(),
        decidedAt: z.string().nullable(),
      }),
    }),
  ),
});
export type InspectionState = z.infer<typeof InspectionState>;

export const PairRequest = z.strictObject({ code: z.string(), deviceName: z.string().optional() });
export type PairRequest = z.infer<typeof PairRequest>;
export const PairResponse = z.looseObject({
  token: z.string().min(1),
  inspector: z.looseObject({ id: z.string(), name: z.string() }),
  /**
   * The territory id the office applies (shared/territories): the laptop's new visits use its
   * checklist and rule set. An office made before territories does not send it: it is the Zona's.
   */
  territory: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
});
export type PairResponse = z.infer<typeof PairResponse>;

/**
 * GET /api/v1/pair (no token): what a laptop needs to know before it spends its one-time code — the
 * office's territory, so a laptop that cannot take it refuses first and the code stays valid.
 */
export const PairInfo = z.looseObject({
  territory: z.string().regex(/^[a-z0-9-]+$/),
});
export type PairInfo = z.infer<typeof PairInfo>;

export const ServiceRecord = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  comune: z.string(),
  address: z.string(),
  referente: z.string(),
  capacity: z.number(),
  kitchen: z.boolean(),
  territorialRls: z.boolean(),
  authorizationIssuedOn: z.string().nullable(),
  accreditationIssuedOn: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const Decision = z.looseObject({
  inspectionId: z.string(),
  revision: z.number().int(),
  contentHash: z.string(),
  decision: z.enum(['validated', 'rejected']),
  notes: z.string().nullable(),
  decidedAt: z.string(),
});
export type Decision = z.infer<typeof Decision>;

/** The office linked the service of a revision sent without a registry id to this registry entry. */
export const ServiceLink = z.looseObject({
  inspectionId: z.string(),
  revision: z.number().int(),
  contentHash: z.string(),
  serviceId: z.string(),
  /** True when the office created the entry from the inspection file (its `service` change follows). */
  created: z.boolean(),
});
export type ServiceLink = z.infer<typeof ServiceLink>;

/**
 * A prescription a planned follow-up verifies: the earlier visit (`visitId`: its inspection id, as the
 * answer key `verifica:<visitId>:<position>` names it), its position in that visit's deadline order,
 * the text, the rule it was given for, the deadline, and how many earlier follow-ups found it not
 * complied with (the step of the territory's `notComplied` a «no» takes).
 */
export const PlanPrescription = z.looseObject({
  visitId: z.string().min(1).max(100),
  visitDate: IsoDateSchema,
  position: z.number().int().min(0),
  rule: z.string().max(200),
  text: z.string().max(20000),
  deadline: IsoDateSchema,
  earlierNotComplied: z.number().int().min(0).default(0),
});
export type PlanPrescription = z.infer<typeof PlanPrescription>;

/**
 * The received visit that fulfilled a planned visit (office `plan_fulfilments`): the visit (its
 * inspection id at the office, the laptop's `visitId`, so the laptop that holds it can open it), the
 * date of the revision that fulfilled it, and `how`: `plan` when it was started from the plan,
 * `matched` when the office linked a visit sent without one when it arrived.
 */
export const PlanFulfilment = z.looseObject({
  visitId: z.string().min(1).max(100),
  date: IsoDateSchema,
  how: z.enum(['plan', 'matched']),
});
export type PlanFulfilment = z.infer<typeof PlanFulfilment>;

/**
 * A planned visit as the laptops of its commission receive it (issue 14, «Agenda»): who, where, when
 * and why, with the commission by name and role (no e-mail: the laptop needs to know who comes, not how
 * to write to them). `serviceId` is the office registry id (the laptop maps it to its own service).
 */
export const PlannedVisitRecord = z.looseObject({
  id: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  comune: z.string(),
  purpose: Purpose,
  date: IsoDateSchema,
  startTime: z.string().regex(VISIT_TIME),
  endTime: z.string().regex(VISIT_TIME),
  reason: PlanReason,
  members: z.array(
    z.looseObject({
      name: z.string(),
      role: PersonRole,
      comune: z.string().nullable(),
    }),
  ),
  /**
   * A follow-up's prescriptions to verify (`reason: 'follow_up'`), as the office holds them: those of
   * `follow_up_of`'s positions still open (not found complied with). Optional: an older office sends
   * none, an older laptop ignores it (the record is loose); the laptop's `toCheckOf` merges them with
   * its own earlier visits' prescriptions.
   */
  toVerify: z.array(PlanPrescription).max(500).optional(),
  /**
   * Set once a received visit fulfilled the plan: the laptops keep it on «Agenda» as «svolta» (only the
   * laptop holding that visit, or the one that started it, opens it; no other starts it). Such a record
   * carries no `toVerify` (nothing more is started from it). Optional: an older office sends none, and
   * took the plan off the agendas instead (`plan: null`); an older laptop ignores it and shows the plan
   * as still to do, but a visit it starts from it fulfils nothing at the office (the plan is taken).
   */
  fulfilled: PlanFulfilment.optional(),
  updatedAt: z.string(),
});
export type PlannedVisitRecord = z.infer<typeof PlannedVisitRecord>;

/**
 * One laptop's view of a planned visit changed: `plan` is what it holds now (a done one with its
 * `fulfilled`), or null when the visit is no longer on its agenda (dropped or put back to proposed by a
 * clerk, its inspector taken off the commission). Sent only to the inspectors linked to a member
 * (before or after).
 */
export const PlannedVisitChange = z.looseObject({ planId: z.string(), plan: PlannedVisitRecord.nullable() });
export type PlannedVisitChange = z.infer<typeof PlannedVisitChange>;

const change = <K extends string, P extends z.ZodType>(kind: K, payload: P) =>
  z.object({ seq: z.number().int().min(1), kind: z.literal(kind), entity: z.string(), createdAt: z.string(), payload });

/** One entry of the office's change feed; the rule set and checklist contents are checked where they are applied. */
export const Change = z.discriminatedUnion('kind', [
  change('service', z.looseObject({ service: ServiceRecord })),
  change('rule_set', z.looseObject({ key: z.string(), ruleSet: z.unknown() })),
  change('checklist', z.looseObject({ key: z.string(), checklist: z.unknown() })),
  change('decision', Decision),
  change('service_link', ServiceLink),
  change('planned_visit', PlannedVisitChange),
  /** An entry of the territory's register of educators, whole (shared/educator-register.ts): the laptop keeps the latest. */
  change('register_entry', z.looseObject({ entry: RegisterEntry })),
]);
export type Change = z.infer<typeof Change>;

export const ChangesPage = z.object({
  changes: z.array(Change),
  /** Save it (with the applied changes, atomically) and pass it next time. */
  cursor: z.number().int().min(0),
  more: z.boolean(),
});
export type ChangesPage = z.infer<typeof ChangesPage>;
