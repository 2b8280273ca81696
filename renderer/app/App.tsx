import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { createHashRouter, Link, Outlet, RouterProvider, useLocation, useMatches, useParams, type RouteObject } from 'react-router';
import { getChecklist } from '../../shared/checklist/index.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { shell } from '../api/client.ts';
import { useApiQuery } from '../api/queries.ts';
import { AgendaPage } from '../agenda/AgendaPage.tsx';
import { IspezionePage } from '../inspection/IspezionePage.tsx';
import { NuovaIspezionePage } from '../inspection/NuovaIspezione.tsx';
import { FirmaDigitalePage } from '../signing/FirmaDigitalePage.tsx';
import { UfficioPage } from '../office/UfficioPage.tsx';
import { ModificaServizioPage, NuovoServizioPage } from '../services/ServizioForm.tsx';
import { ServizioPage } from '../services/ServizioPage.tsx';
import { ServiziPage } from '../services/ServiziPage.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorBox, Loading } from '../ui/Status.tsx';
import { AppInfo, type AppContext } from './info.tsx';
import { HostRestartNotice } from './HostRestartNotice.tsx';
import { StatoHeader } from './StatoHeader.tsx';
import { href, NOT_FOUND_TITLE, PAGES, type Page } from './router.ts';

/** A route parameter; the page is keyed by it, so moving to another id starts the page afresh. */
function useParam(name: string): string {
  return useParams()[name] ?? '';
}

function ServiceRoute() {
  const id = useParam('id');
  return <ServizioPage key={id} id={id} />;
}
function ServiceEditRoute() {
  const id = useParam('id');
  return <ModificaServizioPage key={id} id={id} />;
}
function InspectionNewRoute() {
  const serviceId = useParam('serviceId');
  return <NuovaIspezionePage key={serviceId} serviceId={serviceId} />;
}
function InspectionRoute() {
  const id = useParam('id');
  return <IspezionePage key={id} id={id} />;
}

function NotFound() {
  return (
    <section>
      <h1>Pagina non trovata</h1>
      <p>
        <Link to={href({ page: 'services' })}>Torna all’elenco dei servizi</Link>
      </p>
    </section>
  );
}

const ELEMENTS: Record<Page, React.ReactNode> = {
  services: <ServiziPage />,
  'service-new': <NuovoServizioPage />,
  service: <ServiceRoute />,
  'service-edit': <ServiceEditRoute />,
  'inspection-new': <InspectionNewRoute />,
  inspection: <InspectionRoute />,
  signing: <FirmaDigitalePage />,
  office: <UfficioPage />,
  agenda: <AgendaPage />,
};

interface Handle {
  title: string;
}

/** The routes, from the one table of pages (router.ts); `#/` is the list of services. */
export function appRoutes(): RouteObject[] {
  const pages = (Object.keys(PAGES) as Page[]).map((page) => ({
    path: PAGES[page].path,
    element: ELEMENTS[page],
    handle: { title: PAGES[page].title } satisfies Handle,
  }));
  return [
    {
      element: <Layout />,
      children: [
        { index: true, element: ELEMENTS.services, handle: { title: PAGES.services.title } satisfies Handle },
        ...pages,
        { path: '*', element: <NotFound />, handle: { title: NOT_FOUND_TITLE } satisfies Handle },
      ],
    },
  ];
}

/**
 * The data router (needed for `useBlocker`, the inspection's leave guard). Create it once, after
 * `api/client.ts` has taken the session token out of the address bar (main.tsx imports it first).
 */
export function createAppRouter(): AppRouter {
  return createHashRouter(appRoutes());
}
type AppRouter = ReturnType<typeof createHashRouter>;

export function App({ queryClient, router }: { queryClient: QueryClient; router: AppRouter }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}

function useAppContext(): [AppContext | { error: string } | null, () => void] {
  const [load, reload] = useApiQuery('app.info', {}, { staleTime: Infinity });
  const ctx = useMemo(() => {
    if (load.status === 'loading') return null;
    if (load.status === 'error') return { error: load.message };
    const ruleSet = RULE_SETS.get(load.value.ruleSet);
    const checklist = getChecklist(load.value.ruleSet);
    if (!ruleSet || !checklist) return { error: `Regole o scheda ${load.value.ruleSet} non disponibili in questa versione.` };
    return { info: load.value, ruleSet, checklist };
  }, [load]);
  return [ctx, reload];
}

/** Who inspects and for which territory, from the territory's data: «Commissione zonale · Zona Fiorentina Sud-Est». */
function TerritoryLine() {
  const [load] = useApiQuery('territory.get', {});
  const territory = load.status === 'ready' ? getTerritory(load.value.id) : undefined;
  return <span className="app-zone">{territory ? `${territory.inspectorate.label} · ${territory.name}` : '\u00a0'}</span>;
}

function Layout() {
  const [ctx, reload] = useAppContext();
  const main = useRef<HTMLElement>(null);
  return (
    <>
      <a
        className="skip-link"
        href="#contenuto"
        onClick={(e) => {
          // The hash is the router's: stay on the page and put focus on its heading (or the main area while it loads).
          e.preventDefault();
          if (main.current) focusPageHeading(main.current);
        }}
      >
        Salta al contenuto
      </a>
      <header className="app-header">
        <div className="app-title">
          <Link to={href({ page: 'services' })} className="app-name">
            Vigilanza Nidi
          </Link>
          <TerritoryLine />
        </div>
        <nav aria-label="Principale">
          <Link to={href({ page: 'services' })}>Servizi</Link>
          <Link to={href({ page: 'agenda' })}>Agenda</Link>
          <Link to={href({ page: 'signing' })}>Firma digitale</Link>
          <Link to={href({ page: 'office' })}>Ufficio</Link>
        </nav>
        {ctx && 'info' in ctx && ctx.info.demo && <Badge tone="warn">Dati dimostrativi</Badge>}
        <StatoHeader />
      </header>
      <main id="contenuto" ref={main} tabIndex={-1}>
        <PageFocus />
        <HostRestartNotice />
        {ctx === null ? (
          <Loading what="l’applicazione" />
        ) : 'error' in ctx ? (
          <ErrorBox message={`Avvio non riuscito: ${ctx.error}`} onRetry={reload} />
        ) : (
          <AppInfo.Provider value={ctx}>
            <Outlet />
          </AppInfo.Provider>
        )}
      </main>
      <footer className="app-footer">
        {ctx && 'info' in ctx
          ? `Versione ${ctx.info.version} · regole ${ctx.info.ruleSet} · ${shell === 'electron' ? 'applicazione desktop' : 'browser locale'}`
          : ''}
      </footer>
    </>
  );
}

/**
 * Focuses the page's <h1> (focusable only from script), so keyboard users continue from the top of
 * the page and screen readers read its name; the main area itself while the page has no heading yet.
 */
function focusPageHeading(main: HTMLElement): boolean {
  const heading = main.querySelector<HTMLElement>('h1');
  if (!heading) {
    main.focus({ preventScroll: true });
    return false;
  }
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  return true;
}

/**
 * The window title follows the page; after a navigation focus goes to the new page's heading,
 * once it has loaded, unless the user has already moved on from the main area meanwhile.
 */
function PageFocus() {
  const { pathname } = useLocation();
  const matches = useMatches();
  const title = (matches[matches.length - 1]?.handle as Handle | undefined)?.title ?? NOT_FOUND_TITLE;
  const first = useRef(true);
  useEffect(() => {
    document.title = `${title} — Vigilanza Nidi`;
  }, [title]);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const main = document.getElementById('contenuto');
    if (!main || focusPageHeading(main)) return;
    const observer = new MutationObserver(() => {
      const active = document.activeElement;
      if (active !== main && active !== document.body) observer.disconnect();
      else if (focusPageHeading(main)) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const giveUp = setTimeout(() => observer.disconnect(), 15_000);
    return () => {
      observer.disconnect();
      clearTimeout(giveUp);
    };
  }, [pathname]);
  return null;
}
