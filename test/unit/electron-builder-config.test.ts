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
  // sharp's addon and libvips come from @img/sharp-*: both must be outside the archive.
  assert.ok(config.asarUnpack.includes('**/node_modules/sharp/**') && config.asarUnpack.includes('**/node_modules/@img/**'));
  assert.equal(config.npmRebuild, true);
  assert.ok(config.files.includes('dist/electron/**') && config.files.includes('dist/renderer/**'));
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  assert.equal(config.extraMetadata.main, pkg.main);
  assert.equal(pkg.main, 'dist/electron/main.cjs');
  assert.equal(config.electronFuses.runAsNode, false);
});

test('fuses: no Node mode, no NODE_OPTIONS or --inspect, asar only and checked, no extra powers for file:// pages', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

test('the packaged app carries the report fonts, and the main bundle knows its own URL', async () => {
  assert.ok(config.files.includes('resources/fonts/**'), 'resources/fonts/** must be packaged: the report embeds them');
  // report/pdfmake.ts finds fonts and pdfmake from import.meta.url; left empty in the CommonJS
  // bundle, every report would fail in the desktop build.
  // @ts-expect-error: a plain .mjs build script without type declarations
  const { default: buildElectron } = await import('../../scripts/build-electron.mjs');
  const { warnings } = (await buildElectron({ root })) as { warnings: Array<{ id: string; text: string }> };
  assert.deepEqual(
    warnings.filter((w) => w.id === 'empty-import-meta').map((w) => w.text),
    [],
  );
  assert.match(readFileSync(`${root}/dist/electron/main.cjs`, 'utf8'), /pathToFileURL\)?\(?__filename\)?/);
});
