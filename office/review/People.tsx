/** «Persone delle commissioni»: the office's people (Zona reg. art. 15), the list and the form that adds or edits one. */
import type { ReactElement } from 'react';
import { PERSON_ROLES, PERSON_ROLE_LABELS } from '../../shared/domain.ts';
import type { Person } from '../../shared/planning.ts';
import { formatInstant } from './context.ts';
import { Field, FormError } from './Field.tsx';

export function PeopleList({
  people,
  inspectors,
  calendars,
  csrf,
}: {
  people: Person[];
  inspectors: Map<string, string>;
  /** When each person's calendar address was made (absent: none yet). */
  calendars: Map<string, string>;
  csrf: string;
}): ReactElement {
  return (
    <>
      <p>
        <a href="/pianificazione">Torna alla pianificazione</a>
        <a className="button-secondary" href="/pianificazione/persone/nuova">
          Nuova persona
        </a>
      </p>
      {people.length ? (
        <table>
          <thead>
            <tr>
              <th>Nome</th>
              <th>Ruolo</th>
              <th>Comune</th>
              <th>E-mail</th>
              <th>Account ispettore</th>
              <th>Calendario</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={`/pianificazione/persone/${encodeURIComponent(p.id)}`}>{p.name}</a>
                  {p.demo ? ' (DEMO)' : null}
                </td>
                <td>{PERSON_ROLE_LABELS[p.role]}</td>
                <td>{p.comune ?? '—'}</td>
                <td>{p.email}</td>
                <td>{p.inspectorId ? (inspectors.get(p.inspectorId) ?? p.inspectorId) : '—'}</td>
                <td>
                  {calendars.has(p.id) ? `indirizzo creato il ${formatInstant(calendars.get(p.id))} ` : 'nessun indirizzo '}
                  <form method="post" action={`/pianificazione/persone/${encodeURIComponent(p.id)}/calendario`} className="inline">
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button>
                      {calendars.has(p.id) ? 'Reimposta indirizzo' : 'Crea indirizzo'}
                      <span className="sr-only"> del calendario: {p.name}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessuna persona registrata.</p>
      )}
    </>
  );
}

export function PersonForm({
  action,
  csrf,
  values,
  inspectors,
  error,
}: {
  action: string;
  csrf: string;
  values: Record<string, string | null | undefined>;
  inspectors: Array<{ id: string; name: string }>;
  error?: string;
}): ReactElement {
  const v = (k: string) => values[k] ?? '';
  return (
    <>
      <FormError error={error} />
      <form method="post" action={action}>
        <input type="hidden" name="_csrf" value={csrf} />
        <Field label="Nome" name="name" defaultValue={v('name')} required maxLength={200} />
        <label>
          Ruolo{' '}
          <select name="role" defaultValue={v('role') || 'referente_tecnico_comune'}>
            {PERSON_ROLES.map((r) => (
              <option key={r} value={r}>
                {PERSON_ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <Field label="Comune (obbligatorio per un referente tecnico)" name="comune" defaultValue={v('comune')} maxLength={120} />
        <Field label="E-mail" name="email" type="email" defaultValue={v('email')} required maxLength={254} />
        <label>
          Account ispettore (portatile){' '}
          <select name="inspectorId" defaultValue={v('inspectorId')}>
            <option value="">nessuno</option>
            {inspectors.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <button>Salva</button>
      </form>
    </>
  );
}
