/**
 * Sealing a draft: the file checked against its rule set and Scheda, sealed and queued for the
 * office in one transaction; through `call`, also the PDF report and its signature. A digitally
 * signed report is drawn and signed before the seal commits (`planSeal`, then `commitSeal` with the
 * same instant), so a signature that fails leaves the visit a draft.
 */
import { z } from 'zod';
import { contract } from '../../shared/api/contract.ts';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { commissionGaps } from '../../shared/checklist/index.ts';
import { countOutcomes, evaluate, OUTCOMES_EVALUATION, validateAgainst } from '../../shared/rules/index.ts';
import { fromZod } from '../errors.ts';
import { buildInspectionFile } from '../inspection-file.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import type { StoredOutcomes } from '../../db/records.ts';
import { fail, InvalidInput, type AsyncHandlers, type HandlerContext, type Handlers } from './context.ts';
import { photoName, unreadablePhotos } from './photos.ts';
import { isExternalSigner, type CmsSigner } from '../../report/signer.ts';

type SealInput = Parameters<Handlers['inspections.seal']>[0];

/** What a seal will store, checked and computed from the draft as it is now; nothing is written. */
export interface SealPlan {
  signatures: SealInput['signatures'];
  file: InspectionFile;
  canonicalFile: string;
  contentHash: string;
  outcomes: StoredOutcomes;
  revision: number;
  demo: boolean;
}

function planSeal(ctx: HandlerContext, { id, signatures, passphrase, pin, commissionReason }: SealInput): SealPlan {
  const { store } = ctx;
  // Signing waits on WebCrypto or the device: only `call` (the shells) seals with a digital signature.
  if (passphrase !== undefined || pin !== undefined)
    fail(pin !== undefined ? 'pin' : 'passphrase', 'la firma digitale al sigillo è disponibile solo dall’applicazione');
  const r = store.inspections.draft(id);
  const seen = new Set<string>();
  signatures.forEach((s, i) => {
    if (seen.has(s.signatory)) fail(`signatures.${i}.signatory`, `firma ripetuta per ${s.signatory}`);
    seen.add(s.signatory);
  });
  const file = buildInspectionFile(store, store.inspections.content(id));
  const parsed = z.safeParse(contract['inspections.export'].output, file);
  if (!parsed.success) throw new InvalidInput(fromZod(parsed.error));
  const rs = ctx.ruleSetOf(r.ruleSet);
  const checklist = ctx.checklistOf(r.ruleSet);
  const problems = validateAgainst(parsed.data, rs, checklist);
  if (problems.length) {
    const [path, message] = problems[0]!.split(/: (.*)/s);
    fail(path ?? 'id', message ?? problems[0]!);
  }
  // The Scheda's commission (from the checklist's data), present and signing, or the inspector's reason.
  const reason = commissionReason?.trim() || undefined;
  const gaps = commissionGaps(checklist, parsed.data.visit.members ?? [], signatures, parsed.data.service.comune);
  if (gaps.length && !reason)
    fail(
      'commissionReason',
      `commissione incompleta: ${gaps.map((g) => g.message).join('; ')}. Per sigillare comunque, indicare il motivo`,
    );
  const sealedFile = reason ? { ...parsed.data, visit: { ...parsed.data.visit, commissionIncompleteReason: reason } } : parsed.data;
  const canonicalFile = canonicalJson(sealedFile);
  const contentHash = sha256Hex(new TextEncoder().encode(canonicalFile));
  // What the service's page shows of it, stored with the seal rather than evaluated per request.
  const outcomes = { evaluation: OUTCOMES_EVALUATION, counts: countOutcomes(evaluate(parsed.data, rs, checklist).findings) };
  return { signatures, file: sealedFile as InspectionFile, canonicalFile, contentHash, outcomes, revision: r.revision, demo: r.demo };
}

/** Seals what `plan` computed, queued for the office in the same transaction. */
function commitSeal(ctx: HandlerContext, id: string, plan: SealPlan, sealedAt?: string) {
  const { store } = ctx;
  // Queued for the office in the seal's own transaction: a sealed revision is never left behind.
  // A demo visit is never queued (and the outbox refuses it, migration 009): pairing a laptop
  // that holds the demo must not send made-up visits to a real office.
  const sealed = store.transaction(() => {
    const done = store.inspections.seal(id, {
      signatures: plan.signatures,
      canonicalFile: plan.canonicalFile,
      contentHash: plan.contentHash,
      outcomes: plan.outcomes,
      ...(sealedAt ? { sealedAt } : {}),
    });
    if (!plan.demo) store.outbox.enqueue(id);
    ctx.drafts.clear(id);
    return done;
  });
  return { contentHash: plan.contentHash, sealedAt: sealed.sealedAt!, inspection: ctx.detail(id) };
}

export function sealingHandlers(ctx: HandlerContext): Pick<Handlers, 'inspections.seal'> {
  return {
    'inspections.seal': (input) => {
      const sealed = commitSeal(ctx, input.id, planSeal(ctx, input));
      ctx.sync.kick();
      return sealed;
    },
  };
}

/** `seal` is the synchronous seal above: the report is made from what it committed. */
export function asyncSealingHandlers(ctx: HandlerContext, seal: Handlers['inspections.seal']): Pick<AsyncHandlers, 'inspections.seal'> {
  const { store, reports, sync } = ctx;

  // The passphrase is checked first (a wrong one changes nothing); then the seal commits exactly
  // as without a key, and the report is made from what was sealed.
  async function sealWithReport({ passphrase, pin, ...input }: Parameters<AsyncHandlers['inspections.seal']>[0]) {
    if (passphrase !== undefined && pin !== undefined)
      fail('pin', 'indicare la passphrase della chiave o il PIN del dispositivo di firma, non entrambi');
    store.inspections.draft(input.id);
    // A signing device: the PIN is checked (and the token found, the key on it) before anything is
    // sealed; a wrong or locked PIN, an absent card leave the visit a draft, as a wrong passphrase does.
    if (pin !== undefined) return reports.withDevice(pin, (signer) => sealThenReport(input, signer));
    const signer = passphrase !== undefined ? await reports.unlock(passphrase) : null;
    return sealThenReport(input, signer);
  }

  async function sealThenReport(
    input: Omit<Parameters<AsyncHandlers['inspections.seal']>[0], 'passphrase' | 'pin'>,
    signer: CmsSigner | null,
  ) {
    // A photo that cannot go into the report is named before anything is sealed: the draft
    // stays as it is, and the inspector removes it (or adds it again from a sound file).
    store.inspections.draft(input.id);
    const [bad] = await unreadablePhotos(store, input.id);
    if (bad)
      throw new InvalidInput({
        code: 'conflict',
        field: `photos.${bad.index}`,
        message: `${photoName(bad.photo, bad.index)}: ${bad.reason}. Non può entrare nel verbale: rimuoverla dalla visita (ed eventualmente aggiungerla di nuovo da un file integro), poi sigillare.`,
      });
    if (!signer) {
      const sealed = seal(input);
      const report = await reports.produceAfterSeal(input.id, null);
      return { ...sealed, inspection: ctx.detail(input.id), report };
    }
    // Digitally signed: the report is drawn and signed from what the seal will store (its hash, its
    // instant) BEFORE the seal commits. A card removed after its PIN, a key that cannot sign, a report
    // that cannot be drawn: refused, the visit stays a draft and nothing is lost.
    if (isExternalSigner(signer) && signer.ready) await signer.ready();
    const plan = planSeal(ctx, input);
    const sealedAt = new Date(ctx.clock.now()).toISOString();
    const signed = await reports.drawSigned(input.id, { ...plan, sealedAt }, signer);
    // What was signed must be what is sealed: a change saved meanwhile (another window) refuses the seal.
    if (planSeal(ctx, input).contentHash !== plan.contentHash)
      throw new InvalidInput({
        code: 'conflict',
        field: 'id',
        message: 'la visita è stata modificata mentre il verbale veniva firmato: la visita resta in bozza, sigillare di nuovo',
      });
    const sealed = commitSeal(ctx, input.id, plan, sealedAt);
    const report = reports.storeSigned(input.id, signed);
    return { ...sealed, inspection: ctx.detail(input.id), report };
  }

  return {
    // The sync loop leaves a revision alone while its report is made and signed, then goes at once.
    'inspections.seal': async (input) => {
      try {
        return await sync.holdWhile(input.id, () => sealWithReport(input));
      } finally {
        sync.kick();
      }
    },
  };
}
