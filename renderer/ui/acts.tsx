import type { ActStatus } from '../../shared/api/contract.ts';
import { Badge, type Tone } from './Badge.tsx';
import { italianDate } from './format.ts';

const TONES: Record<ActStatus, Tone> = { valid: 'ok', expiring: 'warn', expired: 'bad', none: 'neutral' };

/** Authorisation / accreditation expiry as the list shows it. */
export function ActBadge({ status, validUntil, feminine = true }: { status: ActStatus; validUntil: string | null; feminine?: boolean }) {
  const a = feminine ? 'a' : 'o';
  const text = {
    valid: `Valid${a} fino al ${italianDate(validUntil)}`,
    expiring: `In scadenza il ${italianDate(validUntil)}`,
    expired: `Scadut${a} il ${italianDate(validUntil)}`,
    none: feminine ? 'Non rilasciata' : 'Non rilasciato',
  }[status];
  return <Badge tone={TONES[status]}>{text}</Badge>;
}
