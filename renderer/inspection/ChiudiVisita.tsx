import { useRef, useState } from 'react';
import type { Output, Signature } from '../../shared/api/contract.ts';
import type { ChecklistItem } from '../../shared/checklist/index.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { href } from '../app/router.ts';
import { italianDateTime } from '../ui/format.ts';
import { Link } from 'react-router';
import { Dialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox } from '../ui/Status.tsx';
import { unanswered, useInspection, useLiveCheck, usePrescriptions, useVisibleItems, useVisit } from './context.tsx';
import { useDrafts } from './drafts.tsx';
import { FirmaPad, type Stroke } from './FirmaPad.tsx';
import { summaryText } from './PannelloRilievi.tsx';
import { Rilievo } from './Rilievo.tsx';

type SignatoryId = Signature['signatory'];

/** Up to this many unanswered items are listed open; more are folded behind one summary. */
const MISSING_SHOWN_OPEN = 5;

function MissingList({ items, goToItem }: { items: ChecklistItem[]; goToItem: (id: string) => void }) {
  return (
    <ul className="missing-list">
      {items.map((item) => (
        <li key={item.id}>
          <button type="button" className="button-link" onClick={() => goToItem(item.id)}>
            {item.section === 'ACC' ? 'Accreditamento' : `Sezione ${item.section}`}:{' '}
            {item.text.length > 110 ? `${item.text.slice(0, 107)}…` : item.text}
          </button>
        </li>
      ))}
    </ul>
  );
}
type Draft = Record<SignatoryId, { name: string; strokes: Stroke[] }>;

/** End of the visit: what was found, what is still unanswered, signatures, then sealing. */
export function ChiudiVisita({ headingId, onSealed }: { headingId: string; onSealed: (r: Output<'inspections.seal'>) => void }) {
  const { checklist, service, autosaver, detail, goToItem, readOnly } = useInspection();
  const { members, visit } = useVisit();
  const prescriptions = usePrescriptions();
  const present = visit.memberIds.map((id) => members.find((m) => m.id === id)).filter((m) => m !== undefined);
  const { result, values } = useLiveCheck();
  const items = useVisibleItems();
  const missing = unanswered(items, values);
  const fails = result.findings.filter((f) => f.outcome === 'fail');
  const warns = result.findings.filter((f) => f.outcome === 'warn');
  const withoutPrescription = fails.filter((f) => !prescriptions.some((p) => p.rule === f.rule));
  // Names and strokes are durable drafts until sealing (leaving the section or a crash keeps them).
  const drafts = useDrafts();
  const emptyDraft = (id: SignatoryId) => ({
    kind: 'signatory' as const,
    name: id === 'referente_servizio' ? service.referente : '',
    strokes: [],
  });
  const [draft, setDraftState] = useState<Draft>(() => {
    const start = (id: SignatoryId) => {
      const kept = drafts?.get(`firma:${id}`, 'signatory');
      return { name: kept?.name ?? emptyDraft(id).name, strokes: (kept?.strokes as Stroke[] | undefined) ?? [] };
    };
    return {
      referente_comune: start('referente_comune'),
      pedagogista: start('pedagogista'),
      referente_servizio: start('referente_servizio'),
    };
  });
  const latestDraft = useRef(draft);
  function changeSignatory(id: SignatoryId, change: Partial<Draft[SignatoryId]>) {
    const next = { ...latestDraft.current[id], ...change };
    latestDraft.current = { ...latestDraft.current, [id]: next };
    setDraftState(latestDraft.current);
    drafts?.put(`firma:${id}`, { kind: 'signatory', ...next }, emptyDraft(id));
  }
  const [nameErrors, setNameErrors] = useState<Partial<Record<SignatoryId, string>>>({});
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Whether a signing key is imported decides between "Sigilla" and "Sigilla e firma".
  const [signingLoad] = useApiQuery('signing.status', {}, { enabled: !readOnly });
  const signing = signingLoad.status === 'ready' ? signingLoad.value : null;
  const sealMutation = useApiMutation('inspections.seal');
  const [passphrase, setPassphrase] = useState('');
  const [passphraseError, setPassphraseError] = useState<string | null>(null);
  // A chosen signing device (smart card, token) signs instead of the imported key: its PIN is asked.
  const signingKey =
    signing?.device && !signing.device.expired
      ? { commonName: signing.device.holder, validUntil: signing.device.validUntil, device: true }
      : signing?.key && !signing.key.expired
        ? { commonName: signing.key.commonName, validUntil: signing.key.validUntil, device: false }
        : null;
  const secretName = signingKey?.device ? 'il PIN del dispositivo di firma' : 'la passphrase della chiave di firma';

  const signatoryLabel = (id: SignatoryId, label: string) => (id === 'referente_comune' ? `${label} ${service.comune}` : label);

  function check(): Signature[] | null {
    const errors: Partial<Record<SignatoryId, string>> = {};
    const out: Signature[] = [];
    for (const s of checklist.signatories) {
      const d = draft[s.id];
      if (!d.strokes.length) continue;
      if (!d.name.trim()) errors[s.id] = 'indicare il nome di chi firma';
      else out.push({ signatory: s.id, name: d.name.trim(), strokes: d.strokes });
    }
    setNameErrors(errors);
    return Object.keys(errors).length ? null : out;
  }

  function closeDialog() {
    setConfirming(false);
    setPassphrase('');
    setPassphraseError(null);
  }

  async function seal() {
    const signatures = check();
    if (!signatures) {
      setConfirming(false);
      return;
    }
    if (signingKey && !passphrase) {
      setPassphraseError(`inserire ${secretName}`);
      return;
    }
    setBusy(true);
    setError(null);
    setPassphraseError(null);
    const saved = await autosaver.flush();
    if (!saved) {
      setBusy(false);
      setConfirming(false);
      setError('Alcune modifiche non sono state salvate: riprovare il salvataggio prima di chiudere la visita.');
      return;
    }
    const r = await sealMutation.mutateAsync(
      signingKey?.device
        ? { id: detail.id, signatures, pin: passphrase }
        : signingKey
          ? { id: detail.id, signatures, passphrase }
          : { id: detail.id, signatures },
    );
    // Used once: the passphrase or PIN does not stay in the page.
    setPassphrase('');
    setBusy(false);
    // A wrong or locked PIN, a card not inserted: said in the dialog, which stays open to retry
    // (the visit is still a draft).
    if (!r.ok && ['passphrase', 'pin', 'token', 'certificate', 'device', 'modulePath'].includes(r.error.field ?? '')) {
      setPassphraseError(r.error.message);
      return;
    }
    setConfirming(false);
    if (!r.ok) setError(r.error.message);
    else onSealed(r.value);
  }

  return (
    <section aria-labelledby={headingId} className="chiudi-visita">
      <h2 id={headingId} tabIndex={-1}>
        Chiudi visita
      </h2>
      <p className="summary-line">{summaryText(result.findings)}</p>

      <section aria-labelledby="cv-fail" className="block">
        <h3 id="cv-fail">Non conformità ({fails.length})</h3>
        {fails.length ? (
          <ul className="rilievi">
            {fails.map((f) => (
              <Rilievo key={f.rule} finding={f} />
            ))}
          </ul>
        ) : (
          <p className="empty">Nessuna.</p>
        )}
        {withoutPrescription.length > 0 && (
          <p className="notice">
            {withoutPrescription.length === 1 ? '1 non conformità è' : `${withoutPrescription.length} non conformità sono`} senza
            prescrizione
            {/* A sealed visit is final: only a draft can still take prescriptions. */}
            {readOnly ? '.' : ': si possono aggiungere nella scheda «Prescrizioni».'}
          </p>
        )}
      </section>
      <section aria-labelledby="cv-warn" className="block">
        <h3 id="cv-warn">Attenzioni ({warns.length})</h3>
        {warns.length ? (
          <ul className="rilievi">
            {warns.map((f) => (
              <Rilievo key={f.rule} finding={f} />
            ))}
          </ul>
        ) : (
          <p className="empty">Nessuna.</p>
        )}
      </section>
      <section aria-labelledby="cv-missing" className="block">
        <h3 id="cv-missing">Voci senza risposta ({missing.length})</h3>
        {missing.length > MISSING_SHOWN_OPEN ? (
          // Folded when long: dozens of "go to item" buttons would stand between Tab and the signatures.
          <details className="missing-details">
            <summary>Mostra le {missing.length} voci senza risposta</summary>
            <MissingList items={missing} goToItem={goToItem} />
          </details>
        ) : missing.length ? (
          <MissingList items={missing} goToItem={goToItem} />
        ) : (
          <p className="empty">Tutte le voci applicabili hanno una risposta.</p>
        )}
      </section>

      {!readOnly && (
        <>
          <section aria-labelledby="cv-commissione" className="block">
            <h3 id="cv-commissione">Commissione presente</h3>
            {present.length ? (
              <ul>
                {present.map((m) => (
                  <li key={m.id}>
                    <strong>{m.name}</strong> — {m.role}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">Nessun componente indicato nei dati della visita.</p>
            )}
          </section>
          <section aria-labelledby="cv-firme" className="block">
            <h3 id="cv-firme">Firme</h3>
            <div className="firme">
              {checklist.signatories.map((s) => {
                const label = signatoryLabel(s.id, s.label);
                const d = draft[s.id];
                return (
                  <div key={s.id} className="firma" role="group" aria-labelledby={`firma-${s.id}-title`}>
                    <h4 id={`firma-${s.id}-title`}>{label}</h4>
                    <div className="field">
                      <label htmlFor={`firma-${s.id}-name`}>Nome e cognome</label>
                      <input
                        id={`firma-${s.id}-name`}
                        value={d.name}
                        onChange={(e) => changeSignatory(s.id, { name: e.target.value })}
                        aria-invalid={Boolean(nameErrors[s.id])}
                        aria-describedby={`firma-${s.id}-err`}
                      />
                      <FieldError id={`firma-${s.id}-err`} error={nameErrors[s.id] ? { message: nameErrors[s.id] } : undefined} />
                    </div>
                    <FirmaPad label={label} strokes={d.strokes} onChange={(strokes) => changeSignatory(s.id, { strokes })} />
                  </div>
                );
              })}
            </div>
          </section>
          {error && <ErrorBox message={error} />}
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => check() && setConfirming(true)}>
              Chiudi e sigilla la visita
            </button>
          </div>
          {signing && (
            <p className={signingKey ? 'hint' : 'notice'} data-firma-digitale={signingKey ? 'si' : 'no'}>
              {signingKey ? (
                <>
                  Il verbale PDF sarà firmato digitalmente (PAdES) con {signingKey.device ? 'il dispositivo di firma' : 'la chiave'} di{' '}
                  <strong>{signingKey.commonName}</strong>, {signingKey.device ? 'con certificato valido' : 'valida'} fino al{' '}
                  {italianDateTime(signingKey.validUntil)}
                  {signing.tsaUrl ? ', con marca temporale se il servizio è raggiungibile' : ''}.
                </>
              ) : (
                <>
                  {signing.key?.expired ? 'Il certificato della chiave di firma è scaduto: ' : 'Nessuna chiave di firma importata: '}
                  il verbale PDF sarà prodotto ma <strong>non firmato digitalmente</strong>.{' '}
                  <Link to={href({ page: 'signing' })}>Importa una chiave in «Firma digitale»</Link>
                </>
              )}
            </p>
          )}
          <Dialog title="Sigillare la visita?" open={confirming} onClose={closeDialog}>
            <p>
              Dopo la chiusura la scheda non si può più modificare: eventuali correzioni diventano una nuova revisione che rimanda a questa.
            </p>
            {missing.length > 0 && <p className="notice">Restano {missing.length} voci senza risposta.</p>}
            {signingKey ? (
              <div className="field">
                <label htmlFor="cv-passphrase">
                  {signingKey.device ? 'PIN del dispositivo di firma' : 'Passphrase della chiave'} di {signingKey.commonName}
                </label>
                <input
                  id="cv-passphrase"
                  type="password"
                  autoComplete="off"
                  value={passphrase}
                  onChange={(e) => setPassphrase(e.target.value)}
                  onKeyDown={(e) => e.key === 'Enter' && !busy && void seal()}
                  aria-invalid={Boolean(passphraseError)}
                  aria-describedby="cv-passphrase-err"
                  data-autofocus
                />
                <FieldError id="cv-passphrase-err" error={passphraseError ? { message: passphraseError } : undefined} />
              </div>
            ) : (
              <p className="notice">Il verbale PDF non sarà firmato digitalmente.</p>
            )}
            <div className="actions">
              <button type="button" className="button-primary" onClick={() => void seal()} disabled={busy}>
                {busy ? (signingKey ? 'Firma in corso…' : 'Chiusura…') : signingKey ? 'Sigilla e firma' : 'Sigilla'}
              </button>
              <button type="button" onClick={closeDialog} data-autofocus={signingKey ? undefined : true}>
                Annulla
              </button>
            </div>
          </Dialog>
        </>
      )}
      {readOnly && detail.signatures.length > 0 && (
        <section aria-labelledby="cv-firme-ro" className="block">
          <h3 id="cv-firme-ro">Firme</h3>
          <div className="firme">
            {detail.signatures.map((s) => {
              const label = signatoryLabel(s.signatory, checklist.signatories.find((x) => x.id === s.signatory)?.label ?? s.signatory);
              return (
                <div key={s.signatory} className="firma">
                  <h4>{label}</h4>
                  <p>{s.name}</p>
                  <FirmaPad label={label} strokes={s.strokes as Stroke[]} readOnly />
                </div>
              );
            })}
          </div>
        </section>
      )}
    </section>
  );
}
