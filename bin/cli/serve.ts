/**
 * `vigilanza serve --data DIR [--port N] [--demo] [--open]`: the browser shell. Prints exactly
 * one line on stdout, the address to open (with the per-launch token), and serves until
 * interrupted. Everything else (errors) goes to stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from './errors.ts';
import { parse } from './io.ts';

const USAGE = `Uso: vigilanza serve --data CARTELLA [--port N] [--demo] [--open]

Avvia l'applicazione nel browser, solo su questo computer (127.0.0.1).
Stampa l'indirizzo da aprire, con la chiave di sessione di questo avvio.

  --data CARTELLA  cartella dei dati (database, foto, file chiave); creata se manca
  --port N         porta (predefinita: una porta libera a caso)
  --demo           se il database è vuoto, lo riempie con dati dimostrativi (segnati «DEMO»,
                   mai inviati all'ufficio); senza --demo una cartella nuova parte vuota
  --open           apre l'indirizzo nel browser predefinito`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { data: { type: 'string' }, port: { type: 'string' }, demo: { type: 'boolean' }, open: { type: 'boolean' } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${USAGE}`);
  if (!values.data) throw new CliError(`--data: indicare la cartella dei dati\n\n${USAGE}`);
  let port = 0;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port < 1 || port > 65535)
      throw new CliError(`--port: atteso un numero di porta fra 1 e 65535, trovato "${values.port}"`);
  }

  const [{ startHostWorker }, { superviseHost }, { startShellServer }, { findAppRoot, rendererDir }] = await Promise.all([
    import('../../host/worker/index.ts'),
    import('../../host/worker/supervisor.ts'),
    import('../../host/shell-server.ts'),
    import('../../host/paths.ts'),
  ]);
  // The host (SQLite, PDF, signing, office sync) runs in its own thread, so that sealing with a
  // signed report never holds up the answers to the page (an autosave, a search); if that thread
  // dies it is started again on the same folder, and if it keeps dying the command stops.
  const dataDir = resolve(values.data);
  let gaveUp: ((reason: string) => void) | null = null;
  let host;
  try {
    host = await superviseHost({
      start: () => startHostWorker({ dataDir, demo: values.demo ?? false, sync: true }),
      onGiveUp: (reason) => gaveUp?.(reason),
      log: (m) => process.stderr.write(`vigilanza: ${m}\n`),
    });
  } catch (e) {
    throw new CliError(`--data ${values.data}: ${(e as Error).message}`, 1);
  }
  let server;
  try {
    server = await startShellServer({ host, rendererDir: rendererDir(findAppRoot(import.meta.url)), port });
  } catch (e) {
    await host.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`--port ${port}: porta già in uso`);
    if (code === 'EACCES') throw new CliError(`--port ${port}: porta non consentita a questo utente`);
    throw e;
  }
  process.stdout.write(`${server.url}\n`);
  const closeLauncher = values.open ? openInBrowser(server.url) : () => {};

  const failure = await new Promise<string | null>((done) => {
    process.once('SIGINT', () => done(null));
    process.once('SIGTERM', () => done(null));
    gaveUp = done;
  });
  closeLauncher();
  await server.close();
  await host.close();
  if (failure) throw new CliError(failure, 1);
  return 0;
}

/**
 * The tokened address must not appear on a command line (other local users can read those in
 * `ps`): the browser is sent to a private file that redirects to it, removed shortly after.
 */
export function writeLauncherPage(url: string): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-apri-'));
  const path = join(dir, 'apri.html');
  const safe = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(
    path,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${safe}"><title>Vigilanza Nidi</title><p>Apertura di Vigilanza Nidi…</p>`,
    { mode: 0o600 },
  );
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the address in the default browser; returns what removes the launcher page. */
function openInBrowser(url: string): () => void {
  const launcher = writeLauncherPage(url);
  setTimeout(launcher.dispose, 30_000).unref();
  const target = pathToFileURL(launcher.path).href;
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [target]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', target]]
        : ['xdg-open', [target]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () =>
      process.stderr.write(`vigilanza: impossibile aprire il browser (${command}); aprire a mano l'indirizzo stampato\n`),
    );
    child.unref();
  } catch {
    process.stderr.write(`vigilanza: impossibile aprire il browser; aprire a mano l'indirizzo stampato\n`);
  }
  return launcher.dispose;
}
