/**
 * A rule set is data: every number the rules use, every article they cite, and every
 * interpretation we made of the regulation as a named, versioned parameter.
 * A territory with other numbers is a new RuleSet value, not new code.
 */
import { z } from 'zod';
import { EducatorRegister } from '../educator-register.ts';
import { COURSES, SERVICE_TYPES, ServiceType } from '../domain.ts';
import { Check } from './checks.ts';

const PositiveInt = z.number().int().positive();
const Ratio = z.strictObject({ num: PositiveInt, den: PositiveInt });

export const AgeBand = z.strictObject({
  id: z.string().regex(/^\d+-\d+$/),
  /** Label as the Scheda prints the row. */
  label: z.string().min(1),
  /** The band as people name it, the same in the table, the findings and the report ("0-12 mesi"). */
  ageLabel: z.string().min(1),
  fromMonths: z.number().int().min(0),
  toMonths: z.number().int().min(0),
  /** Children per educator; null where the Scheda sets no ratio (domiciliare). */
  childrenPerEducator: PositiveInt.nullable(),
});
export type AgeBand = z.infer<typeof AgeBand>;

/**
 * Age bands written as rows `[id, ageLabel, label, fromMonths, toMonths, childrenPerEducator]`, as
 * a rule set's data reads best. The age label is the Scheda's own name of the row ("0-12 mesi" for
 * months 0–11), so that a finding names the band exactly as the table the inspector filled in.
 */
export function bandRows(rows: Array<[string, string, string, number, number, number | null]>): AgeBand[] {
  return rows.map(([id, ageLabel, label, fromMonths, toMonths, childrenPerEducator]) => ({
    id,
    label,
    ageLabel,
    fromMonths,
    toMonths,
    childrenPerEducator,
  }));
}

export const ServiceTypeRules = z.strictObject({
  capacity: z.strictObject({ min: z.number().int().min(0), max: PositiveInt }),
  /** Enrolment may exceed capacity up to capacity × num/den (rounded down); null: no tolerance. */
  enrolmentTolerance: Ratio.nullable(),
  /** Hard ceiling on enrolled children whatever the capacity (72 for nido). */
  enrolmentAbsoluteMax: PositiveInt,
  bands: z.array(AgeBand).min(1),
  /** Children per auxiliary; null where the rule set sets none. */
  childrenPerAuxiliary: PositiveInt.nullable(),
});
export type ServiceTypeRules = z.infer<typeof ServiceTypeRules>;

export const CourseRule = z.strictObject({
  /** Minimum hours of the full course. */
  minHours: z.number().positive(),
  maxHours: z.number().positive().nullable(),
  /** Minimum hours of a refresher that renews it; null: no refresher defined. */
  refreshHours: z.number().positive().nullable(),
  /** Years of validity from completion; null: does not expire under this rule set. */
  validityYears: PositiveInt.nullable(),
});
export type CourseRule = z.infer<typeof CourseRule>;

export const Interpretation = z.strictObject({
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  version: PositiveInt,
  text: z.string().min(1),
  source: z.string().min(1),
});
export type Interpretation = z.infer<typeof Interpretation>;

export const RULE_IDS = [
  'capacity.range',
  'enrollment.ceiling',
  'presence.capacity',
  'ratio.educators.planned',
  'ratio.educators.present',
  'ratio.auxiliaries.planned',
  'ratio.auxiliaries.present',
  'training.fire',
  'training.first_aid',
  'training.rspp',
  'training.rls',
  'training.haccp',
  'staff.titles',
  'authorization.valid',
  'accreditation.valid',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const RuleSet = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: PositiveInt,
  name: z.string().min(1),
  serviceTypes: z.strictObject(
    Object.fromEntries(SERVICE_TYPES.map((t) => [t, ServiceTypeRules])) as Record<ServiceType, typeof ServiceTypeRules>,
  ),
  /** Planned educators are computed on this share of enrolled children (80%). */
  plannedRatioBase: Ratio,
  training: z.strictObject({
    courses: z.strictObject(Object.fromEntries(COURSES.map((c) => [c, CourseRule])) as Record<(typeof COURSES)[number], typeof CourseRule>),
    /** Kitchen in the structure: the HACCP plan manager needs the longer course. */
    haccpManagerHoursWithKitchen: z.number().positive(),
    minFireTrained: PositiveInt,
    minFirstAidTrained: PositiveInt,
    expiryWarningDays: PositiveInt,
  }),
  titles: z.strictObject({
    previousRulesObtainedBy: z.string(),
    transitionalPathFrom: z.string(),
    transitionalPathTo: z.string(),
  }),
  acts: z.strictObject({
    educationalYearStartMonth: z.number().int().min(1).max(12),
    /**
     * Authorisation and accreditation last this many educational years after the one of issue;
     * null where the territory's regulation does not say (the act's validity is then `na`).
     */
    validEducationalYears: PositiveInt.nullable(),
    expiryWarningDays: PositiveInt,
  }),
  /** Inspections owed each year, one per equal period of months; null: periodic, no minimum (nothing is owed by count). */
  inspections: z.strictObject({ perYear: PositiveInt.nullable() }),
  articles: z.strictObject(Object.fromEntries(RULE_IDS.map((r) => [r, z.string().min(1)])) as Record<RuleId, z.ZodString>),
  interpretations: z.array(Interpretation),
  /** The territory's own rules, as data (./checks.ts); each finding carries the check's id and article. */
  checks: z.array(Check).optional(),
  /**
   * The territory's register of educators (Lucca's Albo, artt. 6–8: shared/educator-register.ts),
   * absent where the regulation keeps none: the office then has no register page and a visit no check.
   */
  educatorRegister: EducatorRegister.optional(),
});
export type RuleSet = z.infer<typeof RuleSet>;

export function ruleSetKey(rs: Pick<RuleSet, 'id' | 'version'>): string {
  return `${rs.id}@${rs.version}`;
}

/** Builds a variant of a rule set (another territory, a later version) and validates it. */
export function deriveRuleSet(base: RuleSet, change: (draft: RuleSet) => void): RuleSet {
  const draft = structuredClone(base);
  change(draft);
  return RuleSet.parse(draft);
}
