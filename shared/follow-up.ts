/**
 * The follow-up of prescriptions (issue 14), pure: when a prescription's verification visit is due
 * (the territory's `followUp.days` after the deadline) and what the regulation gives when it is
 * found not complied with (the territory's `notComplied` steps, each with its article). A territory
 * is data: Zona reg. art. 11 c.2 suspension then c.3 lett. a revocation, Lucca art. 32 c.2 revocation.
 */
import { addDays, type IsoDate } from './dates.ts';
import type { Territory } from './territories/schema.ts';

export const VERIFICATION_OUTCOMES = ['complied', 'not_complied'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];
export const VERIFICATION_LABELS: Record<VerificationOutcome, string> = {
  complied: 'ottemperata',
  not_complied: 'non ottemperata',
};

/** The first day a follow-up visit of a prescription with this deadline may be proposed. */
export function followUpFrom(territory: Territory, deadline: IsoDate): IsoDate {
  return addDays(deadline, territory.followUp.days);
}

export interface Consequence {
  act: string;
  article: string;
}

/**
 * The consequence of finding a prescription not complied with, given how many earlier follow-ups
 * already found it so (0 the first time): the territory's step of that rank, the last one repeating.
 */
export function notCompliedConsequence(territory: Territory, earlierNotComplied: number): Consequence {
  const steps = territory.notComplied;
  const step = steps[Math.min(Math.max(0, earlierNotComplied), steps.length - 1)]!;
  return { act: step.act, article: step.article };
}

/** «Reg. zonale art. 11 c.2: sospensione dell'autorizzazione al funzionamento». */
export function consequenceText(c: Consequence): string {
  return `${c.article}: ${c.act}`;
}

/**
 * A prescription to check is answered like a checklist item, under its own id: `verifica:` + the
 * visit that gave it + its position. «ottemperata» is the answer `yes`, «non ottemperata» `no`.
 */
export const VERIFICATION_KEY_PREFIX = 'verifica:';
export const verificationKey = (visitId: string, position: number): string => `${VERIFICATION_KEY_PREFIX}${visitId}:${position}`;
export const isVerificationKey = (itemId: string): boolean => itemId.startsWith(VERIFICATION_KEY_PREFIX);
export const OUTCOME_OF_ANSWER: Partial<Record<string, VerificationOutcome>> = { yes: 'complied', no: 'not_complied' };

/** A prescription of an earlier visit, as a later visit checks it. */
export interface PrescriptionToCheck {
  /** The answer's item id (`verificationKey`). */
  key: string;
  prescription: { visitId: string; visitDate: IsoDate; position: number; rule: string; text: string; deadline: IsoDate };
  /** How many earlier follow-ups found it not complied with (the step of `notComplied` a «no» takes). */
  earlierNotComplied: number;
  /** What «non ottemperata» would bring, with its article. */
  consequence: Consequence;
}

/**
 * The prescriptions a visit of a service on `date` checks: those of its earlier visits with the
 * deadline passed, that no later visit found complied with; each with the consequence of a «no».
 */
export function prescriptionsToCheck(
  territory: Territory,
  date: IsoDate,
  earlier: ReadonlyArray<PrescriptionToCheck['prescription']>,
  checks: ReadonlyArray<{ itemId: string; value: string | null }>,
): PrescriptionToCheck[] {
  const out: PrescriptionToCheck[] = [];
  for (const p of earlier) {
    if (!(p.deadline < date)) continue;
    const key = verificationKey(p.visitId, p.position);
    const found = checks.filter((c) => c.itemId === key);
    if (found.some((c) => c.value === 'yes')) continue;
    const earlierNotComplied = found.filter((c) => c.value === 'no').length;
    out.push({ key, prescription: p, earlierNotComplied, consequence: notCompliedConsequence(territory, earlierNotComplied) });
  }
  return out;
}
