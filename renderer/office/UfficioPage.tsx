import { useRef, useState, type FormEvent } from 'react';
import type { OutboxStatus, SyncState } from '../../shared/api/contract.ts';
import { capitalised } from '../../shared/text.ts';
import { getTerritory, TERRITORIES } from '../../shared/territories/index.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { Badge } from '../ui/Badge.tsx';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { italianDateTime } from '../ui/format.ts';
import { ErrorBox, Loaded } from '../ui/Status.tsx';
import { SYNC_LABELS } from '../ui/SyncBadge.tsx';
import { CodaInvio } from './CodaInvio.tsx';
import { officeReach } from '../ui/office.ts';

/** Green only while the office answers: an association whose last attempt failed is not "Attivo". */
function ReachBadge({ state }: { state: SyncState }) {
  const reach = officeReach(state);
  return (
    <span data-office-reach={reach}>
      {reach === 'reachable' ? (
        <Badge tone="ok">Attivo</Badge>
      ) : reach === 'unreachable' ? (
        <Badge tone="bad">Non raggiungibile</Badge>
      ) : (
        <Badge tone="neutral">In attesa del primo contatto</Badge>
      )}
    </span>
  );
}

/** While this page is open the status is refreshed: the sync runs in the background. */
const REFRESH_MS = 2000;
const ORDER: OutboxStatus[] = ['in_coda', 'inviata', 'ricevuta', 'validata', 'respinta', 'conflitto', 'errore'];

/** "Ufficio": pairing this laptop with the office server, and how the sending is going. */
export function UfficioPage() {
  const [load, reload, set] = useApiQuery(
    'sync.status',
    {},
    {
      refetchInterval: (q) => (q.state.data?.paired ? REFRESH_MS : false),
      refetchIntervalInBackground: true,
    },
  );
  return (
    <section className="narrow-page" aria-labelledby="ufficio-title">
      <h1 id="ufficio-title">Ufficio</h1>
      <p className="hint">
        Le visite sigillate partono da sole verso il server dell’ufficio quando è raggiungibile; senza rete restano in coda su questo
        computer e si continua a lavorare. L’ufficio le valida o le respinge con note: una visita respinta torna qui come nuova revisione in
        bozza.
      </p>
      <Territorio />
      <Loaded load={load} what="lo stato della sincronizzazione" retry={reload}>
        {(s) => (s.paired ? <Associato state={s} onChange={set} /> : <Associa onPaired={set} queued={s.counts.in_coda} />)}
      </Loaded>
    </section>
  );
}

/**
 * The territory whose regulation this laptop applies: the office's once paired; before that (and
 * before any visit) chosen here, the Zona until a choice is made. Its checklist and rule set are
 * what new visits use.
 */
function Territorio() {
  const [load, reload] = useApiQuery('territory.get', {});
  const choose = useApiMutation('territory.choose');
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent, id: string) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await choose.mutateAsync({ id });
    setBusy(false);
    if (!r.ok) setError(capitalised(r.error.message));
    else setPicked(null);
  }

  return (
    <section className="block" aria-labelledby="territorio-title">
      <h2 id="territorio-title">Territorio</h2>
      <Loaded load={load} what="il territorio" retry={reload}>
        {(t) => {
          const current = getTerritory(t.id);
          const name = current?.name ?? t.id;
          if (!t.changeable)
            return (
              <p>
                Questo portatile applica il regolamento del territorio <strong>{name}</strong>: le nuove visite usano la sua scheda e le sue
                regole. Con l’associazione il territorio è quello dell’ufficio.
              </p>
            );
          const value = picked ?? t.id;
          return (
            <form onSubmit={(e) => void submit(e, value)} noValidate>
              <p>
                {t.chosen ? 'Territorio scelto: ' : 'Nessun territorio ancora scelto; finché non se ne sceglie uno vale '}
                <strong>{name}</strong>. Si può cambiare finché il portatile non è associato a un ufficio e non ha visite: associandolo, il
                territorio diventa quello dell’ufficio.
              </p>
              <div className="field">
                <label htmlFor="territorio-scelta">Territorio di cui si applica il regolamento</label>
                <select
                  id="territorio-scelta"
                  value={value}
                  onChange={(e) => setPicked(e.target.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby="territorio-errore"
                >
                  {[...TERRITORIES.values()].map((territory) => (
                    <option key={territory.id} value={territory.id}>
                      {territory.name}
                    </option>
                  ))}
                </select>
                <FieldError id="territorio-errore" error={error ? { message: error } : undefined} />
              </div>
              <div className="actions">
                <button type="submit" disabled={busy || (t.chosen && value === t.id)}>
                  {busy ? 'Salvataggio…' : 'Applica questo territorio'}
                </button>
              </div>
            </form>
          );
        }}
      </Loaded>
    </section>
  );
}

function Associa({ onPaired, queued }: { onPaired: (s: SyncState) => void; queued: number }) {
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ url?: string; code?: string; other?: string }>({});
  const [busy, setBusy] = useState(false);
  const pair = useApiMutation('sync.pair');
  const urlRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: typeof errors = {};
    if (!url.trim()) local.url = 'Indirizzo del server d’ufficio: inserire l’indirizzo (per esempio http://192.168.1.10:8470).';
    else if (!/^https?:\/\//i.test(url.trim())) local.url = 'Indirizzo del server d’ufficio: deve iniziare con http:// o https://.';
    if (!code.trim()) local.code = 'Codice di associazione: inserire il codice mostrato dall’ufficio.';
    if (local.url || local.code) {
      setErrors(local);
      (local.url ? urlRef : codeRef).current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    const r = await pair.mutateAsync({ url: url.trim(), code: code.trim() });
    setBusy(false);
    if (r.ok) return onPaired(r.value);
    const message = capitalised(r.error.message);
    if (r.error.field === 'url' || r.error.field === 'code') {
      setErrors({ [r.error.field]: message });
      (r.error.field === 'url' ? urlRef : codeRef).current?.focus();
    } else setErrors({ other: message });
  }

  return (
    <section className="block" aria-labelledby="associa-title">
      <h2 id="associa-title">Associa all’ufficio</h2>
      <p>
        In ufficio, nella pagina «Portatili» del server, generare un codice di associazione per l’ispettore; qui inserire l’indirizzo del
        server e il codice (vale 10 minuti, una sola volta).
      </p>
      {queued > 0 && (
        <p className="notice">
          {queued === 1 ? '1 visita sigillata attende' : `${queued} visite sigillate attendono`} l’associazione per essere inviate.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="ufficio-url">Indirizzo del server d’ufficio</label>
          <input
            id="ufficio-url"
            ref={urlRef}
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="http://192.168.1.10:8470"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={errors.url ? true : undefined}
            aria-describedby="ufficio-url-errore"
          />
          <FieldError id="ufficio-url-errore" error={errors.url ? { message: errors.url } : undefined} />
        </div>
        <div className="field">
          <label htmlFor="ufficio-codice">Codice di associazione</label>
          <input
            id="ufficio-codice"
            ref={codeRef}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="ABCD-EFGH"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={errors.code ? true : undefined}
            aria-describedby="ufficio-codice-errore"
          />
          <FieldError id="ufficio-codice-errore" error={errors.code ? { message: errors.code } : undefined} />
        </div>
        {errors.other && <ErrorBox message={errors.other} />}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Associazione in corso…' : 'Associa'}
          </button>
        </div>
      </form>
    </section>
  );
}

function Associato({ state, onChange }: { state: SyncState; onChange: (s: SyncState) => void }) {
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  // The per-visit list follows the status, which this page refreshes every couple of seconds.
  // The per-visit list is refreshed with the status, every couple of seconds while this page is open.
  const [entries, reloadEntries] = useApiQuery('sync.outbox', {}, { refetchInterval: REFRESH_MS, refetchIntervalInBackground: true });
  const syncNowMutation = useApiMutation('sync.now');
  const unpairMutation = useApiMutation('sync.unpair');

  async function syncNow() {
    setError(null);
    const r = await syncNowMutation.mutateAsync({});
    if (!r.ok) return setError(r.error.message);
    onChange(r.value);
    setMessage('Sincronizzazione avviata: lo stato si aggiorna da solo.');
  }
  async function unpair() {
    const r = await unpairMutation.mutateAsync({});
    setConfirm(false);
    if (!r.ok) return setError(r.error.message);
    onChange(r.value);
  }

  const total = ORDER.reduce((n, s) => n + state.counts[s], 0);
  return (
    <>
      <section className="block" aria-labelledby="associato-title">
        <h2 id="associato-title">
          Associato all’ufficio <ReachBadge state={state} />
        </h2>
        <dl className="facts" data-sync-paired="si">
          <div>
            <dt>Server d’ufficio</dt>
            <dd>
              <code>{state.officeUrl}</code>
            </dd>
          </div>
          <div>
            <dt>Ispettore</dt>
            <dd>{state.inspector}</dd>
          </div>
          <div>
            <dt>Ultima sincronizzazione riuscita</dt>
            <dd data-last-sync>{state.lastSyncAt ? italianDateTime(state.lastSyncAt) : 'non ancora'}</dd>
          </div>
        </dl>
        {state.lastError && (
          <div className="notice" role="status">
            <strong>Ufficio non raggiungibile o errore{state.lastErrorAt ? ` (${italianDateTime(state.lastErrorAt)})` : ''}:</strong>{' '}
            {state.lastError}. Le visite restano in coda e si riprova da soli.
          </div>
        )}
        <div className="actions">
          <button type="button" className="button-primary" onClick={() => void syncNow()}>
            Sincronizza ora
          </button>
          <button type="button" className="button-quiet" onClick={() => setConfirm(true)}>
            Scollega
          </button>
        </div>
        <p role="status" className="hint">
          {message ?? ''}
        </p>
        {error && <ErrorBox message={error} />}
      </section>
      <section className="block" aria-labelledby="coda-title">
        <h2 id="coda-title">Visite inviate e in coda</h2>
        {total === 0 ? (
          <p className="empty">Nessuna visita sigillata finora.</p>
        ) : (
          <table className="table" aria-describedby="coda-title">
            <thead>
              <tr>
                <th scope="col">Stato</th>
                <th scope="col">Visite</th>
              </tr>
            </thead>
            <tbody>
              {ORDER.filter((s) => state.counts[s] > 0).map((s) => (
                <tr key={s} data-sync-count={s}>
                  <th scope="row">{SYNC_LABELS[s]}</th>
                  <td className="num">{state.counts[s]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="block" aria-labelledby="visite-title">
        <h2 id="visite-title">Visite una per una</h2>
        <Loaded load={entries} what="la coda di invio" retry={reloadEntries}>
          {(list) => <CodaInvio entries={list} onChanged={reloadEntries} />}
        </Loaded>
      </section>
      <ConfirmDialog
        title="Scollegare dall’ufficio?"
        open={confirm}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void unpair()}
        confirmLabel="Scollega"
      >
        <p>
          Il portatile dimentica il server e la sua chiave di accesso. Le visite in coda restano su questo computer e partiranno dopo una
          nuova associazione.
        </p>
      </ConfirmDialog>
    </>
  );
}
