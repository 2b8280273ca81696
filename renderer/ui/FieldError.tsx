/** The Italian message under a field; always rendered so aria-describedby points somewhere. */
export function FieldError({ id, error }: { id: string; error?: { message?: string } | undefined }) {
  return (
    <span id={id} className="field-error" role={error?.message ? 'alert' : undefined}>
      {error?.message ?? ''}
    </span>
  );
}
