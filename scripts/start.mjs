#!/usr/bin/env node
// Chooses the shell: Electron if its binary was installed, else the loopback browser shell,
// opening the page in a browser when a display is available.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.VIGILANZA_DATA ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vigilanza-nidi-demo');
mkdirSync(dataDir, { recursive: true });

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const cli = join(root, 'bin', 'vigilanza');
const hasServe = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout.includes(' serve ');
const electron = electronBinary();

if (electron && existsSync(join(root, 'dist', 'electron', 'main.cjs'))) {
  console.log(`Avvio dell'app desktop (Electron) con i dati dimostrativi in ${dataDir}`);
  // Electron main reads its folder and the demo switch from the environment (it has no arguments of its
  // own): without them it would open the real installation's folder, which starts empty.
  const child = spawn(electron, [join(root, 'dist', 'electron', 'main.cjs')], {
    stdio: 'inherit',
    env: { ...process.env, VIGILANZA_DATA_DIR: dataDir, VIGILANZA_DEMO: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else if (hasServe) {
  console.log(
    electron
      ? 'Electron presente ma non compilato: uso la shell nel browser.'
      : 'Binario di Electron assente: avvio la shell nel browser (127.0.0.1).',
  );
  console.log(`Dati dimostrativi in ${dataDir}. Ctrl+C per uscire.`);
  const child = spawn(process.execPath, [cli, 'serve', '--data', dataDir, '--demo', '--open', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  // Until the desktop shell exists the CLI is the application: evaluate the demo inspection.
  const child = spawn(process.execPath, [cli, 'check', join(root, 'resources', 'examples', 'nido-il-girasole.json')], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code === 1 ? 0 : (code ?? 0)));
}
