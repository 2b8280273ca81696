import { useState } from 'react';
import type { OutboxEntry } from '../../shared/api/contract.ts';
import { Link, useNavigate } from 'react-router';
import { useApiMutation } from '../api/queries.ts';
import { href } from '../app/router.ts';
import { italianDate } from '../ui/format.ts';
import { ErrorBox } from '../ui/Status.tsx';
import { SyncBadge } from '../ui/SyncBadge.tsx';

/**
 * The visits in the outbox, one row per sealed revision: service, date, revision, status,
 * attempts and last error. «Riprova» puts a refused visit back in the queue; a conflict is
 * explained and corrected only with a new revision (sent as the next revision number).
 */
export function CodaInvio({ entries, onChanged }: { entries: OutboxEntry[]; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const navigate = useNavigate();
  const retrySending = useApiMutation('sync.retry');
  const revise = useApiMutation('inspections.revise');

  async function retry(e: OutboxEntry) {
    setBusy(e.inspectionId);
    setError(null);
    const r = await retrySending.mutateAsync({ inspectionId: e.inspectionId });
    setBusy(null);
    if (!r.ok) return setError(r.error.message);
    setMessage(`${e.serviceName}, visita del ${italianDate(e.date)}: di nuovo in coda per l’invio.`);
    onChanged();
  }

  async function correct(e: OutboxEntry) {
    if (e.successorId) return void navigate(href({ page: 'inspection', id: e.successorId }));
    setBusy(e.inspectionId);
    setError(null);
    const r = await revise.mutateAsync({ id: e.inspectionId });
    setBusy(null);
    if (!r.ok) return setError(r.error.message);
    await navigate(href({ page: 'inspection', id: r.value.id }));
  }

  if (!entries.length) return <p className="empty">Nessuna visita sigillata finora.</p>;
  const conflicts = entries.filter((e) => e.status === 'conflitto');
  return (
    <>
      {conflicts.length > 0 && (
        <div className="notice" role="note" data-testid="conflitto-spiegazione">
          <strong>Conflitto:</strong> l’ufficio ha già ricevuto, con lo stesso numero di revisione, un contenuto diverso da quello sigillato
          su questo computer. Il nuovo invio non lo sostituisce: per correggere si apre una nuova revisione, che verrà inviata con il numero
          successivo.
        </div>
      )}
      <table className="table" aria-label="Visite nella coda di invio">
        <thead>
          <tr>
            <th scope="col">Servizio</th>
            <th scope="col">Data</th>
            <th scope="col">Revisione</th>
            <th scope="col">Stato</th>
            <th scope="col">Tentativi</th>
            <th scope="col">Ultimo errore</th>
            <th scope="col">
              <span className="visually-hidden">Azioni</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const failed = e.status === 'errore' || e.attachmentsFailed > 0;
            return (
              <tr key={e.inspectionId} data-outbox-row={e.inspectionId} data-outbox-status={e.status}>
                <td>
                  <Link to={href({ page: 'inspection', id: e.inspectionId })}>{e.serviceName}</Link>
                </td>
                <td>{italianDate(e.date)}</td>
                <td className="num">{e.revision}</td>
                <td>
                  <SyncBadge status={e.status} />
                  {e.attachmentsPending > 0 && <span className="hint"> · firma aggiunta in attesa di invio</span>}
                </td>
                <td className="num">{e.attempts}</td>
                <td>{e.lastError ?? '—'}</td>
                <td>
                  {failed && e.status !== 'conflitto' && (
                    <button type="button" disabled={busy === e.inspectionId} onClick={() => void retry(e)}>
                      Riprova
                    </button>
                  )}
                  {e.status === 'conflitto' && (
                    <button type="button" disabled={busy === e.inspectionId} onClick={() => void correct(e)}>
                      {e.successorId ? 'Apri la nuova revisione' : 'Correggi con una nuova revisione'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p role="status" className="hint">
        {message ?? ''}
      </p>
      {error && <ErrorBox message={error} />}
    </>
  );
}
