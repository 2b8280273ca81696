import { useId } from 'react';
import { FieldError } from '../ui/FieldError.tsx';
import { P12_ACCEPT } from './files.ts';

export type P12Errors = { file?: string; passphrase?: string };

/**
 * The two controls every use of a PKCS#12 needs: the .p12/.pfx file and its passphrase. The
 * passphrase field never autocompletes and its value lives only in the caller's state until sent.
 */
export function P12Fields({
  file,
  onFile,
  passphrase,
  onPassphrase,
  errors,
  fileLabel = 'File della chiave (.p12 o .pfx)',
  idPrefix,
}: {
  file: File | null;
  onFile: (f: File | null) => void;
  passphrase: string;
  onPassphrase: (p: string) => void;
  errors: P12Errors;
  fileLabel?: string;
  idPrefix?: string;
}) {
  const own = useId();
  const base = idPrefix ?? own;
  return (
    <>
      <div className="field">
        <label htmlFor={`${base}-file`}>{fileLabel}</label>
        <input
          id={`${base}-file`}
          type="file"
          accept={P12_ACCEPT}
          onChange={(e) => onFile(e.target.files?.[0] ?? null)}
          aria-invalid={Boolean(errors.file)}
          aria-describedby={`${base}-file-err`}
        />
        {file && <span className="hint">Scelto: {file.name}</span>}
        <FieldError id={`${base}-file-err`} error={errors.file ? { message: errors.file } : undefined} />
      </div>
      <div className="field">
        <label htmlFor={`${base}-pass`}>Passphrase della chiave</label>
        <input
          id={`${base}-pass`}
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={(e) => onPassphrase(e.target.value)}
          aria-invalid={Boolean(errors.passphrase)}
          aria-describedby={`${base}-pass-err`}
        />
        <FieldError id={`${base}-pass-err`} error={errors.passphrase ? { message: errors.passphrase } : undefined} />
      </div>
    </>
  );
}

/** Maps an API error on p12Base64 / passphrase to the field that shows it; anything else is general. */
export function splitP12Error(error: { field?: string; message: string }): { fields: P12Errors; general: string | null } {
  if (error.field === 'p12Base64') return { fields: { file: error.message }, general: null };
  if (error.field === 'passphrase') return { fields: { passphrase: error.message }, general: null };
  return { fields: {}, general: error.message };
}
