/**
 * The territory's register of educators (Lucca: «Albo educatori domiciliari», Reg. artt. 6-8): the list
 * with the entries lapsed or lapsing first, the forms to add a person or an organisation, and one
 * entry's page (edit, yearly confirmation with the training hours, history). Everything it names
 * comes from the rule set's `educatorRegister`.
 */
import type { ReactElement } from 'react';
import { formatItalianDate } from '../../shared/dates.ts';
import {
  confirmationMinimum,
  REGISTER_KINDS,
  STANDING_LABELS,
  type EducatorRegister,
  type RegisterEntry,
  type RegisterKind,
  type StandingResult,
} from '../../shared/educator-register.ts';
import { formatInstant } from './context.ts';
import { DATE_INPUT, FieldRow, FormError } from './Field.tsx';

export interface EntryFormValues {
  name?: string;
  taxCode?: string;
  registeredOn?: string;
  cancelledOn?: string;
  requirements?: Record<string, boolean>;
}

const it = (d: string | null | undefined) => (d ? formatItalianDate(d) : '—');

function EntryFields({
  register,
  kind,
  prefix,
  values,
}: {
  register: EducatorRegister;
  kind: RegisterKind;
  prefix: string;
  values: EntryFormValues;
}): ReactElement {
  const rules = register.kinds[kind];
  return (
    <>
      <FieldRow
        label={kind === 'person' ? 'Nome e cognome' : 'Denominazione'}
        id={`${prefix}-nome`}
        name="name"
        maxLength={200}
        size={40}
        defaultValue={values.name ?? ''}
      />
      <FieldRow
        label={`${kind === 'person' ? 'Codice fiscale' : 'Codice fiscale o partita IVA'} (facoltativo)`}
        id={`${prefix}-cf`}
        name="taxCode"
        maxLength={20}
        size={20}
        defaultValue={values.taxCode ?? ''}
      />
      <FieldRow
        label="Data di iscrizione (gg/mm/aaaa)"
        id={`${prefix}-iscrizione`}
        name="registeredOn"
        {...DATE_INPUT}
        size={10}
        defaultValue={values.registeredOn ?? ''}
      />
      <fieldset>
        <legend>Requisiti documentati per l'iscrizione</legend>
        {rules.requirements.map((r) => (
          <p key={r.id}>
            <label>
              <input type="checkbox" name={`req_${r.id}`} defaultChecked={values.requirements?.[r.id] ?? false} /> {r.text}{' '}
              <span className="muted">({r.article})</span>
            </label>
          </p>
        ))}
      </fieldset>
    </>
  );
}

function StandingBadge({ s }: { s: StandingResult }): ReactElement {
  const cls = s.inGoodStanding ? (s.standing === 'in_scadenza' ? 'warn' : 'pass') : 'fail';
  return <span className={cls}>{STANDING_LABELS[s.standing]}</span>;
}

export function RegisterList({
  csrf,
  register,
  rows,
  today,
  refused,
}: {
  csrf: string;
  register: EducatorRegister;
  rows: Array<{ entry: RegisterEntry; standing: StandingResult }>;
  today: string;
  refused?: { kind: RegisterKind; error: string; values: EntryFormValues };
}): ReactElement {
  const alerts = rows.filter((r) => !r.standing.inGoodStanding || r.standing.standing === 'in_scadenza');
  return (
    <>
      <p>
        {register.title} ({register.article}): l'iscrizione dura {register.durationMonths} mesi ({register.durationArticle}) e si conferma
        ogni anno con le ore di formazione; senza conferma decade, e il venir meno dei requisiti comporta la cancellazione (
        {register.cancellationArticle}). Stato al {formatItalianDate(today)}; «in scadenza» quando mancano meno di {register.lapsingDays}{' '}
        giorni.
      </p>
      <h2>Da confermare o decadute</h2>
      {alerts.length ? (
        <ul>
          {alerts.map(({ entry, standing }) => (
            <li key={entry.id}>
              <a href={`/albo/${encodeURIComponent(entry.id)}`}>{entry.name}</a> — <StandingBadge s={standing} />: {standing.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nessuna iscrizione decaduta o in scadenza.</p>
      )}
      <h2>Iscritti</h2>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>Nome</th>
              <th>Tipo</th>
              <th>Iscrizione</th>
              <th>Valida fino al</th>
              <th>Stato</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ entry, standing }) => (
              <tr key={entry.id}>
                <td>
                  <a href={`/albo/${encodeURIComponent(entry.id)}`}>{entry.name}</a>
                </td>
                <td>{register.kinds[entry.kind].label}</td>
                <td>{it(entry.registeredOn)}</td>
                <td>{it(standing.validUntil)}</td>
                <td>
                  <StandingBadge s={standing} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessun iscritto.</p>
      )}
      {REGISTER_KINDS.map((kind) => (
        <form key={kind} method="post" action={`/albo/nuovo/${kind === 'person' ? 'persona' : 'societa'}`}>
          <h2>Nuova iscrizione: {register.kinds[kind].label.toLowerCase()}</h2>
          <input type="hidden" name="_csrf" value={csrf} />
          <FormError error={refused?.kind === kind ? refused.error : null} />
          <EntryFields register={register} kind={kind} prefix={`nuovo-${kind}`} values={refused?.kind === kind ? refused.values : {}} />
          <button>Iscrivi all'albo</button>
        </form>
      ))}
    </>
  );
}

export function RegisterEntryPage({
  csrf,
  register,
  entry,
  standing,
  events,
  refused,
}: {
  csrf: string;
  register: EducatorRegister;
  entry: RegisterEntry;
  standing: StandingResult;
  events: Array<{ at: string; actor: string; action: string }>;
  refused?: { form: 'modifica' | 'conferma'; error: string; values?: EntryFormValues };
}): ReactElement {
  const rules = register.kinds[entry.kind];
  const id = encodeURIComponent(entry.id);
  const values: EntryFormValues =
    refused?.form === 'modifica' && refused.values
      ? refused.values
      : {
          name: entry.name,
          taxCode: entry.taxCode ?? '',
          registeredOn: formatItalianDate(entry.registeredOn),
          cancelledOn: entry.cancelledOn ? formatItalianDate(entry.cancelledOn) : '',
          requirements: entry.requirements,
        };
  return (
    <>
      <p>
        {rules.label} — <StandingBadge s={standing} />: {standing.message} ({standing.article}).
      </p>
      <h2>Conferme annuali</h2>
      {entry.confirmations.length ? (
        <table>
          <thead>
            <tr>
              <th>Data</th>
              <th>Ore di formazione</th>
              <th>Minimo richiesto</th>
            </tr>
          </thead>
          <tbody>
            {entry.confirmations.map((c, i) => {
              const min = confirmationMinimum(register, entry.kind, c);
              return (
                <tr key={i}>
                  <td>{it(c.confirmedOn)}</td>
                  <td>{c.hours}</td>
                  <td>{min === null ? '—' : `${min}${c.hours < min ? ' (ore insufficienti: non rinnova)' : ''}`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p>Nessuna conferma registrata.</p>
      )}
      <form method="post" action={`/albo/${id}/conferma`}>
        <h2>Registra la conferma annuale ({rules.confirmation.article})</h2>
        <input type="hidden" name="_csrf" value={csrf} />
        <FormError error={refused?.form === 'conferma' ? refused.error : null} />
        <FieldRow label="Data della conferma (gg/mm/aaaa)" id="conferma-data" name="confirmedOn" {...DATE_INPUT} size={10} />
        <FieldRow
          label="Ore di formazione e aggiornamento documentate nell'anno"
          id="conferma-ore"
          name="hours"
          inputMode="decimal"
          maxLength={6}
          size={6}
          after={rules.confirmation.minHours !== null ? <span className="muted"> (almeno {rules.confirmation.minHours})</span> : null}
        />
        {rules.confirmation.minHours === null ? (
          <FieldRow
            label="Ore minime previste dal contratto di lavoro"
            id="conferma-minimo"
            name="contractMinHours"
            inputMode="decimal"
            maxLength={6}
            size={6}
          />
        ) : null}
        <button>Registra la conferma</button>
      </form>
      <form method="post" action={`/albo/${id}`}>
        <h2>Dati dell'iscrizione</h2>
        <input type="hidden" name="_csrf" value={csrf} />
        <FormError error={refused?.form === 'modifica' ? refused.error : null} />
        <EntryFields register={register} kind={entry.kind} prefix="modifica" values={values} />
        <FieldRow
          label="Cancellata dall'albo dal (gg/mm/aaaa, vuoto se iscritta)"
          id="modifica-cancellazione"
          name="cancelledOn"
          {...DATE_INPUT}
          size={10}
          defaultValue={values.cancelledOn ?? ''}
        />
        <button>Salva</button>
      </form>
      <h2>Storico</h2>
      <ul>
        {events.map((e, i) => (
          <li key={i}>
            {formatInstant(e.at)}: {e.action} ({e.actor})
          </li>
        ))}
      </ul>
      <p>
        <a href="/albo">Torna all'albo</a>
      </p>
    </>
  );
}
