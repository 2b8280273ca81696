/** Properties the staffing and date rules must keep for every input, checked with fast-check. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, ZONA_FSE_1, bandCounts, requiredEducators, type CheckResult } from '../../shared/rules/index.ts';
import { SERVICE_TYPES, type ServiceType } from '../../shared/domain.ts';
import { addYears, compareDates, fromDayNumber, toDayNumber, isIsoDate } from '../../shared/dates.ts';
import type { InspectionFile } from '../../shared/inspection.ts';

const rs = ZONA_FSE_1;
const ratioTypes = SERVICE_TYPES.filter((t) => t !== 'domiciliare');

const arbFile = (types: readonly ServiceType[]) =>
  fc
    .constantFrom(...types)
    .chain((type) => {
      const rules = rs.serviceTypes[type];
      return fc.record({
        type: fc.constant(type),
        capacity: fc.integer({ min: rules.capacity.min, max: rules.capacity.max }),
        bands: fc.tuple(
          ...rules.bands.map((b) =>
            fc.record({ band: fc.constant(b.id), enrolled: fc.integer({ min: 0, max: 40 }), present: fc.integer({ min: 0, max: 40 }) }),
          ),
        ),
        educators: fc.record({ planned: fc.integer({ min: 0, max: 15 }), present: fc.integer({ min: 0, max: 15 }) }),
      });
    })
    .map(({ type, capacity, bands, educators }): InspectionFile => ({
      schemaVersion: 1,
      ruleSet: 'zona-fse@1',
      service: { name: 'P', type, capacity },
      visit: { date: '2025-03-12', purpose: 'verifica_periodica' },
      children: bands.map((b) => ({ ...b, present: Math.min(b.present, b.enrolled) })),
      staffCounts: { educators },
    }));

const outcomeOf = (r: CheckResult, rule: string) => r.findings.find((f) => f.rule === rule)!.outcome;

it('one more educator never turns a pass into a fail', () => {
  fc.assert(
    fc.property(arbFile(ratioTypes), (file) => {
      const before = evaluate(file, rs);
      const more: InspectionFile = {
        ...file,
        staffCounts: {
          educators: { planned: file.staffCounts!.educators!.planned! + 1, present: file.staffCounts!.educators!.present! + 1 },
        },
      };
      const after = evaluate(more, rs);
      for (const rule of ['ratio.educators.planned', 'ratio.educators.present']) {
        if (outcomeOf(before, rule) === 'pass') assert.equal(outcomeOf(after, rule), 'pass', rule);
      }
    }),
    { numRuns: 500 },
  );
});

it('required educators never decrease when a child is added to any band', () => {
  fc.assert(
    fc.property(arbFile(ratioTypes), fc.nat(10), (file, pick) => {
      const rules = rs.serviceTypes[file.service.type];
      const index = pick % file.children!.length;
      const added = file.children!.map((c, i) => (i === index ? { ...c, enrolled: c.enrolled! + 1, present: c.present! + 1 } : c));
      for (const column of ['enrolled', 'present'] as const) {
        const before = requiredEducators(rs, rules, bandCounts(rules, file.children, column)!, column)!;
        const after = requiredEducators(rs, rules, bandCounts(rules, added, column)!, column)!;
        assert.ok(after >= before, `${column}: ${before} → ${after}`);
        assert.ok(after - before <= 1, 'one child never needs two more educators');
      }
    }),
    { numRuns: 500 },
  );
});

it('exact requirement equals the integer formula ceil(Σ num_b / den_b) computed over a common denominator', () => {
  fc.assert(
    fc.property(arbFile(['nido']), (file) => {
      const r = evaluate(file, rs);
      // nido ratios 6, 7, 10: common denominator 210 × 5 (for the 4/5 share) = 1050
      const [a, b, c] = file.children!.map((x) => x.enrolled!);
      const numerator = a! * 4 * 35 + b! * 4 * 30 + c! * 4 * 21; // Σ 4/5·n/r = Σ 4·n·(210/r) / 1050
      assert.equal(
        r.required.educatorsPlanned,
        Math.ceil(numerator / 1050) === numerator / 1050 ? numerator / 1050 : Math.floor(numerator / 1050) + 1,
      );
    }),
    { numRuns: 500 },
  );
});

it('presence above capacity always fails; at or below never fails', () => {
  fc.assert(
    fc.property(arbFile(SERVICE_TYPES), (file) => {
      const present = file.children!.reduce((s, c) => s + c.present!, 0);
      const o = outcomeOf(evaluate(file, rs), 'presence.capacity');
      assert.equal(o, present > file.service.capacity ? 'fail' : 'pass');
    }),
    { numRuns: 300 },
  );
});

it('dates: day numbers round-trip and addYears keeps real dates', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: toDayNumber('1950-01-01'), max: toDayNumber('2150-12-31') }),
      fc.integer({ min: 0, max: 10 }),
      (day, years) => {
        const date = fromDayNumber(day);
        assert.ok(isIsoDate(date));
        assert.equal(toDayNumber(date), day);
        const later = addYears(date, years);
        assert.ok(isIsoDate(later));
        assert.ok(compareDates(later, date) >= 0);
      },
    ),
    { numRuns: 1000 },
  );
});
