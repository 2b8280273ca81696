/**
 * Issue 10: the report of a demo visit says so on every page («DEMO — non valido come atto», a
 * banner pdftotext reads, and a diagonal watermark); a real visit's report says nothing of it.
 * Real pdfmake output judged by Debian's pdftotext and pdfinfo.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../report/index.ts';
import { DEMO_BANNER } from '../../report/document.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { contentHash } from '../../shared/canonical.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigilanza-report-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function pagesOf(demo: boolean): Promise<string[]> {
  // Photos make the report several pages long, so "every page" means something.
  const input = sampleReportInput({ photos: 4 });
  if (demo) {
    input.file = { ...input.file, demo: true };
    input.contentHash = contentHash(input.file);
  }
  const path = join(dir, demo ? 'demo.pdf' : 'reale.pdf');
  writeFileSync(path, await buildReport({ ...input, createdAt: new Date('2026-03-10T10:00:00Z') }));
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
  return Array.from({ length: count }, (_, i) =>
    execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), path, '-'], { encoding: 'utf8' }),
  );
}

test('a demo report carries «DEMO — non valido come atto» on every page; a real one never says DEMO', async () => {
  assert.equal(DEMO_BANNER, 'DEMO — non valido come atto');
  const demo = await pagesOf(true);
  assert.ok(demo.length >= 3, `pages: ${demo.length}`);
  demo.forEach((text, i) => assert.ok(text.includes(DEMO_BANNER), `page ${i + 1} of ${demo.length} has the banner`));
  const real = await pagesOf(false);
  assert.ok(real.length >= 3);
  real.forEach((text, i) => assert.doesNotMatch(text, /DEMO|non valido come atto/, `real report, page ${i + 1}`));
});
