import { createContext, useContext, useMemo } from 'react';
import type { Output } from '../../shared/api/contract.ts';
import type { Checklist } from '../../shared/checklist/index.ts';
import type { RuleSet } from '../../shared/rules/index.ts';
import { SERVICE_TYPE_LABELS, SERVICE_TYPES, type ServiceType } from '../../shared/domain.ts';
import { territoryOfRuleSet } from '../../shared/territories/index.ts';

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

/**
 * The service types as the territory's regulation names them («Centro gioco educativo» in Lucca),
 * for the territory of `ruleSetKey` (the laptop's current rule set when absent).
 */
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
