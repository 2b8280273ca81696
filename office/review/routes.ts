/**
 * The review workspace for the office staff (Italian, server-rendered HTML): the shared hooks and
 * the style sheet here, each page in its own module (`*-routes.ts`, its markup in a `.tsx`), the
 * cruscotto and its CSV exports below.
 * Sessions: random id in an HttpOnly SameSite=Strict cookie (Secure under TLS), stored hashed
 * with an expiry. Every POST carries the session's CSRF token (login: a double-submit cookie), and
 * a POST whose Origin names another site, or is not an origin at all, is refused (`context.ts`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { getChecklist } from '../../shared/checklist/index.ts';
import { SERVICE_TYPE_LABELS } from '../../shared/domain.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { createReviewContext, formatDate, inspectionHref, type ReviewDeps } from './context.ts';
import { toCsv } from './csv.ts';
import { expiringActsReport, inspectionsDueReport, overduePrescriptionsReport } from './dashboards.ts';
import { CSS, html } from './html.ts';
import { registerInspectionRoutes } from './inspection-routes.ts';
import { checkLabel } from './labels.ts';
import { registerLaptopRoutes } from './laptop-routes.ts';
import { registerLoginRoutes } from './login-routes.ts';
import { registerQueueRoutes } from './queue-routes.ts';
import { registerServiceRoutes } from './service-routes.ts';
import { registerTransferRoutes } from './transfer-routes.ts';

export { formatInstant } from './context.ts';
export { safeAfterLogin } from './login-routes.ts';
export { TABS } from './queue-routes.ts';

const DEFAULT_RULE_SET = 'zona-fse@1';

export function registerReview(app: FastifyInstance, deps: ReviewDeps): void {
  const ctx = createReviewContext(app, deps);
  const { store, today, page, view } = ctx;
  const ruleSet = RULE_SETS.get(DEFAULT_RULE_SET)!;
  // The dashboards span visits of any rule set; their checks are named by the current Scheda's items.
  const defaultItems = new Map((getChecklist(DEFAULT_RULE_SET)?.items ?? []).map((i) => [i.id, i]));

  // The other headers of the pages (CSP, no framing, no sniffing, HSTS under TLS) come from helmet (server.ts).
  app.addHook('onSend', async (_req, reply, payload) => {
    if (String(reply.getHeader('Content-Type') ?? '').startsWith('text/html')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.get('/static/office.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CSS),
  );

  registerLoginRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
  registerInspectionRoutes(app, ctx);
  registerTransferRoutes(app, ctx);
  registerServiceRoutes(app, ctx);
  registerLaptopRoutes(app, ctx);

  // ---------- dashboards and exports ----------
  app.get(
    '/cruscotto',
    page(async (_req, reply, clerk) => {
      const day = today();
      const [due, acts, late] = await Promise.all([
        inspectionsDueReport(store, ruleSet, day),
        expiringActsReport(store, ruleSet, day),
        overduePrescriptionsReport(store, day),
      ]);
      return view(
        reply,
        clerk,
        'Cruscotto',
        '/cruscotto',
        html`<p>Situazione al ${formatDate(day)}.</p>
<h2>Ispezioni dovute (art. 17: almeno due l'anno per struttura)</h2><p><a href="/export/ispezioni-dovute.csv">Esporta CSV</a></p>
${
  due.length
    ? html`<table><thead><tr><th>Servizio</th><th>Comune</th><th>Ultima visita</th><th>Semestri</th><th>Prossima entro</th><th>In ritardo</th></tr></thead><tbody>
${due.map(
  (d) => html`<tr><td>${d.service.name}</td><td>${d.service.comune}</td><td>${formatDate(d.lastVisit)}</td>
<td>${d.periods.map((p) => `${formatDate(p.from)}–${formatDate(p.to)}: ${PERIOD_LABELS[p.status]}`).join('; ')}</td><td>${formatDate(d.nextDueBy)}</td><td class="${d.overdue ? 'fail' : ''}">${d.overdue ? 'sì' : 'no'}</td></tr>`,
)}</tbody></table>`
    : html`<p>Nessuna struttura autorizzata o accreditata nel registro.</p>`
}
<h2>Autorizzazioni e accreditamenti in scadenza entro 90 giorni</h2><p><a href="/export/atti-in-scadenza.csv">Esporta CSV</a></p>
${
  acts.length
    ? html`<table><thead><tr><th>Servizio</th><th>Comune</th><th>Atto</th><th>Rilasciato</th><th>Valido fino al</th><th>Giorni</th></tr></thead><tbody>
${acts.map((a) => html`<tr><td>${a.service.name}</td><td>${a.service.comune}</td><td>${a.act}</td><td>${formatDate(a.issuedOn)}</td><td>${formatDate(a.validUntil)}</td><td class="${a.expired ? 'fail' : 'warn'}">${a.expired ? `scaduto da ${-a.daysLeft}` : a.daysLeft}</td></tr>`)}</tbody></table>`
    : html`<p>Nessun atto in scadenza.</p>`
}
<h2>Prescrizioni scadute</h2><p><a href="/export/prescrizioni-scadute.csv">Esporta CSV</a></p>
${
  late.length
    ? html`<table><thead><tr><th>Servizio</th><th>Visita</th><th>Rilievo</th><th>Prescrizione</th><th>Scadenza</th><th>Giorni di ritardo</th><th>Verifica successiva</th></tr></thead><tbody>
${late.map((p) => html`<tr><td><a href="${inspectionHref(p)}">${p.serviceName}</a></td><td>${formatDate(p.visitDate)}</td><td>${checkLabel(p.rule, defaultItems)}</td><td>${p.text}</td><td>${formatDate(p.deadline)}</td><td class="fail">${p.daysLate}</td><td>${formatDate(p.followUpDate)}</td></tr>`)}</tbody></table>`
    : html`<p>Nessuna prescrizione scaduta.</p>`
}`,
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
}
