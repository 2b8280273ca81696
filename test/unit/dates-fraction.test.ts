import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  addMonths,
  addYears,
  daysBetween,
  educationalYearLabel,
  educationalYearStart,
  formatItalianDate,
  isIsoDate,
  parseIsoDate,
} from '../../shared/dates.ts';
import { Fraction } from '../../shared/fraction.ts';

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    for (const ok of ['2024-02-29', '2025-12-31', '2000-02-29']) assert.ok(isIsoDate(ok), ok);
    for (const bad of [
      '2025-02-29',
      '1900-02-29',
      '2025-13-01',
      '2025-00-10',
      '2025-04-31',
      '25-01-01',
      '2025-1-1',
      '2025-01-01T00:00',
      '',
    ])
      assert.equal(isIsoDate(bad), false, bad);
    assert.deepEqual(parseIsoDate('2025-03-12'), { year: 2025, month: 3, day: 12 });
  });
  it('adds years, months and days on the calendar', () => {
    assert.equal(addYears('2024-02-29', 1), '2025-02-28');
    assert.equal(addYears('2024-02-29', 4), '2028-02-29');
    assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
    assert.equal(addMonths('2025-11-15', 3), '2026-02-15');
    assert.equal(addDays('2024-12-31', 1), '2025-01-01');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
    assert.equal(daysBetween('2025-03-12', '2025-05-11'), 60);
  });
  it('knows the educational year (1 September - 31 August)', () => {
    assert.equal(educationalYearStart('2024-10-15', 9), 2024);
    assert.equal(educationalYearStart('2024-06-10', 9), 2023);
    assert.equal(educationalYearStart('2024-09-01', 9), 2024);
    assert.equal(educationalYearStart('2024-08-31', 9), 2023);
    assert.equal(educationalYearLabel(2024), '2024/25');
    assert.equal(educationalYearLabel(2099), '2099/00');
  });
  it('formats Italian dates', () => assert.equal(formatItalianDate('2028-08-31'), '31/08/2028'));
});

describe('Fraction', () => {
  it('is exact where floats are not', () => {
    const f = Fraction.of(4, 5)
      .mul(Fraction.of(12))
      .div(Fraction.of(6))
      .add(Fraction.of(4, 5).mul(Fraction.of(5)).div(Fraction.of(10)));
    assert.equal(f.toString(), '2');
    assert.equal(f.ceil(), 2n);
  });
  it('ceil and floor', () => {
    assert.equal(Fraction.of(7, 6).ceil(), 2n);
    assert.equal(Fraction.of(7, 6).floor(), 1n);
    assert.equal(Fraction.of(12, 6).ceil(), 2n);
    assert.equal(Fraction.of(0).ceil(), 0n);
    assert.equal(Fraction.of(-7, 6).ceil(), -1n);
    assert.equal(Fraction.of(-7, 6).floor(), -2n);
  });
  it('normalises and compares', () => {
    assert.equal(Fraction.of(6, 8).toString(), '3/4');
    assert.equal(Fraction.of(1, -2).toString(), '-1/2');
    assert.equal(Fraction.of(1, 3).compare(Fraction.of(2, 6)), 0);
    assert.equal(Fraction.of(1, 3).compare(Fraction.of(1, 2)), -1);
    assert.equal(Fraction.of(296, 75).toItalian(), '3,95');
    assert.throws(() => Fraction.of(1, 0));
    assert.throws(() => Fraction.of(0.5));
  });
});
