import { useEffect, useRef, useState } from 'react';
import { getChecklist } from '../../shared/checklist/index.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { api, shell } from '../api/client.ts';
import { IspezionePage } from '../inspection/IspezionePage.tsx';
import { NuovaIspezionePage } from '../inspection/NuovaIspezione.tsx';
import { FirmaDigitalePage } from '../signing/FirmaDigitalePage.tsx';
import { UfficioPage } from '../office/UfficioPage.tsx';
import { ModificaServizioPage, NuovoServizioPage } from '../services/ServizioForm.tsx';
import { ServizioPage } from '../services/ServizioPage.tsx';
import { ServiziPage } from '../services/ServiziPage.tsx';
import { Badge } from '../ui/Badge.tsx';
import { Link } from '../ui/Link.tsx';
import { ErrorBox, Loading } from '../ui/Status.tsx';
import { AppInfo, type AppContext } from './info.tsx';
import { href, useRoute, type Route } from './router.ts';

export function App() {
  const [ctx, setCtx] = useState<AppContext | { error: string } | null>(null);
  async function start() {
    setCtx(null);
    const r = await api['app.info']({});
    if (!r.ok) return setCtx({ error: r.error.message });
    const ruleSet = RULE_SETS.get(r.value.ruleSet);
    const checklist = getChecklist(r.value.ruleSet);
    if (!ruleSet || !checklist) return setCtx({ error: `Regole o scheda ${r.value.ruleSet} non disponibili in questa versione.` });
    setCtx({ info: r.value, ruleSet, checklist });
  }
  useEffect(() => {
    void start();
  }, []);

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
          <span className="app-zone">Commissione zonale · Zona Fiorentina Sud-Est</span>
        </div>
        <nav aria-label="Principale">
          <Link to={href({ page: 'services' })}>Servizi</Link>
          <Link to={href({ page: 'signing' })}>Firma digitale</Link>
          <Link to={href({ page: 'office' })}>Ufficio</Link>
        </nav>
        {ctx && 'info' in ctx && ctx.info.demo && <Badge tone="warn">Dati dimostrativi</Badge>}
      </header>
      <main id="contenuto" ref={main} tabIndex={-1}>
        {ctx === null ? (
          <Loading what="l’applicazione" />
        ) : 'error' in ctx ? (
          <ErrorBox message={`Avvio non riuscito: ${ctx.error}`} onRetry={() => void start()} />
        ) : (
          <AppInfo.Provider value={ctx}>
            <Pages />
          </AppInfo.Provider>
        )}
      </main>
      <footer className="app-footer">
        {ctx && 'info' in ctx ? `Versione ${ctx.info.version} · regole ${ctx.info.ruleSet} · ${shell === 'electron' ? 'applicazione desktop' : 'browser locale'}` : ''}
      </footer>
    </>
  );
}

function Pages() {
  const route = useRoute();
  useTitle(route);
  switch (route.page) {
    case 'services':
      return <ServiziPage />;
    case 'service-new':
      return <NuovoServizioPage />;
    case 'service':
      return <ServizioPage key={route.id} id={route.id} />;
    case 'service-edit':
      return <ModificaServizioPage key={route.id} id={route.id} />;
    case 'inspection-new':
      return <NuovaIspezionePage key={route.serviceId} serviceId={route.serviceId} />;
    case 'inspection':
      return <IspezionePage key={route.id} id={route.id} />;
    case 'signing':
      return <FirmaDigitalePage />;
    case 'office':
      return <UfficioPage />;
    case 'not-found':
      return (
        <section>
          <h1>Pagina non trovata</h1>
          <p>
            <Link to={href({ page: 'services' })}>Torna all’elenco dei servizi</Link>
          </p>
        </section>
      );
  }
}

const TITLES: Record<Route['page'], string> = {
  services: 'Servizi',
  'service-new': 'Nuovo servizio',
  service: 'Servizio',
  'service-edit': 'Modifica servizio',
  'inspection-new': 'Nuova ispezione',
  inspection: 'Ispezione',
  signing: 'Firma digitale',
  office: 'Ufficio',
  'not-found': 'Pagina non trovata',
};

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
 * The window title follows the page; focus goes to the new page's heading, once it has loaded,
 * unless the user has already moved on from the main area meanwhile.
 */
function useTitle(route: Route) {
  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[route.page]} — Vigilanza Nidi`;
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
  }, [route.page, route.page === 'not-found' ? route.path : 'id' in route ? route.id : 'serviceId' in route ? route.serviceId : '']);
}
