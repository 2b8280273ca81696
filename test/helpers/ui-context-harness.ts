/**
 * Runs in Chromium (bundled by test/e2e/ui-context-renders.test.ts): the inspection's split
 * contexts with one reader of each, counting how often each reader renders. The harness root
 * renders once; changes go through the provider's own setters and the form, as in the page.
 */
import { createElement as h, Fragment, useMemo, useRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { useForm } from 'react-hook-form';
import type { InspectionDetail, PhotoMeta, Prescription, ServiceSummary } from '../../shared/api/contract.ts';
import { ZONA_FSE_CHECKLIST_1 as checklist } from '../../shared/checklist/index.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { Autosaver } from '../../renderer/inspection/autosave.ts';
import {
  InspectionProvider,
  useInspection,
  useLiveCheck,
  usePhotos,
  usePrescriptions,
  useVisit,
  type InspectionData,
  type InspectionFixed,
} from '../../renderer/inspection/context.tsx';
import { fieldKey, initialValues, type SchedaValues } from '../../renderer/inspection/model.ts';

export type Reader = 'data' | 'visit' | 'photos' | 'prescriptions' | 'live';
export interface Harness {
  renders: Record<Reader, number>;
  /** The item whose answer `typeAnswer` changes. */
  itemKey: string;
  setVisitDate: (date: string) => void;
  typeAnswer: (value: string) => void;
  addPhoto: () => void;
  addPrescription: () => void;
}
declare global {
  interface Window {
    harness: Harness;
  }
}

const service = {
  id: 's1',
  name: 'Nido Il Girasole',
  type: 'nido',
  comune: 'Impruneta',
  address: '',
  referente: '',
  capacity: 40,
  kitchen: true,
  territorialRls: false,
  authorizationIssuedOn: '2024-10-15',
  accreditationIssuedOn: null,
} as unknown as ServiceSummary;
const detail = {
  id: 'i1',
  serviceId: 's1',
  status: 'draft',
  purpose: 'verifica_periodica',
  ruleSet: 'zona-fse@1',
  date: '2025-03-12',
  memberIds: [],
  staffIds: [],
  answers: {},
  children: [],
  staffCounts: { educators: {} },
  photos: [],
  prescriptions: [],
  sealedFile: null,
} as unknown as InspectionDetail;
const item = checklist.items.find((i) => i.kind === 'yesno')!;
const renders: Record<Reader, number> = { data: 0, visit: 0, photos: 0, prescriptions: 0, live: 0 };
let data: InspectionData | null = null;

function ReadsData() {
  renders.data++;
  data = useInspection();
  return null;
}
function ReadsVisit() {
  renders.visit++;
  return h('p', { id: 'visit' }, useVisit().visit.date);
}
function ReadsPhotos() {
  renders.photos++;
  return h('p', { id: 'photos' }, String(usePhotos().length));
}
function ReadsPrescriptions() {
  renders.prescriptions++;
  return h('p', { id: 'prescriptions' }, String(usePrescriptions().length));
}
function ReadsLiveCheck() {
  renders.live++;
  const { values, result } = useLiveCheck();
  return h('p', { id: 'live', 'data-findings': result.findings.length }, values.answers[fieldKey(item.id)]?.value ?? '');
}

function Root() {
  const form = useForm<SchedaValues>({ defaultValues: initialValues(checklist, detail, 'nido') });
  const autosaver = useRef(new Autosaver(400)).current;
  const fixed: InspectionFixed = useMemo(
    () => ({
      detail,
      service,
      staff: [],
      checklist,
      ruleSet: RULE_SETS.get('zona-fse@1')!,
      ruleSetKey: 'zona-fse@1',
      readOnly: false,
      autosaver,
      control: form.control,
      lastValidCounts: { current: null },
      saveVisit: () => undefined,
      goToItem: () => undefined,
    }),
    [autosaver, form.control],
  );
  window.harness = {
    renders,
    itemKey: fieldKey(item.id),
    setVisitDate: (date) => flushSync(() => data!.setVisit({ date })),
    typeAnswer: (value) => flushSync(() => form.setValue(`answers.${fieldKey(item.id)}.value`, value)),
    addPhoto: () => flushSync(() => data!.setPhotos((all) => [...all, { id: `f${all.length}`, itemId: item.id } as PhotoMeta])),
    addPrescription: () =>
      flushSync(() => data!.setPrescriptions((all) => [...all, { id: `p${all.length}`, rule: item.id } as Prescription])),
  };
  const readers = h(
    Fragment,
    null,
    h(ReadsData),
    h(ReadsVisit),
    h(ReadsPhotos),
    h(ReadsPrescriptions),
    h(ReadsLiveCheck),
    h('p', { id: 'ready' }, 'pronto'),
  );
  return h(InspectionProvider, { fixed, members: [], children: readers });
}

createRoot(document.getElementById('root')!).render(h(Root));
