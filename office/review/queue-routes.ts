/** «Coda»: the received revisions, one tab per review status. */
import type { FastifyInstance } from 'fastify';
import { createElement } from 'react';
import { PURPOSE_LABELS, type Purpose } from '../../shared/domain.ts';
import type { ReviewStatus } from '../storage/store.ts';
import { STATUS_LABELS, formatDate, formatInstant, inspectionHref, type ReviewContext } from './context.ts';
import { Queue } from './Queue.tsx';

export const TABS: Array<{ id: string; label: string; status: ReviewStatus }> = [
  { id: 'ricevute', label: 'Ricevute', status: 'ricevuta' },
  { id: 'in-validazione', label: 'In validazione', status: 'in_validazione' },
  { id: 'validate', label: 'Validate', status: 'validata' },
  { id: 'respinte', label: 'Respinte', status: 'respinta' },
];

export function registerQueueRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view } = ctx;
  app.get('/', async (_req, reply) => reply.redirect('/coda', 303));
  app.get(
    '/coda',
    page<unknown, { scheda?: string }>(async (req, reply, clerk) => {
      const tab = TABS.find((t) => t.id === req.query.scheda) ?? TABS[0]!;
      const [rows, counts] = await Promise.all([store.listByStatus(tab.status), store.countByStatus()]);
      return view(
        reply,
        clerk,
        'Coda delle ispezioni',
        '/coda',
        createElement(Queue, {
          tabs: TABS.map((t) => ({ id: t.id, label: t.label, count: counts[t.status] })),
          current: tab.id,
          rows: rows.map((r) => ({
            href: inspectionHref(r),
            serviceName: r.serviceName,
            comune: r.comune ?? '—',
            visitDate: formatDate(r.visitDate),
            purpose: PURPOSE_LABELS[r.purpose as Purpose] ?? r.purpose,
            revision: r.revision,
            inspectorName: r.inspectorName,
            receivedAt: formatInstant(r.receivedAt),
            status: STATUS_LABELS[r.review.status],
          })),
        }),
      );
    }),
  );
}
