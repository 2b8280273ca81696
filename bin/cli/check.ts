import { parseInspectionFile, type InspectionFile } from '../../shared/inspection.ts';
import { evaluate, validateAgainst } from '../../shared/rules/index.ts';
import { resolveFile, type ResolvedFile } from '../../shared/territories/index.ts';
import { CliError } from './errors.ts';
import { parse, printJson, readJsonFile } from './io.ts';

export const usage = `Uso: vigilanza check FILE

Valuta un file di ispezione (JSON, "-" per lo standard input) con la scheda e le regole del
territorio che nomina (territory, ruleSet, checklist; senza territory: il territorio del ruleSet)
e stampa un oggetto JSON con i requisiti calcolati e i rilievi, ciascuno con l'articolo citato.

Uscita: 0 nessuna regola violata, 1 almeno un rilievo "fail", 2 file non valido.`;

/** Loads and fully validates an inspection file, or throws a CliError naming every bad field. */
export function loadInspection(path: string): InspectionFile {
  return loadResolved(path).file;
}

/** The file with the territory, rule set and checklist it names. */
export function loadResolved(path: string): ResolvedFile & { file: InspectionFile } {
  const parsed = parseInspectionFile(readJsonFile(path));
  if (!parsed.ok) throw new CliError(`${path}: file di ispezione non valido\n${parsed.errors.map((e) => `  ${e}`).join('\n')}`);
  const file = parsed.value;
  const resolved = resolveFile(file);
  if (!resolved.ok) throw new CliError(`${path}: ${resolved.errors.join('\n  ')}`);
  const { ruleSet, checklist } = resolved.value;
  const problems = validateAgainst(file, ruleSet, checklist);
  if (problems.length) throw new CliError(`${path}: file di ispezione non valido\n${problems.map((e) => `  ${e}`).join('\n')}`);
  return { ...resolved.value, file };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un FILE\n\n${usage}`);
  const { file, ruleSet, checklist } = loadResolved(positionals[0]!);
  const result = evaluate(file, ruleSet, checklist);
  printJson(result);
  return result.findings.some((f) => f.outcome === 'fail') ? 1 : 0;
}
