#!/usr/bin/env node
// Builds everything that runs from dist/: the CLI bundle, and (when present) the renderer,
// the Electron main/preload and the office web app. Usage: node scripts/build.mjs [cli|renderer|electron|office ...]
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// zod is bundled so that a cold `vigilanza check` reads one file; everything else stays in node_modules.
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((d) => d !== 'zod');
const targets = process.argv.slice(2);
const want = (t) => targets.length === 0 || targets.includes(t);

const started = Date.now();
if (want('cli')) {
  rmSync(join(root, 'dist/cli'), { recursive: true, force: true });
  await build({
    entryPoints: { entry: join(root, 'bin/cli/entry.ts') },
    outdir: join(root, 'dist/cli'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __vigilanzaRequire } from 'node:module'; const require = __vigilanzaRequire(import.meta.url);" },
  });
}
for (const extra of ['renderer', 'electron', 'office']) {
  const script = join(root, `scripts/build-${extra}.mjs`);
  if (want(extra) && existsSync(script)) {
    const mod = await import(script);
    await mod.default({ root, external });
  }
}
console.log(`build: ${targets.length ? targets.join(', ') : 'all'} in ${Date.now() - started} ms`);
