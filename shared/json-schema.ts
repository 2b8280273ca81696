import { z } from 'zod';
import { InspectionFile } from './inspection.ts';

/** JSON Schema (draft 2020-12) of the inspection file, generated from the zod schema. */
export function inspectionJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(InspectionFile, { target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: 'https://vigilanza-nidi.invalid/schemas/inspection-1.json',
    title: 'Vigilanza Nidi — file di ispezione (schemaVersion 1)',
  };
}
