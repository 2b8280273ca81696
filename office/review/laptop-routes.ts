/** «Portatili»: the inspectors and the pairing codes for their laptops. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createElement } from 'react';
import { newPairingCode, PAIRING_CODE_TTL_MS, sha256Text } from '../security.ts';
import { UserError } from '../storage/store.ts';
import type { Clerk, ReviewContext } from './context.ts';
import { Laptops, PairingCode } from './Laptops.tsx';

export function registerLaptopRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view } = ctx;
  const laptopsPage = async (reply: FastifyReply, clerk: Clerk, refused?: { name: string; error: string }) =>
    view(
      reply,
      clerk,
      'Portatili degli ispettori',
      '/portatili',
      createElement(Laptops, { csrf: clerk.csrf, inspectors: await store.listInspectors(), ...refused }),
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
      return view(reply, clerk, `Codice per ${inspector.name}`, '/portatili', createElement(PairingCode, { code, validUntil }));
    }),
  );
}
