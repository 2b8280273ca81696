/** A report PDF's signature check in the clerk's words: signed or not, by whom, intact, changed after signing, trusted. */
import type { ReactElement } from 'react';
import type { VerifyResult } from '../../report/verify.ts';

const yesNo = (v: boolean | null, yes: string, no: string, unknown: string) => (v === true ? yes : v === false ? no : unknown);

/** The headline: a document is "verified" only when the verifier says valid, and says why not otherwise. */
function Headline({ r }: { r: VerifyResult }): ReactElement {
  if (r.valid) {
    // Without trust anchors anyone's key makes an intact signature: not "verified" until the
    // office has its CAs (a forger's visible signature is a signing addition, allowed).
    if (r.signatures.some((s) => s.trusted !== true))
      return (
        <span className="warn" data-testid="report-verdict">
          Firma digitale integra, firmatari non verificati: nessuna CA attendibile configurata in ufficio
        </span>
      );
    return (
      <span className="pass" data-testid="report-verdict">
        Firma digitale verificata
      </span>
    );
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
  return (
    <span className="fail" data-testid="report-verdict">
      Firma digitale NON valida: {why}
    </span>
  );
}

export function Verification({ result }: { result: unknown }): ReactElement {
  const r = result as VerifyResult;
  if (!r || !Array.isArray(r.signatures)) return <span className="fail">Esito della verifica non leggibile</span>;
  if (!r.signatures.length)
    return (
      <>
        <span className="warn" data-testid="report-verdict">
          Documento non firmato digitalmente
        </span>{' '}
        (il verbale non contiene firme PAdES: fa fede l'impronta SHA-256 del contenuto, nei «Dati per l'assistenza» in fondo alla pagina)
      </>
    );
  const modifications = r.modifications ?? [];
  return (
    <>
      <Headline r={r} />
      {modifications.length ? (
        <p className="fail" data-testid="report-modifications">
          Modificato dopo la firma: {modifications.map((m) => m.label).join('; ')}. Il documento mostrato non è quello firmato: non fa fede.
        </p>
      ) : null}
      <ul>
        {r.signatures.map((s, i) => (
          <li key={i}>
            {s.signer?.commonName ?? s.signer?.subject ?? 'firmatario sconosciuto'}
            {s.signingTime ? ` · ${s.signingTime}` : ''}
            {` · ${yesNo(s.intact, 'integra', 'NON integra', '')} · `}
            {s.modifiedAfterSigning ? (
              <span className="fail">modificato dopo la firma ({(s.modifications ?? []).map((m) => m.label).join('; ')})</span>
            ) : s.coversWholeDocument ? (
              'copre tutto il documento'
            ) : (
              'seguita solo da altre firme'
            )}
            {` · ${yesNo(s.trusted, 'certificato attendibile', 'certificato NON attendibile', 'attendibilità non verificata (nessuna CA configurata)')}`}
            {s.timestamp.present ? ` · marca temporale ${yesNo(s.timestamp.valid, 'valida', 'NON valida', '')}` : ''}
          </li>
        ))}
      </ul>
      <details>
        <summary>Dettagli tecnici</summary>
        <pre>{JSON.stringify(result, null, 2)}</pre>
      </details>
    </>
  );
}
