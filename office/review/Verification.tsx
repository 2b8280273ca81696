/**
 * A report PDF's signature check in the clerk's words: signed or not, by whom, intact, changed after
 * signing, trusted, the PAdES level reached and the revocation status of signer and timestamp
 * authority read from the document's DSS; document timestamps (B-LTA) listed as such, not as signers.
 * On request («Verifica lo stato di revoca online») the same statuses asked now of the responders.
 */
import type { ReactElement } from 'react';
import type { OnlineRevocation, SignatureReport, VerifyResult } from '../../report/verify.ts';
import type { RevocationReport } from '../../report/ltv.ts';
import { formatInstant } from './context.ts';

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
  const revoked = r.signatures.some((s) => s.problems.some((p) => p.includes(' revocato il ')));
  const untrusted = r.signatures.some((s) => s.trusted === false);
  const why = modified
    ? 'documento modificato dopo la firma'
    : r.signatures.some((s) => !s.intact)
      ? 'documento alterato'
      : revoked
        ? 'certificato revocato prima della firma'
        : untrusted
          ? 'firmatario non attendibile'
          : 'documento alterato o firma incompleta';
  return (
    <span className="fail" data-testid="report-verdict">
      Firma digitale NON valida: {why}
    </span>
  );
}

/** «non revocato», «revocato il 02/12/2026 alle 10:41 (compromissione della chiave)», «stato sconosciuto». */
export function revocationText(r: RevocationReport | null | undefined): string {
  if (!r || !r.source || r.status === 'unknown') return 'stato sconosciuto';
  const by = r.source === 'ocsp' ? 'OCSP' : 'CRL';
  const said = r.issuedAt ? `, ${by} del ${formatInstant(r.issuedAt)}` : `, ${by}`;
  if (r.status === 'good') return `non revocato${said}`;
  return `revocato il ${formatInstant(r.revokedAt)}${r.reason ? ` (${r.reason})` : ''}${said}`;
}

function Signature({ s }: { s: SignatureReport }): ReactElement {
  const revokedSigner = s.revocation.signer?.status === 'revoked';
  const revokedTsa = s.revocation.tsa?.status === 'revoked';
  return (
    <li data-testid="report-signature">
      {s.signer?.commonName ?? s.signer?.subject ?? 'firmatario sconosciuto'}
      {s.signingTime ? ` · firmato il ${formatInstant(s.signingTime)}` : ''}
      {` · ${yesNo(s.intact, 'integra', 'NON integra', '')} · `}
      {s.modifiedAfterSigning ? (
        <span className="fail">modificato dopo la firma ({(s.modifications ?? []).map((m) => m.label).join('; ')})</span>
      ) : s.coversWholeDocument ? (
        'copre tutto il documento'
      ) : (
        'seguita solo da altre firme o marche temporali'
      )}
      {` · ${yesNo(s.trusted, 'certificato attendibile', 'certificato NON attendibile', 'attendibilità non verificata (nessuna CA configurata)')}`}
      {s.timestamp.present ? ` · marca temporale ${yesNo(s.timestamp.valid, 'valida', 'NON valida', '')}` : ''}
      <br />
      <span data-testid="signature-level">
        Livello PAdES: {s.level ?? 'non raggiunto (firma non integra o senza certificato del firmatario)'}
      </span>
      {' · '}
      <span data-testid="signature-revocation-signer" className={revokedSigner ? 'fail' : undefined}>
        Certificato del firmatario: {revocationText(s.revocation.signer)}
      </span>
      {s.timestamp.present ? (
        <>
          {' · '}
          <span data-testid="signature-revocation-tsa" className={revokedTsa ? 'fail' : undefined}>
            Certificato dell'autorità di marcatura temporale: {revocationText(s.revocation.tsa)}
          </span>
        </>
      ) : null}
    </li>
  );
}

/** A document timestamp (ETSI.RFC3161): when, by which authority, intact, trusted; not a signer. */
function DocumentTimestamp({ s }: { s: SignatureReport }): ReactElement {
  return (
    <li data-testid="report-document-timestamp">
      Marca temporale del documento del {formatInstant(s.signingTime)}
      {s.signer ? ` · autorità ${s.signer.commonName ?? s.signer.subject}` : ''}
      {` · ${yesNo(s.intact, 'integra', 'NON integra', '')}`}
      {s.coversWholeDocument ? ' · copre tutto il documento' : ' · seguita da altre aggiunte'}
      {` · ${yesNo(s.trusted, 'certificato attendibile', 'certificato NON attendibile', 'attendibilità non verificata (nessuna CA configurata)')}`}
      {' · '}
      <span data-testid="timestamp-revocation" className={s.revocation.tsa?.status === 'revoked' ? 'fail' : undefined}>
        Certificato dell'autorità: {revocationText(s.revocation.tsa)}
      </span>
    </li>
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
  const signatures = r.signatures.filter((s) => s.kind !== 'document_timestamp');
  const stamps = r.signatures.filter((s) => s.kind === 'document_timestamp');
  return (
    <>
      <Headline r={r} />
      {modifications.length ? (
        <p className="fail" data-testid="report-modifications">
          Modificato dopo la firma: {modifications.map((m) => m.label).join('; ')}. Il documento mostrato non è quello firmato: non fa fede.
        </p>
      ) : null}
      <ul>
        {signatures.map((s, i) => (
          <Signature key={i} s={s} />
        ))}
      </ul>
      {stamps.length ? (
        <ul>
          {stamps.map((s, i) => (
            <DocumentTimestamp key={i} s={s} />
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Dettagli tecnici</summary>
        <pre>{JSON.stringify(result, null, 2)}</pre>
      </details>
    </>
  );
}

/** What the responder says now, in the clerk's words (the same answers as `vigilanza verify --online`). */
export function onlineRevocationText(o: OnlineRevocation): string {
  const by = o.source === 'ocsp' ? 'OCSP' : o.source === 'crl' ? 'CRL' : null;
  const said = by ? (o.issuedAt ? `, ${by} del ${formatInstant(o.issuedAt)}` : `, ${by}`) : '';
  switch (o.status) {
    case 'good':
      return `non revocato${said}`;
    case 'revoked':
      return `revocato il ${formatInstant(o.revokedAt)}${o.reason ? ` (${o.reason})` : ''}${said}`;
    case 'unknown':
      return `stato sconosciuto: ${o.problem ?? 'il responder non conosce il certificato'}${said}`;
    default: {
      const problem = o.problem ?? 'nessuna risposta';
      // A network failure is the responder out of reach; anything else is an answer that could not be used.
      return /non raggiungibil|risposta interrotta|nessuna risposta|HTTP \d/.test(problem)
        ? `responder non raggiungibile: ${problem}`
        : `stato non verificabile in linea: ${problem}`;
    }
  }
}

/** One certificate's answer, `fail` when revoked. */
function Asked({ label, o, testId }: { label: string; o: OnlineRevocation; testId: string }): ReactElement {
  return (
    <span data-testid={testId} className={o.status === 'revoked' ? 'fail' : o.status === 'good' ? undefined : 'warn'}>
      {label}: {onlineRevocationText(o)}
    </span>
  );
}

/**
 * The revocation status of each signer and timestamp authority asked now of their OCSP responders (else
 * CRLs), beside what the document's DSS says; shown once, stored nowhere.
 */
export function OnlineRevocationCheck({ checkedAt, result }: { checkedAt: string; result: unknown }): ReactElement {
  const r = result as VerifyResult;
  if (!r || !Array.isArray(r.signatures)) return <span className="fail">Esito della verifica in linea non leggibile</span>;
  const signatures = r.signatures.filter((s) => s.kind !== 'document_timestamp');
  const stamps = r.signatures.filter((s) => s.kind === 'document_timestamp');
  // The verifier counts a revocation the responder reports now when it predates the signature (or its timestamp).
  const revokedBefore = r.signatures.some((s) => s.problems.some((p) => p.includes(' revocato il ')));
  return (
    <div data-testid="online-revocation" role="status">
      <p>
        <strong>Stato di revoca chiesto in linea il {checkedAt}</strong> (non viene registrato: il verbale e la sua verifica restano come
        sono)
      </p>
      {revokedBefore ? (
        <p className="fail" data-testid="online-verdict">
          Secondo la risposta in linea la firma NON è valida: certificato revocato prima della firma.
        </p>
      ) : null}
      <ul>
        {signatures.map((s, i) => {
          const online = s.revocation.online;
          return (
            <li key={i} data-testid="online-signature">
              Firma di {s.signer?.commonName ?? s.signer?.subject ?? 'firmatario sconosciuto'}
              {online?.signer ? (
                <>
                  {' · '}
                  <Asked label="Certificato del firmatario" o={online.signer} testId="online-signer" />
                </>
              ) : (
                ' · certificato del firmatario non leggibile: nulla da chiedere'
              )}
              {online?.tsa ? (
                <>
                  {' · '}
                  <Asked label="Certificato dell'autorità di marcatura temporale" o={online.tsa} testId="online-tsa" />
                </>
              ) : null}
            </li>
          );
        })}
        {stamps.map((s, i) => (
          <li key={`t${i}`} data-testid="online-document-timestamp">
            Marca temporale del documento del {formatInstant(s.signingTime)}
            {s.revocation.online?.tsa ? (
              <>
                {' · '}
                <Asked label="Certificato dell'autorità" o={s.revocation.online.tsa} testId="online-tsa" />
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
