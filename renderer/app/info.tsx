import { createContext, useContext, useMemo } from 'react';
import { capitalised } from '../../shared/text.ts';
import type { Output } from '../../shared/api/contract.ts';
import type { Checklist } from '../../shared/checklist/index.ts';
import type { RuleSet } from '../../shared/rules/index.ts';
import { SERVICE_TYPE_LABELS, SERVICE_TYPES, type ServiceType } from '../../shared/domain.ts';
import { territoryOfRuleSet, type Territory } from '../../shared/territories/index.ts';

export interface AppContext {
  info: Output<'app.info'>;
  ruleSet: RuleSet;
  checklist: Checklist;
}

export const AppInfo = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(AppInfo);
  if (!ctx) throw new Error('AppInfo missing');
  return ctx;
}

/** The territory the laptop applies (its current rule set's). */
export function useTerritory(): Territory | null {
  const { info } = useApp();
  return territoryOfRuleSet(info.ruleSet) ?? null;
}

export interface PrescriptionWords {
  /** «prescrizione» / «diffida». */
  singular: string;
  plural: string;
  /** The same with a capital, for headings, labels and buttons. */
  Singular: string;
  Plural: string;
}

/**
 * What the territory's regulation calls the measure a non-conformity leads to: «prescrizione» in
 * the Zona (Reg. zonale art. 11), «diffida» in Lucca (Art. 32). Both are feminine, so the sentences
 * around them («un’altra …», «senza …») hold for either.
 */
export function usePrescriptionWords(): PrescriptionWords {
  const { info } = useApp();
  const territory = territoryOfRuleSet(info.ruleSet);
  return useMemo(() => {
    const { singular, plural } = territory?.prescription ?? { singular: 'prescrizione', plural: 'prescrizioni' };
    return { singular, plural, Singular: capitalised(singular), Plural: capitalised(plural) };
  }, [territory]);
}

/**
 * The service types as the territory's regulation names them («Centro gioco educativo» in Lucca),
 * for the territory of `ruleSetKey` (the laptop's current rule set when absent).
 */
/** The roles «Commissione» suggests for a new member: the territory's `memberRoles`. */
export function useMemberRoles(ruleSetKey?: string): readonly string[] {
  const { info } = useApp();
  return territoryOfRuleSet(ruleSetKey ?? info.ruleSet)?.memberRoles ?? [];
}

export function useServiceTypeLabels(ruleSetKey?: string): Record<ServiceType, string> {
  const { info } = useApp();
  const territory = territoryOfRuleSet(ruleSetKey ?? info.ruleSet);
  return useMemo(
    () =>
      territory
        ? (Object.fromEntries(SERVICE_TYPES.map((t) => [t, territory.serviceTypes[t].label])) as Record<ServiceType, string>)
        : SERVICE_TYPE_LABELS,
    [territory],
  );
}
