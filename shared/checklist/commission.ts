/**
 * The commission the Scheda requires at sealing: each signatory marked `commission` must sign, and
 * the one who signs must be among the members recorded as present. What is missing is said in the
 * inspector's words, the same on the screen («Chiudi visita») and in the host's refusal.
 */
import type { Checklist } from './schema.ts';

export interface CommissionGap {
  signatory: string;
  message: string;
}

const key = (s: string) => s.trim().toLocaleLowerCase('it');

/** The Scheda's title without its "Firma del …" prefix: "referente del Comune di Bagno a Ripoli". */
function who(label: string, id: string, comune: string | undefined): string {
  const bare = label.replace(/^Firma del(la)?\s+/i, '');
  return id === 'referente_comune' && comune?.trim() ? `${bare} ${comune.trim()}` : bare;
}

export function commissionGaps(
  checklist: Pick<Checklist, 'signatories'>,
  members: ReadonlyArray<{ name: string }>,
  signatures: ReadonlyArray<{ signatory: string; name: string }>,
  comune?: string,
): CommissionGap[] {
  const gaps: CommissionGap[] = [];
  for (const s of checklist.signatories) {
    if (!s.commission) continue;
    const title = who(s.label, s.id, comune);
    const signed = signatures.find((x) => x.signatory === s.id);
    if (!signed) gaps.push({ signatory: s.id, message: `manca la firma del ${title}` });
    else if (!members.some((m) => key(m.name) === key(signed.name)))
      gaps.push({ signatory: s.id, message: `${signed.name.trim()} (${title}) non è tra i componenti della commissione presenti` });
  }
  return gaps;
}
