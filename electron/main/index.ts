/**
 * Electron main: thin. A hardened window on a privileged app:// scheme, the preload, and one
 * IPC handler wired to the same host API as the browser shell.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { openApp, isNewDataDir, type HostApp } from '../../host/app.ts';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../host/security.ts';
import { API_CHANNEL } from '../preload/bridge.ts';
import { handleApiMessage } from './ipc.ts';
import { desktopKeyProvider } from './key-provider.ts';
import { APP_HOST, APP_SCHEME, START_URL, windowOptions } from './window-options.ts';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.woff2': 'font/woff2', '.ico': 'image/x-icon', '.map': 'application/json',
};

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
    const keyProvider = desktopKeyProvider(dataDir, { create: isNewDataDir(dataDir), warn: (m) => process.stderr.write(`vigilanza: ${m}\n`) });
    host = openApp({ dataDir, shell: 'electron', keyProvider, demo: process.env.VIGILANZA_DEMO === '1' });
    // Office sync runs in the background whenever this laptop is paired ("Ufficio" page).
    host.sync.start();
  } catch (e) {
    fatal(e);
    return;
  }
  const rendererRoot = resolve(__dirname, '..', 'renderer');

  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Non trovato', { status: 404 });
    const file = resolveInside(rendererRoot, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file) return new Response('Non trovato', { status: 404 });
    return new Response(readFileSync(file), { headers: { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' } });
  });

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  ipcMain.handle(API_CHANNEL, (event, method: unknown, input: unknown) =>
    host ? handleApiMessage(host, event.senderFrame?.url, method, input) : { ok: false, error: { code: 'internal', message: 'applicazione in chiusura' } },
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

/** A path inside the renderer folder, or null (no "..", no symlink leading out). */
function resolveInside(root: string, pathname: string): string | null {
  if (pathname.includes('\0') || pathname.split(/[\\/]/).includes('..')) return null;
  const file = resolve(root, `.${pathname}`);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
  const real = realpathSync(file);
  return real.startsWith(realpathSync(root) + sep) ? real : null;
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
