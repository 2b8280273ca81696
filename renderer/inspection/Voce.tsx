import { memo, useRef } from 'react';
import { useFormContext, useFormState, useWatch } from 'react-hook-form';
import type { ChecklistItem } from '../../shared/checklist/index.ts';
import { FormDateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { useInspection } from './context.tsx';
import { FotoVoce } from './FotoVoce.tsx';
import { VoceAlbo } from './VoceAlbo.tsx';
import { fieldKey, type SchedaValues } from './model.ts';

const CHOICES = [
  { value: 'yes', label: 'Sì' },
  { value: 'no', label: 'No' },
  { value: 'na', label: 'Non applicabile' },
] as const;

/** One line of the Scheda: the printed text, its article, the answer, a note and photos. */
export const Voce = memo(function Voce({ item }: { item: ChecklistItem }) {
  const key = fieldKey(item.id);
  const { register, setValue, control } = useFormContext<SchedaValues>();
  const { errors } = useFormState<SchedaValues>({ name: `answers.${key}` });
  const valueError = errors.answers?.[key]?.value;
  const base = `voce-${key}`;
  const describedBy = [`${base}-art`, item.hint ? `${base}-hint` : null].filter(Boolean).join(' ');

  return (
    <div className="voce" id={base} tabIndex={-1} data-item={item.id}>
      {item.kind === 'register' ? (
        <VoceAlbo item={item} base={base} meta={<VoceMeta item={item} base={base} />} />
      ) : item.kind === 'yesno' ? (
        <fieldset className="voce-main" aria-describedby={describedBy}>
          <legend className="voce-text" id={`${base}-text`}>
            {item.text}
          </legend>
          <VoceMeta item={item} base={base} />
          <div className="choices">
            {CHOICES.map((c) => (
              <label key={c.value} className={`choice choice-${c.value}`}>
                <input type="radio" value={c.value} {...register(`answers.${key}.value`)} />
                <span>{c.label}</span>
              </label>
            ))}
            <TogliRisposta
              name={`answers.${key}.value`}
              describedBy={`${base}-text`}
              // The value goes back to "not answered" through the form, so the usual autosave sends it (value null).
              onClear={() => setValue(`answers.${key}.value`, '', { shouldDirty: true })}
            />
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
          ) : item.kind === 'date' ? (
            <FormDateField
              id={`${base}-value`}
              control={control}
              name={`answers.${key}.value`}
              describedBy={describedBy}
              className="input-short"
            />
          ) : (
            <input
              id={`${base}-value`}
              type="text"
              inputMode="numeric"
              className="input-short"
              {...register(`answers.${key}.value`)}
              aria-invalid={Boolean(valueError)}
              aria-describedby={`${describedBy} ${base}-err`}
            />
          )}
          {item.kind !== 'date' && <FieldError id={`${base}-err`} error={valueError} />}
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

/**
 * Back to "not answered" (a radio cannot be unchecked by clicking it again). Shown only for an
 * answer; focus then goes to the first choice, where the inspector is already.
 */
function TogliRisposta({ name, describedBy, onClear }: { name: `answers.${string}.value`; describedBy: string; onClear: () => void }) {
  const value = useWatch<SchedaValues>({ name });
  const { readOnly } = useInspection();
  const button = useRef<HTMLButtonElement>(null);
  if (!value || readOnly) return null;
  return (
    <button
      ref={button}
      type="button"
      className="button-quiet togli-risposta"
      aria-describedby={describedBy}
      onClick={() => {
        const first = button.current?.closest('.choices')?.querySelector<HTMLInputElement>('input[type="radio"]');
        onClear();
        first?.focus();
      }}
    >
      Togli risposta
    </button>
  );
}

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
