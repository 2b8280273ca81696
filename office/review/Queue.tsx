/** The queue of received revisions, one tab per review status. */
import type { ReactElement } from 'react';

export interface QueueTab {
  id: string;
  label: string;
  count: number;
}

/** One revision as the queue shows it: every value already in the clerk's words. */
export interface QueueRow {
  href: string;
  serviceName: string;
  comune: string;
  visitDate: string;
  purpose: string;
  revision: number;
  inspectorName: string;
  receivedAt: string;
  status: string;
  /** «n. 2026/0012345 del 03/12/2026», or «—»: shown in the «Validate» tab only. */
  protocol?: string;
}

export interface QueueProps {
  tabs: QueueTab[];
  current: string;
  rows: QueueRow[];
  /** Revisions in the current tab. */
  total: number;
  /** A later page: the instant it continues from (rows received before it), in Italian. */
  after?: string | null;
  /** The first page, from a later one. */
  first?: string | null;
  /** The next page, when there are more rows. */
  next?: string | null;
  /** The tab of validated revisions: a «Protocollo» column. */
  showProtocol?: boolean;
}

const count = (n: number) => n.toLocaleString('it-IT');

export function Queue({ tabs, current, rows, total, after, first, next, showProtocol }: QueueProps): ReactElement {
  const label = tabs.find((t) => t.id === current)?.label.toLowerCase() ?? '';
  return (
    <>
      <nav className="tabs" aria-label="Stato">
        {tabs.map((t) => (
          <a key={t.id} href={`/coda?scheda=${t.id}`} aria-current={t.id === current ? 'page' : undefined}>
            {t.label} ({t.count})
          </a>
        ))}
      </nav>
      {rows.length ? (
        <p data-testid="coda-riepilogo">
          {after
            ? `${count(rows.length)} ${rows.length === 1 ? 'ispezione' : 'ispezioni'} su ${count(total)} (${label}), ricevute fino al ${after}.`
            : `Le ${count(rows.length)} più recenti su ${count(total)} (${label}).`}
        </p>
      ) : null}
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>Servizio</th>
              <th>Comune</th>
              <th>Visita</th>
              <th>Finalità</th>
              <th>Rev.</th>
              <th>Ispettore</th>
              <th>Ricevuta</th>
              <th>Stato</th>
              {showProtocol ? <th>Protocollo</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.href}>
                <td>
                  <a href={r.href}>{r.serviceName}</a>
                </td>
                <td>{r.comune}</td>
                <td>{r.visitDate}</td>
                <td>{r.purpose}</td>
                <td>{r.revision}</td>
                <td>{r.inspectorName}</td>
                <td>{r.receivedAt}</td>
                <td>{r.status}</td>
                {showProtocol ? <td data-testid="coda-protocollo">{r.protocol ?? '—'}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{after ? 'Nessun’altra ispezione in questo stato.' : 'Nessuna ispezione in questo stato.'}</p>
      )}
      {next || first ? (
        <nav className="pager" aria-label="Pagine della coda">
          {next ? <a href={next}>Mostra altre</a> : null} {first ? <a href={first}>Torna alle più recenti</a> : null}
        </nav>
      ) : null}
    </>
  );
}
