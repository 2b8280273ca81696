/** electron-builder.yml is valid for the installed electron-builder and packs what the app needs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const config = require('js-yaml').load(readFileSync(`${root}/electron-builder.yml`, 'utf8')) as Record<string, any>;

/** scripts/build-electron.mjs, run once for the tests that read its output. */
let building: Promise<{ warnings: Array<{ id: string; text: string }> }> | null = null;
function buildOnce() {
  building ??= (async () => {
    // @ts-expect-error: a plain .mjs build script without type declarations
    const { default: buildElectron } = await import('../../scripts/build-electron.mjs');
    return buildElectron({ root });
  })();
  return building;
}

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
  // pkcs11js (smart cards, under graphene-pk11): its addon cannot load from the archive either.
  assert.ok(config.asarUnpack.some((p: string) => p.includes('pkcs11js') && p.endsWith('.node')));
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
  const { warnings } = await buildOnce();
  assert.deepEqual(
    warnings.filter((w) => w.id === 'empty-import-meta').map((w) => w.text),
    [],
  );
  assert.match(readFileSync(`${root}/dist/electron/main.cjs`, 'utf8'), /pathToFileURL\)?\(?__filename\)?/);
});

test('the host worker bundle is built next to main.cjs, packaged, and stays inside the asar (plain CommonJS)', async () => {
  const { minimatch } = require('minimatch') as { minimatch: (path: string, pattern: string, options?: object) => boolean };
  await buildOnce();
  const worker = 'dist/electron/host-worker.cjs';
  const text = readFileSync(`${root}/${worker}`, 'utf8');
  // CommonJS, as host/worker/script.ts expects next to main.cjs: what Electron's asar support loads in a worker.
  assert.doesNotMatch(text, /^\s*(import|export)\s[^(]/m);
  assert.match(text, /require\("better-sqlite3"\)/);
  assert.match(
    text,
    /createRequire\)\(__vigilanzaBundleUrl\)\("graphene-pk11"\)/,
    'graphene-pk11 (and its native pkcs11js) stays external',
  );
  assert.doesNotMatch(text, /require\("electron"\)/, 'the worker cannot use Electron APIs: main hands it the key');
  assert.match(text, /pathToFileURL\)?\(?__filename\)?/, 'the worker finds the fonts and its report thread from its own URL');
  assert.match(readFileSync(`${root}/dist/electron/main.cjs`, 'utf8'), /host-worker\.cjs/);
  const included = config.files.filter((p: string) => !p.startsWith('!')).some((p: string) => minimatch(worker, p, { dot: true }));
  const excluded = config.files.filter((p: string) => p.startsWith('!')).some((p: string) => minimatch(worker, p.slice(1), { dot: true }));
  assert.ok(included && !excluded, `${worker} must be packaged`);
  // Unpacked, it would escape the asar integrity check, and its require('better-sqlite3') would
  // look in app.asar.unpacked/node_modules, which holds only the addon.
  assert.deepEqual(
    config.asarUnpack.filter((p: string) => minimatch(worker, p, { dot: true })),
    [],
  );
  // The sandboxed preload may require only `electron`.
  const preloadRequires = new Set(readFileSync(`${root}/dist/electron/preload.cjs`, 'utf8').match(/require\("[^"]+"\)/g));
  assert.deepEqual([...preloadRequires], ['require("electron")']);
});
