import { useState } from 'react';
import { isIsoDate } from '../../shared/dates.ts';
import { PURPOSES, PURPOSE_LABELS, SERVICE_TYPE_LABELS, type Purpose } from '../../shared/domain.ts';
import { FieldError } from '../ui/FieldError.tsx';
import { Commissione } from './Commissione.tsx';
import { useInspection, useVisit } from './context.tsx';

/** Purpose, date and commission of a visit, saved as they change. */
export function DatiVisita({ headingId }: { headingId: string }) {
  const { setVisit, addMember, service, readOnly } = useInspection();
  const { visit, members } = useVisit();
  const [dateText, setDateText] = useState(visit.date);
  const dateError = isIsoDate(dateText) ? undefined : { message: 'indicare una data valida' };
  return (
    <section className="dati-visita" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        Dati della visita
      </h2>
      <p className="sub">
        {service.name} · {SERVICE_TYPE_LABELS[service.type]} · {service.comune}
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="v-purpose">Finalità</label>
          <select id="v-purpose" value={visit.purpose} onChange={(e) => setVisit({ purpose: e.target.value as Purpose })} disabled={readOnly}>
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {PURPOSE_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="v-date">Data della visita</label>
          <input
            id="v-date"
            type="date"
            value={dateText}
            disabled={readOnly}
            onChange={(e) => {
              setDateText(e.target.value);
              if (isIsoDate(e.target.value)) setVisit({ date: e.target.value });
            }}
            aria-invalid={Boolean(dateError)}
            aria-describedby="v-date-err"
          />
          <FieldError id="v-date-err" error={dateError} />
        </div>
      </div>
      <Commissione members={members} chosen={visit.memberIds} onChange={(memberIds) => setVisit({ memberIds })} onMemberAdded={addMember} disabled={readOnly} />
    </section>
  );
}
