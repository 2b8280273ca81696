import { subscribe } from '../api/client.ts';
import { useApiQuery } from '../api/queries.ts';
import { href } from './router.ts';
import { Link } from 'react-router';
import { clockTime } from '../ui/format.ts';
import { OFFICE_REACH_LABELS, officeReach } from '../ui/office.ts';
import { useHeaderSaveState } from './saveStatus.ts';

/** Where the host pushes sync changes the status follows them; elsewhere (Electron) it is polled. */
const POLL_MS = subscribe ? false : 10_000;

/**
 * The header's status on every page: whether what was typed is saved, and whether the office is
 * reachable, with the sealed visits still waiting to be sent.
 */
export function StatoHeader() {
  const save = useHeaderSaveState();
  const [sync] = useApiQuery('sync.status', {}, { refetchInterval: POLL_MS, refetchOnWindowFocus: true });
  const saveKind = save === null || save.kind === 'idle' || save.kind === 'saved' ? 'saved' : save.kind;
  const saveText =
    save?.kind === 'error'
      ? 'Non salvato'
      : save?.kind === 'saving'
        ? 'Salvataggio…'
        : save?.kind === 'saved'
          ? `Salvato alle ${clockTime(save.at)}`
          : 'Tutto salvato';
  const state = sync.status === 'ready' ? sync.value : null;
  const reach = state ? officeReach(state) : null;
  const waiting = state ? state.counts.in_coda + state.counts.inviata : 0;
  return (
    <div className="header-status" role="group" aria-label="Stato">
      <p
        className={`header-pill header-save-${saveKind}`}
        data-header-save={saveKind}
        title={save?.kind === 'error' ? save.message : undefined}
      >
        {saveText}
      </p>
      {reach && (
        <Link to={href({ page: 'office' })} className={`header-pill header-office-${reach}`} data-header-office={reach}>
          {OFFICE_REACH_LABELS[reach]}
          {waiting > 0 && (
            <span data-header-waiting={waiting}>
              {' · '}
              {waiting === 1 ? '1 visita da inviare' : `${waiting} visite da inviare`}
            </span>
          )}
        </Link>
      )}
    </div>
  );
}
