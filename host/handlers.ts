/**
 * The API handlers: one function per method of shared/api/contract.ts, shared by Electron main
 * and the browser shell. Input is validated with the contract's schema, output is checked
 * against it too (a mismatch is our bug, reported as `internal` rather than sent to the UI), and
 * nothing throws across the boundary.
 *
 * Handlers run synchronously (better-sqlite3 is synchronous); `dispatch` can therefore be used
 * inside a store transaction (the demo seeds everything in one commit). What must wait (the PDF
 * report at sealing, PKCS#12 import, report versions: host/reports.ts) runs only through `call`,
 * the entry point of both shells; `dispatch` seals without producing the report.
 */
import { z } from 'zod';
import {
  contract,
  METHODS,
  type Api,
  type ApiError,
  type InspectionDetail,
  type InspectionSummary,
  type Method,
  type Output,
  type PhotoMeta,
  type Result,
  type ServiceSummary,
  type StaffPerson,
} from '../shared/api/contract.ts';
import { sha256Hex } from '../shared/canonical.ts';
import { canonicalJson } from '../shared/canonical.ts';
import { answerFits, answerMisfitMessage, getChecklist, type Checklist } from '../shared/checklist/index.ts';
import { compareDates } from '../shared/dates.ts';
import type { InspectionFile } from '../shared/inspection.ts';
import { isUserTextIssue } from '../shared/text.ts';
import { actStatus, evaluate, RULE_SETS, serviceInspectionsDue, ruleSetKey, validateAgainst, ZONA_FSE_1, type RuleSet } from '../shared/rules/index.ts';
import { StoreError } from '../db/errors.ts';
import type { InspectionRecord, ServiceRecord, StaffRecord } from '../db/records.ts';
import type { Store } from '../db/store.ts';
import { isoToday, type Clock } from './clock.ts';
import { fromException, fromZod, invalid } from './errors.ts';
import { buildInspectionFile, parseStoredFile } from './inspection-file.ts';
import { decodePhoto, PhotoProblem } from './photos.ts';
import { createReportService, photoUnreadable } from './reports.ts';
import { SyncInputError, SyncService } from './sync/service.ts';
import pkg from '../package.json' with { type: 'json' };

// Italian messages for zod's built-in checks (types, sizes); our own schemas carry their own.
z.config(z.locales.it());

export const CURRENT_RULE_SET = ZONA_FSE_1;

export interface HandlerOptions {
  store: Store;
  clock: Clock;
  shell: 'electron' | 'browser';
  demo?: boolean;
  /** The rule set new inspections use. */
  ruleSet?: RuleSet;
  log?: (message: string) => void;
  /** Office sync (pairing, outbox loop); created on the store when absent. The shells start its loop. */
  sync?: SyncService;
}

type Handler<M extends Method> = (input: z.output<(typeof contract)[M]['input']>) => Output<M>;
/** Methods that need to wait (PDF rendering, WebCrypto): only through `call`, not `dispatch`. */
export type AsyncOnlyMethod = 'signing.importP12' | 'report.get' | 'report.addSignature' | 'sync.pair' | 'sync.unpair';
export type Handlers = { [M in Exclude<Method, AsyncOnlyMethod>]: Handler<M> };
/** Also run synchronously by `dispatch`, without what has to wait: the seal's report, a photo's full decode. */
type AsyncHandlers = { [M in AsyncOnlyMethod | 'inspections.seal' | 'photos.add' | 'inspections.revise']: (input: z.output<(typeof contract)[M]['input']>) => Promise<Output<M>> };

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

const MIME_MAGIC: Record<'image/jpeg' | 'image/png', number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class InvalidInput extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}
const fail = (field: string, message: string): never => {
  throw new InvalidInput(invalid(field, message));
};

export function createHandlers(options: HandlerOptions): HostApi {
  const { store, clock } = options;
  const reports = createReportService(store, options.log);
  const sync = options.sync ?? new SyncService({ store, ...(options.log ? { log: options.log } : {}) });
  /** Pairing problems the user can fix, as API errors naming the field. */
  const syncCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof SyncInputError) throw new InvalidInput(e.code === 'conflict' ? { code: 'conflict', field: e.field, message: e.message } : invalid(e.field, e.message));
      throw e;
    }
  };
  const newRuleSet = options.ruleSet ?? CURRENT_RULE_SET;
  const today = () => isoToday(clock);

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

  /** The contract's view of an act: `none` when the registry has no issue date. */
  function actOf(issuedOn: string | null, asOf: string) {
    if (!issuedOn) return { until: null, status: 'none' as const };
    const a = actStatus(newRuleSet, issuedOn, asOf);
    return { until: a.validUntil, status: a.status };
  }

  function summarise(s: ServiceRecord, dates: Map<string, string[]>, open: Map<string, number>): ServiceSummary {
    const asOf = today();
    const auth = actOf(s.authorizationIssuedOn, asOf);
    const acc = actOf(s.accreditationIssuedOn, asOf);
    const due = serviceInspectionsDue(newRuleSet, s, dates.get(s.id) ?? [], asOf);
    return {
      ...s,
      authorizationValidUntil: auth.until,
      authorizationStatus: auth.status,
      accreditationValidUntil: acc.until,
      accreditationStatus: acc.status,
      lastInspectionDate: due.lastVisit,
      nextInspectionDueBy: due.nextDueBy,
      inspectionOverdue: due.overdue,
      openPrescriptions: open.get(s.id) ?? 0,
    };
  }

  function serviceSummary(id: string, field = 'id'): ServiceSummary {
    return summarise(store.services.get(id, field), store.services.inspectionDates(), store.services.openPrescriptions());
  }

  /** The file as sealed, or as it would be sealed now. */
  function fileOf(r: InspectionRecord): InspectionFile {
    const sealed = r.status === 'draft' ? null : store.inspections.sealedFile(r.id);
    return sealed ? parseStoredFile(sealed) : buildInspectionFile(store, store.inspections.content(r.id));
  }

  function failCount(r: InspectionRecord, file = fileOf(r)): number {
    return evaluate(file, ruleSetOf(r.ruleSet), checklistOf(r.ruleSet)).findings.filter((f) => f.outcome === 'fail').length;
  }

  function summary(r: InspectionRecord, serviceName: string, file?: InspectionFile): InspectionSummary {
    return {
      id: r.id,
      visitId: r.visitId,
      revision: r.revision,
      previousId: r.previousId,
      serviceId: r.serviceId,
      serviceName,
      purpose: r.purpose,
      date: r.date,
      status: r.status,
      contentHash: r.contentHash,
      sealedAt: r.sealedAt,
      updatedAt: r.updatedAt,
      failCount: failCount(r, file),
      syncStatus: store.outbox.statusOf(r.id),
    };
  }

  function detail(id: string, field = 'id'): InspectionDetail {
    const r = store.inspections.get(id, field);
    const content = store.inspections.content(id);
    const sealedText = r.status === 'draft' ? null : store.inspections.sealedFile(id);
    const sealedFile = sealedText ? parseStoredFile(sealedText) : null;
    const file = sealedFile ?? buildInspectionFile(store, content);
    return {
      ...summary(r, store.services.get(r.serviceId).name, file),
      memberIds: content.memberIds,
      answers: content.answers,
      children: content.children,
      staffCounts: content.staffCounts,
      staffIds: content.staffIds,
      rejectionNotes: r.rejectionNotes,
      signatures: content.signatures,
      photos: store.photos.listByInspection(id),
      prescriptions: store.prescriptions.listByInspection(id),
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

  function checkStaff(serviceId: string, staffIds: readonly string[]): void {
    staffIds.forEach((sid, i) => {
      const s = store.staff.find(sid);
      if (!s || s.removedAt) fail(`staffIds.${i}`, `persona ${sid} non trovata nell'elenco del personale`);
      else if (s.serviceId !== serviceId) fail(`staffIds.${i}`, `${s.name} appartiene al personale di un altro servizio`);
    });
  }

  function checkItem(ruleSet: string, itemId: string, field = 'itemId') {
    const item = checklistOf(ruleSet).items.find((i) => i.id === itemId);
    if (!item) fail(field, `voce "${itemId}" sconosciuta nella Scheda ${ruleSet}`);
    return item!;
  }

  type PhotoInput = z.output<(typeof contract)['photos.add']['input']>;
  function checkPhotoTarget({ inspectionId, itemId }: PhotoInput): void {
    const r = store.inspections.draft(inspectionId, 'inspectionId');
    if (itemId !== null) checkItem(r.ruleSet, itemId);
  }
  /** The bytes, once they are base64 of something that starts like the declared format. */
  function photoBytes({ mime, dataBase64 }: PhotoInput): Buffer {
    if (!BASE64.test(dataBase64)) fail('dataBase64', 'il contenuto non è in base64 valido');
    const bytes = Buffer.from(dataBase64, 'base64');
    const magic = MIME_MAGIC[mime];
    if (bytes.length < magic.length || !magic.every((b, i) => bytes[i] === b))
      fail('dataBase64', `il contenuto non è un'immagine ${mime === 'image/png' ? 'PNG' : 'JPEG'}`);
    return bytes;
  }
  const storePhoto = ({ inspectionId, itemId, mime, caption }: PhotoInput, bytes: Buffer) => store.photos.add({ inspectionId, itemId, mime, caption, bytes });

  /** "foto n. 2 «ingresso» (voce A.x)": how a stored photo is named to the inspector. */
  const photoName = (p: PhotoMeta, index: number) => `foto n. ${index + 1}${p.caption ? ` «${p.caption}»` : ''}${p.itemId ? ` (voce ${p.itemId})` : ''}`;

  /** The photos of an inspection that do not decode (stored before photos were decoded at entry, or damaged on disk). */
  async function unreadablePhotos(inspectionId: string): Promise<Array<{ photo: PhotoMeta; index: number; reason: string }>> {
    const out: Array<{ photo: PhotoMeta; index: number; reason: string }> = [];
    for (const [index, photo] of store.photos.listByInspection(inspectionId).entries()) {
      const reason = await photoUnreadable(store, photo);
      if (reason) out.push({ photo, index, reason });
    }
    return out;
  }

  const handlers: Handlers = {
    'app.info': () => ({ version: pkg.version, shell: options.shell, ruleSet: ruleSetKey(newRuleSet), demo: options.demo ?? false, today: today() }),

    'services.list': (input) => {
      const dates = store.services.inspectionDates();
      const open = store.services.openPrescriptions();
      const filter: Parameters<Store['services']['list']>[0] = {};
      if (input.query !== undefined) filter.query = input.query;
      if (input.type !== undefined) filter.type = input.type;
      if (input.comune !== undefined) filter.comune = input.comune;
      return store.services.list(filter).map((s) => summarise(s, dates, open));
    },

    'services.get': ({ id }) => {
      const service = serviceSummary(id);
      const inspections = store.inspections.listByService(id).map((r) => summary(r, service.name));
      return { service, inspections, staff: store.staff.listByService(id).map(person) };
    },

    'services.create': (input) => store.services.create(input),
    'services.update': ({ id, ...input }) => store.services.update(id, input),

    'members.list': () => store.members.list(),
    'members.create': (input) => store.members.create(input),

    'staff.save': (input) => {
      store.services.get(input.serviceId, 'serviceId');
      return person(store.staff.save(input));
    },

    'staff.remove': ({ id }) =>
      store.transaction(() => {
        const { removed, drafts } = store.staff.remove(id);
        for (const d of drafts) store.inspections.note(d, 'personale rimosso dall’elenco', { staffId: id });
        return { removed };
      }),

    'inspections.create': (input) => {
      store.services.get(input.serviceId, 'serviceId');
      store.members.getMany(input.memberIds);
      const r = store.inspections.create({ ...input, ruleSet: ruleSetKey(newRuleSet) });
      return detail(r.id);
    },

    'inspections.get': ({ id }) => detail(id),

    'inspections.update': ({ id, ...patch }) => {
      const r = store.inspections.draft(id);
      if (patch.memberIds) store.members.getMany(patch.memberIds);
      if (patch.staffIds) checkStaff(r.serviceId, patch.staffIds);
      store.inspections.update(id, patch);
      return detail(id);
    },

    'inspections.saveAnswer': ({ inspectionId, itemId, value, note }) => {
      const r = store.inspections.draft(inspectionId, 'inspectionId');
      const item = checkItem(r.ruleSet, itemId);
      if (value !== undefined && value !== null && !answerFits(item.kind, value)) fail('value', answerMisfitMessage(item.kind));
      const write: Parameters<Store['inspections']['saveAnswer']>[1] = { itemId };
      if (value !== undefined) write.value = value;
      if (note !== undefined) write.note = note;
      return store.inspections.saveAnswer(inspectionId, write);
    },

    'inspections.saveCounts': ({ inspectionId, children, staffCounts }) => {
      const r = store.inspections.draft(inspectionId, 'inspectionId');
      const type = store.services.get(r.serviceId).type;
      const bands = ruleSetOf(r.ruleSet).serviceTypes[type].bands.map((b) => b.id);
      const seen = new Set<string>();
      children.forEach((c, i) => {
        if (!bands.includes(c.band)) fail(`children.${i}.band`, `fascia ${c.band} non prevista per questa tipologia (ammesse: ${bands.join(', ')})`);
        if (seen.has(c.band)) fail(`children.${i}.band`, `fascia ${c.band} ripetuta`);
        seen.add(c.band);
      });
      return store.inspections.saveCounts(inspectionId, children, staffCounts);
    },

    'inspections.seal': ({ id, signatures, passphrase }) => {
      // Signing waits on WebCrypto: only `call` (the shells) seals with a digital signature.
      if (passphrase !== undefined) fail('passphrase', 'la firma digitale al sigillo è disponibile solo dall’applicazione');
      const r = store.inspections.draft(id);
      const seen = new Set<string>();
      signatures.forEach((s, i) => {
        if (seen.has(s.signatory)) fail(`signatures.${i}.signatory`, `firma ripetuta per ${s.signatory}`);
        seen.add(s.signatory);
      });
      const file = buildInspectionFile(store, store.inspections.content(id));
      const parsed = z.safeParse(contract['inspections.export'].output, file);
      if (!parsed.success) throw new InvalidInput(fromZod(parsed.error));
      const problems = validateAgainst(parsed.data, ruleSetOf(r.ruleSet), checklistOf(r.ruleSet));
      if (problems.length) {
        const [path, message] = problems[0]!.split(/: (.*)/s);
        fail(path ?? 'id', message ?? problems[0]!);
      }
      const canonicalFile = canonicalJson(parsed.data);
      const contentHash = sha256Hex(new TextEncoder().encode(canonicalFile));
      // Queued for the office in the seal's own transaction: a sealed revision is never left behind.
      const sealed = store.transaction(() => {
        const done = store.inspections.seal(id, { signatures, canonicalFile, contentHash });
        store.outbox.enqueue(id);
        return done;
      });
      sync.kick();
      return { contentHash, sealedAt: sealed.sealedAt!, inspection: detail(id) };
    },

    'inspections.revise': ({ id }) => detail(store.inspections.revise(id).id),

    'inspections.export': ({ id }) => fileOf(store.inspections.get(id)),

    'inspections.audit': ({ id }) => {
      store.inspections.get(id);
      return store.audit.list(id);
    },

    'photos.add': (input) => {
      checkPhotoTarget(input);
      return storePhoto(input, photoBytes(input));
    },

    'photos.get': ({ id }) => {
      const { meta, bytes } = store.photos.bytes(id);
      return { mime: meta.mime, dataBase64: bytes.toString('base64') };
    },

    'photos.remove': ({ id }) => ({ removed: store.photos.remove(id) }),

    'prescriptions.save': (input) => {
      const r = store.inspections.draft(input.inspectionId, 'inspectionId');
      if (compareDates(input.deadline, r.date) <= 0) fail('deadline', 'la scadenza deve essere successiva alla data della visita');
      const write: Parameters<Store['prescriptions']['save']>[0] = { inspectionId: input.inspectionId, rule: input.rule, text: input.text, deadline: input.deadline };
      if (input.id) write.id = input.id;
      return store.prescriptions.save(write);
    },

    'prescriptions.remove': ({ id }) => ({ removed: store.prescriptions.remove(id) }),

    'signing.status': () => reports.status(),
    'signing.remove': () => reports.removeKey(),
    'signing.setTsaUrl': ({ tsaUrl }) => reports.setTsaUrl(tsaUrl),
    'signing.listTrustedCas': () => reports.trustedCas(),
    'signing.addTrustedCa': ({ pem }) => reports.addTrustedCa(pem),
    'signing.removeTrustedCa': ({ id }) => reports.removeTrustedCa(id),

    'sync.status': () => sync.status(),
    'sync.now': () => sync.syncNow(),
    'sync.outbox': () => sync.entries(),
    'sync.retry': ({ inspectionId }) => sync.retry(inspectionId),
  };

  const asyncHandlers: AsyncHandlers = {
    // The passphrase is checked first (a wrong one changes nothing); then the seal commits exactly
    // as without a key, and the report is made from what was sealed.
    'inspections.seal': async ({ passphrase, ...input }) => {
      let signer = null;
      if (passphrase !== undefined) {
        store.inspections.draft(input.id);
        signer = await reports.unlock(passphrase);
      }
      // A photo that cannot go into the report is named before anything is sealed: the draft
      // stays as it is, and the inspector removes it (or adds it again from a sound file).
      store.inspections.draft(input.id);
      const [bad] = await unreadablePhotos(input.id);
      if (bad)
        throw new InvalidInput({
          code: 'conflict',
          field: `photos.${bad.index}`,
          message: `${photoName(bad.photo, bad.index)}: ${bad.reason}. Non può entrare nel verbale: rimuoverla dalla visita (ed eventualmente aggiungerla di nuovo da un file integro), poi sigillare.`,
        });
      const sealed = handlers['inspections.seal'](input);
      const report = await reports.produceAfterSeal(input.id, signer);
      return { ...sealed, inspection: detail(input.id), report };
    },
    // Decoded in full before anything is stored: the refusal names the file the inspector chose.
    'photos.add': async (input) => {
      checkPhotoTarget(input);
      const bytes = photoBytes(input);
      try {
        await decodePhoto(bytes, input.mime);
      } catch (e) {
        if (!(e instanceof PhotoProblem)) throw e;
        const name = input.fileName ?? input.caption;
        throw new InvalidInput({ code: 'invalid', field: 'dataBase64', message: `foto${name ? ` «${name}»` : ''}: l'immagine ${e.message}` });
      }
      return storePhoto(input, bytes);
    },
    // A correction copies the photos; one that no longer decodes is left out (and the audit says
    // which and why) rather than carried silently into a revision that could not be sealed with it.
    'inspections.revise': async ({ id }) => {
      const bad = store.inspections.get(id).status === 'draft' ? [] : await unreadablePhotos(id);
      const next = store.transaction(() => {
        const draft = store.inspections.revise(id);
        const copies = store.photos.listByInspection(draft.id);
        for (const { photo, index, reason } of bad) {
          const at = copies.findIndex((c) => c.sha256 === photo.sha256 && c.caption === photo.caption && c.itemId === photo.itemId);
          if (at < 0) continue;
          const [copy] = copies.splice(at, 1);
          store.photos.remove(copy!.id);
          store.inspections.note(draft.id, 'foto illeggibile non copiata nella revisione', { previousId: id, sha256: photo.sha256, photo: photoName(photo, index), reason });
        }
        return draft;
      });
      return detail(next.id);
    },
    'signing.importP12': (input) => reports.importP12(input),
    'report.get': ({ inspectionId }) => reports.get(inspectionId),
    'report.addSignature': (input) => reports.addSignature(input),
    'sync.pair': ({ url, code }) => syncCall(() => sync.pair(url, code)),
    'sync.unpair': () => syncCall(() => sync.unpair()),
  };
  // The loop leaves a revision alone while its report is made and signed, then goes at once.
  const sealWithReport = asyncHandlers['inspections.seal'];
  asyncHandlers['inspections.seal'] = async (input) => {
    try {
      return await sync.holdWhile(input.id, () => sealWithReport(input));
    } finally {
      sync.kick();
    }
  };

  const isMethod = (m: string): m is Method => Object.prototype.hasOwnProperty.call(contract, m);

  function checked(method: Method, value: unknown): Result<unknown> {
    const out = z.safeParse(contract[method].output, value);
    // Text saved before control characters were refused (a name, a note) is still shown as it is:
    // the check is there to stop new input, not to lock the inspector out of old records.
    if (!out.success && out.error.issues.every(isUserTextIssue)) return { ok: true, value };
    if (!out.success) {
      const e = fromZod(out.error);
      (options.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(`vigilanza: risposta di ${method} non conforme al contratto: ${e.message}`);
      return { ok: false, error: { code: 'internal', message: `errore interno: risposta di ${method} non conforme (${e.message})` } };
    }
    return { ok: true, value: out.data };
  }

  const failed = (e: unknown): Result<never> => (e instanceof InvalidInput ? { ok: false, error: e.error } : { ok: false, error: fromException(e, options.log) });

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
