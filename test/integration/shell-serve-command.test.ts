/**
 * `vigilanza serve`: one URL line on stdout, a working API behind it (the host in its worker thread:
 * photos through sharp, a seal with a signed PDF report), a clean stop; from source and built.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openApp } from '../../host/app.ts';
import { LATEST_VERSION } from '../../db/migrations/index.ts';
import { applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { samplePhoto } from '../../report/testing/images.ts';
import { sampleSignature } from '../../report/testing/fixtures.ts';
import { makeTestPki, P12_PASSPHRASE } from '../helpers/pki.ts';
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
  const r = await fetch(`http://127.0.0.1:${port}/api/services.list`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vigilanza-token': token! },
    body: '{}',
  });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { ok: boolean; value: unknown[] };
  assert.ok(body.ok && body.value.length >= 7, 'demo services');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(stdout, `${firstLine}\n`, 'nothing else on stdout');
  assert.equal(stderr, '');
});

// The bundle (npm run build) runs the worker from dist/cli/host-worker.mjs, the sources from bootstrap.mjs.
const builtCli = existsSync(join(root, 'dist/cli/entry.mjs'));
for (const variant of ['source', 'built'] as const) {
  test(
    `serve (${variant}): the host worker stores a photo and seals with a signed report`,
    { skip: variant === 'built' && !builtCli && 'dist/cli non compilato (npm run build)' },
    async (t) => {
      const data = tempDir(t);
      const childEnv = variant === 'source' ? env : (({ VIGILANZA_FROM_SOURCE: _, ...rest }) => rest)(process.env);
      const child = spawn(process.execPath, [bin, 'serve', '--data', data], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      t.after(() => child.kill('SIGKILL'));
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`uscito con ${code}: ${stderr}`)));
      });
      const [, port, token] = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=(.+)$/.exec(url)!;
      const post = async (method: string, input: unknown): Promise<any> => {
        const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-vigilanza-token': token! },
          body: JSON.stringify(input),
        });
        const body = (await r.json()) as { ok: boolean; value: any; error?: { message: string } };
        assert.ok(body.ok, `${method}: ${body.error?.message}`);
        return body.value;
      };
      const pki = makeTestPki();
      t.after(() => pki.cleanup());
      await post('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
      const service = await post('services.create', {
        name: 'Nido Il Girasole',
        type: 'nido',
        comune: 'Bagno a Ripoli',
        capacity: 40,
        kitchen: true,
      });
      const inspection = await post('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
      for (const item of applicableItems(getChecklist('zona-fse@1')!, { type: 'nido', purpose: 'verifica_periodica' })) {
        const value = item.kind === 'yesno' ? 'yes' : item.kind === 'count' ? 2 : item.kind === 'date' ? '2025-09-01' : 'annotazione';
        await post('inspections.saveAnswer', { inspectionId: inspection.id, itemId: item.id, value });
      }
      const photo = await post('photos.add', {
        inspectionId: inspection.id,
        itemId: null,
        mime: 'image/png',
        dataBase64: samplePhoto(1, 640, 480).toString('base64'),
        caption: 'Ingresso',
      });
      assert.ok(photo.id, 'photo stored (sharp ran in the worker)');
      const signatures = [
        sampleSignature('referente_comune', 'Marco Bellini', 1),
        sampleSignature('pedagogista', 'Chiara Fantoni', 2),
        sampleSignature('referente_servizio', 'Giulia Mariani', 3),
      ];
      const sealed = await post('inspections.seal', {
        commissionReason: 'prova automatica: commissione non in esame',
        id: inspection.id,
        signatures,
        passphrase: P12_PASSPHRASE,
      });
      assert.equal(sealed.report?.produced, true);
      assert.equal(sealed.report?.signed, true);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(stderr, '');
    },
  );
}

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
