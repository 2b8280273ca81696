/**
 * E-mail from the office (issue 14, «Telling people»), through the office's SMTP server (in Italy
 * often a PEC mailbox: `office serve --smtp smtps://utente:password@host:465 --mail-from …`),
 * sent by nodemailer. Who is told what:
 * - each member of the commission with an address, when a visit is accepted (planned), moved (date
 *   or time changed) or, once announced, dropped (a cancellation); each notice carries the .ics;
 * - the service's e-mail/PEC address (registry, «Indirizzo e-mail o PEC»), when a revision with
 *   prescriptions (the territory's word: prescrizioni, diffide) is validated, each with its deadline,
 *   and the signed report attached when the clerk ticks the box at validation;
 * - the inspector (the person of the commissions linked to that account), when a revision is
 *   rejected, with the notes;
 * - each user of a Comune (a `comune` clerk with `add-clerk --email`), when a census sheet of that
 *   Comune is rejected back to draft, with the reviewer's correction notes (§13).
 * Nothing is written for demo data. Every message goes to the outbox first (storage/mail.ts), in
 * the transaction of the write that caused it where the store allows, and a background job drains
 * it, the same shape as the long-term validation queue (office/long-term.ts): a kick after each
 * write, a poll for due retries, a growing pause after each refusal, at most `maxAttempts` tries.
 * Without `--smtp` each message is logged `unsendable` («SMTP non configurato») and never sent later; a
 * member whose notice was not sendable (no SMTP, no address) is not recorded as told (`planned_visit_notices`),
 * so the next write of the visit with SMTP and an address announces it to them as new, never as «spostata».
 */
import { readFile } from 'node:fs/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Service } from '../shared/api/contract.ts';
import type { PlannedVisit } from '../shared/planning.ts';
import type { Territory } from '../shared/territories/schema.ts';
import { BackgroundPasses } from './background.ts';
import type { BlobStore } from './blobs.ts';
import { visitCalendar, type CalendarVisit } from './calendar.ts';
import { censusRejectionNotice, prescriptionsNotice, rejectionNotice, sender, visitNotice } from './mail-messages.ts';
import type { CensusRejection } from './storage/census.ts';
import { serviceKey } from './storage/keys.ts';
import type { Sql } from './storage/db.ts';
import { MailStore, type MailRecord, type OutgoingMail } from './storage/mail.ts';
import type { VisitWriteHook } from './storage/planning.ts';
import type { OfficeStore, RevisionRecord } from './storage/store.ts';

export const SMTP_NOT_CONFIGURED = 'SMTP non configurato: il server è stato avviato senza --smtp';

/**
 * Reads `--smtp`: smtp://[utente:password@]host[:porta] (STARTTLS when the server offers it) or
 * smtps://… (TLS from the start, e.g. a PEC mailbox on 465). Returns the Italian refusal, or null.
 */
export function smtpUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--smtp: indirizzo non valido (non lo si ripete qui: può contenere la password): serve smtp://utente:password@host:porta oppure smtps://…`;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return '--smtp: serve un indirizzo smtp:// o smtps://';
  if (!url.hostname) return '--smtp: manca il nome del server (smtp://utente:password@host:porta)';
  if (url.pathname && url.pathname !== '/' && url.pathname !== '') return '--smtp: l’indirizzo non deve avere un percorso dopo host:porta';
  return null;
}

/** A plain address check (the SMTP server has the last word): one @, a dot in the domain, no spaces. */
export function emailProblem(address: string): string | null {
  if (address.length > 254) return 'indirizzo troppo lungo (al massimo 254 caratteri)';
  if (!/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/.test(address))
    return `«${address}» non è un indirizzo e-mail valido (per esempio nome@pec.it)`;
  return null;
}

export interface MailOptions {
  store: OfficeStore;
  blobs: BlobStore;
  territory: Territory;
  /** smtp:// or smtps:// (checked with smtpUrlProblem); none: messages are logged unsendable. */
  smtpUrl?: string;
  /** The sender's address (From). Default: the SMTP user when it is an address. */
  from?: string;
  now?: () => Date;
  /** Pause before the n-th retry (n ≥ 1); default 1 min · 2^(n−1), at most 6 h. */
  retryDelayMs?: (attempts: number) => number;
  /** Attempts before giving up (default 8). */
  maxAttempts?: number;
  /** How often due retries are looked for (default 1 min; 0: only on kick). */
  pollMs?: number;
}

const defaultDelay = (n: number) => Math.min(60_000 * 2 ** (n - 1), 6 * 3600_000);

type PersonRow = { id: string; name: string; email: string; demo: number };

export class OfficeMail {
  readonly outbox: MailStore;
  readonly #o: MailOptions;
  readonly #now: () => Date;
  readonly #transport: Transporter | null;
  readonly #from: string | null;
  readonly #passes: BackgroundPasses;

  constructor(options: MailOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.outbox = new MailStore(options.store.db, this.#now);
    if (options.smtpUrl) {
      const problem = smtpUrlProblem(options.smtpUrl);
      if (problem) throw new Error(problem);
      const url = new URL(options.smtpUrl);
      const user = decodeURIComponent(url.username);
      this.#from = options.from ?? (user.includes('@') ? user : null);
      if (!this.#from) throw new Error('--mail-from: serve l’indirizzo del mittente (l’utente di --smtp non è un indirizzo e-mail)');
      const fromProblem = emailProblem(this.#from);
      if (fromProblem) throw new Error(`--mail-from: ${fromProblem}`);
      this.#transport = nodemailer.createTransport(options.smtpUrl);
    } else {
      this.#transport = null;
      this.#from = null;
    }
    // Without a transport nothing is ever sent: no passes, no timer.
    this.#passes = new BackgroundPasses(
      () => this.runDue(),
      'invio della posta interrotto',
      this.#transport ? (options.pollMs ?? 60_000) : 0,
    );
  }

  /** Whether messages can be sent (the server has --smtp). */
  get configured(): boolean {
    return !!this.#transport;
  }

  #unsendable(recipient: string, noAddress: string): string | null {
    if (!recipient) return noAddress;
    return this.#transport ? null : SMTP_NOT_CONFIGURED;
  }

  // ---------- the background job (office/background.ts) ----------
  /** Schedules a pass over the due messages; returns at once. */
  kick(): void {
    if (this.#transport) this.#passes.kick();
  }

  /** Resolves when no pass is running (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    await this.#passes.idle();
  }

  async stop(): Promise<void> {
    await this.#passes.stop();
    this.#transport?.close();
  }

  /** Tries every message due now, once each; returns how many were tried. */
  async runDue(): Promise<number> {
    if (!this.#transport) return 0;
    let tried = 0;
    const seen = new Set<number>();
    for (;;) {
      if (this.#passes.stopped) return tried;
      const due = (await this.outbox.due(this.#now().toISOString(), 10)).filter((m) => !seen.has(m.id));
      if (!due.length) return tried;
      for (const m of due) {
        seen.add(m.id);
        await this.#send(m);
        tried++;
      }
    }
  }

  async #send(m: MailRecord): Promise<void> {
    try {
      const attachments = [];
      for (const a of m.attachments)
        attachments.push({
          filename: a.filename,
          contentType: a.contentType,
          content: a.sha256 ? await readFile(this.#o.blobs.blobPath(a.sha256)) : Buffer.from(a.text ?? '', 'utf8'),
        });
      await this.#transport!.sendMail({
        from: { name: sender(this.#o.territory), address: this.#from! },
        to: m.recipient,
        subject: m.subject,
        text: m.body,
        attachments,
      });
      await this.outbox.markSent(m.id);
    } catch (e) {
      const attempts = m.attempts + 1;
      const left = attempts < (this.#o.maxAttempts ?? 8);
      const next = left ? new Date(this.#now().getTime() + (this.#o.retryDelayMs ?? defaultDelay)(attempts)).toISOString() : null;
      await this.outbox.markFailed(m.id, (e as Error).message || String(e), next);
    }
  }

  // ---------- planned visits ----------
  /**
   * The after-write hook of planned visits (office/server.ts adds it for the office's database): a
   * clerk's write (saved, status) tells the members; a member's inspector account changing or a
   * received visit fulfilling the plan changes nothing of what they were told, so it tells nobody.
   */
  readonly plannedVisitHook: VisitWriteHook = (write, visit) =>
    write.cause === 'saved' || write.cause === 'status' ? this.visitWritten(write.sql, visit, write.at) : Promise.resolve(false);

  /**
   * Called in the transaction that wrote `visit`: tells its members what changed since what each
   * was last told (planned, moved, cancelled). Demo visits, services and people: nothing at all.
   * Returns whether anything was queued (the caller kicks the job after the commit).
   */
  async visitWritten(sql: Sql, visit: PlannedVisit, updatedAt: string): Promise<boolean> {
    if (visit.demo) return false;
    const serviceRow = await sql.get<{ data: string }>('SELECT data FROM services WHERE id = ?', [visit.serviceId]);
    if (!serviceRow) return false;
    const service = JSON.parse(serviceRow.data) as Service;
    if (service.demo) return false;
    const people = new Map<string, PersonRow>();
    for (const id of visit.memberIds) {
      const row = await sql.get<PersonRow>('SELECT id, name, email, demo FROM office_people WHERE id = ?', [id]);
      if (row) people.set(id, row);
    }
    const told = new Map((await this.outbox.notices(sql, visit.id)).map((n) => [n.personId, n]));
    const active = visit.status === 'accepted';
    const names = visit.memberIds.map((id) => people.get(id)?.name).filter((n): n is string => !!n);
    let queued = false;
    const base = {
      purpose: visit.purpose,
      serviceName: service.name,
      address: service.address,
      comune: service.comune,
      date: visit.date,
      startTime: visit.startTime,
      endTime: visit.endTime,
      members: names,
    };
    const tell = async (
      person: PersonRow,
      kind: 'planned' | 'moved' | 'cancelled',
      sequence: number,
      before?: { date: string; startTime: string; endTime: string },
    ) => {
      const at = kind === 'cancelled' && before ? { ...base, ...before } : base;
      const text = visitNotice(this.#o.territory, { kind, recipientName: person.name, ...at, before });
      const event: CalendarVisit = { id: visit.id, ...at, status: kind === 'cancelled' ? 'dropped' : 'accepted', sequence, updatedAt };
      const message: OutgoingMail = {
        kind: kind === 'planned' ? 'visita_pianificata' : kind === 'moved' ? 'visita_spostata' : 'visita_annullata',
        entity: 'visit',
        entityId: visit.id,
        recipient: person.email.trim(),
        subject: text.subject,
        body: text.body,
        attachments: [
          {
            filename: kind === 'cancelled' ? 'annullamento.ics' : 'visita.ics',
            contentType: `text/calendar; charset=utf-8; method=${kind === 'cancelled' ? 'CANCEL' : 'REQUEST'}`,
            text: visitCalendar(`Visita: ${service.name}`, [event], kind === 'cancelled' ? 'CANCEL' : 'REQUEST'),
          },
        ],
      };
      const why = this.#unsendable(message.recipient, 'nessun indirizzo e-mail per questa persona');
      // Not sendable: logged once (the same words already logged are not logged again at each save), and the
      // member is not recorded as told, so a later write with SMTP and an address tells them from what they knew.
      if (why && (await this.outbox.loggedUnsendable(sql, message))) return false;
      await this.outbox.enqueue(sql, message, why);
      queued = true;
      return !why;
    };
    if (active)
      for (const id of visit.memberIds) {
        const person = people.get(id);
        if (!person || Number(person.demo) === 1) continue;
        const last = told.get(id);
        const moved = last && (last.date !== visit.date || last.startTime !== visit.startTime || last.endTime !== visit.endTime);
        if (last && !last.cancelled && !moved) continue;
        const sequence = last ? last.sequence + 1 : 0;
        if (!(await tell(person, !last || last.cancelled ? 'planned' : 'moved', sequence, moved && !last.cancelled ? last : undefined)))
          continue;
        await this.outbox.setNotice(sql, visit.id, {
          personId: id,
          date: visit.date,
          startTime: visit.startTime,
          endTime: visit.endTime,
          sequence,
          cancelled: false,
        });
      }
    // Told before and no longer expected (the visit dropped or put back as proposed, or the member taken off it).
    for (const last of told.values()) {
      if (last.cancelled || (active && visit.memberIds.includes(last.personId))) continue;
      const person =
        people.get(last.personId) ??
        (await sql.get<PersonRow>('SELECT id, name, email, demo FROM office_people WHERE id = ?', [last.personId]));
      if (!person || Number(person.demo) === 1) continue;
      if (!(await tell(person, 'cancelled', last.sequence + 1, last))) continue;
      await this.outbox.setNotice(sql, visit.id, { ...last, sequence: last.sequence + 1, cancelled: true });
    }
    return queued;
  }

  // ---------- the census ----------
  /**
   * Called in the rejection's transaction (`CensusStore`'s `onRejected`): one message per user of the
   * Comune, `unsendable` naming the missing address for a user without e-mail, and one `unsendable`
   * row when the Comune has no user at all (never silently dropped). The caller kicks after the commit.
   */
  async censusRejected(sql: Sql, r: CensusRejection): Promise<void> {
    const sheet = r.kind === 'servizi' ? 'SERVIZI' : 'INTERVENTI';
    const entityId = `${r.campaign.id}#${serviceKey(r.comune)}#${r.kind}`;
    const recipients = r.recipients.length ? r.recipients : [{ clerkId: '', name: `Comune di ${r.comune}`, email: null as string | null }];
    for (const who of recipients) {
      const text = censusRejectionNotice(this.#o.territory, {
        recipientName: who.name,
        campaign: r.campaign,
        comune: r.comune,
        sheet,
        notes: r.notes,
        by: r.by,
        at: r.at,
      });
      const address = who.email ?? '';
      await this.outbox.enqueue(
        sql,
        {
          kind: 'rilevazione_respinta',
          entity: 'census',
          entityId,
          recipient: address,
          subject: text.subject,
          body: text.body,
          attachments: [],
        },
        this.#unsendable(
          address,
          r.recipients.length
            ? `nessun indirizzo e-mail per l’utente ${who.name} del Comune di ${r.comune} (vigilanza office add-clerk --email)`
            : `nessun utente del Comune di ${r.comune} (vigilanza office add-clerk --comune … --email …)`,
        ),
      );
    }
  }

  // ---------- review decisions ----------
  /**
   * Called in the decision's transaction (`OfficeStore.decide`'s `then`): a validated revision with
   * prescriptions → the service's address (the signed report attached when `attachReport`); a
   * rejected one → the inspector. Demo files: nothing. Returns whether anything was queued (the caller
   * kicks the job after the commit).
   */
  async revisionDecided(sql: Sql, inspectionId: string, revision: number, opts: { attachReport?: boolean } = {}): Promise<boolean> {
    const { store, territory } = this.#o;
    const record = await store.getRevision(inspectionId, revision, sql);
    if (!record || isDemoFile(record)) return false;
    const entityId = `${inspectionId}#${revision}`;
    if (record.review.status === 'validata') {
      if (!record.prescriptions.length) return false;
      const service: Service | null = record.serviceId ? await store.getService(record.serviceId, sql) : null;
      if (service?.demo) return false;
      const address = (record.serviceId && (await this.outbox.serviceAddress(record.serviceId, sql))) || '';
      const report = opts.attachReport ? signedReport(record) : null;
      const text = prescriptionsNotice(territory, {
        serviceName: record.serviceName,
        comune: record.comune,
        visitDate: record.visitDate,
        purpose: record.purpose,
        prescriptions: record.prescriptions,
        protocol: record.protocol,
        reportAttached: !!report,
      });
      await this.outbox.enqueue(
        sql,
        {
          kind: 'prescrizioni',
          entity: 'revision',
          entityId,
          recipient: address,
          subject: text.subject,
          body: text.body,
          attachments: report ? [{ filename: report.name, contentType: 'application/pdf', sha256: report.sha256 }] : [],
        },
        this.#unsendable(address, 'il servizio non ha un indirizzo e-mail o PEC nel registro'),
      );
    } else if (record.review.status === 'respinta') {
      const person = await sql.get<PersonRow>(
        'SELECT id, name, email, demo FROM office_people WHERE inspector_id = ? AND demo = 0 ORDER BY name, id LIMIT 1',
        [record.inspectorId],
      );
      const address = person?.email.trim() ?? '';
      const text = rejectionNotice(territory, {
        recipientName: person?.name ?? record.inspectorName,
        serviceName: record.serviceName,
        visitDate: record.visitDate,
        revision,
        notes: record.review.notes ?? '',
      });
      await this.outbox.enqueue(
        sql,
        {
          kind: 'revisione_respinta',
          entity: 'revision',
          entityId,
          recipient: address,
          subject: text.subject,
          body: text.body,
          attachments: [],
        },
        this.#unsendable(address, 'nessuna persona delle commissioni con e-mail è collegata a questo ispettore'),
      );
    } else return false;
    return true;
  }
}

/** The received signed report of a revision (the latest received version, not one the office made). */
export function signedReport(record: Pick<RevisionRecord, 'attachments'>): { sha256: string; name: string } | null {
  const reports = record.attachments.filter((a) => a.kind === 'report' && !a.derivedFrom);
  return reports[reports.length - 1] ?? null;
}

function isDemoFile(record: RevisionRecord): boolean {
  return typeof record.file === 'object' && record.file !== null && (record.file as { demo?: unknown }).demo === true;
}
