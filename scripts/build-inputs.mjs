// What the build reads, as one SHA-256: the contents of every source file that ends up in dist/
// plus the lockfile and the build scripts. `node scripts/build.mjs --if-changed` compares it with
// the digest saved by the last full build and skips the build when they match, so a second
// `scripts/start.sh` launches at once. Contents, not mtimes: a fresh clone or `git checkout` touches
// every mtime without changing what is built.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = ['bin', 'db', 'electron', 'host', 'office', 'renderer', 'report', 'resources', 'scripts', 'shared'];
const ROOT_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'tsconfig.json',
  'tsconfig.renderer.json',
  'tsconfig.preload.json',
];

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

export function buildInputsDigest(root) {
  const hash = createHash('sha256');
  const files = [...ROOT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f))];
  for (const dir of SOURCE_DIRS)
    if (existsSync(join(root, dir)) && statSync(join(root, dir)).isDirectory()) files.push(...walk(join(root, dir)));
  for (const file of files) {
    const body = readFileSync(file);
    // Length-prefixed so that moving bytes from one file to the next changes the digest.
    hash.update(`${relative(root, file)}\0${body.length}\0`).update(body);
  }
  return hash.digest('hex');
}
