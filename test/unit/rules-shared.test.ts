/**
 * The rules the laptop host and the office both apply: where an act stands (artt. 11, 14), what a
 * service owes under Art. 17, and whether an answer suits its item.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actStatus, serviceInspectionsDue, validateAgainst, ZONA_FSE_1 } from '../../shared/rules/index.ts';
import { answerFits, answerMisfitMessage, getChecklist } from '../../shared/checklist/index.ts';
import { nidoFile } from '../helpers/inspection.ts';

const rs = ZONA_FSE_1;

describe('actStatus (Reg. zonale artt. 11, 14)', () => {
  // Issued 2024-10-15 → valid until 2028-08-31; the 90-day warning starts on 2028-06-02.
  const on = (asOf: string) => actStatus(rs, '2024-10-15', asOf).status;
  it('valid before the warning window, expiring from its first day', () => {
    assert.equal(on('2028-06-01'), 'valid');
    assert.equal(on('2028-06-02'), 'expiring');
  });
  it('an act expiring today is still in force (expiring), expired the day after', () => {
    assert.equal(on('2028-08-31'), 'expiring');
    assert.equal(on('2028-09-01'), 'expired');
  });
  it('carries the validity it was judged on', () => {
    assert.deepEqual(actStatus(rs, '2024-10-15', '2025-01-01'), { validUntil: '2028-08-31', warnFrom: '2028-06-02', status: 'valid' });
  });
  it('issued on 29 February of a leap year', () => {
    const a = actStatus(rs, '2024-02-29', '2027-08-31');
    assert.equal(a.validUntil, '2027-08-31');
    assert.equal(a.status, 'expiring');
    assert.equal(actStatus(rs, '2024-02-29', '2027-09-01').status, 'expired');
  });
});

describe('serviceInspectionsDue (Reg. zonale art. 17)', () => {
  const authorised = { authorizationIssuedOn: '2020-03-01', accreditationIssuedOn: null };
  it('a service without acts is not bound and owes nothing, but its last visit is still known', () => {
    const d = serviceInspectionsDue(rs, { authorizationIssuedOn: null, accreditationIssuedOn: null }, ['2025-03-01'], '2025-10-01');
    assert.deepEqual(d, { bound: false, lastVisit: '2025-03-01', periods: [], nextDueBy: null, overdue: false, standing: null });
  });
  it('never inspected: the ended semester is overdue, no last visit', () => {
    const d = serviceInspectionsDue(rs, authorised, [], '2025-10-01');
    assert.equal(d.bound, true);
    assert.equal(d.lastVisit, null);
    assert.deepEqual(
      d.periods.map((p) => p.status),
      ['overdue', 'due'],
    );
    assert.equal(d.overdue, true);
  });
  it('a visit booked after today does not count as made', () => {
    const d = serviceInspectionsDue(rs, authorised, ['2025-03-10', '2025-11-20'], '2025-10-01');
    assert.equal(d.lastVisit, '2025-03-10');
    assert.deepEqual(
      d.periods.map((p) => p.status),
      ['done', 'due'],
    );
    assert.equal(d.nextDueBy, '2025-12-31');
  });
  it('a visit today counts; semesters end on 30 June and 31 December', () => {
    const d = serviceInspectionsDue(rs, authorised, ['2025-06-30'], '2025-06-30');
    assert.equal(d.lastVisit, '2025-06-30');
    assert.deepEqual(
      d.periods.map((p) => [p.to, p.status]),
      [
        ['2025-06-30', 'done'],
        ['2025-12-31', 'future'],
      ],
    );
    assert.equal(serviceInspectionsDue(rs, authorised, [], '2025-07-01').overdue, true, 'the day after the end of June, H1 is overdue');
  });
  it('the obligation starts at the earliest act, whichever it is', () => {
    const d = serviceInspectionsDue(rs, { authorizationIssuedOn: '2025-08-01', accreditationIssuedOn: '2025-02-28' }, [], '2025-10-01');
    assert.equal(d.overdue, true, 'accredited in February: the first semester was owed');
    const later = serviceInspectionsDue(rs, { authorizationIssuedOn: '2025-08-01', accreditationIssuedOn: null }, [], '2025-10-01');
    assert.deepEqual(
      later.periods.map((p) => p.status),
      ['due'],
    );
  });
  it('standing: owed by the end of the current semester, or in order until the end of the next one (across the year)', () => {
    assert.deepEqual(serviceInspectionsDue(rs, authorised, [], '2026-12-02').standing, { kind: 'due', by: '2026-12-31' });
    assert.deepEqual(serviceInspectionsDue(rs, authorised, ['2026-03-01'], '2026-05-02').standing, { kind: 'in_order', by: '2026-12-31' });
    assert.deepEqual(serviceInspectionsDue(rs, authorised, ['2026-10-01'], '2026-12-02').standing, { kind: 'in_order', by: '2027-06-30' });
    const future = { authorizationIssuedOn: '2027-02-01', accreditationIssuedOn: null };
    assert.deepEqual(
      serviceInspectionsDue(rs, future, [], '2026-12-02').standing,
      { kind: 'in_order', by: '2027-06-30' },
      'act not yet in force',
    );
  });
  it('dates out of order give the latest visit', () => {
    assert.equal(serviceInspectionsDue(rs, authorised, ['2025-05-02', '2025-01-15', '2025-03-31'], '2025-06-01').lastVisit, '2025-05-02');
  });
});

describe('answerFits', () => {
  it('checks each kind', () => {
    assert.equal(answerFits('yesno', 'yes'), true);
    assert.equal(answerFits('yesno', 'si'), false);
    assert.equal(answerFits('yesno', 1), false);
    assert.equal(answerFits('count', 3), true);
    assert.equal(answerFits('count', 'na'), true);
    assert.equal(answerFits('count', '3'), false);
    assert.equal(answerFits('text', 'ok'), true);
    assert.equal(answerFits('text', 2), false);
  });
  it('a date must be a real calendar day', () => {
    assert.equal(answerFits('date', '2024-02-29'), true, 'leap day');
    assert.equal(answerFits('date', '2025-02-29'), false, 'not a leap year');
    assert.equal(answerFits('date', '2025-04-31'), false, 'April has 30 days');
    assert.equal(answerFits('date', '2025-12-31'), true);
    assert.equal(answerFits('date', 'na'), true);
    assert.equal(answerFits('date', '31/12/2025'), false);
  });
  it('names what the item expects, in Italian', () => {
    assert.equal(answerMisfitMessage('date'), 'valore non adatto a una voce di tipo data (AAAA-MM-GG)');
    assert.equal(answerMisfitMessage('yesno'), 'valore non adatto a una voce di tipo sì/no');
  });
  it('validateAgainst refuses the same values as the laptop does', () => {
    // The Scheda of zona-fse@1 has no date field yet: a territory's edition may add one.
    const scheda = getChecklist('zona-fse@1')!;
    const dateItem = { ...scheda.items[0]!, kind: 'date' as const };
    const checklist = { ...scheda, items: [dateItem, ...scheda.items.slice(1)] };
    const file = nidoFile({ answers: { [dateItem.id]: { value: '2025-02-30' } } });
    assert.deepEqual(validateAgainst(file, rs, checklist), [`answers.${dateItem.id}.value: ${answerMisfitMessage('date')}`]);
    assert.deepEqual(validateAgainst(nidoFile({ answers: { [dateItem.id]: { value: '2024-02-29' } } }), rs, checklist), []);
  });
});
