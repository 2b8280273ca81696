import { useState, type FormEvent } from 'react';
import type { Member, SigningStatus, TrustedCa } from '../../shared/api/contract.ts';
import { combineLoads, useApiMutation, useApiQuery } from '../api/queries.ts';
import { Badge } from '../ui/Badge.tsx';
import { CertificateFacts } from './CertificateFacts.tsx';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { italianDateTime } from '../ui/format.ts';
import { ErrorBox, Loaded } from '../ui/Status.tsx';
import { CA_ACCEPT, CA_MAX_BYTES, fileToBase64, P12_MAX_BYTES } from './files.ts';
import { DispositivoAttuale, ScegliDispositivo } from './DispositivoFirma.tsx';
import { P12Fields, splitP12Error, type P12Errors } from './P12Fields.tsx';

interface Data {
  status: SigningStatus;
  members: Member[];
  cas: TrustedCa[];
}

/**
 * "Firma digitale": how the inspector signs (a signing device, smart card or token, or an imported
 * PKCS#12), the timestamp authority, the trusted CAs.
 */
export function FirmaDigitalePage() {
  // Three reads in parallel, each its own cache entry (members.list is shared with the visits).
  const [status, reloadStatus, setStatus] = useApiQuery('signing.status', {});
  const [members, reloadMembers] = useApiQuery('members.list', {});
  const [cas, reloadCas, setCas] = useApiQuery('signing.listTrustedCas', {});
  const load = combineLoads({ status, members, cas });
  const reload = () => {
    reloadStatus();
    reloadMembers();
    reloadCas();
  };
  return (
    <section className="narrow-page" aria-labelledby="firma-title">
      <h1 id="firma-title">Firma digitale</h1>
      <p className="hint">
        Il verbale PDF di ogni visita sigillata si firma con un dispositivo di firma (smart card o token USB: la chiave non lascia mai il
        dispositivo, il PIN si chiede a ogni firma) oppure con la chiave e il certificato di un file PKCS#12 (.p12 o .pfx), conservata su
        questo computer, cifrata, con la passphrase chiesta ogni volta. Se è scelto un dispositivo, si firma con quello.
      </p>
      <Loaded load={load} what="lo stato della firma" retry={() => void reload()}>
        {(d) => (
          <>
            <MetodoFirma data={d} onStatus={setStatus} />
            <MarcaTemporale data={d} onSaved={setStatus} />
            <AutoritaAttendibili cas={d.cas} onChange={setCas} />
          </>
        )}
      </Loaded>
    </section>
  );
}

/** The two ways to sign, side by side: the device (qualified signature, CAD art. 24) and the PKCS#12 file. */
function MetodoFirma({ data, onStatus }: { data: Data; onStatus: (s: SigningStatus) => void }) {
  const [method, setMethod] = useState<'device' | 'p12'>(data.status.device || !data.status.key ? 'device' : 'p12');
  return (
    <>
      <fieldset className="block" aria-describedby="firma-metodo-hint">
        <legend>Come si firma</legend>
        <label className="choice">
          <input type="radio" name="firma-metodo" value="device" checked={method === 'device'} onChange={() => setMethod('device')} />{' '}
          Dispositivo di firma (smart card o token)
        </label>
        <label className="choice">
          <input type="radio" name="firma-metodo" value="p12" checked={method === 'p12'} onChange={() => setMethod('p12')} /> File PKCS#12
          (.p12 o .pfx)
        </label>
        <p id="firma-metodo-hint" className="hint">
          La firma digitale qualificata di un pubblico ufficiale sta su un dispositivo sicuro: il file PKCS#12 resta per le prove e per chi
          non ha ancora la carta.
        </p>
      </fieldset>
      {method === 'device' ? (
        <>
          <DispositivoAttuale status={data.status} />
          <ScegliDispositivo onChosen={onStatus} />
        </>
      ) : (
        <>
          <ChiaveAttuale data={data} />
          <ImportaChiave data={data} onImported={onStatus} />
        </>
      )}
    </>
  );
}

function ChiaveAttuale({ data }: { data: Data }) {
  const key = data.status.key;
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const removeKey = useApiMutation('signing.remove');
  async function remove() {
    // The status loads again by invalidation (INVALIDATES) before this resolves.
    const r = await removeKey.mutateAsync({});
    setConfirm(false);
    if (!r.ok) return setError(r.error.message);
  }
  return (
    <section className="block" aria-labelledby="firma-attuale">
      <h2 id="firma-attuale">Chiave di firma</h2>
      {!key ? (
        <p className="empty" data-signing-key="none">
          Nessuna chiave importata: le visite si sigillano con un verbale PDF non firmato digitalmente.
        </p>
      ) : (
        <>
          <CertificateFacts
            holder={key.commonName}
            issuer={key.issuer}
            validUntil={key.validUntil}
            expired={key.expired}
            mark={{ 'data-signing-key': 'present' }}
          >
            <div>
              <dt>Componente della commissione</dt>
              <dd>{key.memberName ?? 'non indicato'}</dd>
            </div>
          </CertificateFacts>
          <div className="actions">
            <button type="button" className="button-danger" onClick={() => setConfirm(true)}>
              Rimuovi la chiave
            </button>
          </div>
          <ConfirmDialog
            title="Rimuovere la chiave di firma?"
            open={confirm}
            onCancel={() => setConfirm(false)}
            onConfirm={() => void remove()}
            confirmLabel="Rimuovi"
          >
            <p>
              I verbali già firmati restano validi. Le prossime visite si sigilleranno senza firma digitale finché non si importa un’altra
              chiave.
            </p>
          </ConfirmDialog>
        </>
      )}
      {error && <ErrorBox message={error} />}
    </section>
  );
}

function ImportaChiave({ data, onImported }: { data: Data; onImported: (s: SigningStatus) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [memberId, setMemberId] = useState('');
  const [errors, setErrors] = useState<P12Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const importP12 = useApiMutation('signing.importP12');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    setError(null);
    const local: P12Errors = {};
    if (!file) local.file = 'scegliere il file della chiave (.p12 o .pfx)';
    else if (file.size > P12_MAX_BYTES) local.file = 'file troppo grande per essere una chiave PKCS#12';
    if (!passphrase) local.passphrase = 'inserire la passphrase del file';
    setErrors(local);
    if (local.file || local.passphrase || !file) return;
    setBusy(true);
    const r = await importP12.mutateAsync({ p12Base64: await fileToBase64(file), passphrase, memberId: memberId || null });
    setBusy(false);
    // The passphrase is not kept in the page once used, whatever the outcome.
    setPassphrase('');
    if (!r.ok) {
      const { fields, general } = splitP12Error(r.error);
      setErrors(fields);
      setError(general);
      return;
    }
    setFile(null);
    (document.getElementById('firma-import-file') as HTMLInputElement | null)?.form?.reset();
    setDone(`Chiave di ${r.value.key?.commonName ?? '—'} importata.`);
    onImported(r.value);
  }

  return (
    <section className="block" aria-labelledby="firma-import">
      <h2 id="firma-import">{data.status.key ? 'Sostituisci la chiave' : 'Importa una chiave'}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          <P12Fields
            file={file}
            onFile={setFile}
            passphrase={passphrase}
            onPassphrase={setPassphrase}
            errors={errors}
            idPrefix="firma-import"
          />
          <div className="field">
            <label htmlFor="firma-import-member">Componente della commissione (facoltativo)</label>
            <select id="firma-import-member" value={memberId} onChange={(e) => setMemberId(e.target.value)}>
              <option value="">— non indicato —</option>
              {data.members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} · {m.role}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Verifica…' : 'Importa la chiave'}
          </button>
        </div>
      </form>
      {error && <ErrorBox message={error} />}
      {done && (
        <p role="status" className="save-saved">
          {done}
        </p>
      )}
    </section>
  );
}

function MarcaTemporale({ data, onSaved }: { data: Data; onSaved: (s: SigningStatus) => void }) {
  const [url, setUrl] = useState(data.status.tsaUrl ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const setTsaUrl = useApiMutation('signing.setTsaUrl');
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const r = await setTsaUrl.mutateAsync({ tsaUrl: url.trim() || null });
    if (!r.ok) return setError(r.error.message);
    setError(null);
    setSaved(true);
    onSaved(r.value);
  }
  return (
    <section className="block" aria-labelledby="firma-tsa">
      <h2 id="firma-tsa">Marca temporale</h2>
      <p className="hint">
        Con un servizio di marca temporale (RFC 3161) raggiungibile la firma riceve data e ora certe (PAdES B-T). Senza rete la firma si
        appone comunque, senza marca.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="firma-tsa-url">Indirizzo del servizio (vuoto: nessuna marca temporale)</label>
          <input
            id="firma-tsa-url"
            type="url"
            inputMode="url"
            value={url}
            placeholder="https://"
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={Boolean(error)}
            aria-describedby="firma-tsa-err"
          />
          <FieldError id="firma-tsa-err" error={error ? { message: error } : undefined} />
        </div>
        <div className="actions">
          <button type="submit">Salva</button>
          {saved && (
            <span role="status" className="save-saved">
              Salvato.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

/**
 * The CAs whose certificates count as trusted when the «Verbale PDF» panel checks a signature
 * (the Zona's CA, a qualified provider's root): import from a PEM file, list, remove.
 */
function AutoritaAttendibili({ cas, onChange }: { cas: TrustedCa[]; onChange: (cas: TrustedCa[]) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const addCa = useApiMutation('signing.addTrustedCa');
  const removeCa = useApiMutation('signing.removeTrustedCa');

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setDone(null);
    setError(null);
    if (!file) return setFileError('scegliere il file del certificato della CA (.pem o .crt)');
    if (file.size > CA_MAX_BYTES) return setFileError('file troppo grande per un certificato');
    setFileError(null);
    setBusy(true);
    const r = await addCa.mutateAsync({ pem: await file.text() });
    setBusy(false);
    if (!r.ok) return r.error.field === 'pem' ? setFileError(r.error.message) : setError(r.error.message);
    const added = r.value.length - cas.length;
    setFile(null);
    form.reset();
    setDone(
      added > 0
        ? added === 1
          ? 'Aggiunta 1 autorità di certificazione.'
          : `Aggiunte ${added} autorità di certificazione.`
        : 'Le autorità del file erano già nell’elenco.',
    );
    onChange(r.value);
  }

  async function remove(ca: TrustedCa) {
    setDone(null);
    // The list loads again by invalidation before this resolves.
    const r = await removeCa.mutateAsync({ id: ca.id });
    if (!r.ok) return setError(r.error.message);
    setDone(`${ca.commonName ?? ca.subject} rimossa dall’elenco.`);
    // The removed row's button is gone: keep the keyboard in this section.
    document.getElementById('firma-ca-title')?.focus();
  }

  return (
    <section className="block" aria-labelledby="firma-ca-title">
      <h2 id="firma-ca-title" tabIndex={-1}>
        Autorità di certificazione attendibili
      </h2>
      <p className="hint">
        Il pannello «Verbale PDF» dice se il certificato di ogni firma è rilasciato da una di queste autorità (ad esempio la CA della Zona o
        la radice di un prestatore qualificato). Senza autorità nell’elenco i certificati non vengono verificati.
      </p>
      {cas.length === 0 ? (
        <p className="empty" data-trusted-cas="none">
          Nessuna autorità indicata: i certificati delle firme risultano «non verificati».
        </p>
      ) : (
        <ul className="ca-list" data-trusted-cas="list">
          {cas.map((ca) => (
            <li key={ca.id} className="ca-item">
              <div className="ca-text">
                <strong>{ca.commonName ?? ca.subject}</strong>
                <span className="sub">{ca.subject}</span>
                <span className="sub">
                  Valido fino al {italianDateTime(ca.validUntil)} {ca.expired ? <Badge tone="bad">Scaduto</Badge> : null}
                </span>
              </div>
              <button
                type="button"
                className="button-quiet"
                onClick={() => void remove(ca)}
                aria-label={`Rimuovi ${ca.commonName ?? ca.subject}`}
              >
                Rimuovi
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="firma-ca-file">Certificato della CA (.pem o .crt, anche più certificati in un file)</label>
          <input
            id="firma-ca-file"
            type="file"
            accept={CA_ACCEPT}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-invalid={Boolean(fileError)}
            aria-describedby="firma-ca-file-err"
          />
          <FieldError id="firma-ca-file-err" error={fileError ? { message: fileError } : undefined} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Verifica…' : 'Aggiungi all’elenco'}
          </button>
        </div>
      </form>
      {error && <ErrorBox message={error} />}
      {done && (
        <p role="status" className="save-saved">
          {done}
        </p>
      )}
    </section>
  );
}
