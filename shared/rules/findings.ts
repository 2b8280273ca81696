/** What the rules say about an inspection. */
export const OUTCOMES = ['pass', 'warn', 'fail', 'na'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Finding {
  /** Stable rule id (`ratio.educators.present`) or, for a checklist answer, the item id. */
  rule: string;
  outcome: Outcome;
  article: string;
  /** Italian, with the numbers used. */
  message: string;
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  pass: 'Conforme',
  warn: 'Attenzione',
  fail: 'Non conforme',
  na: 'Non valutabile',
};

/**
 * A finding's message where its outcome is already shown beside it (a badge, a chip, a column):
 * without a leading «Non conforme: » (the checklist answers' findings start so, for the CLI and the
 * plain-text lists), so a screen never reads «Non conforme Non conforme: …».
 */
export function findingText(finding: Pick<Finding, 'outcome' | 'message'>): string {
  const label = OUTCOME_LABELS[finding.outcome];
  return finding.message.startsWith(`${label}: `) ? finding.message.slice(label.length + 2) : finding.message;
}

export function worstOutcome(findings: readonly Finding[]): Outcome {
  const order: Outcome[] = ['fail', 'warn', 'pass', 'na'];
  for (const o of order) if (findings.some((f) => f.outcome === o)) return o;
  return 'na';
}

/** How many findings of each outcome (what a list shows of an inspection). */
export type OutcomeCounts = Record<Outcome, number>;

export function countOutcomes(findings: readonly Finding[]): OutcomeCounts {
  const counts: OutcomeCounts = { pass: 0, warn: 0, fail: 0, na: 0 };
  for (const f of findings) counts[f.outcome]++;
  return counts;
}
