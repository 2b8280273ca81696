#!/usr/bin/env node
// Builds the Electron main process and preload into dist/electron/{main,preload}.cjs (esbuild,
// CommonJS). Only `electron`, `better-sqlite3` (native, rebuilt for Electron by electron-builder)
// and `sharp` (native, prebuilt N-API addon and libvips; unpacked from the asar) stay outside the
// bundles; the host, db and shared code are bundled in.
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
  const main = await build({
    ...common,
    entryPoints: [join(root, 'electron/main/index.ts')],
    outfile: join(root, 'dist/electron/main.cjs'),
    external: ['electron', 'better-sqlite3', 'sharp'],
    // Modules written as ES modules locate files (fonts, pdfmake) from import.meta.url, which a
    // CommonJS bundle does not have: give them the bundle's own URL.
    define: { 'import.meta.url': '__vigilanzaBundleUrl' },
    banner: { js: "const __vigilanzaBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
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
  console.log(`build-electron: dist/electron/main.cjs, preload.cjs in ${Date.now() - started} ms`);
  return { warnings: [...main.warnings, ...preload.warnings] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildElectron({ root: fileURLToPath(new URL('..', import.meta.url)) });
}
