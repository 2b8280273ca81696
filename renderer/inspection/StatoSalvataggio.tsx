import { useSyncExternalStore } from 'react';
import { clockTime } from '../ui/format.ts';
import type { Autosaver } from './autosave.ts';

/**
 * "Salvato alle 10:32" / "Salvataggio…" / the error with a retry, announced politely. A refusal of
 * the disk («Disco pieno: …») or a save the stopped local service did not answer stays until a save
 * goes through, saying the text is kept and retried.
 */
export function StatoSalvataggio({ autosaver, readOnly }: { autosaver: Autosaver; readOnly: boolean }) {
  const state = useSyncExternalStore(autosaver.subscribe, autosaver.getState);
  if (readOnly) return <p className="save-status">Sola lettura</p>;
  return (
    <div className={`save-status save-${state.kind}`}>
      <p role="status" aria-live="polite" aria-atomic="true">
        {state.kind === 'idle' && 'Salvataggio automatico attivo'}
        {state.kind === 'saving' && 'Salvataggio…'}
        {state.kind === 'saved' && `Salvato alle ${clockTime(state.at)}`}
        {state.kind === 'error' && !state.retrying && `Salvataggio non riuscito: ${state.message}`}
        {state.kind === 'error' &&
          state.retrying &&
          `${state.message} Quanto scritto resta nei campi e viene salvato da solo appena ${state.retrying === 'storage' ? 'il disco lo consente' : 'il servizio locale riprende'}.`}
      </p>
      {state.kind === 'error' && (
        <button type="button" onClick={() => void autosaver.retry()}>
          Riprova
        </button>
      )}
    </div>
  );
}
