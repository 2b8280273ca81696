// Builds the renderer (React UI) into dist/renderer with Vite's JS API.
// Relative asset paths (base './') so the same files load from the loopback browser shell
// (http://127.0.0.1:PORT/) and from Electron's file:/app: protocol. Nothing is inlined: no inline
// scripts, no data: URIs, no external fonts or CDNs, so a strict `default-src 'self'` CSP holds.
import { join } from 'node:path';

/**
 * @param {{ root: string, mode?: 'production' | 'development', outDir?: string }} options
 * `mode: 'development'` (or VIGILANZA_RENDERER_MODE=development) keeps names readable and turns on
 * the client's zod validation of every API answer against the contract.
 */
export default async function buildRenderer({ root, mode, outDir }) {
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  const chosenMode = mode ?? process.env.VIGILANZA_RENDERER_MODE ?? 'production';
  const development = chosenMode === 'development';
  const started = Date.now();
  await build({
    configFile: false,
    envFile: false,
    root: join(root, 'renderer'),
    base: './',
    mode: chosenMode,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [react()],
    define: {
      // Read by renderer/api/client.ts: validate API outputs with the contract's schemas.
      __VIGILANZA_VALIDATE_API__: JSON.stringify(development),
    },
    build: {
      outDir: outDir ?? join(root, 'dist/renderer'),
      emptyOutDir: true,
      target: 'chrome120',
      // The preload polyfill would be inlined into index.html; Chromium does not need it.
      modulePreload: { polyfill: false },
      // Never turn assets into data: URIs (a strict img-src/font-src 'self' refuses them).
      assetsInlineLimit: 0,
      minify: !development,
      sourcemap: development,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2000,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry comments Rollup cannot place; harmless, and not ours to change.
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
          warn(warning);
        },
      },
    },
  });
  if (!process.env.VIGILANZA_QUIET) console.log(`renderer: built in ${Date.now() - started} ms (${chosenMode})`);
}
