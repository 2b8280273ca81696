export * from './findings.ts';
export * from './ruleset.ts';
export * from './engine.ts';
export * from './acts.ts';
export * from './staffing.ts';
export * from './training.ts';
export { ZONA_FSE_1 } from './zona-fse-1.ts';
import { ZONA_FSE_1 } from './zona-fse-1.ts';
import type { RuleSet } from './ruleset.ts';

/** Rule sets this build knows, by `id@version`. */
export const RULE_SETS: ReadonlyMap<string, RuleSet> = new Map([['zona-fse@1', ZONA_FSE_1]]);
