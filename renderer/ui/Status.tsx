import type { ReactNode } from 'react';
import type { Load } from '../api/queries.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Caricamento {what}…
    </p>
  );
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Riprova
        </button>
      )}
    </div>
  );
}

/** Renders the loaded value, or the loading line, or the error with a retry. */
export function Loaded<T>({
  load,
  what,
  retry,
  children,
}: {
  load: Load<T>;
  what: string;
  retry: () => void;
  children: (value: T) => ReactNode;
}) {
  if (load.status === 'loading') return <Loading what={what} />;
  if (load.status === 'error') return <ErrorBox message={`Impossibile caricare ${what}: ${load.message}`} onRetry={retry} />;
  return <>{children(load.value)}</>;
}
