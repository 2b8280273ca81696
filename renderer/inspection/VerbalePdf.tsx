import { useEffect, useRef, useState } from 'react';
import type { ReportSignature, ReportView } from '../../shared/api/contract.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { fileToBase64, downloadBase64, P12_MAX_BYTES } from '../signing/files.ts';
import { ScegliDispositivo, type DeviceChoiceMade } from '../signing/DispositivoFirma.tsx';
import { P12Fields, splitP12Error, type P12Errors } from '../signing/P12Fields.tsx';
import { href } from '../app/router.ts';
import { Badge } from '../ui/Badge.tsx';
import { Link } from 'react-router';
import { Dialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
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
  const [method, setMethod] = useState<'p12' | 'device'>('p12');
  const [device, setDevice] = useState<DeviceChoiceMade | null>(null);
  const [pin, setPin] = useState('');
  const [pinError, setPinError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [errors, setErrors] = useState<P12Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const addSignature = useApiMutation('report.addSignature');

  function close() {
    setPassphrase('');
    setPin('');
    setPinError(null);
    setDevice(null);
    setFile(null);
    setErrors({});
    setError(null);
    onClose();
  }

  /** The co-signer's own card: the PIN is sent once and cleared, whatever the answer. */
  async function submitDevice() {
    if (!device) return;
    setError(null);
    if (!pin) return setPinError('inserire il PIN del dispositivo di firma');
    setPinError(null);
    setBusy(true);
    const { holder: _holder, ...choice } = device;
    const r = await addSignature.mutateAsync({ inspectionId, device: choice, pin });
    setBusy(false);
    setPin('');
    if (!r.ok) {
      if (r.error.field === 'pin') setPinError(r.error.message);
      else setError(r.error.message);
      return;
    }
    setDevice(null);
    onSigned(r.value);
  }

  async function submit() {
    if (method === 'device') return submitDevice();
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
        L’altro componente della commissione firma con la propria smart card o token, oppure con la propria chiave (.p12 o .pfx). La firma
        si aggiunge al verbale senza alterare quelle già apposte; né la chiave né il PIN o la passphrase vengono conservati.
      </p>
      <fieldset className="field">
        <legend>Con che cosa firma</legend>
        <label className="choice">
          <input type="radio" name="cofirma-metodo" checked={method === 'p12'} onChange={() => setMethod('p12')} /> File PKCS#12 (.p12 o
          .pfx)
        </label>
        <label className="choice">
          <input type="radio" name="cofirma-metodo" checked={method === 'device'} onChange={() => setMethod('device')} /> Dispositivo di
          firma (smart card o token)
        </label>
      </fieldset>
      {method === 'device' && !device && <ScegliDispositivo onChoice={setDevice} heading="Dispositivo del secondo firmatario" />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        {method === 'p12' ? (
          <P12Fields
            file={file}
            onFile={setFile}
            passphrase={passphrase}
            onPassphrase={setPassphrase}
            errors={errors}
            idPrefix="cofirma"
            fileLabel="File della chiave del secondo firmatario (.p12 o .pfx)"
          />
        ) : (
          device && (
            <div className="field">
              <label htmlFor="cofirma-pin">PIN del dispositivo di firma di {device.holder}</label>
              <input
                id="cofirma-pin"
                type="password"
                autoComplete="off"
                value={pin}
                onChange={(e) => setPin(e.target.value)}
                aria-invalid={Boolean(pinError)}
                aria-describedby="cofirma-pin-err"
              />
              <FieldError id="cofirma-pin-err" error={pinError ? { message: pinError } : undefined} />
              <button type="button" className="button-quiet" onClick={() => setDevice(null)}>
                Scegli un altro certificato
              </button>
            </div>
          )
        )}
        {error && <ErrorBox message={error} />}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy || (method === 'device' && !device)}>
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
