/**
 * Worked examples of every rule of zona-fse@1, each citing the article it applies.
 * Figures are computed by hand in the comments.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluate,
  RULE_SETS,
  ZONA_FSE_1,
  deriveRuleSet,
  actValidity,
  inspectionsDue,
  coverage,
  RULE_IDS,
  type CheckResult,
  type Finding,
} from '../../shared/rules/index.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import { compliantPeople, nidoFile, person } from '../helpers/inspection.ts';

const rs = ZONA_FSE_1;
const byRule = (r: CheckResult, rule: string): Finding => {
  const f = r.findings.find((x) => x.rule === rule);
  assert.ok(f, `finding ${rule} missing`);
  return f;
};
const outcome = (file: InspectionFile, rule: string) => byRule(evaluate(file, rs), rule).outcome;

describe('DOMAIN.md example (Nido Il Girasole)', () => {
  const result = evaluate(nidoFile(), rs, getChecklist('zona-fse@1'));
  it('gives the required figures of DOMAIN.md', () => {
    // planned: 0.8×5/6 + 0.8×14/7 + 0.8×21/10 = 2/3 + 8/5 + 42/25 = 3.9466… → 4
    // present: 5/6 + 12/7 + 18/10 = 4.3476… → 5; auxiliaries ceil(40/30)=2, ceil(35/30)=2
    assert.deepEqual(result.required, { educatorsPlanned: 4, educatorsPresent: 5, auxiliariesPlanned: 2, auxiliariesPresent: 2 });
    assert.equal(result.ruleSet, 'zona-fse@1');
  });
  it('computes act validity (Reg. zonale artt. 11, 14)', () => {
    assert.equal(result.authorization.validUntil, '2028-08-31');
    assert.equal(result.accreditation.validUntil, '2026-08-31');
  });
  it('emits every stable rule id once, each with an article', () => {
    for (const id of RULE_IDS) assert.equal(result.findings.filter((f) => f.rule === id).length, 1, id);
    for (const f of result.findings) assert.ok(f.article.length > 5, `${f.rule} cites an article`);
  });
  it('passes educators present and fails auxiliaries present (1 of 2)', () => {
    assert.equal(byRule(result, 'ratio.educators.present').outcome, 'pass');
    const aux = byRule(result, 'ratio.auxiliaries.present');
    assert.equal(aux.outcome, 'fail');
    assert.equal(aux.article, 'Reg. zonale art. 9 c.1 lett. b');
    assert.match(aux.message, /Addetti presenti 1, necessari 2/);
  });
});

describe('capacity.range (DPGR 41/R/2013 artt. 25-32-39-42 c.2)', () => {
  const cases: Array<[InspectionFile['service']['type'], number, string]> = [
    ['nido', 6, 'fail'],
    ['nido', 7, 'pass'],
    ['nido', 60, 'pass'],
    ['nido', 61, 'fail'],
    ['spazio_gioco', 5, 'fail'],
    ['spazio_gioco', 6, 'pass'],
    ['spazio_gioco', 50, 'pass'],
    ['spazio_gioco', 51, 'fail'],
    ['centro_bambini_famiglie', 6, 'pass'],
    ['centro_bambini_famiglie', 40, 'pass'],
    ['centro_bambini_famiglie', 41, 'fail'],
    ['domiciliare', 2, 'fail'],
    ['domiciliare', 3, 'pass'],
    ['domiciliare', 6, 'pass'],
    ['domiciliare', 7, 'fail'],
  ];
  for (const [type, capacity, expected] of cases) {
    it(`${type} capacity ${capacity} → ${expected}`, () => {
      const file = nidoFile({ service: { name: 'S', type, capacity }, children: undefined });
      const f = byRule(evaluate(file, rs), 'capacity.range');
      assert.equal(f.outcome, expected);
      assert.match(f.message, new RegExp(`Capienza ${capacity}`));
    });
  }
});

describe('enrollment.ceiling and presence.capacity', () => {
  const withKids = (type: InspectionFile['service']['type'], capacity: number, band: string, enrolled: number, present: number) =>
    nidoFile({ service: { name: 'S', type, capacity }, children: [{ band, enrolled, present }], staffCounts: undefined });
  it('nido 40: 40 enrolled pass, 48 warn (floor(40×6/5)=48), 49 fail', () => {
    assert.equal(outcome(withKids('nido', 40, '24-36', 40, 30), 'enrollment.ceiling'), 'pass');
    const warn = byRule(evaluate(withKids('nido', 40, '24-36', 48, 30), rs), 'enrollment.ceiling');
    assert.equal(warn.outcome, 'warn');
    assert.match(warn.message, /massimo 48/);
    assert.equal(outcome(withKids('nido', 40, '24-36', 49, 30), 'enrollment.ceiling'), 'fail');
  });
  it('rounds the tolerance down: capacity 23 → ceiling floor(27.6) = 27', () => {
    assert.equal(outcome(withKids('nido', 23, '24-36', 27, 20), 'enrollment.ceiling'), 'warn');
    assert.equal(outcome(withKids('nido', 23, '24-36', 28, 20), 'enrollment.ceiling'), 'fail');
  });
  it('caps at the absolute maximum: spazio gioco 50 → 60', () => {
    assert.equal(outcome(withKids('spazio_gioco', 50, '24-36', 60, 20), 'enrollment.ceiling'), 'warn');
    assert.equal(outcome(withKids('spazio_gioco', 50, '24-36', 61, 20), 'enrollment.ceiling'), 'fail');
  });
  it('domiciliare has no tolerance: 6 of 6 pass, 7 fail', () => {
    assert.equal(outcome(withKids('domiciliare', 6, '0-36', 6, 5), 'enrollment.ceiling'), 'pass');
    assert.equal(outcome(withKids('domiciliare', 6, '0-36', 7, 5), 'enrollment.ceiling'), 'fail');
  });
  it('present children never exceed capacity: "Presenti 21 bambini, capienza 20"', () => {
    const f = byRule(evaluate(withKids('nido', 20, '24-36', 22, 21), rs), 'presence.capacity');
    assert.equal(f.outcome, 'fail');
    assert.equal(f.message, 'Presenti 21 bambini, capienza 20');
    assert.equal(outcome(withKids('nido', 20, '24-36', 22, 20), 'presence.capacity'), 'pass');
  });
  it('is na when counts are not recorded, never pass', () => {
    const file = nidoFile({
      children: [
        { band: '0-11', enrolled: 5 },
        { band: '24-36', present: 3 },
      ],
    });
    const r = evaluate(file, rs);
    assert.equal(byRule(r, 'presence.capacity').outcome, 'na');
    assert.equal(byRule(r, 'enrollment.ceiling').outcome, 'na');
    assert.equal(byRule(evaluate(nidoFile({ children: undefined }), rs), 'enrollment.ceiling').outcome, 'na');
  });
  it('a band the file does not list counts as no children', () => {
    const r = evaluate(nidoFile({ children: [{ band: '24-36', enrolled: 10, present: 10 }] }), rs);
    assert.equal(r.required.educatorsPresent, 1);
  });
});

describe('ratio.educators.* (DPGR 41/R/2013 artt. 27-34-41), exact arithmetic', () => {
  it('12 children 0-11 and 5 of 24-36 enrolled need 2 educators, not 3 (floats give 2.0000000000000004)', () => {
    assert.ok(Math.ceil((0.8 * 12) / 6 + (0.8 * 5) / 10) === 3, 'the float trap exists');
    const file = nidoFile({
      children: [
        { band: '0-11', enrolled: 12, present: 12 },
        { band: '24-36', enrolled: 5, present: 5 },
      ],
      staffCounts: { educators: { planned: 2, present: 3 } },
    });
    const r = evaluate(file, rs);
    assert.equal(r.required.educatorsPlanned, 2);
    assert.equal(byRule(r, 'ratio.educators.planned').outcome, 'pass');
  });
  it('present: 7/6 + 0 = 1.17 → 2; with one educator present it fails and says so', () => {
    const file = nidoFile({
      children: [{ band: '0-11', enrolled: 7, present: 7 }],
      staffCounts: { educators: { planned: 1, present: 1 } },
    });
    const r = evaluate(file, rs);
    const f = byRule(r, 'ratio.educators.present');
    assert.equal(f.outcome, 'fail');
    assert.match(f.message, /Educatori presenti 1, necessari 2/);
    // planned: 0.8×7/6 = 0.933… → 1
    assert.equal(byRule(r, 'ratio.educators.planned').outcome, 'pass');
  });
  it('spazio gioco: 12 (12-17) + 8 (18-23) + 10 (24-36) present → 2 + 1 + 1 = 4', () => {
    const file = nidoFile({
      service: { name: 'SG', type: 'spazio_gioco', capacity: 30 },
      children: [
        { band: '12-17', enrolled: 12, present: 12 },
        { band: '18-23', enrolled: 8, present: 8 },
        { band: '24-36', enrolled: 10, present: 10 },
      ],
      staffCounts: { educators: { planned: 3, present: 4 } },
    });
    const r = evaluate(file, rs);
    assert.equal(r.required.educatorsPresent, 4);
    // planned on 80%: 9.6/6 + 6.4/8 + 8/10 = 1.6 + 0.8 + 0.8 = 3.2 → 4
    assert.equal(r.required.educatorsPlanned, 4);
    assert.equal(byRule(r, 'ratio.educators.planned').outcome, 'fail');
    assert.equal(byRule(r, 'ratio.educators.present').outcome, 'pass');
  });
  it('centro bambini e famiglie: 25 present at 1:10 → 3', () => {
    const file = nidoFile({
      service: { name: 'C', type: 'centro_bambini_famiglie', capacity: 30 },
      children: [{ band: '0-36', enrolled: 28, present: 25 }],
      staffCounts: { educators: { planned: 3, present: 3 } },
    });
    const r = evaluate(file, rs);
    assert.equal(r.required.educatorsPresent, 3);
    assert.equal(r.required.educatorsPlanned, 3); // 22.4/10 → 3
  });
  it('domiciliare sets no ratio: na with the reason', () => {
    const file = nidoFile({
      service: { name: 'D', type: 'domiciliare', capacity: 5 },
      children: [{ band: '0-36', enrolled: 5, present: 4 }],
      staffCounts: { educators: { planned: 1, present: 1 } },
    });
    const r = evaluate(file, rs);
    assert.equal(byRule(r, 'ratio.educators.present').outcome, 'na');
    assert.match(byRule(r, 'ratio.educators.present').message, /non stabilito/);
    assert.equal(r.required.educatorsPresent, null);
  });
  it('is na when educators are not recorded but still reports the requirement', () => {
    const r = evaluate(nidoFile({ staffCounts: undefined }), rs);
    const f = byRule(r, 'ratio.educators.planned');
    assert.equal(f.outcome, 'na');
    assert.match(f.message, /necessari 4/);
  });
});

describe('ratio.auxiliaries.* (Reg. zonale art. 9 c.1 lett. b: 1 every 30, nido)', () => {
  it('30 children need 1, 31 need 2', () => {
    const f30 = nidoFile({
      children: [{ band: '24-36', enrolled: 30, present: 30 }],
      staffCounts: { auxiliaries: { planned: 1, present: 1 } },
    });
    assert.equal(evaluate(f30, rs).required.auxiliariesPresent, 1);
    assert.equal(outcome(f30, 'ratio.auxiliaries.present'), 'pass');
    const f31 = nidoFile({
      children: [{ band: '24-36', enrolled: 31, present: 31 }],
      staffCounts: { auxiliaries: { planned: 1, present: 1 } },
    });
    assert.equal(outcome(f31, 'ratio.auxiliaries.present'), 'fail');
    assert.equal(outcome(f31, 'ratio.auxiliaries.planned'), 'fail');
  });
  it('is na outside the nido', () => {
    const file = nidoFile({
      service: { name: 'SG', type: 'spazio_gioco', capacity: 20 },
      children: [{ band: '24-36', enrolled: 20, present: 20 }],
    });
    assert.equal(outcome(file, 'ratio.auxiliaries.present'), 'na');
  });
  it('a second territory with 1 auxiliary every 25 is only data', () => {
    const comune = deriveRuleSet(ZONA_FSE_1, (d) => {
      d.id = 'comune-esempio';
      d.serviceTypes.nido.childrenPerAuxiliary = 25;
      d.articles['ratio.auxiliaries.present'] = 'Regolamento comunale art. 4';
    });
    const file = nidoFile({
      ruleSet: 'comune-esempio@1',
      children: [{ band: '24-36', enrolled: 30, present: 30 }],
      staffCounts: { auxiliaries: { planned: 1, present: 1 } },
    });
    const r = evaluate(file, comune);
    assert.equal(r.ruleSet, 'comune-esempio@1');
    assert.equal(r.required.auxiliariesPresent, 2);
    assert.equal(byRule(r, 'ratio.auxiliaries.present').article, 'Regolamento comunale art. 4');
    assert.equal(byRule(r, 'ratio.auxiliaries.present').outcome, 'fail');
    assert.equal(byRule(evaluate(file, ZONA_FSE_1), 'ratio.auxiliaries.present').outcome, 'pass');
  });
  it('rejects an invalid variant (ratio 0) at construction', () => {
    assert.throws(() =>
      deriveRuleSet(ZONA_FSE_1, (d) => {
        d.serviceTypes.nido.childrenPerAuxiliary = 0;
      }),
    );
  });
});

describe('training coverage and dates', () => {
  it('a course done on D with N years expires on D + N years and is valid strictly before', () => {
    const p = person('a', [{ course: 'first_aid', hours: 12, completedOn: '2022-03-12' }]);
    assert.equal(coverage(rs, p, 'first_aid', '2025-03-11').valid, true);
    const on = coverage(rs, p, 'first_aid', '2025-03-12');
    assert.equal(on.valid, false);
    assert.equal(on.expiresOn, '2025-03-12');
    assert.match(on.reason ?? '', /scaduto il 12\/03\/2025/);
  });
  it('29 February becomes 28 February', () => {
    const p = person('a', [{ course: 'first_aid', hours: 12, completedOn: '2024-02-29' }]);
    assert.equal(coverage(rs, p, 'first_aid', '2024-06-01').expiresOn, '2027-02-28');
    assert.equal(coverage(rs, p, 'first_aid', '2027-02-27').valid, true);
    assert.equal(coverage(rs, p, 'first_aid', '2027-02-28').valid, false);
  });
  it('short courses do not count (first aid 12 h, fire 8 h)', () => {
    assert.equal(
      coverage(rs, person('a', [{ course: 'first_aid', hours: 8, completedOn: '2024-01-01' }]), 'first_aid', '2025-01-01').valid,
      false,
    );
    assert.equal(coverage(rs, person('a', [{ course: 'fire', hours: 4, completedOn: '2024-01-01' }]), 'fire', '2025-01-01').valid, false);
  });
  it('HACCP: 5 years, then a refresher restarts 5 years; a refresher alone does not count', () => {
    const base = { course: 'haccp_simple' as const, hours: 8, completedOn: '2018-04-01' };
    const refresh = { course: 'haccp_simple' as const, hours: 4, completedOn: '2023-03-01', refresh: true };
    assert.equal(coverage(rs, person('a', [base]), 'haccp_simple', '2023-04-01').valid, false);
    const renewed = coverage(rs, person('a', [base, refresh]), 'haccp_simple', '2025-01-01');
    assert.equal(renewed.valid, true);
    assert.equal(renewed.expiresOn, '2028-03-01');
    assert.equal(coverage(rs, person('a', [refresh]), 'haccp_simple', '2025-01-01').valid, false);
  });
  it('RSPP needs 16 to 48 hours', () => {
    assert.equal(coverage(rs, person('a', [{ course: 'rspp', hours: 12, completedOn: '2020-01-01' }]), 'rspp', '2025-01-01').valid, false);
    assert.equal(coverage(rs, person('a', [{ course: 'rspp', hours: 16, completedOn: '2020-01-01' }]), 'rspp', '2025-01-01').valid, true);
    assert.equal(coverage(rs, person('a', [{ course: 'rspp', hours: 60, completedOn: '2020-01-01' }]), 'rspp', '2025-01-01').valid, false);
  });
  it('courses dated after the visit are ignored', () => {
    assert.equal(coverage(rs, person('a', [{ course: 'fire', hours: 8, completedOn: '2025-03-13' }]), 'fire', '2025-03-12').valid, false);
  });
});

describe('training rules (Scheda F, Area Formazione)', () => {
  it('a compliant roster passes every training rule', () => {
    const r = evaluate(nidoFile({ people: compliantPeople() }), rs);
    for (const id of ['training.fire', 'training.first_aid', 'training.rspp', 'training.rls', 'training.haccp', 'staff.titles'])
      assert.equal(byRule(r, id).outcome, 'pass', `${id}: ${byRule(r, id).message}`);
  });
  it('fire: one expired of two → fail, naming the expired one', () => {
    const people = compliantPeople();
    people[0]!.trainings = [
      { course: 'fire', hours: 8, completedOn: '2019-01-10' },
      { course: 'first_aid', hours: 12, completedOn: '2024-01-10' },
    ];
    const f = byRule(evaluate(nidoFile({ people }), rs), 'training.fire');
    assert.equal(f.outcome, 'fail');
    assert.match(f.message, /valido: 1 \(minimo 2\)/);
    assert.match(f.message, /p1 \(scaduto il 10\/01\/2024\)/);
  });
  it('first aid expiring within 60 days → warn', () => {
    const people = compliantPeople();
    people[1]!.trainings![1] = { course: 'first_aid', hours: 12, completedOn: '2022-04-20' }; // expires 2025-04-20, 39 days after the visit
    const f = byRule(evaluate(nidoFile({ people }), rs), 'training.first_aid');
    assert.equal(f.outcome, 'warn');
    assert.match(f.message, /20\/04\/2025/);
  });
  it('RLS: a territorial RLS satisfies the rule without a certificate', () => {
    const people = compliantPeople().map((p) => ({ ...p, trainings: p.trainings?.filter((t) => t.course !== 'rls') }));
    assert.equal(outcome(nidoFile({ people }), 'training.rls'), 'fail');
    const file = nidoFile({ people });
    file.service = { ...file.service, territorialRls: true };
    assert.equal(outcome(file, 'training.rls'), 'pass');
  });
  it('HACCP: with a kitchen the manager needs 16 h; without, 12 h are enough', () => {
    const people = compliantPeople();
    people[2]!.trainings = [
      { course: 'rspp', hours: 32, completedOn: '2020-02-01' },
      { course: 'haccp_manager', hours: 12, completedOn: '2022-06-01' },
    ];
    assert.equal(outcome(nidoFile({ people }), 'training.haccp'), 'fail');
    const noKitchen = nidoFile({ people });
    noKitchen.service = { ...noKitchen.service, kitchen: false };
    assert.equal(outcome(noKitchen, 'training.haccp'), 'pass');
  });
  it('HACCP: kitchen unknown → na; a cook without certificate → fail', () => {
    const file = nidoFile({ people: compliantPeople() });
    file.service = { ...file.service, kitchen: undefined };
    assert.equal(outcome(file, 'training.haccp'), 'na');
    const people = compliantPeople();
    people.push(person('p5', [], { role: 'cuoco', title: undefined }));
    const f = byRule(evaluate(nidoFile({ people }), rs), 'training.haccp');
    assert.equal(f.outcome, 'fail');
    assert.match(f.message, /p5: addetto cucina senza attestato/);
  });
  it('every training rule is na without a roster, never pass', () => {
    const r = evaluate(nidoFile(), rs);
    for (const id of ['training.fire', 'training.first_aid', 'training.rspp', 'training.rls', 'training.haccp', 'staff.titles'])
      assert.equal(byRule(r, id).outcome, 'na', id);
  });
});

describe('staff.titles (DPGR 41/R/2013 art. 13)', () => {
  const withEducator = (extra: Parameters<typeof person>[2]) => nidoFile({ people: [person('e', [], extra)] });
  it('L19 and LM-85 bis + 60 CFU are valid', () => {
    assert.equal(outcome(withEducator({ title: 'L19' }), 'staff.titles'), 'pass');
    assert.equal(outcome(withEducator({ title: 'LM-85bis+60CFU' }), 'staff.titles'), 'pass');
  });
  it('previous Tuscan titles count only when obtained by 31 Aug 2018', () => {
    assert.equal(outcome(withEducator({ title: 'previgente_toscana', titleObtainedOn: '2018-08-31' }), 'staff.titles'), 'pass');
    assert.equal(outcome(withEducator({ title: 'previgente_toscana', titleObtainedOn: '2018-09-01' }), 'staff.titles'), 'fail');
    assert.equal(outcome(withEducator({ title: 'previgente_toscana' }), 'staff.titles'), 'fail');
  });
  it('transitional paths count when started in 2018/19', () => {
    assert.equal(
      outcome(withEducator({ title: 'transitorio_master_prima_infanzia', pathStartedOn: '2018-11-05' }), 'staff.titles'),
      'pass',
    );
    assert.equal(
      outcome(withEducator({ title: 'transitorio_laurea_pedagogica_psicologica', pathStartedOn: '2019-10-01' }), 'staff.titles'),
      'fail',
    );
  });
  it('no title or another title fails; no educators is na', () => {
    assert.equal(outcome(withEducator({ title: undefined }), 'staff.titles'), 'fail');
    assert.equal(outcome(withEducator({ title: 'altro' }), 'staff.titles'), 'fail');
    assert.equal(outcome(nidoFile({ people: [person('a', [], { role: 'ausiliario', title: undefined })] }), 'staff.titles'), 'na');
  });
});

describe('authorization.valid / accreditation.valid (Reg. zonale artt. 11, 14)', () => {
  const cases: Array<[string, string]> = [
    ['2024-10-15', '2028-08-31'], // year 2024/25 → three after: 25/26, 26/27, 27/28
    ['2024-06-10', '2027-08-31'], // year 2023/24
    ['2024-09-01', '2028-08-31'], // first day of 2024/25
    ['2024-08-31', '2027-08-31'], // last day of 2023/24
    ['2020-02-29', '2023-08-31'],
  ];
  for (const [issued, until] of cases)
    it(`issued ${issued} → valid until ${until}`, () => assert.equal(actValidity(rs, issued).validUntil, until));
  const visitOn = (date: string) => nidoFile({ visit: { date, purpose: 'verifica_periodica' } });
  it('valid until the last day, expired the day after, warning within 90 days', () => {
    assert.equal(outcome(visitOn('2028-08-31'), 'authorization.valid'), 'warn');
    assert.equal(outcome(visitOn('2028-09-01'), 'authorization.valid'), 'fail');
    assert.equal(outcome(visitOn('2028-06-02'), 'authorization.valid'), 'warn'); // 90 days before
    assert.equal(outcome(visitOn('2028-06-01'), 'authorization.valid'), 'pass');
    const f = byRule(evaluate(visitOn('2026-09-01'), rs), 'accreditation.valid');
    assert.equal(f.outcome, 'fail');
    assert.match(f.message, /Accreditamento scaduto il 31\/08\/2026/);
  });
  it('is na without an issue date', () => {
    const file = nidoFile();
    file.service = { name: 'X', type: 'nido', capacity: 20 };
    assert.equal(outcome(file, 'authorization.valid'), 'na');
    assert.equal(outcome(file, 'accreditation.valid'), 'na');
  });
});

describe('inspections due (Reg. zonale art. 17: two a year)', () => {
  it('one per semester: nothing yet in H2 → due by 31 Dec', () => {
    const d = inspectionsDue(rs, ['2025-03-12'], '2025-09-10');
    assert.deepEqual(
      d.periods.map((p) => p.status),
      ['done', 'due'],
    );
    assert.equal(d.nextDueBy, '2025-12-31');
    assert.equal(d.overdue, false);
  });
  it('a semester without inspection is overdue once it has ended', () => {
    const d = inspectionsDue(rs, ['2025-09-01'], '2025-10-01');
    assert.deepEqual(
      d.periods.map((p) => p.status),
      ['overdue', 'done'],
    );
    assert.equal(d.overdue, true);
    assert.equal(d.nextDueBy, null);
  });
  it('periods that ended before the authorisation was issued are not owed', () => {
    const d = inspectionsDue(rs, [], '2025-10-01', '2025-07-20');
    assert.deepEqual(
      d.periods.map((p) => p.status),
      ['due'],
    );
    assert.equal(d.overdue, false);
    assert.equal(d.nextDueBy, '2025-12-31');
    assert.equal(inspectionsDue(rs, [], '2025-10-01', '2025-06-30').overdue, true, 'issued on the last day of H1: H1 is owed');
  });
  it('early in the year the first semester is due by 30 June', () => {
    assert.equal(inspectionsDue(rs, [], '2025-02-01').nextDueBy, '2025-06-30');
  });
});

describe('checklist answers become findings with the item id', () => {
  it('a "no" on an applicable item fails with its article and the note', () => {
    const checklist = getChecklist('zona-fse@1')!;
    const item = checklist.items.find((i) => i.kind === 'yesno' && i.section === 'F')!;
    const file = nidoFile({ answers: { [item.id]: { value: 'no', note: 'mancante al sopralluogo' } } });
    const r = evaluate(file, rs, checklist);
    const f = byRule(r, item.id);
    assert.equal(f.outcome, 'fail');
    assert.equal(f.article, item.article);
    assert.match(f.message, /mancante al sopralluogo/);
  });
  it('a "no" on an item excluded for domiciliare is not a finding', () => {
    const checklist = getChecklist('zona-fse@1')!;
    const excluded = checklist.items.find((i) => !i.serviceTypes.includes('domiciliare'))!;
    const file = nidoFile({
      service: { name: 'D', type: 'domiciliare', capacity: 4 },
      children: undefined,
      answers: { [excluded.id]: { value: 'no' } },
    });
    assert.equal(
      evaluate(file, rs, checklist).findings.some((f) => f.rule === excluded.id),
      false,
    );
  });
});

it('the registry knows zona-fse@1', () => {
  assert.equal(RULE_SETS.get('zona-fse@1'), ZONA_FSE_1);
});

describe('Accreditamento items in a periodic check (checklist applicability)', () => {
  const checklist = getChecklist('zona-fse@1')!;
  const acc = checklist.items.find((i) => i.section === 'ACC' && i.kind === 'yesno')!;
  it('a "no" on an ACC item counts for an accredited service', () => {
    const file = nidoFile({ answers: { [acc.id]: { value: 'no' } } });
    assert.equal(byRule(evaluate(file, rs, checklist), acc.id).outcome, 'fail');
  });
  it('does not count in the periodic check of a service that is only authorised', () => {
    const file = nidoFile({ answers: { [acc.id]: { value: 'no' } } });
    file.service = { ...file.service, accreditation: undefined };
    assert.equal(
      evaluate(file, rs, checklist).findings.some((f) => f.rule === acc.id),
      false,
    );
    // …but it does when the visit is for accreditation itself.
    const forAccreditation = { ...file, visit: { ...file.visit, purpose: 'accreditamento' as const } };
    assert.equal(byRule(evaluate(forAccreditation, rs, checklist), acc.id).outcome, 'fail');
  });
});
