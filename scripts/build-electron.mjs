#!/usr/bin/env node
// Builds the Electron main process, the host worker and the preload into
// dist/electron/{main,host-worker,preload}.cjs (esbuild, CommonJS). Only `electron`,
// `better-sqlite3` (native, rebuilt for Electron by electron-builder) and `sharp` (native, prebuilt
// N-API addon and libvips; unpacked from the asar) stay outside the bundles; the host, db and
// shared code are bundled in. The worker is CommonJS on purpose: Electron's asar support reaches a
// worker thread's CommonJS loader (require, fs), so the script and what it requires are read from
// inside app.asar like main.cjs, under the asar integrity check (an unpacked script would not be).
// Called by scripts/build.mjs (`export default async ({ root }) => …`) or run directly.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export default async function buildElectron({ root }) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
  };
  const node = {
    ...common,
    // Native modules stay real packages next to the bundle (unpacked from the asar): better-sqlite3,
    // sharp, and graphene-pk11 with its pkcs11js addon (smart cards).
    external: ['electron', 'better-sqlite3', 'sharp', 'graphene-pk11'],
    // Modules written as ES modules locate files (fonts, pdfmake, the worker script) from
    // import.meta.url, which a CommonJS bundle does not have: give them the bundle's own URL.
    define: { 'import.meta.url': '__vigilanzaBundleUrl' },
    banner: { js: "const __vigilanzaBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  const main = await build({ ...node, entryPoints: [join(root, 'electron/main/index.ts')], outfile: join(root, 'dist/electron/main.cjs') });
  // The host thread (and the report thread it starts): host/worker/script.ts finds it next to main.cjs.
  const worker = await build({
    ...node,
    entryPoints: [join(root, 'host/worker/entry.ts')],
    outfile: join(root, 'dist/electron/host-worker.cjs'),
  });
  // The sandboxed preload may require only `electron`: everything else (the contract, zod) is bundled.
  const preload = await build({
    ...common,
    entryPoints: [join(root, 'electron/preload/index.ts')],
    outfile: join(root, 'dist/electron/preload.cjs'),
    external: ['electron'],
    target: 'chrome130',
    minify: true,
  });
  console.log(`build-electron: dist/electron/main.cjs, host-worker.cjs, preload.cjs in ${Date.now() - started} ms`);
  return { warnings: [...main.warnings, ...worker.warnings, ...preload.warnings] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildElectron({ root: fileURLToPath(new URL('..', import.meta.url)) });
}
