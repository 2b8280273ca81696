/**
 * One received revision for the clerk: state and decision forms, the laptop that holds the visit,
 * findings, prescriptions, the signed report with its verification, photos, answers, the other
 * revisions, and the codes support asks for, folded away. Every value arrives in the clerk's words.
 */
import type { ReactElement } from 'react';
import type { RevisionRecord } from '../storage/store.ts';
import { LaptopSection, type LaptopSectionProps } from './Transfers.tsx';
import { OnlineRevocationCheck, Verification } from './Verification.tsx';
import { Table } from './Table.tsx';

export interface ReportVersion {
  href: string;
  name: string;
  size: string;
  /** «arrivata il …» or, without a time, with the revision. */
  arrivedAt?: string;
  verification: { kind: 'result'; result: unknown } | { kind: 'unavailable' } | { kind: 'error'; message: string };
  /** A version the office made (long-term validation, or a renewed document timestamp): the number of the version it came from. */
  madeByOffice?: { fromVersion: number | null };
  /** The revocation status just asked online for this version («Verifica lo stato di revoca online»); never stored. */
  online?: { kind: 'result'; checkedAt: string; result: unknown } | { kind: 'error'; message: string };
}

/** The office's long-term validation of one received version, in the clerk's words (office/long-term.ts). */
export interface LongTermNotice {
  version: number | null;
  kind: 'waiting' | 'failed';
  text: string;
}

export interface InspectionReviewProps {
  at: string;
  csrf: string;
  revision: number;
  purpose: string;
  inspectorName: string;
  receivedAt: string;
  status: string;
  audit: RevisionRecord['audit'];
  notes?: string | null;
  /** Why the visit was sealed without the commission the Scheda requires (the inspector's words). */
  commissionReason?: string;
  /** Where the visit took place and when («dalle 09:30 alle 12:15»), as the report's heading says; absent when not recorded. */
  place?: string;
  time?: string;
  /** The act at the Comune's protocol: only for a validated revision (its registrations, oldest first, and the form). */
  protocol?: ProtocolSectionProps;
  /** The decision forms: only while the revision is received or in validation. */
  decision?: { canTake: boolean; rejectionMax: number; rejection?: { note: string; error: string } };
  laptop: Omit<LaptopSectionProps, 'at' | 'csrf'>;
  /** Null when the file cannot be evaluated: `evaluationError` says why. */
  findings: Array<{ check: string; outcome: string; outcomeLabel: string; article: string; message: string }> | null;
  evaluationError?: string;
  /** This visit's prescriptions, each with what a later visit found (empty: not verified yet). */
  prescriptions: Array<{ check: string; text: string; deadline: string; verified?: string }>;
  /** The earlier visits' prescriptions this visit checked (the file's `verifications`, issue 14). */
  verifications?: Array<{
    visitDate: string;
    check: string;
    text: string;
    deadline: string;
    outcome: string;
    consequence: string;
    note: string;
  }>;
  /** What the territory calls them («prescrizioni», «diffide»). */
  prescriptionPlural?: string;
  /** In the order they arrived: the last is the current one. */
  reports: ReportVersion[];
  /** Received versions still waiting for, or failing, the office's long-term validation. */
  longTerm?: LongTermNotice[];
  photos: Array<{ href: string; name: string }>;
  answers: Array<{ section: string; check: string; answer: string; note: string }>;
  others: Array<{ href: string; revision: number; status: string; notes?: string | null }>;
  support: {
    inspectionId: string;
    contentHash: string;
    ruleSet?: string;
    attachments: Array<{ name: string; size: string; bytes: number; sha256: string }>;
    codes: Array<{ check: string; code: string }>;
  };
}

/** What the laptop's audit chain showed on arrival: a rewritten history is evidence for the clerk, not a refusal. */
export function AuditNotice({ audit }: { audit: RevisionRecord['audit'] }): ReactElement {
  if (!audit)
    return (
      <p className="na" data-testid="audit-chain">
        Registro delle modifiche del portatile: non inviato (versione precedente dell'applicazione).
      </p>
    );
  if (audit.status === 'riscritta')
    return (
      <p className="error" role="alert" data-testid="audit-chain">
        <strong>Attenzione: storia del portatile riscritta.</strong> Il registro delle modifiche inviato con questa revisione non prosegue
        quello ricevuto prima dallo stesso portatile ({audit.note ?? ''}). I dati sono conservati come ricevuti: verificarli con l'ispettore
        prima di validare.
      </p>
    );
  if (audit.status === 'non_collegata' && audit.note)
    return (
      <p className="error" role="alert" data-testid="audit-chain">
        <strong>Attenzione: registro del portatile non collegato.</strong> {audit.note}. Verificare con l'ispettore prima di validare.
      </p>
    );
  if (audit.status === 'non_collegata')
    return (
      <p className="warn" data-testid="audit-chain">
        Registro delle modifiche del portatile: integro, ma non collegabile a quanto ricevuto prima da questo portatile.
      </p>
    );
  return (
    <p className="pass" data-testid="audit-chain">
      Registro delle modifiche del portatile: integro e coerente con quanto ricevuto prima.
    </p>
  );
}

function Decision({ at, csrf, decision }: { at: string; csrf: string; decision: NonNullable<InspectionReviewProps['decision']> }) {
  const csrfField = <input type="hidden" name="_csrf" value={csrf} />;
  const { rejection } = decision;
  return (
    <section aria-labelledby="decisione-titolo">
      <h2 id="decisione-titolo">Decisione</h2>
      {decision.canTake ? (
        <form method="post" action={`${at}/prendi`} className="inline">
          {csrfField}
          <button>Prendi in validazione</button>
        </form>
      ) : null}{' '}
      <form method="post" action={`${at}/valida`} className="inline">
        {csrfField}
        <button>Valida</button>
      </form>
      <form method="post" action={`${at}/respingi`} noValidate>
        {csrfField}
        <label htmlFor="note-respingi">Note di correzione per l'ispettore</label>
        {rejection ? (
          <p className="error" id="note-respingi-errore">
            {rejection.error}
          </p>
        ) : null}
        <textarea
          id="note-respingi"
          name="note"
          maxLength={decision.rejectionMax}
          defaultValue={rejection?.note ?? ''}
          aria-invalid={rejection ? true : undefined}
          aria-describedby={rejection ? 'note-respingi-errore' : undefined}
          autoFocus={Boolean(rejection)}
        />
        <button>Respingi con note</button>
      </form>
    </section>
  );
}

export interface ProtocolSectionProps {
  registrations: Array<{ number: string; date: string; clerkName: string; registeredAt: string }>;
  numberMax: number;
  /** The form as the clerk sent it, with the server's reason on the field it names. */
  form?: { number: string; date: string; error: string; field: 'numero' | 'data' };
}

/** «Protocollo»: the act's number and date at the Comune's protocol (kept by the office, outside the signed PDF), and the form. */
function ProtocolSection({ at, csrf, p }: { at: string; csrf: string; p: ProtocolSectionProps }) {
  const latest = p.registrations.at(-1);
  const history = [...p.registrations].reverse();
  const field = (name: 'numero' | 'data') =>
    p.form?.field === name ? { 'aria-invalid': true as const, 'aria-describedby': 'protocollo-errore', autoFocus: true } : {};
  return (
    <section aria-labelledby="protocollo-titolo">
      <h2 id="protocollo-titolo">Protocollo</h2>
      {latest ? (
        <p data-testid="protocollo">
          <strong>
            Protocollo n. {latest.number} del {latest.date}
          </strong>{' '}
          (registrato da {latest.clerkName} il {latest.registeredAt})
        </p>
      ) : (
        <p data-testid="protocollo">Atto non ancora registrato a protocollo.</p>
      )}
      {p.registrations.length > 1 ? (
        <>
          <h3>Registrazioni precedenti (corrette)</h3>
          <Table
            head={['Numero', 'Data', 'Registrato da', 'Il']}
            rows={history.slice(1)}
            cells={(g) => [g.number, g.date, g.clerkName, g.registeredAt]}
          />
        </>
      ) : null}
      <form method="post" action={`${at}/protocollo`} noValidate>
        <input type="hidden" name="_csrf" value={csrf} />
        {p.form ? (
          <p className="error" id="protocollo-errore" role="alert">
            {p.form.error}
          </p>
        ) : null}
        <label htmlFor="protocollo-numero">Numero di protocollo</label>
        <input
          id="protocollo-numero"
          name="numero"
          maxLength={p.numberMax}
          defaultValue={p.form?.number ?? ''}
          autoComplete="off"
          {...field('numero')}
        />
        <label htmlFor="protocollo-data">Data del protocollo (gg/mm/aaaa)</label>
        <input
          id="protocollo-data"
          name="data"
          inputMode="numeric"
          defaultValue={p.form?.date ?? ''}
          autoComplete="off"
          {...field('data')}
        />
        <p>
          <button>{latest ? 'Correggi la registrazione a protocollo' : 'Registra a protocollo'}</button>
        </p>
      </form>
      <p className="na">Numero e data restano nei dati dell'ufficio e negli elenchi esportati: il verbale firmato non cambia.</p>
    </section>
  );
}

function Report({ report, index, at, csrf }: { report: ReportVersion; index: number; at: string; csrf: string }) {
  const v = report.verification;
  const signed =
    v.kind === 'result' &&
    Array.isArray((v.result as { signatures?: unknown[] })?.signatures) &&
    !!(v.result as { signatures: unknown[] }).signatures.length;
  const online = report.online;
  return (
    <li data-testid="report-version" id={`verbale-${index + 1}`}>
      <strong>Versione {index + 1}</strong>
      {report.madeByOffice
        ? ` · fatta dall'ufficio il ${report.arrivedAt ?? '—'}, validazione a lungo termine${
            report.madeByOffice.fromVersion ? ` della versione ${report.madeByOffice.fromVersion}` : ''
          } (fa fede la versione ricevuta dal portatile)`
        : report.arrivedAt
          ? ` · arrivata il ${report.arrivedAt}`
          : ' · arrivata con la revisione'}
      :{' '}
      <a href={report.href} target="_blank" rel="noopener">
        {report.name}
        <span className="sr-only"> (si apre in una nuova scheda)</span>
      </a>{' '}
      ({report.size})
      <br />
      {v.kind === 'result' ? (
        <Verification result={v.result} />
      ) : v.kind === 'unavailable' ? (
        <em>
          Verifica della firma non disponibile in questa versione del server: confrontare lo SHA-256 (nei «Dati per l'assistenza» in fondo
          alla pagina) con quello del portatile.
        </em>
      ) : (
        <span className="fail">Verifica non riuscita: {v.message}</span>
      )}
      {signed ? (
        <form method="post" action={`${at}/revoca-online#verbale-${index + 1}`}>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="versione" value={index + 1} />
          <button>Verifica lo stato di revoca online</button>
        </form>
      ) : null}
      {online?.kind === 'result' ? <OnlineRevocationCheck checkedAt={online.checkedAt} result={online.result} /> : null}
      {online?.kind === 'error' ? (
        <p className="fail" role="status" data-testid="online-revocation">
          Verifica in linea non riuscita: {online.message}
        </p>
      ) : null}
    </li>
  );
}

function SupportDetails({ revision, support }: { revision: number; support: InspectionReviewProps['support'] }) {
  return (
    <details className="support">
      <summary>Dati per l'assistenza</summary>
      <dl className="summary">
        <dt>Codice ispezione</dt>
        <dd>
          <code>{support.inspectionId}</code>
        </dd>
        <dt>Revisione</dt>
        <dd>{revision}</dd>
        <dt>Impronta del contenuto (SHA-256)</dt>
        <dd>
          <code>{support.contentHash}</code>
        </dd>
        {support.ruleSet ? (
          <>
            <dt>Set di regole</dt>
            <dd>
              <code>{support.ruleSet}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {support.attachments.length ? (
        <>
          <h3>Allegati</h3>
          <Table
            head={['File', 'Dimensione', 'SHA-256']}
            rows={support.attachments}
            cells={(a) => [a.name, `${a.size} (${a.bytes} byte)`, <code>{a.sha256}</code>]}
          />
        </>
      ) : null}
      {support.codes.length ? (
        <>
          <h3>Codici dei controlli</h3>
          <Table
            head={['Controllo', 'Codice']}
            rows={support.codes}
            rowKey={(c) => c.code}
            cells={(c) => [c.check, <code>{c.code}</code>]}
          />
        </>
      ) : null}
    </details>
  );
}

export function InspectionReview(p: InspectionReviewProps): ReactElement {
  const current = p.reports.at(-1);
  const earlier = p.reports.slice(0, -1).map((r, i) => ({ r, i }));
  earlier.reverse();
  return (
    <>
      <p>
        Revisione {p.revision} · {p.purpose} · inviata da {p.inspectorName} il {p.receivedAt} · stato: <strong>{p.status}</strong>
      </p>
      {p.place || p.time ? (
        <p data-testid="visit-place-time">
          {p.place ? (
            <>
              Luogo: <strong>{p.place}</strong>
            </>
          ) : null}
          {p.place && p.time ? ' · ' : null}
          {p.time ? (
            <>
              Ora: <strong>{p.time}</strong>
            </>
          ) : null}
        </p>
      ) : null}
      <AuditNotice audit={p.audit} />
      {p.commissionReason ? (
        <p className="flash" data-testid="commission-reason">
          <strong>Sigillata senza la commissione completa.</strong> Motivo: {p.commissionReason}
        </p>
      ) : null}
      {p.notes ? <p className="flash">Note dell'ufficio: {p.notes}</p> : null}
      {p.decision ? <Decision at={p.at} csrf={p.csrf} decision={p.decision} /> : null}
      {p.protocol ? <ProtocolSection at={p.at} csrf={p.csrf} p={p.protocol} /> : null}
      <LaptopSection at={p.at} csrf={p.csrf} {...p.laptop} />
      <h2>Rilievi</h2>
      {p.findings ? (
        <Table
          head={['Controllo', 'Esito', 'Articolo', 'Dettaglio']}
          rows={p.findings}
          cells={(f) => [f.check, { className: f.outcome, content: f.outcomeLabel }, f.article, f.message]}
        />
      ) : (
        <p className="error">Impossibile valutare il file: {p.evaluationError}</p>
      )}
      <h2>Prescrizioni</h2>
      {p.prescriptions.length ? (
        <Table
          head={['Rilievo', 'Prescrizione', 'Scadenza', 'Verifica']}
          rows={p.prescriptions}
          cells={(x) => [x.check, x.text, x.deadline, x.verified ?? '']}
        />
      ) : (
        <p>Nessuna.</p>
      )}
      {p.verifications?.length ? (
        <>
          <h2>Verifica delle {p.prescriptionPlural ?? 'prescrizioni'}</h2>
          <Table
            head={['Visita', 'Rilievo', 'Testo', 'Scadenza', 'Esito', 'Conseguenza', 'Nota']}
            rows={p.verifications}
            cells={(v) => [
              v.visitDate,
              v.check,
              v.text,
              v.deadline,
              { className: v.consequence ? 'fail' : 'pass', content: v.outcome },
              v.consequence,
              v.note,
            ]}
          />
        </>
      ) : null}
      <h2>Verbale firmato</h2>
      {current ? (
        <ul>
          <Report report={current} index={p.reports.length - 1} at={p.at} csrf={p.csrf} />
        </ul>
      ) : (
        <p>Nessun PDF allegato.</p>
      )}
      {(p.longTerm ?? []).map((n, i) => (
        <p key={i} className={n.kind === 'failed' ? 'warn' : undefined} data-testid="long-term-notice">
          {n.version ? `Versione ${n.version}: ` : ''}
          {n.text}
        </p>
      ))}
      {earlier.length ? (
        <>
          <h3>Versioni precedenti del verbale</h3>
          <ul>
            {earlier.map(({ r, i }) => (
              <Report key={i} report={r} index={i} at={p.at} csrf={p.csrf} />
            ))}
          </ul>
        </>
      ) : null}
      <h2>Fotografie ({p.photos.length})</h2>
      <div className="photos">
        {/* The laptop sends no caption: the alt says which photo it is and where the link goes (checked by hand, axe cannot). */}
        {p.photos.map((x, i) => (
          <a key={i} href={x.href} target="_blank" rel="noopener">
            <img src={x.href} alt={`Fotografia ${i + 1} di ${p.photos.length} (${x.name}), si apre in una nuova scheda`} title={x.name} />
          </a>
        ))}
      </div>
      <h2>Risposte</h2>
      {p.answers.length ? (
        <Table head={['Sezione', 'Requisito', 'Risposta', 'Nota']} rows={p.answers} cells={(a) => [a.section, a.check, a.answer, a.note]} />
      ) : (
        <p>Nessuna risposta registrata.</p>
      )}
      {p.others.length ? (
        <>
          <h2>Altre revisioni</h2>
          <ul>
            {p.others.map((o) => (
              <li key={o.revision}>
                <a href={o.href}>Revisione {o.revision}</a> — {o.status}
                {o.notes ? ` — note: ${o.notes}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <SupportDetails revision={p.revision} support={p.support} />
    </>
  );
}
