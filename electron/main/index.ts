/**
 * Electron main: thin. A hardened window on a privileged app:// scheme, the preload, and one
 * IPC handler wired to the same host API as the browser shell.
 */
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { openApp, isNewDataDir, type HostApp } from '../../host/app.ts';
import { CONTENT_SECURITY_POLICY } from '../../host/security.ts';
import { API_CHANNEL } from '../preload/bridge.ts';
import { appProtocolResponse } from './app-protocol.ts';
import { handleApiMessage } from './ipc.ts';
import { desktopKeyProvider } from './key-provider.ts';
import { APP_SCHEME, START_URL, windowOptions } from './window-options.ts';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let host: HostApp | null = null;

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
  app.whenReady().then(start, (e: unknown) => fatal(e));
}

function fatal(e: unknown): void {
  dialog.showErrorBox('Vigilanza Nidi', (e as Error)?.message ?? String(e));
  app.exit(1);
}

function start(): void {
  const dataDir = process.env.VIGILANZA_DATA_DIR ?? join(app.getPath('userData'), 'dati');
  try {
    const keyProvider = desktopKeyProvider(dataDir, {
      create: isNewDataDir(dataDir),
      warn: (m) => process.stderr.write(`vigilanza: ${m}\n`),
    });
    host = openApp({ dataDir, shell: 'electron', keyProvider, demo: process.env.VIGILANZA_DEMO === '1' });
    // Office sync runs in the background whenever this laptop is paired ("Ufficio" page).
    host.sync.start();
  } catch (e) {
    fatal(e);
    return;
  }
  const rendererRoot = resolve(__dirname, '..', 'renderer');

  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.url, rendererRoot));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  ipcMain.handle(API_CHANNEL, (event, method: unknown, input: unknown) =>
    host
      ? handleApiMessage(host, event.senderFrame?.url, method, input)
      : { ok: false, error: { code: 'internal', message: 'applicazione in chiusura' } },
  );

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

app.on('will-quit', () => {
  host?.close();
  host = null;
});
