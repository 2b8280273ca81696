/**
 * Reads and writes through react-query, on top of the typed client (`api`): one cache entry per
 * API method and input (`[method, input]`), and after a successful write the reads it changes are
 * marked stale (`INVALIDATES`), so a page opened later never shows what the write replaced.
 * The client stays the only way to the host: every query and mutation here calls `api[method]`.
 */
import {
  MutationCache,
  QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryOptions,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import type { Input, Method, Output, Result } from '../../shared/api/contract.ts';
import { api, call, type Subscribe } from './client.ts';

export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

/** The cache key of one read: the method, then its input (a prefix `[method]` matches every input). */
export function apiKey<M extends Method>(method: M, input: Input<M>): readonly [M, Input<M>] {
  return [method, input] as const;
}

/** A read as react-query options: the error is the host's Italian message (ApiFailure). */
export function apiQuery<M extends Method>(method: M, input: Input<M>) {
  return queryOptions({
    queryKey: apiKey(method, input) as readonly unknown[],
    queryFn: () => call(api[method](input as never) as Promise<Result<Output<M>>>),
  });
}

/**
 * Which reads each write changes. `inspections.get` of an open visit is owned by its editor (the
 * form keeps what is typed): writes mark it stale without fetching it again behind the editor's
 * back (see `refetchInBackground`); the next visit of the page loads it afresh.
 */
const INSPECTION_WRITE: Method[] = ['inspections.get', 'services.get', 'services.list'];
const SYNC_READS: Method[] = [
  'sync.status',
  'sync.outbox',
  'inspections.get',
  'services.get',
  'services.list',
  'agenda.list',
  'register.list',
];
/** The territory decides the rule set (app.info) and so the acts' validity and the visits owed in the lists. */
const TERRITORY_READS: Method[] = ['territory.get', 'app.info', 'services.get', 'services.list'];
export const INVALIDATES: Partial<Record<Method, Method[]>> = {
  'services.create': ['services.list', 'services.get'],
  'services.update': ['services.list', 'services.get'],
  'members.create': ['members.list'],
  'agenda.start': [...INSPECTION_WRITE, 'agenda.list', 'members.list'],
  'staff.save': ['services.get'],
  'staff.remove': ['services.get'],
  'inspections.create': INSPECTION_WRITE,
  'inspections.update': INSPECTION_WRITE,
  'inspections.saveAnswer': INSPECTION_WRITE,
  'inspections.saveCounts': INSPECTION_WRITE,
  'inspections.seal': [...INSPECTION_WRITE, 'report.get', 'sync.status', 'sync.outbox'],
  'inspections.revise': [...INSPECTION_WRITE, 'sync.status', 'sync.outbox'],
  'photos.add': INSPECTION_WRITE,
  'photos.remove': INSPECTION_WRITE,
  'prescriptions.save': INSPECTION_WRITE,
  'prescriptions.remove': INSPECTION_WRITE,
  'sync.pair': [...SYNC_READS, 'territory.get', 'app.info'],
  'territory.choose': TERRITORY_READS,
  'sync.unpair': SYNC_READS,
  'sync.now': SYNC_READS,
  'sync.retry': SYNC_READS,
  'signing.importP12': ['signing.status'],
  'signing.remove': ['signing.status'],
  'signing.setDevice': ['signing.status'],
  'signing.removeDevice': ['signing.status'],
  'signing.setTsaUrl': ['signing.status'],
  'signing.addTrustedCa': ['signing.listTrustedCas', 'report.get'],
  'signing.removeTrustedCa': ['signing.listTrustedCas', 'report.get'],
  'report.addSignature': ['report.get'],
};

/** Reads an open editor holds in its own state: marked stale, never refetched under it. */
const refetchInBackground = (method: Method) => method !== 'inspections.get';

/**
 * Marks stale what a successful `method` changed; reads on screen (except the editor's) load again,
 * unless `reloadOnScreen` is false (autosaves: one per field every 400 ms, and what they change is
 * shown by the editor itself; the pages that list it load afresh when opened).
 */
export function invalidateAfter(client: QueryClient, method: Method, reloadOnScreen = true): Promise<void> {
  const reads = INVALIDATES[method] ?? [];
  return Promise.all(
    reads.map((read) =>
      client.invalidateQueries({ queryKey: [read], refetchType: reloadOnScreen && refetchInBackground(read) ? 'active' : 'none' }),
    ),
  ).then(() => undefined);
}

/**
 * Keeps what shows the office sync current from the host's pushes: a status change (or a stream
 * reopened, which may have missed some) reloads the sync reads on screen; a restarted host reloads
 * every read on screen. Returns the unsubscribe.
 */
export function followHostEvents(client: QueryClient, subscribe: Subscribe): () => void {
  return subscribe((event) => {
    if (event.type === 'host.restarted') {
      // A new host answers: whatever is on screen loads again (the editor's own state is kept).
      void client.invalidateQueries({ predicate: (q) => !refetchInBackground(q.queryKey[0] as Method), refetchType: 'none' });
      void client.invalidateQueries({ predicate: (q) => refetchInBackground(q.queryKey[0] as Method), refetchType: 'active' });
      return;
    }
    if (event.type !== 'sync.status' && event.type !== 'connected') return;
    // As after a write: the editor's inspections.get is only marked stale (LiveSyncBadge, shown on
    // a sealed revision, reloads it itself on the same events).
    for (const read of SYNC_READS)
      void client.invalidateQueries({ queryKey: [read], refetchType: refetchInBackground(read) ? 'active' : 'none' });
  });
}

/** The mutations of `useApiMutation` carry their method as key: invalidation happens in one place. */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    mutationCache: new MutationCache({
      onSuccess: (data, _input, _context, mutation) => {
        const method = mutation.options.mutationKey?.[0] as Method | undefined;
        if (method && (data as Result<unknown>).ok) return invalidateAfter(client, method);
      },
    }),
    defaultOptions: {
      // The host is this computer: a failure is a real answer (shown with «Riprova»), not a blip to retry.
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return client;
}

/** A query's state in the shape the pages render (`Loaded`): data wins over a later failed refetch. */
export function toLoad<T>(q: { data: T | undefined; error: Error | null }): Load<T> {
  if (q.data !== undefined) return { status: 'ready', value: q.data };
  if (q.error) return { status: 'error', message: q.error.message };
  return { status: 'loading' };
}

/** All ready → ready with every value; else the first error, else loading. */
export function combineLoads<T extends Record<string, Load<unknown>>>(
  loads: T,
): Load<{ [K in keyof T]: T[K] extends Load<infer V> ? V : never }> {
  const entries = Object.entries(loads);
  const failed = entries.find(([, l]) => l.status === 'error');
  if (failed) return failed[1] as { status: 'error'; message: string };
  if (entries.some(([, l]) => l.status === 'loading')) return { status: 'loading' };
  return { status: 'ready', value: Object.fromEntries(entries.map(([k, l]) => [k, (l as { value: unknown }).value])) as never };
}

type QueryExtras<M extends Method> = Omit<UseQueryOptions<Output<M>, Error, Output<M>, readonly unknown[]>, 'queryKey' | 'queryFn'>;

/** One read: its state, a reload, and a way to put a value just returned by a write into the cache. */
export function useApiQuery<M extends Method>(
  method: M,
  input: Input<M>,
  options?: QueryExtras<M>,
): [Load<Output<M>>, () => void, (value: Output<M>) => void] {
  const client = useQueryClient();
  const q = useQuery({ ...apiQuery(method, input), ...options } as UseQueryOptions<Output<M>, Error, Output<M>, readonly unknown[]>);
  const key = JSON.stringify(input);
  const { refetch } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  // The input is compared by value (a new object literal each render is the same read).
  const set = useCallback((value: Output<M>) => client.setQueryData(apiKey(method, input), value), [client, method, key]);
  return [toLoad(q), reload, set];
}

/**
 * A write as a react-query mutation: resolves to the host's Result (never throws, like `api`), and
 * on success invalidates what `INVALIDATES` lists for the method.
 */
export function useApiMutation<M extends Method>(method: M) {
  return useMutation<Result<Output<M>>, Error, Input<M>>({
    mutationKey: [method],
    mutationFn: (input) => api[method](input as never) as Promise<Result<Output<M>>>,
  });
}
