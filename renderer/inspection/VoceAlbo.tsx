/**
 * The register's item (kind `register`; Lucca: the Albo Comunale degli educatori domiciliari, Reg.
 * artt. 6-8): the inspector ticks the service's educators among the entries of the laptop's copy of
 * the register, and each shows whether it is registered and in good standing on the visit's date
 * (`entryStanding`, the same rule the finding and the office use). The answer is the ids ticked,
 * comma-separated, saved by the usual autosave; sealing puts the entries themselves in the file.
 */
import type { ReactNode } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { registerIds } from '../../shared/checklist/answers.ts';
import type { ChecklistItem } from '../../shared/checklist/index.ts';
import { entryStanding, STANDING_LABELS } from '../../shared/educator-register.ts';
import { useApiQuery } from '../api/queries.ts';
import { useInspection, useVisit } from './context.tsx';
import { fieldKey, type SchedaValues } from './model.ts';

export function VoceAlbo({ item, base, meta }: { item: ChecklistItem; base: string; meta: ReactNode }) {
  const key = fieldKey(item.id);
  const name = `answers.${key}.value` as const;
  const { setValue } = useFormContext<SchedaValues>();
  const value = (useWatch<SchedaValues>({ name }) as string | undefined) ?? '';
  const { ruleSet, readOnly } = useInspection();
  const { visit } = useVisit();
  const register = ruleSet.educatorRegister;
  const [list] = useApiQuery('register.list', {}, { enabled: Boolean(register) });
  const na = value === 'na';
  const picked = new Set(na ? [] : (registerIds(value) ?? []));
  const entries = list.status === 'ready' ? list.value.entries : [];
  const write = (ids: string[] | 'na') => setValue(name, ids === 'na' ? 'na' : ids.join(','), { shouldDirty: true });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    write([...next]);
  };
  // Ids ticked whose entry this laptop no longer holds stay listed, so they can be unticked.
  const missing = [...picked].filter((id) => !entries.some((e) => e.id === id));
  return (
    <fieldset className="voce-main" aria-describedby={`${base}-art`}>
      <legend className="voce-text" id={`${base}-text`}>
        {item.text}
      </legend>
      {meta}
      {!register ? null : list.status === 'loading' ? (
        <p className="muted">Caricamento dell'albo…</p>
      ) : list.status === 'error' ? (
        <p role="alert">L'albo non si può leggere: {list.message}</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nessun iscritto all'albo su questo portatile: l'albo arriva dall'ufficio con la sincronizzazione.</p>
      ) : (
        <ul className="albo-iscritti">
          {entries.map((e) => {
            const s = entryStanding(register, e, visit.date);
            return (
              <li key={e.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.has(e.id)}
                    disabled={readOnly || na}
                    onChange={(ev) => toggle(e.id, ev.currentTarget.checked)}
                  />{' '}
                  {e.name} ({register.kinds[e.kind].label.toLowerCase()}){' '}
                  <span className={s.inGoodStanding ? 'albo-in-regola' : 'albo-non-in-regola'}>
                    — {STANDING_LABELS[s.standing]}: {s.message}
                  </span>
                </label>
              </li>
            );
          })}
          {missing.map((id) => (
            <li key={id}>
              <label>
                <input type="checkbox" checked disabled={readOnly} onChange={() => toggle(id, false)} /> iscritto non più presente nell'albo
                del portatile
              </label>
            </li>
          ))}
        </ul>
      )}
      <label className="choice">
        <input type="checkbox" checked={na} disabled={readOnly} onChange={(ev) => write(ev.currentTarget.checked ? 'na' : [])} /> Non
        applicabile
      </label>
    </fieldset>
  );
}
