/** The services registry: the list and the form that creates or edits one entry. */
import type { ReactElement } from 'react';
import { formatItalianDate, type IsoDate } from '../../shared/dates.ts';
import { SERVICE_TYPES, SERVICE_TYPE_LABELS, type ServiceType } from '../../shared/domain.ts';
import { DATE_INPUT, Field, FormError } from './Field.tsx';

/** One registry entry as the list shows it, dates already in the clerk's format. */
export interface ServiceRow {
  id: string;
  name: string;
  type: ServiceType;
  comune: string;
  capacity: number;
  authorizationIssuedOn: string;
  accreditationIssuedOn: string;
}

/** The service types as the office's territory names them (`Territory.serviceTypes`; the regional names when not given). */
export type TypeLabels = Record<ServiceType, string>;

export function ServiceList({
  services,
  typeLabels = SERVICE_TYPE_LABELS,
}: {
  services: ServiceRow[];
  typeLabels?: TypeLabels;
}): ReactElement {
  return (
    <>
      <p>
        <a href="/servizi/nuovo">Nuovo servizio</a>
      </p>
      {services.length ? (
        <table>
          <thead>
            <tr>
              <th>Servizio</th>
              <th>Tipo</th>
              <th>Comune</th>
              <th>Capienza</th>
              <th>Autorizzazione</th>
              <th>Accreditamento</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <td>
                  <a href={`/servizi/${encodeURIComponent(s.id)}`}>{s.name}</a>
                </td>
                <td>{typeLabels[s.type]}</td>
                <td>{s.comune}</td>
                <td>{s.capacity}</td>
                <td>{s.authorizationIssuedOn}</td>
                <td>{s.accreditationIssuedOn}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessun servizio registrato.</p>
      )}
    </>
  );
}

/** What the form shows: a saved entry, or the fields as the clerk sent them (text, checkboxes `on`). */
export type ServiceFormValues = Partial<Record<string, string | number | boolean | null>>;

export function ServiceForm({
  action,
  csrf,
  values,
  error,
  typeLabels = SERVICE_TYPE_LABELS,
}: {
  action: string;
  csrf: string;
  values: ServiceFormValues;
  error?: string;
  typeLabels?: TypeLabels;
}): ReactElement {
  const v = (k: string) => (values[k] === null || values[k] === undefined ? '' : String(values[k]));
  const checked = (k: string) => values[k] === true || values[k] === 'on';
  // Dates are typed as gg/mm/aaaa in a text field, not <input type="date">, which Debian's Chromium
  // shows as mm/dd/yyyy whatever the page's language. A saved (ISO) date is shown the Italian way;
  // what the clerk typed comes back as typed.
  const date = (k: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v(k)) ? formatItalianDate(v(k) as IsoDate) : v(k));
  return (
    <>
      <FormError error={error} />
      <form method="post" action={action}>
        <input type="hidden" name="_csrf" value={csrf} />
        <Field label="Denominazione" name="name" defaultValue={v('name')} required maxLength={200} />
        <label>
          Tipo{' '}
          <select name="type" defaultValue={v('type')}>
            {SERVICE_TYPES.map((t) => (
              <option key={t} value={t}>
                {typeLabels[t]}
              </option>
            ))}
          </select>
        </label>
        <Field label="Comune" name="comune" defaultValue={v('comune')} required maxLength={120} />
        <Field label="Indirizzo" name="address" defaultValue={v('address')} maxLength={300} />
        <Field label="Referente" name="referente" defaultValue={v('referente')} maxLength={200} />
        <Field
          label="Indirizzo e-mail o PEC del gestore (per le comunicazioni dell’ufficio)"
          name="pec"
          type="email"
          defaultValue={v('pec')}
          maxLength={254}
        />
        <Field label="Capienza (posti autorizzati)" name="capacity" type="number" min={1} max={500} defaultValue={v('capacity')} required />
        <label>
          <input type="checkbox" name="kitchen" defaultChecked={checked('kitchen')} /> Cucina interna
        </label>
        <label>
          <input type="checkbox" name="territorialRls" defaultChecked={checked('territorialRls')} /> RLS territoriale
        </label>
        <Field
          label="Autorizzazione rilasciata il (gg/mm/aaaa)"
          name="authorizationIssuedOn"
          {...DATE_INPUT}
          defaultValue={date('authorizationIssuedOn')}
        />
        <Field
          label="Accreditamento rilasciato il (gg/mm/aaaa)"
          name="accreditationIssuedOn"
          {...DATE_INPUT}
          defaultValue={date('accreditationIssuedOn')}
        />
        <button>Salva</button>
      </form>
    </>
  );
}
