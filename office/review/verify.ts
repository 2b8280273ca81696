/**
 * Signature verification of report PDFs for the review page, with the same verifier as
 * `vigilanza verify` (report/verify.ts).
 */
import { verifyPdf, type VerifyResult } from '../../report/verify.ts';
import { html, type Html } from './html.ts';

export type Verifier = (pdf: Uint8Array, options: { caPem?: string }) => Promise<VerifyResult>;

const verifier: Verifier = (pdf, options) => verifyPdf(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), options);

/** Kept asynchronous and nullable for callers written when verification could be absent from a build. */
export async function loadVerifier(): Promise<Verifier | null> {
  return verifier;
}

const yesNo = (v: boolean | null, yes: string, no: string, unknown: string) => (v === true ? yes : v === false ? no : unknown);

/** The headline: a document is "verified" only when the verifier says valid, and says why not otherwise. */
function headline(r: VerifyResult): Html {
  if (r.valid) {
    // Without trust anchors anyone's key makes an intact signature: not "verified" until the
    // office has its CAs (a forger's visible signature is a signing addition, allowed).
    if (r.signatures.some((s) => s.trusted !== true))
      return html`<span class="warn" data-testid="report-verdict">Firma digitale integra, firmatari non verificati: nessuna CA attendibile configurata in ufficio</span>`;
    return html`<span class="pass" data-testid="report-verdict">Firma digitale verificata</span>`;
  }
  const modified = r.modifications?.length ?? 0;
  const untrusted = r.signatures.some((s) => s.trusted === false);
  const why = modified
    ? 'documento modificato dopo la firma'
    : r.signatures.some((s) => !s.intact)
      ? 'documento alterato'
      : untrusted
        ? 'firmatario non attendibile'
        : 'documento alterato o firma incompleta';
  return html`<span class="fail" data-testid="report-verdict">Firma digitale NON valida: ${why}</span>`;
}

/** What a clerk needs to know: signed or not, by whom, intact, changed after signing, trusted. */
export function describeVerification(result: unknown): Html {
  const r = result as VerifyResult;
  if (!r || !Array.isArray(r.signatures)) return html`<span class="fail">Esito della verifica non leggibile</span>`;
  if (!r.signatures.length)
    return html`<span class="warn" data-testid="report-verdict">Documento non firmato digitalmente</span> (il verbale non contiene firme PAdES: fa fede l'impronta SHA-256 del contenuto, nei «Dati per l'assistenza» in fondo alla pagina)`;
  const modifications = r.modifications ?? [];
  const changed = modifications.length
    ? html`<p class="fail" data-testid="report-modifications">Modificato dopo la firma: ${modifications.map((m) => m.label).join('; ')}.
Il documento mostrato non è quello firmato: non fa fede.</p>`
    : '';
  const rows = r.signatures.map(
    (
      s,
    ) => html`<li>${s.signer?.commonName ?? s.signer?.subject ?? 'firmatario sconosciuto'}${s.signingTime ? html` · ${s.signingTime}` : ''} ·
${yesNo(s.intact, 'integra', 'NON integra', '')} · ${s.modifiedAfterSigning ? html`<span class="fail">modificato dopo la firma (${(s.modifications ?? []).map((m) => m.label).join('; ')})</span>` : s.coversWholeDocument ? 'copre tutto il documento' : 'seguita solo da altre firme'} ·
${yesNo(s.trusted, 'certificato attendibile', 'certificato NON attendibile', 'attendibilità non verificata (nessuna CA configurata)')}${s.timestamp.present ? html` · marca temporale ${yesNo(s.timestamp.valid, 'valida', 'NON valida', '')}` : ''}</li>`,
  );
  return html`${headline(r)}${changed}<ul>${rows}</ul><details><summary>Dettagli tecnici</summary><pre>${JSON.stringify(result, null, 2)}</pre></details>`;
}
