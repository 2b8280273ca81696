/**
 * The office's outbox (migration 12): every message the office means to send, with its outcome.
 * A message is `queued` when written, `sent` once the SMTP server took it, `failed` when the last
 * attempt was refused (retried at `next_attempt_at`; none left: given up) and `unsendable` when it
 * could not even be tried (no SMTP server configured, no address): logged, never silently dropped.
 * Also the e-mail/PEC address of a registry entry and what each member was last told of a planned
 * visit (to tell a move or a cancellation from a first notice).
 */
import type { Db, Sql } from './db.ts';

export const MAIL_KINDS = [
  'visita_pianificata',
  'visita_spostata',
  'visita_annullata',
  'prescrizioni',
  'revisione_respinta',
  'rilevazione_respinta',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
export type MailStatus = 'queued' | 'sent' | 'failed' | 'unsendable';

/** An attachment: inline text (an .ics) or the bytes of a stored blob, read when the message is sent. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  text?: string;
  sha256?: string;
}

export interface OutgoingMail {
  kind: MailKind;
  /** What the message is about: a planned visit, a revision (`inspectionId#revision`) or a census sheet (`campaign#comune#kind`, the Comune folded). */
  entity: 'visit' | 'revision' | 'census';
  entityId: string;
  /** Empty when nobody has an address (the message is then `unsendable`). */
  recipient: string;
  subject: string;
  body: string;
  attachments: MailAttachment[];
}

export interface MailRecord extends OutgoingMail {
  id: number;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** What a member was last told of a planned visit. */
export interface VisitNotice {
  personId: string;
  date: string;
  startTime: string;
  endTime: string;
  /** The iCalendar SEQUENCE of the last message (0 for the first notice, +1 for each move or cancellation). */
  sequence: number;
  /** The last message was a cancellation (a later notice is a new announcement, with a higher SEQUENCE). */
  cancelled: boolean;
}

type MailRow = {
  id: number;
  kind: MailKind;
  entity: 'visit' | 'revision' | 'census';
  entity_id: string;
  recipient: string;
  subject: string;
  body: string;
  attachments: string;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  sent_at: string | null;
};

const recordOf = (r: MailRow): MailRecord => ({
  id: Number(r.id),
  kind: r.kind,
  entity: r.entity,
  entityId: r.entity_id,
  recipient: r.recipient,
  subject: r.subject,
  body: r.body,
  attachments: JSON.parse(r.attachments) as MailAttachment[],
  status: r.status,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

export class MailStore {
  constructor(
    readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Writes a message to the outbox: queued, or `unsendable` with the reason why it cannot be tried. */
  async enqueue(sql: Sql, m: OutgoingMail, unsendable: string | null): Promise<void> {
    const now = this.clock().toISOString();
    await sql.run(
      `INSERT INTO mail_outbox (kind, entity, entity_id, recipient, subject, body, attachments, status, attempts, last_error, next_attempt_at, created_at, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL)`,
      [
        m.kind,
        m.entity,
        m.entityId,
        m.recipient,
        m.subject,
        m.body,
        JSON.stringify(m.attachments),
        unsendable ? 'unsendable' : 'queued',
        unsendable,
        unsendable ? null : now,
        now,
      ],
    );
  }

  /** Whether the same words to the same recipient about the same thing are already logged as unsendable. */
  async loggedUnsendable(sql: Sql, m: OutgoingMail): Promise<boolean> {
    const row = await sql.get<{ id: number }>(
      "SELECT id FROM mail_outbox WHERE entity = ? AND entity_id = ? AND kind = ? AND recipient = ? AND subject = ? AND body = ? AND status = 'unsendable' LIMIT 1",
      [m.entity, m.entityId, m.kind, m.recipient, m.subject, m.body],
    );
    return !!row;
  }

  /** Messages to try now (queued, or failed with a retry due), oldest first. */
  async due(now: string, limit: number): Promise<MailRecord[]> {
    const rows = await this.db.all<MailRow>(
      "SELECT * FROM mail_outbox WHERE status IN ('queued', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [now, limit],
    );
    return rows.map(recordOf);
  }

  async markSent(id: number): Promise<void> {
    await this.db.run("UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL WHERE id = ?", [
      this.clock().toISOString(),
      id,
    ]);
  }

  /** A refused attempt: the reason, and when to try again (null: no attempts left). */
  async markFailed(id: number, error: string, nextAttemptAt: string | null): Promise<void> {
    await this.db.run(
      "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
      [error.slice(0, 1000), nextAttemptAt, id],
    );
  }

  /** The newest messages first (the clerk's «Posta inviata»). */
  async list(limit = 200, offset = 0): Promise<MailRecord[]> {
    const rows = await this.db.all<MailRow>('SELECT * FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?', [
      limit,
      offset,
    ]);
    return rows.map(recordOf);
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_outbox');
    return Number(row?.n ?? 0);
  }

  // ---------- the e-mail / PEC address of a registry entry ----------
  async serviceAddress(serviceId: string, sql: Sql = this.db): Promise<string | null> {
    const row = await sql.get<{ address: string }>('SELECT address FROM service_mail WHERE service_id = ?', [serviceId]);
    return row?.address ?? null;
  }

  /** Sets (or, empty, removes) the address; the caller has checked it. */
  async setServiceAddress(serviceId: string, address: string): Promise<void> {
    await this.db.tx(async (sql) => {
      await sql.run('DELETE FROM service_mail WHERE service_id = ?', [serviceId]);
      if (address)
        await sql.run('INSERT INTO service_mail (service_id, address, updated_at) VALUES (?, ?, ?)', [
          serviceId,
          address,
          this.clock().toISOString(),
        ]);
    });
  }

  // ---------- what each member was told of a planned visit ----------
  async notices(sql: Sql, visitId: string): Promise<VisitNotice[]> {
    const rows = await sql.all<{
      person_id: string;
      visit_date: string;
      start_time: string;
      end_time: string;
      sequence: number;
      cancelled: number;
    }>('SELECT * FROM planned_visit_notices WHERE visit_id = ? ORDER BY person_id', [visitId]);
    return rows.map((r) => ({
      personId: r.person_id,
      date: r.visit_date,
      startTime: r.start_time,
      endTime: r.end_time,
      sequence: Number(r.sequence),
      cancelled: Number(r.cancelled) === 1,
    }));
  }

  async setNotice(sql: Sql, visitId: string, n: VisitNotice): Promise<void> {
    await sql.run('DELETE FROM planned_visit_notices WHERE visit_id = ? AND person_id = ?', [visitId, n.personId]);
    await sql.run(
      'INSERT INTO planned_visit_notices (visit_id, person_id, visit_date, start_time, end_time, sequence, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [visitId, n.personId, n.date, n.startTime, n.endTime, n.sequence, n.cancelled ? 1 : 0],
    );
  }
}
