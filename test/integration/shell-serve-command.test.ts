/** `vigilanza serve`: one URL line on stdout, a working API behind it, a clean stop. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openApp } from '../../host/app.ts';
import { LATEST_VERSION } from '../../db/migrations/index.ts';
import { tempDir } from '../unit/db-fixtures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'vigilanza');
const env = { ...process.env, VIGILANZA_FROM_SOURCE: '1' };

test('serve --demo prints exactly one line, the URL with the token, and the API answers behind it', async (t) => {
  const data = tempDir(t);
  const child = spawn(process.execPath, [bin, 'serve', '--data', data, '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nessun indirizzo entro 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.split('\n')[0]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`uscito con ${code}: ${stderr}`)));
  });
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+)$/.exec(firstLine);
  assert.ok(m, firstLine);
  const [, port, token] = m;
  const r = await fetch(`http://127.0.0.1:${port}/api/services.list`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vigilanza-token': token! }, body: '{}' });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { ok: boolean; value: unknown[] };
  assert.ok(body.ok && body.value.length >= 7, 'demo services');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(stdout, `${firstLine}\n`, 'nothing else on stdout');
  assert.equal(stderr, '');
});

test('serve without --data, or with a bad port, exits 2 naming the option', (t) => {
  const noData = spawnSync(process.execPath, [bin, 'serve'], { env, encoding: 'utf8' });
  assert.equal(noData.status, 2);
  assert.equal(noData.stdout, '');
  assert.match(noData.stderr, /--data: indicare la cartella dei dati/);
  const badPort = spawnSync(process.execPath, [bin, 'serve', '--data', tempDir(t), '--port', '70000'], { env, encoding: 'utf8' });
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port: atteso un numero di porta fra 1 e 65535/);
});

test('serve refuses a database written by a newer version, says so, and prints no URL', (t) => {
  const data = tempDir(t);
  openApp({ dataDir: data, shell: 'browser' }).close();
  const raw = new Database(join(data, 'vigilanza.db'));
  raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
  raw.close();
  const r = spawnSync(process.execPath, [bin, 'serve', '--data', data], { env, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /versione più recente di Vigilanza Nidi/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
