import { inspectionJsonSchema } from '../../shared/json-schema.ts';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

export const usage = `Uso: vigilanza schema

Stampa lo JSON Schema del file di ispezione (lo stesso di resources/inspection.schema.json).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  printJson(inspectionJsonSchema());
  return 0;
}
