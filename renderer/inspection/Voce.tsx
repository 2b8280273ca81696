import { memo } from 'react';
import { useFormContext, useFormState } from 'react-hook-form';
import type { ChecklistItem } from '../../shared/checklist/index.ts';
import { FieldError } from '../ui/FieldError.tsx';
import { FotoVoce } from './FotoVoce.tsx';
import { fieldKey, type SchedaValues } from './model.ts';

const CHOICES = [
  { value: 'yes', label: 'Sì' },
  { value: 'no', label: 'No' },
  { value: 'na', label: 'Non applicabile' },
] as const;

/** One line of the Scheda: the printed text, its article, the answer, a note and photos. */
export const Voce = memo(function Voce({ item }: { item: ChecklistItem }) {
  const key = fieldKey(item.id);
  const { register } = useFormContext<SchedaValues>();
  const { errors } = useFormState<SchedaValues>({ name: `answers.${key}` });
  const valueError = errors.answers?.[key]?.value;
  const base = `voce-${key}`;
  const describedBy = [`${base}-art`, item.hint ? `${base}-hint` : null].filter(Boolean).join(' ');

  return (
    <div className="voce" id={base} tabIndex={-1} data-item={item.id}>
      {item.kind === 'yesno' ? (
        <fieldset className="voce-main" aria-describedby={describedBy}>
          <legend className="voce-text">{item.text}</legend>
          <VoceMeta item={item} base={base} />
          <div className="choices">
            {CHOICES.map((c) => (
              <label key={c.value} className={`choice choice-${c.value}`}>
                <input type="radio" value={c.value} {...register(`answers.${key}.value`)} />
                <span>{c.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <div className="voce-main">
          <label className="voce-text" htmlFor={`${base}-value`}>
            {item.text}
          </label>
          <VoceMeta item={item} base={base} />
          {item.kind === 'text' ? (
            <textarea id={`${base}-value`} rows={2} {...register(`answers.${key}.value`)} aria-describedby={describedBy} />
          ) : (
            <input
              id={`${base}-value`}
              type={item.kind === 'date' ? 'date' : 'text'}
              inputMode={item.kind === 'count' ? 'numeric' : undefined}
              className="input-short"
              {...register(`answers.${key}.value`)}
              aria-invalid={Boolean(valueError)}
              aria-describedby={`${describedBy} ${base}-err`}
            />
          )}
          <FieldError id={`${base}-err`} error={valueError} />
        </div>
      )}
      {item.kind !== 'text' && (
        <div className="voce-note field">
          <label htmlFor={`${base}-note`}>Nota</label>
          <textarea id={`${base}-note`} rows={1} {...register(`answers.${key}.note`)} />
        </div>
      )}
      <FotoVoce itemId={item.id} itemText={item.text} />
    </div>
  );
});

function VoceMeta({ item, base }: { item: ChecklistItem; base: string }) {
  return (
    <p className="voce-meta">
      <cite id={`${base}-art`} className="article">
        {item.article}
      </cite>
      {item.multiVisit && <span className="tag">verificabile in più visite</span>}
      {item.hint && (
        <span id={`${base}-hint`} className="hint">
          {item.hint}
        </span>
      )}
    </p>
  );
}
