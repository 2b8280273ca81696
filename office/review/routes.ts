/**
 * The review workspace for the office staff (Italian, server-rendered HTML).
 * Sessions: random id in an HttpOnly SameSite=Strict cookie (Secure under TLS), stored hashed
 * with an expiry. Every POST carries the session's CSRF token (login: a double-submit cookie), and
 * a POST whose Origin names another site, or is not an origin at all, is refused.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createElement } from 'react';
import { readFile } from 'node:fs/promises';
import { ServiceInput, type Service } from '../../shared/api/contract.ts';
import { getChecklist, type ChecklistItem } from '../../shared/checklist/index.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import { PURPOSE_LABELS, SERVICE_TYPE_LABELS, type Purpose } from '../../shared/domain.ts';
import { describeIssues, parseSealedFile } from '../../shared/inspection.ts';
import { OUTCOME_LABELS, RULE_SETS, evaluate, type Finding } from '../../shared/rules/index.ts';
import type { BlobStore } from '../blobs.ts';
import { newPairingCode, PAIRING_CODE_TTL_MS, requestLimit, sha256Text, verifyClerkPassword } from '../security.ts';
import {
  TRANSFER_REASON_MAX,
  UserError,
  type DeviceRecord,
  type OfficeStore,
  type ReviewStatus,
  type RevisionRecord,
  type VisitTransfer,
} from '../storage/store.ts';
import { toCsv } from './csv.ts';
import {
  countOverduePrescriptions,
  DASHBOARD_ROWS,
  expiringActsReport,
  inspectionsDueReport,
  LIST_ROWS,
  overduePrescriptionsReport,
} from './dashboards.ts';
import { Dashboard, LISTS, type DashboardList } from './Dashboard.tsx';
import { CSS, fromReact, html, layout, raw, type Html } from './html.ts';
import { Laptops, PairingCode } from './Laptops.tsx';
import { Login } from './Login.tsx';
import { Queue } from './Queue.tsx';
import { ServiceForm, ServiceList, type ServiceFormValues } from './Services.tsx';
import { ValidationConfirmation } from './ValidationConfirmation.tsx';
import { checkLabel, formatSize } from './labels.ts';
import { describeVerification, loadVerifier } from './verify.ts';

const SESSION_COOKIE = 'vn_sessione';
const LOGIN_COOKIE = 'vn_login';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const DEFAULT_RULE_SET = 'zona-fse@1';

export const TABS: Array<{ id: string; label: string; status: ReviewStatus }> = [
  { id: 'ricevute', label: 'Ricevute', status: 'ricevuta' },
  { id: 'in-validazione', label: 'In validazione', status: 'in_validazione' },
  { id: 'validate', label: 'Validate', status: 'validata' },
  { id: 'respinte', label: 'Respinte', status: 'respinta' },
];
const STATUS_LABELS: Record<ReviewStatus, string> = {
  ricevuta: 'Ricevuta',
  in_validazione: 'In validazione',
  validata: 'Validata',
  respinta: 'Respinta',
};

interface Clerk {
  clerkId: string;
  clerkName: string;
  csrf: string;
}

function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The app's pages a login may go on to (`dopo`); anything else goes to the queue. */
const AFTER_LOGIN_PAGES = /^\/(coda|ispezioni|servizi|cruscotto|export|portatili|allegati)(?=[/?]|$)/;

/**
 * Where to go after logging in: only a path of this app, so never `//host`, `/\\host` (both mean
 * another host to browsers) or a scheme. No control or space characters either (browsers drop tabs
 * and newlines, so `/\t/evil` is `//evil`), nor dot segments; all checked on the text and on its
 * %-decoding (`/%09/evil`, `/%2F/evil`).
 */
export function safeAfterLogin(dopo: unknown): string {
  const fallback = '/coda';
  if (typeof dopo !== 'string' || dopo.length > 2000) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(dopo);
  } catch {
    return fallback;
  }
  const safe = (text: string) => AFTER_LOGIN_PAGES.test(text) && !/[\s\p{Cc}\p{Cf}\\]/u.test(text) && !/\/\.\.?(?=[/?#]|$)/.test(text);
  return safe(dopo) && safe(decoded) ? dopo : fallback;
}

/**
 * A POST's Origin: absent or `null` (privacy modes, some forms) is allowed, as the CSRF token
 * still has to match; otherwise it must parse and name this host. Returns the refusal, if any.
 */
function originRefusal(req: FastifyRequest): string | null {
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
function formFields(body: unknown): Record<string, string> | null {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return null;
  return Object.values(body).every((v) => typeof v === 'string') ? (body as Record<string, string>) : null;
}

const formatDate = (d: string | null | undefined) => (d ? formatItalianDate(d) : '—');
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

/** Answers in the Scheda's order; any id the checklist does not know comes last, as sent. */
function answersInSchedaOrder<A>(answers: Record<string, A>, items: ReadonlyArray<{ id: string }>): Array<[string, A]> {
  const rank = new Map(items.map((item, i) => [item.id, i]));
  return Object.entries(answers).sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

function answerText(value: unknown): string {
  if (value === 'yes') return 'Sì';
  if (value === 'no') return 'No';
  if (value === 'na') return 'Non applicabile';
  if (value === undefined || value === null) return '—';
  return String(value);
}

const REJECTION_NOTES_MAX = 4000;
/** Why the «Respingi» notes cannot be sent to the inspector, if they cannot. */
function rejectionNotesError(note: string): string | null {
  if (!note.trim())
    return "Scrivere le note di correzione: l'ispettore deve sapere che cosa correggere prima di inviare una nuova revisione.";
  if (note.length > REJECTION_NOTES_MAX) return `Note troppo lunghe: al massimo ${REJECTION_NOTES_MAX} caratteri (ora ${note.length}).`;
  return null;
}

const sectionLabel = (section: string | undefined) =>
  section === undefined ? '—' : section === 'ACC' ? 'Accreditamento' : `Sezione ${section}`;

function sniffMime(head: Buffer): string | null {
  if (head.subarray(0, 4).toString('hex') === '89504e47') return 'image/png';
  if (head.subarray(0, 3).toString('hex') === 'ffd8ff') return 'image/jpeg';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

export function registerReview(
  app: FastifyInstance,
  deps: { store: OfficeStore; blobs: BlobStore; today: () => string; secure: boolean; caPem?: string },
): void {
  const { store, blobs, today } = deps;
  const loginLimit = requestLimit(app, 10, 60_000, (_req, ip) => `login:${ip}`);
  const ruleSet = RULE_SETS.get(DEFAULT_RULE_SET)!;
  // The dashboards span visits of any rule set; their checks are named by the current Scheda's items.
  const defaultItems = new Map((getChecklist(DEFAULT_RULE_SET)?.items ?? []).map((i) => [i.id, i]));
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secure } as const;

  // The other headers of the pages (CSP, no framing, no sniffing, HSTS under TLS) come from helmet (server.ts).
  app.addHook('onSend', async (_req, reply, payload) => {
    if (String(reply.getHeader('Content-Type') ?? '').startsWith('text/html')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  async function clerkOf(req: FastifyRequest): Promise<Clerk | null> {
    const id = req.cookies[SESSION_COOKIE];
    if (!id) return null;
    return store.getSession(sha256Text(id));
  }

  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);

  /** Wraps a page handler: login required; POSTs need the CSRF token and a same-site Origin. */
  function page<P = Record<string, string>, Q = Record<string, string>>(
    handler: (
      req: FastifyRequest<{ Params: P; Querystring: Q; Body: Record<string, string> }>,
      reply: FastifyReply,
      clerk: Clerk,
    ) => Promise<unknown>,
  ) {
    return async (req: FastifyRequest<{ Params: P; Querystring: Q; Body: Record<string, string> }>, reply: FastifyReply) => {
      const clerk = await clerkOf(req);
      if (!clerk) {
        if (req.method === 'GET') return reply.redirect(`/login?dopo=${encodeURIComponent(req.url)}`, 303);
        return send(reply, 401, layout({ title: 'Sessione scaduta', body: html`<p>Accedere di nuovo: <a href="/login">accesso</a>.</p>` }));
      }
      if (req.method === 'POST') {
        const refusal = originRefusal(req);
        if (refusal) return send(reply, 403, layout({ title: 'Richiesta rifiutata', body: html`<p>${refusal}</p>` }));
        const fields = formFields(req.body);
        if (!fields)
          return send(
            reply,
            400,
            layout({ title: 'Richiesta rifiutata', body: html`<p>Modulo non valido: ogni campo deve essere testo.</p>` }),
          );
        req.body = fields;
        if (!sameToken(fields._csrf, clerk.csrf))
          return send(
            reply,
            403,
            layout({
              title: 'Richiesta rifiutata',
              body: html`<p>Modulo scaduto o non valido (CSRF): ricaricare la pagina e riprovare.</p>`,
            }),
          );
      }
      return handler(req, reply, clerk);
    };
  }

  const view = (reply: FastifyReply, clerk: Clerk, title: string, active: string, body: Html, status = 200, flash?: string) =>
    send(reply, status, layout({ title, clerk: clerk.clerkName, csrf: clerk.csrf, active, body, flash }));

  const csrfField = (clerk: Clerk) => html`<input type="hidden" name="_csrf" value="${clerk.csrf}">`;

  app.get('/static/office.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CSS),
  );

  // ---------- login ----------
  const loginPage = (reply: FastifyReply, status: number, message?: string, after = '/coda') => {
    const token = randomBytes(24).toString('base64url');
    reply.setCookie(LOGIN_COOKIE, token, { ...cookieOptions, maxAge: 1800 });
    return send(
      reply,
      status,
      layout({
        title: 'Accesso',
        body: fromReact(createElement(Login, { token, after, message })),
      }),
    );
  };

  app.get<{ Querystring: { dopo?: unknown } }>('/login', async (req, reply) =>
    loginPage(reply, 200, undefined, safeAfterLogin(req.query.dopo)),
  );

  app.post('/login', async (req, reply) => {
    const body = formFields(req.body) ?? {};
    const after = safeAfterLogin(body.dopo);
    const refusal = originRefusal(req);
    if (refusal) return loginPage(reply, 403, refusal, after);
    if (!sameToken(body._csrf, req.cookies[LOGIN_COOKIE])) return loginPage(reply, 403, 'Modulo scaduto: riprovare.', after);
    const wait = await loginLimit(req);
    if (wait) return loginPage(reply.header('Retry-After', String(wait)), 429, `Troppi tentativi: riprovare tra ${wait} secondi.`, after);
    const clerk = body.nome ? await store.getClerkByName(body.nome) : undefined;
    // One scrypt either way (security.ts): an unknown name answers as slowly as a wrong password.
    if (!(await verifyClerkPassword(body.password ?? '', clerk?.password_hash)) || !clerk)
      return loginPage(reply, 401, 'Nome o password non corretti.', after);
    const id = randomBytes(32).toString('base64url');
    await store.createSession(
      sha256Text(id),
      clerk.id,
      randomBytes(24).toString('base64url'),
      new Date(Date.now() + SESSION_TTL_MS).toISOString(),
    );
    reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 });
    reply.clearCookie(LOGIN_COOKIE, cookieOptions);
    return reply.redirect(after, 303);
  });

  app.post(
    '/logout',
    page(async (req, reply) => {
      const id = req.cookies[SESSION_COOKIE];
      if (id) await store.deleteSession(sha256Text(id));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.redirect('/login', 303);
    }),
  );

  app.get('/', async (_req, reply) => reply.redirect('/coda', 303));

  // ---------- queue ----------
  app.get(
    '/coda',
    page<unknown, { scheda?: string }>(async (req, reply, clerk) => {
      const tab = TABS.find((t) => t.id === req.query.scheda) ?? TABS[0]!;
      const [rows, counts] = await Promise.all([store.listByStatus(tab.status), store.countByStatus()]);
      return view(
        reply,
        clerk,
        'Coda delle ispezioni',
        '/coda',
        fromReact(
          createElement(Queue, {
            tabs: TABS.map((t) => ({ id: t.id, label: t.label, count: counts[t.status] })),
            current: tab.id,
            rows: rows.map((r) => ({
              href: inspectionHref(r),
              serviceName: r.serviceName,
              comune: r.comune ?? '—',
              visitDate: formatDate(r.visitDate),
              purpose: PURPOSE_LABELS[r.purpose as Purpose] ?? r.purpose,
              revision: r.revision,
              inspectorName: r.inspectorName,
              receivedAt: formatInstant(r.receivedAt),
              status: STATUS_LABELS[r.review.status],
            })),
          }),
        ),
      );
    }),
  );

  const inspectionHref = (r: { inspectionId: string; revision: number }) =>
    `/ispezioni/${encodeURIComponent(r.inspectionId)}/${r.revision}`;

  // ---------- one inspection ----------
  app.get(
    '/ispezioni/:id/:rev',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => inspectionPage(reply, clerk, req.params.id, Number(req.params.rev))),
  );

  /**
   * One revision for the clerk. `rejection` re-shows the «Respingi» form as the clerk left it,
   * with the server's reason next to the field (the browser's own checks would speak English).
   */
  async function inspectionPage(
    reply: FastifyReply,
    clerk: Clerk,
    inspectionId: string,
    revision: number,
    rejection?: { note: string; error: string },
  ) {
    const record = await store.getRevision(inspectionId, revision);
    if (!record) return view(reply, clerk, 'Ispezione non trovata', '/coda', html`<p><a href="/coda">Torna alla coda</a></p>`, 404);
    const parsed = parseSealedFile(record.file);
    const file = parsed.ok ? parsed.value : null;
    const rs = file ? RULE_SETS.get(file.ruleSet) : undefined;
    const checklist = file ? getChecklist(file.ruleSet) : undefined;
    const result = file && rs ? evaluate(file, rs, checklist) : null;
    const order = { fail: 0, warn: 1, na: 2, pass: 3 } as const;
    const findings: Finding[] = result ? [...result.findings].sort((a, b) => order[a.outcome] - order[b.outcome]) : [];
    const items = new Map((checklist?.items ?? []).map((i) => [i.id, i]));
    const others = (await store.listRevisionsOf(record.inspectionId)).filter((r) => r.revision !== record.revision);
    const [owner, transfers, devices] = await Promise.all([
      store.visitDevice(record.inspectionId),
      store.listTransfers(record.inspectionId),
      store.listDevices(),
    ]);
    const candidates = devices.filter((d) => d.deviceId !== owner?.deviceId);
    const verifier = await loadVerifier();
    // Report versions in the order they arrived (a co-signature is a later one): the last is current.
    const reports: Html[] = [];
    const reportAttachments = record.attachments.filter((x) => x.kind === 'report');
    for (const [i, a] of reportAttachments.entries()) {
      let verification: Html;
      if (!verifier)
        verification = html`<em>Verifica della firma non disponibile in questa versione del server: confrontare lo SHA-256 (nei «Dati per l'assistenza» in fondo alla pagina) con quello del portatile.</em>`;
      else {
        try {
          verification = describeVerification(await verifier(await readFile(blobs.blobPath(a.sha256)), { caPem: deps.caPem }));
        } catch (e) {
          verification = html`<span class="fail">Verifica non riuscita: ${(e as Error).message}</span>`;
        }
      }
      const arrived = a.addedAt ? html` · arrivata il ${formatInstant(a.addedAt)}` : html` · arrivata con la revisione`;
      reports.push(
        html`<li data-testid="report-version"><strong>Versione ${i + 1}</strong>${arrived}: <a href="/allegati/${a.sha256}" target="_blank" rel="noopener">${a.name}</a> (${formatSize(a.size)})<br>${verification}</li>`,
      );
    }
    const currentReport = reports.at(-1);
    const earlierReports = reports.slice(0, -1).reverse();
    const photos = record.attachments.filter((a) => a.kind === 'photo');
    const open = record.review.status === 'ricevuta' || record.review.status === 'in_validazione';
    return view(
      reply,
      clerk,
      `${record.serviceName} — visita del ${formatDate(record.visitDate)}`,
      '/coda',
      html`
<p>Revisione ${record.revision} · ${PURPOSE_LABELS[record.purpose as Purpose] ?? record.purpose} ·
inviata da ${record.inspectorName} il ${formatInstant(record.receivedAt)} · stato: <strong>${STATUS_LABELS[record.review.status]}</strong></p>
${auditNotice(record.audit)}
${record.review.notes ? html`<p class="flash">Note dell'ufficio: ${record.review.notes}</p>` : ''}
${
  open
    ? html`<section aria-label="Decisione"><h2>Decisione</h2>
  ${record.review.status === 'ricevuta' ? html`<form method="post" action="${inspectionHref(record)}/prendi" class="inline">${csrfField(clerk)}<button>Prendi in validazione</button></form>` : ''}
  <form method="post" action="${inspectionHref(record)}/valida" class="inline">${csrfField(clerk)}<button>Valida</button></form>
  <form method="post" action="${inspectionHref(record)}/respingi" novalidate>${csrfField(clerk)}
    <label for="note-respingi">Note di correzione per l'ispettore</label>
    ${rejection ? html`<p class="error" id="note-respingi-errore">${rejection.error}</p>` : ''}
    <textarea id="note-respingi" name="note" maxlength="${REJECTION_NOTES_MAX}" ${raw(rejection ? 'aria-invalid="true" aria-describedby="note-respingi-errore" autofocus' : '')}>${rejection?.note ?? ''}</textarea>
    <button>Respingi con note</button></form>
</section>`
    : ''
}
${laptopSection(clerk, record, owner, transfers, candidates)}
<h2>Rilievi</h2>
${
  result
    ? html`<table><thead><tr><th>Controllo</th><th>Esito</th><th>Articolo</th><th>Dettaglio</th></tr></thead><tbody>
${findings.map((f) => html`<tr><td>${checkLabel(f.rule, items)}</td><td class="${f.outcome}">${OUTCOME_LABELS[f.outcome]}</td><td>${f.article}</td><td>${f.message}</td></tr>`)}</tbody></table>`
    : html`<p class="error">Impossibile valutare il file: ${parsed.ok ? `set di regole sconosciuto` : parsed.errors.join('; ')}</p>`
}
<h2>Prescrizioni</h2>
${
  record.prescriptions.length
    ? html`<table><thead><tr><th>Rilievo</th><th>Prescrizione</th><th>Scadenza</th></tr></thead><tbody>
${record.prescriptions.map((p) => html`<tr><td>${checkLabel(p.rule, items)}</td><td>${p.text}</td><td>${formatDate(p.deadline)}</td></tr>`)}</tbody></table>`
    : html`<p>Nessuna.</p>`
}
<h2>Verbale firmato</h2>
${currentReport ? html`<ul>${currentReport}</ul>` : html`<p>Nessun PDF allegato.</p>`}
${earlierReports.length ? html`<h3>Versioni precedenti del verbale</h3><ul>${earlierReports}</ul>` : ''}
<h2>Fotografie (${photos.length})</h2>
<div class="photos">${photos.map((p) => html`<a href="/allegati/${p.sha256}" target="_blank" rel="noopener"><img src="/allegati/${p.sha256}" alt="${p.name}" title="${p.name}"></a>`)}</div>
<h2>Risposte</h2>
${
  file?.answers && Object.keys(file.answers).length
    ? html`<table><thead><tr><th>Sezione</th><th>Requisito</th><th>Risposta</th><th>Nota</th></tr></thead><tbody>
${answersInSchedaOrder(file.answers, checklist?.items ?? []).map(([id, a]) => html`<tr><td>${sectionLabel(items.get(id)?.section)}</td><td>${checkLabel(id, items)}</td><td>${answerText(a.value)}</td><td>${a.note ?? ''}</td></tr>`)}</tbody></table>`
    : html`<p>Nessuna risposta registrata.</p>`
}
${others.length ? html`<h2>Altre revisioni</h2><ul>${others.map((o) => html`<li><a href="${inspectionHref(o)}">Revisione ${o.revision}</a> — ${STATUS_LABELS[o.review.status]}${o.review.notes ? html` — note: ${o.review.notes}` : ''}</li>`)}</ul>` : ''}
${supportDetails(record, [...findings.map((f) => f.rule), ...record.prescriptions.map((p) => p.rule), ...Object.keys(file?.answers ?? {})], items, file?.ruleSet)}`,
      rejection ? 400 : 200,
    );
  }

  /**
   * The codes support asks for (ids, hashes, rule codes), folded away: the clerk's page names
   * everything in words, but a phone call about "this inspection" still needs them exactly.
   */
  function supportDetails(
    record: RevisionRecord,
    rules: string[],
    items: ReadonlyMap<string, ChecklistItem>,
    ruleSetKey: string | undefined,
  ): Html {
    const codes = [...new Set(rules)];
    return html`<details class="support"><summary>Dati per l'assistenza</summary>
<dl class="summary"><dt>Codice ispezione</dt><dd><code>${record.inspectionId}</code></dd><dt>Revisione</dt><dd>${record.revision}</dd>
<dt>Impronta del contenuto (SHA-256)</dt><dd><code>${record.contentHash}</code></dd>${ruleSetKey ? html`<dt>Set di regole</dt><dd><code>${ruleSetKey}</code></dd>` : ''}</dl>
${
  record.attachments.length
    ? html`<h3>Allegati</h3><table><thead><tr><th>File</th><th>Dimensione</th><th>SHA-256</th></tr></thead><tbody>
${record.attachments.map((a) => html`<tr><td>${a.name}</td><td>${formatSize(a.size)} (${a.size} byte)</td><td><code>${a.sha256}</code></td></tr>`)}</tbody></table>`
    : ''
}
${
  codes.length
    ? html`<h3>Codici dei controlli</h3><table><thead><tr><th>Controllo</th><th>Codice</th></tr></thead><tbody>
${codes.map((rule) => html`<tr><td>${checkLabel(rule, items)}</td><td><code>${rule}</code></td></tr>`)}</tbody></table>`
    : ''
}
</details>`;
  }

  const deviceLabel = (d: DeviceRecord) => `«${d.label}» di ${d.inspectorName} (associato il ${formatInstant(d.pairedAt)})`;

  /** Which laptop holds the visit, its moves so far, and the clerk's «Trasferisci a un altro portatile». */
  function laptopSection(
    clerk: Clerk,
    at: { inspectionId: string; revision: number },
    owner: DeviceRecord | null,
    transfers: VisitTransfer[],
    candidates: DeviceRecord[],
  ): Html {
    return html`<section aria-label="Portatile"><h2>Portatile</h2>
${owner ? html`<p>La visita è del portatile ${deviceLabel(owner)}: solo questo portatile può inviarne le revisioni e leggerne lo stato.</p>` : ''}
${
  transfers.length
    ? html`<h3>Trasferimenti</h3><table><thead><tr><th>Quando</th><th>Operatore</th><th>Dal portatile</th><th>Al portatile</th><th>Motivo</th></tr></thead><tbody>
${transfers.map((t) => html`<tr data-testid="transfer"><td>${formatInstant(t.at)}</td><td>${t.clerkName}</td><td>${deviceLabel(t.fromDevice)}</td><td>${deviceLabel(t.toDevice)}</td><td>${t.reason}</td></tr>`)}</tbody></table>`
    : ''
}
<h3>Trasferisci a un altro portatile</h3>
${
  candidates.length
    ? html`<p>Per un portatile rubato, guasto o sostituito: dopo il trasferimento le revisioni successive arrivano solo dal portatile scelto e quello di ora viene rifiutato.</p>
<form method="post" action="${inspectionHref(at)}/trasferisci">${csrfField(clerk)}
<label>Nuovo portatile <select name="dispositivo" required>${candidates.map((d) => html`<option value="${d.deviceId}">${deviceLabel(d)}</option>`)}</select></label>
<label>Motivo (obbligatorio, resta registrato) <textarea name="motivo" required maxlength="${TRANSFER_REASON_MAX}"></textarea></label>
<button>Trasferisci a un altro portatile…</button></form>`
    : html`<p>Nessun altro portatile associato: generare prima un codice in <a href="/portatili">Portatili</a>.</p>`
}
</section>`;
  }

  // Two steps: the first checks the choice and asks for confirmation, the second (conferma=si) moves the visit.
  app.post(
    '/ispezioni/:id/:rev/trasferisci',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      const at = inspectionHref({ inspectionId: req.params.id, revision: Number(req.params.rev) });
      const input = { inspectionId: req.params.id, toDeviceId: String(req.body.dispositivo ?? ''), reason: String(req.body.motivo ?? '') };
      try {
        if (req.body.conferma !== 'si') {
          const plan = await store.planTransfer(input);
          const current = await store.getRevision(input.inspectionId, Number(req.params.rev));
          const visitName = current ? html`a <strong>${current.serviceName}</strong> del ${formatDate(current.visitDate)}` : html``;
          return view(
            reply,
            clerk,
            'Confermare il trasferimento',
            '/coda',
            html`
<p>La visita ${visitName} passa dal portatile ${deviceLabel(plan.from)} al portatile <strong>${deviceLabel(plan.to)}</strong>.</p>
<p>Motivo: ${plan.reason}</p>
<p>Dopo il trasferimento solo il nuovo portatile potrà inviare le revisioni di questa visita; il portatile di ora sarà rifiutato. Il trasferimento resta registrato con il nome di chi lo fa.</p>
<form method="post" action="${at}/trasferisci">${csrfField(clerk)}<input type="hidden" name="dispositivo" value="${plan.to.deviceId}"><input type="hidden" name="motivo" value="${plan.reason}"><input type="hidden" name="conferma" value="si">
<button>Conferma il trasferimento</button></form>
<p><a href="${at}">Annulla</a></p>`,
          );
        }
        await store.transferVisit({ ...input, clerkId: clerk.clerkId });
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return view(
          reply,
          clerk,
          'Trasferimento non eseguito',
          '/coda',
          html`<p class="error" role="alert">${e.message}</p><p><a href="${at}">Torna all'ispezione</a></p>`,
          e.field === 'id' ? 404 : 400,
        );
      }
      return reply.redirect(at, 303);
    }),
  );

  app.post(
    '/ispezioni/:id/:rev/prendi',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      await store.takeInReview(req.params.id, Number(req.params.rev), clerk.clerkId);
      return reply.redirect(`/ispezioni/${encodeURIComponent(req.params.id)}/${Number(req.params.rev)}`, 303);
    }),
  );

  for (const [action, decision] of [
    ['valida', 'validated'],
    ['respingi', 'rejected'],
  ] as const) {
    app.post(
      `/ispezioni/:id/:rev/${action}`,
      page<{ id: string; rev: string }>(async (req, reply, clerk) => {
        if (decision === 'rejected') {
          const note = String(req.body.note ?? '');
          const error = rejectionNotesError(note);
          if (error) return inspectionPage(reply, clerk, req.params.id, Number(req.params.rev), { note, error });
        }
        // A validation cannot be undone: the first POST shows what the laptop will receive, the second (conferma=si) sends it.
        if (decision === 'validated' && req.body.conferma !== 'si')
          return validationConfirmation(reply, clerk, req.params.id, Number(req.params.rev));
        try {
          await store.decide(
            req.params.id,
            Number(req.params.rev),
            decision,
            decision === 'rejected' ? String(req.body.note ?? '') : null,
            clerk.clerkId,
          );
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          return view(
            reply,
            clerk,
            'Decisione non registrata',
            '/coda',
            html`<p class="error" role="alert">${e.message}</p><p><a href="/ispezioni/${encodeURIComponent(req.params.id)}/${Number(req.params.rev)}">Torna all'ispezione</a></p>`,
            e.field === 'id' ? 404 : 400,
          );
        }
        return reply.redirect(`/coda?scheda=${decision === 'validated' ? 'validate' : 'respinte'}`, 303);
      }),
    );
  }

  async function validationConfirmation(reply: FastifyReply, clerk: Clerk, inspectionId: string, revision: number) {
    const at = inspectionHref({ inspectionId, revision });
    const back = html`<p><a href="${at}">Torna all'ispezione</a></p>`;
    const record = await store.getRevision(inspectionId, revision);
    if (!record) return view(reply, clerk, 'Ispezione non trovata', '/coda', html`<p><a href="/coda">Torna alla coda</a></p>`, 404);
    if (record.review.status === 'validata' || record.review.status === 'respinta')
      return view(
        reply,
        clerk,
        'Decisione non registrata',
        '/coda',
        html`<p class="error" role="alert">Questa revisione è già ${STATUS_LABELS[record.review.status].toLowerCase()}: non si può validare.</p>${back}`,
        400,
      );
    const owner = await store.visitDevice(inspectionId);
    return view(
      reply,
      clerk,
      'Confermare la validazione',
      '/coda',
      fromReact(
        createElement(ValidationConfirmation, {
          at,
          csrf: clerk.csrf,
          serviceName: record.serviceName,
          visitDate: formatDate(record.visitDate),
          laptop: owner ? deviceLabel(owner) : `di ${record.inspectorName}`,
          revision: record.revision,
          inspectorName: record.inspectorName,
          receivedAt: formatInstant(record.receivedAt),
        }),
      ),
    );
  }

  app.get(
    '/allegati/:sha',
    page<{ sha: string }>(async (req, reply) => {
      const sha = req.params.sha;
      if (!/^[0-9a-f]{64}$/.test(sha) || !(await store.attachmentKnown(sha)) || (await blobs.has(sha)) === null)
        return send(reply, 404, layout({ title: 'Allegato non trovato', body: html`` }));
      const handle = await readFile(blobs.blobPath(sha));
      const mime = sniffMime(handle.subarray(0, 8));
      reply.header(
        'Content-Security-Policy',
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; plugin-types application/pdf",
      );
      if (!mime) reply.header('Content-Disposition', `attachment; filename="${sha}.bin"`);
      return reply
        .type(mime ?? 'application/octet-stream')
        .header('Cache-Control', 'private, max-age=86400')
        .send(handle);
    }),
  );

  // ---------- services registry ----------
  app.get(
    '/servizi',
    page(async (_req, reply, clerk) => {
      const services = await store.listServices();
      return view(
        reply,
        clerk,
        'Registro dei servizi',
        '/servizi',
        fromReact(
          createElement(ServiceList, {
            services: services.map((x) => ({
              id: x.id,
              name: x.name,
              type: x.type,
              comune: x.comune,
              capacity: x.capacity,
              authorizationIssuedOn: formatDate(x.authorizationIssuedOn),
              accreditationIssuedOn: formatDate(x.accreditationIssuedOn),
            })),
          }),
        ),
      );
    }),
  );

  const serviceForm = (clerk: Clerk, action: string, values: ServiceFormValues, error?: string) =>
    fromReact(createElement(ServiceForm, { action, csrf: clerk.csrf, values, error }));

  function serviceFromForm(body: Record<string, string>): unknown {
    return {
      name: body.name ?? '',
      type: body.type ?? '',
      comune: body.comune ?? '',
      address: body.address ?? '',
      referente: body.referente ?? '',
      capacity: body.capacity && /^\d+$/.test(body.capacity) ? Number(body.capacity) : body.capacity ? Number.NaN : undefined,
      kitchen: body.kitchen === 'on',
      territorialRls: body.territorialRls === 'on',
      authorizationIssuedOn: body.authorizationIssuedOn || null,
      accreditationIssuedOn: body.accreditationIssuedOn || null,
    };
  }

  const FIELD_LABELS: Record<string, string> = {
    name: 'Denominazione',
    type: 'Tipo',
    comune: 'Comune',
    capacity: 'Capienza',
    authorizationIssuedOn: 'Autorizzazione',
    accreditationIssuedOn: 'Accreditamento',
    address: 'Indirizzo',
    referente: 'Referente',
  };
  function formError(input: unknown): string | null {
    const r = ServiceInput.safeParse(input);
    if (r.success) return null;
    return describeIssues(r.error)
      .map((line) => line.replace(/^(\w+)/, (k) => FIELD_LABELS[k] ?? k))
      .join('; ');
  }

  app.get(
    '/servizi/nuovo',
    page(async (_req, reply, clerk) =>
      view(reply, clerk, 'Nuovo servizio', '/servizi', serviceForm(clerk, '/servizi', { type: 'nido', kitchen: false })),
    ),
  );

  app.get(
    '/servizi/:id',
    page<{ id: string }>(async (req, reply, clerk) => {
      const s = await store.getService(req.params.id);
      if (!s) return view(reply, clerk, 'Servizio non trovato', '/servizi', html``, 404);
      return view(
        reply,
        clerk,
        `Servizio: ${s.name}`,
        '/servizi',
        serviceForm(clerk, `/servizi/${s.id}`, s as unknown as Record<string, string>),
      );
    }),
  );

  const saveService = (id?: string) =>
    page<{ id?: string }>(async (req, reply, clerk) => {
      const input = serviceFromForm(req.body);
      const problem = formError(input);
      const action = id === undefined ? '/servizi' : `/servizi/${req.params.id}`;
      if (problem)
        return view(
          reply,
          clerk,
          id === undefined ? 'Nuovo servizio' : 'Modifica servizio',
          '/servizi',
          serviceForm(clerk, action, req.body, problem),
          400,
        );
      let saved: Service;
      try {
        saved = await store.saveService(input, req.params.id);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return view(
          reply,
          clerk,
          'Servizio non salvato',
          '/servizi',
          serviceForm(clerk, action, req.body, e.message),
          e.field === 'id' ? 404 : 400,
        );
      }
      return reply.redirect(`/servizi/${saved.id}?salvato=1`, 303);
    });
  app.post('/servizi', saveService());
  app.post('/servizi/:id', saveService('edit'));

  // ---------- dashboards and exports ----------
  // Counts and the first rows of each list; «Mostra tutte» shows one list a page at a time.
  app.get(
    '/cruscotto',
    page<unknown, { elenco?: unknown; pagina?: unknown }>(async (req, reply, clerk) => {
      const day = today();
      const { elenco, pagina } = req.query;
      const refuse = (message: string) =>
        view(
          reply,
          clerk,
          'Cruscotto',
          '/cruscotto',
          html`<p class="error" role="alert">${message}</p><p><a href="/cruscotto">Torna al cruscotto</a></p>`,
          400,
        );
      let list: DashboardList | null = null;
      let pageNo = 1;
      if (elenco !== undefined || pagina !== undefined) {
        if (typeof elenco !== 'string' || !(LISTS as readonly string[]).includes(elenco))
          return refuse('elenco: indicare uno degli elenchi del cruscotto (dovute, atti o prescrizioni).');
        list = elenco as DashboardList;
        if (pagina !== undefined && (typeof pagina !== 'string' || !/^[1-9][0-9]{0,8}$/.test(pagina)))
          return refuse('pagina: serve un numero intero da 1 in su.');
        pageNo = pagina === undefined ? 1 : Number(pagina);
      }
      const limit = list ? LIST_ROWS : DASHBOARD_ROWS;
      const offset = (pageNo - 1) * limit;
      const show = (l: DashboardList) => !list || list === l;
      const [due, acts, lateTotal] = await Promise.all([
        show('dovute') ? inspectionsDueReport(store, ruleSet, day) : null,
        show('atti') ? expiringActsReport(store, ruleSet, day) : null,
        show('prescrizioni') ? countOverduePrescriptions(store, day) : null,
      ]);
      const total = list === 'dovute' ? due!.length : list === 'atti' ? acts!.length : list === 'prescrizioni' ? lateTotal! : 0;
      const pages = Math.max(1, Math.ceil(total / LIST_ROWS));
      if (list && pageNo > pages) return refuse(`pagina: l'elenco ha ${pages} ${pages === 1 ? 'pagina' : 'pagine'}.`);
      const late = lateTotal === null ? null : await overduePrescriptionsReport(store, day, { limit, offset });
      return view(
        reply,
        clerk,
        'Cruscotto',
        '/cruscotto',
        fromReact(
          createElement(Dashboard, {
            day: formatDate(day),
            paging: list ? { list, page: pageNo, pages } : undefined,
            due: due
              ? {
                  total: due.length,
                  overdue: due.filter((d) => d.overdue).length,
                  rows: due.slice(offset, offset + limit).map((d) => ({
                    service: d.service.name,
                    comune: d.service.comune,
                    lastVisit: formatDate(d.lastVisit),
                    periods: d.periods.map((p) => `${formatDate(p.from)}–${formatDate(p.to)}: ${PERIOD_LABELS[p.status]}`).join('; '),
                    nextDueBy: formatDate(d.nextDueBy),
                    overdue: d.overdue,
                  })),
                }
              : undefined,
            acts: acts
              ? {
                  total: acts.length,
                  expired: acts.filter((a) => a.expired).length,
                  rows: acts.slice(offset, offset + limit).map((a) => ({
                    service: a.service.name,
                    comune: a.service.comune,
                    act: a.act,
                    issuedOn: formatDate(a.issuedOn),
                    validUntil: formatDate(a.validUntil),
                    days: a.expired ? `scaduto da ${-a.daysLeft}` : String(a.daysLeft),
                    expired: a.expired,
                  })),
                }
              : undefined,
            late:
              late && lateTotal !== null
                ? {
                    total: lateTotal,
                    rows: late.map((p) => ({
                      href: inspectionHref(p),
                      service: p.serviceName,
                      visitDate: formatDate(p.visitDate),
                      check: checkLabel(p.rule, defaultItems),
                      text: p.text,
                      deadline: formatDate(p.deadline),
                      daysLate: p.daysLate,
                      followUp: formatDate(p.followUpDate),
                    })),
                  }
                : undefined,
          }),
        ),
      );
    }),
  );

  const PERIOD_LABELS = { done: 'fatta', due: 'da fare', overdue: 'non fatta', future: 'futura' } as const;

  const csv = (reply: FastifyReply, name: string, text: string) =>
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}"`).send(text);

  app.get(
    '/export/ispezioni-dovute.csv',
    page(async (_req, reply) => {
      const day = today();
      const rows = await inspectionsDueReport(store, ruleSet, day);
      return csv(
        reply,
        `ispezioni-dovute-${day}.csv`,
        toCsv(
          ['Servizio', 'Comune', 'Tipo', 'Ultima visita', 'Primo semestre', 'Secondo semestre', 'Prossima entro', 'In ritardo'],
          rows.map((r) => [
            r.service.name,
            r.service.comune,
            SERVICE_TYPE_LABELS[r.service.type],
            r.lastVisit,
            ...[0, 1].map((i) => (r.periods[i] ? PERIOD_LABELS[r.periods[i]!.status] : '')),
            r.nextDueBy,
            r.overdue,
          ]),
        ),
      );
    }),
  );

  app.get(
    '/export/atti-in-scadenza.csv',
    page(async (_req, reply) => {
      const day = today();
      const rows = await expiringActsReport(store, ruleSet, day);
      return csv(
        reply,
        `atti-in-scadenza-${day}.csv`,
        toCsv(
          ['Servizio', 'Comune', 'Atto', 'Rilasciato il', 'Valido fino al', 'Giorni rimanenti', 'Scaduto'],
          rows.map((r) => [r.service.name, r.service.comune, r.act, r.issuedOn, r.validUntil, r.daysLeft, r.expired]),
        ),
      );
    }),
  );

  app.get(
    '/export/prescrizioni-scadute.csv',
    page(async (_req, reply) => {
      const day = today();
      const rows = await overduePrescriptionsReport(store, day);
      return csv(
        reply,
        `prescrizioni-scadute-${day}.csv`,
        toCsv(
          // Last, for support only: the clerk's columns come first and name things in words.
          [
            'Servizio',
            'Comune',
            'Data visita',
            'Revisione',
            'Rilievo',
            'Prescrizione',
            'Scadenza',
            'Giorni di ritardo',
            'Verifica successiva',
            'Codice ispezione (assistenza)',
          ],
          rows.map((r) => [
            r.serviceName,
            r.comune,
            r.visitDate,
            r.revision,
            checkLabel(r.rule, defaultItems),
            r.text,
            r.deadline,
            r.daysLate,
            r.followUpDate,
            r.inspectionId,
          ]),
        ),
      );
    }),
  );

  // ---------- laptops ----------
  const laptopsPage = async (reply: FastifyReply, clerk: Clerk, refused?: { name: string; error: string }) =>
    view(
      reply,
      clerk,
      'Portatili degli ispettori',
      '/portatili',
      fromReact(createElement(Laptops, { csrf: clerk.csrf, inspectors: await store.listInspectors(), ...refused })),
      refused ? 400 : 200,
    );

  app.get(
    '/portatili',
    page(async (_req, reply, clerk) => laptopsPage(reply, clerk)),
  );

  app.post(
    '/portatili/codice',
    page(async (req, reply, clerk) => {
      const name = String(req.body.nome ?? '');
      let inspector;
      try {
        inspector = await store.createInspector(name);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return laptopsPage(reply, clerk, {
          name,
          error: `Scrivere il nome dell'ispettore a cui dare il portatile (al massimo 200 caratteri).`,
        });
      }
      const code = newPairingCode();
      const expiresAt = new Date(Date.now() + PAIRING_CODE_TTL_MS);
      await store.createPairingCode(inspector.id, sha256Text(code), expiresAt.toISOString());
      const validUntil = expiresAt.toLocaleTimeString('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit' });
      return view(reply, clerk, `Codice per ${inspector.name}`, '/portatili', fromReact(createElement(PairingCode, { code, validUntil })));
    }),
  );
}

/** What the laptop's audit chain showed on arrival: a rewritten history is evidence for the clerk, not a refusal. */
function auditNotice(audit: RevisionRecord['audit']): Html {
  if (!audit)
    return html`<p class="na" data-testid="audit-chain">Registro delle modifiche del portatile: non inviato (versione precedente dell'applicazione).</p>`;
  if (audit.status === 'riscritta')
    return html`<p class="error" role="alert" data-testid="audit-chain"><strong>Attenzione: storia del portatile riscritta.</strong> Il registro delle modifiche inviato con questa revisione non prosegue quello ricevuto prima dallo stesso portatile (${audit.note ?? ''}). I dati sono conservati come ricevuti: verificarli con l'ispettore prima di validare.</p>`;
  if (audit.status === 'non_collegata' && audit.note)
    return html`<p class="error" role="alert" data-testid="audit-chain"><strong>Attenzione: registro del portatile non collegato.</strong> ${audit.note}. Verificare con l'ispettore prima di validare.</p>`;
  if (audit.status === 'non_collegata')
    return html`<p class="warn" data-testid="audit-chain">Registro delle modifiche del portatile: integro, ma non collegabile a quanto ricevuto prima da questo portatile.</p>`;
  return html`<p class="pass" data-testid="audit-chain">Registro delle modifiche del portatile: integro e coerente con quanto ricevuto prima.</p>`;
}
