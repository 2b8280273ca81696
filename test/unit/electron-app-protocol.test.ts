/** The app:// scheme serves the built renderer and nothing else; every answer has the security headers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appProtocolResponse } from '../../electron/main/app-protocol.ts';

test('app:// answers', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'vigilanza-app-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Vigilanza</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'segreto');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));

  const get = (url: string) => appProtocolResponse(url, root);
  const ok = get('app://vigilanza/');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await ok.text(), /Vigilanza/);
  assert.equal(get('app://vigilanza/assets/app.js').headers.get('content-type'), 'text/javascript; charset=utf-8');

  const cases: Array<[string, number]> = [
    ['app://vigilanza/%E0%A4%A', 400], // an escape that does not decode
    ['app://vigilanza/..%2fsecret.txt', 404],
    ['app://vigilanza/assets/%2e%2e/%2e%2e/secret.txt', 404],
    ['app://vigilanza/link.txt', 404], // symlink leading out of the renderer
    ['app://vigilanza/index.html%00.js', 404],
    ['app://vigilanza/assets', 404], // a folder
    ['app://altro/index.html', 404],
    ['app://vigilanza/manca.js', 404],
  ];
  for (const [url, status] of cases) {
    const r = get(url);
    assert.equal(r.status, status, url);
    assert.ok(r.headers.get('content-security-policy'), `${url}: CSP on errors too`);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', url);
    assert.doesNotMatch(await r.text(), /segreto/, url);
  }
});
