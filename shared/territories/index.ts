/**
 * The territories this build knows. A territory is data (./schema.ts): its checklist and rule set
 * live in the checklist and rule-set registries under their own keys, and an entry here names the
 * current ones. Adding a territory is adding an entry (docs/TERRITORIES.md); no code branches on it.
 */
import { SERVICE_TYPE_LABELS, SERVICE_TYPES } from '../domain.ts';
import { CHECKLISTS, ZONA_FSE_CHECKLIST_1, type Checklist } from '../checklist/index.ts';
import { RULE_SETS, type RuleSet } from '../rules/index.ts';
import { checkInputsProblems } from '../rules/checks.ts';
import { LUCCA_TERRITORY } from './lucca/territory.ts';
import type { Territory } from './schema.ts';

export type * from './schema.ts';

const ZONA_FSE_TERRITORY: Territory = {
  id: 'zona-fse',
  name: 'Zona Fiorentina Sud-Est',
  inspectorate: { label: 'Commissione zonale', article: 'Reg. zonale art. 15' },
  checklist: 'zona-fse@1',
  ruleSet: 'zona-fse@1',
  serviceTypesHeading: 'Art. 2 – Classificazione dei servizi',
  serviceTypes: Object.fromEntries(
    SERVICE_TYPES.map((t) => [t, { label: SERVICE_TYPE_LABELS[t], article: 'DPGR 41/R/2013; Scheda di osservazione, sezione A' }]),
  ) as Territory['serviceTypes'],
  signatories: ZONA_FSE_CHECKLIST_1.signatories,
  signatoriesSource: 'Scheda di osservazione (Reg. zonale art. 15: commissione zonale)',
  schedule: { label: "due all'anno, una per semestre", article: 'Reg. zonale art. 17 c.1' },
  // Interpretation: the Comuni of the Zona keep their services open from September to July.
  calendar: { fromMonth: 9, toMonth: 7, article: 'calendario educativo dei Comuni della Zona (settembre–luglio)' },
  commission: {
    article: 'Reg. zonale art. 15 c.1',
    seats: [
      { label: 'pedagogista zonale', role: 'pedagogista_zonale', comune: 'any' },
      { label: 'referente tecnico del Comune del servizio', role: 'referente_tecnico_comune', comune: 'service' },
      { label: 'referente tecnico di un altro Comune della Zona', role: 'referente_tecnico_comune', comune: 'other' },
    ],
    completeFor: ['autorizzazione', 'accreditamento'],
    completeArticle: 'Reg. zonale art. 15 c.2',
  },
  memberRoles: [
    'Pedagogista zonale',
    'Referente tecnico del Comune sede del servizio',
    'Referente tecnico di altro Comune della Zona',
    'Referente ASL',
  ],
  prescription: { singular: 'prescrizione', plural: 'prescrizioni', article: 'Reg. zonale art. 11 c.2-3' },
  followUp: {
    id: 'follow_up.days',
    version: 1,
    days: 7,
    source: 'interpretazione: il regolamento zonale non fissa il termine della visita di verifica',
    text: 'la visita di verifica delle prescrizioni è proposta a partire dal settimo giorno dopo la scadenza',
  },
  notComplied: [
    {
      act: "sospensione dell'autorizzazione al funzionamento",
      article: 'Reg. zonale art. 11 c.2',
      quote: "L'autorizzazione al funzionamento è sottoposta a sospensione",
    },
    {
      act: "revoca dell'autorizzazione al funzionamento",
      article: 'Reg. zonale art. 11 c.3 lett. a',
      quote: "l'atto di sospensione non sia stato ottemperato nei termini previsti",
    },
  ],
  reportHeading: {
    title: 'ZONA FIORENTINA SUD-EST',
    subtitle: "CONFERENZA ZONALE PER L'EDUCAZIONE E L'ISTRUZIONE",
    author: 'Commissione zonale – Zona Fiorentina Sud-Est',
    documentTitle: 'Scheda di osservazione',
  },
};

/**
 * What must hold between a territory and the data it names; an empty list when it is consistent.
 * Run on every entry when the registry is built, so a data mistake stops the build's tests, not a visit.
 */
export function territoryProblems(
  territory: Territory,
  checklists: ReadonlyMap<string, Checklist> = CHECKLISTS,
  ruleSets: ReadonlyMap<string, RuleSet> = RULE_SETS,
): string[] {
  const problems: string[] = [];
  const checklist = checklists.get(territory.checklist);
  const ruleSet = ruleSets.get(territory.ruleSet);
  if (!checklist) problems.push(`${territory.id}: scheda sconosciuta ${territory.checklist}`);
  if (!ruleSet) problems.push(`${territory.id}: set di regole sconosciuto ${territory.ruleSet}`);
  if (checklist && JSON.stringify(checklist.signatories) !== JSON.stringify(territory.signatories))
    problems.push(`${territory.id}: i firmatari differiscono da quelli della scheda ${territory.checklist}`);
  if (checklist && ruleSet) problems.push(...checkInputsProblems(ruleSet, checklist).map((p) => `${territory.id}: ${p}`));
  // The register's visit check lives on one item of kind `register`; such an item needs a register.
  const registerItem = ruleSet?.educatorRegister?.item;
  if (checklist && ruleSet) {
    for (const item of checklist.items.filter((i) => i.kind === 'register' || i.id === registerItem)) {
      if (item.id !== registerItem)
        problems.push(`${territory.id}: la voce ${item.id} è di tipo albo ma il set di regole non la indica come voce dell'albo`);
      else if (item.kind !== 'register') problems.push(`${territory.id}: la voce dell'albo ${item.id} deve essere di tipo register`);
    }
    if (registerItem && !checklist.items.some((i) => i.id === registerItem))
      problems.push(`${territory.id}: la voce dell'albo ${registerItem} non è nella scheda ${territory.checklist}`);
  }
  return problems;
}

function register(entries: Territory[]): ReadonlyMap<string, Territory> {
  const map = new Map<string, Territory>();
  for (const entry of entries) {
    // The entries are typed data checked by TypeScript; test/unit/registries.test.ts parses each
    // with the schema (what a parse here cost every process start, `vigilanza check` included).
    const territory = entry;
    const problems = territoryProblems(territory);
    if (problems.length) throw new Error(`territorio non valido: ${problems.join('; ')}`);
    if (map.has(territory.id)) throw new Error(`territorio ripetuto: ${territory.id}`);
    map.set(territory.id, territory);
  }
  return map;
}

/** By id, in the order listed (the Zona first: it is what an installation without a choice has). */
export const TERRITORIES: ReadonlyMap<string, Territory> = register([ZONA_FSE_TERRITORY, LUCCA_TERRITORY]);

/** The territory a data folder or an inspection file names nothing else for (files made before territories). */
export const DEFAULT_TERRITORY_ID = 'zona-fse';

export function getTerritory(id: string): Territory | undefined {
  return TERRITORIES.get(id);
}

const keyId = (key: string) => key.slice(0, key.lastIndexOf('@'));

/** The territory whose rule sets carry this id (`lucca@1` → lucca), for files that name no territory. */
export function territoryOfRuleSet(ruleSetKey: string): Territory | undefined {
  return [...TERRITORIES.values()].find((t) => keyId(t.ruleSet) === keyId(ruleSetKey));
}

export interface ResolvedFile {
  territory: Territory;
  ruleSet: RuleSet;
  checklist: Checklist;
}

/**
 * The territory, rule set and checklist an inspection file is evaluated with: the ones it names,
 * each checked to belong to that territory. A file without `territory` and `checklist` (every file
 * made before territories) is resolved from its `ruleSet`, as before: `zona-fse@1` → the Zona's Scheda.
 */
export function resolveFile(file: {
  territory?: string | undefined;
  ruleSet: string;
  checklist?: string | undefined;
}): { ok: true; value: ResolvedFile } | { ok: false; errors: string[] } {
  const territory = file.territory !== undefined ? TERRITORIES.get(file.territory) : territoryOfRuleSet(file.ruleSet);
  if (!territory)
    return {
      ok: false,
      errors: [
        file.territory !== undefined
          ? `territory: territorio sconosciuto "${file.territory}" (disponibili: ${[...TERRITORIES.keys()].join(', ')})`
          : `ruleSet: set di regole sconosciuto "${file.ruleSet}" (disponibili: ${[...RULE_SETS.keys()].join(', ')})`,
      ],
    };
  const errors: string[] = [];
  const ruleSet = RULE_SETS.get(file.ruleSet);
  if (!ruleSet) errors.push(`ruleSet: set di regole sconosciuto "${file.ruleSet}" (disponibili: ${[...RULE_SETS.keys()].join(', ')})`);
  else if (keyId(file.ruleSet) !== keyId(territory.ruleSet))
    errors.push(`ruleSet: ${file.ruleSet} non è un set di regole del territorio ${territory.id} (${territory.ruleSet})`);
  const checklistKey = file.checklist ?? territory.checklist;
  const checklist = CHECKLISTS.get(checklistKey);
  if (!checklist) errors.push(`checklist: scheda sconosciuta "${checklistKey}" (disponibili: ${[...CHECKLISTS.keys()].join(', ')})`);
  else if (keyId(checklistKey) !== keyId(territory.checklist))
    errors.push(`checklist: ${checklistKey} non è una scheda del territorio ${territory.id} (${territory.checklist})`);
  if (errors.length || !ruleSet || !checklist) return { ok: false, errors };
  return { ok: true, value: { territory, ruleSet, checklist } };
}
