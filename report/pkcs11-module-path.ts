/**
 * Which files may be loaded as a PKCS#11 module. Loading one runs its native code inside the app
 * with the inspector's rights, so the path the page sends (any path may be typed: card vendors
 * install where they like) is checked first: an absolute path to a shared library, a regular file,
 * and — where the system has owners and modes — owned by the administrator or by this user, with
 * neither the file nor its folder writable by other users. A library dropped in a shared folder
 * (/tmp, a world-writable share) by someone else is refused before it is ever opened.
 */
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';

const LIBRARY = /\.(so(\.\d+)*|dll|dylib)$/i;
const OTHERS_WRITE = 0o002;
const GROUP_WRITE = 0o020;

export interface ModulePathPolicy {
  platform?: NodeJS.Platform;
  /** This process's user id (POSIX): a module it owns is its own choice. */
  uid?: number;
}

export type ModuleCheck = { ok: true; real: string } | { ok: false; reason: string };

/**
 * Whether `path` may be loaded: then the real path to load (links resolved now, so a link swapped
 * after the check changes nothing); else why not, in Italian, naming the path.
 */
export function checkModulePath(path: string, policy: ModulePathPolicy = {}): ModuleCheck {
  const why = refusal(path, policy);
  return why === null ? { ok: true, real: realpathSync(path) } : { ok: false, reason: `modulo PKCS#11 non caricabile: ${path} (${why})` };
}

function refusal(path: string, policy: ModulePathPolicy): string | null {
  const platform = policy.platform ?? process.platform;
  const uid = policy.uid ?? process.getuid?.() ?? -1;
  if (!isAbsolute(path)) return 'indicare il percorso completo del file (per esempio /usr/lib/opensc-pkcs11.so)';
  if (!LIBRARY.test(path)) return 'non è una libreria (attesi file .so, .dll o .dylib)';
  let real: string;
  let file: Stats;
  try {
    lstatSync(path);
    real = realpathSync(path);
    file = statSync(real);
  } catch {
    return 'file inesistente o non leggibile';
  }
  if (!file.isFile()) return 'non è un file';
  if (platform === 'win32') return null;
  const trusted = (s: Stats) => s.uid === 0 || s.uid === uid;
  // Group-writable is fine only for the administrators' group.
  const writableByOthers = (s: Stats) => (s.mode & OTHERS_WRITE) !== 0 || ((s.mode & GROUP_WRITE) !== 0 && s.gid !== 0);
  if (!trusted(file)) return 'il file appartiene a un altro utente; installarlo come amministratore';
  if (writableByOthers(file)) return 'il file è modificabile da altri utenti; non viene caricato';
  const folder = statSync(dirname(real));
  if (!trusted(folder) || writableByOthers(folder))
    return `la cartella ${dirname(real)} è modificabile da altri utenti; installare il modulo in una cartella di sistema`;
  return null;
}
