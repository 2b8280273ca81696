/**
 * Electron main: thin. A hardened window on a privileged app:// scheme, the preload, and the host
 * (SQLite, PDF, signing, sync) in its worker thread, so that a seal never freezes the window: one
 * IPC handler answered by the worker, its events sent to the window (host-link.ts); the worker is
 * restarted if it dies (host/worker/supervisor.ts).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { isNewDataDir } from '../../host/keys.ts';
import { CONTENT_SECURITY_POLICY } from '../../host/security.ts';
import { startHostWorker, type HostWorker } from '../../host/worker/index.ts';
import { superviseHost } from '../../host/worker/supervisor.ts';
import { appProtocolResponse } from './app-protocol.ts';
import { linkHost, openingErrorMessage } from './host-link.ts';
import { desktopKeyProvider } from './key-provider.ts';
import { APP_SCHEME, START_URL, windowOptions } from './window-options.ts';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // One process per data folder: SQLite is shared safely, but two windows would confuse autosave.
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fatal('Vigilanza Nidi', `Errore all’avvio: ${(e as Error)?.message ?? String(e)}`));
}

function fatal(title: string, message: string): void {
  dialog.showErrorBox(title, message);
  app.exit(1);
}

/** Reads the data key here (safeStorage is main's only), then opens the folder in the worker. */
async function openHost(dataDir: string): Promise<HostWorker> {
  const create = isNewDataDir(dataDir);
  // The key may be created now, before the worker opens the folder: the folder must exist.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keyProvider = desktopKeyProvider(dataDir, { create, warn: (m) => process.stderr.write(`vigilanza: ${m}\n`) });
  // A copy of its own: a small Buffer may be a slice of Node's shared pool, which cloning into
  // workerData would copy whole.
  const raw = keyProvider.getKey();
  const key = new Uint8Array(raw);
  raw.fill(0);
  // Office sync runs in the background whenever this laptop is paired ("Ufficio" page).
  const started = startHostWorker({
    dataDir,
    key,
    keyDescription: keyProvider.description,
    shell: 'electron',
    demo: process.env.VIGILANZA_DEMO === '1',
    sync: true,
  });
  // The worker got its own copy (workerData is cloned when the thread is created): none stays here.
  key.fill(0);
  return started;
}

async function start(): Promise<void> {
  const dataDir = process.env.VIGILANZA_DATA_DIR ?? join(app.getPath('userData'), 'dati');
  let host: HostWorker;
  try {
    // A host thread that dies is started again on the same folder (the windows are told and
    // reload); one that keeps dying ends the app with a dialog saying the data are safe.
    host = await superviseHost({
      start: () => openHost(dataDir),
      onGiveUp: (reason) => fatal('Vigilanza Nidi si è interrotta', reason),
      log: (m) => process.stderr.write(`vigilanza: ${m}\n`),
    });
  } catch (e) {
    fatal('Vigilanza Nidi non si è aperta', openingErrorMessage(dataDir, e));
    return;
  }
  linkHost(host, {
    ipcMain,
    app,
    contents: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    log: (m) => process.stderr.write(`vigilanza: ${m}\n`),
  });
  const rendererRoot = resolve(__dirname, '..', 'renderer');

  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.url, rendererRoot));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const win = new BrowserWindow(windowOptions(join(__dirname, 'preload.cjs')));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(START_URL);
}

// Every web contents, now and later: no navigation away, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
