#!/usr/bin/env node
// Builds everything that runs from dist/: the CLI bundle, and (when present) the renderer,
// the Electron main/preload and the office web app. Usage: node scripts/build.mjs [--if-changed] [cli|renderer|electron|office ...]
// --if-changed (scripts/setup.sh): a full build is skipped when no input changed since the last one.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildInputsDigest } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// zod is bundled so that a cold `vigilanza check` reads one file; everything else stays in node_modules.
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((d) => d !== 'zod');
const ifChanged = process.argv.includes('--if-changed');
const targets = process.argv.slice(2).filter((a) => a !== '--if-changed');
const want = (t) => targets.length === 0 || targets.includes(t);

/**
 * zod's `z` namespace carries `z.locales` (and `z.core.locales`): every language's messages, half of
 * what a cold `vigilanza check` had to compile (264 of 568 kB). Nothing here reads them through the
 * namespace — the Italian ones come from `zod/locales` (shared/zod-italian.ts), English is the
 * default zod imports by itself —, so the bundle drops those two re-exports.
 */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/^export \* as locales from .*$/m, ''),
      loader: 'js',
    }));
  },
};

const started = Date.now();
// Only a full build records its inputs: a partial one leaves the other outputs as they were.
const stampFile = join(root, 'dist/.build-inputs.sha256');
const inputs = targets.length === 0 ? buildInputsDigest(root) : null;
const outputsPresent = ['dist/cli/entry.mjs', 'dist/renderer/index.html'].every((f) => existsSync(join(root, f)));
if (ifChanged && inputs && outputsPresent && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === inputs) {
  console.log(`build: up to date (${Date.now() - started} ms)`);
  process.exit(0);
}
rmSync(stampFile, { force: true });
if (want('cli')) {
  rmSync(join(root, 'dist/cli'), { recursive: true, force: true });
  // What both CLI bundles are: Node 20, minified, the packages external, without zod's other locales.
  const cliBundle = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    plugins: [withoutZodLocales],
  };
  await build({
    ...cliBundle,
    // host-worker: the thread `vigilanza serve` runs the host in (host/worker/index.ts finds it next to its chunk).
    entryPoints: { entry: join(root, 'bin/cli/entry.ts'), 'host-worker': join(root, 'host/worker/entry.ts') },
    outdir: join(root, 'dist/cli'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    format: 'esm',
    banner: {
      js: "import { createRequire as __vigilanzaRequire } from 'node:module'; const require = __vigilanzaRequire(import.meta.url);",
    },
  });
  // `vigilanza check` on its own, one file without the shared chunks (bin/vigilanza runs it for `check`):
  // what the command needs is the inspection schema, the rules and the checklists, nothing else.
  // CommonJS, so that bin/vigilanza can compile it as a vm.Script with V8's code cache.
  await build({
    ...cliBundle,
    entryPoints: [join(root, 'bin/cli/check-entry.ts')],
    outfile: join(root, 'dist/cli/check.cjs'),
    format: 'cjs',
  });
}
for (const extra of ['renderer', 'electron', 'office']) {
  const script = join(root, `scripts/build-${extra}.mjs`);
  if (want(extra) && existsSync(script)) {
    const mod = await import(script);
    await mod.default({ root, external });
  }
}
if (inputs) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stampFile, `${inputs}\n`);
}
console.log(`build: ${targets.length ? targets.join(', ') : 'all'} in ${Date.now() - started} ms`);
