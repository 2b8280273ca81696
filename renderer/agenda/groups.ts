/** The «Agenda»'s groups, pure (unit-tested in Node): when each planned visit falls from `today`. */
import type { AgendaEntry } from '../../shared/api/contract.ts';
import { addDays, compareDates, type IsoDate } from '../../shared/dates.ts';

export type AgendaGroup = { id: string; title: string; entries: AgendaEntry[] };

/**
 * How many days a plan already done («svolta») stays on the agenda after the later of its date and
 * the date of the visit that did it. The inspector expects to see it done, not to lose it: a visit
 * matched days early tells the rest of the commission not to set out, and the week after the visit
 * is when they talk it over and co-sign its report. After that it is history (the service's
 * inspections hold it) and would only push the visits still to do down the page.
 */
export const SVOLTE_DAYS = 7;

/** Sunday of `today`'s week (Monday to Sunday, as an Italian calendar reads). */
function weekEnd(today: IsoDate): IsoDate {
  const day = new Date(`${today}T00:00:00Z`).getUTCDay();
  return addDays(today, (7 - day) % 7);
}

/** The date a «svolta» plan stays on the agenda until (included). */
export function svoltaShownUntil(planDate: IsoDate, visitDate: IsoDate): IsoDate {
  return addDays(compareDates(visitDate, planDate) > 0 ? visitDate : planDate, SVOLTE_DAYS);
}

/**
 * The entries by when they fall; empty groups but the three of the issue are left out. Plans already
 * done are not among the visits to do: they are «Già svolte», last, for SVOLTE_DAYS.
 */
export function agendaGroups(entries: readonly AgendaEntry[], today: IsoDate): AgendaGroup[] {
  const end = weekEnd(today);
  const todo = entries.filter((e) => !e.fulfilled);
  const done = entries.filter((e) => e.fulfilled && compareDates(svoltaShownUntil(e.date, e.fulfilled.date), today) >= 0);
  const past = todo.filter((e) => compareDates(e.date, today) < 0);
  const groups: AgendaGroup[] = [
    { id: 'oggi', title: 'Oggi', entries: todo.filter((e) => e.date === today) },
    {
      id: 'settimana',
      title: 'Questa settimana',
      entries: todo.filter((e) => compareDates(e.date, today) > 0 && compareDates(e.date, end) <= 0),
    },
    { id: 'avanti', title: 'Più avanti', entries: todo.filter((e) => compareDates(e.date, end) > 0) },
  ];
  return [
    ...(past.length ? [{ id: 'passate', title: 'Date già passate', entries: past }] : []),
    ...groups,
    ...(done.length ? [{ id: 'svolte', title: 'Già svolte', entries: done }] : []),
  ];
}
