import { useState, type FormEvent } from 'react';
import type { DeviceCertificate, DeviceToken, SigningStatus } from '../../shared/api/contract.ts';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { Badge } from '../ui/Badge.tsx';
import { CertificateFacts } from './CertificateFacts.tsx';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { italianDateTime } from '../ui/format.ts';
import { ErrorBox } from '../ui/Status.tsx';

/** The chosen smart card or token: whose certificate, from whom, until when; removable. */
export function DispositivoAttuale({ status }: { status: SigningStatus }) {
  const device = status.device;
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const removeDevice = useApiMutation('signing.removeDevice');
  if (!device) return null;
  async function remove() {
    const r = await removeDevice.mutateAsync({});
    setConfirm(false);
    if (!r.ok) setError(r.error.message);
  }
  return (
    <section className="block" aria-labelledby="firma-dispositivo-attuale">
      <h2 id="firma-dispositivo-attuale">Dispositivo di firma scelto</h2>
      <CertificateFacts
        holder={device.holder}
        issuer={device.issuer}
        validUntil={device.validUntil}
        expired={device.expired}
        mark={{ 'data-signing-device': 'present' }}
      >
        <div>
          <dt>Dispositivo</dt>
          <dd>{device.token}</dd>
        </div>
      </CertificateFacts>
      <p className="hint">
        Il PIN si chiede a ogni firma e non viene mai salvato. Al sigillo la smart card o il token devono essere inseriti.
      </p>
      <div className="actions">
        <button type="button" className="button-danger" onClick={() => setConfirm(true)}>
          Non usare più il dispositivo
        </button>
      </div>
      <ConfirmDialog
        title="Non usare più il dispositivo di firma?"
        open={confirm}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void remove()}
        confirmLabel="Conferma"
      >
        <p>
          I verbali già firmati restano validi. Le prossime visite si firmano con la chiave importata, se c’è, o restano senza firma
          digitale.
        </p>
      </ConfirmDialog>
      {error && <ErrorBox message={error} />}
    </section>
  );
}

/**
 * Choosing a signing device: its PKCS#11 module (the ones found on this computer are suggested,
 * any path can be typed), the token present in the reader, and a certificate on it fit for
 * signing. No PIN here: reading certificates needs none, and the PIN is asked at every signature.
 */
export interface DeviceChoiceMade {
  modulePath: string;
  token: string;
  certificate: string;
  holder: string;
}

/**
 * With `onChosen`, the choice is kept for sealing (signing.setDevice); with `onChoice`, it is only
 * handed back (a co-signer's own card, used once and not kept).
 */
export function ScegliDispositivo({
  onChosen,
  onChoice,
  heading = 'Scegli il dispositivo di firma',
}: {
  onChosen?: (s: SigningStatus) => void;
  onChoice?: (c: DeviceChoiceMade) => void;
  heading?: string;
}) {
  const [modules] = useApiQuery('signing.deviceModules', {});
  const suggestions = modules.status === 'ready' ? modules.value : [];
  const [modulePath, setModulePath] = useState('');
  const [tokens, setTokens] = useState<DeviceToken[] | null>(null);
  const [token, setToken] = useState('');
  const [certs, setCerts] = useState<DeviceCertificate[] | null>(null);
  const [certificate, setCertificate] = useState('');
  const [errors, setErrors] = useState<{ modulePath?: string; token?: string; certificate?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const listTokens = useApiMutation('signing.deviceTokens');
  const listCerts = useApiMutation('signing.deviceCertificates');
  const setDevice = useApiMutation('signing.setDevice');

  const show = (e: { field?: string; message: string }) => {
    if (e.field === 'modulePath' || e.field === 'token' || e.field === 'certificate') setErrors({ [e.field]: e.message });
    else setError(e.message);
  };

  async function loadCertificates(path: string, label: string) {
    setCerts(null);
    setCertificate('');
    if (!label) return;
    setBusy(true);
    const r = await listCerts.mutateAsync({ modulePath: path, token: label });
    setBusy(false);
    if (!r.ok) return show(r.error);
    setCerts(r.value);
    const fit = r.value.filter((c) => c.fit);
    if (fit.length === 1) setCertificate(fit[0]!.fingerprint);
  }

  async function findTokens(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    setDone(null);
    setTokens(null);
    setCerts(null);
    if (!modulePath.trim()) return setErrors({ modulePath: 'indicare il modulo PKCS#11 del dispositivo (file .so, .dll o .dylib)' });
    setBusy(true);
    const r = await listTokens.mutateAsync({ modulePath: modulePath.trim() });
    setBusy(false);
    if (!r.ok) return show(r.error);
    setTokens(r.value);
    if (!r.value.length) return setErrors({ token: 'nessuna smart card o token inserito: inserirlo e cercare di nuovo' });
    const only = r.value.length === 1 ? r.value[0]!.label : '';
    setToken(only);
    if (only) await loadCertificates(modulePath.trim(), only);
  }

  async function choose() {
    setError(null);
    if (!certificate) return setErrors({ certificate: 'scegliere il certificato con cui firmare' });
    if (onChoice) {
      const c = certs?.find((x) => x.fingerprint === certificate);
      return onChoice({ modulePath: modulePath.trim(), token, certificate, holder: c?.holder ?? '' });
    }
    setBusy(true);
    const r = await setDevice.mutateAsync({ modulePath: modulePath.trim(), token, certificate });
    setBusy(false);
    if (!r.ok) return show(r.error);
    setDone(`Dispositivo di ${r.value.device?.holder ?? '—'} scelto per la firma.`);
    onChosen?.(r.value);
  }

  const chosenToken = tokens?.find((t) => t.label === token);
  return (
    <section className="block" aria-labelledby="firma-dispositivo">
      <h2 id="firma-dispositivo">{heading}</h2>
      <form onSubmit={(e) => void findTokens(e)} noValidate>
        <div className="field">
          <label htmlFor="firma-modulo">Modulo PKCS#11 del dispositivo</label>
          <input
            id="firma-modulo"
            list="firma-moduli-trovati"
            value={modulePath}
            placeholder={suggestions[0]?.path ?? '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so'}
            onChange={(e) => setModulePath(e.target.value)}
            aria-invalid={Boolean(errors.modulePath)}
            aria-describedby="firma-modulo-hint firma-modulo-err"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id="firma-moduli-trovati">
            {suggestions.map((m) => (
              <option key={m.path} value={m.path}>
                {m.name}
              </option>
            ))}
          </datalist>
          <span id="firma-modulo-hint" className="hint">
            {suggestions.length
              ? `Trovati su questo computer: ${suggestions.map((m) => m.name).join(', ')}. Si può indicare qualunque altro percorso.`
              : 'Nessun modulo noto trovato (OpenSC, Bit4id, Athena, SoftHSM): indicare il percorso del modulo del fornitore della carta.'}
          </span>
          <FieldError id="firma-modulo-err" error={errors.modulePath ? { message: errors.modulePath } : undefined} />
          {suggestions.length > 0 && (
            <div className="actions">
              {suggestions.map((m) => (
                <button key={m.path} type="button" className="button-quiet" onClick={() => setModulePath(m.path)}>
                  Usa {m.name}
                </button>
              ))}
            </div>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy && !tokens ? 'Ricerca…' : 'Cerca i dispositivi inseriti'}
          </button>
        </div>
      </form>

      {tokens && tokens.length > 0 && (
        <div className="field">
          <label htmlFor="firma-token">Dispositivo</label>
          <select
            id="firma-token"
            value={token}
            onChange={(e) => {
              setToken(e.target.value);
              void loadCertificates(modulePath.trim(), e.target.value);
            }}
            aria-invalid={Boolean(errors.token)}
            aria-describedby="firma-token-err"
          >
            {tokens.length > 1 && <option value="">— scegliere —</option>}
            {tokens.map((t) => (
              <option key={`${t.label}-${t.serialNumber}`} value={t.label}>
                {t.label} · {t.manufacturer} {t.model}
              </option>
            ))}
          </select>
          {chosenToken?.pinLocked && (
            <p className="notice">Il PIN di questo dispositivo è bloccato: sbloccarlo con il PUK prima di firmare.</p>
          )}
          {!chosenToken?.pinLocked && (chosenToken?.pinFinalTry || chosenToken?.pinCountLow) && (
            <p className="notice">
              {chosenToken.pinFinalTry
                ? 'Il dispositivo segnala un solo tentativo di PIN rimasto.'
                : 'Il dispositivo segnala che restano pochi tentativi di PIN.'}
            </p>
          )}
        </div>
      )}
      <FieldError id="firma-token-err" error={errors.token ? { message: errors.token } : undefined} />

      {certs && (
        <fieldset className="field" aria-describedby="firma-cert-err">
          <legend>Certificato di firma</legend>
          {certs.length === 0 && <p className="empty">Nessun certificato sul dispositivo.</p>}
          {certs.map((c) => (
            <label key={c.fingerprint} className="choice" data-certificate-fit={c.fit ? 'si' : 'no'}>
              <input
                type="radio"
                name="firma-cert"
                value={c.fingerprint}
                checked={certificate === c.fingerprint}
                disabled={!c.fit}
                onChange={() => setCertificate(c.fingerprint)}
              />{' '}
              <strong>{c.holder}</strong> <span className="sub">emesso da {c.issuer}</span>{' '}
              <span className="sub">chiave {c.keyType === 'ec' ? 'EC' : c.keyType === 'rsa' ? 'RSA' : 'di altro tipo'}</span>{' '}
              <span className="sub">valido fino al {italianDateTime(c.notAfter)}</span>
              {!c.fit && <span className="sub"> — non utilizzabile: {c.unfitReason}</span>}
            </label>
          ))}
          <FieldError id="firma-cert-err" error={errors.certificate ? { message: errors.certificate } : undefined} />
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => void choose()} disabled={busy || !certs.some((c) => c.fit)}>
              Usa questo certificato
            </button>
          </div>
        </fieldset>
      )}
      {error && <ErrorBox message={error} />}
      {done && (
        <p role="status" className="save-saved">
          {done}
        </p>
      )}
    </section>
  );
}
