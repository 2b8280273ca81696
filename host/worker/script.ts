/**
 * The worker script, wherever this code runs from. From source the modules are .ts and the entry
 * is TypeScript: bootstrap.mjs registers tsx in the thread first. In the CLI bundle
 * (scripts/build.mjs) this code sits in a chunk of dist/cli/, next to the bundled `host-worker.mjs`.
 */
export function workerScript(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './bootstrap.mjs' : './host-worker.mjs', import.meta.url);
}
