import { useEffect, useState } from 'react';
import { subscribe } from '../api/client.ts';
import { clockTime } from '../ui/format.ts';

/**
 * Says so when the local service stopped and was started again (the `host.restarted` event): what
 * was saved is safe, and a save it had not answered is sent again by itself. Stays until closed.
 */
export function HostRestartNotice() {
  const [restartedAt, setRestartedAt] = useState<string | null>(null);
  useEffect(
    () =>
      subscribe?.((event) => {
        if (event.type === 'host.restarted') setRestartedAt(event.at);
      }),
    [],
  );
  return (
    <div role="status" aria-live="polite" className="host-restart">
      {restartedAt && (
        <p className="notice" data-host-restarted>
          Il servizio locale si è interrotto ed è stato riavviato alle {clockTime(restartedAt)}: i dati salvati sono al sicuro e quanto non
          ancora salvato viene salvato da solo.{' '}
          <button type="button" onClick={() => setRestartedAt(null)}>
            Chiudi avviso
          </button>
        </p>
      )}
    </div>
  );
}
