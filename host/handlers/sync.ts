/** Office sync: pairing, the outbox and its loop (host/sync/service.ts). */
import { invalid } from '../errors.ts';
import { SyncInputError } from '../sync/service.ts';
import { InvalidInput, type AsyncHandlers, type HandlerContext, type Handlers } from './context.ts';

export function syncHandlers({ sync }: HandlerContext): Pick<Handlers, 'sync.status' | 'sync.now' | 'sync.outbox' | 'sync.retry'> {
  return {
    'sync.status': () => sync.status(),
    'sync.now': () => sync.syncNow(),
    'sync.outbox': () => sync.entries(),
    'sync.retry': ({ inspectionId }) => sync.retry(inspectionId),
  };
}

/** Pairing problems the user can fix, as API errors naming the field. */
async function userFixable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof SyncInputError)
      throw new InvalidInput(
        e.code === 'conflict' ? { code: 'conflict', field: e.field, message: e.message } : invalid(e.field, e.message),
      );
    throw e;
  }
}

export function asyncSyncHandlers({ sync }: HandlerContext): Pick<AsyncHandlers, 'sync.pair' | 'sync.unpair'> {
  return {
    'sync.pair': ({ url, code }) => userFixable(() => sync.pair(url, code)),
    'sync.unpair': () => userFixable(() => sync.unpair()),
  };
}
