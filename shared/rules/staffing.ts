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
    const row = children.find((c) => c.band === band.id);
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

export function requiredEducators(rs: RuleSet, rules: ServiceTypeRules, counts: Map<string, number>, column: Column): number | null {
  const share = column === 'enrolled' ? Fraction.of(rs.plannedRatioBase.num, rs.plannedRatioBase.den) : Fraction.of(1);
  const load = educatorLoad(rules, counts, share);
  return load === null ? null : Number(load.ceil());
}

export function requiredAuxiliaries(rules: ServiceTypeRules, children: number): number | null {
  if (rules.childrenPerAuxiliary === null) return null;
  return Number(Fraction.of(children, rules.childrenPerAuxiliary).ceil());
}

/** Enrolment ceiling: capacity × tolerance rounded down, never above the type's absolute maximum. */
export function enrolmentCeiling(rules: ServiceTypeRules, capacity: number): number {
  const tolerated = rules.enrolmentTolerance
    ? Number(Fraction.of(capacity * rules.enrolmentTolerance.num, rules.enrolmentTolerance.den).floor())
    : capacity;
  return Math.min(tolerated, rules.enrolmentAbsoluteMax);
}

/** "5 × 0,8 / 6 + 14 × 0,8 / 7 = 3,95" style explanation for messages. */
export function explainLoad(rs: RuleSet, rules: ServiceTypeRules, counts: Map<string, number>, column: Column): string {
  const share = column === 'enrolled' ? Fraction.of(rs.plannedRatioBase.num, rs.plannedRatioBase.den) : Fraction.of(1);
  const parts = rules.bands
    .filter((b) => (counts.get(b.id) ?? 0) > 0)
    .map((b) => `${counts.get(b.id)}${column === 'enrolled' ? ` × ${share.toItalian()}` : ''} / ${b.childrenPerEducator} (${b.ageLabel})`);
  const load = educatorLoad(rules, counts, share);
  return parts.length && load ? `${parts.join(' + ')} = ${load.toItalian()}` : 'nessun bambino';
}
