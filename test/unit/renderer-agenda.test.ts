/** The «Agenda»'s groups: today, the rest of the week up to Sunday, later; past dates first, only when there are any. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgendaEntry } from '../../shared/api/contract.ts';
import { agendaGroups } from '../../renderer/agenda/groups.ts';

const entry = (planId: string, date: string): AgendaEntry => ({
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
});
