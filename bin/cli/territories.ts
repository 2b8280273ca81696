import { TERRITORIES } from '../../shared/territories/index.ts';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

export const usage = `Uso: vigilanza territories [--json]

Elenca i territori che questa versione conosce: identificativo, nome, versioni della scheda e
del set di regole, frequenza delle ispezioni, nome della prescrizione. Con --json, un oggetto JSON.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  const territories = [...TERRITORIES.values()];
  if (values.json) {
    printJson({
      territories: territories.map((t) => ({
        id: t.id,
        name: t.name,
        checklist: t.checklist,
        ruleSet: t.ruleSet,
        schedule: t.schedule,
        prescription: t.prescription,
        serviceTypes: t.serviceTypes,
        signatories: t.signatories,
        reportHeading: t.reportHeading,
      })),
    });
    return 0;
  }
  for (const t of territories)
    process.stdout.write(
      `${t.id}\t${t.name}\tscheda ${t.checklist}\tregole ${t.ruleSet}\tispezioni: ${t.schedule.label}\t${t.prescription.singular}\n`,
    );
  return 0;
}
