/** The registry: app info, the laptop's territory and its register of educators, services, commission members, a service's staff. */
import type { Store } from '../../db/store.ts';
import { ruleSetKey } from '../../shared/rules/index.ts';
import pkg from '../../package.json' with { type: 'json' };
import { recordTerritory, territoryRefusal, territoryState } from '../territory.ts';
import { fail, type HandlerContext, type Handlers } from './context.ts';

type ServiceMethods =
  | 'app.info'
  | 'territory.get'
  | 'territory.choose'
  | 'register.list'
  | 'services.list'
  | 'services.get'
  | 'services.create'
  | 'services.update'
  | 'members.list'
  | 'members.create'
  | 'staff.save'
  | 'staff.remove';

export function serviceHandlers(ctx: HandlerContext): Pick<Handlers, ServiceMethods> {
  const { store } = ctx;
  return {
    'app.info': () => ({
      version: pkg.version,
      shell: ctx.shell,
      ruleSet: ruleSetKey(ctx.currentRuleSet()),
      demo: ctx.demo,
      today: ctx.today(),
    }),

    'territory.get': () => territoryState(store),
    'register.list': () => ({ entries: store.register.list() }),
    'territory.choose': ({ id }) =>
      store.transaction(() => {
        const refusal = territoryRefusal(store, id, 'choice');
        if (refusal) fail('id', refusal);
        recordTerritory(store, id);
        return territoryState(store);
      }),

    'services.list': (input) => {
      const filter: Parameters<Store['services']['list']>[0] = {};
      if (input.query !== undefined) filter.query = input.query;
      if (input.type !== undefined) filter.type = input.type;
      if (input.comune !== undefined) filter.comune = input.comune;
      return ctx.serviceSummaries(filter);
    },

    'services.get': ({ id }) => {
      const service = ctx.serviceSummary(id);
      const inspections = ctx.inspectionSummaries(id, service.name);
      return { service, inspections, staff: store.staff.listByService(id).map(ctx.person) };
    },

    'services.create': (input) => store.services.create(input),
    'services.update': ({ id, ...input }) => store.services.update(id, input),

    'members.list': () => store.members.list(),
    'members.create': (input) => store.members.create(input),

    'staff.save': (input) => {
      store.services.get(input.serviceId, 'serviceId');
      return ctx.person(store.staff.save(input));
    },

    'staff.remove': ({ id }) =>
      store.transaction(() => {
        const { removed, drafts } = store.staff.remove(id);
        for (const d of drafts) store.inspections.note(d, 'personale rimosso dall’elenco', { staffId: id });
        return { removed };
      }),
  };
}
