/**
 * Issue 12: «Texts checked against seed 003». The checklist's items, headings and groups are checked
 * in territories.test.ts, the Albo's requirements in educator-register.test.ts; this one checks what
 * lucca@1's interpretations quote: every «…» is either the regulation's words (found in seed 003,
 * case aside: a quote may begin a sentence) or one of the product's own labels it explains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDING_LABELS } from '../../shared/educator-register.ts';
import { OUTCOME_LABELS } from '../../shared/rules/findings.ts';
import { LUCCA_1 } from '../../shared/territories/lucca/rules.ts';

function seed003(): string {
  const here = fileURLToPath(new URL('../../', import.meta.url));
  const name = '003_22b07ab5126b8fae.txt';
  const common = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: here, encoding: 'utf8' }).trim();
  const found = [join(here, '..', 'shared', 'seeds', name), join(dirname(dirname(resolve(here, common))), 'shared', 'seeds', name)].find(
    (p) => existsSync(p),
  );
  assert.ok(found, 'seed 003 not found: the quotes would be unchecked');
  return readFileSync(found, 'utf8')
    .replace(/<\/?(?:i|u|b|em|strong)>/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

test("every «quote» of lucca@1's interpretations is in seed 003, or is one of the product's labels", () => {
  const seed = seed003();
  const labels = new Set([...Object.values(OUTCOME_LABELS), ...Object.values(STANDING_LABELS)].map((l) => l.toLowerCase()));
  const quotes = LUCCA_1.interpretations.flatMap((i) => [...i.text.matchAll(/«([^»]+)»/g)].map((m) => ({ id: i.id, quote: m[1]! })));
  assert.ok(quotes.length >= 8, 'the interpretations quote the regulation');
  const unfound = quotes.filter((q) => !seed.includes(q.quote.toLowerCase()) && !labels.has(q.quote.toLowerCase()));
  assert.deepEqual(unfound, [], 'quotes neither in seed 003 nor a label of the product');
});
