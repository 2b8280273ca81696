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
