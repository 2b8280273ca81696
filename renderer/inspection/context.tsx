import { createContext, useContext, useDeferredValue, useMemo } from 'react';
import { useWatch, type Control } from 'react-hook-form';
import type { InspectionDetail, Member, PhotoMeta, Prescription, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import type { Checklist, ChecklistItem } from '../../shared/checklist/index.ts';
import { evaluate, type CheckResult, type RuleSet } from '../../shared/rules/index.ts';
import type { Autosaver } from './autosave.ts';
import { buildInspectionFile, fieldKey, visibleItems, type ParsedCounts, type SchedaValues, type VisitState } from './model.ts';

/** Everything the parts of one inspection share, besides the form values. */
export interface InspectionScope {
  detail: InspectionDetail;
  service: ServiceSummary;
  staff: StaffPerson[];
  members: Member[];
  visit: VisitState;
  setVisit: (change: Partial<VisitState>) => void;
  checklist: Checklist;
  ruleSet: RuleSet;
  ruleSetKey: string;
  readOnly: boolean;
  autosaver: Autosaver;
  control: Control<SchedaValues>;
  /** The counts last saved (or loaded): what the rules see while a typed figure is wrong. */
  lastValidCounts: { current: ParsedCounts | null };
  photos: PhotoMeta[];
  setPhotos: (update: (photos: PhotoMeta[]) => PhotoMeta[]) => void;
  prescriptions: Prescription[];
  setPrescriptions: (update: (p: Prescription[]) => Prescription[]) => void;
  /** Show an item: open its section and move focus to it. */
  goToItem: (itemId: string) => void;
}

export const InspectionContext = createContext<InspectionScope | null>(null);

export function useInspection(): InspectionScope {
  const ctx = useContext(InspectionContext);
  if (!ctx) throw new Error('InspectionContext missing');
  return ctx;
}

export function useVisibleItems(): ChecklistItem[] {
  const { checklist, service, visit } = useInspection();
  return useMemo(() => visibleItems(checklist, service, visit.purpose), [checklist, service, visit.purpose]);
}

/** The rules on the file built from the form as it is now; recomputed as the inspector types. */
export function useLiveCheck(): { result: CheckResult; values: SchedaValues } {
  const scope = useInspection();
  const watched = useWatch({ control: scope.control }) as SchedaValues;
  // Typing stays responsive: the check may lag a keystroke behind on a slow machine.
  const values = useDeferredValue(watched);
  const result = useMemo(() => {
    const file = buildInspectionFile({
      ruleSet: scope.ruleSetKey,
      checklist: scope.checklist,
      service: scope.service,
      visit: scope.visit,
      members: scope.members,
      staff: scope.staff,
      values,
      lastValidCounts: scope.lastValidCounts.current,
    });
    return evaluate(file, scope.ruleSet, scope.checklist);
  }, [values, scope.ruleSetKey, scope.checklist, scope.service, scope.visit, scope.members, scope.staff, scope.ruleSet, scope.lastValidCounts]);
  return { result, values };
}

/**
 * Applicable items still to answer. Text items ("Eventuali difformità", "altro (specificare)") are
 * left empty when there is nothing to report, so an empty one is not missing.
 */
export function unanswered(items: ChecklistItem[], values: SchedaValues): ChecklistItem[] {
  return items.filter((item) => {
    if (item.kind === 'text') return false;
    const v = values.answers?.[fieldKey(item.id)]?.value;
    return v === undefined || v === null || String(v).trim() === '';
  });
}
