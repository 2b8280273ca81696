/**
 * The territory's register of educators (rule set `educatorRegister`; Lucca's «Albo educatori
 * domiciliari», Reg. artt. 6-8): registered only where the office's rule set keeps one, so an office
 * of a territory without a register has no such page (404), and nothing asks which territory it is.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import { parseItalianDate } from '../../shared/dates.ts';
import { entryStanding, registerAlerts, type EducatorRegister, type RegisterKind } from '../../shared/educator-register.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { RegisterStore } from '../storage/register.ts';
import { UserError } from '../storage/store.ts';
import { REGISTER_PATH, type Clerk, type ReviewContext } from './context.ts';
import { RegisterEntryPage, RegisterList, type EntryFormValues } from './Register.tsx';

const FIELD_LABELS: Record<string, string> = {
  name: 'Nome',
  taxCode: 'Codice fiscale',
  registeredOn: 'Data di iscrizione',
  cancelledOn: 'Data di cancellazione',
  requirements: 'Requisiti',
  confirmedOn: 'Data della conferma',
  hours: 'Ore di formazione',
  contractMinHours: 'Ore minime del contratto',
  kind: 'Tipo',
  id: 'Iscritto',
};

/** A store refusal («registeredOn: …») with the field's Italian name. */
const worded = (e: UserError) => e.message.replace(/^([A-Za-z.]+):/, (_m, f: string) => `${FIELD_LABELS[f.split('.')[0]!] ?? f}:`);

class FormProblem extends Error {}

function date(body: Record<string, string>, field: string, optional: boolean): string | null {
  const r = parseItalianDate(body[field] ?? '');
  if (!r.ok) throw new FormProblem(`${FIELD_LABELS[field]}: ${r.message}`);
  if (r.date === null && !optional) throw new FormProblem(`${FIELD_LABELS[field]}: scrivere la data come gg/mm/aaaa`);
  return r.date;
}

function hours(body: Record<string, string>, field: string, optional: boolean): number | undefined {
  const text = (body[field] ?? '').trim().replace(',', '.');
  if (!text && optional) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new FormProblem(`${FIELD_LABELS[field]}: scrivere un numero di ore (es. 25 o 12,5)`);
  return Number(text);
}

function entryInput(register: EducatorRegister, kind: RegisterKind, body: Record<string, string>, withCancellation: boolean) {
  const requirements = Object.fromEntries(register.kinds[kind].requirements.map((r) => [r.id, body[`req_${r.id}`] === 'on']));
  const values: EntryFormValues = {
    name: body.name ?? '',
    taxCode: body.taxCode ?? '',
    registeredOn: body.registeredOn ?? '',
    cancelledOn: body.cancelledOn ?? '',
    requirements,
  };
  const read = () => {
    const input: Record<string, unknown> = {
      kind,
      name: body.name ?? '',
      registeredOn: date(body, 'registeredOn', false),
      requirements,
      cancelledOn: withCancellation ? date(body, 'cancelledOn', true) : null,
    };
    if ((body.taxCode ?? '').trim()) input.taxCode = body.taxCode!.trim();
    return input;
  };
  return { values, read };
}

export function registerRegisterRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const register = RULE_SETS.get(ctx.territory.ruleSet)?.educatorRegister;
  if (!register) return;
  const { page, view, today } = ctx;
  const albo = new RegisterStore(ctx.store, register);
  const actor = (clerk: Clerk) => ({ clerkId: clerk.clerkId, name: clerk.clerkName });

  const listPage = async (
    reply: FastifyReply,
    clerk: Clerk,
    refused?: { kind: RegisterKind; error: string; values: EntryFormValues },
    flash?: string,
  ) => {
    const day = today();
    const rows = registerAlerts(register, await albo.list(), day);
    return view(
      reply,
      clerk,
      register.menuLabel,
      REGISTER_PATH,
      createElement(RegisterList, { csrf: clerk.csrf, register, rows, today: day, ...(refused ? { refused } : {}) }),
      refused ? 400 : 200,
      flash,
    );
  };

  const entryPage = async (
    reply: FastifyReply,
    clerk: Clerk,
    id: string,
    refused?: { form: 'modifica' | 'conferma'; error: string; values?: EntryFormValues },
    flash?: string,
  ) => {
    const entry = await albo.get(id);
    if (!entry)
      return view(reply, clerk, register.menuLabel, REGISTER_PATH, createElement('p', null, "Iscritto non trovato nell'albo."), 404);
    return view(
      reply,
      clerk,
      entry.name,
      REGISTER_PATH,
      createElement(RegisterEntryPage, {
        csrf: clerk.csrf,
        register,
        entry,
        standing: entryStanding(register, entry, today()),
        events: await albo.events(id),
        ...(refused ? { refused } : {}),
      }),
      refused ? 400 : 200,
      flash,
    );
  };

  app.get(
    REGISTER_PATH,
    page(async (_req, reply, clerk) => listPage(reply, clerk)),
  );

  app.post(
    `${REGISTER_PATH}/nuovo/:kind`,
    page<{ kind: string }>(async (req, reply, clerk) => {
      const kind: RegisterKind | null = req.params.kind === 'persona' ? 'person' : req.params.kind === 'societa' ? 'organisation' : null;
      if (!kind)
        return view(reply, clerk, register.menuLabel, REGISTER_PATH, createElement('p', null, 'Tipo di iscrizione sconosciuto.'), 404);
      const { values, read } = entryInput(register, kind, req.body, false);
      try {
        const entry = await albo.save(read(), actor(clerk));
        return reply.redirect(`${REGISTER_PATH}/${encodeURIComponent(entry.id)}?iscritto=1`, 303);
      } catch (e) {
        if (e instanceof FormProblem) return listPage(reply, clerk, { kind, error: e.message, values });
        if (e instanceof UserError) return listPage(reply, clerk, { kind, error: worded(e), values });
        throw e;
      }
    }),
  );

  app.get(
    `${REGISTER_PATH}/:id`,
    page<{ id: string }>(async (req, reply, clerk) =>
      entryPage(
        reply,
        clerk,
        req.params.id,
        undefined,
        req.query.iscritto ? "Iscrizione registrata nell'albo." : req.query.salvato ? 'Modifiche salvate.' : undefined,
      ),
    ),
  );

  app.post(
    `${REGISTER_PATH}/:id`,
    page<{ id: string }>(async (req, reply, clerk) => {
      const entry = await albo.get(req.params.id);
      if (!entry) return entryPage(reply, clerk, req.params.id);
      const { values, read } = entryInput(register, entry.kind, req.body, true);
      try {
        await albo.save(read(), actor(clerk), entry.id);
        return reply.redirect(`${REGISTER_PATH}/${encodeURIComponent(entry.id)}?salvato=1`, 303);
      } catch (e) {
        if (e instanceof FormProblem) return entryPage(reply, clerk, entry.id, { form: 'modifica', error: e.message, values });
        if (e instanceof UserError) return entryPage(reply, clerk, entry.id, { form: 'modifica', error: worded(e), values });
        throw e;
      }
    }),
  );

  app.post(
    `${REGISTER_PATH}/:id/conferma`,
    page<{ id: string }>(async (req, reply, clerk) => {
      const entry = await albo.get(req.params.id);
      if (!entry) return entryPage(reply, clerk, req.params.id);
      try {
        const input: Record<string, unknown> = {
          confirmedOn: date(req.body, 'confirmedOn', false),
          hours: hours(req.body, 'hours', false),
        };
        const min = hours(req.body, 'contractMinHours', true);
        if (min !== undefined) input.contractMinHours = min;
        await albo.confirm(entry.id, input, actor(clerk));
        return reply.redirect(`${REGISTER_PATH}/${encodeURIComponent(entry.id)}?salvato=1`, 303);
      } catch (e) {
        if (e instanceof FormProblem) return entryPage(reply, clerk, entry.id, { form: 'conferma', error: e.message });
        if (e instanceof UserError) return entryPage(reply, clerk, entry.id, { form: 'conferma', error: worded(e) });
        throw e;
      }
    }),
  );
}
