/** Error messages name the field the user can see, whatever key a client sends. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { describeField, fromZod } from '../../host/errors.ts';

it('a key named like an Object.prototype property is reported as itself', () => {
  const schema = z.strictObject({ name: z.string() });
  const r = schema.safeParse(JSON.parse('{"name":"x","__proto__":{"a":1},"constructor":1}'));
  assert.equal(r.success, false);
  const error = fromZod((r as { error: z.ZodError }).error);
  assert.equal(error.code, 'invalid');
  assert.doesNotMatch(error.message, /\[object Object\]|function/);
  assert.match(error.message, /campo sconosciuto "(__proto__|constructor)"/);
  assert.equal(describeField('constructor'), 'constructor');
  assert.equal(describeField('toString.x'), 'toString.x');
});
