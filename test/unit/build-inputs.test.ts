/** `build --if-changed` skips the build only when nothing it reads has changed. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildInputsDigest } from '../../scripts/build-inputs.mjs';

const digest = buildInputsDigest as (root: string) => string;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigilanza-build-inputs-'));
  mkdirSync(join(root, 'renderer/app'), { recursive: true });
  mkdirSync(join(root, 'shared'), { recursive: true });
  writeFileSync(join(root, 'package-lock.json'), '{}');
  writeFileSync(join(root, 'renderer/app/App.tsx'), 'export const a = 1;\n');
  writeFileSync(join(root, 'shared/text.ts'), 'export const b = 2;\n');
  return root;
}

it('changes with a source edit, a new file, a rename or the lockfile, not with mtimes or node_modules', (t) => {
  const root = tree();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = digest(root);
  utimesSync(join(root, 'shared/text.ts'), new Date(0), new Date(0));
  mkdirSync(join(root, 'renderer/node_modules'));
  writeFileSync(join(root, 'renderer/node_modules/x.js'), 'ignored');
  assert.equal(digest(root), base, 'a touched file or a nested node_modules is not an input change');

  writeFileSync(join(root, 'shared/text.ts'), 'export const b = 3;\n');
  const edited = digest(root);
  assert.notEqual(edited, base);
  writeFileSync(join(root, 'renderer/app/New.tsx'), '');
  const added = digest(root);
  assert.notEqual(added, edited);
  renameSync(join(root, 'renderer/app/New.tsx'), join(root, 'renderer/app/Other.tsx'));
  const renamed = digest(root);
  assert.notEqual(renamed, added);
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
  assert.notEqual(digest(root), renamed);
});
