import { useState } from 'react';
import { isIsoDate } from '../../shared/dates.ts';
import { PURPOSES, PURPOSE_LABELS, type Purpose } from '../../shared/domain.ts';
import { parseVisitTime, visitTimesProblem } from '../../shared/times.ts';
import { useServiceTypeLabels } from '../app/info.tsx';
import { DateField } from '../ui/DateField.tsx';
import { FieldError } from '../ui/FieldError.tsx';
import { Commissione } from './Commissione.tsx';
import { useInspection, useVisit } from './context.tsx';

/** As many characters as the contract takes for the place (shared/api/contract.ts). */
const PLACE_MAX = 200;

/** Purpose, date, place and times, and commission of a visit, saved as they change. */
export function DatiVisita({ headingId }: { headingId: string }) {
  const { setVisit, addMember, service, readOnly } = useInspection();
  const { visit, members } = useVisit();
  const typeLabels = useServiceTypeLabels();
  const [dateText, setDateText] = useState(visit.date);
  const dateError = isIsoDate(dateText) ? undefined : 'indicare la data della visita (gg/mm/aaaa)';
  const [placeText, setPlaceText] = useState(visit.place ?? '');
  // The times as typed: sent only as a pair that holds (each a valid time, the end after the start),
  // so what is saved is always what the sealed file may carry; until then the last good pair stays.
  const [startText, setStartText] = useState(visit.startTime ?? '');
  const [endText, setEndText] = useState(visit.endTime ?? '');
  const [left, setLeft] = useState({ start: false, end: false });
  const start = parseVisitTime(startText);
  const end = parseVisitTime(endText);
  const order = start.ok && end.ok ? visitTimesProblem(start.time, end.time) : null;
  const startError = left.start && !start.ok ? start.message : undefined;
  const endError = left.end && !end.ok ? end.message : (order ?? undefined);
  const changeTimes = (nextStart: string, nextEnd: string) => {
    const s = parseVisitTime(nextStart);
    const e = parseVisitTime(nextEnd);
    if (s.ok && e.ok && !visitTimesProblem(s.time, e.time)) setVisit({ startTime: s.time, endTime: e.time });
  };
  // «9.30» reads as 09:30: shown so once the field is left.
  const normalise = (text: string): string => {
    const t = parseVisitTime(text);
    return t.ok ? (t.time ?? '') : text;
  };
  const placeHint = [service.address, service.comune].filter(Boolean).join(', ');
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
        <div className="field span-2">
          <label htmlFor="v-place">Luogo della visita</label>
          <input
            id="v-place"
            type="text"
            autoComplete="off"
            maxLength={PLACE_MAX}
            value={placeText}
            disabled={readOnly}
            aria-describedby="v-place-hint"
            onChange={(e) => {
              setPlaceText(e.target.value);
              setVisit({ place: e.target.value.trim() || null });
            }}
          />
          <span id="v-place-hint" className="hint">
            Come lo riporta il verbale{placeHint ? `, es. «Sede del servizio, ${placeHint}»` : ''}.
          </span>
        </div>
        <TimeField
          id="v-start"
          label="Ora di inizio"
          value={startText}
          error={startError}
          disabled={readOnly}
          onChange={(text) => {
            setStartText(text);
            changeTimes(text, endText);
          }}
          onBlur={() => {
            setLeft((l) => ({ ...l, start: true }));
            setStartText(normalise);
          }}
        />
        <TimeField
          id="v-end"
          label="Ora di fine"
          value={endText}
          error={endError}
          disabled={readOnly}
          onChange={(text) => {
            setEndText(text);
            changeTimes(startText, text);
          }}
          onBlur={() => {
            setLeft((l) => ({ ...l, end: true }));
            setEndText(normalise);
          }}
        />
        <p id="v-times-hint" className="hint span-2">
          Ore sulle 24 ore, es. 09:30 e 12:15.
        </p>
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

/**
 * A time of the visit typed as text (hh:mm): Chromium's own time input follows the system's
 * locale and shows AM/PM on an English system.
 */
function TimeField(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
  onBlur: () => void;
}) {
  const { id, label, value, error, disabled, onChange, onBlur } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder="hh:mm"
        maxLength={5}
        value={value}
        disabled={disabled}
        aria-invalid={Boolean(error)}
        aria-describedby={`v-times-hint ${id}-err`}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <FieldError id={`${id}-err`} error={error ? { message: error } : undefined} />
    </div>
  );
}
