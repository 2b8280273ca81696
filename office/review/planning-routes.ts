/**
 * «Pianificazione» (issue 14): the proposal for a period (`officePlan`, nothing saved until a
 * click), the visits planned with their conflicts, one click to accept, move or drop, and a form to
 * add any visit. A visit whose save would have conflicts (shared/planning.ts `visitConflicts`)
 * is shown them first and saved only with `conferma=si`; an incomplete commission for an
 * authorisation or accreditation (Art. 15 c.2) is refused with who is missing (400).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import { addDays, parseItalianDate, type IsoDate } from '../../shared/dates.ts';
import { getTerritory, DEFAULT_TERRITORY_ID } from '../../shared/territories/index.ts';
import { inspectionsDue } from '../../shared/rules/acts.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import {
  commissionRefusal,
  FollowUpOf,
  followUpOrigin,
  PLAN_STATUSES,
  PlannedVisitInput,
  visitConflicts,
  type Person,
  type PlannedVisit,
  type PlanStatus,
} from '../../shared/planning.ts';
import { italianHolidayName } from '../holidays.ts';
import { officePlan } from '../planning.ts';
import { PlanningStore, type Actor } from '../storage/planning.ts';
import { UserError } from '../storage/store.ts';
import type { Clerk, PageRequest, ReviewContext } from './context.ts';
import { PeopleList, PersonForm } from './People.tsx';
import { Planning, PlanningConfirmation, type VisitFields, type VisitView } from './Planning.tsx';

/** The hidden `origine` of a follow-up's form (JSON of `FollowUpOf`); anything else is no origin. */
function originOf(text: string | undefined): FollowUpOf | null {
  if (!text) return null;
  try {
    const r = FollowUpOf.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

const TITLE = 'Pianificazione delle visite';

const FIELD_LABELS: Record<string, string> = {
  serviceId: 'Servizio',
  purpose: 'Scopo',
  date: 'Data',
  startTime: 'Dalle',
  endTime: 'Alle',
  memberIds: 'Commissione',
  reason: 'Motivo',
  status: 'Stato',
};

export function registerPlanningRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, today, page, view, mail } = ctx;
  // The office still runs with the Zona's rules (docs/DEVELOPING.md): its territory is the default one.
  const territory = getTerritory(DEFAULT_TERRITORY_ID)!;
  const ruleSet = RULE_SETS.get(territory.ruleSet)!;
  // Every write of a planned visit tells its members, in the same transaction: the after-write hook
  // office/server.ts adds for the office's database (office/storage/planning.ts `onPlannedVisitWritten`).
  const planning = new PlanningStore(store.db, territory);
  const actor = (clerk: Clerk): Actor => ({ clerkId: clerk.clerkId, name: clerk.clerkName });

  /** The period asked for (gg/mm/aaaa), by default from today to the end of today's Art. 17 period. */
  function periodOf(q: { dal?: unknown; al?: unknown }): { from: IsoDate; to: IsoDate } | string {
    const day = today();
    const current = inspectionsDue(ruleSet, [], day).periods.find((p) => p.from <= day && day <= p.to);
    const read = (text: unknown, fallback: IsoDate, label: string): IsoDate | string => {
      if (text === undefined || text === '') return fallback;
      if (typeof text !== 'string') return `${label}: serve una data gg/mm/aaaa`;
      const r = parseItalianDate(text);
      return r.ok ? (r.date ?? fallback) : `${label}: ${r.message}`;
    };
    const from = read(q.dal, day, 'Dal');
    if (from.includes(':')) return from;
    const to = read(q.al, current?.to ?? addDays(day, 181), 'Al');
    if (to.includes(':')) return to;
    if (from > to) return 'Al: la data di fine precede quella di inizio';
    if (addDays(from, 366) <= to) return 'Al: il periodo supera 366 giorni: pianificare un semestre alla volta';
    return { from, to };
  }

  async function render(
    reply: FastifyReply,
    clerk: Clerk,
    period: { from: IsoDate; to: IsoDate },
    extra: { status?: number; error?: string; values?: VisitFields; flash?: string } = {},
  ) {
    const result = await officePlan(store, planning, period.from, period.to);
    const services = await store.listServices();
    const byId = new Map(services.map((s) => [s.id, s]));
    const people = [...result.people.values()];
    const saved = await planning.listPlannedVisits(period.from, period.to);
    const around = await planning.listPlannedVisits(addDays(period.from, -1), addDays(period.to, 1));
    const toView = (v: PlannedVisit): VisitView => ({
      ...v,
      serviceName: byId.get(v.serviceId)?.name ?? v.serviceId,
      comune: byId.get(v.serviceId)?.comune ?? '',
      members: v.memberIds.map((id) => result.people.get(id)).filter((p): p is Person => !!p),
      origin: v.followUpOf ? followUpOrigin(territory, v.followUpOf) : null,
      conflicts: visitConflicts(v, { territory, services: byId, people: result.people, others: around, holidayName: italianHolidayName }),
    });
    return view(
      reply,
      clerk,
      TITLE,
      '/pianificazione',
      createElement(Planning, {
        csrf: clerk.csrf,
        period,
        schedule: result.plan.schedule,
        // Not saved: no status to show.
        proposals: result.plan.visits.map((v) => ({
          ...v,
          status: undefined,
          members: v.memberIds.map((id) => result.people.get(id)!),
          origin: v.followUpOf ? followUpOrigin(territory, v.followUpOf) : null,
        })),
        unplanned: result.plan.unplanned,
        planned: saved.map(toView),
        services: services.map((s) => ({ id: s.id, name: s.name, comune: s.comune })),
        people,
        error: extra.error,
        values: extra.values,
      }),
      extra.status ?? 200,
      extra.flash,
    );
  }

  const back = (period: { from: IsoDate; to: IsoDate }) =>
    `/pianificazione?dal=${encodeURIComponent(period.from.split('-').reverse().join('/'))}&al=${encodeURIComponent(period.to.split('-').reverse().join('/'))}`;

  app.get(
    '/pianificazione',
    page<unknown, { dal?: unknown; al?: unknown; salvato?: unknown }>(async (req, reply, clerk) => {
      const period = periodOf(req.query);
      if (typeof period === 'string') {
        const day = today();
        return render(reply, clerk, { from: day, to: day }, { status: 400, flash: period });
      }
      return render(reply, clerk, period, { flash: req.query.salvato === '1' ? 'Piano salvato.' : undefined });
    }),
  );

  app.post(
    '/pianificazione/visite',
    page(async (req: PageRequest<Record<string, string>, Record<string, string>>, reply, clerk) => {
      const b = req.body;
      const period = periodOf(b);
      if (typeof period === 'string') return render(reply, clerk, { from: today(), to: today() }, { status: 400, flash: period });
      const date = parseItalianDate(b.data ?? '');
      const values: VisitFields = {
        ...b,
        membri: [
          ...(b.membri ?? '').split(','),
          ...Object.keys(b)
            .filter((k) => k.startsWith('membro_') && b[k] === 'on')
            .map((k) => k.slice(7)),
        ]
          .filter(Boolean)
          .join(','),
      };
      delete values._csrf;
      if (!date.ok || !date.date)
        return render(reply, clerk, period, {
          status: 400,
          error: `Data: ${date.ok ? 'serve una data gg/mm/aaaa' : date.message}`,
          values,
        });
      const input = {
        serviceId: b.serviceId ?? '',
        purpose: b.purpose ?? '',
        date: date.date,
        startTime: b.dalle ?? '',
        endTime: b.alle ?? '',
        memberIds: values.membri!.split(',').filter(Boolean),
        reason: b.reason ?? '',
        status: (PLAN_STATUSES as readonly string[]).includes(b.stato ?? '') ? (b.stato as PlanStatus) : 'proposed',
        followUpOf: originOf(b.origine),
      };
      const checked = PlannedVisitInput.safeParse(input);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        const field = String(issue.path[0] ?? '');
        return render(reply, clerk, period, { status: 400, error: `${FIELD_LABELS[field] ?? field}: ${issue.message}`, values });
      }
      const visit = checked.data;
      const services = new Map((await store.listServices()).map((s) => [s.id, s]));
      const people = new Map((await planning.listPeople()).map((p) => [p.id, p]));
      // Art. 15 c.2 is no conflict to confirm: refused at once (the store refuses it too).
      const service0 = services.get(visit.serviceId);
      const refusal =
        service0 &&
        commissionRefusal(
          territory,
          visit.purpose,
          service0,
          visit.memberIds.map((id) => people.get(id)).filter((p): p is Person => !!p),
        );
      if (refusal) return render(reply, clerk, period, { status: 400, error: `Commissione: ${refusal}`, values });
      // Conflicts are shown before saving; the clerk saves anyway with «Salva comunque».
      if (b.conferma !== 'si') {
        const others = await planning.listPlannedVisits(visit.date, visit.date);
        const conflicts = visitConflicts({ ...visit, id: b.id }, { territory, services, people, others, holidayName: italianHolidayName });
        const service = services.get(visit.serviceId);
        if (conflicts.length && service)
          return view(
            reply,
            clerk,
            'Conflitti da confermare',
            '/pianificazione',
            createElement(PlanningConfirmation, {
              csrf: clerk.csrf,
              visit: {
                ...visit,
                serviceName: service.name,
                comune: service.comune,
                members: visit.memberIds.map((id) => people.get(id)).filter((p): p is Person => !!p),
                conflicts,
              },
              fields: values,
              back: back(period),
            }),
            409,
          );
      }
      try {
        await planning.savePlannedVisit(visit, actor(clerk), b.id ? { id: b.id } : {});
        mail.kick();
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        const field = (e.field ?? '').split('.')[0]!;
        return render(reply, clerk, period, {
          status: e.field === 'id' ? 404 : 400,
          error: `${FIELD_LABELS[field] ?? 'Visita'}: ${e.message.replace(/^[\w.]+: /, '')}`,
          values,
        });
      }
      return reply.redirect(`${back(period)}&salvato=1`, 303);
    }),
  );

  app.post(
    '/pianificazione/visite/:id/stato',
    page<{ id: string }>(async (req, reply, clerk) => {
      const period = periodOf(req.body);
      if (typeof period === 'string') return render(reply, clerk, { from: today(), to: today() }, { status: 400, flash: period });
      try {
        await planning.setPlannedVisitStatus(req.params.id, req.body.stato, actor(clerk));
        mail.kick();
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return render(reply, clerk, period, { status: e.field === 'id' ? 404 : 400, flash: `Stato: ${e.message}` });
      }
      return reply.redirect(`${back(period)}&salvato=1`, 303);
    }),
  );

  // ---------- the people of the commissions ----------
  const PERSON_FIELDS: Record<string, string> = {
    name: 'Nome',
    role: 'Ruolo',
    comune: 'Comune',
    email: 'E-mail',
    inspectorId: 'Account ispettore',
  };
  const personForm = async (clerk: Clerk, action: string, values: Record<string, string | null | undefined>, error?: string) =>
    createElement(PersonForm, {
      action,
      csrf: clerk.csrf,
      values,
      error,
      inspectors: (await store.listInspectors()).map((i) => ({ id: i.id, name: i.name })),
    });

  app.get(
    '/pianificazione/persone',
    page(async (_req, reply, clerk) => {
      const inspectors = new Map((await store.listInspectors()).map((i) => [i.id, i.name]));
      return view(
        reply,
        clerk,
        'Persone delle commissioni',
        '/pianificazione',
        createElement(PeopleList, {
          people: await planning.listPeople(),
          inspectors,
          calendars: await planning.calendarSecretsMade(),
          csrf: clerk.csrf,
        }),
      );
    }),
  );
  app.get(
    '/pianificazione/persone/nuova',
    page(async (_req, reply, clerk) =>
      view(reply, clerk, 'Nuova persona', '/pianificazione', await personForm(clerk, '/pianificazione/persone', {})),
    ),
  );
  app.get(
    '/pianificazione/persone/:id',
    page<{ id: string }>(async (req, reply, clerk) => {
      const person = (await planning.listPeople()).find((p) => p.id === req.params.id);
      if (!person) return view(reply, clerk, 'Persona non trovata', '/pianificazione', null, 404);
      return view(
        reply,
        clerk,
        `Persona: ${person.name}`,
        '/pianificazione',
        await personForm(clerk, `/pianificazione/persone/${encodeURIComponent(person.id)}`, {
          name: person.name,
          role: person.role,
          comune: person.comune,
          email: person.email,
          inspectorId: person.inspectorId,
        }),
      );
    }),
  );
  const savePerson = (edit: boolean) =>
    page<{ id?: string }>(async (req, reply, clerk) => {
      const b = req.body;
      const input = {
        name: b.name ?? '',
        role: b.role ?? '',
        comune: b.comune?.trim() ? b.comune : null,
        email: b.email ?? '',
        inspectorId: b.inspectorId || null,
      };
      const action = edit ? `/pianificazione/persone/${encodeURIComponent(req.params.id!)}` : '/pianificazione/persone';
      try {
        await planning.savePerson(input, actor(clerk), edit ? { id: req.params.id! } : {});
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        const field = (e.field ?? '').split('.')[0]!;
        const message = `${PERSON_FIELDS[field] ?? 'Persona'}: ${e.message.replace(/^[\w.]+: /, '')}`;
        return view(
          reply,
          clerk,
          edit ? 'Modifica persona' : 'Nuova persona',
          '/pianificazione',
          await personForm(clerk, action, b, message),
          e.field === 'id' ? 404 : 400,
        );
      }
      return reply.redirect('/pianificazione/persone', 303);
    });
  app.post('/pianificazione/persone', savePerson(false));
  app.post('/pianificazione/persone/:id', savePerson(true));
}
