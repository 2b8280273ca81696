/**
 * The app's addresses, declared once: each page's path pattern (react-router syntax) and its
 * window title. `App.tsx` turns this table into the hash router's routes and `href` builds links
 * from the same patterns, so a path cannot be spelled two ways. Hash routes (`#/servizi/…`) work
 * the same from the loopback server and from Electron's file/app protocol, where there is no
 * server to answer deep links.
 */
import { generatePath } from 'react-router';

export const PAGES = {
  services: { path: '/servizi', title: 'Servizi' },
  agenda: { path: '/agenda', title: 'Agenda' },
  'service-new': { path: '/servizi/nuovo', title: 'Nuovo servizio' },
  service: { path: '/servizi/:id', title: 'Servizio' },
  'service-edit': { path: '/servizi/:id/modifica', title: 'Modifica servizio' },
  'inspection-new': { path: '/servizi/:serviceId/nuova-ispezione', title: 'Nuova ispezione' },
  inspection: { path: '/ispezioni/:id', title: 'Ispezione' },
  signing: { path: '/firma-digitale', title: 'Firma digitale' },
  office: { path: '/ufficio', title: 'Ufficio' },
} as const;

export type Page = keyof typeof PAGES;
export const NOT_FOUND_TITLE = 'Pagina non trovata';

export type Route =
  | { page: 'services' | 'service-new' | 'signing' | 'office' | 'agenda' }
  | { page: 'service' | 'service-edit' | 'inspection'; id: string }
  | { page: 'inspection-new'; serviceId: string };

/** The in-app path of a page (react-router's `to`; the hash router puts it after `#`). */
export function href(route: Route): string {
  const { page, ...params } = route;
  return generatePath(PAGES[page].path, params as Record<string, string>);
}
