import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../shared/api/contract.ts';

export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

/** Loads data through the API; a newer request wins over an older one still in flight. */
export function useLoad<T>(fetcher: () => Promise<Result<T>>, deps: unknown[]): [Load<T>, () => Promise<void>, (value: T) => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const generation = useRef(0);
  const run = useCallback(fetcher, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const r = await run();
    if (mine !== generation.current) return;
    setState(r.ok ? { status: 'ready', value: r.value } : { status: 'error', message: r.error.message });
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const set = useCallback((value: T) => setState({ status: 'ready', value }), []);
  return [state, reload, set];
}
