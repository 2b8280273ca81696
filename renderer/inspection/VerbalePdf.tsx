import { useEffect, useRef, useState } from 'react';
import type { ReportSignature, ReportView } from '../../shared/api/contract.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { fileToBase64, downloadBase64, P12_MAX_BYTES } from '../signing/files.ts';
import { P12Fields, splitP12Error, type P12Errors } from '../signing/P12Fields.tsx';
import { href } from '../app/router.ts';
import { Badge } from '../ui/Badge.tsx';
import { Link } from 'react-router';
import { Dialog } from '../ui/Dialog.tsx';
import { italianDateTime } from '../ui/format.ts';
import { ErrorBox, Loaded } from '../ui/Status.tsx';

/** The PDF report of a sealed visit: export, what its signatures say, and a second signer. */
export function VerbalePdf({
  inspectionId,
  sealWarning,
  justSealed,
}: {
  inspectionId: string;
  sealWarning: string | null;
  justSealed: boolean;
}) {
  const [load, reload, set] = useApiQuery('report.get', { inspectionId });
  const heading = useRef<HTMLHeadingElement>(null);
  // Right after sealing, the page was scrolled down to the signatures: bring the result into view.
  useEffect(() => {
    if (!justSealed) return;
    heading.current?.focus({ preventScroll: true });
    heading.current?.scrollIntoView({ block: 'center' });
  }, [justSealed]);
  return (
    <section className="verbale" aria-labelledby="verbale-title">
      <h2 id="verbale-title" ref={heading} tabIndex={-1}>
        Verbale PDF
      </h2>
      {sealWarning && (
        <p className="notice" role="status">
          {sealWarning}
        </p>
      )}
      <Loaded load={load} what="il verbale PDF" retry={reload}>
        {(v) => <Verbale view={v} onSigned={set} />}
      </Loaded>
    </section>
  );
}

function Verbale({ view, onSigned }: { view: ReportView; onSigned: (v: ReportView) => void }) {
  const [adding, setAdding] = useState(false);
  return (
    <>
      <div className="verbale-head">
        <p>
          {view.signed ? (
            view.valid ? (
              <Badge tone="ok">Firmato digitalmente · firme integre</Badge>
            ) : (
              <Badge tone="bad">Firme non valide</Badge>
            )
          ) : (
            <Badge tone="warn">Non firmato digitalmente</Badge>
          )}{' '}
          <span className="sub">
            {view.name} · versione {view.version} · {Math.round(view.size / 1024)} KB
          </span>
        </p>
        <div className="actions">
          <button type="button" className="button-primary" onClick={() => downloadBase64(view.pdfBase64, view.name, 'application/pdf')}>
            Esporta PDF
          </button>
          {view.signed && (
            <button type="button" onClick={() => setAdding(true)}>
              Aggiungi firma (secondo firmatario)
            </button>
          )}
        </div>
      </div>
      {view.signatures.length > 0 && (
        <ol className="verbale-firme" aria-label="Verifica delle firme digitali">
          {view.signatures.map((s) => (
            <FirmaDigitale key={s.index} s={s} />
          ))}
        </ol>
      )}
      <p className="hint">
        Impronta del contenuto stampata nel verbale: <code className="hash">{view.contentHash}</code>
      </p>
      <AggiungiFirma
        open={adding}
        inspectionId={view.inspectionId}
        onClose={() => setAdding(false)}
        onSigned={(v) => (setAdding(false), onSigned(v))}
      />
    </>
  );
}

function FirmaDigitale({ s }: { s: ReportSignature }) {
  return (
    <li data-firma-digitale={s.index}>
      <strong>{s.signer ?? 'firmatario sconosciuto'}</strong>
      {s.signingTime ? `, ${italianDateTime(s.signingTime)}` : ''}{' '}
      {s.intact ? <Badge tone="ok">Integra</Badge> : <Badge tone="bad">Alterata</Badge>}{' '}
      {s.coversWholeDocument ? (
        <Badge tone="ok">Copre tutto il documento</Badge>
      ) : (
        <Badge tone="info">Copre la versione firmata; poi aggiunte altre firme</Badge>
      )}{' '}
      {s.timestampTime ? (
        <Badge tone="ok">{`Marca temporale ${italianDateTime(s.timestampTime)}`}</Badge>
      ) : (
        <span className="sub">senza marca temporale</span>
      )}{' '}
      <Attendibilita s={s} />
      {s.issuer && <span className="sub verbale-issuer">Certificato emesso da {s.issuer}</span>}
      {s.problems.length > 0 && <span className="field-error">{s.problems.join('; ')}</span>}
    </li>
  );
}

/** Whether the signer's certificate leads to a CA trusted in «Firma digitale». */
function Attendibilita({ s }: { s: ReportSignature }) {
  if (s.trusted === true) return <Badge tone="ok">Certificato attendibile</Badge>;
  if (s.trusted === false)
    return (
      <>
        <Badge tone="bad">Certificato non attendibile</Badge>
        {s.trustProblem && <span className="sub verbale-issuer">{s.trustProblem}</span>}
      </>
    );
  return (
    <>
      <Badge tone="neutral">Certificato non verificato</Badge>
      <span className="sub verbale-issuer">
        Nessuna autorità di certificazione attendibile indicata: aggiungerla in <Link to={href({ page: 'signing' })}>«Firma digitale»</Link>
        .
      </span>
    </>
  );
}

function AggiungiFirma({
  open,
  inspectionId,
  onClose,
  onSigned,
}: {
  open: boolean;
  inspectionId: string;
  onClose: () => void;
  onSigned: (v: ReportView) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [errors, setErrors] = useState<P12Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const addSignature = useApiMutation('report.addSignature');

  function close() {
    setPassphrase('');
    setFile(null);
    setErrors({});
    setError(null);
    onClose();
  }

  async function submit() {
    const local: P12Errors = {};
    if (!file) local.file = 'scegliere il file della chiave del secondo firmatario';
    else if (file.size > P12_MAX_BYTES) local.file = 'file troppo grande per essere una chiave PKCS#12';
    if (!passphrase) local.passphrase = 'inserire la passphrase';
    setErrors(local);
    setError(null);
    if (local.file || local.passphrase || !file) return;
    setBusy(true);
    const r = await addSignature.mutateAsync({ inspectionId, p12Base64: await fileToBase64(file), passphrase });
    setBusy(false);
    setPassphrase('');
    if (!r.ok) {
      const { fields, general } = splitP12Error(r.error);
      setErrors(fields);
      setError(general);
      return;
    }
    setFile(null);
    onSigned(r.value);
  }

  return (
    <Dialog title="Aggiungi firma (secondo firmatario)" open={open} onClose={close}>
      <p>
        L’altro componente della commissione firma con la propria chiave (.p12 o .pfx). La firma si aggiunge al verbale senza alterare
        quelle già apposte; la chiave e la passphrase non vengono conservate.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <P12Fields
          file={file}
          onFile={setFile}
          passphrase={passphrase}
          onPassphrase={setPassphrase}
          errors={errors}
          idPrefix="cofirma"
          fileLabel="File della chiave del secondo firmatario (.p12 o .pfx)"
        />
        {error && <ErrorBox message={error} />}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Firma in corso…' : 'Firma il verbale'}
          </button>
          <button type="button" onClick={close}>
            Annulla
          </button>
        </div>
      </form>
    </Dialog>
  );
}
