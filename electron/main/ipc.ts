/**
 * The one IPC handler: checks who is asking, then hands the call to the host API.
 * Kept apart from index.ts (no Electron import) so that the checks are unit-tested.
 */
import type { Result } from '../../shared/api/contract.ts';
import type { HostApi } from '../../host/handlers.ts';
import { isAppUrl } from './window-options.ts';

/** `senderUrl` is `event.senderFrame.url` (null when the frame is gone). */
export async function handleApiMessage(
  host: Pick<HostApi, 'call'>,
  senderUrl: string | null | undefined,
  method: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  if (!senderUrl || !isAppUrl(senderUrl))
    return {
      ok: false,
      error: {
        code: 'unauthorized',
        message: `richiesta rifiutata: la pagina ${senderUrl ?? '(sconosciuta)'} non appartiene all'applicazione`,
      },
    };
  if (typeof method !== 'string') return { ok: false, error: { code: 'invalid', message: 'metodo mancante', field: 'method' } };
  // `call`: sealing renders and signs the PDF report, which has to wait.
  return host.call(method, input);
}
