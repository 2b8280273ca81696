/**
 * What the Scheda's form model (renderer/inspection/model.ts) derives: counts as typed → numbers or
 * an Italian message (never a silent 0), form keys, answer values, the form's starting values,
 * the items and sections shown per service, and the inspection file the live rules read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InspectionDetail, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import { ZONA_FSE_CHECKLIST_1 as checklist, type ChecklistItem } from '../../shared/checklist/index.ts';
import { evaluate, RULE_SETS } from '../../shared/rules/index.ts';
import {
  answerValue,
  buildInspectionFile,
  countsTableFor,
  fieldKey,
  initialValues,
  navSections,
  parseCount,
  parseCounts,
  schedaSchema,
  visibleItems,
  type SchedaValues,
  type VisitState,
} from '../../renderer/inspection/model.ts';

const service = (extra: Partial<ServiceSummary> = {}): ServiceSummary =>
  ({
    id: 's1',
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Impruneta',
    address: 'Via Roma 1',
    referente: 'Anna Rossi',
    capacity: 40,
    kitchen: true,
    territorialRls: false,
    authorizationIssuedOn: '2024-10-15',
    accreditationIssuedOn: null,
    ...extra,
  }) as ServiceSummary;

const detail = (extra: Partial<InspectionDetail> = {}): InspectionDetail =>
  ({
    id: 'i1',
    serviceId: 's1',
    purpose: 'verifica_periodica',
    ruleSet: 'zona-fse@1',
    date: '2025-03-12',
    memberIds: [],
    staffIds: [],
    answers: {},
    children: [],
    staffCounts: { educators: {} },
    photos: [],
    prescriptions: [],
    ...extra,
  }) as InspectionDetail;

const yesno = checklist.items.find((i) => i.kind === 'yesno')!;
const text = checklist.items.find((i) => i.kind === 'text')!;
const countItem: ChecklistItem = { ...yesno, id: 'X.count', kind: 'count' } as ChecklistItem;
const visit: VisitState = {
  purpose: 'verifica_periodica',
  date: '2025-03-12',
  place: null,
  startTime: null,
  endTime: null,
  memberIds: ['m1'],
  staffIds: [],
};

describe('model: counts as typed', () => {
  it('an empty field is not recorded (undefined), never 0', () => {
    assert.deepEqual(parseCount(''), { ok: true, value: undefined });
    assert.deepEqual(parseCount('  '), { ok: true, value: undefined });
  });
  it('whole numbers, also written with a decimal comma', () => {
    assert.deepEqual(parseCount('5'), { ok: true, value: 5 });
    assert.deepEqual(parseCount(' 12 '), { ok: true, value: 12 });
    assert.deepEqual(parseCount('3,0'), { ok: true, value: 3 });
  });
  it('wrong figures get an Italian message', () => {
    assert.deepEqual(parseCount('cinque'), { ok: false, message: 'inserire un numero (cifre)' });
    assert.deepEqual(parseCount('-1'), { ok: false, message: 'non può essere negativo' });
    assert.deepEqual(parseCount('2,5'), { ok: false, message: 'deve essere un numero intero' });
    assert.deepEqual(parseCount('10001'), { ok: false, message: 'numero troppo grande' });
  });
});

describe('model: form keys and answer values', () => {
  it('form keys have no dots and stay distinct', () => {
    const keys = checklist.items.map((i) => fieldKey(i.id));
    assert.ok(keys.every((k) => !k.includes('.')));
    assert.equal(new Set(keys).size, keys.length);
    assert.notEqual(fieldKey('a.b'), fieldKey('a_b'));
  });
  it('yes/no answers, an empty one is «not answered»', () => {
    assert.equal(answerValue(yesno, { value: 'no', note: '' }), 'no');
    assert.equal(answerValue(yesno, { value: '', note: 'x' }), null);
    assert.ok(answerValue(yesno, { value: 'forse', note: '' }) instanceof Error);
  });
  it('count answers: a number, «na», or an Error with the message', () => {
    assert.equal(answerValue(countItem, { value: '7', note: '' }), 7);
    assert.equal(answerValue(countItem, { value: 'NA', note: '' }), 'na');
    const wrong = answerValue(countItem, { value: '-2', note: '' });
    assert.ok(wrong instanceof Error);
    assert.equal(wrong.message, 'non può essere negativo');
  });
  it('text answers are kept as typed', () => {
    assert.equal(answerValue(text, { value: '  due difformità ', note: '' }), '  due difformità ');
  });
  it('the form schema checks count items with the same messages and leaves text free', () => {
    const schema = schedaSchema({ ...checklist, items: [...checklist.items, countItem] });
    const values = initialValues(checklist, detail(), 'nido');
    values.answers[fieldKey(countItem.id)] = { value: '-3', note: '' };
    const r = schema.safeParse(values);
    assert.equal(r.success, false);
    assert.deepEqual(
      r.error!.issues.map((i) => [i.path.join('.'), i.message]),
      [[`answers.${fieldKey(countItem.id)}.value`, 'non può essere negativo']],
    );
    values.answers[fieldKey(countItem.id)] = { value: 'na', note: '' };
    assert.equal(schema.safeParse(values).success, true);
  });
});

describe('model: starting values and counts', () => {
  const table = countsTableFor(checklist, 'nido')!;

  it('the form starts from the saved answers and counts, as text; missing = empty', () => {
    const v = initialValues(
      checklist,
      detail({
        answers: { [yesno.id]: { value: 'yes', note: 'visto' } },
        children: [{ band: '12-23', enrolled: 14, present: 12 }],
        staffCounts: { educators: { planned: 6 }, auxiliaries: { present: 1 } },
      }),
      'nido',
    );
    assert.deepEqual(v.answers[fieldKey(yesno.id)], { value: 'yes', note: 'visto' });
    assert.deepEqual(v.answers[fieldKey(text.id)], { value: '', note: '' });
    assert.deepEqual(Object.keys(v.counts.children), table.bands.map(fieldKey));
    assert.deepEqual(v.counts.children[fieldKey('12-23')], { enrolled: '14', present: '12' });
    assert.deepEqual(v.counts.children[fieldKey('0-11')], { enrolled: '', present: '' });
    assert.deepEqual(v.counts.staff, { educators: { planned: '6', present: '' }, auxiliaries: { planned: '', present: '1' } });
  });

  it('parseCounts gives the bands of the table and leaves empty figures out', () => {
    const v = initialValues(checklist, detail(), 'nido').counts;
    v.children[fieldKey('24-36')] = { enrolled: '21', present: '' };
    v.staff.educators = { planned: '6', present: '5' };
    assert.deepEqual(parseCounts(table, v), {
      children: [{ band: '0-11' }, { band: '12-23' }, { band: '24-36', enrolled: 21 }],
      staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: {} },
    });
  });

  it('parseCounts is null while a figure is wrong (nothing to save)', () => {
    const v = initialValues(checklist, detail(), 'nido').counts;
    v.staff.educators.present = '4,5';
    assert.equal(parseCounts(table, v), null);
  });

  it('a service without auxiliaries in its table (domiciliare) has no auxiliaries counts', () => {
    const dom = countsTableFor(checklist, 'domiciliare')!;
    const v = initialValues(checklist, detail(), 'domiciliare').counts;
    assert.deepEqual(parseCounts(dom, v)?.staffCounts, { educators: {} });
  });
});

describe('model: what the inspector sees', () => {
  it('ACC items only when the service is accredited', () => {
    const plain = visibleItems(checklist, service(), 'verifica_periodica');
    const accredited = visibleItems(checklist, service({ accreditationIssuedOn: '2023-05-02' }), 'verifica_periodica');
    assert.equal(plain.filter((i) => i.section === 'ACC').length, 0);
    assert.ok(accredited.some((i) => i.section === 'ACC'));
    assert.ok(navSections(checklist, service({ accreditationIssuedOn: '2023-05-02' }), 'verifica_periodica').some((s) => s.id === 'ACC'));
    assert.ok(!navSections(checklist, service(), 'verifica_periodica').some((s) => s.id === 'ACC'));
  });

  it('section B is offered for its counts table even when it has no applicable item', () => {
    for (const type of ['nido', 'spazio_gioco', 'centro_bambini_famiglie', 'domiciliare'] as const) {
      const sections = navSections(checklist, service({ type }), 'verifica_periodica').map((s) => s.id);
      assert.ok(sections.includes('B'), type);
      for (const id of sections) {
        if (id === 'B') continue;
        assert.ok(
          visibleItems(checklist, service({ type }), 'verifica_periodica').some((i) => i.section === id),
          `${type}: ${id} has items`,
        );
      }
    }
  });
});

describe('model: the file the live rules read', () => {
  const staff = [
    {
      id: 'p1',
      serviceId: 's1',
      name: 'Giulia Bianchi',
      role: 'educatore',
      title: 'L19',
      titleObtainedOn: null,
      pathStartedOn: null,
      trainings: [],
      active: true,
    },
    {
      id: 'p2',
      serviceId: 's1',
      name: 'Sara Lotti',
      role: 'educatore',
      title: null,
      titleObtainedOn: null,
      pathStartedOn: null,
      trainings: [],
      active: true,
    },
  ] as unknown as StaffPerson[];
  const members = [
    { id: 'm1', name: 'Chiara Fantoni', role: 'Pedagogista zonale' },
    { id: 'm2', name: 'Luca Verdi', role: 'ASL' },
  ];
  const build = (values: SchedaValues, v: VisitState = visit, lastValidCounts = null as ReturnType<typeof parseCounts>) =>
    buildInspectionFile({ ruleSet: 'zona-fse@1', checklist, service: service(), visit: v, members, staff, values, lastValidCounts });

  it('answers of visible items with values and notes; invalid values leave only the note', () => {
    const values = initialValues(checklist, detail(), 'nido');
    values.answers[fieldKey(yesno.id)] = { value: 'no', note: ' ' };
    const second = visibleItems(checklist, service(), 'verifica_periodica').filter((i) => i.kind === 'yesno')[1]!;
    values.answers[fieldKey(second.id)] = { value: 'forse', note: 'da rivedere' };
    const answers = build(values).answers ?? {};
    assert.deepEqual(answers[yesno.id], { value: 'no' }, 'a blank note is not stored');
    assert.deepEqual(answers[second.id], { note: 'da rivedere' });
    assert.equal(Object.keys(answers).length, 2);
  });

  it('the commission present and the staff chosen; no staff chosen = staff not recorded', () => {
    const values = initialValues(checklist, detail(), 'nido');
    const none = build(values);
    assert.deepEqual(none.visit.members, [{ name: 'Chiara Fantoni', role: 'Pedagogista zonale' }]);
    assert.equal(none.people, undefined);
    const some = build(values, { ...visit, staffIds: ['p2'] });
    assert.deepEqual(
      some.people?.map((p) => p.id),
      ['p2'],
    );
  });

  it('the place and times as the host seals them: only what is recorded', () => {
    const values = initialValues(checklist, detail(), 'nido');
    assert.deepEqual(Object.keys(build(values).visit).sort(), ['date', 'members', 'purpose']);
    const timed = build(values, { ...visit, place: 'Sede del servizio, via Roma 1, Bagno a Ripoli', startTime: '09:30', endTime: '12:15' });
    assert.deepEqual(
      [timed.visit.place, timed.visit.startTime, timed.visit.endTime],
      ['Sede del servizio, via Roma 1, Bagno a Ripoli', '09:30', '12:15'],
    );
    assert.equal(build(values, { ...visit, startTime: '09:30' }).visit.endTime, undefined);
  });

  it('while a typed figure is wrong the rules see the last valid counts, not a guess', () => {
    const table = countsTableFor(checklist, 'nido')!;
    const values = initialValues(checklist, detail(), 'nido');
    values.counts.staff.educators = { planned: '6', present: '5' };
    const lastValid = parseCounts(table, values.counts);
    values.counts.staff.educators.present = '-1';
    const file = build(values, visit, lastValid);
    assert.deepEqual(file.staffCounts?.educators, { planned: 6, present: 5 });
    const without = build(values, visit, null);
    assert.equal(without.staffCounts, undefined);
  });

  it('is a file the rules evaluate', () => {
    const values = initialValues(checklist, detail(), 'nido');
    const result = evaluate(build(values), RULE_SETS.get('zona-fse@1')!, checklist);
    assert.ok(result.findings.length > 0);
  });
});
