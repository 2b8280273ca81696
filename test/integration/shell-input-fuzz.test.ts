/**
 * Control characters in every string field of every API method, through the real browser shell:
 * for each method of the contract, an input that zod accepts is built from the method's schema,
 * then each string field in turn (names, comune, notes, answers' keys and values, ids, …) gets a
 * leading NUL, U+0001, DEL, NEL (U+0085) or a lone surrogate. The answer must be a 400 naming that
 * field, never a 500. File contents checked by the handler instead (base64 photos and keys, PEM)
 * must still never give a 500.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { z } from 'zod';
import { contract, METHODS } from '../../shared/api/contract.ts';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import { openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';

const BAD = ['\u0000', '\u0001', '\u007f', '\u0085', '\ud800'];
/** Contents the handler decodes (base64, PEM): refused there, by field, or found not to exist. */
const CONTENT_FIELDS = new Set(['dataBase64', 'p12Base64', 'pem']);
/** Values tried for a string until the schema takes one (dates, times, rule set names, long enough text). */
const STRING_CANDIDATES = [
  'x',
  '2026-03-10',
  '09:30',
  'zona-fse@1',
  'https://ufficio.example.it',
  'abcdefgh',
  '0123456789abcdef'.repeat(4),
];

type Path = Array<string | number>;
type Def = { type: string; [k: string]: any };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A value the schema accepts, with every optional part present (so that its strings are reached). */
function sample(schema: z.ZodType): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodType>).map(([k, v]) => [k, sample(v)]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return sample(def.innerType);
    case 'pipe':
      return sample(def.in);
    case 'array':
      return [sample(def.element)];
    case 'tuple':
      return (def.items as z.ZodType[]).map(sample);
    case 'record':
      return { [sample(def.keyType) as string]: sample(def.valueType) };
    case 'union':
      return sample(def.options[def.options.length - 1]);
    case 'enum':
      return Object.values(def.entries)[0];
    case 'literal':
      return def.values[0];
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'string': {
      const ok = STRING_CANDIDATES.find((c) => schema.safeParse(c).success);
      if (ok === undefined) throw new Error('no candidate string fits');
      return ok;
    }
    default:
      throw new Error(`schema type ${def.type} not handled by the fuzzer`);
  }
}

/** Every path in `value` that holds a string. */
function stringPaths(value: unknown, path: Path = []): Array<{ path: Path }> {
  if (typeof value === 'string') return [{ path }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function withBad(value: unknown, target: { path: Path }, bad: string): unknown {
  const copy = structuredClone(value) as Record<string | number, any>;
  let at: any = copy;
  for (const p of target.path.slice(0, -1)) at = at[p];
  const last = target.path[target.path.length - 1]!;
  at[last] = `${bad}${at[last]}`;
  return copy;
}

function post(s: ShellServer, method: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', 'x-vigilanza-token': s.token },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a control character or a lone surrogate in any string field of any method: 400 naming the field, never 500', async (t) => {
  const app = openTestApp(t);
  const s = await startShellServer({ host: app, rendererDir: join(tempDir(t), 'missing') });
  t.after(() => s.close());
  // Some data, so that a method reaching its handler finds rows to trip on.
  const service = app.dispatch('services.create', SERVICE);
  assert.equal(service.ok, true);

  let sent = 0;
  let refusedAsText = 0;
  const failures: string[] = [];
  for (const method of METHODS) {
    const base = sample(contract[method].input as z.ZodType);
    assert.equal(contract[method].input.safeParse(base).success, true, `${method}: the fuzzer's base input must be accepted`);
    for (const target of stringPaths(base)) {
      const field = target.path.join('.');
      const content = CONTENT_FIELDS.has(String(target.path[0]));
      for (const bad of BAD) {
        // JSON.stringify escapes a lone surrogate (\ud800), so the server receives exactly this string.
        const r = await post(s, method, JSON.stringify(withBad(base, target, bad)));
        sent++;
        const what = `${method} ${field} U+${bad.codePointAt(0)!.toString(16).padStart(4, '0')}`;
        if (r.status >= 500) failures.push(`${what}: ${r.status} ${r.json.error?.message}`);
        // Enums and dates refuse with their own message; free text says which character.
        else if (!content && (r.status !== 400 || !String(r.json.error?.field).startsWith(field)))
          failures.push(`${what}: ${r.status} field=${r.json.error?.field} ${r.json.error?.message}`);
        else if (!content) refusedAsText += /carattere (di controllo non ammesso|non valido)/.test(r.json.error.message) ? 1 : 0;
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(sent > 300, `${sent} requests`);
  assert.ok(refusedAsText > sent / 2, `${refusedAsText} of ${sent} refused by the text check`);
});
