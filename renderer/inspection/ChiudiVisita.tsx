import { useState } from 'react';
import type { Output, Signature } from '../../shared/api/contract.ts';
import { api } from '../api/client.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox } from '../ui/Status.tsx';
import { unanswered, useInspection, useLiveCheck, useVisibleItems } from './context.tsx';
import { FirmaPad, type Stroke } from './FirmaPad.tsx';
import { summaryText } from './PannelloRilievi.tsx';
import { Rilievo } from './Rilievo.tsx';

type SignatoryId = Signature['signatory'];
type Draft = Record<SignatoryId, { name: string; strokes: Stroke[] }>;

/** End of the visit: what was found, what is still unanswered, signatures, then sealing. */
export function ChiudiVisita({ headingId, onSealed }: { headingId: string; onSealed: (r: Output<'inspections.seal'>) => void }) {
  const { checklist, service, autosaver, detail, goToItem, prescriptions, readOnly } = useInspection();
  const { result, values } = useLiveCheck();
  const items = useVisibleItems();
  const missing = unanswered(items, values);
  const fails = result.findings.filter((f) => f.outcome === 'fail');
  const warns = result.findings.filter((f) => f.outcome === 'warn');
  const withoutPrescription = fails.filter((f) => !prescriptions.some((p) => p.rule === f.rule));
  const [draft, setDraft] = useState<Draft>(() => ({
    referente_comune: { name: '', strokes: [] },
    pedagogista: { name: '', strokes: [] },
    referente_servizio: { name: service.referente, strokes: [] },
  }));
  const [nameErrors, setNameErrors] = useState<Partial<Record<SignatoryId, string>>>({});
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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

  async function seal() {
    const signatures = check();
    if (!signatures) {
      setConfirming(false);
      return;
    }
    setBusy(true);
    setError(null);
    const saved = await autosaver.flush();
    if (!saved) {
      setBusy(false);
      setConfirming(false);
      setError('Alcune modifiche non sono state salvate: riprovare il salvataggio prima di chiudere la visita.');
      return;
    }
    const r = await api['inspections.seal']({ id: detail.id, signatures });
    setBusy(false);
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
            {withoutPrescription.length === 1 ? '1 non conformità è' : `${withoutPrescription.length} non conformità sono`} senza prescrizione: si possono aggiungere nella
            scheda «Prescrizioni».
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
        {missing.length ? (
          <ul className="missing-list">
            {missing.map((item) => (
              <li key={item.id}>
                <button type="button" className="button-link" onClick={() => goToItem(item.id)}>
                  {item.section === 'ACC' ? 'Accreditamento' : `Sezione ${item.section}`}: {item.text.length > 110 ? `${item.text.slice(0, 107)}…` : item.text}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">Tutte le voci applicabili hanno una risposta.</p>
        )}
      </section>

      {!readOnly && (
        <>
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
                        onChange={(e) => setDraft((all) => ({ ...all, [s.id]: { ...d, name: e.target.value } }))}
                        aria-invalid={Boolean(nameErrors[s.id])}
                        aria-describedby={`firma-${s.id}-err`}
                      />
                      <FieldError id={`firma-${s.id}-err`} error={nameErrors[s.id] ? { message: nameErrors[s.id] } : undefined} />
                    </div>
                    <FirmaPad label={label} strokes={d.strokes} onChange={(strokes) => setDraft((all) => ({ ...all, [s.id]: { ...all[s.id], strokes } }))} />
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
          <Dialog title="Sigillare la visita?" open={confirming} onClose={() => setConfirming(false)}>
            <p>
              Dopo la chiusura la scheda non si può più modificare: eventuali correzioni diventano una nuova revisione che rimanda a questa.
            </p>
            {missing.length > 0 && <p className="notice">Restano {missing.length} voci senza risposta.</p>}
            <div className="actions">
              <button type="button" className="button-primary" onClick={() => void seal()} disabled={busy}>
                {busy ? 'Chiusura…' : 'Sigilla'}
              </button>
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
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
