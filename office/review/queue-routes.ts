/** «Coda»: the received revisions, one tab per review status, a page of rows at a time. */
import type { FastifyInstance } from 'fastify';
import { createElement } from 'react';
import { PURPOSE_LABELS, type Purpose } from '../../shared/domain.ts';
import type { QueueKey, ReviewStatus } from '../storage/store.ts';
import { STATUS_LABELS, formatDate, formatInstant, inspectionHref, type ReviewContext } from './context.ts';
import { Message } from './Message.tsx';
import { Queue } from './Queue.tsx';

export const TABS: Array<{ id: string; label: string; status: ReviewStatus }> = [
  { id: 'ricevute', label: 'Ricevute', status: 'ricevuta' },
  { id: 'in-validazione', label: 'In validazione', status: 'in_validazione' },
  { id: 'validate', label: 'Validate', status: 'validata' },
  { id: 'respinte', label: 'Respinte', status: 'respinta' },
];

/** Rows of a queue page; «Mostra altre» goes on from the last one shown. */
export const QUEUE_ROWS = 100;

/** A page's start in its address (`dopo=`): received instant, revision, inspection id (last: it may hold anything). */
export const queueKeyParam = (k: QueueKey): string => `${k.receivedAt}_${k.revision}_${k.inspectionId}`;

export function parseQueueKey(text: unknown): QueueKey | null {
  const m = typeof text === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)_([1-9]\d{0,8})_(.+)$/s.exec(text) : null;
  return m ? { receivedAt: m[1]!, revision: Number(m[2]), inspectionId: m[3]! } : null;
}

export function registerQueueRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, page, view } = ctx;
  app.get('/', async (_req, reply) => reply.redirect('/coda', 303));
  app.get(
    '/coda',
    page<unknown, { scheda?: unknown; dopo?: unknown }>(async (req, reply, clerk) => {
      const tab = TABS.find((t) => t.id === req.query.scheda) ?? TABS[0]!;
      const after = req.query.dopo === undefined ? null : parseQueueKey(req.query.dopo);
      if (req.query.dopo !== undefined && !after)
        return view(
          reply,
          clerk,
          'Coda delle ispezioni',
          '/coda',
          createElement(Message, {
            error: 'dopo: questo indirizzo non indica una pagina della coda.',
            back: { href: `/coda?scheda=${tab.id}`, label: `Torna a «${tab.label}»` },
          }),
          400,
        );
      const [{ rows, next }, counts] = await Promise.all([store.listByStatus(tab.status, QUEUE_ROWS, after), store.countByStatus()]);
      const at = (k: QueueKey) => `/coda?scheda=${tab.id}&dopo=${encodeURIComponent(queueKeyParam(k))}`;
      return view(
        reply,
        clerk,
        'Coda delle ispezioni',
        '/coda',
        createElement(Queue, {
          tabs: TABS.map((t) => ({ id: t.id, label: t.label, count: counts[t.status] })),
          current: tab.id,
          total: counts[tab.status],
          after: after ? formatInstant(after.receivedAt) : null,
          first: after ? `/coda?scheda=${tab.id}` : null,
          next: next ? at(next) : null,
          showProtocol: tab.status === 'validata',
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
            protocol: r.protocol ? `n. ${r.protocol.number} del ${formatDate(r.protocol.date)}` : undefined,
          })),
        }),
      );
    }),
  );
}
