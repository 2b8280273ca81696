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

export function worstOutcome(findings: readonly Finding[]): Outcome {
  const order: Outcome[] = ['fail', 'warn', 'pass', 'na'];
  for (const o of order) if (findings.some((f) => f.outcome === o)) return o;
  return 'na';
}
