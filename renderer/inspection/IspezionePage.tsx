import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { Link, useBlocker, useNavigate } from 'react-router';
import type { InspectionDetail, Member, OutboxStatus, Output, Result, ServiceSummary, StaffPerson } from '../../shared/api/contract.ts';
import { getChecklist, type SectionId } from '../../shared/checklist/index.ts';
import { PURPOSE_LABELS } from '../../shared/domain.ts';
import { RULE_SETS } from '../../shared/rules/index.ts';
import { api } from '../api/client.ts';
import { apiKey, apiQuery, combineLoads, invalidateAfter, toLoad, useApiMutation, useApiQuery, type Load } from '../api/queries.ts';
import { useApp, usePrescriptionWords, useServiceTypeLabels } from '../app/info.tsx';
import { href } from '../app/router.ts';
import { STATUS_LABELS, STATUS_TONES } from '../services/labels.ts';
import { Badge, DemoBadge } from '../ui/Badge.tsx';
import { italianDate, italianDateTime } from '../ui/format.ts';
import { LiveSyncBadge } from '../ui/LiveSyncBadge.tsx';
import { ErrorBox, Loaded } from '../ui/Status.tsx';
import { Autosaver } from './autosave.ts';
import { ChiudiVisita } from './ChiudiVisita.tsx';
import {
  InspectionProvider,
  unanswered,
  useInspection,
  useLiveCheck,
  usePrescriptions,
  useVisibleItems,
  useVisit,
  type InspectionFixed,
} from './context.tsx';
import { useHeaderAutosaver } from '../app/saveStatus.ts';
import { DatiVisita } from './DatiVisita.tsx';
import { DraftBook, DraftsProvider } from './drafts.tsx';
import {
  answerValue,
  countsTableFor,
  fieldKey,
  findingPlace,
  initialValues,
  navSections,
  parseCounts,
  schedaSchema,
  type SchedaValues,
  type VisitState,
} from './model.ts';
import { PannelloRilievi } from './PannelloRilievi.tsx';
import { PersonalePresente } from './PersonalePresente.tsx';
import { Prescrizioni } from './Prescrizioni.tsx';
import { Sezione } from './Sezione.tsx';
import { StatoSalvataggio } from './StatoSalvataggio.tsx';
import { VerbalePdf } from './VerbalePdf.tsx';

interface Loaded {
  detail: InspectionDetail;
  service: ServiceSummary;
  staff: StaffPerson[];
  members: Member[];
}

/**
 * The service a cached `services.get` lists this inspection under: coming from the service's page
 * (the usual way in) the service loads together with the inspection instead of after it.
 */
function cachedServiceOf(client: QueryClient, inspectionId: string): string | undefined {
  for (const [, value] of client.getQueriesData<Output<'services.get'>>({ queryKey: ['services.get'] })) {
    if (value?.inspections.some((i) => i.id === inspectionId)) return value.service.id;
  }
  return undefined;
}

export function IspezionePage({ id }: { id: string }) {
  const client = useQueryClient();
  // The editor keeps what is typed in its own form state: it starts only from a copy of the visit
  // read now (a cached one may predate the last autosave), never from the cache of an earlier visit.
  const detailQuery = useQuery({ ...apiQuery('inspections.get', { id }), refetchOnMount: 'always' });
  const [members, reloadMembers] = useApiQuery('members.list', {});
  const serviceId = detailQuery.data?.serviceId ?? cachedServiceOf(client, id);
  const serviceQuery = useQuery({ ...apiQuery('services.get', { id: serviceId ?? '' }), enabled: serviceId !== undefined });
  const detail: Load<InspectionDetail> =
    detailQuery.isFetchedAfterMount || detailQuery.isError ? toLoad(detailQuery) : { status: 'loading' };
  const load = combineLoads({ detail, service: toLoad(serviceQuery), members });
  const reload = useCallback(() => {
    void detailQuery.refetch();
    void serviceQuery.refetch();
    reloadMembers();
  }, [detailQuery, serviceQuery, reloadMembers]);
  // Right after sealing, the visit reopens read-only on its closing summary and signatures.
  const [sealedNow, setSealedNow] = useState(false);
  // What sealing said about the PDF (e.g. the timestamp authority was unreachable), shown once.
  const [sealWarning, setSealWarning] = useState<string | null>(null);
  return (
    <Loaded load={load} what="l’ispezione" retry={reload}>
      {(v) => (
        <Ispezione
          key={`${v.detail.id}:${v.detail.status}`}
          data={{ detail: v.detail, service: v.service.service, staff: v.service.staff, members: v.members }}
          initialTab={sealedNow ? 'chiusura' : 'A'}
          sealWarning={sealWarning}
          onReload={reload}
          onSealed={(r) => {
            setSealedNow(true);
            setSealWarning(r.report?.warning ?? null);
            client.setQueryData(apiKey('inspections.get', { id }), r.inspection);
          }}
        />
      )}
    </Loaded>
  );
}

/** The autosave debounce: a burst of typing in one field is one request. */
const AUTOSAVE_DELAY_MS = 400;

/** An autosave request that, once done, marks stale the reads it changed (the service's list and page). */
async function saved<T>(
  client: QueryClient,
  method: 'inspections.saveAnswer' | 'inspections.saveCounts' | 'inspections.update',
  request: Promise<Result<T>>,
): Promise<Result<T>> {
  const r = await request;
  if (r.ok) void invalidateAfter(client, method, false);
  return r;
}

/**
 * The leave guard: an in-app navigation away from the visit waits while pending saves are sent
 * (react-router's blocker holds it); if one fails the inspector chooses to stay or to leave anyway.
 */
function useFlushBeforeLeaving(autosaver: Autosaver): void {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => currentLocation.pathname !== nextLocation.pathname && autosaver.hasUnsaved(),
  );
  const handling = useRef(false);
  useEffect(() => {
    if (blocker.state !== 'blocked' || handling.current) return;
    handling.current = true;
    void autosaver.flush().then((ok) => {
      handling.current = false;
      if (ok || window.confirm('Alcune modifiche non sono state salvate. Uscire comunque dalla visita?')) blocker.proceed();
      else blocker.reset();
    });
  }, [blocker, autosaver]);
}

type Tab = 'visita' | SectionId | 'personale' | 'prescrizioni' | 'chiusura';

function Ispezione({
  data,
  initialTab,
  onSealed,
  onReload,
  sealWarning = null,
}: {
  data: Loaded;
  initialTab: Tab;
  onSealed: (r: Output<'inspections.seal'>) => void;
  onReload?: () => void;
  sealWarning?: string | null;
}) {
  const app = useApp();
  // The office's decision changes the revision's own status too (and a rejection opens a new draft): reload then.
  const onSyncChange = useCallback(
    (s: OutboxStatus) => {
      if (s === 'validata' || s === 'respinta') onReload?.();
    },
    [onReload],
  );
  const { detail, service, staff } = data;
  const ruleSetKey = detail.sealedFile?.ruleSet ?? detail.ruleSet;
  const typeLabels = useServiceTypeLabels(ruleSetKey);
  const ruleSet = RULE_SETS.get(ruleSetKey) ?? app.ruleSet;
  const checklist = getChecklist(ruleSetKey) ?? app.checklist;
  const readOnly = detail.status !== 'draft';
  const table = countsTableFor(checklist, service.type);
  // The register of educators the rules check the picked entries against (a rule set without one asks nothing).
  const [register] = useApiQuery('register.list', {}, { enabled: Boolean(ruleSet.educatorRegister) });
  const registerEntries = register.status === 'ready' ? register.value.entries : undefined;

  const client = useQueryClient();
  const [autosaver] = useState(() => new Autosaver(AUTOSAVE_DELAY_MS));
  // The header shows this editor's save status on top of every scroll position.
  useHeaderAutosaver(autosaver, readOnly);
  // Forms typed into and not yet submitted are kept through the same autosave path.
  const [drafts] = useState(() =>
    readOnly
      ? null
      : new DraftBook(detail.drafts, autosaver, (key, draft) => api['inspections.saveDraft']({ inspectionId: detail.id, key, draft })),
  );
  // A Scheda opens on its first section for this service (a domiciliare has no items in A).
  const [tab, setTab] = useState<Tab>(() =>
    initialTab === 'A' ? (navSections(checklist, service, detail.purpose)[0]?.id ?? 'visita') : initialTab,
  );
  const [focusTarget, setFocusTarget] = useState<string | null>(null);

  const defaults = useMemo(() => initialValues(checklist, detail, service.type), [checklist, detail, service.type]);
  const resolver = useMemo(() => zodResolver(schedaSchema(checklist), undefined, { raw: true }), [checklist]);
  const form = useForm<SchedaValues>({ defaultValues: defaults, resolver, mode: 'onChange' });
  const lastValidCounts = useRef(parseCounts(table, defaults.counts));
  const itemsByKey = useMemo(() => new Map(checklist.items.map((i) => [fieldKey(i.id), i])), [checklist]);

  // Autosave: each change is queued per answer / for the counts table.
  useEffect(() => {
    if (readOnly) return;
    const sub = form.watch((values, { name }) => {
      if (!name) return;
      const all = values as SchedaValues;
      if (name.startsWith('counts.')) {
        const parsed = parseCounts(table, all.counts);
        if (!parsed) {
          autosaver.cancel('counts');
          return;
        }
        lastValidCounts.current = parsed;
        autosaver.schedule('counts', () =>
          saved(
            client,
            'inspections.saveCounts',
            api['inspections.saveCounts']({ inspectionId: detail.id, children: parsed.children, staffCounts: parsed.staffCounts }),
          ),
        );
        return;
      }
      const m = /^answers\.([^.]+)\./.exec(name);
      const item = m ? itemsByKey.get(m[1]!) : undefined;
      const fields = m ? all.answers[m[1]!] : undefined;
      if (!item || !fields) return;
      const value = answerValue(item, fields);
      if (value instanceof Error) {
        autosaver.cancel(`answer:${item.id}`);
        return;
      }
      const note = fields.note ?? '';
      autosaver.schedule(`answer:${item.id}`, () =>
        saved(client, 'inspections.saveAnswer', api['inspections.saveAnswer']({ inspectionId: detail.id, itemId: item.id, value, note })),
      );
    });
    return () => sub.unsubscribe();
  }, [form, readOnly, table, autosaver, detail.id, itemsByKey, client]);

  const saveVisit = useCallback(
    (visit: VisitState) =>
      autosaver.schedule('visit', () => saved(client, 'inspections.update', api['inspections.update']({ id: detail.id, ...visit }))),
    [autosaver, detail.id, client],
  );

  // Pending saves go out when leaving a field, the page, or the window.
  useFlushBeforeLeaving(autosaver);
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!autosaver.hasUnsaved()) return;
      void autosaver.flush();
      e.preventDefault();
      e.returnValue = '';
    };
    const hidden = () => {
      if (document.visibilityState === 'hidden') void autosaver.flush();
    };
    window.addEventListener('beforeunload', beforeUnload);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('visibilitychange', hidden);
      void autosaver.flush();
    };
  }, [autosaver]);

  const goToItem = useCallback(
    (itemId: string) => {
      // An item id, or a rule's: each finding has a place in the editor (model.ts `findingPlace`).
      const place = findingPlace(checklist, itemId);
      setTab(place.tab as Tab);
      setFocusTarget(place.focusId);
    },
    [checklist],
  );
  useEffect(() => {
    if (!focusTarget) return;
    const el = document.getElementById(focusTarget);
    if (el) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: 'center' });
    }
    setFocusTarget(null);
  }, [focusTarget, tab]);

  // The fixed part keeps its identity while the inspector works: its readers do not re-render.
  const fixed: InspectionFixed = useMemo(
    () => ({
      detail,
      service,
      staff,
      checklist,
      ruleSet,
      ruleSetKey,
      readOnly,
      autosaver,
      control: form.control,
      lastValidCounts,
      saveVisit,
      goToItem,
    }),
    [detail, service, staff, checklist, ruleSet, ruleSetKey, readOnly, autosaver, form.control, saveVisit, goToItem],
  );

  function choose(next: Tab) {
    setTab(next);
    setFocusTarget(`tab-heading-${next}`);
  }

  return (
    <FormProvider {...form}>
      <InspectionProvider fixed={fixed} members={data.members} registerEntries={registerEntries}>
        <DraftsProvider book={drafts}>
          <article className="ispezione" aria-labelledby="ispezione-title">
            <header className="ispezione-header">
              <div>
                <p className="breadcrumb">
                  <Link to={href({ page: 'service', id: service.id })}>← {service.name}</Link>
                </p>
                <TitoloIspezione />
                <p className="sub">
                  <ScopoVisita /> · {typeLabels[service.type]} · revisione {detail.revision}{' '}
                  <Badge tone={STATUS_TONES[detail.status]}>{STATUS_LABELS[detail.status]}</Badge>
                  {detail.demo && <DemoBadge />}
                  {detail.syncStatus && (
                    <>
                      {' · Ufficio: '}
                      <LiveSyncBadge inspectionId={detail.id} status={detail.syncStatus} onChange={onSyncChange} />
                    </>
                  )}
                </p>
              </div>
              <StatoSalvataggio autosaver={autosaver} readOnly={readOnly} />
            </header>
            {readOnly && <BannerSigillata detail={detail} />}
            {readOnly && <VerbalePdf inspectionId={detail.id} sealWarning={sealWarning} justSealed={initialTab === 'chiusura'} />}
            {detail.rejectionNotes && readOnly && (
              <div className="notice" role="note">
                <strong>Note dell’ufficio sulla revisione precedente:</strong> {detail.rejectionNotes}
              </div>
            )}
            {detail.rejectionNotes && !readOnly && (
              <div className="banner-rejected" role="region" aria-label="Note dell’ufficio">
                <p>
                  <strong>Respinta dall’ufficio:</strong> <span data-rejection-notes>{detail.rejectionNotes}</span>
                </p>
                <p className="sub">
                  La revisione {detail.revision - 1} è stata respinta con queste note. Correggere questa bozza e sigillarla di nuovo:
                  partirà da sola verso l’ufficio.
                </p>
              </div>
            )}
            <div className="ispezione-layout" onBlur={() => !readOnly && void autosaver.flush()}>
              <Navigatore tab={tab} onChoose={choose} />
              <div className="scheda" id="scheda-pannello">
                <TabContent tab={tab} onSealed={onSealed} />
              </div>
              <PannelloRilievi />
            </div>
          </article>
        </DraftsProvider>
      </InspectionProvider>
    </FormProvider>
  );
}

/** The page's h1: the visit's date can change while the page is open (a `useVisit` reader). */
function TitoloIspezione() {
  const { service } = useInspection();
  const { visit } = useVisit();
  return (
    <h1 id="ispezione-title">
      Ispezione del {italianDate(visit.date)} <span className="sub">· {service.name}</span>
    </h1>
  );
}

function ScopoVisita() {
  return <>{PURPOSE_LABELS[useVisit().visit.purpose]}</>;
}

function TabContent({ tab, onSealed }: { tab: Tab; onSealed: (r: Output<'inspections.seal'>) => void }) {
  const scope = useInspection();
  const items = useVisibleItems();
  const headingId = `tab-heading-${tab}`;
  if (tab === 'visita') return <DatiVisita headingId={headingId} />;
  if (tab === 'personale') return <PersonalePresente headingId={headingId} />;
  if (tab === 'prescrizioni') return <Prescrizioni headingId={headingId} />;
  if (tab === 'chiusura') return <ChiudiVisita headingId={headingId} onSealed={onSealed} />;
  const section = scope.checklist.sections.find((s) => s.id === tab);
  if (!section) return null;
  return (
    <fieldset className="scheda-fieldset" disabled={scope.readOnly}>
      <legend className="visually-hidden">Sezione {section.id}</legend>
      <Sezione section={section} items={items.filter((i) => i.section === tab)} headingId={headingId} />
    </fieldset>
  );
}

/** The section navigator: visit data, the Scheda's sections with progress, staff, prescriptions, closing. */
function Navigatore({ tab, onChoose }: { tab: Tab; onChoose: (t: Tab) => void }) {
  const scope = useInspection();
  const { visit } = useVisit();
  const prescriptions = usePrescriptions();
  const words = usePrescriptionWords();
  const items = useVisibleItems();
  const { values } = useLiveCheck();
  const sections = navSections(scope.checklist, scope.service, visit.purpose);
  const entry = (id: Tab, label: string, progress?: string) => (
    <li key={id}>
      <button type="button" className="nav-step" aria-current={tab === id ? 'step' : undefined} onClick={() => onChoose(id)} data-tab={id}>
        <span className="nav-label">{label}</span>
        {progress && <span className="nav-progress">{progress}</span>}
      </button>
    </li>
  );
  return (
    <nav className="navigatore" aria-label="Parti della scheda">
      <ol>
        {entry('visita', 'Dati della visita')}
        {sections.map((s) => {
          const own = items.filter((i) => i.section === s.id && i.kind !== 'text');
          const missing = unanswered(own, values).length;
          const label = s.id === 'ACC' ? `Accreditamento` : `${s.id}. ${s.title}`;
          return entry(s.id, label, own.length ? `${own.length - missing}/${own.length}` : undefined);
        })}
        {entry('personale', 'Personale presente', String(visit.staffIds.length))}
        {entry('prescrizioni', words.Plural, String(prescriptions.length))}
        {entry('chiusura', 'Chiudi visita')}
      </ol>
    </nav>
  );
}

function BannerSigillata({ detail }: { detail: InspectionDetail }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const reviseMutation = useApiMutation('inspections.revise');
  async function revise() {
    setBusy(true);
    const r = await reviseMutation.mutateAsync({ id: detail.id });
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else await navigate(href({ page: 'inspection', id: r.value.id }));
  }
  return (
    <div className="banner-sealed" role="region" aria-label="Visita sigillata">
      <p>
        <strong>Visita chiusa{detail.sealedAt ? ` il ${italianDateTime(detail.sealedAt)}` : ''}: sola lettura.</strong> Impronta del
        contenuto (SHA-256):{' '}
        <code className="hash" data-hash>
          {detail.contentHash ?? '—'}
        </code>
      </p>
      {detail.sealedFile?.visit.commissionIncompleteReason && (
        <p data-commission-reason>
          <strong>Sigillata senza la commissione completa.</strong> Motivo: {detail.sealedFile.visit.commissionIncompleteReason}
        </p>
      )}
      <button type="button" onClick={() => void revise()} disabled={busy}>
        Correggi (nuova revisione)
      </button>
      {error && <ErrorBox message={error} />}
    </div>
  );
}
