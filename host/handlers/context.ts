/**
 * What every handler area shares: the store and services of one host, the rule set and Scheda of
 * an inspection, and the views the contract answers with (a service's summary, an inspection's
 * detail). Each area (services.ts, inspections.ts, …) builds its handlers on one of these.
 */
import type { z } from 'zod';
import type {
  ApiError,
  contract,
  InspectionDetail,
  InspectionSummary,
  Method,
  Output,
  ServiceSummary,
  StaffPerson,
} from '../../shared/api/contract.ts';
import { getChecklist, type Checklist, type ChecklistItem } from '../../shared/checklist/index.ts';
import type { IsoDate } from '../../shared/dates.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import {
  actStatus,
  statesActValidity,
  countOutcomes,
  evaluate,
  inspectionsDueWindow,
  RULE_SETS,
  serviceInspectionsDue,
  OUTCOMES_EVALUATION,
  type OutcomeCounts,
  type RuleSet,
} from '../../shared/rules/index.ts';
import type { InspectionRecord, StaffRecord } from '../../db/records.ts';
import type { ServiceWithVisits } from '../../db/repositories/services.ts';
import type { Store } from '../../db/store.ts';
import { isoToday, type Clock } from '../clock.ts';
import { invalid } from '../errors.ts';
import { buildInspectionFile, parseStoredFile, toCheckOf } from '../inspection-file.ts';
import type { DraftStore } from '../drafts.ts';
import type { ReportService } from '../reports.ts';
import type { SyncService } from '../sync/service.ts';
import { laptopTerritory } from '../territory.ts';

type Input<M extends Method> = z.output<(typeof contract)[M]['input']>;
type Handler<M extends Method> = (input: Input<M>) => Output<M>;
/** Methods that need to wait (PDF rendering, WebCrypto): only through `call`, not `dispatch`. */
export type AsyncOnlyMethod =
  | 'signing.importP12'
  | 'signing.deviceTokens'
  | 'signing.deviceCertificates'
  | 'signing.setDevice'
  | 'report.get'
  | 'report.addSignature'
  | 'sync.pair'
  | 'sync.unpair';
export type Handlers = { [M in Exclude<Method, AsyncOnlyMethod>]: Handler<M> };
/** Also run synchronously by `dispatch`, without what has to wait: the seal's report, a photo's full decode. */
export type AsyncHandlers = {
  [M in AsyncOnlyMethod | 'inspections.seal' | 'photos.add' | 'inspections.revise']: (input: Input<M>) => Promise<Output<M>>;
};
export type { Input };

/** A refusal the user can act on, carried to the boundary as the API error it already is. */
export class InvalidInput extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}
export const fail = (field: string, message: string): never => {
  throw new InvalidInput(invalid(field, message));
};

export interface ContextOptions {
  store: Store;
  clock: Clock;
  shell: 'electron' | 'browser';
  demo: boolean;
  /** The rule set new inspections use; when absent, the current one of the laptop's territory (host/territory.ts). */
  ruleSet?: RuleSet | undefined;
  reports: ReportService;
  sync: SyncService;
  /** Drafts of the visit's forms not yet submitted (host/drafts.ts). */
  drafts: DraftStore;
}

export type HandlerContext = ReturnType<typeof createContext>;

export function createContext(options: ContextOptions) {
  const { store, clock } = options;
  const today = (): IsoDate => isoToday(clock);

  const ruleSetOf = (key: string): RuleSet => {
    const rs = RULE_SETS.get(key);
    if (!rs) throw new Error(`insieme di regole ${key} sconosciuto a questa versione`);
    return rs;
  };
  const checklistOf = (key: string): Checklist => {
    const c = getChecklist(key);
    if (!c) throw new Error(`Scheda ${key} sconosciuta a questa versione`);
    return c;
  };
  /** The rule set new visits are made with and the services list is computed with: the laptop territory's current one. */
  const currentRuleSet = (): RuleSet => options.ruleSet ?? ruleSetOf(laptopTerritory(store).ruleSet);

  function checkItem(ruleSetKey: string, itemId: string, field = 'itemId'): ChecklistItem {
    const item = checklistOf(ruleSetKey).items.find((i) => i.id === itemId);
    if (!item) fail(field, `voce "${itemId}" sconosciuta nella Scheda ${ruleSetKey}`);
    return item!;
  }

  /** The contract's view of an act: `none` when the registry has no issue date. */
  function actOf(ruleSet: RuleSet, issuedOn: string | null, asOf: IsoDate) {
    if (!issuedOn) return { until: null, status: 'none' as const };
    // A rule set stating no validity (its regulation is silent) gives no end date; the contract has no
    // status for that yet, so the badge shows none rather than a borrowed one.
    if (!statesActValidity(ruleSet)) return { until: null, status: 'none' as const };
    const a = actStatus(ruleSet, issuedOn, asOf);
    return { until: a.validUntil, status: a.status };
  }

  /** A services-list row: the registry plus what `listWithVisits` fetched, nothing more read. */
  function summarise(
    { service: s, lastVisit, visitsFrom, openPrescriptions }: ServiceWithVisits,
    asOf: IsoDate,
    ruleSet: RuleSet,
  ): ServiceSummary {
    const auth = actOf(ruleSet, s.authorizationIssuedOn, asOf);
    const acc = actOf(ruleSet, s.accreditationIssuedOn, asOf);
    const due = serviceInspectionsDue(ruleSet, s, lastVisit ? [lastVisit, ...visitsFrom] : visitsFrom, asOf);
    return {
      ...s,
      authorizationValidUntil: auth.until,
      authorizationStatus: auth.status,
      accreditationValidUntil: acc.until,
      accreditationStatus: acc.status,
      lastInspectionDate: due.lastVisit,
      nextInspectionDueBy: due.nextDueBy,
      inspectionOverdue: due.overdue,
      inspectionStanding: due.standing,
      openPrescriptions,
    };
  }

  /** The services list (or one service, `id`), in one query whatever the number of visits stored. */
  function serviceSummaries(filter: Parameters<Store['services']['listWithVisits']>[0]): ServiceSummary[] {
    const asOf = today();
    const ruleSet = currentRuleSet();
    return store.services.listWithVisits(filter, inspectionsDueWindow(asOf)).map((row) => summarise(row, asOf, ruleSet));
  }

  function serviceSummary(id: string, field = 'id'): ServiceSummary {
    const [found] = serviceSummaries({ id });
    if (!found) store.services.get(id, field); // the Italian not-found, naming the field
    return found!;
  }

  /** The file as sealed, or as it would be sealed now. */
  function fileOf(r: InspectionRecord): InspectionFile {
    const sealed = r.status === 'draft' ? null : store.inspections.sealedFile(r.id);
    return sealed ? parseStoredFile(sealed) : buildInspectionFile(store, store.inspections.content(r.id));
  }

  function outcomesOf(r: InspectionRecord, file = fileOf(r)): OutcomeCounts {
    return countOutcomes(evaluate(file, ruleSetOf(r.ruleSet), checklistOf(r.ruleSet)).findings);
  }

  function summary(
    r: InspectionRecord,
    serviceName: string,
    failCount: number,
    syncStatus = store.outbox.statusOf(r.id),
  ): InspectionSummary {
    return {
      id: r.id,
      visitId: r.visitId,
      revision: r.revision,
      previousId: r.previousId,
      serviceId: r.serviceId,
      serviceName,
      demo: r.demo,
      purpose: r.purpose,
      date: r.date,
      status: r.status,
      contentHash: r.contentHash,
      sealedAt: r.sealedAt,
      updatedAt: r.updatedAt,
      failCount,
      syncStatus,
    };
  }

  /**
   * A service's revisions for its page. A sealed one's counts are those stored at sealing; one
   * sealed before migration 008 (or by an older evaluation) is evaluated here once, and its counts
   * saved, in one transaction for the page. A draft is evaluated each time: its findings move with
   * every answer and with the roster, and a service has few of them.
   */
  function inspectionSummaries(serviceId: string, serviceName: string): InspectionSummary[] {
    const rows = store.inspections.listRowsByService(serviceId, OUTCOMES_EVALUATION);
    const missing = rows.filter((row) => row.record.status !== 'draft' && !row.outcomes);
    if (missing.length)
      store.transaction(() => {
        for (const row of missing) {
          row.outcomes = outcomesOf(row.record);
          store.inspections.saveOutcomes(row.record.id, row.record.contentHash!, { evaluation: OUTCOMES_EVALUATION, counts: row.outcomes });
        }
      });
    return rows.map(({ record, outcomes, syncStatus }) => summary(record, serviceName, (outcomes ?? outcomesOf(record)).fail, syncStatus));
  }

  function detail(id: string, field = 'id'): InspectionDetail {
    const r = store.inspections.get(id, field);
    const content = store.inspections.content(id);
    const sealedText = r.status === 'draft' ? null : store.inspections.sealedFile(id);
    const sealedFile = sealedText ? parseStoredFile(sealedText) : null;
    const file = sealedFile ?? buildInspectionFile(store, content);
    return {
      ...summary(r, store.services.get(r.serviceId).name, outcomesOf(r, file).fail),
      ruleSet: r.ruleSet,
      place: r.place,
      startTime: r.startTime,
      endTime: r.endTime,
      memberIds: content.memberIds,
      answers: content.answers,
      children: content.children,
      staffCounts: content.staffCounts,
      staffIds: content.staffIds,
      rejectionNotes: r.rejectionNotes,
      signatures: content.signatures,
      photos: store.photos.listByInspection(id),
      prescriptions: store.prescriptions.listByInspection(id),
      toCheck: r.status === 'draft' ? toCheckOf(store, r).map((c) => ({ ...c, answer: content.checks[c.key] ?? null })) : [],
      drafts: r.status === 'draft' ? options.drafts.list(id) : {},
      plan: store.agenda.planOf(r.visitId),
      sealedFile,
      hasReport: store.attachments.listByInspection(id).some((a) => a.kind === 'report'),
    };
  }

  const person = (s: StaffRecord): StaffPerson => ({
    id: s.id,
    serviceId: s.serviceId,
    name: s.name,
    role: s.role,
    title: s.title,
    titleObtainedOn: s.titleObtainedOn,
    pathStartedOn: s.pathStartedOn,
    trainings: s.trainings,
    active: s.active,
    updatedAt: s.updatedAt,
  });

  return {
    ...options,
    today,
    currentRuleSet,
    ruleSetOf,
    checklistOf,
    checkItem,
    serviceSummaries,
    serviceSummary,
    fileOf,
    outcomesOf,
    inspectionSummaries,
    detail,
    person,
  };
}
