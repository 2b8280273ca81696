// Writes resources/inspection.schema.json from the zod schema (npm run schema).
import { writeFileSync } from 'node:fs';
import { inspectionJsonSchema } from '../shared/json-schema.ts';

writeFileSync(new URL('../resources/inspection.schema.json', import.meta.url), `${JSON.stringify(inspectionJsonSchema(), null, 2)}\n`);
console.log('resources/inspection.schema.json written');
