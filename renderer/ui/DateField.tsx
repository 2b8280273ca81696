/**
 * A date entered and shown as gg/mm/aaaa whatever the browser's locale (Chromium's own date input
 * follows the system's locale: mm/dd/yyyy on an English system). The parent holds the ISO date:
 * `onChange` gets the ISO date when the text is a whole valid date, '' when it is empty, and the
 * text itself while it is not a date yet (so a form never keeps a stale date), which the parent's
 * ISO check refuses; the field then shows its own Italian message, after the inspector leaves it.
 */
import { forwardRef, useState, type FocusEvent } from 'react';
import { formatItalianDate, isIsoDate, parseItalianDate } from '../../shared/dates.ts';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import { FieldError } from './FieldError.tsx';

const shown = (value: string): string => (isIsoDate(value) ? formatItalianDate(value) : value);

export interface DateFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: (e: FocusEvent<HTMLInputElement>) => void;
  /** The parent's message (e.g. "la scadenza deve essere successiva…"); the field's own comes first. */
  error?: string | undefined;
  /** Other descriptions of the field (hints); its error is always described. */
  describedBy?: string;
  disabled?: boolean;
  className?: string;
}

export const DateField = forwardRef<HTMLInputElement, DateFieldProps>(function DateField(
  { id, value, onChange, onBlur, error, describedBy, disabled, className },
  ref,
) {
  const [text, setText] = useState(() => shown(value));
  const [seen, setSeen] = useState(value);
  const [left, setLeft] = useState(false);
  // A new value from outside (a reset, a restored draft) replaces what is shown.
  if (value !== seen) {
    setSeen(value);
    const parsed = parseItalianDate(text);
    const same = parsed.ok ? (parsed.date ?? '') === value : text === value;
    if (!same) setText(shown(value));
  }
  const parsed = parseItalianDate(text);
  const own = left && !parsed.ok ? parsed.message : undefined;
  const message = own ?? error;
  const errorId = `${id}-err`;
  return (
    <>
      <input
        ref={ref}
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder="gg/mm/aaaa"
        maxLength={10}
        className={className ?? 'input-date'}
        value={text}
        disabled={disabled}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const p = parseItalianDate(next);
          const out = p.ok ? (p.date ?? '') : next;
          setSeen(out);
          onChange(out);
        }}
        onBlur={(e) => {
          setLeft(true);
          onBlur?.(e);
        }}
        aria-invalid={Boolean(message)}
        aria-describedby={[describedBy, errorId].filter(Boolean).join(' ')}
      />
      <FieldError id={errorId} error={message ? { message } : undefined} />
    </>
  );
});

/** The same, as a field of a react-hook-form form (its error is the form's, after the field's own). */
export function FormDateField<T extends FieldValues>({
  control,
  name,
  ...rest
}: { control: Control<T, any, any>; name: FieldPath<T> } & Omit<DateFieldProps, 'value' | 'onChange' | 'onBlur' | 'error'>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <DateField
      {...rest}
      ref={field.ref}
      value={(field.value as string | null | undefined) ?? ''}
      onChange={field.onChange}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}
