/** Type errors and boundary violations fail the build like any other test. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });

for (const project of ['tsconfig.json', 'tsconfig.renderer.json', 'tsconfig.preload.json', 'tsconfig.e2e.json']) {
  it(`tsc -p ${project} has no errors`, { skip: existsSync(join(ROOT, project)) ? false : `${project} absent` }, () => {
    const r = run(bin('tsc'), ['-p', project, '--noEmit']);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
}

it('eslint (runtime boundaries) has no errors', () => {
  const r = run(bin('eslint'), ['--max-warnings=0', '.']);
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

it('the boundary rule really rejects the renderer importing db/ or a Node built-in', () => {
  const probe = "import Database from 'better-sqlite3';\nimport { readFileSync } from 'node:fs';\nexport const x = [Database, readFileSync];\n";
  const r = spawnSync(bin('eslint'), ['--stdin', '--stdin-filename', 'renderer/probe.tsx'], { cwd: ROOT, input: probe, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /no-restricted-imports/);
  assert.match(r.stdout, /node:fs/);
});
