/**
 * Where a folder of the repository's `resources/` is at run time: the folder an environment variable
 * names first, then `resources/<name>` walking up from this module (sources: report/ → ../resources;
 * bundled CLI: dist/cli/ → ../../resources; Electron: dist/electron/ inside the asar).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function resourceDirs(name: string, envVar: string): string[] {
  const fromEnv = process.env[envVar];
  const dirs: string[] = fromEnv ? [fromEnv] : [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    dirs.push(join(dir, 'resources', name));
    dir = dirname(dir);
  }
  return dirs;
}
