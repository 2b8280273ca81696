/**
 * The app:// scheme's answers, without Electron: which file of the built renderer a request names,
 * and the response for it. Every answer, errors included, carries the security headers.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../host/security.ts';
import { APP_HOST } from './window-options.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** A path inside the renderer folder, or null (no "..", no NUL, no symlink leading out). */
export function resolveInside(root: string, pathname: string): string | null {
  if (pathname.includes('\0') || pathname.split(/[\\/]/).includes('..')) return null;
  const file = resolve(root, `.${pathname}`);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
  const real = realpathSync(file);
  return real.startsWith(realpathSync(root) + sep) ? real : null;
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });

export function appProtocolResponse(requestUrl: string, rendererRoot: string): Response {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return text(400, 'Richiesta non valida');
  }
  if (url.host !== APP_HOST) return text(404, 'Non trovato');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return text(400, 'Richiesta non valida');
  }
  const file = resolveInside(resolve(rendererRoot), pathname);
  if (!file) return text(404, 'Non trovato');
  return new Response(readFileSync(file), {
    headers: { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' },
  });
}
