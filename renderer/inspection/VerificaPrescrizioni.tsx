/**
 * «Verifica delle prescrizioni» (issue 14): the prescriptions of the service's earlier visits past
 * their deadline and not yet found complied with. Each is answered «ottemperata» / «non ottemperata»
 * with a note, through the same autosave as a checklist answer (`inspections.saveAnswer` under the
 * item id `verifica:<visit>:<position>`); a «non ottemperata» shows the consequence the territory's
 * data gives, with its article. Once sealed, the file's `verifications` are shown instead.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PrescriptionToCheck } from '../../shared/api/contract.ts';
import { consequenceText, VERIFICATION_LABELS } from '../../shared/follow-up.ts';
import { api } from '../api/client.ts';
import { invalidateAfter } from '../api/queries.ts';
import { usePrescriptionWords } from '../app/info.tsx';
import { italianDate } from '../ui/format.ts';
import { useInspection } from './context.tsx';

export function VerificaPrescrizioni() {
  const { detail } = useInspection();
  const words = usePrescriptionWords();
  const sealed = detail.sealedFile?.verifications ?? [];
  if (detail.status !== 'draft') {
    if (!sealed.length) return null;
    return (
      <section className="block" aria-labelledby="verifica-title">
        <h3 id="verifica-title">Verifica delle {words.plural}</h3>
        <ul className="prescrizioni">
          {sealed.map((v) => (
            <li key={`${v.prescription.visitId}:${v.prescription.position}`}>
              <p>
                <strong>{v.prescription.text}</strong> — visita del {italianDate(v.prescription.visitDate)}, scadenza{' '}
                {italianDate(v.prescription.deadline)}
              </p>
              <p>
                Esito: <strong>{VERIFICATION_LABELS[v.outcome]}</strong>
                {v.consequence && <span className="consequence"> — {consequenceText(v.consequence)}</span>}
              </p>
              {v.note && <p className="sub">Nota: {v.note}</p>}
            </li>
          ))}
        </ul>
      </section>
    );
  }
  if (!detail.toCheck.length) return null;
  return (
    <section className="block" aria-labelledby="verifica-title">
      <h3 id="verifica-title">Verifica delle {words.plural}</h3>
      <p className="hint">{words.Plural} delle visite precedenti con la scadenza passata: indicare per ciascuna se è stata ottemperata.</p>
      <ol className="prescrizioni">
        {detail.toCheck.map((c) => (
          <DaVerificare key={c.key} check={c} />
        ))}
      </ol>
    </section>
  );
}

function DaVerificare({ check }: { check: PrescriptionToCheck }) {
  const { detail, autosaver } = useInspection();
  const client = useQueryClient();
  const [value, setValue] = useState<string>(typeof check.answer?.value === 'string' ? check.answer.value : '');
  const [note, setNote] = useState(check.answer?.note ?? '');
  const base = `verifica-${check.prescription.visitId}-${check.prescription.position}`;
  const save = (nextValue: string, nextNote: string) =>
    autosaver.schedule(`answer:${check.key}`, async () => {
      const r = await api['inspections.saveAnswer']({
        inspectionId: detail.id,
        itemId: check.key,
        value: nextValue === 'yes' || nextValue === 'no' ? nextValue : null,
        note: nextNote,
      });
      if (r.ok) void invalidateAfter(client, 'inspections.saveAnswer', false);
      return r;
    });
  return (
    <li>
      <fieldset className="voce-main" aria-describedby={`${base}-meta`}>
        <legend className="voce-text">{check.prescription.text}</legend>
        <p className="sub" id={`${base}-meta`}>
          Visita del {italianDate(check.prescription.visitDate)} · scadenza {italianDate(check.prescription.deadline)}
          {check.earlierNotComplied > 0 &&
            ` · già non ottemperata ${check.earlierNotComplied === 1 ? 'una volta' : `${check.earlierNotComplied} volte`}`}
        </p>
        <div className="choices">
          {(['yes', 'no'] as const).map((v) => (
            <label key={v} className={`choice choice-${v}`}>
              <input
                type="radio"
                name={base}
                value={v}
                checked={value === v}
                onChange={() => {
                  setValue(v);
                  save(v, note);
                }}
              />
              <span>{v === 'yes' ? 'Ottemperata' : 'Non ottemperata'}</span>
            </label>
          ))}
        </div>
        {value === 'no' && (
          <p className="banner-rejected" role="note" data-testid="conseguenza">
            <strong>Conseguenza:</strong> {consequenceText(check.consequence)}
          </p>
        )}
        <label htmlFor={`${base}-note`}>Nota</label>
        <textarea
          id={`${base}-note`}
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            save(value, e.target.value);
          }}
        />
      </fieldset>
    </li>
  );
}
