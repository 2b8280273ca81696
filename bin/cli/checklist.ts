import { PURPOSES, SERVICE_TYPES, type Purpose, type ServiceType } from '../../shared/domain.ts';
import { CHECKLISTS, applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { DEFAULT_TERRITORY_ID, TERRITORIES, getTerritory } from '../../shared/territories/index.ts';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

export const usage = `Uso: vigilanza checklist [--territory T] [--type TIPO] [--purpose FINALITÀ] [--format json|text] [--rule-set ID]

Stampa le voci della Scheda di osservazione che si applicano.
  --type      ${SERVICE_TYPES.join(' | ')}
  --purpose   ${PURPOSES.join(' | ')}
  --format    json (predefinito) oppure text
  --territory territorio della scheda (${[...TERRITORIES.keys()].join(' | ')}; predefinito: ${DEFAULT_TERRITORY_ID})
  --rule-set  scheda da usare per versione (predefinita: quella del territorio)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      type: { type: 'string' },
      purpose: { type: 'string' },
      format: { type: 'string' },
      'rule-set': { type: 'string' },
      territory: { type: 'string' },
    },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  const type = values.type as string | undefined;
  const purpose = values.purpose as string | undefined;
  const format = (values.format as string | undefined) ?? 'json';
  const territoryId = (values.territory as string | undefined) ?? DEFAULT_TERRITORY_ID;
  const territory = getTerritory(territoryId);
  if (!territory)
    throw new CliError(`--territory: territorio sconosciuto "${territoryId}" (disponibili: ${[...TERRITORIES.keys()].join(', ')})`);
  const key = (values['rule-set'] as string | undefined) ?? territory.checklist;
  if (type !== undefined && !(SERVICE_TYPES as readonly string[]).includes(type))
    throw new CliError(`--type: tipologia sconosciuta "${type}" (ammesse: ${SERVICE_TYPES.join(', ')})`);
  if (purpose !== undefined && !(PURPOSES as readonly string[]).includes(purpose))
    throw new CliError(`--purpose: finalità sconosciuta "${purpose}" (ammesse: ${PURPOSES.join(', ')})`);
  if (format !== 'json' && format !== 'text') throw new CliError(`--format: formato sconosciuto "${format}" (ammessi: json, text)`);
  const checklist = getChecklist(key);
  if (!checklist) throw new CliError(`--rule-set: scheda sconosciuta "${key}" (disponibili: ${[...CHECKLISTS.keys()].join(', ')})`);
  const items = applicableItems(checklist, { type: type as ServiceType | undefined, purpose: purpose as Purpose | undefined });
  if (format === 'json') {
    printJson({
      checklist: `${checklist.id}@${checklist.version}`,
      type: type ?? null,
      purpose: purpose ?? null,
      count: items.length,
      items,
    });
    return 0;
  }
  for (const section of checklist.sections) {
    const inSection = items.filter((i) => i.section === section.id);
    if (!inSection.length) continue;
    process.stdout.write(`\n${section.id} - ${section.title}\n`);
    for (const item of inSection) process.stdout.write(`  [${item.kind}] ${item.id}\n      ${item.text}\n      (${item.article})\n`);
  }
  process.stdout.write(`\n${items.length} voci\n`);
  return 0;
}
