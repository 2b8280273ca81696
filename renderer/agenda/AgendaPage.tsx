/**
 * «Agenda»: the office's planned visits of this inspector's commissions (issue 14), as the change
 * feed brought them, grouped by when they fall (today, the rest of this week, later; plans whose date
 * has passed first, when there are any; those already done last, «Già svolte», marked «Svolta» with the
 * visit's date and how it was linked, for renderer/agenda/groups.ts SVOLTE_DAYS). «Inizia la visita»
 * opens a new visit prefilled from the plan; a plan done has none (only the laptop holding its visit opens it).
 */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AgendaEntry } from '../../shared/api/contract.ts';
import { PLAN_REASON_LABELS, PURPOSE_LABELS } from '../../shared/domain.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { useApp } from '../app/info.tsx';
import { agendaGroups } from './groups.ts';
import { href } from '../app/router.ts';
import { italianDate } from '../ui/format.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorBox, Loaded } from '../ui/Status.tsx';

/** How the visit that did a plan was linked to it (the same words as the laptop's refusal to start it again). */
const FULFILMENT_HOW: Record<NonNullable<AgendaEntry['fulfilled']>['how'], string> = {
  plan: 'avviata dal piano',
  matched: 'collegata all’arrivo in ufficio',
};

export function AgendaPage() {
  const [list, reload] = useApiQuery('agenda.list', {});
  return (
    <section aria-labelledby="agenda-title">
      <h1 id="agenda-title">Agenda</h1>
      <p className="sub">Le visite pianificate dall’ufficio per le commissioni di cui fa parte. Si aggiornano a ogni sincronizzazione.</p>
      <Loaded load={list} what="l’agenda" retry={reload}>
        {(entries) => <Agenda entries={entries} />}
      </Loaded>
    </section>
  );
}

function Agenda({ entries }: { entries: AgendaEntry[] }) {
  const { info } = useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const start = useApiMutation('agenda.start');
  const navigate = useNavigate();
  if (!entries.length)
    return (
      <p className="empty">
        Nessuna visita pianificata. Le visite accettate dall’ufficio arrivano qui con la sincronizzazione (pagina{' '}
        <Link to={href({ page: 'office' })}>Ufficio</Link>).
      </p>
    );

  async function begin(e: AgendaEntry) {
    setBusy(e.planId);
    setError(null);
    const r = await start.mutateAsync({ planId: e.planId });
    setBusy(null);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    await navigate(href({ page: 'inspection', id: r.value.id }));
  }

  return (
    <>
      {error && <ErrorBox message={`Visita non avviata: ${error}`} />}
      {agendaGroups(entries, info.today).map((g) => (
        <section key={g.id} aria-labelledby={`agenda-${g.id}`} className="agenda-group">
          <h2 id={`agenda-${g.id}`}>
            {g.title} <span className="sub">({g.entries.length})</span>
          </h2>
          {g.entries.length === 0 ? (
            <p className="empty">Nessuna visita.</p>
          ) : (
            <div className="table-wrap">
              <table className="table agenda-table">
                <caption className="visually-hidden">
                  {g.title}: {g.entries.length} visite
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Quando</th>
                    <th scope="col">Servizio</th>
                    <th scope="col">Finalità e motivo</th>
                    <th scope="col">Commissione</th>
                    <th scope="col">Visita</th>
                  </tr>
                </thead>
                <tbody>
                  {g.entries.map((e) => (
                    <tr key={e.planId}>
                      <td>
                        {italianDate(e.date)}
                        <span className="sub">
                          {e.startTime}–{e.endTime}
                        </span>
                      </td>
                      <th scope="row">
                        {e.serviceName}
                        <span className="sub">{e.comune}</span>
                      </th>
                      <td>
                        {PURPOSE_LABELS[e.purpose]}
                        <span className="sub">{PLAN_REASON_LABELS[e.reason]}</span>
                      </td>
                      <td>
                        <ul className="plain-list">
                          {e.members.map((m) => (
                            <li key={`${m.name}|${m.role}`}>
                              {m.name} <span className="sub">{m.role}</span>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        {e.fulfilled ? (
                          <>
                            <Badge tone="ok">Svolta</Badge>
                            <span className="sub">
                              il {italianDate(e.fulfilled.date)}, {FULFILMENT_HOW[e.fulfilled.how]}
                            </span>
                            {e.inspectionId && (
                              <Link to={href({ page: 'inspection', id: e.inspectionId })}>
                                {e.fulfilled.here ? 'Apri la visita svolta' : 'Apri la visita avviata'}
                              </Link>
                            )}
                          </>
                        ) : e.inspectionId ? (
                          <Link to={href({ page: 'inspection', id: e.inspectionId })}>Apri la visita avviata</Link>
                        ) : e.serviceId ? (
                          <button
                            type="button"
                            className="primary"
                            disabled={busy !== null}
                            aria-label={`Inizia la visita: ${e.serviceName}, ${italianDate(e.date)}`}
                            onClick={() => void begin(e)}
                          >
                            {busy === e.planId ? 'Avvio…' : 'Inizia la visita'}
                          </button>
                        ) : (
                          <span className="sub">Servizio non ancora arrivato dall’ufficio: sincronizzare.</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </>
  );
}
