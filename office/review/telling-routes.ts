/**
 * Telling people (issue 14): each member's calendar feed `/calendar/<secret>.ics` (no session: the
 * secret in the URL is the credential; unknown → the same 404 as any unknown path, rate-limited per
 * address), the clerk's «Crea/Reimposta indirizzo del calendario» (the URL shown once), one planned
 * visit's .ics, and «Posta inviata», the outbox with each message's outcome.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createElement } from 'react';
import { capitalised } from '../../shared/text.ts';
import { getTerritory, DEFAULT_TERRITORY_ID } from '../../shared/territories/index.ts';
import type { Person, PlannedVisit } from '../../shared/planning.ts';
import { sendError } from '../api.ts';
import { visitCalendar, type CalendarVisit } from '../calendar.ts';
import { requestLimit } from '../security.ts';
import { PlanningStore } from '../storage/planning.ts';
import { UserError } from '../storage/store.ts';
import type { ReviewContext } from './context.ts';
import { CalendarLink, MAIL_KIND_LABELS, MailList } from './Mail.tsx';
import { Message } from './Message.tsx';

/** 256 bits in base64url: 43 characters. Anything else is not a secret this office made. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** Requests per minute to the feeds from one address (a calendar polls every few minutes at most). */
export const CALENDAR_FEED_PER_MINUTE = 30;

export function registerTellingRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view, mail, territory } = ctx;
  const planning = new PlanningStore(store.db, getTerritory(DEFAULT_TERRITORY_ID)!);
  const feedLimit = requestLimit(app, CALENDAR_FEED_PER_MINUTE, 60_000, (_req, ip) => `calendario:${ip}`);

  /** The events of `visits`, with the services' places, the members' names and what each was told. */
  async function events(visits: PlannedVisit[], sequenceOf: (v: PlannedVisit) => Promise<number>): Promise<CalendarVisit[]> {
    const services = new Map((await store.listServices()).map((s) => [s.id, s]));
    const people = new Map((await planning.listPeople()).map((p) => [p.id, p]));
    const updated = await planning.visitUpdatedAt(visits.map((v) => v.id));
    const out: CalendarVisit[] = [];
    for (const v of visits) {
      const s = services.get(v.serviceId);
      out.push({
        id: v.id,
        date: v.date,
        startTime: v.startTime,
        endTime: v.endTime,
        purpose: v.purpose,
        status: v.status,
        serviceName: s?.name ?? 'servizio non più nel registro',
        address: s?.address ?? '',
        comune: s?.comune ?? '',
        members: v.memberIds.map((id) => people.get(id)?.name).filter((n): n is string => !!n),
        sequence: await sequenceOf(v),
        updatedAt: updated.get(v.id) ?? new Date().toISOString(),
      });
    }
    return out;
  }

  const sequenceFor = (personId: string | null) => async (v: PlannedVisit) => {
    const notices = await mail.outbox.notices(store.db, v.id);
    const mine = personId ? notices.filter((n) => n.personId === personId) : notices;
    return Math.max(0, ...mine.map((n) => n.sequence));
  };

  const calendarReply = (reply: FastifyReply, text: string, filename: string) =>
    reply
      .type('text/calendar; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('Cache-Control', 'private, no-store')
      .send(text);

  // The feed a member's calendar subscribes to: their visits not dropped (accepted, and proposed as TENTATIVE).
  app.get('/calendar/:file', async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const wait = await feedLimit(req);
    if (wait) {
      reply.header('Retry-After', String(wait));
      return sendError(reply, 429, 'rate_limited', `troppe richieste: riprovare tra ${wait} s`);
    }
    const m = /^(.+)\.ics$/.exec(req.params.file);
    const person = m && SECRET.test(m[1]!) ? await planning.personByCalendarSecret(m[1]!) : null;
    if (!person) return sendError(reply, 404, 'not_found', 'risorsa non trovata');
    const visits = await planning.visitsOfPerson(person.id);
    return calendarReply(
      reply,
      visitCalendar(`Visite di vigilanza: ${person.name}`, await events(visits, sequenceFor(person.id))),
      'visite.ics',
    );
  });

  app.post(
    '/pianificazione/persone/:id/calendario',
    page<{ id: string }>(async (req, reply, clerk) => {
      let secret: string;
      try {
        secret = await planning.resetCalendarSecret(req.params.id, { clerkId: clerk.clerkId, name: clerk.clerkName });
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        return view(reply, clerk, 'Persona non trovata', '/pianificazione', createElement(Message, { error: 'Persona non trovata.' }), 404);
      }
      const person = (await planning.listPeople()).find((p: Person) => p.id === req.params.id)!;
      const base = `${ctx.secure ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
      reply.header('Cache-Control', 'no-store');
      return view(
        reply,
        clerk,
        'Indirizzo del calendario',
        '/pianificazione',
        createElement(CalendarLink, { name: person.name, url: `${base}/calendar/${secret}.ics` }),
      );
    }),
  );

  app.get(
    '/pianificazione/visite/:id/visita.ics',
    page<{ id: string }>(async (req, reply, clerk) => {
      const visit = await planning.getPlannedVisit(req.params.id);
      if (!visit)
        return view(
          reply,
          clerk,
          'Visita non trovata',
          '/pianificazione',
          createElement(Message, { error: 'Visita pianificata non trovata.' }),
          404,
        );
      const [event] = await events([visit], sequenceFor(null));
      return calendarReply(reply, visitCalendar(`Visita: ${event!.serviceName}`, [event!]), 'visita.ics');
    }),
  );

  app.get(
    '/posta',
    page(async (_req, reply, clerk) => {
      const kindLabel = (k: keyof typeof MAIL_KIND_LABELS) =>
        k === 'prescrizioni' ? `${capitalised(territory.prescription.plural)} al servizio` : MAIL_KIND_LABELS[k];
      return view(
        reply,
        clerk,
        'Posta inviata',
        '/posta',
        createElement(MailList, { messages: await mail.outbox.list(500), configured: mail.configured, kindLabel }),
      );
    }),
  );
}
