import type { OutboxStatus } from '../../shared/api/contract.ts';
import { Badge, type Tone } from './Badge.tsx';

/** Where a sealed revision is on its way to the office (issue 6), in the words the inspector reads. */
export const SYNC_LABELS: Record<OutboxStatus, string> = {
  in_coda: 'In coda',
  inviata: 'Inviata',
  ricevuta: 'Ricevuta',
  validata: 'Validata',
  respinta: 'Respinta',
  conflitto: 'Conflitto',
  errore: 'Errore di invio',
};

const SYNC_TONES: Record<OutboxStatus, Tone> = {
  in_coda: 'neutral',
  inviata: 'info',
  ricevuta: 'info',
  validata: 'ok',
  respinta: 'bad',
  conflitto: 'warn',
  errore: 'bad',
};

const SYNC_HINTS: Record<OutboxStatus, string> = {
  in_coda: 'In attesa di essere inviata all’ufficio',
  inviata: 'Invio all’ufficio in corso',
  ricevuta: 'Ricevuta dall’ufficio, in attesa di validazione',
  validata: 'Validata dall’ufficio',
  respinta: 'Respinta dall’ufficio con note: vedere la nuova revisione',
  conflitto: 'L’ufficio ha già questa revisione con un contenuto diverso: contattare l’ufficio',
  errore: 'L’ufficio ha rifiutato l’invio: vedere la pagina Ufficio',
};

export function SyncBadge({ status }: { status: OutboxStatus | null }) {
  if (!status) return null;
  return (
    <span data-sync-status={status}>
      <Badge tone={SYNC_TONES[status]} title={SYNC_HINTS[status]}>
        <span className="visually-hidden">Ufficio: </span>
        {SYNC_LABELS[status]}
      </Badge>
    </span>
  );
}
