/** Staffing arithmetic, exact: bands add as fractions before a single ceil. */
import { Fraction } from '../fraction.ts';
import type { ChildrenBand } from '../inspection.ts';
import type { RuleSet, ServiceTypeRules } from './ruleset.ts';

export type Column = 'enrolled' | 'present';

/**
 * Children per band for one column, or null when a listed band has no figure recorded
 * (an empty field is "not recorded", never 0). A band the file does not list has no children.
 */
export function bandCounts(
  rules: ServiceTypeRules,
  children: readonly ChildrenBand[] | undefined,
  column: Column,
): Map<string, number> | null {
  if (!children) return null;
  const counts = new Map<string, number>();
  for (const band of rules.bands) {
    let row: ChildrenBand | undefined;
    for (let i = 0; i < children.length && row === undefined; i++) if (children[i]!.band === band.id) row = children[i];
    if (!row) {
      counts.set(band.id, 0);
      continue;
    }
    const value = row[column];
    if (value === undefined) return null;
    counts.set(band.id, value);
  }
  return counts;
}

export function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const v of counts.values()) sum += v;
  return sum;
}

/** Σ share × children_band / ratio_band, exactly; null if the type sets no ratio. */
export function educatorLoad(rules: ServiceTypeRules, counts: Map<string, number>, share: Fraction): Fraction | null {
  let load = Fraction.ZERO;
  for (const band of rules.bands) {
    if (band.childrenPerEducator === null) return null;
    load = load.add(share.mul(Fraction.of(counts.get(band.id) ?? 0)).div(Fraction.of(band.childrenPerEducator)));
  }
  return load;
}

/*
 * The same arithmetic in plain integers, which is what the rules need thousands of times a second:
 * Σ share × n_b / r_b is one numerator over the least common multiple of the denominators, and a
 * ceiling, a floor or a rounding of it is integer division. Exact as long as every integer stays
 * within 2^53 (checked: beyond, the bigint Fractions above do it, with the same answer); never a
 * float quotient.
 */

interface Ratio {
  num: number;
  den: number;
}

const ONE: Ratio = { num: 1, den: 1 };

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** ⌈a / b⌉ for safe non-negative integers (a + b ≤ 2^53): the quotient corrected by one product. */
function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b < a ? q + 1 : q;
}

/** ⌊a / b⌋ for safe non-negative integers (a + b ≤ 2^53). */
function floorDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b > a ? q - 1 : q;
}

/** A non-negative integer within 2^53: the integer path's domain (anything else takes the Fractions, which also refuse a non-integer). */
const fits = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** The load as num/den in safe integers (not reduced), or undefined when it does not fit them. */
function integerLoad(rules: ServiceTypeRules, counts: Map<string, number>, share: Ratio): Ratio | undefined {
  let den = 1;
  for (const band of rules.bands) {
    const d = share.den * band.childrenPerEducator!;
    den = (den / gcd(den, d)) * d;
  }
  let num = 0;
  for (const band of rules.bands) {
    const n = counts.get(band.id) ?? 0;
    if (!fits(n)) return undefined;
    num += n * share.num * (den / (share.den * band.childrenPerEducator!));
  }
  return fits(den) && fits(num) && fits(200 * num + 3 * den) ? { num, den } : undefined;
}

/** Fraction.toItalian of num/den (round half up), on safe integers. */
function italian(load: Ratio, digits = 2): string {
  const scale = 10 ** digits;
  const scaled = floorDiv(load.num * scale * 2 + load.den, 2 * load.den);
  const whole = floorDiv(scaled, scale);
  // The decimals without their trailing zeros (what /0+$/ took off), by arithmetic rather than a regex.
  let rest = scaled - whole * scale;
  let places = digits;
  while (places > 0 && rest % 10 === 0) {
    rest /= 10;
    places--;
  }
  return places ? `${whole},${String(rest).padStart(places, '0')}` : `${whole}`;
}

const hasRatio = (rules: ServiceTypeRules) => rules.bands.every((b) => b.childrenPerEducator !== null);
const shareOf = (rs: RuleSet, column: Column): Ratio => (column === 'enrolled' ? rs.plannedRatioBase : ONE);
const fraction = (r: Ratio) => Fraction.of(r.num, r.den);

export function requiredEducators(rs: RuleSet, rules: ServiceTypeRules, counts: Map<string, number>, column: Column): number | null {
  if (!hasRatio(rules)) return null;
  const share = shareOf(rs, column);
  const exact = integerLoad(rules, counts, share);
  return exact ? ceilDiv(exact.num, exact.den) : Number(educatorLoad(rules, counts, fraction(share))!.ceil());
}

export function requiredAuxiliaries(rules: ServiceTypeRules, children: number): number | null {
  if (rules.childrenPerAuxiliary === null) return null;
  return fits(children) && fits(children + rules.childrenPerAuxiliary)
    ? ceilDiv(children, rules.childrenPerAuxiliary)
    : Number(Fraction.of(children, rules.childrenPerAuxiliary).ceil());
}

/** Enrolment ceiling: capacity × tolerance rounded down, never above the type's absolute maximum. */
export function enrolmentCeiling(rules: ServiceTypeRules, capacity: number): number {
  const t = rules.enrolmentTolerance;
  const product = t ? capacity * t.num : capacity;
  const tolerated = !t
    ? capacity
    : fits(product) && fits(product + t.den)
      ? floorDiv(product, t.den)
      : Number(Fraction.of(product, t.den).floor());
  return Math.min(tolerated, rules.enrolmentAbsoluteMax);
}

/** "5 × 0,8 / 6 + 14 × 0,8 / 7 = 3,95" style explanation for messages. */
export function explainLoad(rs: RuleSet, rules: ServiceTypeRules, counts: Map<string, number>, column: Column): string {
  const share = shareOf(rs, column);
  const times = column === 'enrolled' ? ` × ${italian(share)}` : '';
  // The terms joined by " + " as they are written (no array to join).
  let terms = '';
  for (const b of rules.bands) {
    const n = counts.get(b.id) ?? 0;
    if (n > 0) terms = `${terms ? `${terms} + ` : ''}${n}${times} / ${b.childrenPerEducator} (${b.ageLabel})`;
  }
  if (!terms || !hasRatio(rules)) return 'nessun bambino';
  const exact = integerLoad(rules, counts, share);
  return `${terms} = ${exact ? italian(exact) : educatorLoad(rules, counts, fraction(share))!.toItalian()}`;
}
