/**
 * What every page module of the review workspace shares: the clerk's session, the page wrapper
 * (login, CSRF, Origin), sending a page in the layout, and the clerk's words for dates and states.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { createElement, type ReactNode } from 'react';
import { formatItalianDate } from '../../shared/dates.ts';
import type { Territory } from '../../shared/territories/index.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import type { BlobStore } from '../blobs.ts';
import type { OfficeMail } from '../mail.ts';
import { sha256Text } from '../security.ts';
import type { ClerkRole, DeviceRecord, OfficeStore, ReviewStatus } from '../storage/store.ts';
import { layout, type Html } from './html.ts';
import { Message } from './Message.tsx';

export const SESSION_COOKIE = 'vn_sessione';
/** The page of the territory's register of educators (only where the rule set keeps one). */
export const REGISTER_PATH = '/albo';
export const LOGIN_COOKIE = 'vn_login';

export interface Clerk {
  clerkId: string;
  clerkName: string;
  csrf: string;
  /** `office` (the whole workspace), `reviewer` or `comune` (the census only: `CENSUS_PATHS`). */
  role: ClerkRole;
  comune: string | null;
}

/** A file sent with a multipart form (the routes that register @fastify/multipart: `uploadsOf`). */
export interface UploadedFile {
  field: string;
  filename: string;
  bytes: Buffer;
}
const UPLOADS = new WeakMap<FastifyRequest, UploadedFile[]>();
/** The files of a multipart POST, read by `page` after its CSRF check. */
export const uploadsOf = (req: FastifyRequest): UploadedFile[] => UPLOADS.get(req) ?? [];

/** The limits of a multipart form (`@fastify/multipart`'s `limits`; what `page` answers when one is passed). */
export const UPLOAD_LIMITS = { fileSize: 5 * 1024 * 1024, files: 1, fields: 10, fieldSize: 256 * 1024, parts: 12 };

type MultipartPart =
  | { type: 'field'; fieldname: string; value: unknown; valueTruncated?: boolean }
  | {
      type: 'file';
      fieldname: string;
      filename: string;
      toBuffer(): Promise<Buffer>;
    };

/**
 * Reads a multipart form: the CSRF field must be its **first** part (the page's forms put it first,
 * and a browser sends the fields in the form's order), so a forged request is refused before any
 * file byte is read. Returns the text fields and the files, or the refusal (status and Italian text).
 */
async function multipartForm(
  req: FastifyRequest,
  csrf: string,
): Promise<{ fields: Record<string, string>; files: UploadedFile[] } | { status: number; text: string }> {
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const forged = { status: 403, text: 'Modulo scaduto o non valido (CSRF): ricaricare la pagina e riprovare.' };
  try {
    let first = true;
    for await (const part of (req as unknown as { parts(): AsyncIterable<MultipartPart> }).parts()) {
      if (first) {
        first = false;
        if (part.type !== 'field' || part.fieldname !== '_csrf' || !sameToken(String(part.value), csrf)) return forged;
      }
      if (part.type === 'file') files.push({ field: part.fieldname, filename: part.filename, bytes: await part.toBuffer() });
      else if (part.valueTruncated) return { status: 413, text: `Campo «${part.fieldname}» troppo lungo.` };
      else fields[part.fieldname] = String(part.value ?? '');
    }
    if (first) return forged;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      return { status: 413, text: `File troppo grande: al massimo ${UPLOAD_LIMITS.fileSize / (1024 * 1024)} MB. Nulla è stato salvato.` };
    if (code === 'FST_FILES_LIMIT') return { status: 400, text: 'Un solo file per volta. Nulla è stato salvato.' };
    return { status: 400, text: 'Modulo non valido o interrotto: riprovare. Nulla è stato salvato.' };
  }
  return { fields, files };
}

/** The only pages a census reviewer or a Comune's user reaches (the rest answers 403). */
export const CENSUS_PATHS = /^\/(rilevazione|logout)(?=[/?]|$)/;

export interface ReviewDeps {
  store: OfficeStore;
  blobs: BlobStore;
  today: () => string;
  secure: boolean;
  caPem?: string;
  /** The office's territory: its name heads every page, its rule set and checklist serve the dashboards. */
  territory: Territory;
  /** The office augments received reports (a TSA is configured: `office serve --tsa`). */
  longTerm?: boolean;
  /** The office's outbox (office/mail.ts): planning and review decisions tell people through it. */
  mail: OfficeMail;
}

export type PageRequest<P, Q> = FastifyRequest<{ Params: P; Querystring: Q; Body: Record<string, string> }>;

export interface ReviewContext extends ReviewDeps {
  cookieOptions: { path: string; httpOnly: true; sameSite: 'strict'; secure: boolean };
  send(reply: FastifyReply, status: number, page: string): FastifyReply;
  /** A page of the signed-in clerk, in the layout with the menu; `body` as components or (cruscotto) `html`. */
  view(
    reply: FastifyReply,
    clerk: Clerk,
    title: string,
    active: string,
    body: Html | ReactNode,
    status?: number,
    flash?: string,
  ): FastifyReply;
  /** Wraps a page handler: login required; POSTs need the CSRF token and a same-site Origin. */
  page<P = Record<string, string>, Q = Record<string, string>>(
    handler: (req: PageRequest<P, Q>, reply: FastifyReply, clerk: Clerk) => Promise<unknown>,
  ): (req: PageRequest<P, Q>, reply: FastifyReply) => Promise<unknown>;
}

export const STATUS_LABELS: Record<ReviewStatus, string> = {
  ricevuta: 'Ricevuta',
  in_validazione: 'In validazione',
  validata: 'Validata',
  respinta: 'Respinta',
};

export function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A POST's Origin: absent or `null` (privacy modes, some forms) is allowed, as the CSRF token
 * still has to match; otherwise it must parse and name this host. Returns the refusal, if any.
 */
export function originRefusal(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return null;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'Origine non valida: l’intestazione Origin non è un indirizzo.';
  }
  return host && host === req.headers.host ? null : 'Origine non ammessa.';
}

/** A form's fields: every value must be text (a JSON body could carry anything), else null. */
export function formFields(body: unknown): Record<string, string> | null {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return null;
  return Object.values(body).every((v) => typeof v === 'string') ? (body as Record<string, string>) : null;
}

export const formatDate = (d: string | null | undefined) => (d ? formatItalianDate(d) : '—');
// Always Rome's wall clock, whatever the server's TZ: the clerk reads "02/12/2026 alle 04:53".
const ROME_INSTANT = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
export function formatInstant(t: string | null | undefined): string {
  if (!t) return '—';
  const parts = Object.fromEntries(ROME_INSTANT.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} alle ${parts.hour}:${parts.minute}`;
}

export const inspectionHref = (r: { inspectionId: string; revision: number }) =>
  `/ispezioni/${encodeURIComponent(r.inspectionId)}/${r.revision}`;

export const deviceLabel = (d: DeviceRecord) => `«${d.label}» di ${d.inspectorName} (associato il ${formatInstant(d.pairedAt)})`;

export function createReviewContext(app: FastifyInstance, deps: ReviewDeps): ReviewContext {
  const { store } = deps;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secure } as const;

  async function clerkOf(req: FastifyRequest): Promise<Clerk | null> {
    const id = req.cookies[SESSION_COOKIE];
    if (!id) return null;
    return store.getSession(sha256Text(id));
  }

  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);
  const refused = (reply: FastifyReply, status: number, text: string) =>
    send(reply, status, layout({ title: 'Richiesta rifiutata', territory: deps.territory.name, body: createElement(Message, { text }) }));

  const page: ReviewContext['page'] = (handler) => async (req, reply) => {
    const clerk = await clerkOf(req);
    if (!clerk) {
      if (req.method === 'GET') return reply.redirect(`/login?dopo=${encodeURIComponent(req.url)}`, 303);
      return send(
        reply,
        401,
        layout({ title: 'Sessione scaduta', territory: deps.territory.name, body: createElement(Message, { relogin: true }) }),
      );
    }
    if (req.method === 'POST') {
      const refusal = originRefusal(req);
      if (refusal) return refused(reply, 403, refusal);
      if ((req as { isMultipart?: () => boolean }).isMultipart?.()) {
        const form = await multipartForm(req, clerk.csrf);
        if ('status' in form) return refused(reply, form.status, form.text);
        UPLOADS.set(req, form.files);
        req.body = form.fields;
      }
      const fields = formFields(req.body);
      if (!fields) return refused(reply, 400, 'Modulo non valido: ogni campo deve essere testo.');
      req.body = fields;
      if (!sameToken(fields._csrf, clerk.csrf))
        return refused(reply, 403, 'Modulo scaduto o non valido (CSRF): ricaricare la pagina e riprovare.');
    }
    // Enforced here, for every page of the workspace: a census-only clerk never reaches the inspections.
    if (clerk.role !== 'office' && !CENSUS_PATHS.test(req.url))
      return refused(reply, 403, 'Accesso non consentito: questo utente vede soltanto la rilevazione dei servizi.');
    return handler(req, reply, clerk);
  };

  // The territory's register of educators, where its rule set keeps one, has its own menu entry.
  const register = RULE_SETS.get(deps.territory.ruleSet)?.educatorRegister;
  const extraNav = register ? ([[REGISTER_PATH, register.menuLabel]] as const) : [];
  const view: ReviewContext['view'] = (reply, clerk, title, active, body, status = 200, flash) =>
    send(
      reply,
      status,
      layout({
        title,
        clerk: clerk.clerkName,
        csrf: clerk.csrf,
        active,
        body,
        flash,
        territory: deps.territory.name,
        censusOnly: clerk.role !== 'office',
        extraNav,
      }),
    );

  return { ...deps, cookieOptions, send, view, page };
}
