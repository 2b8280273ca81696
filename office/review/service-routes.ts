/** «Servizi»: the registry of services, its creation and edit form. */
import type { FastifyInstance } from 'fastify';
import { createElement } from 'react';
import { ServiceInput, type Service } from '../../shared/api/contract.ts';
import { parseItalianDate } from '../../shared/dates.ts';
import { describeIssues } from '../../shared/inspection.ts';
import { emailProblem } from '../mail.ts';
import { UserError } from '../storage/store.ts';
import { formatDate, type Clerk, type ReviewContext } from './context.ts';
import { ServiceForm, ServiceList, type ServiceFormValues, type TypeLabels } from './Services.tsx';
import type { Territory } from '../../shared/territories/index.ts';
import { SERVICE_TYPES } from '../../shared/domain.ts';

const DATE_FIELDS = [
  ['authorizationIssuedOn', 'Autorizzazione'],
  ['accreditationIssuedOn', 'Accreditamento'],
] as const;

/** The dates typed as gg/mm/aaaa, each as ISO (null when empty), or what is wrong with them, by field. */
function formDates(body: Record<string, string>): { dates: Record<string, string | null>; problems: string[] } {
  const dates: Record<string, string | null> = {};
  const problems: string[] = [];
  for (const [field, label] of DATE_FIELDS) {
    const r = parseItalianDate(body[field] ?? '');
    if (r.ok) dates[field] = r.date;
    else problems.push(`${label}: ${r.message}`);
  }
  return { dates, problems };
}

function serviceFromForm(body: Record<string, string>, dates: Record<string, string | null>): unknown {
  return {
    name: body.name ?? '',
    type: body.type ?? '',
    comune: body.comune ?? '',
    address: body.address ?? '',
    referente: body.referente ?? '',
    capacity: body.capacity && /^\d+$/.test(body.capacity) ? Number(body.capacity) : body.capacity ? Number.NaN : undefined,
    kitchen: body.kitchen === 'on',
    territorialRls: body.territorialRls === 'on',
    authorizationIssuedOn: dates.authorizationIssuedOn ?? null,
    accreditationIssuedOn: dates.accreditationIssuedOn ?? null,
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

function typeLabelsOf(territory: Territory): TypeLabels {
  return Object.fromEntries(SERVICE_TYPES.map((t) => [t, territory.serviceTypes[t].label])) as TypeLabels;
}

export function registerServiceRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view } = ctx;
  // The service types as the office's territory names them.
  const typeLabels = typeLabelsOf(ctx.territory);
  const serviceForm = (clerk: Clerk, action: string, values: ServiceFormValues, error?: string) =>
    createElement(ServiceForm, { action, csrf: clerk.csrf, values, error, typeLabels });

  app.get(
    '/servizi',
    page(async (_req, reply, clerk) => {
      const services = await store.listServices();
      return view(
        reply,
        clerk,
        'Registro dei servizi',
        '/servizi',
        createElement(ServiceList, {
          typeLabels,
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
      );
    }),
  );

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
      if (!s) return view(reply, clerk, 'Servizio non trovato', '/servizi', null, 404);
      return view(
        reply,
        clerk,
        `Servizio: ${s.name}`,
        '/servizi',
        serviceForm(clerk, `/servizi/${s.id}`, {
          ...(s as unknown as Record<string, string>),
          pec: (await ctx.mail.outbox.serviceAddress(s.id)) ?? '',
        }),
      );
    }),
  );

  const saveService = (id?: string) =>
    page<{ id?: string }>(async (req, reply, clerk) => {
      const { dates, problems } = formDates(req.body);
      const input = serviceFromForm(req.body, dates);
      // The address stays in the office (migration 12, `service_mail`): it is not part of the registry entry the laptops receive.
      const pec = (req.body.pec ?? '').trim();
      const pecProblem = pec ? emailProblem(pec) : null;
      const problem = problems.length
        ? problems.join('; ')
        : (formError(input) ?? (pecProblem ? `Indirizzo e-mail o PEC: ${pecProblem}` : null));
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
      await ctx.mail.outbox.setServiceAddress(saved.id, pec);
      return reply.redirect(`/servizi/${saved.id}?salvato=1`, 303);
    });
  app.post('/servizi', saveService());
  app.post('/servizi/:id', saveService('edit'));
}
