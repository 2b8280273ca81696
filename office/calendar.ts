/**
 * The office's iCalendar (RFC 5545) output, written by `ical-generator`: each member's feed
 * (`/calendar/<secret>.ics`), one planned visit's download and the .ics that travels with each
 * notice by e-mail (METHOD REQUEST, or CANCEL when the visit was dropped after being announced).
 *
 * Times are written as UTC instants (`…Z`), computed from the visit's civil time in Rome: a
 * TZID=Europe/Rome line would need a VTIMEZONE block, which ical-generator leaves to a plug-in
 * the project does not have, and ical-generator reads a Date in a named zone with the machine's
 * own zone. UTC is exact, and every calendar shows it in its user's zone.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { ITALIAN_TIME_ZONE } from '../shared/dates.ts';
import { PURPOSE_LABELS, type Purpose } from '../shared/domain.ts';

export interface CalendarVisit {
  id: string;
  date: string;
  startTime: string;
  endTime: string;
  purpose: Purpose;
  status: 'proposed' | 'accepted' | 'dropped';
  serviceName: string;
  address: string;
  comune: string;
  members: string[];
  /** RFC 5545 SEQUENCE: 0 at the first announcement, one more for each move or cancellation. */
  sequence: number;
  /** When the visit was last written (DTSTAMP). */
  updatedAt: string;
}

/** The offset of Rome from UTC at `instant`, in minutes (60 in winter, 120 in summer). */
function romeOffsetMinutes(instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: ITALIAN_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return (Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute')) - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000;
}

/** The instant of a civil date and time (HH:MM) in Rome. */
export function romeInstant(date: string, time: string): Date {
  const local = Date.parse(`${date}T${time}:00Z`);
  // The offset at the instant it names, asked twice so a time next to a change of hour settles.
  let guess = local - romeOffsetMinutes(new Date(local)) * 60_000;
  guess = local - romeOffsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess);
}

/** The UID of a planned visit's event: stable, so a move or a cancellation replaces the event. */
export const visitUid = (visitId: string) => `${visitId}@pianificazione.vigilanza-nidi`;

function summary(v: CalendarVisit): string {
  const what = `${PURPOSE_LABELS[v.purpose]}: ${v.serviceName}`;
  return v.status === 'proposed' ? `(proposta) ${what}` : what;
}

function description(v: CalendarVisit): string {
  return [
    `Scopo: ${PURPOSE_LABELS[v.purpose]}`,
    `Servizio: ${v.serviceName}, ${[v.address, v.comune].filter(Boolean).join(', ')}`,
    `Commissione: ${v.members.join(', ') || '—'}`,
    v.status === 'proposed' ? 'Visita proposta, non ancora confermata dall’ufficio.' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A calendar with the visits given. `method` CANCEL marks every event cancelled (the notice of a
 * visit dropped); REQUEST is the notice of a visit planned or moved; none is a subscribed feed.
 */
export function visitCalendar(name: string, visits: CalendarVisit[], method?: 'REQUEST' | 'CANCEL'): string {
  const cal = ical({
    name,
    prodId: { company: 'Vigilanza Nidi', product: 'Ufficio', language: 'IT' },
    ...(method ? { method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST } : {}),
  });
  for (const v of visits) {
    cal.createEvent({
      id: visitUid(v.id),
      sequence: v.sequence,
      stamp: new Date(v.updatedAt),
      start: romeInstant(v.date, v.startTime),
      end: romeInstant(v.date, v.endTime),
      summary: summary(v),
      location: [v.serviceName, v.address, v.comune].filter(Boolean).join(', '),
      description: description(v),
      status:
        method === 'CANCEL' || v.status === 'dropped'
          ? ICalEventStatus.CANCELLED
          : v.status === 'proposed'
            ? ICalEventStatus.TENTATIVE
            : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
