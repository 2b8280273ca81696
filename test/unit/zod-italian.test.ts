/** zod's built-in checks in Italian words (shared/zod-italian.ts), our schemas' own messages untouched. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { useItalianZodMessages } from '../../shared/zod-italian.ts';

useItalianZodMessages();
const message = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

test('wrong types, sizes and options are said in Italian, with no English type names', () => {
  const cases: [z.ZodType, unknown, string][] = [
    [z.object({}), undefined, 'atteso un oggetto, ricevuto nessun valore'],
    [z.object({}), null, 'atteso un oggetto, ricevuto il valore nullo'],
    [z.string(), 3, 'atteso un testo, ricevuto il numero 3'],
    [z.number(), 'tre', 'atteso un numero, ricevuto un testo'],
    [z.array(z.string()), {}, 'atteso un elenco, ricevuto un oggetto'],
    [z.boolean(), [], 'atteso vero o falso, ricevuto un elenco'],
    [z.number().int(), 1.5, 'atteso un numero intero, ricevuto il numero 1.5'],
    [z.string().min(3), 'a', 'deve avere almeno 3 caratteri'],
    [z.string().max(1), 'ab', 'deve avere al massimo 1 carattere'],
    [z.array(z.string()).min(1), [], 'deve avere almeno 1 elemento'],
    [z.number().min(1), 0, 'deve essere almeno 1'],
    [z.number().positive(), 0, 'deve essere maggiore di 0'],
    [z.number().max(10), 11, 'deve essere al massimo 10'],
    [z.enum(['report', 'photo']), 'x', 'Opzione non valida: atteso uno tra "report"|"photo"'],
  ];
  for (const [schema, value, expected] of cases) assert.equal(message(schema, value), expected, JSON.stringify(value));
  for (const [schema, value] of cases)
    assert.doesNotMatch(message(schema, value)!, /\b(expected|received|Invalid|string|object|undefined)\b/);
});

test('a message given with a check is kept as written', () => {
  assert.equal(message(z.string().min(1, 'il nome è obbligatorio'), ''), 'il nome è obbligatorio');
  assert.equal(message(z.string({ error: 'serve un testo' }), 1), 'serve un testo');
});
