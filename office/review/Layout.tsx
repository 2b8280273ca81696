/** The frame of every page of the review workspace: header with the menu and «Esci», the flash, the title. */
import type { ReactElement, ReactNode } from 'react';

export const NAV = [
  ['/coda', 'Coda'],
  ['/cruscotto', 'Cruscotto'],
  ['/servizi', 'Servizi'],
  ['/pianificazione', 'Pianificazione'],
  ['/portatili', 'Portatili'],
  ['/posta', 'Posta inviata'],
  ['/rilevazione', 'Rilevazione'],
] as const;

/** The menu of a census reviewer or a Comune's user: the census only. */
export const CENSUS_NAV = [['/rilevazione', 'Rilevazione']] as const;

export interface LayoutProps {
  title: string;
  /** The clerk's name; without it (login, expired session) there is no menu. */
  clerk?: string;
  csrf?: string;
  /** The menu entry of this page (`/coda`, …), marked as the current one. */
  active?: string;
  flash?: string;
  /** The name of the territory the office applies (shared/territories), beside the product's name. */
  territory?: string;
  /** A census reviewer or a Comune's user: the menu has the census only. */
  censusOnly?: boolean;
  /** Menu entries the territory's data adds (the register of educators, where it keeps one). */
  extraNav?: ReadonlyArray<readonly [string, string]>;
  children?: ReactNode;
}

export function Layout({ title, clerk, csrf, active, flash, territory, censusOnly, extraNav = [], children }: LayoutProps): ReactElement {
  return (
    <html lang="it">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — Vigilanza Nidi, ufficio`}</title>
        <link rel="stylesheet" href="/static/office.css" />
      </head>
      <body>
        <header className="top">
          <strong>Vigilanza Nidi · Ufficio</strong>
          {territory ? <span className="territory">{territory}</span> : null}
          {clerk ? (
            <>
              <nav aria-label="Menu principale">
                {(censusOnly ? CENSUS_NAV : [...NAV, ...extraNav]).map(([href, label]) => (
                  <a key={href} href={href} aria-current={active === href ? 'page' : undefined}>
                    {label}
                  </a>
                ))}
              </nav>
              <form method="post" action="/logout" className="logout">
                <input type="hidden" name="_csrf" value={csrf} />
                <span>{clerk}</span> <button>Esci</button>
              </form>
            </>
          ) : null}
        </header>
        <main>
          {flash ? (
            <p className="flash" role="status">
              {flash}
            </p>
          ) : null}
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}
