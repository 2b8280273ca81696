import { useState } from 'react';
import type { Prescription } from '../../shared/api/contract.ts';
import { findingText, type Finding } from '../../shared/rules/index.ts';
import { useApiMutation } from '../api/queries.ts';
import { Badge } from '../ui/Badge.tsx';
import { DateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { italianDate } from '../ui/format.ts';
import { useInspection, useLiveCheck, usePrescriptions, useVisit } from './context.tsx';
import { useDraft, useDrafts } from './drafts.tsx';
import { usePrescriptionWords } from '../app/info.tsx';
import { prescriptionErrors, type PrescriptionField } from './prescription-form.ts';
import { VerificaPrescrizioni } from './VerificaPrescrizioni.tsx';

/** The draft of a prescription form: a new one for a rule, or the edit of an existing one. */
const draftKey = (rule: string, existing?: Prescription): string => `prescrizione:${rule}:${existing?.id ?? 'nuova'}`;

/** Prescriptions with deadlines for each non-conformity of the visit. */
export function Prescrizioni({ headingId }: { headingId: string }) {
  const prescriptions = usePrescriptions();
  const { result } = useLiveCheck();
  const fails = result.findings.filter((f) => f.outcome === 'fail');
  const failing = new Set(fails.map((f) => f.rule));
  const orphans = prescriptions.filter((p) => !failing.has(p.rule));
  const words = usePrescriptionWords();
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        {words.Plural}
      </h2>
      <p className="hint">
        Per ogni non conformità indicare che cosa il gestore deve fare ed entro quando: la scadenza apre la visita di verifica.
      </p>
      <VerificaPrescrizioni />
      {fails.length === 0 && <p className="empty">Nessuna non conformità rilevata finora.</p>}
      <ol className="prescrizioni">
        {fails.map((f) => (
          <NonConformita key={f.rule} finding={f} prescriptions={prescriptions.filter((p) => p.rule === f.rule)} />
        ))}
      </ol>
      {orphans.length > 0 && (
        <section className="block" aria-labelledby="orfane-title">
          <h3 id="orfane-title">{words.Plural} di rilievi non più presenti</h3>
          <p className="hint">Il rilievo a cui si riferiscono non risulta più non conforme: verificare se vanno mantenute.</p>
          <ul className="prescrizioni">
            {orphans.map((p) => (
              <li key={p.id}>
                <PrescrizioneEsistente prescription={p} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function NonConformita({ finding, prescriptions }: { finding: Finding; prescriptions: Prescription[] }) {
  const { readOnly } = useInspection();
  const words = usePrescriptionWords();
  // A prescription typed and not yet saved reopens its form.
  const drafts = useDrafts();
  const [adding, setAdding] = useState(() => drafts?.has(draftKey(finding.rule)) ?? false);
  return (
    <li className="non-conformita" data-rule={finding.rule}>
      <p>
        <Badge tone="bad">Non conforme</Badge> {findingText(finding)} <cite className="article">{finding.article}</cite>
      </p>
      {prescriptions.map((p) => (
        <PrescrizioneEsistente key={p.id} prescription={p} />
      ))}
      {!readOnly &&
        (adding || prescriptions.length === 0 ? (
          <PrescrizioneForm rule={finding.rule} onDone={() => setAdding(false)} />
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            Aggiungi un’altra {words.singular}
          </button>
        ))}
    </li>
  );
}

function PrescrizioneEsistente({ prescription }: { prescription: Prescription }) {
  const { readOnly, setPrescriptions } = useInspection();
  const drafts = useDrafts();
  const [editing, setEditing] = useState(() => drafts?.has(draftKey(prescription.rule, prescription)) ?? false);
  const [error, setError] = useState<string | null>(null);
  const removePrescription = useApiMutation('prescriptions.remove');
  if (editing) return <PrescrizioneForm rule={prescription.rule} existing={prescription} onDone={() => setEditing(false)} />;
  async function remove() {
    const r = await removePrescription.mutateAsync({ id: prescription.id });
    if (!r.ok) setError(r.error.message);
    else setPrescriptions((all) => all.filter((p) => p.id !== prescription.id));
  }
  return (
    <div className="prescrizione" data-prescription={prescription.id}>
      <p className="prescrizione-text">{prescription.text}</p>
      <p className="sub">
        Entro il <strong>{italianDate(prescription.deadline)}</strong>
        {prescription.status === 'fulfilled' ? ' · adempiuta' : ''}
      </p>
      {!readOnly && (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Modifica
          </button>
          <button type="button" className="button-quiet" onClick={() => void remove()}>
            Elimina
          </button>
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function PrescrizioneForm({ rule, existing, onDone }: { rule: string; existing?: Prescription; onDone: () => void }) {
  const { detail, setPrescriptions } = useInspection();
  const { visit } = useVisit();
  const words = usePrescriptionWords();
  const [{ text, deadline }, change, discard] = useDraft(draftKey(rule, existing), {
    kind: 'prescription',
    text: existing?.text ?? '',
    deadline: existing?.deadline ?? '',
  });
  // The form's own checks run on every edit once a save was tried; the host's refusal stays until
  // its field is edited.
  const [tried, setTried] = useState(false);
  const [refused, setRefused] = useState<{ field: PrescriptionField | 'other'; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const savePrescription = useApiMutation('prescriptions.save');
  const base = `pr-${rule.replace(/[^a-zA-Z0-9]/g, '-')}-${existing?.id ?? 'nuova'}`;
  const errors: { text?: string; deadline?: string; other?: string } = {
    ...(tried ? prescriptionErrors({ text, deadline }, visit.date) : {}),
    ...(refused ? { [refused.field]: refused.message } : {}),
  };
  const edit = (field: PrescriptionField, value: string) => {
    if (refused && (refused.field === field || refused.field === 'other')) setRefused(null);
    change({ [field]: value });
  };

  async function save() {
    setTried(true);
    setRefused(null);
    if (Object.keys(prescriptionErrors({ text, deadline }, visit.date)).length) return;
    setBusy(true);
    const r = await savePrescription.mutateAsync({
      ...(existing ? { id: existing.id } : {}),
      inspectionId: detail.id,
      rule,
      text: text.trim(),
      deadline,
    });
    setBusy(false);
    if (!r.ok) {
      const field = r.error.field === 'text' || r.error.field === 'deadline' ? r.error.field : 'other';
      setRefused({ field, message: r.error.message });
      return;
    }
    setPrescriptions((all) => (existing ? all.map((p) => (p.id === existing.id ? r.value : p)) : [...all, r.value]));
    // The emptied form of a new prescription is not yet tried again.
    setTried(false);
    discard();
    onDone();
  }

  return (
    <div className="prescrizione-form" role="group" aria-label={`${existing ? 'Modifica' : 'Nuova'} ${words.singular}`}>
      <div className="field">
        <label htmlFor={`${base}-text`}>{words.Singular}</label>
        <textarea
          id={`${base}-text`}
          rows={2}
          value={text}
          onChange={(e) => edit('text', e.target.value)}
          aria-invalid={Boolean(errors.text)}
          aria-describedby={`${base}-text-err`}
        />
        <FieldError id={`${base}-text-err`} error={errors.text ? { message: errors.text } : undefined} />
      </div>
      <div className="field field-date">
        <label htmlFor={`${base}-deadline`}>Entro il</label>
        <DateField id={`${base}-deadline`} value={deadline} onChange={(v) => edit('deadline', v)} error={errors.deadline} />
      </div>
      <div className="actions">
        <button type="button" className="button-primary" onClick={() => void save()} disabled={busy}>
          Salva {words.singular}
        </button>
        {existing && (
          <button
            type="button"
            onClick={() => {
              discard();
              onDone();
            }}
          >
            Annulla
          </button>
        )}
      </div>
      {errors.other && (
        <p className="field-error" role="alert">
          {errors.other}
        </p>
      )}
    </div>
  );
}
