/**
 * axe-core in a Playwright page: WCAG 2.1 A/AA rules over the whole document. The source is run
 * through the DevTools protocol (page.evaluate), which the pages' strict CSP does not block, so
 * the page under test keeps its real policy. "Needs review" items (axe's `incomplete`) cannot be
 * decided by a machine: they are written to test-results/axe/<name>.json for a person to check.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './ui-shell.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeRule {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** The violations on the page as readable lines ("rule: help — selector"); [] when there are none. */
export async function axeViolations(page: Page, name: string): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(async (tags) => {
    const axe = (
      globalThis as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: unknown[]; incomplete: unknown[] }> } }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    return { violations: r.violations, incomplete: r.incomplete };
  }, TAGS)) as { violations: AxeRule[]; incomplete: AxeRule[] };
  const dir = join(ROOT, 'test-results', 'axe');
  mkdirSync(dir, { recursive: true });
  const summarise = (rules: AxeRule[]) =>
    rules.flatMap((r) => r.nodes.map((n) => `${r.id} (${r.impact ?? '—'}): ${r.help} — ${JSON.stringify(n.target)}`));
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ url: page.url(), violations: summarise(result.violations), needsReview: summarise(result.incomplete) }, null, 2),
  );
  return summarise(result.violations);
}
