/**
 * The Scheda's wording as the user reads it. The checklist stores each item's text exactly as the
 * printed Scheda has it — that is the text an act cites, typos included ("recintata , attrezzata") —
 * so the tidying happens only here, on the way to a screen or a page.
 */

/** No space before a comma, semicolon, colon or full stop; single spaces; no leading/trailing blanks. */
export function displayText(text: string): string {
  return text
    .replace(/\s+([,;:.])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * The title over a signature. The Scheda prints one fixed title per signatory ("Firma del
 * Pedagogista Comunale"), but the commission member who signs may hold another role (a
 * "Pedagogista zonale"): when the signer is a listed member with a role, the title says that role.
 * The Comune's referent is named with the service's Comune, as the Scheda's "… del Comune di ___".
 */
export function signatoryTitle(
  signatory: { id: string; label: string },
  signerName: string | undefined,
  members: ReadonlyArray<{ name: string; role: string }>,
  comune: string | undefined,
): string {
  const key = (s: string) => s.trim().toLocaleLowerCase('it');
  const member =
    signerName && signatory.id !== 'referente_servizio' ? members.find((m) => key(m.name) === key(signerName) && m.role.trim()) : undefined;
  if (member) return `Firma — ${member.role.trim()}`;
  return signatory.id === 'referente_comune' && comune?.trim() ? `${signatory.label} ${comune.trim()}` : signatory.label;
}
