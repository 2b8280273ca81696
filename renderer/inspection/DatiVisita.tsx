import { useState } from 'react';
import { isIsoDate } from '../../shared/dates.ts';
import { PURPOSES, PURPOSE_LABELS, type Purpose } from '../../shared/domain.ts';
import { useServiceTypeLabels } from '../app/info.tsx';
import { DateField } from '../ui/DateField.tsx';
import { Commissione } from './Commissione.tsx';
import { useInspection, useVisit } from './context.tsx';

/** Purpose, date and commission of a visit, saved as they change. */
export function DatiVisita({ headingId }: { headingId: string }) {
  const { setVisit, addMember, service, readOnly } = useInspection();
  const { visit, members } = useVisit();
  const typeLabels = useServiceTypeLabels();
  const [dateText, setDateText] = useState(visit.date);
  const dateError = isIsoDate(dateText) ? undefined : 'indicare la data della visita (gg/mm/aaaa)';
  return (
    <section className="dati-visita" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        Dati della visita
      </h2>
      <p className="sub">
        {service.name} · {typeLabels[service.type]} · {service.comune}
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="v-purpose">Finalità</label>
          <select
            id="v-purpose"
            value={visit.purpose}
            onChange={(e) => setVisit({ purpose: e.target.value as Purpose })}
            disabled={readOnly}
          >
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {PURPOSE_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="v-date">Data della visita</label>
          <DateField
            id="v-date"
            value={dateText}
            disabled={readOnly}
            onChange={(v) => {
              setDateText(v);
              if (isIsoDate(v)) setVisit({ date: v });
            }}
            error={dateError}
          />
        </div>
      </div>
      <Commissione
        members={members}
        chosen={visit.memberIds}
        onChange={(memberIds) => setVisit({ memberIds })}
        onMemberAdded={addMember}
        disabled={readOnly}
      />
    </section>
  );
}
