/**
 * The review workspace for the office staff (Italian, server-rendered HTML): the shared hooks and
 * the style sheet here, each page in its own module (`*-routes.ts`, its markup in a `.tsx`), the
 * cruscotto and its CSV exports below.
 * Sessions: random id in an HttpOnly SameSite=Strict cookie (Secure under TLS), stored hashed
 * with an expiry. Every POST carries the session's CSRF token (login: a double-submit cookie), and
 * a POST whose Origin names another site, or is not an origin at all, is refused (`context.ts`).
 */
import { namedChecks } from '../../shared/educator-register.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import { getChecklist } from '../../shared/checklist/index.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { createReviewContext, formatDate, inspectionHref, type ReviewDeps } from './context.ts';
import { toCsv } from './csv.ts';
import {
  countOverduePrescriptions,
  DASHBOARD_ROWS,
  expiringActsReport,
  inspectionsDueReport,
  LIST_ROWS,
  overduePrescriptionsCsv,
  overduePrescriptionsReport,
  verificationText,
  parsePrescriptionKey,
  prescriptionKeyParam,
} from './dashboards.ts';
import { Dashboard, LISTS, type DashboardList } from './Dashboard.tsx';
import { CSS, fromReact, html } from './html.ts';
import { registerCensusRoutes } from './census-routes.ts';
import { registerInspectionRoutes } from './inspection-routes.ts';
import { checkLabel } from './labels.ts';
import { registerLaptopRoutes } from './laptop-routes.ts';
import { registerLoginRoutes } from './login-routes.ts';
import { registerPlanningRoutes } from './planning-routes.ts';
import { registerRegisterRoutes } from './register-routes.ts';
import { registerQueueRoutes } from './queue-routes.ts';
import { registerServiceRoutes } from './service-routes.ts';
import { registerTellingRoutes } from './telling-routes.ts';
import { registerTransferRoutes } from './transfer-routes.ts';
import { renewalHorizon, type OverduePage } from '../storage/store.ts';

export { formatInstant } from './context.ts';
export { safeAfterLogin } from './login-routes.ts';
export { TABS } from './queue-routes.ts';

export function registerReview(app: FastifyInstance, deps: ReviewDeps): void {
  const ctx = createReviewContext(app, deps);
  const { store, today, page, view, territory } = ctx;
  // The dashboards apply the office's territory: its current rule set, and its checklist's items name the checks.
  const ruleSet = RULE_SETS.get(territory.ruleSet)!;
  const defaultItems = new Map((getChecklist(territory.checklist)?.items ?? []).map((i) => [i.id, i]));

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
  registerPlanningRoutes(app, ctx);
  registerTellingRoutes(app, ctx);
  registerCensusRoutes(app, ctx);
  registerRegisterRoutes(app, ctx);

  // ---------- dashboards and exports ----------
  // Counts and the first rows of each list; «Mostra tutte» shows one list a page at a time.
  app.get(
    '/cruscotto',
    page<unknown, { elenco?: unknown; pagina?: unknown; dopo?: unknown; prima?: unknown }>(async (req, reply, clerk) => {
      const day = today();
      const { elenco, pagina, dopo, prima } = req.query;
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
      if (elenco !== undefined || pagina !== undefined || dopo !== undefined || prima !== undefined) {
        if (typeof elenco !== 'string' || !(LISTS as readonly string[]).includes(elenco))
          return refuse('elenco: indicare uno degli elenchi del cruscotto (dovute, atti o prescrizioni).');
        list = elenco as DashboardList;
        if (pagina !== undefined && (typeof pagina !== 'string' || !/^[1-9][0-9]{0,8}$/.test(pagina)))
          return refuse('pagina: serve un numero intero da 1 in su.');
        pageNo = pagina === undefined ? 1 : Number(pagina);
      }
      // The prescriptions list goes from page to page by the key of a row shown (keyset): no offset to skip.
      const after = dopo === undefined ? null : parsePrescriptionKey(dopo);
      const before = prima === undefined ? null : parsePrescriptionKey(prima);
      for (const [field, value, key] of [
        ['dopo', dopo, after],
        ['prima', prima, before],
      ] as const) {
        if (value === undefined) continue;
        if (list !== 'prescrizioni') return refuse(`${field}: vale solo per l'elenco delle prescrizioni.`);
        if (!key) return refuse(`${field}: questo indirizzo non indica una pagina dell'elenco.`);
      }
      if (after && before) return refuse('dopo, prima: indicare una sola delle due.');
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
      const latePage: OverduePage = after
        ? { limit, after }
        : before
          ? { limit, before }
          : list && pageNo === pages && pageNo > 1
            ? { limit: total - offset, fromEnd: true }
            : { limit, offset };
      const late = lateTotal === null ? null : await overduePrescriptionsReport(store, day, latePage);
      // Document timestamps whose authority's certificate expires within a year (renew-timestamps' default margin).
      const renewals = list ? undefined : await store.countRenewalsDue(renewalHorizon(new Date(`${day}T00:00:00.000Z`)));
      const at = (n: number, key?: string) => `/cruscotto?elenco=${list}&pagina=${n}${key ?? ''}`;
      const [firstLate, lastLate] = [late?.[0], late?.at(-1)];
      const paging = list
        ? {
            list,
            page: pageNo,
            pages,
            first: pageNo > 2 ? at(1) : undefined,
            prev:
              pageNo === 1
                ? undefined
                : list === 'prescrizioni' && firstLate
                  ? at(pageNo - 1, `&prima=${encodeURIComponent(prescriptionKeyParam(firstLate))}`)
                  : at(pageNo - 1),
            next:
              pageNo === pages
                ? undefined
                : list === 'prescrizioni' && lastLate
                  ? at(pageNo + 1, `&dopo=${encodeURIComponent(prescriptionKeyParam(lastLate))}`)
                  : at(pageNo + 1),
            last: pageNo < pages - 1 ? at(pages) : undefined,
          }
        : undefined;
      return view(
        reply,
        clerk,
        'Cruscotto',
        '/cruscotto',
        fromReact(
          createElement(Dashboard, {
            day: formatDate(day),
            territory,
            paging,
            renewals,
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
                      check: checkLabel(p.rule, defaultItems, namedChecks(ruleSet)),
                      text: p.text,
                      deadline: formatDate(p.deadline),
                      daysLate: p.daysLate,
                      followUp: formatDate(p.followUpDate),
                      verification: p.notComplied ? verificationText('not_complied', p.notComplied.act, p.notComplied.article) : '',
                    })),
                  }
                : undefined,
          }),
        ),
      );
    }),
  );

  const PERIOD_LABELS = { done: 'fatta', due: 'da fare', overdue: 'non fatta', future: 'futura' } as const;

  const csv = (reply: FastifyReply, name: string, text: string | Buffer) =>
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
            territory.serviceTypes[r.service.type].label,
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
      const text = await overduePrescriptionsCsv(store, day, (rule) => checkLabel(rule, defaultItems, namedChecks(ruleSet)));
      return csv(reply, `prescrizioni-scadute-${day}.csv`, text);
    }),
  );
}
