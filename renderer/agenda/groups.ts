/** The «Agenda»'s groups, pure (unit-tested in Node): when each planned visit falls from `today`. */
import type { AgendaEntry } from '../../shared/api/contract.ts';
import { addDays, compareDates, type IsoDate } from '../../shared/dates.ts';

export type AgendaGroup = { id: string; title: string; entries: AgendaEntry[] };

/** Sunday of `today`'s week (Monday to Sunday, as an Italian calendar reads). */
function weekEnd(today: IsoDate): IsoDate {
  const day = new Date(`${today}T00:00:00Z`).getUTCDay();
  return addDays(today, (7 - day) % 7);
}

/** The entries by when they fall; empty groups but the three of the issue are left out. */
export function agendaGroups(entries: readonly AgendaEntry[], today: IsoDate): AgendaGroup[] {
  const end = weekEnd(today);
  const past = entries.filter((e) => compareDates(e.date, today) < 0);
  const groups: AgendaGroup[] = [
    { id: 'oggi', title: 'Oggi', entries: entries.filter((e) => e.date === today) },
    {
      id: 'settimana',
      title: 'Questa settimana',
      entries: entries.filter((e) => compareDates(e.date, today) > 0 && compareDates(e.date, end) <= 0),
    },
    { id: 'avanti', title: 'Più avanti', entries: entries.filter((e) => compareDates(e.date, end) > 0) },
  ];
  return past.length ? [{ id: 'passate', title: 'Date già passate', entries: past }, ...groups] : groups;
}
