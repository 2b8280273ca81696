/**
 * The API handlers: one function per method of shared/api/contract.ts, shared by Electron main
 * and the browser shell. Each area of the contract has its module under host/handlers/ (services,
 * inspections, photos, prescriptions, sealing, signing, sync); this file assembles them and is the
 * boundary: input is validated with the contract's schema, output is checked against it too (a
 * mismatch is our bug, reported as `internal` rather than sent to the UI), and nothing throws across it.
 *
 * Handlers run synchronously (better-sqlite3 is synchronous); `dispatch` can therefore be used
 * inside a store transaction (the demo seeds everything in one commit). What must wait (the PDF
 * report at sealing, PKCS#12 import, report versions: host/reports.ts) runs only through `call`,
 * the entry point of both shells; `dispatch` seals without producing the report.
 */
import { z } from 'zod';
import { contract, MAX_DRAFTS, METHODS, type Api, type Method, type Result } from '../shared/api/contract.ts';
import { isUserTextIssue } from '../shared/text.ts';
import { useItalianZodMessages } from '../shared/zod-italian.ts';
import type { RuleSet } from '../shared/rules/index.ts';
import { StoreError } from '../db/errors.ts';
import type { Store } from '../db/store.ts';
import type { Clock } from './clock.ts';
import { fromException, fromZod } from './errors.ts';
import { createDraftStore } from './drafts.ts';
import type { AppearanceRender } from '../report/index.ts';
import { createReportService, type ReportRender } from './reports.ts';
import { SyncService } from './sync/service.ts';
import { LaptopLongTerm, type LaptopLongTermOptions } from './long-term.ts';
import { createContext, fail, InvalidInput, type AsyncHandlers, type Handlers } from './handlers/context.ts';
import { agendaHandlers } from './handlers/agenda.ts';
import { asyncInspectionHandlers, inspectionHandlers } from './handlers/inspections.ts';
import { asyncPhotoHandlers, photoHandlers } from './handlers/photos.ts';
import { prescriptionHandlers } from './handlers/prescriptions.ts';
import { asyncSealingHandlers, sealingHandlers } from './handlers/sealing.ts';
import { serviceHandlers } from './handlers/services.ts';
import { asyncSigningHandlers, signingHandlers } from './handlers/signing.ts';
import { asyncSyncHandlers, syncHandlers } from './handlers/sync.ts';

export type { AsyncOnlyMethod, Handlers } from './handlers/context.ts';

// Italian messages for zod's built-in checks (types, sizes); our own schemas carry their own.
useItalianZodMessages();

export interface HandlerOptions {
  store: Store;
  clock: Clock;
  shell: 'electron' | 'browser';
  demo?: boolean;
  /** The rule set new inspections use; when absent, the current one of the laptop's territory (host/territory.ts). */
  ruleSet?: RuleSet;
  log?: (message: string) => void;
  /** Office sync (pairing, outbox loop); created on the store when absent. The shells start its loop. */
  sync?: SyncService;
  /** Draws a report PDF (`buildReport` on this thread when absent). */
  renderReport?: ReportRender;
  /** Tuning of the laptop's long-term validation of queued reports (attempts, pauses, timeouts). */
  longTerm?: Omit<LaptopLongTermOptions, 'store' | 'reports' | 'log'>;
  /** Draws a digital signature's appearance (`renderAppearance` on this thread when absent). */
  renderAppearance?: AppearanceRender;
}

export interface HostApi {
  /** Validates, runs, answers: never throws. */
  dispatch(method: string, input: unknown): Result<unknown>;
  /**
   * The shells' entry point: like `dispatch`, and also runs what has to wait (sealing with the PDF
   * report and its signature, key import, report versions). Never rejects.
   */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Office sync: the shells call `sync.start()` to run the loop whenever paired. */
  sync: SyncService;
  /** The same as named async functions: what the preload and the HTTP client look like. */
  api: Api;
}

export function createHandlers(options: HandlerOptions): HostApi {
  const { store } = options;
  const sync = options.sync ?? new SyncService({ store, ...(options.log ? { log: options.log } : {}) });
  const reports = createReportService(store, options.log, options.renderReport, options.renderAppearance);
  // The queued reports are augmented to PAdES B-LTA before they leave, when a TSA is set.
  sync.useLongTerm(new LaptopLongTerm({ store, reports, ...options.longTerm, ...(options.log ? { log: options.log } : {}) }));
  const ctx = createContext({
    store,
    clock: options.clock,
    shell: options.shell,
    demo: options.demo ?? false,
    ruleSet: options.ruleSet,
    reports,
    sync,
    drafts: createDraftStore(store, options.clock, () => fail('key', `troppe bozze aperte in questa visita (al massimo ${MAX_DRAFTS})`)),
  });

  const sealing = sealingHandlers(ctx);
  const handlers: Handlers = {
    ...serviceHandlers(ctx),
    ...inspectionHandlers(ctx),
    ...sealing,
    ...photoHandlers(ctx),
    ...prescriptionHandlers(ctx),
    ...signingHandlers(ctx),
    ...syncHandlers(ctx),
    ...agendaHandlers(ctx),
  };
  const asyncHandlers: AsyncHandlers = {
    ...asyncSealingHandlers(ctx, sealing['inspections.seal']),
    ...asyncPhotoHandlers(ctx),
    ...asyncInspectionHandlers(ctx),
    ...asyncSigningHandlers(ctx),
    ...asyncSyncHandlers(ctx),
  };

  const isMethod = (m: string): m is Method => Object.prototype.hasOwnProperty.call(contract, m);

  function checked(method: Method, value: unknown): Result<unknown> {
    const out = z.safeParse(contract[method].output, value);
    // Text saved before control characters were refused (a name, a note) is still shown as it is:
    // the check is there to stop new input, not to lock the inspector out of old records.
    if (!out.success && out.error.issues.every(isUserTextIssue)) return { ok: true, value };
    if (!out.success) {
      const e = fromZod(out.error);
      (options.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(
        `vigilanza: risposta di ${method} non conforme al contratto: ${e.message}`,
      );
      return { ok: false, error: { code: 'internal', message: `errore interno: risposta di ${method} non conforme (${e.message})` } };
    }
    return { ok: true, value: out.data };
  }

  const failed = (e: unknown): Result<never> =>
    e instanceof InvalidInput ? { ok: false, error: e.error } : { ok: false, error: fromException(e, options.log) };

  function dispatch(method: string, input: unknown): Result<unknown> {
    if (!isMethod(method)) return { ok: false, error: { code: 'not_found', message: `metodo sconosciuto: ${method}` } };
    const spec = contract[method];
    const parsed = z.safeParse(spec.input, input ?? {});
    if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
    const handler = (handlers as Partial<Record<Method, (i: unknown) => unknown>>)[method];
    if (!handler) return { ok: false, error: { code: 'internal', message: `${method} si chiama solo in modo asincrono (call)` } };
    try {
      return checked(method, handler(parsed.data));
    } catch (e) {
      return failed(e);
    }
  }

  async function call(method: string, input: unknown): Promise<Result<unknown>> {
    const handler = isMethod(method) ? (asyncHandlers as Partial<Record<Method, (i: unknown) => Promise<unknown>>>)[method] : undefined;
    if (!isMethod(method) || !handler) return dispatch(method, input);
    const parsed = z.safeParse(contract[method].input, input ?? {});
    if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
    try {
      return checked(method, await handler(parsed.data));
    } catch (e) {
      return failed(e);
    }
  }

  const api = Object.fromEntries(METHODS.map((m) => [m, (input: unknown) => call(m, input)])) as unknown as Api;
  return { dispatch, call, api, sync };
}

export { StoreError };
