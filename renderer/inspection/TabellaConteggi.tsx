import { useFormContext, useFormState } from 'react-hook-form';
import type { CountsTable } from '../../shared/checklist/index.ts';
import { FieldError } from '../ui/FieldError.tsx';
import { useInspection, useLiveCheck } from './context.tsx';
import { fieldKey, type SchedaValues } from './model.ts';

type CountPath =
  | `counts.children.${string}.enrolled`
  | `counts.children.${string}.present`
  | `counts.staff.educators.planned`
  | `counts.staff.educators.present`
  | `counts.staff.auxiliaries.planned`
  | `counts.staff.auxiliaries.present`;

/** One count cell: text typed as is, an Italian error under it when it is not a whole number ≥ 0. */
function Conteggio({ path, label }: { path: CountPath; label: string }) {
  const { register, getFieldState } = useFormContext<SchedaValues>();
  const formState = useFormState<SchedaValues>({ name: path });
  const error = getFieldState(path, formState).error;
  const id = `n-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  return (
    <td>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input-count"
        inputMode="numeric"
        autoComplete="off"
        {...register(path)}
        aria-invalid={Boolean(error)}
        aria-describedby={`${id}-err`}
      />
      <FieldError id={`${id}-err`} error={error} />
    </td>
  );
}

/**
 * The counts tables of section B for the service type, as the checklist data describes them:
 * children per age band and staff, planned and present. Empty = not recorded.
 */
export function TabellaConteggi({ table }: { table: CountsTable }) {
  const { ruleSet, service } = useInspection();
  const bands = ruleSet.serviceTypes[service.type].bands;
  const [colA, colB] = table.childrenColumns;
  const hasRatio = bands.every((b) => b.childrenPerEducator !== null);
  return (
    <section className="conteggi" aria-labelledby="conteggi-title">
      <h3 id="conteggi-title" tabIndex={-1}>
        {table.title}: bambini e personale <cite className="article">{table.article}</cite>
      </h3>
      <p className="hint">
        Capienza della struttura: <strong>{service.capacity}</strong> posti. Lasciare vuoto ciò che non è stato rilevato (non equivale a
        zero).
      </p>
      <div className="table-wrap">
        <table className="table counts-table">
          <thead>
            <tr>
              <th scope="col">Fascia d’età</th>
              <th scope="col">{colA}</th>
              <th scope="col">{colB}</th>
            </tr>
          </thead>
          <tbody>
            {table.bands.map((band) => {
              const label = bands.find((b) => b.id === band)?.label ?? band;
              const key = fieldKey(band);
              return (
                <tr key={band}>
                  <th scope="row">{label}</th>
                  <Conteggio path={`counts.children.${key}.enrolled`} label={`${colA}: ${label}`} />
                  <Conteggio path={`counts.children.${key}.present`} label={`${colB}: ${label}`} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="table counts-table">
          <thead>
            <tr>
              <th scope="col">Personale</th>
              <th scope="col">Previsti</th>
              <th scope="col">Presenti</th>
            </tr>
          </thead>
          <tbody>
            {table.staffRows.map((row) => {
              const showNeed = row.key === 'auxiliaries' || hasRatio;
              return (
                <tr key={row.key}>
                  <th scope="row">
                    {row.label}
                    {showNeed && <Necessari row={row.key} />}
                  </th>
                  <Conteggio path={`counts.staff.${row.key}.planned`} label={`Previsti: ${row.label}`} />
                  <Conteggio path={`counts.staff.${row.key}.present`} label={`Presenti: ${row.label}`} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Staff the rules require for the children counted so far (updates as the counts change). */
function Necessari({ row }: { row: 'educators' | 'auxiliaries' }) {
  const { result } = useLiveCheck();
  const [planned, present] =
    row === 'educators'
      ? [result.required.educatorsPlanned, result.required.educatorsPresent]
      : [result.required.auxiliariesPlanned, result.required.auxiliariesPresent];
  if (planned === null && present === null) return null;
  return (
    <span className="sub need">
      necessari: {planned ?? '—'} previsti, {present ?? '—'} presenti
    </span>
  );
}
