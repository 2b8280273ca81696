/**
 * The office store: everything the server keeps, as domain operations over either engine.
 * Received revisions are immutable; review decisions and registry edits append to the change
 * feed that laptops pull, in commit order, so a cursor never skips or repeats an entry.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Service, ServiceInput } from '../../shared/api/contract.ts';
import { isIsoDate } from '../../shared/dates.ts';
import { textProblem } from '../../shared/text.ts';
import { foldDigests, segmentProblem, type AuditSegment } from '../../shared/audit-chain.ts';
import type { Verification } from '../../shared/inspection.ts';
import type { Db, Sql } from './db.ts';
import { serviceKey } from './keys.ts';
import { migrate } from './migrations.ts';
import { followUpsOfOrigins, linkReceivedVisit, republishChangedFollowUps } from './planning.ts';

export const REVIEW_STATUSES = ['ricevuta', 'in_validazione', 'validata', 'respinta'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface AttachmentRef {
  sha256: string;
  size: number;
  kind: 'report' | 'photo';
  name: string;
  /** Set when this version arrived after the revision (a co-signed report); absent for the originals. */
  addedAt?: string | null;
  /** Set on a version the office made (long-term validation): the received version it was made from. */
  derivedFrom?: string | null;
}
export type AugmentationStatus = 'in_attesa' | 'completata' | 'non_necessaria' | 'errore';
export interface AugmentationKey {
  inspectionId: string;
  revision: number;
  /** The received report version (the evidence). */
  sha256: string;
}
export interface AugmentationRecord extends AugmentationKey {
  status: AugmentationStatus;
  attempts: number;
  nextTryAt: string;
  /** Italian: why the last try failed, or why nothing was needed. */
  lastError: string | null;
  /** The office's latest long-term version of it. */
  resultSha256: string | null;
  level: string | null;
  /** When the certificate of the TSA of the last document timestamp expires (ISO). */
  timestampExpiresAt: string | null;
  queuedAt: string;
  doneAt: string | null;
}
interface AugmentationRow {
  inspection_id: string;
  revision: number;
  sha256: string;
  status: AugmentationStatus;
  attempts: number;
  next_try_at: string;
  last_error: string | null;
  result_sha256: string | null;
  level: string | null;
  timestamp_expires_at: string | null;
  queued_at: string;
  done_at: string | null;
}
const AUGMENTATION_COLUMNS =
  'inspection_id, revision, sha256, status, attempts, next_try_at, last_error, result_sha256, level, timestamp_expires_at, queued_at, done_at';
const augmentationRecord = (r: AugmentationRow): AugmentationRecord => ({
  inspectionId: r.inspection_id,
  revision: Number(r.revision),
  sha256: r.sha256,
  status: r.status,
  attempts: Number(r.attempts),
  nextTryAt: r.next_try_at,
  lastError: r.last_error,
  resultSha256: r.result_sha256,
  level: r.level,
  timestampExpiresAt: r.timestamp_expires_at,
  queuedAt: r.queued_at,
  doneAt: r.done_at,
});

export interface PrescriptionRef {
  rule: string;
  text: string;
  deadline: string;
}

export interface Submission {
  inspectionId: string;
  revision: number;
  contentHash: string;
  /** Hash over file, attachments, prescriptions and service link: what "the same content" means. */
  bundleHash: string;
  file: unknown;
  serviceId: string | null;
  serviceName: string;
  comune: string | null;
  visitDate: string;
  purpose: string;
  inspectorId: string;
  deviceId: string;
  attachments: AttachmentRef[];
  prescriptions: PrescriptionRef[];
  /** The laptop's audit chain segment (evidence: checked, never a reason to refuse). */
  audit?: AuditSegment;
}

export type AuditStatus = 'coerente' | 'non_collegata' | 'riscritta';

export interface RevisionRecord {
  inspectionId: string;
  revision: number;
  contentHash: string;
  file: unknown;
  serviceId: string | null;
  serviceName: string;
  comune: string | null;
  visitDate: string;
  purpose: string;
  inspectorId: string;
  inspectorName: string;
  receivedAt: string;
  review: { status: ReviewStatus; notes: string | null; by: string | null; at: string | null };
  /** The act's latest registration at the Comune's protocol (migration 9), if it has one. */
  protocol: { number: string; date: string } | null;
  /** What the laptop's audit segment showed (null: sent without one). */
  audit: { status: AuditStatus; note: string | null } | null;
  attachments: AttachmentRef[];
  prescriptions: PrescriptionRef[];
}

/** One registration of an act at the Comune's protocol (the latest is the one that counts). */
export interface ActRegistration {
  number: string;
  /** ISO date of the protocol. */
  date: string;
  clerkName: string;
  registeredAt: string;
}

/** Longest protocol number the office keeps («2026/0012345» as the Comune's protocol writes it). */
export const PROTOCOL_NUMBER_MAX = 50;

/** Why a revision cannot be registered at the protocol yet. */
export const PROTOCOL_NEEDS_VALIDATION = 'si registra a protocollo solo una revisione validata: validarla prima';

export type RevisionSummary = Omit<RevisionRecord, 'file' | 'attachments' | 'prescriptions' | 'audit'>;

export type ChangeKind = 'service' | 'rule_set' | 'checklist' | 'decision' | 'service_link' | 'planned_visit' | 'register_entry';
export interface Change {
  seq: number;
  kind: ChangeKind;
  entity: string;
  payload: unknown;
  createdAt: string;
}

export interface DeviceIdentity {
  deviceId: string;
  inspectorId: string;
  inspectorName: string;
}

/** A paired laptop, as the clerk picks it when moving a visit. */
export interface DeviceRecord {
  deviceId: string;
  label: string;
  inspectorId: string;
  inspectorName: string;
  pairedAt: string;
}

/** The laptop a visit belongs to: the one that sent its first revision, or the last one a clerk moved it to. */
export interface VisitOwner {
  deviceId: string;
  inspectorId: string;
  since: string;
}

/** One move of a visit to another laptop, as the audit table keeps it. */
export interface VisitTransfer {
  inspectionId: string;
  at: string;
  clerkName: string;
  fromDevice: DeviceRecord;
  toDevice: DeviceRecord;
  reason: string;
}

/**
 * What a clerk may do (migration 15): `office`, the whole review workspace (every clerk made before
 * the census, and `add-clerk` without a role); `reviewer`, a zonal or regional reviewer of the census
 * only; `comune`, a Comune's user, who fills and sends the census sheets of `comune` only.
 */
export type ClerkRole = 'office' | 'reviewer' | 'comune';
export const CLERK_ROLES: readonly ClerkRole[] = ['office', 'reviewer', 'comune'];

export interface Session {
  clerkId: string;
  clerkName: string;
  csrf: string;
  expiresAt: string;
  role: ClerkRole;
  /** The Comune of a `comune` clerk, as given to `add-clerk --comune`; null otherwise. */
  comune: string | null;
}

/** Where a page of the review queue starts: the last row of the page before (`listByStatus`). */
export interface QueueKey {
  receivedAt: string;
  inspectionId: string;
  revision: number;
}

/** An overdue prescription's place in the list (its order: deadline, inspection, position). */
export interface PrescriptionKey {
  deadline: string;
  inspectionId: string;
  position: number;
}

/**
 * A page of overdue prescriptions: `limit` rows after a key, before a key, the last ones
 * (`fromEnd`), or (a page asked for by number alone) from `offset`.
 */
export interface OverduePage {
  limit: number;
  offset?: number;
  after?: PrescriptionKey;
  before?: PrescriptionKey;
  fromEnd?: boolean;
}

/** A prescription as the dashboards' queries select it, with its visit. */
interface PrescriptionRow {
  inspection_id: string;
  revision: number;
  rule: string;
  text: string;
  deadline: string;
  service_id: string | null;
  service_name: string;
  comune: string | null;
  visit_date: string;
}

/**
 * The follow-up of the prescription `p` (a row of latest_prescriptions): the first visit of its
 * service dated from the deadline on, other than its own. A registry service's is kept in the row
 * (migration 7, `#refreshLatest`); an unlinked visit's is sought by its folded name. CASE
 * evaluates only its branch.
 */
const FOLLOW_UP = `CASE WHEN p.service_id IS NOT NULL THEN p.follow_up
  ELSE
    (SELECT r.visit_date FROM revisions r
     WHERE r.service_key = (SELECT k.service_key FROM revisions k WHERE k.inspection_id = p.inspection_id AND k.revision = p.revision)
       AND r.visit_date >= p.deadline AND r.inspection_id <> p.inspection_id ORDER BY r.visit_date LIMIT 1)
  END`;

/**
 * A prescription of `p` (latest_prescriptions) still counts as overdue unless the latest
 * verification of it received (migration 14) found it complied with.
 */
export const NOT_COMPLIED = `COALESCE((SELECT v.outcome FROM prescription_verifications v WHERE v.inspection_id = p.inspection_id AND v.position = p.position
  ORDER BY v.visit_date DESC, v.by_inspection_id DESC LIMIT 1), '') <> 'complied'`;
/**
 * The latest verification of `p` as a join (`v`: no row when none was received): one index seek
 * per prescription, and the look for a later one only when there is one — where a subquery per
 * column (`LATEST_VERIFICATION`) sorts the prescription's verifications each time. With
 * `NOT_COMPLIED_JOINED` it is the same condition as `NOT_COMPLIED`, for queries over many rows.
 */
const LATEST_VERIFICATION_JOIN = `LEFT JOIN prescription_verifications v ON v.inspection_id = p.inspection_id AND v.position = p.position
  AND NOT EXISTS (SELECT 1 FROM prescription_verifications w WHERE w.inspection_id = v.inspection_id AND w.position = v.position
    AND (w.visit_date > v.visit_date OR (w.visit_date = v.visit_date AND w.by_inspection_id > v.by_inspection_id)))`;
const NOT_COMPLIED_JOINED = `COALESCE(v.outcome, '') <> 'complied'`;
/** One column of the latest verification of `p` (null: none received). */
const LATEST_VERIFICATION = (column: 'outcome' | 'act' | 'article') =>
  `(SELECT v.${column} FROM prescription_verifications v WHERE v.inspection_id = p.inspection_id AND v.position = p.position
    ORDER BY v.visit_date DESC, v.by_inspection_id DESC LIMIT 1)`;

export interface PrescriptionVerification {
  byInspectionId: string;
  visitDate: string;
  outcome: 'complied' | 'not_complied';
  note: string | null;
  consequence: { act: string; article: string } | null;
}
type VerificationRow = {
  by_inspection_id: string;
  position: number;
  visit_date: string;
  outcome: PrescriptionVerification['outcome'];
  note: string | null;
  act: string | null;
  article: string | null;
};
const verificationOf = (r: VerificationRow): PrescriptionVerification => ({
  byInspectionId: r.by_inspection_id,
  visitDate: r.visit_date,
  outcome: r.outcome,
  note: r.note,
  consequence: r.act && r.article ? { act: r.act, article: r.article } : null,
});

/** An overdue prescription as the CSV export reads it. */
export type OverdueTuple = [
  serviceName: string,
  comune: string | null,
  visitDate: string,
  revision: number,
  rule: string,
  text: string,
  deadline: string,
  followUp: string | null,
  outcome: string | null,
  act: string | null,
  article: string | null,
  protocolNumber: string | null,
  protocolDate: string | null,
  inspectionId: string,
];

const prescriptionOf = (r: PrescriptionRow) => ({
  inspectionId: r.inspection_id,
  revision: Number(r.revision),
  rule: r.rule,
  text: r.text,
  deadline: r.deadline,
  serviceId: r.service_id,
  serviceName: r.service_name,
  comune: r.comune,
  visitDate: r.visit_date,
});

export class UserError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** `input` as `schema` reads it, or a UserError naming the first wrong field in Italian (a 400 on the pages). */
export function parsedInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new UserError(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

type RevisionRow = {
  inspection_id: string;
  revision: number;
  content_hash: string;
  file?: string;
  service_id: string | null;
  service_name: string;
  comune: string | null;
  visit_date: string;
  purpose: string;
  inspector_id: string;
  inspector_name: string;
  received_at: string;
  review_status: ReviewStatus;
  review_notes: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  audit_status?: AuditStatus | null;
  audit_note?: string | null;
  protocol_number: string | null;
  protocol_date: string | null;
};

/** The latest registration's column `c` of the revision `r` (one index seek, migration 9). */
const latestRegistration = (c: string, r = 'r') =>
  `(SELECT g.${c} FROM act_registrations g WHERE g.inspection_id = ${r}.inspection_id AND g.revision = ${r}.revision
    ORDER BY g.id DESC LIMIT 1)`;

const SUMMARY_COLUMNS = `r.inspection_id, r.revision, r.content_hash, r.service_id, r.service_name, r.comune, r.visit_date,
  r.purpose, r.inspector_id, i.name AS inspector_name, r.received_at, r.review_status, r.review_notes, r.reviewed_by, r.reviewed_at,
  ${latestRegistration('protocol_number')} AS protocol_number, ${latestRegistration('protocol_date')} AS protocol_date`;

function summary(row: RevisionRow): RevisionSummary {
  return {
    inspectionId: row.inspection_id,
    revision: Number(row.revision),
    contentHash: row.content_hash,
    serviceId: row.service_id,
    serviceName: row.service_name,
    comune: row.comune,
    visitDate: row.visit_date,
    purpose: row.purpose,
    inspectorId: row.inspector_id,
    inspectorName: row.inspector_name,
    receivedAt: row.received_at,
    review: { status: row.review_status, notes: row.review_notes, by: row.reviewed_by, at: row.reviewed_at },
    protocol: row.protocol_number && row.protocol_date ? { number: row.protocol_number, date: row.protocol_date } : null,
  };
}

type DeviceRow = { id: string; label: string; inspector_id: string; name: string; created_at: string };
const DEVICE_SELECT =
  'SELECT d.id, d.label, d.inspector_id, i.name, d.created_at FROM devices d JOIN inspectors i ON i.id = d.inspector_id';
const deviceRecord = (r: DeviceRow): DeviceRecord => ({
  deviceId: r.id,
  label: r.label,
  inspectorId: r.inspector_id,
  inspectorName: r.name,
  pairedAt: r.created_at,
});

/** Rows each review status's count is spread over (migration 17): concurrent pushes rarely share one. */
export const REVIEW_COUNT_SLOTS = 32;

/** The `review_counts` slot of a visit (FNV-1a of its id): its revisions' status moves stay on one slot. */
export function reviewCountSlot(inspectionId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < inspectionId.length; i++) h = Math.imul(h ^ inspectionId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % REVIEW_COUNT_SLOTS;
}

/** Longest reason a clerk can give for moving a visit. */
export const TRANSFER_REASON_MAX = 1000;

/**
 * How far ahead document timestamps are renewed by default: those made under a TSA certificate that
 * expires within a year of `from`. The cruscotto counts with it and `office renew-timestamps` renews
 * with it, so the line and the command agree.
 */
export function renewalHorizon(from: Date): string {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString();
}

export class OfficeStore {
  constructor(
    readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  static async open(db: Db, clock?: () => Date): Promise<OfficeStore> {
    await migrate(db);
    return new OfficeStore(db, clock);
  }

  get kind(): Db['kind'] {
    return this.db.kind;
  }

  now(): string {
    return this.clock().toISOString();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ---------- the installation's territory ----------
  /** The territory id this office applies (office migration 6), or null for a new office not yet started. */
  async territory(): Promise<string | null> {
    const row = await this.db.get<{ value: string }>("SELECT value FROM office_settings WHERE key = 'territory'");
    return row?.value ?? null;
  }

  /**
   * The office's territory: the one recorded, else `wanted` (recorded now, once). An installation has
   * one territory: asking for another than the one recorded is refused, nothing changed.
   */
  async settleTerritory(wanted: string | undefined, fallback: string): Promise<string> {
    const recorded = await this.territory();
    if (recorded !== null) {
      if (wanted !== undefined && wanted !== recorded)
        throw new UserError(
          `l'ufficio applica già il territorio "${recorded}": un'installazione ha un solo territorio (per "${wanted}" serve un'altra cartella dei dati o un altro database)`,
          'territory',
        );
      return recorded;
    }
    const chosen = wanted ?? fallback;
    await this.db.run("INSERT INTO office_settings (key, value) VALUES ('territory', ?) ON CONFLICT (key) DO NOTHING", [chosen]);
    return (await this.territory())!;
  }

  // ---------- inspectors and their devices ----------
  async createInspector(name: string): Promise<{ id: string; name: string }> {
    const clean = name.trim();
    if (!clean || clean.length > 200) throw new UserError("il nome dell'ispettore è obbligatorio (max 200 caratteri)", 'name');
    const existing = await this.db.get<{ id: string }>('SELECT id FROM inspectors WHERE name = ?', [clean]);
    if (existing) return { id: existing.id, name: clean };
    const id = randomUUID();
    await this.db.run('INSERT INTO inspectors (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [
      id,
      clean,
      this.now(),
    ]);
    const row = await this.db.get<{ id: string }>('SELECT id FROM inspectors WHERE name = ?', [clean]);
    return { id: row!.id, name: clean };
  }

  async listInspectors(): Promise<Array<{ id: string; name: string; devices: number }>> {
    const rows = await this.db.all<{ id: string; name: string; devices: number }>(
      `SELECT i.id, i.name, COUNT(d.id) AS devices FROM inspectors i
       LEFT JOIN devices d ON d.inspector_id = i.id AND d.revoked_at IS NULL GROUP BY i.id, i.name ORDER BY i.name`,
    );
    return rows.map((r) => ({ ...r, devices: Number(r.devices) }));
  }

  async addDevice(inspectorId: string, tokenHash: string, label: string, sql: Sql = this.db): Promise<string> {
    const id = randomUUID();
    await sql.run('INSERT INTO devices (id, inspector_id, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      inspectorId,
      tokenHash,
      label,
      this.now(),
    ]);
    return id;
  }

  /** The laptops that may receive a visit (not revoked), by inspector. */
  async listDevices(): Promise<DeviceRecord[]> {
    const rows = await this.db.all<DeviceRow>(`${DEVICE_SELECT} WHERE d.revoked_at IS NULL ORDER BY i.name, d.created_at, d.id`);
    return rows.map(deviceRecord);
  }

  async authenticateDevice(tokenHash: string): Promise<DeviceIdentity | null> {
    const row = await this.db.get<{ id: string; inspector_id: string; name: string }>(
      `SELECT d.id, d.inspector_id, i.name FROM devices d JOIN inspectors i ON i.id = d.inspector_id
       WHERE d.token_hash = ? AND d.revoked_at IS NULL`,
      [tokenHash],
    );
    return row ? { deviceId: row.id, inspectorId: row.inspector_id, inspectorName: row.name } : null;
  }

  async createPairingCode(inspectorId: string, codeHash: string, expiresAt: string): Promise<void> {
    await this.db.run('INSERT INTO pairing_codes (code_hash, inspector_id, expires_at, created_at) VALUES (?, ?, ?, ?)', [
      codeHash,
      inspectorId,
      expiresAt,
      this.now(),
    ]);
  }

  /** Exchanges a pairing code, once, for a new device of its inspector. */
  async consumePairingCode(codeHash: string, tokenHash: string, label: string): Promise<DeviceIdentity | null> {
    return this.db.tx(async (sql) => {
      const now = this.now();
      const changed = await sql.run('UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?', [
        now,
        codeHash,
        now,
      ]);
      if (changed !== 1) return null;
      const code = await sql.get<{ inspector_id: string; name: string }>(
        'SELECT p.inspector_id, i.name FROM pairing_codes p JOIN inspectors i ON i.id = p.inspector_id WHERE p.code_hash = ?',
        [codeHash],
      );
      const deviceId = await this.addDevice(code!.inspector_id, tokenHash, label, sql);
      return { deviceId, inspectorId: code!.inspector_id, inspectorName: code!.name };
    });
  }

  // ---------- office staff ----------
  /**
   * Creates a clerk or changes their password; `access` (when given) sets the role, and the Comune of
   * a `comune` clerk. An existing clerk keeps their role when `access` is not given, and their e-mail
   * when `email` is undefined (the caller has checked it with `emailProblem`; empty removes it).
   */
  async createClerk(
    name: string,
    passwordHash: string,
    access?: { role: ClerkRole; comune?: string | null },
    email?: string,
  ): Promise<{ id: string; created: boolean }> {
    const clean = name.trim();
    if (!clean || clean.length > 200) throw new UserError("il nome dell'operatore è obbligatorio (max 200 caratteri)", 'name');
    const comune = access?.role === 'comune' ? (access.comune ?? '').trim() : null;
    if (access?.role === 'comune' && (!comune || comune.length > 120))
      throw new UserError("comune: il Comune dell'utente è obbligatorio (max 120 caratteri)", 'comune');
    const existing = await this.db.get<{ id: string }>('SELECT id FROM clerks WHERE name = ?', [clean]);
    if (existing) {
      await this.db.run('UPDATE clerks SET password_hash = ? WHERE id = ?', [passwordHash, existing.id]);
      if (access) await this.db.run('UPDATE clerks SET role = ?, comune = ? WHERE id = ?', [access.role, comune, existing.id]);
      if (email !== undefined) await this.db.run('UPDATE clerks SET email = ? WHERE id = ?', [email.trim() || null, existing.id]);
      return { id: existing.id, created: false };
    }
    const id = randomUUID();
    await this.db.run('INSERT INTO clerks (id, name, password_hash, created_at, role, comune, email) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      clean,
      passwordHash,
      this.now(),
      access?.role ?? 'office',
      comune,
      email?.trim() || null,
    ]);
    return { id, created: true };
  }

  getClerkByName(name: string): Promise<{ id: string; name: string; password_hash: string; role: ClerkRole } | undefined> {
    return this.db.get('SELECT id, name, password_hash, role FROM clerks WHERE name = ?', [name.trim()]);
  }

  async createSession(idHash: string, clerkId: string, csrf: string, expiresAt: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE expires_at <= ?', [this.now()]);
    await this.db.run('INSERT INTO sessions (id_hash, clerk_id, csrf, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
      idHash,
      clerkId,
      csrf,
      expiresAt,
      this.now(),
    ]);
  }

  async getSession(idHash: string): Promise<Session | null> {
    const row = await this.db.get<{
      clerk_id: string;
      name: string;
      csrf: string;
      expires_at: string;
      role: ClerkRole;
      comune: string | null;
    }>(
      'SELECT s.clerk_id, c.name, s.csrf, s.expires_at, c.role, c.comune FROM sessions s JOIN clerks c ON c.id = s.clerk_id WHERE s.id_hash = ? AND s.expires_at > ?',
      [idHash, this.now()],
    );
    return row
      ? { clerkId: row.clerk_id, clerkName: row.name, csrf: row.csrf, expiresAt: row.expires_at, role: row.role, comune: row.comune }
      : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
  }

  // ---------- services registry ----------
  /** Creates (no id) or edits a service; the new version goes on the change feed for the laptops. */
  /**
   * The registry entry that is the same structure: same name, Comune and type, ignoring case and
   * surrounding spaces (folded in JS: SQLite's lower() folds only ASCII, and names carry accents).
   * The name is found by its folded key (`services.name_key`, migration 6), one index seek.
   */
  async #sameService(sql: Sql, s: { name?: unknown; comune?: unknown; type?: unknown }, exceptId?: string): Promise<Service | null> {
    const fold = (v: unknown) => (typeof v === 'string' ? serviceKey(v) : '');
    if (!fold(s.name)) return null;
    const rows = await sql.all<{ data: string }>('SELECT data FROM services WHERE name_key = ? ORDER BY created_at, id', [fold(s.name)]);
    return (
      rows
        .map((r) => JSON.parse(r.data) as Service)
        .find((x) => x.id !== exceptId && fold(x.name) === fold(s.name) && fold(x.comune) === fold(s.comune) && x.type === s.type) ?? null
    );
  }

  async saveService(input: unknown, id?: string): Promise<Service> {
    const parsed = ServiceInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
    }
    return this.db.tx(async (sql) => {
      await this.db.lockChangeFeed(sql);
      const now = this.now();
      let createdAt = now;
      if (id) {
        const existing = await sql.get<{ created_at: string }>('SELECT created_at FROM services WHERE id = ?', [id]);
        if (!existing) throw new UserError('servizio non trovato', 'id');
        createdAt = existing.created_at;
      }
      // The registry is what laptops link their visits to: one entry per structure.
      const twin = await this.#sameService(sql, parsed.data, id);
      if (twin)
        throw new UserError(`esiste già «${twin.name}» (${twin.comune}) con la stessa tipologia nel registro: modificare quello`, 'name');
      const service: Service = Service.parse({ ...parsed.data, id: id ?? randomUUID(), createdAt, updatedAt: now });
      if (id)
        await sql.run('UPDATE services SET name = ?, name_key = ?, data = ?, updated_at = ? WHERE id = ?', [
          service.name,
          serviceKey(service.name),
          JSON.stringify(service),
          now,
          id,
        ]);
      else
        await sql.run('INSERT INTO services (id, name, name_key, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
          service.id,
          service.name,
          serviceKey(service.name),
          JSON.stringify(service),
          now,
          now,
        ]);
      await this.appendChange(sql, 'service', service.id, null, { service });
      return service;
    });
  }

  async listServices(): Promise<Service[]> {
    const rows = await this.db.all<{ data: string }>('SELECT data FROM services ORDER BY name, id');
    return rows.map((r) => JSON.parse(r.data) as Service);
  }

  async getService(id: string, sql: Sql = this.db): Promise<Service | null> {
    const row = await sql.get<{ data: string }>('SELECT data FROM services WHERE id = ?', [id]);
    return row ? (JSON.parse(row.data) as Service) : null;
  }

  // ---------- received inspections ----------
  /**
   * Stores a revision the first time; the same bundle again is `same`, another one `conflict`.
   * The first revision received makes its laptop the visit's owner; a revision from any other
   * laptop is `forbidden` before anything about the stored content is looked at, and nothing of
   * it is kept.
   */
  async putRevision(s: Submission): Promise<'created' | 'same' | 'conflict' | 'forbidden'> {
    return this.db.tx(async (sql) => {
      // Two laptops racing for a new id: the insert of the second waits for the first to commit, then does nothing.
      await sql.run(
        'INSERT INTO visits (inspection_id, device_id, inspector_id, since) VALUES (?, ?, ?, ?) ON CONFLICT (inspection_id) DO NOTHING',
        [s.inspectionId, s.deviceId, s.inspectorId, this.now()],
      );
      const owner = await this.#owner(sql, s.inspectionId, true);
      if (owner?.deviceId !== s.deviceId) return 'forbidden';
      const inserted = await sql.run(
        `INSERT INTO revisions (inspection_id, revision, content_hash, bundle_hash, file, service_id, service_name, service_key, comune,
           visit_date, purpose, inspector_id, device_id, received_at, review_status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ricevuta') ON CONFLICT (inspection_id, revision) DO NOTHING`,
        [
          s.inspectionId,
          s.revision,
          s.contentHash,
          s.bundleHash,
          JSON.stringify(s.file),
          s.serviceId,
          s.serviceName,
          serviceKey(s.serviceName),
          s.comune,
          s.visitDate,
          s.purpose,
          s.inspectorId,
          s.deviceId,
          this.now(),
        ],
      );
      if (inserted === 0) {
        const row = await sql.get<{ bundle_hash: string }>('SELECT bundle_hash FROM revisions WHERE inspection_id = ? AND revision = ?', [
          s.inspectionId,
          s.revision,
        ]);
        return row?.bundle_hash === s.bundleHash ? 'same' : 'conflict';
      }
      for (const [i, a] of s.attachments.entries()) {
        await sql.run(
          'INSERT INTO attachments (inspection_id, revision, position, sha256, size, kind, name) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [s.inspectionId, s.revision, i, a.sha256, a.size, a.kind, a.name],
        );
        if (a.kind === 'report') await this.#queueAugmentation(sql, s.inspectionId, s.revision, a.sha256);
      }
      for (const [i, p] of s.prescriptions.entries()) {
        await sql.run('INSERT INTO prescriptions (inspection_id, revision, position, rule, text, deadline) VALUES (?, ?, ?, ?, ?, ?)', [
          s.inspectionId,
          s.revision,
          i,
          p.rule,
          p.text,
          p.deadline,
        ]);
      }
      if (s.audit) await this.#checkAudit(sql, s, s.audit);
      // The follow-up plans whose prescriptions to verify this revision may change, as they are now.
      const watched = await followUpsOfOrigins(sql, [
        s.inspectionId,
        ...((s.file as { verifications?: Verification[] }).verifications ?? []).map((v) => v.prescription.visitId),
        ...(s.revision > 1
          ? (
              await sql.all<{ inspection_id: string }>(
                'SELECT DISTINCT inspection_id FROM prescription_verifications WHERE by_inspection_id = ? ORDER BY inspection_id',
                [s.inspectionId],
              )
            ).map((r) => r.inspection_id)
          : []),
      ]);
      // Last, so that the change-feed lock it takes is held for the fewest statements before the commit.
      const serviceId = s.serviceId ?? (await this.#linkService(sql, s));
      await this.#refreshLatest(sql, s, serviceId);
      // The planned visit it fulfils (issue 14), which the agendas of its commission then show «svolta».
      await linkReceivedVisit(this.db, sql, { ...s, serviceId }, this.now());
      // Then the follow-ups whose list changed (a correction of their origin, a verification received).
      await republishChangedFollowUps(this.db, sql, watched, this.now());
      // Last of all: the count's row lock (PostgreSQL) is then held only for the commit, and always
      // after the change-feed lock, in the order decide() takes them (no deadlock between the two).
      await this.#countStatus(sql, s.inspectionId, null, 'ricevuta');
      return 'created';
    });
  }

  /**
   * Keeps `latest_revisions` and `latest_prescriptions` (migration 5) in step with a visit's
   * highest revision, once its service link is known: the dashboards read these instead of every
   * revision. A lower revision arriving late changes nothing (the upsert's WHERE). A push of a
   * new visit costs one statement, two with prescriptions (PostgreSQL: each is a round trip).
   */
  async #refreshLatest(sql: Sql, s: Submission, serviceId: string | null): Promise<void> {
    // Any revision of a visit is a visit of its service: the follow-up of that service's earlier
    // prescriptions due by its date, unless they have an earlier one (migration 7).
    if (serviceId)
      await sql.run(
        `UPDATE latest_prescriptions SET follow_up = ?
         WHERE service_id = ? AND deadline <= ? AND inspection_id <> ? AND (follow_up IS NULL OR follow_up > ?)`,
        [s.visitDate, serviceId, s.visitDate, s.inspectionId, s.visitDate],
      );
    const applied = await sql.run(
      `INSERT INTO latest_revisions (inspection_id, revision, service_id, service_name, comune, visit_date) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (inspection_id) DO UPDATE SET revision = excluded.revision, service_id = excluded.service_id,
         service_name = excluded.service_name, comune = excluded.comune, visit_date = excluded.visit_date
       WHERE latest_revisions.revision < excluded.revision`,
      [s.inspectionId, s.revision, serviceId, s.serviceName, s.comune, s.visitDate],
    );
    if (!applied) return;
    // What this visit (its latest revision) found of earlier prescriptions (migration 14).
    const verifications = (s.file as { verifications?: Verification[] }).verifications ?? [];
    if (s.revision > 1) await sql.run('DELETE FROM prescription_verifications WHERE by_inspection_id = ?', [s.inspectionId]);
    for (const v of verifications) {
      // Only the service's own prescriptions: a visit attests what it found at its service, so a
      // verification naming another service's prescription (a hand-made file) is not recorded
      // (the revision itself is kept). One whose visit has not arrived yet is recorded.
      const of = await sql.get<{ service_id: string | null }>(
        'SELECT service_id FROM latest_prescriptions WHERE inspection_id = ? AND position = ?',
        [v.prescription.visitId, v.prescription.position],
      );
      if (of?.service_id && of.service_id !== serviceId) continue;
      await sql.run(
        `INSERT INTO prescription_verifications (inspection_id, position, by_inspection_id, by_revision, visit_date, outcome, note, act, article)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (inspection_id, position, by_inspection_id) DO NOTHING`,
        [
          v.prescription.visitId,
          v.prescription.position,
          s.inspectionId,
          s.revision,
          s.visitDate,
          v.outcome,
          v.note ?? null,
          v.consequence?.act ?? null,
          v.consequence?.article ?? null,
        ],
      );
    }
    // Revision 1 is the first row of its visit unless a higher one came first, and then nothing was applied.
    if (s.revision > 1) await sql.run('DELETE FROM latest_prescriptions WHERE inspection_id = ?', [s.inspectionId]);
    if (s.prescriptions.length)
      await sql.run(
        `INSERT INTO latest_prescriptions (inspection_id, position, revision, rule, text, deadline, service_id, service_name, comune, visit_date,
           follow_up)
         SELECT p.inspection_id, p.position, p.revision, p.rule, p.text, p.deadline, ?, ?, ?, ?,
           (SELECT r.visit_date FROM revisions r WHERE r.service_id = ? AND r.visit_date >= p.deadline AND r.inspection_id <> p.inspection_id
            ORDER BY r.visit_date LIMIT 1)
         FROM prescriptions p WHERE p.inspection_id = ? AND p.revision = ?`,
        [serviceId, s.serviceName, s.comune, s.visitDate, serviceId, s.inspectionId, s.revision],
      );
  }

  /**
   * Checks a revision's audit segment against the positions of the same device's chain received
   * before (with earlier revisions, in any order): a laptop whose history was rewritten after it
   * sent them cannot present a segment that folds to the same hashes. The result is recorded on
   * the revision for the clerk; the revision is kept either way (it is evidence).
   */
  async #checkAudit(sql: Sql, s: Submission, audit: AuditSegment): Promise<void> {
    let status: AuditStatus;
    let note: string | null = null;
    const problem = segmentProblem(audit);
    if (problem) {
      status = 'riscritta';
      note = `registro del portatile incoerente: ${problem}`;
    } else {
      const hashes = new Map([
        [audit.from.seq, audit.from.hash],
        ...foldDigests(audit.from, audit.digests).map((p) => [p.seq, p.hash] as const),
      ]);
      const known = await sql.all<{ seq: number; hash: string; inspection_id: string; revision: number }>(
        'SELECT seq, hash, inspection_id, revision FROM device_audit_points WHERE device_id = ? AND seq >= ? AND seq <= ? ORDER BY seq',
        [s.deviceId, audit.from.seq, audit.head.seq],
      );
      const broken = known.find((k) => hashes.get(Number(k.seq)) !== k.hash);
      if (broken) {
        status = 'riscritta';
        note = `la voce ${Number(broken.seq)} del registro non è più quella ricevuta con l'ispezione ${broken.inspection_id} (revisione ${Number(broken.revision)})`;
      } else if (known.length || audit.from.seq === 0)
        status = 'coerente'; // seq 0: the chain from its start
      else {
        status = 'non_collegata';
        // Normally a segment starts at the head sent with the laptop's previous revision. Starting
        // past points the office holds is what a history rewritten with moved seal heads looks
        // like, or a revision that never arrived: not proof either way, so the clerk is told to check.
        const earlier = await sql.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM device_audit_points WHERE device_id = ? AND seq < ?', [
          s.deviceId,
          audit.from.seq,
        ]);
        if (earlier?.seq != null)
          note = `il registro inviato riparte dalla voce ${audit.from.seq}, che l'ufficio non ha ricevuto, dopo la voce ${Number(earlier.seq)} ricevuta prima da questo portatile: una revisione non arrivata o una storia riscritta`;
      }
    }
    await sql.run('UPDATE revisions SET audit_status = ?, audit_note = ? WHERE inspection_id = ? AND revision = ?', [
      status,
      note,
      s.inspectionId,
      s.revision,
    ]);
    for (const p of [audit.from, audit.head]) {
      if (p.seq === 0) continue; // the genesis is everyone's
      await sql.run(
        'INSERT INTO device_audit_points (device_id, seq, hash, inspection_id, revision) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, seq) DO NOTHING',
        [s.deviceId, p.seq, p.hash, s.inspectionId, s.revision],
      );
    }
  }

  /**
   * A service the laptop created itself (the revision names no registry id): the registry entry
   * with the same name, Comune and type (case-insensitive) is linked, otherwise one is created
   * from the file's service section. The link goes on the feed to the sending inspector BEFORE
   * the new service, so the laptop maps its own service to the office's id before it sees the
   * office's copy, and neither side ends up with two.
   */
  async #linkService(sql: Sql, s: Submission): Promise<string | null> {
    // From here to the commit: the link (and a new service) goes on the feed, and two pushes of the
    // same new structure must not both create it. Taken only now, not at the start of the push, so
    // pushes run their other statements side by side (PostgreSQL; SQLite has one writer anyway).
    await this.db.lockChangeFeed(sql);
    const section = (s.file as { service?: Record<string, unknown> }).service ?? {};
    let service = await this.#sameService(sql, section);
    let created = false;
    if (!service) {
      const act = (a: unknown) => (a as { issuedOn?: string } | undefined)?.issuedOn ?? null;
      const input = ServiceInput.safeParse({
        name: section.name,
        type: section.type,
        comune: section.comune,
        address: section.address ?? '',
        referente: section.referente ?? '',
        capacity: section.capacity,
        kitchen: section.kitchen ?? false,
        territorialRls: section.territorialRls ?? false,
        authorizationIssuedOn: act(section.authorization),
        accreditationIssuedOn: act(section.accreditation),
      });
      // A section the registry cannot hold (no Comune, capacity 0): the revision stays unlinked.
      if (!input.success) return null;
      const now = this.now();
      service = Service.parse({ ...input.data, id: randomUUID(), createdAt: now, updatedAt: now });
      await sql.run('INSERT INTO services (id, name, name_key, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
        service.id,
        service.name,
        serviceKey(service.name),
        JSON.stringify(service),
        now,
        now,
      ]);
      created = true;
    }
    await sql.run('UPDATE revisions SET service_id = ? WHERE inspection_id = ? AND revision = ?', [service.id, s.inspectionId, s.revision]);
    await this.appendChange(sql, 'service_link', `${s.inspectionId}#${s.revision}`, s.inspectorId, {
      inspectionId: s.inspectionId,
      revision: s.revision,
      contentHash: s.contentHash,
      serviceId: service.id,
      created,
    });
    if (created) await this.appendChange(sql, 'service', service.id, null, { service });
    return service.id;
  }

  /**
   * A later version of an attachment (a co-signed report) for a revision already received:
   * appended after the others, never replacing them. The same content again is `same`.
   */
  async addAttachment(a: {
    inspectionId: string;
    revision: number;
    deviceId: string;
    contentHash?: string;
    attachment: AttachmentRef;
  }): Promise<'created' | 'same' | 'not_found' | 'conflict'> {
    return this.db.tx(async (sql) => {
      // Another laptop's visit is, to that laptop, a visit that does not exist.
      if ((await this.#owner(sql, a.inspectionId, true))?.deviceId !== a.deviceId) return 'not_found';
      const row = await sql.get<{ content_hash: string }>('SELECT content_hash FROM revisions WHERE inspection_id = ? AND revision = ?', [
        a.inspectionId,
        a.revision,
      ]);
      if (!row) return 'not_found';
      if (a.contentHash && a.contentHash !== row.content_hash) return 'conflict';
      const same = await sql.get('SELECT 1 AS x FROM attachments WHERE inspection_id = ? AND revision = ? AND sha256 = ?', [
        a.inspectionId,
        a.revision,
        a.attachment.sha256,
      ]);
      if (same) return 'same';
      const next = await sql.get<{ p: number }>(
        'SELECT COALESCE(MAX(position), -1) + 1 AS p FROM attachments WHERE inspection_id = ? AND revision = ?',
        [a.inspectionId, a.revision],
      );
      const { sha256, size, kind, name } = a.attachment;
      await sql.run(
        'INSERT INTO attachments (inspection_id, revision, position, sha256, size, kind, name, added_at, added_by_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [a.inspectionId, a.revision, Number(next!.p), sha256, size, kind, name, this.now(), a.deviceId],
      );
      if (kind === 'report') await this.#queueAugmentation(sql, a.inspectionId, a.revision, sha256);
      return 'created';
    });
  }

  // ---------- long-term validation of received reports (migration 8) ----------
  /** A received report version waits for the office's background job (durable: same transaction as its arrival). */
  async #queueAugmentation(sql: Sql, inspectionId: string, revision: number, sha256: string): Promise<void> {
    const now = this.now();
    await sql.run(
      `INSERT INTO report_augmentations (inspection_id, revision, sha256, status, attempts, next_try_at, queued_at)
       VALUES (?, ?, ?, 'in_attesa', 0, ?, ?) ON CONFLICT (inspection_id, revision, sha256) DO NOTHING`,
      [inspectionId, revision, sha256, now, now],
    );
  }

  /** The queue rows due at `now` (every waiting one, and the failed ones whose pause is over), oldest first. */
  async dueAugmentations(now: string, limit = 10): Promise<AugmentationRecord[]> {
    const rows = await this.db.all<AugmentationRow>(
      `SELECT ${AUGMENTATION_COLUMNS} FROM report_augmentations WHERE status = 'in_attesa' OR (status = 'errore' AND next_try_at <= ?)
       ORDER BY next_try_at, queued_at LIMIT ?`,
      [now, limit],
    );
    return rows.map(augmentationRecord);
  }

  async augmentationsOf(inspectionId: string, revision: number): Promise<AugmentationRecord[]> {
    const rows = await this.db.all<AugmentationRow>(
      `SELECT ${AUGMENTATION_COLUMNS} FROM report_augmentations WHERE inspection_id = ? AND revision = ? ORDER BY queued_at, sha256`,
      [inspectionId, revision],
    );
    return rows.map(augmentationRecord);
  }

  /** A try that failed: the Italian reason, and when to try again. */
  async augmentationFailed(key: AugmentationKey, reason: string, nextTryAt: string): Promise<void> {
    await this.db.run(
      `UPDATE report_augmentations SET status = 'errore', attempts = attempts + 1, last_error = ?, next_try_at = ?
       WHERE inspection_id = ? AND revision = ? AND sha256 = ?`,
      [reason, nextTryAt, key.inspectionId, key.revision, key.sha256],
    );
  }

  /** Nothing to do for this version (not signed, or B-LTA already): what was found is kept. */
  async augmentationNotNeeded(key: AugmentationKey, outcome: { level: string | null; timestampExpiresAt: string | null; note: string }) {
    await this.db.run(
      `UPDATE report_augmentations SET status = 'non_necessaria', attempts = attempts + 1, last_error = ?, level = ?, timestamp_expires_at = ?, done_at = ?
       WHERE inspection_id = ? AND revision = ? AND sha256 = ?`,
      [outcome.note, outcome.level, outcome.timestampExpiresAt, this.now(), key.inspectionId, key.revision, key.sha256],
    );
  }

  /**
   * The office made a long-term version (augmented or with a renewed document timestamp) of a
   * received report: appended as a later version of the revision's report (`derived_from` the one
   * it came from), and the queue row points at it. One transaction.
   */
  async augmentationDone(
    key: AugmentationKey,
    made: { sha256: string; size: number; name: string; derivedFrom: string; level: string; timestampExpiresAt: string | null },
  ): Promise<void> {
    await this.db.tx(async (sql) => {
      const exists = await sql.get('SELECT 1 AS x FROM attachments WHERE inspection_id = ? AND revision = ? AND sha256 = ?', [
        key.inspectionId,
        key.revision,
        made.sha256,
      ]);
      if (!exists) {
        const next = await sql.get<{ p: number }>(
          'SELECT COALESCE(MAX(position), -1) + 1 AS p FROM attachments WHERE inspection_id = ? AND revision = ?',
          [key.inspectionId, key.revision],
        );
        await sql.run(
          `INSERT INTO attachments (inspection_id, revision, position, sha256, size, kind, name, added_at, added_by_device, derived_from)
           VALUES (?, ?, ?, ?, ?, 'report', ?, ?, NULL, ?)`,
          [key.inspectionId, key.revision, Number(next!.p), made.sha256, made.size, made.name, this.now(), made.derivedFrom],
        );
      }
      await sql.run(
        `UPDATE report_augmentations SET status = 'completata', attempts = attempts + 1, last_error = NULL, result_sha256 = ?, level = ?,
           timestamp_expires_at = ?, done_at = ?
         WHERE inspection_id = ? AND revision = ? AND sha256 = ?`,
        [made.sha256, made.level, made.timestampExpiresAt, this.now(), key.inspectionId, key.revision, key.sha256],
      );
    });
  }

  /**
   * Archived reports whose last document timestamp was made under a TSA certificate that expires
   * before `before` (ISO instant): their long-term version needs a new document timestamp.
   */
  async renewalsDue(before: string, limit = 1000): Promise<AugmentationRecord[]> {
    const rows = await this.db.all<AugmentationRow>(
      `SELECT ${AUGMENTATION_COLUMNS} FROM report_augmentations WHERE status IN ('completata', 'non_necessaria')
         AND timestamp_expires_at IS NOT NULL AND timestamp_expires_at < ? ORDER BY timestamp_expires_at LIMIT ?`,
      [before, limit],
    );
    return rows.map(augmentationRecord);
  }

  async countRenewalsDue(before: string): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM report_augmentations WHERE status IN ('completata', 'non_necessaria')
         AND timestamp_expires_at IS NOT NULL AND timestamp_expires_at < ?`,
      [before],
    );
    return Number(row?.n ?? 0);
  }

  // ---------- who owns a visit, who holds an attachment ----------
  /**
   * The visit's owner. Inside a writing transaction `lock` holds the row (PostgreSQL; SQLite has
   * one writer) so a clerk's transfer cannot commit between this check and the write it guards.
   */
  async #owner(sql: Sql, inspectionId: string, lock = false): Promise<VisitOwner | null> {
    const forUpdate = lock && this.db.kind === 'postgres' ? ' FOR UPDATE' : '';
    const row = await sql.get<{ device_id: string; inspector_id: string; since: string }>(
      `SELECT device_id, inspector_id, since FROM visits WHERE inspection_id = ?${forUpdate}`,
      [inspectionId],
    );
    return row ? { deviceId: row.device_id, inspectorId: row.inspector_id, since: row.since } : null;
  }

  visitOwner(inspectionId: string): Promise<VisitOwner | null> {
    return this.#owner(this.db, inspectionId);
  }

  /** Records that `deviceId` sent the bytes of `sha256` itself (the office checked their hash). */
  async recordBlobHolder(sha256: string, deviceId: string): Promise<void> {
    await this.db.run('INSERT INTO blob_holders (sha256, device_id, since) VALUES (?, ?, ?) ON CONFLICT (sha256, device_id) DO NOTHING', [
      sha256,
      deviceId,
      this.now(),
    ]);
  }

  /**
   * Whether this laptop may use the attachment `sha256`: it sent the bytes itself, or the
   * attachment belongs to a visit it owns now (moved to it by a clerk). Whether another laptop
   * sent those bytes never counts: that would tell who holds what.
   */
  async holdsBlob(deviceId: string, sha256: string): Promise<boolean> {
    const row = await this.db.get(
      `SELECT 1 AS x FROM blob_holders WHERE sha256 = ? AND device_id = ?
       UNION ALL SELECT 1 AS x FROM attachments a JOIN visits v ON v.inspection_id = a.inspection_id WHERE a.sha256 = ? AND v.device_id = ?
       LIMIT 1`,
      [sha256, deviceId, sha256, deviceId],
    );
    return !!row;
  }

  /**
   * Checks a move of a visit to another laptop without making it (the clerk confirms first):
   * the visit, the laptop it has now, the one chosen (paired, not revoked, another one) and the reason.
   */
  async #transferPlan(
    sql: Sql,
    t: { inspectionId: string; toDeviceId: string; reason: string },
    lock = false,
  ): Promise<{ from: DeviceRecord; to: DeviceRecord; reason: string }> {
    const reason = t.reason.trim();
    const owner = await this.#owner(sql, t.inspectionId, lock);
    if (!owner) throw new UserError('visita non trovata', 'id');
    const to = await sql.get<DeviceRow>(`${DEVICE_SELECT} WHERE d.id = ? AND d.revoked_at IS NULL`, [t.toDeviceId]);
    if (!to) throw new UserError('dispositivo: portatile non trovato o revocato: sceglierne uno dall’elenco', 'dispositivo');
    if (to.id === owner.deviceId) throw new UserError('dispositivo: la visita è già di questo portatile', 'dispositivo');
    if (!reason) throw new UserError('motivo: scrivere perché la visita passa a un altro portatile', 'motivo');
    if (reason.length > TRANSFER_REASON_MAX) throw new UserError(`motivo: al massimo ${TRANSFER_REASON_MAX} caratteri`, 'motivo');
    const from = await sql.get<DeviceRow>(`${DEVICE_SELECT} WHERE d.id = ?`, [owner.deviceId]);
    return { from: deviceRecord(from!), to: deviceRecord(to), reason };
  }

  planTransfer(t: {
    inspectionId: string;
    toDeviceId: string;
    reason: string;
  }): Promise<{ from: DeviceRecord; to: DeviceRecord; reason: string }> {
    return this.#transferPlan(this.db, t);
  }

  /**
   * A clerk moves a visit to another laptop (a stolen or replaced one): from now on only that
   * laptop may send its revisions and read it. Recorded with who, when, from, to and why.
   */
  async transferVisit(t: { inspectionId: string; toDeviceId: string; clerkId: string; reason: string }): Promise<VisitTransfer> {
    await this.db.tx(async (sql) => {
      const plan = await this.#transferPlan(sql, t, true);
      const at = this.now();
      await sql.run('UPDATE visits SET device_id = ?, inspector_id = ?, since = ? WHERE inspection_id = ?', [
        plan.to.deviceId,
        plan.to.inspectorId,
        at,
        t.inspectionId,
      ]);
      await sql.run(
        'INSERT INTO visit_transfers (inspection_id, at, clerk_id, from_device_id, to_device_id, reason) VALUES (?, ?, ?, ?, ?, ?)',
        [t.inspectionId, at, t.clerkId, plan.from.deviceId, plan.to.deviceId, plan.reason],
      );
    });
    return (await this.listTransfers(t.inspectionId)).at(-1)!;
  }

  /** The moves of a visit between laptops, oldest first. */
  async listTransfers(inspectionId: string): Promise<VisitTransfer[]> {
    const rows = await this.db.all<{ at: string; clerk: string; reason: string; from_device_id: string; to_device_id: string }>(
      `SELECT t.at, c.name AS clerk, t.reason, t.from_device_id, t.to_device_id FROM visit_transfers t JOIN clerks c ON c.id = t.clerk_id
       WHERE t.inspection_id = ? ORDER BY t.id`,
      [inspectionId],
    );
    const devices = new Map<string, DeviceRecord>();
    for (const id of new Set(rows.flatMap((r) => [r.from_device_id, r.to_device_id]))) {
      const d = await this.db.get<DeviceRow>(`${DEVICE_SELECT} WHERE d.id = ?`, [id]);
      if (d) devices.set(id, deviceRecord(d));
    }
    return rows.map((r) => ({
      inspectionId,
      at: r.at,
      clerkName: r.clerk,
      reason: r.reason,
      fromDevice: devices.get(r.from_device_id)!,
      toDevice: devices.get(r.to_device_id)!,
    }));
  }

  /** The laptop a visit belongs to, with its inspector, for the review page. */
  async visitDevice(inspectionId: string): Promise<DeviceRecord | null> {
    const row = await this.db.get<DeviceRow>(`${DEVICE_SELECT} JOIN visits v ON v.device_id = d.id WHERE v.inspection_id = ?`, [
      inspectionId,
    ]);
    return row ? deviceRecord(row) : null;
  }

  /** One revision with its attachments and prescriptions; `sql` reads inside a transaction (a decision's). */
  async getRevision(inspectionId: string, revision: number, sql: Sql = this.db): Promise<RevisionRecord | null> {
    const row = await sql.get<RevisionRow>(
      `SELECT ${SUMMARY_COLUMNS}, r.file FROM revisions r JOIN inspectors i ON i.id = r.inspector_id WHERE r.inspection_id = ? AND r.revision = ?`,
      [inspectionId, revision],
    );
    if (!row) return null;
    const audit = await sql.get<{ audit_status: AuditStatus | null; audit_note: string | null }>(
      'SELECT audit_status, audit_note FROM revisions WHERE inspection_id = ? AND revision = ?',
      [inspectionId, revision],
    );
    const attachments = await sql.all<AttachmentRef & { added_at: string | null; derived_from: string | null }>(
      'SELECT sha256, size, kind, name, added_at, derived_from FROM attachments WHERE inspection_id = ? AND revision = ? ORDER BY position',
      [inspectionId, revision],
    );
    const prescriptions = await sql.all<PrescriptionRef>(
      'SELECT rule, text, deadline FROM prescriptions WHERE inspection_id = ? AND revision = ? ORDER BY position',
      [inspectionId, revision],
    );
    return {
      ...summary(row),
      file: JSON.parse(row.file!),
      audit: audit?.audit_status ? { status: audit.audit_status, note: audit.audit_note } : null,
      attachments: attachments.map(({ added_at, derived_from, ...a }) => ({
        ...a,
        size: Number(a.size),
        addedAt: added_at,
        ...(derived_from ? { derivedFrom: derived_from } : {}),
      })),
      prescriptions,
    };
  }

  async listRevisionsOf(inspectionId: string): Promise<RevisionRecord[]> {
    const revs = await this.db.all<{ revision: number }>('SELECT revision FROM revisions WHERE inspection_id = ? ORDER BY revision', [
      inspectionId,
    ]);
    const out: RevisionRecord[] = [];
    for (const r of revs) out.push((await this.getRevision(inspectionId, Number(r.revision)))!);
    return out;
  }

  /**
   * One page of the revisions in a review status, the latest received first (received_at DESC,
   * then inspection id and revision): `limit` rows after `after` (keyset: an index range from the
   * last row shown, never an OFFSET), and the key to ask for the next page, if there is one.
   */
  async listByStatus(
    status: ReviewStatus,
    limit: number,
    after: QueueKey | null = null,
  ): Promise<{ rows: RevisionSummary[]; next: QueueKey | null }> {
    const rows = await this.db.all<RevisionRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM revisions r JOIN inspectors i ON i.id = r.inspector_id
       WHERE r.review_status = ?${
         after
           ? ` AND r.received_at <= ?
           AND (r.received_at < ? OR (r.received_at = ? AND (r.inspection_id > ? OR (r.inspection_id = ? AND r.revision > ?))))`
           : ''
       }
       ORDER BY r.received_at DESC, r.inspection_id, r.revision LIMIT ?`,
      after
        ? [status, after.receivedAt, after.receivedAt, after.receivedAt, after.inspectionId, after.inspectionId, after.revision, limit + 1]
        : [status, limit + 1],
    );
    const page = rows.slice(0, limit).map(summary);
    const last = page.at(-1);
    return {
      rows: page,
      next: rows.length > limit && last ? { receivedAt: last.receivedAt, inspectionId: last.inspectionId, revision: last.revision } : null,
    };
  }

  /** How many revisions are in each review status: the sum of its rows of `review_counts` (migration 17), not a count of revisions. */
  async countByStatus(): Promise<Record<ReviewStatus, number>> {
    const rows = await this.db.all<{ status: ReviewStatus; n: number | string }>(
      'SELECT status, SUM(n) AS n FROM review_counts GROUP BY status',
    );
    const out = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0])) as Record<ReviewStatus, number>;
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /**
   * One revision of the visit moves from `from` (null: it has just arrived) to `to`, in the caller's
   * transaction: one statement. The two rows are written in the order of the statuses' path
   * (ricevuta → in_validazione → validata/respinta), the same in every transaction.
   */
  async #countStatus(sql: Sql, inspectionId: string, from: ReviewStatus | null, to: ReviewStatus): Promise<void> {
    const slot = reviewCountSlot(inspectionId);
    const rows = from ? [from, -1, to, 1] : [to, 1];
    await sql.run(
      `INSERT INTO review_counts (status, slot, n) VALUES ${from ? '(?, ?, ?), (?, ?, ?)' : '(?, ?, ?)'}
       ON CONFLICT (status, slot) DO UPDATE SET n = review_counts.n + excluded.n`,
      from ? [rows[0], slot, rows[1], rows[2], slot, rows[3]] : [rows[0], slot, rows[1]],
    );
  }

  /** Every received revision (without the file): the dashboards read the summaries instead; kept for tests comparing with them. */
  async allRevisionSummaries(): Promise<RevisionSummary[]> {
    const rows = await this.db.all<RevisionRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM revisions r JOIN inspectors i ON i.id = r.inspector_id ORDER BY r.visit_date`,
    );
    return rows.map(summary);
  }

  /** Prescriptions of the latest revision of every inspection. */
  async latestPrescriptions(): Promise<
    Array<
      PrescriptionRef & {
        inspectionId: string;
        position: number;
        revision: number;
        serviceId: string | null;
        serviceName: string;
        comune: string | null;
        visitDate: string;
      }
    >
  > {
    const rows = await this.db.all<PrescriptionRow & { position: number }>(
      `SELECT p.inspection_id, p.position, p.revision, p.rule, p.text, p.deadline, r.service_id, r.service_name, r.comune, r.visit_date
       FROM prescriptions p JOIN revisions r ON r.inspection_id = p.inspection_id AND r.revision = p.revision
       WHERE p.revision = (SELECT MAX(r2.revision) FROM revisions r2 WHERE r2.inspection_id = p.inspection_id)
       ORDER BY p.deadline, p.inspection_id, p.position`,
    );
    return rows.map((r) => ({ ...prescriptionOf(r), position: Number(r.position) }));
  }

  // ---------- dashboards (from the summaries of migration 5) ----------
  /** The latest visit date up to `asOf` of each registry service, from its visits' latest revisions (one index seek each). */
  async lastVisitPerService(asOf: string): Promise<Map<string, string>> {
    const rows = await this.db.all<{ id: string; last: string | null }>(
      // ORDER BY … LIMIT 1 rather than MAX(): both engines then stop at the first index entry
      // instead of aggregating all of the service's visits.
      `SELECT s.id, (SELECT l.visit_date FROM latest_revisions l WHERE l.service_id = s.id AND l.visit_date <= ?
         ORDER BY l.visit_date DESC LIMIT 1) AS last FROM services s`,
      [asOf],
    );
    return new Map(rows.filter((r) => r.last).map((r) => [r.id, r.last!]));
  }

  /**
   * Every registry service (in `listServices` order) with its latest visit up to `asOf` and, for each
   * of `ranges` (both ends included), the date of its first visit in it: from the visits' latest
   * revisions, 1 + ranges index seeks of (service, visit date) per service. What Art. 17 needs to
   * know of a service this year, whatever the number of visits stored or made this year.
   */
  async serviceVisitMarks(
    asOf: string,
    ranges: ReadonlyArray<{ from: string; to: string }>,
  ): Promise<Array<{ service: Service; last: string | null; first: Array<string | null> }>> {
    const seek = (dir: string, cond: string) =>
      `(SELECT l.visit_date FROM latest_revisions l WHERE l.service_id = s.id AND ${cond} ORDER BY l.visit_date${dir} LIMIT 1)`;
    const rows = await this.db.tuples(
      `SELECT s.data, ${[seek(' DESC', 'l.visit_date <= ?'), ...ranges.map(() => seek('', 'l.visit_date >= ? AND l.visit_date <= ?'))].join(', ')}
       FROM services s ORDER BY s.name, s.id`,
      [asOf, ...ranges.flatMap((r) => [r.from, r.to])],
    );
    return rows.map(([data, last, ...first]) => ({
      service: JSON.parse(data as string) as Service,
      last: (last as string | null) ?? null,
      first: first.map((d) => (d as string | null) ?? null),
    }));
  }

  /** Visits not linked to the registry (their latest revision) dated from `from` to `to`: an index range of the few without a service. */
  async unlinkedVisitsBetween(from: string, to: string): Promise<Array<{ serviceName: string; comune: string | null; visitDate: string }>> {
    const rows = await this.db.all<{ service_name: string; comune: string | null; visit_date: string }>(
      'SELECT service_name, comune, visit_date FROM latest_revisions WHERE service_id IS NULL AND visit_date >= ? AND visit_date <= ?',
      [from, to],
    );
    return rows.map((r) => ({ serviceName: r.service_name, comune: r.comune, visitDate: r.visit_date }));
  }

  /** The same for visits not linked to the registry, by the name and Comune they were sent with. */
  async lastUnlinkedVisits(asOf: string): Promise<Array<{ serviceName: string; comune: string | null; lastVisit: string }>> {
    const rows = await this.db.all<{ service_name: string; comune: string | null; last: string }>(
      `SELECT service_name, comune, MAX(visit_date) AS last FROM latest_revisions WHERE service_id IS NULL AND visit_date <= ?
       GROUP BY service_name, comune`,
      [asOf],
    );
    return rows.map((r) => ({ serviceName: r.service_name, comune: r.comune, lastVisit: r.last }));
  }

  /** Visits (their latest revision) dated from `from` to `to`, both included. */
  async latestVisitsBetween(
    from: string,
    to: string,
  ): Promise<Array<{ serviceId: string | null; serviceName: string; comune: string | null; visitDate: string }>> {
    const rows = await this.db.all<{ service_id: string | null; service_name: string; comune: string | null; visit_date: string }>(
      'SELECT service_id, service_name, comune, visit_date FROM latest_revisions WHERE visit_date >= ? AND visit_date <= ?',
      [from, to],
    );
    return rows.map((r) => ({ serviceId: r.service_id, serviceName: r.service_name, comune: r.comune, visitDate: r.visit_date }));
  }

  /** How many prescriptions the overdue list holds (every page shows it): the verification joined, not one sorted subquery a row. */
  async countOverduePrescriptions(today: string): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM latest_prescriptions p ${LATEST_VERIFICATION_JOIN} WHERE p.deadline < ? AND ${NOT_COMPLIED_JOINED}`,
      [today],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Prescriptions of registry services with a deadline by `to`, no later visit of the service yet
   * and no verification received: what the plan proposes follow-ups for (issue 14).
   */
  async prescriptionsToVerify(
    to: string,
  ): Promise<Array<{ inspectionId: string; position: number; serviceId: string; visitDate: string; deadline: string }>> {
    const rows = await this.db.all<{ inspection_id: string; position: number; service_id: string; visit_date: string; deadline: string }>(
      `SELECT p.inspection_id, p.position, p.service_id, p.visit_date, p.deadline FROM latest_prescriptions p
       WHERE p.deadline <= ? AND p.service_id IS NOT NULL AND p.follow_up IS NULL
         AND NOT EXISTS (SELECT 1 FROM prescription_verifications v WHERE v.inspection_id = p.inspection_id AND v.position = p.position)
       ORDER BY p.deadline, p.inspection_id, p.position`,
      [to],
    );
    return rows.map((r) => ({
      inspectionId: r.inspection_id,
      position: Number(r.position),
      serviceId: r.service_id,
      visitDate: r.visit_date,
      deadline: r.deadline,
    }));
  }

  /** What the later visits found of a visit's prescriptions, by position (the latest verification of each). */
  async verificationsOf(inspectionId: string): Promise<Map<number, PrescriptionVerification>> {
    const rows = await this.db.all<VerificationRow>(
      `SELECT * FROM prescription_verifications WHERE inspection_id = ? ORDER BY position, visit_date, by_inspection_id`,
      [inspectionId],
    );
    return new Map(rows.map((r) => [Number(r.position), verificationOf(r)]));
  }

  /**
   * Prescriptions of the latest revisions whose deadline is before `today`, by deadline, with the
   * first visit of the same service from the deadline on (another visit, any of its revisions):
   * the follow-up. One query: a linked service finds it with one seek of (service_id, visit_date),
   * an unlinked one by its folded name (`service_key` of the prescription's own revision).
   * A page is read from the index: after or before a row's key (keyset), or the last rows (read
   * backwards); a page asked for by number alone (`offset`) first finds the key it starts after in
   * the index alone. The follow-up is looked up for the rows returned, never for rows skipped.
   */
  async overduePrescriptions(
    today: string,
    page: OverduePage | null = null,
  ): Promise<
    Array<
      PrescriptionRef & {
        inspectionId: string;
        position: number;
        revision: number;
        serviceId: string | null;
        serviceName: string;
        comune: string | null;
        visitDate: string;
        followUpDate: string | null;
        /** The consequence of the latest verification, when it found the prescription not complied with. */
        notComplied: { act: string; article: string } | null;
      }
    >
  > {
    // A page asked for by number alone: the key of the row before it is found by skipping `offset`
    // entries of the (deadline, inspection, position) index (no row read, no follow-up looked up;
    // those whose latest verification found them complied are not counted: they are not in the
    // list), then the page is read after that key like any other; past the end there is no row.
    if (page && page.offset && !page.after && !page.before && !page.fromEnd) {
      const start = await this.db.get<{ deadline: string; inspection_id: string; position: number }>(
        `SELECT p.deadline, p.inspection_id, p.position FROM latest_prescriptions p ${LATEST_VERIFICATION_JOIN}
         WHERE p.deadline < ? AND ${NOT_COMPLIED_JOINED} ORDER BY p.deadline, p.inspection_id, p.position LIMIT 1 OFFSET ?`,
        [today, page.offset - 1],
      );
      if (!start) return [];
      return this.overduePrescriptions(today, {
        limit: page.limit,
        after: { deadline: start.deadline, inspectionId: start.inspection_id, position: Number(start.position) },
      });
    }
    const backwards = !!page && (!!page.before || !!page.fromEnd);
    const key = page?.after ?? page?.before;
    // Plain bounds on the deadline at the key, so that the index range starts there in either
    // direction (SQLite takes one upper bound: before a key overdue already, the key's implies today's).
    const where = [page?.before && page.before.deadline < today ? 'p.deadline <= ?' : 'p.deadline < ?', NOT_COMPLIED];
    const params: unknown[] = [page?.before && page.before.deadline < today ? page.before.deadline : today];
    if (page?.after) {
      where.push('p.deadline >= ?');
      params.push(page.after.deadline);
    }
    if (key) {
      where.push(`(p.deadline, p.inspection_id, p.position) ${page?.after ? '>' : '<'} (?, ?, ?)`);
      params.push(key.deadline, key.inspectionId, key.position);
    }
    const dir = backwards ? ' DESC' : '';
    let tail = '';
    if (page) {
      tail = ' LIMIT ?';
      params.push(page.limit);
    }
    const rows = await this.db.all<
      PrescriptionRow & {
        position: number;
        follow_up: string | null;
        v_outcome: string | null;
        v_act: string | null;
        v_article: string | null;
      }
    >(
      `SELECT p.inspection_id, p.position, p.revision, p.rule, p.text, p.deadline, p.service_id, p.service_name, p.comune, p.visit_date,
         ${FOLLOW_UP} AS follow_up, ${LATEST_VERIFICATION('outcome')} AS v_outcome, ${LATEST_VERIFICATION('act')} AS v_act,
         ${LATEST_VERIFICATION('article')} AS v_article
       FROM latest_prescriptions p WHERE ${where.join(' AND ')} ORDER BY p.deadline${dir}, p.inspection_id${dir}, p.position${dir}${tail}`,
      params,
    );
    if (backwards) rows.reverse();
    return rows.map((r) => ({
      ...prescriptionOf(r),
      position: Number(r.position),
      followUpDate: r.follow_up ?? null,
      // Only «non ottemperata» reaches here among the verified (the complied ones are not overdue).
      notComplied: r.v_outcome === 'not_complied' && r.v_act && r.v_article ? { act: r.v_act, article: r.v_article } : null,
    }));
  }

  /**
   * The same rows for the CSV export, as arrays in its column order (`OVERDUE_CSV_HEADER`), given to
   * `fn` one at a time (`Db.eachTuple`): tens of thousands of them go to text without an object per
   * row, nor all of them held at once. The latest verification and the latest protocol registration
   * come by one LEFT JOIN each (the row there has no later one: one index seek per prescription,
   * the check for a later one only when there is one) instead of six correlated subqueries, four of
   * them sorting the verifications (measured on SQLite, 31,414 rows: 75 → 54 ms of CPU to read them).
   * `NOT_COMPLIED` is the same condition on the joined verification. On SQLite the prescriptions come
   * from the covering index `latest_prescriptions_export` (migration 17).
   */
  async eachOverduePrescriptionTuple(today: string, fn: (row: OverdueTuple) => void): Promise<void> {
    await this.db.eachTuple(
      `SELECT p.service_name, p.comune, p.visit_date, p.revision, p.rule, p.text, p.deadline, ${FOLLOW_UP} AS follow_up,
         v.outcome, v.act, v.article, g.protocol_number, g.protocol_date, p.inspection_id
       FROM latest_prescriptions p
       ${LATEST_VERIFICATION_JOIN}
       LEFT JOIN act_registrations g ON g.inspection_id = p.inspection_id AND g.revision = p.revision
         AND NOT EXISTS (SELECT 1 FROM act_registrations h WHERE h.inspection_id = g.inspection_id AND h.revision = g.revision AND h.id > g.id)
       WHERE p.deadline < ? AND ${NOT_COMPLIED_JOINED}
       ORDER BY p.deadline, p.inspection_id, p.position`,
      [today],
      fn as (row: unknown[]) => void,
    );
  }

  async attachmentKnown(sha256: string): Promise<boolean> {
    return !!(await this.db.get('SELECT 1 AS x FROM attachments WHERE sha256 = ? LIMIT 1', [sha256]));
  }

  // ---------- review ----------
  async takeInReview(inspectionId: string, revision: number, clerkId: string): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const n = await sql.run(
        "UPDATE revisions SET review_status = 'in_validazione', reviewed_by = ? WHERE inspection_id = ? AND revision = ? AND review_status = 'ricevuta'",
        [clerkId, inspectionId, revision],
      );
      if (n) {
        await sql.run('INSERT INTO review_events (inspection_id, revision, at, clerk_id, action, notes) VALUES (?, ?, ?, ?, ?, NULL)', [
          inspectionId,
          revision,
          this.now(),
          clerkId,
          'in_validazione',
        ]);
        await this.#countStatus(sql, inspectionId, 'ricevuta', 'in_validazione');
      }
      return n === 1;
    });
  }

  /**
   * Validates or rejects a revision still under review, and puts the decision on the change feed
   * for the inspector whose laptop holds the visit. A decision is final: a correction comes as a new revision.
   * `then` runs last in the decision's transaction (the office writes its e-mail there: office/mail.ts).
   */
  async decide(
    inspectionId: string,
    revision: number,
    decision: 'validated' | 'rejected',
    notes: string | null,
    clerkId: string,
    then?: (sql: Sql) => Promise<void>,
  ): Promise<{ seq: number }> {
    if (decision === 'rejected' && !notes?.trim()) throw new UserError('le note di correzione sono obbligatorie per respingere', 'notes');
    return this.db.tx(async (sql) => {
      await this.db.lockChangeFeed(sql);
      // The decision goes to whoever holds the visit now (a clerk may have moved it to another laptop).
      // The row is held (PostgreSQL) so that a take-in-review cannot commit between this read and the
      // write below: the status read is the one the counts (migration 17) move from.
      const forUpdate = this.db.kind === 'postgres' ? ' FOR UPDATE OF r' : '';
      const row = await sql.get<{ review_status: ReviewStatus; inspector_id: string; content_hash: string }>(
        `SELECT r.review_status, COALESCE(v.inspector_id, r.inspector_id) AS inspector_id, r.content_hash
         FROM revisions r LEFT JOIN visits v ON v.inspection_id = r.inspection_id WHERE r.inspection_id = ? AND r.revision = ?${forUpdate}`,
        [inspectionId, revision],
      );
      if (!row) throw new UserError('ispezione non trovata', 'id');
      if (row.review_status === 'validata' || row.review_status === 'respinta')
        throw new UserError(`revisione già ${row.review_status}`, 'status');
      const at = this.now();
      const status: ReviewStatus = decision === 'validated' ? 'validata' : 'respinta';
      await sql.run(
        'UPDATE revisions SET review_status = ?, review_notes = ?, reviewed_by = ?, reviewed_at = ? WHERE inspection_id = ? AND revision = ?',
        [status, notes?.trim() || null, clerkId, at, inspectionId, revision],
      );
      await this.#countStatus(sql, inspectionId, row.review_status, status);
      await sql.run('INSERT INTO review_events (inspection_id, revision, at, clerk_id, action, notes) VALUES (?, ?, ?, ?, ?, ?)', [
        inspectionId,
        revision,
        at,
        clerkId,
        status,
        notes?.trim() || null,
      ]);
      const seq = await this.appendChange(sql, 'decision', `${inspectionId}#${revision}`, row.inspector_id, {
        inspectionId,
        revision,
        contentHash: row.content_hash,
        decision,
        notes: notes?.trim() || null,
        decidedAt: at,
      });
      await then?.(sql);
      return { seq };
    });
  }

  // ---------- the act at the Comune's protocol ----------
  /**
   * Records the protocol number and date the Comune gave a validated revision's act (migration 9),
   * audited in `review_events` like a decision. A correction is a new registration: the history
   * stays and the latest counts. The number is one line, trimmed, at most PROTOCOL_NUMBER_MAX
   * characters; the date (ISO) is not after `today` nor before the visit. Nothing is stored
   * when anything is wrong (UserError naming `numero`, `data` or the revision's state).
   */
  async registerProtocol(r: {
    inspectionId: string;
    revision: number;
    number: string;
    date: string;
    today: string;
    clerkId: string;
  }): Promise<ActRegistration> {
    const number = r.number.trim();
    if (!number)
      throw new UserError('numero di protocollo: scrivere il numero dato dal protocollo del Comune, per esempio 2026/0012345', 'numero');
    const problem = textProblem(number, false);
    if (problem) throw new UserError(`numero di protocollo: ${problem}`, 'numero');
    if (number.length > PROTOCOL_NUMBER_MAX)
      throw new UserError(`numero di protocollo: al massimo ${PROTOCOL_NUMBER_MAX} caratteri (ora ${number.length})`, 'numero');
    if (!isIsoDate(r.date)) throw new UserError('data del protocollo: scrivere la data come gg/mm/aaaa', 'data');
    if (r.date > r.today) throw new UserError('data del protocollo: non può essere nel futuro', 'data');
    await this.db.tx(async (sql) => {
      const forUpdate = this.db.kind === 'postgres' ? ' FOR UPDATE' : '';
      const row = await sql.get<{ review_status: ReviewStatus; visit_date: string }>(
        `SELECT review_status, visit_date FROM revisions WHERE inspection_id = ? AND revision = ?${forUpdate}`,
        [r.inspectionId, r.revision],
      );
      if (!row) throw new UserError('ispezione non trovata', 'id');
      if (row.review_status !== 'validata') throw new UserError(PROTOCOL_NEEDS_VALIDATION, 'status');
      if (r.date < row.visit_date) throw new UserError('data del protocollo: non può essere prima della visita', 'data');
      const at = this.now();
      await sql.run(
        'INSERT INTO act_registrations (inspection_id, revision, protocol_number, protocol_date, clerk_id, registered_at) VALUES (?, ?, ?, ?, ?, ?)',
        [r.inspectionId, r.revision, number, r.date, r.clerkId, at],
      );
      await sql.run('INSERT INTO review_events (inspection_id, revision, at, clerk_id, action, notes) VALUES (?, ?, ?, ?, ?, ?)', [
        r.inspectionId,
        r.revision,
        at,
        r.clerkId,
        'protocollo',
        `n. ${number} del ${r.date}`,
      ]);
    });
    return (await this.listRegistrations(r.inspectionId, r.revision)).at(-1)!;
  }

  /** A revision's registrations at the protocol, oldest first: the last is the one that counts. */
  async listRegistrations(inspectionId: string, revision: number): Promise<ActRegistration[]> {
    const rows = await this.db.all<{ protocol_number: string; protocol_date: string; clerk: string; registered_at: string }>(
      `SELECT g.protocol_number, g.protocol_date, c.name AS clerk, g.registered_at FROM act_registrations g JOIN clerks c ON c.id = g.clerk_id
       WHERE g.inspection_id = ? AND g.revision = ? ORDER BY g.id`,
      [inspectionId, revision],
    );
    return rows.map((x) => ({ number: x.protocol_number, date: x.protocol_date, clerkName: x.clerk, registeredAt: x.registered_at }));
  }

  // ---------- change feed ----------
  /** Also used by the register's store (office/storage/register.ts), inside its own transaction. */
  async appendChange(sql: Sql, kind: ChangeKind, entity: string, audience: string | null, payload: unknown): Promise<number> {
    const row = await sql.get<{ seq: number }>(
      'INSERT INTO changes (kind, entity, audience, payload, created_at) VALUES (?, ?, ?, ?, ?) RETURNING seq',
      [kind, entity, audience, JSON.stringify(payload), this.now()],
    );
    return Number(row!.seq);
  }

  /** Puts each catalogue entry (rule set, checklist) on the feed once. */
  async publishCatalog(entries: Array<{ kind: 'rule_set' | 'checklist'; key: string; payload: unknown }>): Promise<number> {
    return this.db.tx(async (sql) => {
      await this.db.lockChangeFeed(sql);
      let added = 0;
      for (const e of entries) {
        const exists = await sql.get('SELECT 1 AS x FROM changes WHERE kind = ? AND entity = ?', [e.kind, e.key]);
        if (exists) continue;
        await this.appendChange(sql, e.kind, e.key, null, e.payload);
        added++;
      }
      return added;
    });
  }

  /**
   * Entries after `cursor` meant for everyone or for this inspector. The next cursor is the
   * highest sequence number committed when the read started (entries for others are skipped
   * for good); with the feed's commit-order lock nothing below it can still appear.
   */
  async changesSince(cursor: number, inspectorId: string, limit: number): Promise<{ changes: Change[]; cursor: number; more: boolean }> {
    const top = Number((await this.db.get<{ m: number }>('SELECT COALESCE(MAX(seq), 0) AS m FROM changes'))!.m);
    const rows = await this.db.all<{ seq: number; kind: ChangeKind; entity: string; payload: string; created_at: string }>(
      `SELECT seq, kind, entity, payload, created_at FROM changes
       WHERE seq > ? AND seq <= ? AND (audience IS NULL OR audience = ?) ORDER BY seq LIMIT ?`,
      [cursor, top, inspectorId, limit],
    );
    const changes = rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      entity: r.entity,
      payload: JSON.parse(r.payload),
      createdAt: r.created_at,
    }));
    const full = changes.length === limit;
    return { changes, cursor: full ? changes[changes.length - 1]!.seq : Math.max(top, cursor), more: full };
  }
}
