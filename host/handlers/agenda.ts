/** The «Agenda»: the office's planned visits of this inspector (db/repositories/agenda.ts), and a visit started from one. */
import { ruleSetKey } from '../../shared/rules/index.ts';
import { memberRole } from '../../db/repositories/agenda.ts';
import type { HandlerContext, Handlers } from './context.ts';

export function agendaHandlers(ctx: HandlerContext): Pick<Handlers, 'agenda.list' | 'agenda.start'> {
  const { store } = ctx;
  return {
    'agenda.list': () =>
      store.agenda.list().map(({ plan, serviceId, inspectionId, doneHere }) => ({
        planId: plan.id,
        serviceId,
        serviceName: plan.serviceName,
        comune: plan.comune,
        purpose: plan.purpose,
        date: plan.date,
        startTime: plan.startTime,
        endTime: plan.endTime,
        reason: plan.reason,
        members: plan.members.map((m) => ({ name: m.name, role: memberRole(m) })),
        inspectionId,
        fulfilled: plan.fulfilled ? { date: plan.fulfilled.date, how: plan.fulfilled.how, here: doneHere } : null,
      })),

    'agenda.start': ({ planId }) => ctx.detail(store.agenda.start(planId, ruleSetKey(ctx.currentRuleSet())).id),
  };
}
