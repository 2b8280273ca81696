/** `serve --open` hands the browser a private page, never the tokened address on a command line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeLauncherPage } from '../../bin/cli/serve.ts';

test('the launcher page is private, redirects to the exact address, and goes away', () => {
  const url = 'http://127.0.0.1:43210/#token=abc&x="<y>\'';
  const launcher = writeLauncherPage(url);
  assert.equal(statSync(launcher.path).mode & 0o777, 0o600);
  const html = readFileSync(launcher.path, 'utf8');
  const target = /content="0;url=([^"]*)"/.exec(html)?.[1] ?? '';
  const unescaped = target.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  assert.equal(unescaped, url);
  assert.doesNotMatch(target, /[<>"]/, 'the address cannot break out of the attribute');
  launcher.dispose();
  assert.equal(existsSync(launcher.path), false);
});
