/** A visit's draft: creating it, its answers and counts, its history, its file; and the correction of a sealed one. */
import type { Store } from '../../db/store.ts';
import { answerFits, answerMisfitMessage } from '../../shared/checklist/index.ts';
import { isVerificationKey } from '../../shared/follow-up.ts';
import { toCheckOf } from '../inspection-file.ts';
import { ruleSetKey } from '../../shared/rules/index.ts';
import { visitTimesProblem } from '../../shared/times.ts';
import { fail, type AsyncHandlers, type HandlerContext, type Handlers } from './context.ts';
import { photoName, unreadablePhotos } from './photos.ts';

type InspectionMethods =
  | 'inspections.create'
  | 'inspections.get'
  | 'inspections.update'
  | 'inspections.saveAnswer'
  | 'inspections.saveCounts'
  | 'inspections.saveDraft'
  | 'inspections.revise'
  | 'inspections.export'
  | 'inspections.audit';

export function inspectionHandlers(ctx: HandlerContext): Pick<Handlers, InspectionMethods> {
  const { store } = ctx;

  function checkStaff(serviceId: string, staffIds: readonly string[]): void {
    staffIds.forEach((sid, i) => {
      const s = store.staff.find(sid);
      if (!s || s.removedAt) fail(`staffIds.${i}`, `persona ${sid} non trovata nell'elenco del personale`);
      else if (s.serviceId !== serviceId) fail(`staffIds.${i}`, `${s.name} appartiene al personale di un altro servizio`);
    });
  }

  return {
    'inspections.create': (input) => {
      store.services.get(input.serviceId, 'serviceId');
      store.members.getMany(input.memberIds);
      const r = store.inspections.create({ ...input, ruleSet: ruleSetKey(ctx.currentRuleSet()) });
      return ctx.detail(r.id);
    },

    'inspections.get': ({ id }) => ctx.detail(id),

    'inspections.update': ({ id, ...patch }) => {
      const r = store.inspections.draft(id);
      if (patch.memberIds) store.members.getMany(patch.memberIds);
      if (patch.staffIds) checkStaff(r.serviceId, patch.staffIds);
      // The end after the start, as the file will say at sealing: checked against what is stored for the time not sent.
      const problem = visitTimesProblem(
        patch.startTime === undefined ? r.startTime : patch.startTime,
        patch.endTime === undefined ? r.endTime : patch.endTime,
      );
      if (problem) fail(patch.endTime === undefined ? 'startTime' : 'endTime', problem);
      store.inspections.update(id, patch);
      return ctx.detail(id);
    },

    'inspections.saveAnswer': ({ inspectionId, itemId, value, note }) => {
      const r = store.inspections.draft(inspectionId, 'inspectionId');
      // A prescription of an earlier visit to check (issue 14): «ottemperata» yes, «non ottemperata» no.
      if (isVerificationKey(itemId)) {
        if (!toCheckOf(store, r).some((c) => c.key === itemId))
          fail('itemId', 'questa prescrizione non è tra quelle da verificare in questa visita');
        if (value !== undefined && value !== null && value !== 'yes' && value !== 'no')
          fail('value', 'indicare «ottemperata» o «non ottemperata»');
        const write: Parameters<Store['inspections']['saveAnswer']>[1] = { itemId };
        if (value !== undefined) write.value = value;
        if (note !== undefined) write.note = note;
        return store.inspections.saveAnswer(inspectionId, write);
      }
      const item = ctx.checkItem(r.ruleSet, itemId);
      if (value !== undefined && value !== null && !answerFits(item.kind, value)) fail('value', answerMisfitMessage(item.kind));
      const write: Parameters<Store['inspections']['saveAnswer']>[1] = { itemId };
      if (value !== undefined) write.value = value;
      if (note !== undefined) write.note = note;
      return store.inspections.saveAnswer(inspectionId, write);
    },

    'inspections.saveDraft': ({ inspectionId, key, draft }) => {
      store.inspections.draft(inspectionId, 'inspectionId');
      return ctx.drafts.save(inspectionId, key, draft);
    },

    'inspections.saveCounts': ({ inspectionId, children, staffCounts }) => {
      const r = store.inspections.draft(inspectionId, 'inspectionId');
      const type = store.services.get(r.serviceId).type;
      const bands = ctx.ruleSetOf(r.ruleSet).serviceTypes[type].bands.map((b) => b.id);
      const seen = new Set<string>();
      children.forEach((c, i) => {
        if (!bands.includes(c.band))
          fail(`children.${i}.band`, `fascia ${c.band} non prevista per questa tipologia (ammesse: ${bands.join(', ')})`);
        if (seen.has(c.band)) fail(`children.${i}.band`, `fascia ${c.band} ripetuta`);
        seen.add(c.band);
      });
      return store.inspections.saveCounts(inspectionId, children, staffCounts);
    },

    'inspections.revise': ({ id }) => ctx.detail(store.inspections.revise(id).id),

    'inspections.export': ({ id }) => ctx.fileOf(store.inspections.get(id)),

    'inspections.audit': ({ id }) => {
      store.inspections.get(id);
      return store.audit.list(id);
    },
  };
}

export function asyncInspectionHandlers(ctx: HandlerContext): Pick<AsyncHandlers, 'inspections.revise'> {
  const { store } = ctx;
  return {
    // A correction copies the photos; one that no longer decodes is left out (and the audit says
    // which and why) rather than carried silently into a revision that could not be sealed with it.
    'inspections.revise': async ({ id }) => {
      const bad = store.inspections.get(id).status === 'draft' ? [] : await unreadablePhotos(store, id);
      const next = store.transaction(() => {
        const draft = store.inspections.revise(id);
        const copies = store.photos.listByInspection(draft.id);
        for (const { photo, index, reason } of bad) {
          const at = copies.findIndex((c) => c.sha256 === photo.sha256 && c.caption === photo.caption && c.itemId === photo.itemId);
          if (at < 0) continue;
          const [copy] = copies.splice(at, 1);
          store.photos.remove(copy!.id);
          store.inspections.note(draft.id, 'foto illeggibile non copiata nella revisione', {
            previousId: id,
            sha256: photo.sha256,
            photo: photoName(photo, index),
            reason,
          });
        }
        return draft;
      });
      return ctx.detail(next.id);
    },
  };
}
