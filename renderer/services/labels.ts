import type { InspectionStatus } from '../../shared/api/contract.ts';
import type { Tone } from '../ui/Badge.tsx';

export const STATUS_LABELS: Record<InspectionStatus, string> = {
  draft: 'Bozza',
  sealed: 'Chiusa',
  queued: 'In coda di invio',
  synced: 'Inviata all’ufficio',
  validated: 'Validata',
  rejected: 'Respinta',
};

export const STATUS_TONES: Record<InspectionStatus, Tone> = {
  draft: 'info',
  sealed: 'ok',
  queued: 'neutral',
  synced: 'neutral',
  validated: 'ok',
  rejected: 'bad',
};
