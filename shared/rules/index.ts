export * from './findings.ts';
export * from './ruleset.ts';
export * from './engine.ts';
export * from './acts.ts';
export * from './staffing.ts';
export * from './training.ts';
export * from './checks.ts';
export { ZONA_FSE_1 } from './zona-fse-1.ts';
import { ZONA_FSE_1 } from './zona-fse-1.ts';
import { LUCCA_1 } from '../territories/lucca/rules.ts';
import { ruleSetKey, type RuleSet } from './ruleset.ts';

export { LUCCA_1 };

/** Rule sets this build knows, by `id@version`. */
export const RULE_SETS: ReadonlyMap<string, RuleSet> = new Map([ZONA_FSE_1, LUCCA_1].map((rs) => [ruleSetKey(rs), rs] as const));
