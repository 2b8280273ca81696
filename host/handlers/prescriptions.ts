/** Prescriptions of a draft: what the service must remedy, by a deadline after the visit. */
import type { Store } from '../../db/store.ts';
import { compareDates } from '../../shared/dates.ts';
import { fail, type HandlerContext, type Handlers } from './context.ts';

export function prescriptionHandlers(ctx: HandlerContext): Pick<Handlers, 'prescriptions.save' | 'prescriptions.remove'> {
  const { store } = ctx;
  return {
    'prescriptions.save': (input) => {
      const r = store.inspections.draft(input.inspectionId, 'inspectionId');
      if (compareDates(input.deadline, r.date) <= 0) fail('deadline', 'la scadenza deve essere successiva alla data della visita');
      const write: Parameters<Store['prescriptions']['save']>[0] = {
        inspectionId: input.inspectionId,
        rule: input.rule,
        text: input.text,
        deadline: input.deadline,
      };
      if (input.id) write.id = input.id;
      return store.prescriptions.save(write);
    },
    'prescriptions.remove': ({ id }) => ({ removed: store.prescriptions.remove(id) }),
  };
}
