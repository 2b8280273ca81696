/**
 * What the parts of one inspection share, split by how often it changes, so that a part
 * re-renders only for what it reads:
 * - `useInspection()`: the visit's fixed data (detail, service, checklist, rules, the autosaver,
 *   the form's control, stable setters); changes only when the visit is loaded again;
 * - `useVisit()`: purpose, date, place and times, commission and staff present, and the known members;
 * - `usePhotos()`, `usePrescriptions()`: the lists the inspector adds to;
 * - `useLiveCheck()`: the rules' findings on the form as it is now (one evaluation for the page);
 * - the save status is the Autosaver's own store (`useSyncExternalStore` in StatoSalvataggio);
 * - single answers are read from react-hook-form (`useWatch` / `register`) by field.
 */
import { createContext, useCallback, useContext, useDeferredValue, useMemo, useRef, useState, type ReactNode } from 'react';
import { useWatch, type Control } from 'react-hook-form';
import type { InspectionDetail, Member, Output, PhotoMeta, Prescription, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import type { Checklist, ChecklistItem } from '../../shared/checklist/index.ts';
import { evaluate, type CheckResult, type RuleSet } from '../../shared/rules/index.ts';
import type { Autosaver } from './autosave.ts';
import { buildInspectionFile, fieldKey, visibleItems, type ParsedCounts, type SchedaValues, type VisitState } from './model.ts';

type RegisterEntries = Output<'register.list'>['entries'];

/** What the page gives the provider: fixed while the editor lives (memoised by the page). */
export interface InspectionFixed {
  detail: InspectionDetail;
  service: ServiceSummary;
  staff: StaffPerson[];
  checklist: Checklist;
  ruleSet: RuleSet;
  ruleSetKey: string;
  readOnly: boolean;
  autosaver: Autosaver;
  control: Control<SchedaValues>;
  /** The counts last saved (or loaded): what the rules see while a typed figure is wrong. */
  lastValidCounts: { current: ParsedCounts | null };
  /** Queues the autosave of the visit data (purpose, date, place and times, commission, staff present). */
  saveVisit: (visit: VisitState) => void;
  /** Show an item, or the place of a rule's finding: open its section and move focus to it. */
  goToItem: (itemId: string) => void;
}

/** The visit's fixed data and stable setters: the same object for the whole life of the editor. */
export interface InspectionData extends Omit<InspectionFixed, 'saveVisit'> {
  setVisit: (change: Partial<VisitState>) => void;
  addMember: (member: Member) => void;
  setPhotos: (update: (photos: PhotoMeta[]) => PhotoMeta[]) => void;
  setPrescriptions: (update: (p: Prescription[]) => Prescription[]) => void;
}

export interface VisitScope {
  visit: VisitState;
  members: Member[];
}

export interface LiveCheck {
  result: CheckResult;
  values: SchedaValues;
}

const DataContext = createContext<InspectionData | null>(null);
const VisitContext = createContext<VisitScope | null>(null);
const PhotosContext = createContext<PhotoMeta[] | null>(null);
const PrescriptionsContext = createContext<Prescription[] | null>(null);
const LiveCheckContext = createContext<LiveCheck | null>(null);

function required<T>(value: T | null, name: string): T {
  if (value === null) throw new Error(`${name} missing: render inside <InspectionProvider>`);
  return value;
}

export const useInspection = (): InspectionData => required(useContext(DataContext), 'InspectionData');
export const useVisit = (): VisitScope => required(useContext(VisitContext), 'VisitContext');
export const usePhotos = (): PhotoMeta[] => required(useContext(PhotosContext), 'PhotosContext');
export const usePrescriptions = (): Prescription[] => required(useContext(PrescriptionsContext), 'PrescriptionsContext');
/** The rules on the file built from the form as it is now; recomputed once per change for the page. */
export const useLiveCheck = (): LiveCheck => required(useContext(LiveCheckContext), 'LiveCheckContext');

export function useVisibleItems(): ChecklistItem[] {
  const { checklist, service } = useInspection();
  const { visit } = useVisit();
  return useMemo(() => visibleItems(checklist, service, visit.purpose), [checklist, service, visit.purpose]);
}

/**
 * Holds the visit's changing state (visit data, members, photos, prescriptions) and provides the
 * split contexts. The state lives here, not in the page, so a change re-renders this provider and
 * the readers of what changed; `children` are the page's elements, unchanged. `fixed` must keep
 * its identity (memoised by the page): the editor starts from it and from `members`.
 */
export function InspectionProvider({
  fixed,
  members: initialMembers,
  registerEntries,
  children,
}: {
  fixed: InspectionFixed;
  members: Member[];
  /** The laptop's copy of the territory's register of educators, where the rule set keeps one (the page reads it). */
  registerEntries?: RegisterEntries;
  children: ReactNode;
}) {
  const { detail, readOnly, saveVisit } = fixed;
  const [visitState, setVisitState] = useState<VisitState>(() => ({
    purpose: detail.purpose,
    date: detail.date,
    place: detail.place,
    startTime: detail.startTime,
    endTime: detail.endTime,
    memberIds: detail.memberIds,
    staffIds: detail.staffIds,
  }));
  const latestVisit = useRef(visitState);
  const [members, setMembers] = useState(initialMembers);
  const [photos, setPhotos] = useState(detail.photos);
  const [prescriptions, setPrescriptions] = useState(detail.prescriptions);
  const setVisit = useCallback(
    (change: Partial<VisitState>) => {
      if (readOnly) return;
      const next = { ...latestVisit.current, ...change };
      latestVisit.current = next;
      setVisitState(next);
      saveVisit(next);
    },
    [readOnly, saveVisit],
  );
  const addMember = useCallback((m: Member) => setMembers((all) => [...all, m]), []);
  const data: InspectionData = useMemo(() => {
    const { saveVisit: _, ...rest } = fixed;
    return { ...rest, setVisit, addMember, setPhotos, setPrescriptions };
  }, [fixed, setVisit, addMember]);
  const visit: VisitScope = useMemo(() => ({ visit: visitState, members }), [visitState, members]);
  return (
    <DataContext.Provider value={data}>
      <VisitContext.Provider value={visit}>
        <PhotosContext.Provider value={photos}>
          <PrescriptionsContext.Provider value={prescriptions}>
            <LiveCheckProvider data={data} visit={visit} registerEntries={registerEntries}>
              {children}
            </LiveCheckProvider>
          </PrescriptionsContext.Provider>
        </PhotosContext.Provider>
      </VisitContext.Provider>
    </DataContext.Provider>
  );
}

/**
 * Watches the whole form and evaluates the rules once for every consumer. Its `children` are the
 * same elements from one keystroke to the next, so only `useLiveCheck()` readers re-render.
 */
function LiveCheckProvider({
  data,
  visit,
  registerEntries,
  children,
}: {
  data: InspectionData;
  visit: VisitScope;
  registerEntries: RegisterEntries | undefined;
  children: ReactNode;
}) {
  const watched = useWatch({ control: data.control }) as SchedaValues;
  // Typing stays responsive: the check may lag a keystroke behind on a slow machine.
  const values = useDeferredValue(watched);
  const registerRules = data.ruleSet.educatorRegister;
  const value = useMemo(() => {
    const file = buildInspectionFile({
      ruleSet: data.ruleSetKey,
      checklist: data.checklist,
      service: data.service,
      visit: visit.visit,
      members: visit.members,
      staff: data.staff,
      values,
      lastValidCounts: data.lastValidCounts.current,
      registerEntries,
      registerRules,
    });
    return { result: evaluate(file, data.ruleSet, data.checklist), values };
  }, [values, data, visit, registerEntries, registerRules]);
  return <LiveCheckContext.Provider value={value}>{children}</LiveCheckContext.Provider>;
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
