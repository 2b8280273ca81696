/**
 * A digest of what `evaluate` answers on generated inspections (bench/inspections.ts), for
 * test/unit/rules-generated.test.ts: SHA-256 over each result's JSON, one per line, and the count of
 * each outcome per rule (what a failing comparison prints, so a change shows where it is).
 */
import { createHash } from 'node:crypto';
import { generateInspections } from '../../bench/inspections.ts';
import { evaluate, RULE_SETS } from '../../shared/rules/index.ts';
import { getChecklist } from '../../shared/checklist/index.ts';

export const GENERATED_SETS = [
  { name: 'zona-fse@1, the bench’s 10,000', ruleSet: 'zona-fse@1', n: 10_000, options: {} },
  { name: 'zona-fse@1, every item answered, notes', ruleSet: 'zona-fse@1', n: 2_000, options: { seed: 7, allAnswers: true } },
  { name: 'lucca@1, every item answered, checks and register', ruleSet: 'lucca@1', n: 4_000, options: { seed: 11, allAnswers: true } },
] as const;

export interface GeneratedDigest {
  name: string;
  inputs: string;
  results: string;
  outcomes: Record<string, Record<string, number>>;
}

export function generatedDigests(): GeneratedDigest[] {
  return GENERATED_SETS.map(({ name, ruleSet, n, options }) => {
    const rs = RULE_SETS.get(ruleSet)!;
    const checklist = getChecklist(ruleSet)!;
    const files = generateInspections(rs, checklist, n, options);
    const inputs = createHash('sha256');
    const results = createHash('sha256');
    const outcomes: Record<string, Record<string, number>> = {};
    for (const file of files) {
      inputs.update(`${JSON.stringify(file)}\n`);
      const result = evaluate(file, rs, checklist);
      results.update(`${JSON.stringify(result)}\n`);
      for (const f of result.findings) {
        const rule = f.rule.includes('.') && /^[A-Z]/.test(f.rule) ? 'checklist items' : f.rule;
        (outcomes[rule] ??= {})[f.outcome] = (outcomes[rule]![f.outcome] ?? 0) + 1;
      }
    }
    return { name, inputs: inputs.digest('hex'), results: results.digest('hex'), outcomes };
  });
}

if (process.argv.includes('--write') && import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  const target = new URL('../unit/data/rules-generated.expected.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(generatedDigests(), null, 2)}\n`);
  console.log(`written ${target.pathname}`);
}
