/**
 * The form fields the review pages share: a text field inside its label («Nome <input>»), the same
 * with the label tied by `htmlFor` on a paragraph of its own, the props of a date typed as
 * gg/mm/aaaa (never `<input type="date">`, which Debian's Chromium orders mm/dd/yyyy), and a form's
 * refusal announced to screen readers.
 */
import type { InputHTMLAttributes, ReactElement, ReactNode } from 'react';

type InputProps = InputHTMLAttributes<HTMLInputElement>;

/** A date typed as gg/mm/aaaa in a text field. */
export const DATE_INPUT = { inputMode: 'numeric', placeholder: 'gg/mm/aaaa', maxLength: 10 } as const satisfies InputProps;

/** «label <input>», the input inside its label. */
export function Field({ label, ...input }: { label: ReactNode } & InputProps): ReactElement {
  return (
    <label>
      {label} <input {...input} />
    </label>
  );
}

/** A paragraph with the label tied to the input by `id`; `after` follows the input (a hint). */
export function FieldRow({ label, id, after, ...input }: { label: ReactNode; id: string; after?: ReactNode } & InputProps): ReactElement {
  return (
    <p>
      <label htmlFor={id}>{label}</label> <input id={id} {...input} />
      {after}
    </p>
  );
}

/** Why the form was refused, read out as soon as the page shows it; nothing when it was not. */
export function FormError({ error }: { error?: string | null }): ReactElement | null {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
