import { createContext, useContext } from 'react';
import type { Output } from '../../shared/api/contract.ts';
import type { Checklist } from '../../shared/checklist/index.ts';
import type { RuleSet } from '../../shared/rules/index.ts';

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
