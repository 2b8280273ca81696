/** «Trasferisci a un altro portatile»: two steps, the first checks the choice and asks for confirmation, the second (conferma=si) moves the visit. */
import type { FastifyInstance } from 'fastify';
import { createElement } from 'react';
import { UserError } from '../storage/store.ts';
import { deviceLabel, formatDate, inspectionHref, type ReviewContext } from './context.ts';
import { Message, backToInspection } from './Message.tsx';
import { TransferConfirmation } from './Transfers.tsx';

export function registerTransferRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view } = ctx;
  app.post(
    '/ispezioni/:id/:rev/trasferisci',
    page<{ id: string; rev: string }>(async (req, reply, clerk) => {
      const at = inspectionHref({ inspectionId: req.params.id, revision: Number(req.params.rev) });
      const input = { inspectionId: req.params.id, toDeviceId: String(req.body.dispositivo ?? ''), reason: String(req.body.motivo ?? '') };
      try {
        if (req.body.conferma !== 'si') {
          const plan = await store.planTransfer(input);
          const current = await store.getRevision(input.inspectionId, Number(req.params.rev));
          return view(
            reply,
            clerk,
            'Confermare il trasferimento',
            '/coda',
            createElement(TransferConfirmation, {
              at,
              csrf: clerk.csrf,
              visit: current ? { serviceName: current.serviceName, visitDate: formatDate(current.visitDate) } : undefined,
              from: deviceLabel(plan.from),
              to: deviceLabel(plan.to),
              toDeviceId: plan.to.deviceId,
              reason: plan.reason,
            }),
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
          createElement(Message, { error: e.message, back: backToInspection(at) }),
          e.field === 'id' ? 404 : 400,
        );
      }
      return reply.redirect(at, 303);
    }),
  );
}
