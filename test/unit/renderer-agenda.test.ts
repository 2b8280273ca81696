/**
 * The «Agenda»'s groups: today, the rest of the week up to Sunday, later; past dates first, only when
 * there are any; plans done last («Già svolte»), for SVOLTE_DAYS after the later of their date and the visit's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgendaEntry } from '../../shared/api/contract.ts';
import { agendaGroups, SVOLTE_DAYS } from '../../renderer/agenda/groups.ts';

const entry = (planId: string, date: string, fulfilled: AgendaEntry['fulfilled'] = null): AgendaEntry => ({
  planId,
  serviceId: 's',
  serviceName: 'Nido',
  comune: 'Impruneta',
  purpose: 'verifica_periodica',
  date,
  startTime: '09:00',
  endTime: '12:00',
  reason: 'due',
  members: [],
  inspectionId: null,
  fulfilled,
});

const grouped = (entries: AgendaEntry[], today: string) =>
  agendaGroups(entries, today).map((g) => [g.title, g.entries.map((e) => e.planId)] as const);

describe('agendaGroups', () => {
  it('a Thursday: Friday to Sunday are this week, Monday is later', () => {
    const entries = [entry('oggi', '2026-12-03'), entry('ven', '2026-12-04'), entry('dom', '2026-12-06'), entry('lun', '2026-12-07')];
    assert.deepEqual(grouped(entries, '2026-12-03'), [
      ['Oggi', ['oggi']],
      ['Questa settimana', ['ven', 'dom']],
      ['Più avanti', ['lun']],
    ]);
  });
  it('a Sunday: the week ends today; a past plan comes first', () => {
    assert.deepEqual(grouped([entry('ieri', '2026-12-05'), entry('lun', '2026-12-07')], '2026-12-06'), [
      ['Date già passate', ['ieri']],
      ['Oggi', []],
      ['Questa settimana', []],
      ['Più avanti', ['lun']],
    ]);
  });
  it('a plan done leaves the visits to do for «Già svolte», and the agenda a week after the later date', () => {
    assert.equal(SVOLTE_DAYS, 7);
    const entries = [
      // Planned for Friday, matched to a visit of Tuesday: done, shown until the Friday after.
      entry('anticipata', '2026-12-04', { date: '2026-12-01', how: 'matched', here: false }),
      // Planned for 20/11, done late on 30/11 from the plan: shown until 07/12, not after its plan date's week.
      entry('in-ritardo', '2026-11-20', { date: '2026-11-30', how: 'plan', here: true }),
      // Done on 25/11 as planned: a week later, 02/12, it is gone on 03/12.
      entry('vecchia', '2026-11-25', { date: '2026-11-25', how: 'plan', here: true }),
      entry('da-fare', '2026-12-04'),
    ];
    assert.deepEqual(grouped(entries, '2026-12-03'), [
      ['Oggi', []],
      ['Questa settimana', ['da-fare']],
      ['Più avanti', []],
      ['Già svolte', ['anticipata', 'in-ritardo']],
    ]);
    assert.deepEqual(grouped(entries, '2026-12-08').at(-1), ['Già svolte', ['anticipata']]);
    assert.deepEqual(
      grouped(entries, '2026-12-12').map(([title]) => title),
      ['Date già passate', 'Oggi', 'Questa settimana', 'Più avanti'],
      'a week after the later date no plan done is left (the one still to do is past)',
    );
  });
});
