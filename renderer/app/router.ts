/**
 * A small hash router: `#/servizi/…`. Hash routes work the same from the loopback server and from
 * Electron's file/app protocol, where there is no server to answer deep links.
 * Leaving a page may need to wait (pending autosaves): pages register a guard that runs before
 * the route changes.
 */
import { useEffect, useSyncExternalStore } from 'react';

export type Route =
  | { page: 'services' }
  | { page: 'service-new' }
  | { page: 'service'; id: string }
  | { page: 'service-edit'; id: string }
  | { page: 'inspection-new'; serviceId: string }
  | { page: 'inspection'; id: string }
  | { page: 'signing' }
  | { page: 'office' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = path.split('/').map((p) => decodeURIComponent(p));
  if (path === '' || path === 'servizi') return { page: 'services' };
  if (parts[0] === 'servizi' && parts[1] === 'nuovo' && parts.length === 2) return { page: 'service-new' };
  if (parts[0] === 'servizi' && parts[1] && parts.length === 2) return { page: 'service', id: parts[1] };
  if (parts[0] === 'servizi' && parts[1] && parts[2] === 'modifica' && parts.length === 3) return { page: 'service-edit', id: parts[1] };
  if (parts[0] === 'servizi' && parts[1] && parts[2] === 'nuova-ispezione' && parts.length === 3) return { page: 'inspection-new', serviceId: parts[1] };
  if (parts[0] === 'ispezioni' && parts[1] && parts.length === 2) return { page: 'inspection', id: parts[1] };
  if (path === 'firma-digitale') return { page: 'signing' };
  if (path === 'ufficio') return { page: 'office' };
  return { page: 'not-found', path };
}

export function href(route: Exclude<Route, { page: 'not-found' }>): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'services':
      return '#/servizi';
    case 'service-new':
      return '#/servizi/nuovo';
    case 'service':
      return `#/servizi/${e(route.id)}`;
    case 'service-edit':
      return `#/servizi/${e(route.id)}/modifica`;
    case 'inspection-new':
      return `#/servizi/${e(route.serviceId)}/nuova-ispezione`;
    case 'inspection':
      return `#/ispezioni/${e(route.id)}`;
    case 'signing':
      return '#/firma-digitale';
    case 'office':
      return '#/ufficio';
  }
}

type Guard = () => Promise<boolean>;
const guards = new Set<Guard>();

/** Runs before any in-app navigation; resolve false to stay. */
export function useLeaveGuard(guard: Guard): void {
  useEffect(() => {
    guards.add(guard);
    return () => {
      guards.delete(guard);
    };
  }, [guard]);
}

export async function navigate(to: string): Promise<void> {
  for (const guard of [...guards]) {
    if (!(await guard())) return;
  }
  if (window.location.hash === to) return;
  window.location.hash = to;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
