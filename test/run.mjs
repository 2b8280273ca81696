#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx) and ends
// with one summary line: "N passed, N failed, N skipped".
// Usage: node test/run.mjs [unit|integration|e2e|static ...] [--only-file PATTERN ...]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const GROUPS = ['static', 'unit', 'integration', 'e2e'];
const args = process.argv.slice(2);
// --only-file may be given more than once: a file runs when its path contains any of the patterns.
const patternAt = new Set(args.flatMap((a, i) => (a === '--only-file' ? [i + 1] : [])));
const patterns = [...patternAt].map((i) => args[i]).filter((p) => p !== undefined);
const chosen = args.filter((a, i) => GROUPS.includes(a) && !patternAt.has(i));
const groups = chosen.length ? chosen : GROUPS;

function findTests(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findTests(full));
    else if (/\.test\.(ts|tsx|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

function runGroup(group, files) {
  const tap = join(mkdtempSync(join(tmpdir(), 'vigilanza-tap-')), `${group}.tap`);
  // Browser and server tests share ports and the CPU: run them one file at a time.
  const concurrency = group === 'unit' || group === 'static' ? '2' : '1';
  const nodeArgs = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, VIGILANZA_TEST_GROUP: group },
    });
    child.on('exit', (code) => {
      let text = '';
      try {
        text = readFileSync(tap, 'utf8');
      } catch {
        /* runner died before writing */
      }
      const count = (name) => Number(/^# (\w+) (\d+)$/m.test(text) ? (text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0) : 0);
      const result = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo'), code };
      if (code !== 0 && result.fail === 0) result.fail = 1; // the runner itself failed
      resolve(result);
    });
  });
}

// The CLI tests run bin/vigilanza, which prefers the bundle in dist/cli: rebuild it (about 0.2 s)
// so that no test ever exercises a bundle older than the sources.
const cliBuild = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'cli'], { cwd: root, stdio: 'inherit' });
if (cliBuild.status !== 0) {
  console.log('\n0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

let passed = 0,
  failed = 0,
  skipped = 0;
for (const group of groups) {
  let files = findTests(join(root, 'test', group));
  if (patterns.length) files = files.filter((f) => patterns.some((p) => f.includes(p)));
  if (!files.length) continue;
  console.log(`\n=== ${group}: ${files.length} file(s) ===`);
  for (const f of files) console.log(`  ${relative(root, f)}`);
  const r = await runGroup(group, files);
  passed += r.pass;
  failed += r.fail;
  skipped += r.skipped;
  console.log(`=== ${group}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped ===`);
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
