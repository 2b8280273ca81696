/**
 * «Rilevazione» (issue 15): the campaigns, a campaign's dashboard and exports, each Comune's SERVIZI
 * and INTERVENTI sheets with their validation cycle. Who may do what is enforced here and again in
 * the store (`CensusStore.mayAct`): a Comune's user reaches only its own Comune (403 otherwise),
 * fills and sends; a reviewer reads every Comune, validates or rejects, sets the CPT membership and
 * exports; an office clerk does both. A rejection's notes are e-mailed to the Comune's users: the
 * messages are written to the outbox in the rejection's transaction (`ctx.mail.censusRejected`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import {
  CAMPAIGNS,
  daysToDeadline,
  dueActions,
  getCampaign,
  parseEuro,
  SheetAction,
  type AddedService,
  type Campaign,
  type ProgrammedAction,
  type RegistryEntry,
  type SheetKind,
} from '../../shared/census/index.ts';
import { AddedService as AddedServiceSchema, monthLabel } from '../../shared/census/index.ts';
import { censusExport, exportCsv, exportJson, exportXlsx, parseAttendanceFile } from '../census.ts';
import { CensusRefusal, CensusStore, type CensusActor } from '../storage/census.ts';
import { UserError } from '../storage/store.ts';
import { CensusDashboard, CensusHome, CensusSheetPage, censusHref, type DashboardRow } from './Census.tsx';
import multipart from '@fastify/multipart';
import { UPLOAD_LIMITS, uploadsOf, type Clerk, type ReviewContext } from './context.ts';
import { Message } from './Message.tsx';
import { randomUUID } from 'node:crypto';

const actorOf = (clerk: Clerk): CensusActor => ({ clerkId: clerk.clerkId, name: clerk.clerkName, role: clerk.role, comune: clerk.comune });
const KINDS = new Set<string>(['servizi', 'interventi']);

export function registerCensusRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { page, view, today } = ctx;
  const census = new CensusStore(ctx.store.db, { onRejected: (sql, r) => ctx.mail.censusRejected(sql, r) });
  const ACTIVE = '/rilevazione';

  const message = (reply: FastifyReply, clerk: Clerk, status: number, title: string, text: string) =>
    view(reply, clerk, title, ACTIVE, createElement(Message, { text }), status);
  const forbidden = (
    reply: FastifyReply,
    clerk: Clerk,
    text = 'Accesso non consentito: questo utente compila soltanto le schede del proprio Comune.',
  ) => message(reply, clerk, 403, 'Accesso non consentito', text);

  /** The campaign and Comune of a URL, or the answer already sent (404, 403). */
  async function resolve(
    reply: FastifyReply,
    clerk: Clerk,
    params: { campagna: string; comune?: string },
  ): Promise<{ campaign: Campaign; comune: string | null } | null> {
    const campaign = getCampaign(params.campagna);
    if (!campaign) {
      message(reply, clerk, 404, 'Rilevazione non trovata', 'Questa rilevazione non esiste.');
      return null;
    }
    if (params.comune === undefined) return { campaign, comune: null };
    const comune = await census.comuneNamed(params.comune);
    // A Comune's user is refused another Comune before being told whether it exists.
    if (!CensusStore.mayAct(actorOf(clerk), params.comune)) {
      forbidden(reply, clerk);
      return null;
    }
    if (!comune) {
      message(reply, clerk, 404, 'Comune non trovato', 'Nessun servizio del registro è in questo Comune.');
      return null;
    }
    return { campaign, comune };
  }

  async function sheetPage(
    reply: FastifyReply,
    clerk: Clerk,
    campaign: Campaign,
    comune: string,
    kind: SheetKind,
    status = 200,
    error?: string,
  ) {
    const c = await census.census(campaign, comune);
    const attendance = new Map<string, Map<string, number>>();
    for (const s of c.services) if (!s.added) attendance.set(s.ref, new Map(await census.attendanceOf(s.ref)));
    return view(
      reply,
      clerk,
      `${comune}: scheda ${kind === 'servizi' ? 'SERVIZI' : 'INTERVENTI'}`,
      ACTIVE,
      createElement(CensusSheetPage, {
        census: c,
        kind,
        csrf: clerk.csrf,
        daysLeft: daysToDeadline(campaign, today()),
        canFill: clerk.role !== 'reviewer',
        canDecide: clerk.role !== 'comune',
        attendance,
        events: await census.events(campaign, comune, kind),
        error,
        back: clerk.role !== 'comune',
        due: dueActions(campaign, c.services, c.cpt),
      }),
      status,
    );
  }

  /** A refusal of the store as a page: its status (403/409), 400 for bad input. */
  async function refusal(e: unknown, reply: FastifyReply, clerk: Clerk, campaign: Campaign, comune: string, kind: SheetKind) {
    if (e instanceof CensusRefusal) return sheetPage(reply, clerk, campaign, comune, kind, e.status, capital(e.message));
    if (e instanceof UserError) return sheetPage(reply, clerk, campaign, comune, kind, 400, capital(e.message));
    throw e;
  }

  app.get(
    '/rilevazione',
    page(async (_req, reply, clerk) =>
      view(reply, clerk, 'Rilevazione dei servizi educativi', ACTIVE, createElement(CensusHome, { campaigns: [...CAMPAIGNS.values()] })),
    ),
  );

  app.get(
    '/rilevazione/:campagna',
    page<{ campagna: string }>(async (req, reply, clerk) => {
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      if (clerk.role === 'comune') {
        const own = await census.comuneNamed(clerk.comune ?? '');
        if (!own) return message(reply, clerk, 404, 'Comune non trovato', `Nessun servizio del registro è nel Comune di ${clerk.comune}.`);
        return reply.redirect(censusHref(r.campaign, own, 'servizi'), 303);
      }
      const rows: DashboardRow[] = [];
      for (const comune of await census.comuni()) {
        const c = await census.census(r.campaign, comune);
        rows.push({
          comune,
          servizi: c.servizi.state,
          interventi: c.interventi.state,
          problems: c.servizi.problems.length + c.interventi.problems.length,
          missing: c.services.filter((s) => s.status === 'attivo' && s.attendance.kind === 'missing').map((s) => s.denominazione),
        });
      }
      return view(
        reply,
        clerk,
        `Rilevazione ${r.campaign.year}: ${r.campaign.region}`,
        ACTIVE,
        createElement(CensusDashboard, { campaign: r.campaign, rows, daysLeft: daysToDeadline(r.campaign, today()) }),
      );
    }),
  );

  // ---------- exports (reviewers and the office) ----------
  const exportRoute = (format: 'csv' | 'xlsx' | 'json') =>
    page<{ campagna: string }, { scheda?: unknown }>(async (req, reply, clerk) => {
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      if (clerk.role === 'comune') return forbidden(reply, clerk, "Accesso non consentito: l'esportazione è del revisore.");
      const e = await censusExport(census, r.campaign);
      const name = `rilevazione-${r.campaign.id}`;
      if (format === 'csv') {
        const kind = req.query.scheda ?? 'servizi';
        if (typeof kind !== 'string' || !KINDS.has(kind))
          return message(reply, clerk, 400, 'Richiesta non valida', 'scheda: indicare servizi oppure interventi.');
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${name}-${kind}.csv"`)
          .send(exportCsv(e, kind as SheetKind));
      }
      if (format === 'xlsx')
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('Content-Disposition', `attachment; filename="${name}.xlsx"`)
          .send(await exportXlsx(e));
      return reply
        .type('application/json; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.json"`)
        .send(exportJson(e));
    });
  app.get('/rilevazione/:campagna/export.csv', exportRoute('csv'));
  app.get('/rilevazione/:campagna/export.xlsx', exportRoute('xlsx'));
  app.get('/rilevazione/:campagna/export.json', exportRoute('json'));

  // ---------- a Comune's sheets ----------
  type SheetParams = { campagna: string; comune: string; scheda: string };
  app.get(
    '/rilevazione/:campagna/comuni/:comune',
    page<{ campagna: string; comune: string }>(async (req, reply, clerk) => {
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      return reply.redirect(censusHref(r.campaign, r.comune!, 'servizi'), 303);
    }),
  );
  app.get(
    '/rilevazione/:campagna/comuni/:comune/:scheda',
    page<SheetParams>(async (req, reply, clerk) => {
      if (!KINDS.has(req.params.scheda)) return message(reply, clerk, 404, 'Scheda non trovata', 'Le schede sono SERVIZI e INTERVENTI.');
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      return sheetPage(reply, clerk, r.campaign, r.comune!, req.params.scheda as SheetKind);
    }),
  );

  app.post(
    '/rilevazione/:campagna/comuni/:comune/:scheda',
    page<SheetParams>(async (req, reply, clerk) => {
      if (!KINDS.has(req.params.scheda)) return message(reply, clerk, 404, 'Scheda non trovata', 'Le schede sono SERVIZI e INTERVENTI.');
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      const kind = req.params.scheda as SheetKind;
      const comune = r.comune!;
      const actor = actorOf(clerk);
      try {
        if (clerk.role === 'reviewer')
          throw new CensusRefusal('Accesso non consentito: il revisore non compila le schede del Comune.', 403);
        const current = await census.census(r.campaign, comune);
        if ((kind === 'servizi' ? current.servizi : current.interventi).state !== 'bozza')
          throw new CensusRefusal(`La scheda è inviata in validazione o validata: sola lettura.`, 409);
        if (kind === 'servizi') {
          const { data, attendance } = serviziFromForm(req.body, current.services, current.servizi.data.added);
          if (attendance.length) await census.recordAttendance(attendance, 'inserimento', actor);
          await census.saveSheet(r.campaign, comune, kind, data, actor);
        } else await census.saveSheet(r.campaign, comune, kind, interventiFromForm(req.body), actor);
      } catch (e) {
        return refusal(e, reply, clerk, r.campaign, comune, kind);
      }
      return reply.redirect(censusHref(r.campaign, comune, kind), 303);
    }),
  );

  app.post(
    '/rilevazione/:campagna/comuni/:comune/:scheda/stato',
    page<SheetParams>(async (req, reply, clerk) => {
      if (!KINDS.has(req.params.scheda)) return message(reply, clerk, 404, 'Scheda non trovata', 'Le schede sono SERVIZI e INTERVENTI.');
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      const kind = req.params.scheda as SheetKind;
      const action = SheetAction.safeParse(req.body.azione);
      if (!action.success)
        return sheetPage(reply, clerk, r.campaign, r.comune!, kind, 400, 'Azione: indicare invia, valida oppure respingi.');
      try {
        await census.transition(r.campaign, r.comune!, kind, action.data, actorOf(clerk), req.body.note ?? '');
      } catch (e) {
        return refusal(e, reply, clerk, r.campaign, r.comune!, kind);
      }
      // A rejection wrote its messages in its transaction: send them now.
      if (action.data === 'respingi') ctx.mail.kick();
      return reply.redirect(censusHref(r.campaign, r.comune!, kind), 303);
    }),
  );

  app.post(
    '/rilevazione/:campagna/comuni/:comune/cpt',
    page<{ campagna: string; comune: string }>(async (req, reply, clerk) => {
      const r = await resolve(reply, clerk, req.params);
      if (!r) return reply;
      try {
        await census.setCpt(r.campaign, r.comune!, req.body.cpt === 'si', actorOf(clerk));
      } catch (e) {
        return refusal(e, reply, clerk, r.campaign, r.comune!, 'interventi');
      }
      return reply.redirect(censusHref(r.campaign, r.comune!, 'interventi'), 303);
    }),
  );

  // The monthly attendance: a CSV or XLSX file (multipart, ≤ 5 MB) or rows pasted as CSV. Multipart
  // is registered in this route's own context only, so every other route parses bodies as before
  // (a multipart body elsewhere is 415).
  app.register(async (upload) => {
    await upload.register(multipart, { limits: UPLOAD_LIMITS });
    upload.post(
      '/rilevazione/:campagna/comuni/:comune/frequenze',
      page<{ campagna: string; comune: string }>(async (req, reply, clerk) => {
        const r = await resolve(reply, clerk, req.params);
        if (!r) return reply;
        try {
          if (clerk.role === 'reviewer') throw new CensusRefusal('Accesso non consentito: il revisore non registra le frequenze.', 403);
          const registry = await census.registryOf(ctx.store.db, r.comune!);
          const file = uploadsOf(req).find((f) => f.field === 'file' && (f.filename || f.bytes.length));
          const pasted = (req.body.csv ?? '').trim();
          if (file && pasted) throw new UserError('Indicare il file oppure le righe incollate, non entrambi. Nulla è stato salvato.');
          if (!file && !pasted) throw new UserError('Scegliere un file CSV o XLSX delle frequenze (oppure incollarne le righe).');
          if (file && !/\.(csv|xlsx)$/i.test(file.filename))
            throw new UserError(`Il file «${file.filename}» non è un CSV né un XLSX: nulla è stato salvato.`);
          if (file && /\.xlsx$/i.test(file.filename) && file.bytes.subarray(0, 4).toString('latin1') !== 'PK\x03\x04')
            throw new UserError(`Il file «${file.filename}» non è un XLSX valido (non è un archivio di Excel): nulla è stato salvato.`);
          const parsed = file
            ? await parseAttendanceFile(file.bytes, file.filename, registry)
            : await parseAttendanceFile(Buffer.from(pasted, 'utf8'), 'frequenze.csv', registry);
          if (parsed.errors.length) throw new UserError(`Frequenze non importate (nulla è stato salvato): ${parsed.errors.join(' · ')}`);
          await census.recordAttendance(parsed.rows, 'importazione', actorOf(clerk));
        } catch (e) {
          return refusal(e, reply, clerk, r.campaign, r.comune!, 'servizi');
        }
        return reply.redirect(censusHref(r.campaign, r.comune!, 'servizi'), 303);
      }),
    );
  });
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The SERVIZI form: each registry service's fields, the added services kept, one new one, the months typed. */
function serviziFromForm(
  b: Record<string, string>,
  services: ReadonlyArray<{ ref: string; added: boolean; denominazione: string }>,
  added: readonly AddedService[],
): {
  data: { entries: RegistryEntry[]; added: AddedService[] };
  attendance: Array<{ serviceId: string; month: string; children: number }>;
} {
  const entries: RegistryEntry[] = [];
  const attendance: Array<{ serviceId: string; month: string; children: number }> = [];
  for (const s of services.filter((x) => !x.added)) {
    const f = (k: string) => b[`s.${s.ref}.${k}`] ?? '';
    const status = f('stato') || 'attivo';
    if (!['attivo', 'cessato', 'non_raggiungibile'].includes(status))
      throw new UserError(`«${s.denominazione}»: stato del servizio non valido`);
    const ownership = f('titolarita');
    if (ownership && ownership !== 'pubblico' && ownership !== 'privato')
      throw new UserError(`«${s.denominazione}»: pubblico o privato non valido`);
    entries.push({
      serviceId: s.ref,
      status: status as RegistryEntry['status'],
      motivation: f('motivazione'),
      ownership: (ownership || null) as RegistryEntry['ownership'],
      titolare: f('titolare'),
      gestore: f('gestore'),
      sezionePrimavera: f('primavera') === 'si',
    });
    for (const [name, value] of Object.entries(b)) {
      const m = new RegExp(`^f\\.${s.ref.replace(/[^\w-]/g, '\\$&')}\\.(\\d{4}-\\d{2})$`).exec(name);
      if (!m || !value.trim()) continue;
      if (!/^\d{1,3}$/.test(value.trim()) || Number(value) > 500)
        throw new UserError(`«${s.denominazione}», frequentanti di ${monthLabel(m[1]!)}: numero intero da 0 a 500, non «${value.trim()}»`);
      attendance.push({ serviceId: s.ref, month: m[1]!, children: Number(value.trim()) });
    }
  }
  const kept = added.filter((a) => b[`rimuovi.${a.id}`] !== 'si');
  const n = (k: string) => (b[`n.${k}`] ?? '').trim();
  if (n('denominazione')) {
    const capacita = /^\d{1,3}$/.test(n('capacita')) ? Number(n('capacita')) : NaN;
    if (!(capacita >= 1 && capacita <= 500)) throw new UserError('Servizio mancante, capacità ricettiva: numero intero da 1 a 500');
    let frequentantiCents: number | null;
    try {
      frequentantiCents = parseEuro(n('frequentanti'));
    } catch {
      throw new UserError(`Servizio mancante, frequentanti: media non valida «${n('frequentanti')}» (per esempio 12,50)`);
    }
    if (frequentantiCents === null) throw new UserError('Servizio mancante, frequentanti: la media nel periodo è obbligatoria');
    const ownership = n('titolarita');
    if (ownership !== 'pubblico' && ownership !== 'privato') throw new UserError('Servizio mancante: indicare se è pubblico o privato');
    const one = AddedServiceSchema.safeParse({
      id: newAddedId(),
      denominazione: n('denominazione'),
      indirizzo: n('indirizzo'),
      titoloAutorizzativo: n('titolo'),
      titolare: n('titolare'),
      gestore: n('gestore'),
      capacita,
      frequentantiCents,
      ownership,
      sezionePrimavera: n('primavera') === 'si',
    });
    if (!one.success) throw new UserError(`Servizio mancante: ${one.error.issues[0]!.message}`);
    kept.push(one.data);
  }
  return { data: { entries, added: kept }, attendance };
}

/** The INTERVENTI form: each row's amount and description («€ 0,00» when none), the rows removed dropped, one added. */
function interventiFromForm(b: Record<string, string>): { actions: ProgrammedAction[] } {
  const actions: ProgrammedAction[] = [];
  const amount = (text: string, where: string) => {
    try {
      return parseEuro(text);
    } catch (e) {
      throw new UserError(`${where}: ${(e as Error).message}`);
    }
  };
  for (let i = 0; b[`a.${i}.code`] !== undefined; i++) {
    if (b[`a.${i}.togli`] === 'si') continue;
    const code = b[`a.${i}.code`]!;
    actions.push({
      serviceRef: b[`a.${i}.ref`] || null,
      code,
      amountCents: amount(b[`a.${i}.importo`] ?? '', `Azione ${code}, quota comunale`),
      description: b[`a.${i}.descrizione`] ?? '',
    });
  }
  if (b['nuova.ref'] !== undefined && b['nuova.ref'] !== '-' && b['nuova.code'])
    actions.push({
      serviceRef: b['nuova.ref'] || null,
      code: b['nuova.code'],
      amountCents: amount(b['nuova.importo'] ?? '', `Nuova azione ${b['nuova.code']}, quota comunale`),
      description: b['nuova.descrizione'] ?? '',
    });
  return { actions };
}

const newAddedId = () => randomUUID().slice(0, 8);
