import { parseInspectionFile, type InspectionFile } from '../../shared/inspection.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { RULE_SETS, evaluate, validateAgainst } from '../../shared/rules/index.ts';
import { CliError } from './errors.ts';
import { parse, printJson, readJsonFile } from './io.ts';

export const usage = `Uso: vigilanza check FILE

Valuta un file di ispezione (JSON, "-" per lo standard input) con le regole del suo ruleSet
e stampa un oggetto JSON con i requisiti calcolati e i rilievi, ciascuno con l'articolo citato.

Uscita: 0 nessuna regola violata, 1 almeno un rilievo "fail", 2 file non valido.`;

/** Loads and fully validates an inspection file, or throws a CliError naming every bad field. */
export function loadInspection(path: string): InspectionFile {
  const parsed = parseInspectionFile(readJsonFile(path));
  if (!parsed.ok) throw new CliError(`${path}: file di ispezione non valido\n${parsed.errors.map((e) => `  ${e}`).join('\n')}`);
  const file = parsed.value;
  const ruleSet = RULE_SETS.get(file.ruleSet);
  if (!ruleSet)
    throw new CliError(`${path}: ruleSet: set di regole sconosciuto "${file.ruleSet}" (disponibili: ${[...RULE_SETS.keys()].join(', ')})`);
  const problems = validateAgainst(file, ruleSet, getChecklist(file.ruleSet));
  if (problems.length) throw new CliError(`${path}: file di ispezione non valido\n${problems.map((e) => `  ${e}`).join('\n')}`);
  return file;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un FILE\n\n${usage}`);
  const file = loadInspection(positionals[0]!);
  const result = evaluate(file, RULE_SETS.get(file.ruleSet)!, getChecklist(file.ruleSet));
  printJson(result);
  return result.findings.some((f) => f.outcome === 'fail') ? 1 : 0;
}
