/**
 * «Pianificazione»: the visits proposed for a period (not saved until a click), the visits planned,
 * a form to add one, and the confirmation that lists a visit's conflicts before it is saved.
 */
import type { ReactElement } from 'react';
import { formatItalianDate } from '../../shared/dates.ts';
import {
  PERSON_ROLE_LABELS,
  PLAN_REASONS,
  PLAN_REASON_LABELS,
  PURPOSES,
  PURPOSE_LABELS,
  type PlanReason,
  type Purpose,
} from '../../shared/domain.ts';
import { PLAN_STATUS_LABELS, type Conflict, type FollowUpOf, type Person, type PlanStatus } from '../../shared/planning.ts';
import { inspectionHref } from './context.ts';

/** A visit as the page shows it: saved (with id and status) or proposed. */
export interface VisitView {
  id?: string;
  serviceId: string;
  serviceName: string;
  comune: string;
  purpose: Purpose;
  reason: PlanReason;
  status?: PlanStatus;
  date: string;
  startTime: string;
  endTime: string;
  members: Person[];
  conflicts: Conflict[];
  demo?: boolean;
  /** The received visit that fulfilled it (office migration 13): shown as «svolta», with its review. */
  fulfilledBy?: { inspectionId: string; revision: number; how: 'plan' | 'matched' } | null;
  /** A follow-up's origin (kept through accept / move) and its words: «verifica delle prescrizioni della visita del …». */
  followUpOf?: FollowUpOf | null;
  origin?: string | null;
}

/** The fields a visit is saved with (hidden in the one-click forms). */
export type VisitFields = Record<string, string>;

export const visitFields = (v: VisitView, status: PlanStatus): VisitFields => ({
  ...(v.id ? { id: v.id } : {}),
  serviceId: v.serviceId,
  purpose: v.purpose,
  reason: v.reason,
  stato: status,
  data: formatItalianDate(v.date),
  dalle: v.startTime,
  alle: v.endTime,
  membri: v.members.map((m) => m.id).join(','),
  ...(v.followUpOf ? { origine: JSON.stringify(v.followUpOf) } : {}),
});

/** The fields but the date: the «Sposta» form types a new one. */
function withoutDate(fields: VisitFields): VisitFields {
  const rest = { ...fields };
  delete rest.data;
  return rest;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const memberText = (p: Person) => `${p.name} (${lowerFirst(PERSON_ROLE_LABELS[p.role])}${p.comune ? `, ${p.comune}` : ''})`;

function Hidden({ fields }: { fields: VisitFields }): ReactElement {
  return (
    <>
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

interface Period {
  from: string;
  to: string;
}
const periodFields = (p: Period): VisitFields => ({ dal: formatItalianDate(p.from), al: formatItalianDate(p.to) });

function VisitItem({ v, csrf, period, n }: { v: VisitView; csrf: string; period: Period; n: string }): ReactElement {
  const saved = v.id !== undefined;
  const one = (label: string, status: PlanStatus) => (
    <form
      method="post"
      action={saved ? `/pianificazione/visite/${encodeURIComponent(v.id!)}/stato` : '/pianificazione/visite'}
      className="inline"
    >
      <input type="hidden" name="_csrf" value={csrf} />
      <Hidden fields={{ ...periodFields(period), ...(saved ? { stato: status } : visitFields(v, status)) }} />
      <button aria-label={`${label}: ${v.serviceName}, ${formatItalianDate(v.date)}`}>{label}</button>
    </form>
  );
  return (
    <li>
      <p>
        <strong>
          {formatItalianDate(v.date)} {v.startTime}–{v.endTime} · {v.serviceName} ({v.comune})
        </strong>
        {v.demo ? ' · DEMO' : null}
        <br />
        {PURPOSE_LABELS[v.purpose]} · motivo: {PLAN_REASON_LABELS[v.reason]}
        {v.status ? ` · stato: ${v.fulfilledBy ? 'svolta' : PLAN_STATUS_LABELS[v.status]}` : null}
        {v.fulfilledBy ? (
          <>
            {' '}
            (
            <a href={inspectionHref(v.fulfilledBy)}>
              {v.fulfilledBy.how === 'plan' ? 'visita avviata dal piano' : 'visita ricevuta collegata'}, vedi la revisione
            </a>
            )
          </>
        ) : null}
        {v.origin ? (
          <>
            <br />
            Origine: {v.origin}
          </>
        ) : null}
        <br />
        Commissione: {v.members.length ? v.members.map(memberText).join('; ') : 'nessuno indicato'}
      </p>
      {v.conflicts.length ? (
        <ul className="warn" aria-label={`Conflitti di ${v.serviceName}, ${formatItalianDate(v.date)}`}>
          {v.conflicts.map((c, i) => (
            <li key={i}>Conflitto: {c.message}</li>
          ))}
        </ul>
      ) : null}
      {v.fulfilledBy ? null : (
        <>
          {v.status !== 'accepted' ? one('Accetta', 'accepted') : null} {v.status !== 'dropped' ? one('Scarta', 'dropped') : null}{' '}
          {v.status === 'dropped' ? one('Riproponi', 'proposed') : null}
          <form method="post" action="/pianificazione/visite" className="inline">
            <input type="hidden" name="_csrf" value={csrf} />
            <Hidden
              fields={withoutDate({ ...periodFields(period), ...visitFields(v, saved ? (v.status ?? 'proposed') : 'accepted') })}
            />{' '}
            <label htmlFor={`sposta-${n}`} className="sr-only">
              Nuova data per {v.serviceName} (gg/mm/aaaa)
            </label>
            <input id={`sposta-${n}`} name="data" inputMode="numeric" placeholder="gg/mm/aaaa" maxLength={10} size={10} required />{' '}
            <button>Sposta</button>
          </form>
        </>
      )}
      {saved ? (
        <>
          {' '}
          <a href={`/pianificazione/visite/${encodeURIComponent(v.id!)}/visita.ics`} download="visita.ics">
            Scarica .ics
            <span className="sr-only">
              : {v.serviceName}, {formatItalianDate(v.date)}
            </span>
          </a>
        </>
      ) : null}
    </li>
  );
}

export interface PlanningProps {
  csrf: string;
  period: Period;
  schedule: string;
  proposals: VisitView[];
  unplanned: Array<{ serviceName: string; why: string }>;
  planned: VisitView[];
  services: Array<{ id: string; name: string; comune: string }>;
  people: Person[];
  error?: string;
  /** What the clerk typed in the add form, when it comes back. */
  values?: VisitFields;
}

export function Planning(p: PlanningProps): ReactElement {
  const v = (k: string) => p.values?.[k] ?? '';
  const members = new Set(v('membri').split(',').filter(Boolean));
  return (
    <>
      <form method="get" action="/pianificazione">
        <label>
          Dal (gg/mm/aaaa) <input name="dal" inputMode="numeric" maxLength={10} defaultValue={formatItalianDate(p.period.from)} />
        </label>
        <label>
          Al (gg/mm/aaaa) <input name="al" inputMode="numeric" maxLength={10} defaultValue={formatItalianDate(p.period.to)} />
        </label>
        <button>Mostra il periodo</button>
      </form>
      <p>Regola: {p.schedule}</p>
      <p>
        <a href="/pianificazione/persone">Persone delle commissioni</a>
      </p>
      <h2>Proposte per il periodo</h2>
      <p>Le proposte non sono salvate finché non si accettano, spostano o scartano.</p>
      {p.proposals.length ? (
        <ol>
          {p.proposals.map((x, i) => (
            <VisitItem key={`${x.serviceId}-${x.date}`} v={x} csrf={p.csrf} period={p.period} n={`p${i}`} />
          ))}
        </ol>
      ) : (
        <p>Nessuna visita da proporre nel periodo.</p>
      )}
      {p.unplanned.length ? (
        <>
          <h3>Dovute ma non pianificabili</h3>
          <ul>
            {p.unplanned.map((u, i) => (
              <li key={i}>
                {u.serviceName}: {u.why}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Visite pianificate</h2>
      {p.planned.length ? (
        <ol>
          {p.planned.map((x, i) => (
            <VisitItem key={x.id} v={x} csrf={p.csrf} period={p.period} n={`s${i}`} />
          ))}
        </ol>
      ) : (
        <p>Nessuna visita pianificata nel periodo.</p>
      )}
      <h2 id="aggiungi">Aggiungi una visita</h2>
      {p.error ? (
        <p className="error" role="alert">
          {p.error}
        </p>
      ) : null}
      <form method="post" action="/pianificazione/visite">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <Hidden fields={periodFields(p.period)} />
        <input type="hidden" name="stato" value="accepted" />
        <label>
          Servizio{' '}
          <select name="serviceId" defaultValue={v('serviceId')}>
            {p.services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.comune})
              </option>
            ))}
          </select>
        </label>
        <label>
          Scopo{' '}
          <select name="purpose" defaultValue={v('purpose') || 'verifica_periodica'}>
            {PURPOSES.map((x) => (
              <option key={x} value={x}>
                {PURPOSE_LABELS[x]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Motivo{' '}
          <select name="reason" defaultValue={v('reason') || 'requested'}>
            {PLAN_REASONS.map((x) => (
              <option key={x} value={x}>
                {PLAN_REASON_LABELS[x]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Data (gg/mm/aaaa){' '}
          <input name="data" inputMode="numeric" placeholder="gg/mm/aaaa" maxLength={10} defaultValue={v('data')} required />
        </label>
        <label>
          Dalle (hh:mm) <input name="dalle" maxLength={5} defaultValue={v('dalle') || '09:30'} required />
        </label>
        <label>
          Alle (hh:mm) <input name="alle" maxLength={5} defaultValue={v('alle') || '12:30'} required />
        </label>
        <fieldset>
          <legend>Commissione</legend>
          {p.people.map((person) => (
            <label key={person.id}>
              <input type="checkbox" name={`membro_${person.id}`} defaultChecked={members.has(person.id)} /> {memberText(person)}
            </label>
          ))}
        </fieldset>
        <button>Aggiungi</button>
      </form>
    </>
  );
}

/** Before saving a visit that has conflicts: what they are, «Salva comunque» or back. */
export function PlanningConfirmation({
  csrf,
  visit,
  fields,
  back,
}: {
  csrf: string;
  visit: VisitView;
  fields: VisitFields;
  back: string;
}): ReactElement {
  return (
    <>
      <p>
        {visit.serviceName} ({visit.comune}), {formatItalianDate(visit.date)} {visit.startTime}–{visit.endTime}
      </p>
      <ul className="warn">
        {visit.conflicts.map((c, i) => (
          <li key={i}>{c.message}</li>
        ))}
      </ul>
      <form method="post" action="/pianificazione/visite">
        <input type="hidden" name="_csrf" value={csrf} />
        <Hidden fields={{ ...fields, conferma: 'si' }} />
        <button>Salva comunque</button>
        <a className="button-secondary" href={back}>
          Annulla
        </a>
      </form>
    </>
  );
}
