import { useRef, useState } from 'react';
import type { Output, Signature } from '../../shared/api/contract.ts';
import { commissionGaps } from '../../shared/checklist/commission.ts';
import { displayText, signatoryTitle } from '../../shared/checklist/display.ts';
import { findingText } from '../../shared/rules/index.ts';
import { usePrescriptionWords } from '../app/info.tsx';
import { useApiMutation, useApiQuery } from '../api/queries.ts';
import { href } from '../app/router.ts';
import { italianDateTime } from '../ui/format.ts';
import { Link } from 'react-router';
import { Dialog } from '../ui/Dialog.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { ErrorBox } from '../ui/Status.tsx';
import { unanswered, useInspection, useLiveCheck, usePrescriptions, useVisibleItems, useVisit } from './context.tsx';
import { useDraft, useDrafts } from './drafts.tsx';
import { FirmaPad, type Stroke } from './FirmaPad.tsx';
import { findingPlace } from './model.ts';
import { summaryText } from './PannelloRilievi.tsx';
import { Rilievo } from './Rilievo.tsx';

type SignatoryId = Signature['signatory'];

/** "il referente del Comune e il Pedagogista Comunale": who the Scheda's commission is. */
function requiredWho(signatories: ReadonlyArray<{ label: string; commission?: boolean | undefined }>): string {
  const names = signatories
    .filter((s) => s.commission)
    .map((s) => `il ${s.label.replace(/^Firma del(la)?\s+/i, '').replace(/\s+di$/, '')}`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} e ${names[names.length - 1]}` : (names[0] ?? '');
}

const clip = (text: string) => (text.length > 110 ? `${text.slice(0, 107)}…` : text);

interface ToDo {
  key: string;
  /** An item id or a rule id: `goToItem` opens its place. */
  target: string;
  label: string;
  text: string;
}

/**
 * What is left before sealing — non-conformities without a prescription, unanswered items —
 * grouped by the editor's parts in the navigator's order, each one click from its place.
 */
function ToDoList({ groups, goToItem }: { groups: Array<{ tab: string; title: string; todos: ToDo[] }>; goToItem: (id: string) => void }) {
  return (
    <div className="todo-groups">
      {groups.map((g) => (
        <section key={g.tab} aria-labelledby={`cv-todo-${g.tab}`} className="todo-group" data-todo-group={g.tab}>
          <h4 id={`cv-todo-${g.tab}`}>{g.title}</h4>
          <ul className="missing-list">
            {g.todos.map((t) => (
              <li key={t.key} data-todo={t.key}>
                <button type="button" className="button-link" onClick={() => goToItem(t.target)}>
                  <span className="todo-kind">{t.label}:</span> {clip(t.text)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
type Draft = Record<SignatoryId, { name: string; strokes: Stroke[] }>;

/** End of the visit: what was found, what is still unanswered, signatures, then sealing. */
export function ChiudiVisita({ headingId, onSealed }: { headingId: string; onSealed: (r: Output<'inspections.seal'>) => void }) {
  const { checklist, service, autosaver, detail, goToItem, readOnly } = useInspection();
  const { members, visit } = useVisit();
  const prescriptions = usePrescriptions();
  const words = usePrescriptionWords();
  const present = visit.memberIds.map((id) => members.find((m) => m.id === id)).filter((m) => m !== undefined);
  const { result, values } = useLiveCheck();
  const items = useVisibleItems();
  const missing = unanswered(items, values);
  const fails = result.findings.filter((f) => f.outcome === 'fail');
  const warns = result.findings.filter((f) => f.outcome === 'warn');
  const withoutPrescription = fails.filter((f) => !prescriptions.some((p) => p.rule === f.rule));
  const todoGroups = (() => {
    const order = ['visita', ...checklist.sections.map((x) => x.id as string), 'personale'];
    const title = (tab: string) => {
      if (tab === 'visita') return 'Dati della visita';
      if (tab === 'personale') return 'Personale presente';
      const section = checklist.sections.find((x) => x.id === tab);
      return tab === 'ACC' ? 'Accreditamento' : `Sezione ${tab}${section ? `. ${section.title}` : ''}`;
    };
    const byTab = new Map<string, ToDo[]>();
    const add = (tab: string, todo: ToDo) => byTab.set(tab, [...(byTab.get(tab) ?? []), todo]);
    for (const f of withoutPrescription)
      add(findingPlace(checklist, f.rule).tab, {
        key: `nc:${f.rule}`,
        target: f.rule,
        label: `Non conformità senza ${words.singular}`,
        // The label already says it: no "Non conformità …: Non conforme: …".
        text: findingText(f),
      });
    for (const item of missing)
      add(item.section, { key: `voce:${item.id}`, target: item.id, label: 'Senza risposta', text: displayText(item.text) });
    return order.filter((tab) => byTab.has(tab)).map((tab) => ({ tab, title: title(tab), todos: byTab.get(tab)! }));
  })();
  // Names and strokes are durable drafts until sealing (leaving the section or a crash keeps them).
  const drafts = useDrafts();
  const emptyDraft = (id: SignatoryId) => ({
    kind: 'signatory' as const,
    name: id === 'referente_servizio' ? service.referente : '',
    strokes: [],
  });
  const [draft, setDraftState] = useState<Draft>(() => {
    const start = (id: SignatoryId) => {
      const kept = drafts?.get(`firma:${id}`, 'signatory');
      return { name: kept?.name ?? emptyDraft(id).name, strokes: (kept?.strokes as Stroke[] | undefined) ?? [] };
    };
    return {
      referente_comune: start('referente_comune'),
      pedagogista: start('pedagogista'),
      referente_servizio: start('referente_servizio'),
    };
  });
  const latestDraft = useRef(draft);
  function changeSignatory(id: SignatoryId, change: Partial<Draft[SignatoryId]>) {
    const next = { ...latestDraft.current[id], ...change };
    latestDraft.current = { ...latestDraft.current, [id]: next };
    setDraftState(latestDraft.current);
    drafts?.put(`firma:${id}`, { kind: 'signatory', ...next }, emptyDraft(id));
  }
  const [nameErrors, setNameErrors] = useState<Partial<Record<SignatoryId, string>>>({});
  // The commission the Scheda requires, from the checklist's data: present, and signing here.
  // A durable draft like the signatories: leaving the section or a crash keeps it.
  const [{ reason }, changeReason] = useDraft('commissione:motivo', { kind: 'commission', reason: '' });
  const [reasonError, setReasonError] = useState<string | null>(null);
  const signedNow = checklist.signatories.flatMap((s) =>
    draft[s.id].strokes.length && draft[s.id].name.trim() ? [{ signatory: s.id, name: draft[s.id].name }] : [],
  );
  const gaps = readOnly ? [] : commissionGaps(checklist, present, signedNow, service.comune);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Whether a signing key is imported decides between "Sigilla" and "Sigilla e firma".
  const [signingLoad] = useApiQuery('signing.status', {}, { enabled: !readOnly });
  const signing = signingLoad.status === 'ready' ? signingLoad.value : null;
  const sealMutation = useApiMutation('inspections.seal');
  const [passphrase, setPassphrase] = useState('');
  const [passphraseError, setPassphraseError] = useState<string | null>(null);
  // A chosen signing device (smart card, token) signs instead of the imported key: its PIN is asked.
  const signingKey =
    signing?.device && !signing.device.expired
      ? { commonName: signing.device.holder, validUntil: signing.device.validUntil, device: true }
      : signing?.key && !signing.key.expired
        ? { commonName: signing.key.commonName, validUntil: signing.key.validUntil, device: false }
        : null;
  const secretName = signingKey?.device ? 'il PIN del dispositivo di firma' : 'la passphrase della chiave di firma';

  // The title follows the signer's role among the members present, as the PDF prints it.
  const signatoryLabel = (signatory: { id: SignatoryId; label: string }, name: string | undefined) =>
    signatoryTitle(signatory, name, present, service.comune);

  function check(): Signature[] | null {
    const errors: Partial<Record<SignatoryId, string>> = {};
    const out: Signature[] = [];
    for (const s of checklist.signatories) {
      const d = draft[s.id];
      if (!d.strokes.length) continue;
      if (!d.name.trim()) errors[s.id] = 'indicare il nome di chi firma';
      else out.push({ signatory: s.id, name: d.name.trim(), strokes: d.strokes });
    }
    setNameErrors(errors);
    if (Object.keys(errors).length) return null;
    if (gaps.length && !reason.trim()) {
      setReasonError('indicare il motivo per sigillare senza la commissione completa (resta nel verbale)');
      document.getElementById('cv-commission-reason')?.focus();
      return null;
    }
    setReasonError(null);
    return out;
  }

  function closeDialog() {
    setConfirming(false);
    setPassphrase('');
    setPassphraseError(null);
  }

  async function seal() {
    const signatures = check();
    if (!signatures) {
      setConfirming(false);
      return;
    }
    if (signingKey && !passphrase) {
      setPassphraseError(`inserire ${secretName}`);
      return;
    }
    setBusy(true);
    setError(null);
    setPassphraseError(null);
    const saved = await autosaver.flush();
    if (!saved) {
      setBusy(false);
      setConfirming(false);
      // The reason too: «Disco pieno: …» tells the inspector what to do before sealing.
      const state = autosaver.getState();
      setError(
        `Alcune modifiche non sono state salvate: riprovare il salvataggio prima di chiudere la visita.${state.kind === 'error' ? ` ${state.message}` : ''}`,
      );
      return;
    }
    const commissionReason = gaps.length ? { commissionReason: reason.trim() } : {};
    const r = await sealMutation.mutateAsync(
      signingKey?.device
        ? { id: detail.id, signatures, pin: passphrase, ...commissionReason }
        : signingKey
          ? { id: detail.id, signatures, passphrase, ...commissionReason }
          : { id: detail.id, signatures, ...commissionReason },
    );
    // Used once: the passphrase or PIN does not stay in the page.
    setPassphrase('');
    setBusy(false);
    // A wrong or locked PIN, a card not inserted: said in the dialog, which stays open to retry
    // (the visit is still a draft).
    if (!r.ok && ['passphrase', 'pin', 'token', 'certificate', 'device', 'modulePath'].includes(r.error.field ?? '')) {
      setPassphraseError(r.error.message);
      return;
    }
    setConfirming(false);
    if (!r.ok && r.error.field === 'commissionReason') setReasonError(r.error.message);
    else if (!r.ok) setError(r.error.message);
    else onSealed(r.value);
  }

  return (
    <section aria-labelledby={headingId} className="chiudi-visita">
      <h2 id={headingId} tabIndex={-1}>
        Chiudi visita
      </h2>
      <p className="summary-line">{summaryText(result.findings)}</p>

      <section aria-labelledby="cv-fail" className="block">
        <h3 id="cv-fail">Non conformità ({fails.length})</h3>
        {fails.length ? (
          <ul className="rilievi">
            {fails.map((f) => (
              <Rilievo key={f.rule} finding={f} />
            ))}
          </ul>
        ) : (
          <p className="empty">Nessuna.</p>
        )}
        {withoutPrescription.length > 0 && (
          <p className="notice">
            {withoutPrescription.length === 1 ? '1 non conformità è' : `${withoutPrescription.length} non conformità sono`} senza{' '}
            {words.singular}
            {/* A sealed visit is final: only a draft can still take prescriptions. */}
            {readOnly ? '.' : `: si possono aggiungere nella scheda «${words.Plural}».`}
          </p>
        )}
      </section>
      <section aria-labelledby="cv-warn" className="block">
        <h3 id="cv-warn">Attenzioni ({warns.length})</h3>
        {warns.length ? (
          <ul className="rilievi">
            {warns.map((f) => (
              <Rilievo key={f.rule} finding={f} />
            ))}
          </ul>
        ) : (
          <p className="empty">Nessuna.</p>
        )}
      </section>
      <section aria-labelledby="cv-missing" className="block">
        <h3 id="cv-missing">
          {readOnly ? 'Rimasti aperti alla chiusura' : 'Da completare prima di sigillare'} ({withoutPrescription.length + missing.length})
        </h3>
        <p className="sub">
          {withoutPrescription.length === 1 ? '1 non conformità' : `${withoutPrescription.length} non conformità`} senza {words.singular} ·{' '}
          {missing.length === 1 ? '1 voce' : `${missing.length} voci`} senza risposta
        </p>
        {todoGroups.length > 0 && !readOnly && (
          // Dozens of entries may stand between Tab and the signatures: one stop jumps over them.
          <p>
            <button type="button" className="button-link" onClick={() => document.getElementById('cv-firme')?.focus()}>
              Salta alle firme
            </button>
          </p>
        )}
        {todoGroups.length ? (
          <ToDoList groups={todoGroups} goToItem={goToItem} />
        ) : (
          <p className="empty">Ogni non conformità ha la sua {words.singular} e tutte le voci applicabili hanno una risposta.</p>
        )}
      </section>

      {!readOnly && (
        <>
          <section aria-labelledby="cv-commissione" className="block">
            <h3 id="cv-commissione">Commissione presente</h3>
            {present.length ? (
              <ul>
                {present.map((m) => (
                  <li key={m.id}>
                    <strong>{m.name}</strong> — {m.role}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">Nessun componente indicato nei dati della visita.</p>
            )}
          </section>
          <section aria-labelledby="cv-firme" className="block">
            <h3 id="cv-firme" tabIndex={-1}>
              Firme
            </h3>
            <div className="firme">
              {checklist.signatories.map((s) => {
                const d = draft[s.id];
                const label = signatoryLabel(s, d.name);
                return (
                  <div key={s.id} className="firma" role="group" aria-labelledby={`firma-${s.id}-title`}>
                    <h4 id={`firma-${s.id}-title`}>{label}</h4>
                    <div className="field">
                      <label htmlFor={`firma-${s.id}-name`}>Nome e cognome</label>
                      <input
                        id={`firma-${s.id}-name`}
                        value={d.name}
                        list={s.id === 'referente_servizio' ? undefined : 'cv-membri-presenti'}
                        onChange={(e) => changeSignatory(s.id, { name: e.target.value })}
                        aria-invalid={Boolean(nameErrors[s.id])}
                        aria-describedby={`firma-${s.id}-err`}
                      />
                      <FieldError id={`firma-${s.id}-err`} error={nameErrors[s.id] ? { message: nameErrors[s.id] } : undefined} />
                    </div>
                    <FirmaPad
                      label={label}
                      strokes={d.strokes}
                      onChange={(strokes) => changeSignatory(s.id, { strokes })}
                      required={Boolean(s.commission)}
                    />
                  </div>
                );
              })}
            </div>
            <datalist id="cv-membri-presenti">
              {present.map((m) => (
                <option key={m.id} value={m.name} />
              ))}
            </datalist>
          </section>
          <section aria-labelledby="cv-commissione-scheda" className="block" data-commission={gaps.length ? 'incompleta' : 'completa'}>
            <h3 id="cv-commissione-scheda">Commissione richiesta dalla Scheda</h3>
            {gaps.length ? (
              <>
                <p className="notice">La Scheda chiede che {requiredWho(checklist.signatories)} siano presenti e firmino. Per ora:</p>
                <ul className="commission-gaps">
                  {gaps.map((g) => (
                    <li key={g.signatory}>{g.message.charAt(0).toLocaleUpperCase('it') + g.message.slice(1)}</li>
                  ))}
                </ul>
                <div className="field">
                  <label htmlFor="cv-commission-reason">Motivo per sigillare senza la commissione completa</label>
                  <textarea
                    id="cv-commission-reason"
                    rows={2}
                    value={reason}
                    onChange={(e) => changeReason({ reason: e.target.value })}
                    aria-invalid={Boolean(reasonError)}
                    aria-describedby="cv-commission-reason-hint cv-commission-reason-err"
                  />
                  <p id="cv-commission-reason-hint" className="hint">
                    Obbligatorio in questo caso: resta nel verbale sigillato.
                  </p>
                  <FieldError id="cv-commission-reason-err" error={reasonError ? { message: reasonError } : undefined} />
                </div>
              </>
            ) : (
              <p>Presenti e firmati: {requiredWho(checklist.signatories)}.</p>
            )}
          </section>
          {error && <ErrorBox message={error} />}
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => check() && setConfirming(true)}>
              Chiudi e sigilla la visita
            </button>
          </div>
          {signing && (
            <p className={signingKey ? 'hint' : 'notice'} data-firma-digitale={signingKey ? 'si' : 'no'}>
              {signingKey ? (
                <>
                  Il verbale PDF sarà firmato digitalmente (PAdES) con {signingKey.device ? 'il dispositivo di firma' : 'la chiave'} di{' '}
                  <strong>{signingKey.commonName}</strong>, {signingKey.device ? 'con certificato valido' : 'valida'} fino al{' '}
                  {italianDateTime(signingKey.validUntil)}
                  {signing.tsaUrl ? ', con marca temporale se il servizio è raggiungibile' : ''}.
                </>
              ) : (
                <>
                  {signing.key?.expired ? 'Il certificato della chiave di firma è scaduto: ' : 'Nessuna chiave di firma importata: '}
                  il verbale PDF sarà prodotto ma <strong>non firmato digitalmente</strong>.{' '}
                  <Link to={href({ page: 'signing' })}>Importa una chiave in «Firma digitale»</Link>
                </>
              )}
            </p>
          )}
          <Dialog title="Sigillare la visita?" open={confirming} onClose={closeDialog}>
            <p>
              Dopo la chiusura la scheda non si può più modificare: eventuali correzioni diventano una nuova revisione che rimanda a questa.
            </p>
            {missing.length > 0 && <p className="notice">Restano {missing.length} voci senza risposta.</p>}
            {signingKey ? (
              <div className="field">
                <label htmlFor="cv-passphrase">
                  {signingKey.device ? 'PIN del dispositivo di firma' : 'Passphrase della chiave'} di {signingKey.commonName}
                </label>
                <input
                  id="cv-passphrase"
                  type="password"
                  autoComplete="off"
                  value={passphrase}
                  onChange={(e) => setPassphrase(e.target.value)}
                  onKeyDown={(e) => e.key === 'Enter' && !busy && void seal()}
                  aria-invalid={Boolean(passphraseError)}
                  aria-describedby="cv-passphrase-err"
                  data-autofocus
                />
                <FieldError id="cv-passphrase-err" error={passphraseError ? { message: passphraseError } : undefined} />
              </div>
            ) : (
              <p className="notice">Il verbale PDF non sarà firmato digitalmente.</p>
            )}
            <div className="actions">
              <button type="button" className="button-primary" onClick={() => void seal()} disabled={busy}>
                {busy ? (signingKey ? 'Firma in corso…' : 'Chiusura…') : signingKey ? 'Sigilla e firma' : 'Sigilla'}
              </button>
              <button type="button" onClick={closeDialog} data-autofocus={signingKey ? undefined : true}>
                Annulla
              </button>
            </div>
          </Dialog>
        </>
      )}
      {readOnly && detail.signatures.length > 0 && (
        <section aria-labelledby="cv-firme-ro" className="block">
          <h3 id="cv-firme-ro">Firme</h3>
          <div className="firme">
            {detail.signatures.map((s) => {
              const label = signatoryLabel(
                checklist.signatories.find((x) => x.id === s.signatory) ?? { id: s.signatory, label: s.signatory },
                s.name,
              );
              return (
                <div key={s.signatory} className="firma">
                  <h4>{label}</h4>
                  <p>{s.name}</p>
                  <FirmaPad label={label} strokes={s.strokes as Stroke[]} readOnly />
                </div>
              );
            })}
          </div>
        </section>
      )}
    </section>
  );
}
