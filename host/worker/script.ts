/**
 * The worker script, wherever this code runs from. From source the modules are .ts and the entry
 * is TypeScript: bootstrap.mjs registers tsx in the thread first. In the CLI bundle
 * (scripts/build.mjs) this code sits in a chunk of dist/cli/, next to the bundled `host-worker.mjs`;
 * in the Electron bundle (scripts/build-electron.mjs, CommonJS) in dist/electron/main.cjs or the
 * worker itself, next to `host-worker.cjs`.
 */
export function workerScript(): URL {
  const here = import.meta.url;
  const name = here.endsWith('.ts') ? './bootstrap.mjs' : here.endsWith('.cjs') ? './host-worker.cjs' : './host-worker.mjs';
  return new URL(name, here);
}
