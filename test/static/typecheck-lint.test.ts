/** Type errors and boundary violations fail the build like any other test. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../helpers/cli.ts';

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });

for (const project of ['tsconfig.json', 'tsconfig.renderer.json', 'tsconfig.preload.json', 'tsconfig.e2e.json']) {
  it(`tsc -p ${project} has no errors`, { skip: existsSync(join(ROOT, project)) ? false : `${project} absent` }, () => {
    const r = run(bin('tsc'), ['-p', project, '--noEmit']);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
}

it('prettier: every source file is formatted (npm run format)', () => {
  const r = run(bin('prettier'), ['--check', '.']);
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

it('eslint (runtime boundaries) has no errors', () => {
  const r = run(bin('eslint'), ['--max-warnings=0', '.']);
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

it('the boundary rule really rejects the renderer importing db/ or a Node built-in', () => {
  const probe =
    "import Database from 'better-sqlite3';\nimport { readFileSync } from 'node:fs';\nexport const x = [Database, readFileSync];\n";
  const r = spawnSync(bin('eslint'), ['--stdin', '--stdin-filename', 'renderer/probe.tsx'], { cwd: ROOT, input: probe, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /no-restricted-imports/);
  assert.match(r.stdout, /node:fs/);
});

/**
 * One deliberate wrong import per folder (docs/DEVELOPING.md, "Boundaries"), each beside an import the
 * same file may make, so a probe is rejected for its boundary and not for anything else in the text.
 */
const boundaryProbes: { file: string; forbidden: string; allowed: string }[] = [
  { file: 'shared/sync/probe.ts', forbidden: '../../host/sync/client.ts', allowed: '../canonical.ts' },
  { file: 'renderer/app/probe.tsx', forbidden: '../../office/api.ts', allowed: '../office/UfficioPage.tsx' },
  { file: 'renderer/probe.tsx', forbidden: '../office/api.ts', allowed: './office/UfficioPage.tsx' },
  { file: 'renderer/app/probe.tsx', forbidden: '../../host/handlers.ts', allowed: '../../shared/api/contract.ts' },
  { file: 'db/probe.ts', forbidden: '../host/app.ts', allowed: '../shared/canonical.ts' },
  { file: 'host/sync/probe.ts', forbidden: '../../office/api.ts', allowed: '../../shared/api/contract.ts' },
  { file: 'host/probe.ts', forbidden: 'electron', allowed: '../db/store.ts' },
  { file: 'host/probe.ts', forbidden: '../report/index.ts', allowed: '../report/pkcs11-common.ts' },
  { file: 'host/handlers/probe.ts', forbidden: 'sharp', allowed: '../../report/signer.ts' },
  { file: 'report/probe.ts', forbidden: '../host/reports.ts', allowed: '../shared/inspection.ts' },
  { file: 'report/probe.ts', forbidden: '../db/store.ts', allowed: './verify.ts' },
  { file: 'report/probe.ts', forbidden: '../office/api.ts', allowed: './verify.ts' },
  { file: 'office/storage/probe.ts', forbidden: '../../db/store.ts', allowed: '../../report/verify.ts' },
  { file: 'office/probe.ts', forbidden: '../host/sync/client.ts', allowed: '../shared/api/contract.ts' },
  { file: 'office/review/probe.ts', forbidden: '../../renderer/ui/format.ts', allowed: '../storage/store.ts' },
  { file: 'office/probe.ts', forbidden: '../bin/cli/main.ts', allowed: './api.ts' },
  { file: 'office/probe.ts', forbidden: 'electron', allowed: 'fastify' },
  { file: 'bin/cli/probe.ts', forbidden: '../../renderer/app/App.tsx', allowed: '../../office/server.ts' },
  { file: 'bin/cli/probe.ts', forbidden: 'electron', allowed: '../../host/app.ts' },
  { file: 'electron/main/probe.ts', forbidden: '../../renderer/main.tsx', allowed: '../../host/app.ts' },
  { file: 'electron/main/probe.ts', forbidden: '../../db/store.ts', allowed: 'electron' },
  { file: 'electron/preload/probe.ts', forbidden: '../../host/app.ts', allowed: 'electron' },
];

it('every folder boundary rejects a wrong import and accepts a right one', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (file: string, source: string) => {
    const [result] = await eslint.lintText(`import * as probe from '${source}';\nexport const used = probe;\n`, {
      filePath: join(ROOT, file),
    });
    return result!.messages;
  };
  for (const { file, forbidden, allowed } of boundaryProbes) {
    const rejected = await lint(file, forbidden);
    assert.deepEqual(
      rejected.map((m) => m.ruleId),
      ['no-restricted-imports'],
      `${file} importing ${forbidden}: ${JSON.stringify(rejected)}`,
    );
    assert.deepEqual(await lint(file, allowed), [], `${file} importing ${allowed} should be allowed`);
  }
});

it('no renderer file is deeper than the renderer boundary blocks reach (eslint.config.js, one block per depth)', () => {
  const tooDeep = readdirSync(join(ROOT, 'renderer'), { recursive: true, encoding: 'utf8' }).filter(
    (path) => /\.tsx?$/.test(path) && path.split(sep).length > 6,
  );
  assert.deepEqual(tooDeep, []);
});
