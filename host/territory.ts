/**
 * The laptop's territory (shared/territories): the regulation its new visits are made under. It is
 * the office's when the laptop is paired (taken from the pair answer), or the one chosen at the
 * first start; until either happens (an empty data folder) the Zona, the default. Laptop migration
 * 012 records the Zona for a folder that held data before territories. It is fixed once a visit
 * exists: the visits of one laptop are all made under one regulation.
 */
import type { Store } from '../db/store.ts';
import { DEFAULT_TERRITORY_ID, TERRITORIES, type Territory } from '../shared/territories/index.ts';

const SETTING = 'territory';

export interface TerritoryState {
  id: string;
  /** Recorded (chosen, taken from the office, or by migration 012); false: the default, nothing chosen yet. */
  chosen: boolean;
  /** Whether it may be chosen now: not paired (the office decides then) and no visit stored yet. */
  changeable: boolean;
}

function known(id: string): Territory {
  const territory = TERRITORIES.get(id);
  if (!territory) throw new Error(`il portatile applica il territorio "${id}", che questa versione non conosce: aggiornare l'applicazione`);
  return territory;
}

/** The territory new visits are made under. */
export function laptopTerritory(store: Store): Territory {
  return known(store.settings.get(SETTING) ?? DEFAULT_TERRITORY_ID);
}

export function territoryState(store: Store): TerritoryState {
  const stored = store.settings.get(SETTING);
  return {
    id: known(stored ?? DEFAULT_TERRITORY_ID).id,
    chosen: stored !== null,
    changeable: !store.outbox.settings() && !store.inspections.any(),
  };
}

/** Why the laptop cannot take `id` now (Italian, for the user), or null when it can. */
export function territoryRefusal(store: Store, id: string, by: 'choice' | 'office'): string | null {
  const wanted = TERRITORIES.get(id);
  if (!wanted)
    return by === 'office'
      ? `l'ufficio applica il territorio "${id}", che questa versione non conosce: aggiornare l'applicazione`
      : `territorio sconosciuto "${id}" (disponibili: ${[...TERRITORIES.keys()].join(', ')})`;
  const current = laptopTerritory(store);
  if (current.id === wanted.id) return null;
  if (by === 'choice' && store.outbox.settings())
    return `il portatile è associato a un ufficio: il territorio è quello dell'ufficio (${current.name})`;
  if (store.inspections.any())
    return by === 'office'
      ? `l'ufficio applica il territorio «${wanted.name}», ma questo portatile ha già visite del territorio «${current.name}»: le visite di un portatile restano nel loro territorio (associare un portatile senza visite, o un ufficio di «${current.name}»)`
      : `il portatile ha già visite del territorio «${current.name}»: il territorio non si cambia più`;
  return null;
}

/** Records the territory (after `territoryRefusal` answered null). */
export function recordTerritory(store: Store, id: string): void {
  store.settings.set(SETTING, known(id).id);
}
