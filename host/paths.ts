/** Where the app's own files are, whether running from sources (tsx) or from the dist/ bundle. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding our package.json, searched upwards from a module's URL. */
export function findAppRoot(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vigilanza-nidi') return dir;
      } catch {
        /* not ours: keep looking */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cartella dell'applicazione non trovata a partire da ${fromUrl}`);
    dir = parent;
  }
}

export function rendererDir(appRoot: string): string {
  return process.env.VIGILANZA_RENDERER_DIR ?? join(appRoot, 'dist', 'renderer');
}
