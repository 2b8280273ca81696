/** electron-builder.yml is valid for the installed electron-builder and packs what the app needs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const config = require('js-yaml').load(readFileSync(`${root}/electron-builder.yml`, 'utf8')) as Record<string, any>;

test('the configuration validates against electron-builder’s own schema', () => {
  const Ajv = require('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')));
  assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));
});

test('targets: AppImage and deb, NSIS, DMG; better-sqlite3 unpacked and rebuilt; bundles from dist/', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.equal(config.win.target[0].target, 'nsis');
  assert.equal(config.mac.target[0].target, 'dmg');
  assert.ok(config.asarUnpack.some((p: string) => p.includes('better-sqlite3') && p.endsWith('.node')));
  assert.equal(config.npmRebuild, true);
  assert.ok(config.files.includes('dist/electron/**') && config.files.includes('dist/renderer/**'));
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  assert.equal(config.extraMetadata.main, pkg.main);
  assert.equal(pkg.main, 'dist/electron/main.cjs');
  assert.equal(config.electronFuses.runAsNode, false);
});
