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
}

export function Queue({ tabs, current, rows }: { tabs: QueueTab[]; current: string; rows: QueueRow[] }): ReactElement {
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
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessuna ispezione in questo stato.</p>
      )}
    </>
  );
}
