/**
 * The office server (a child process, `vigilanza office serve`) is killed with SIGKILL in the
 * middle of an attachment upload and started again on the same data: the client resumes from
 * the offset the server kept, nothing acknowledged is lost, and the attachment arrives whole.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { contentHash } from '../../shared/canonical.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { openSqlite } from '../../office/storage/db.ts';
import { freePort } from '../helpers/postgres.ts';
import { BACKENDS, databaseFor, makePng, sampleFile, sha256, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

const root = new URL('../..', import.meta.url).pathname;

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/cli/entry.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = cli(['office', 'serve', ...args]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server non partito: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`server uscito (${code}): ${stderr}`)));
  });
  return { child, url };
}

async function lastLine(args: string[]): Promise<string> {
  const child = cli(args);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0, out);
  return out.trim().split('\n').at(-1)!;
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

for (const backend of BACKENDS) {
  describe(`SIGKILL during upload, ${backend}`, () => {
    test('the client resumes from the kept offset and nothing acknowledged is lost', { timeout: 120_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-crash-'));
      const databaseUrl = await databaseFor(backend);
      const dbArgs = databaseUrl ? ['--database', databaseUrl] : [];
      const port = await freePort();
      const serveArgs = ['--data', dataDir, '--port', String(port), ...dbArgs];
      const token = await lastLine(['office', 'add-inspector', '--data', dataDir, ...dbArgs, 'Maria Rossi']);
      assert.match(token, /^vn1_[A-Za-z0-9_-]{43}$/);
      let server = await startServer(serveArgs);
      assert.equal(server.url, `http://127.0.0.1:${port}`);
      try {
        // An inspection acknowledged before the crash.
        const before = sampleFile(1);
        const photo = makePng(5);
        const client = new SyncClient({ baseUrl: server.url, token, retry: { attempts: 40, baseMs: 50, maxMs: 500 } });
        const first = await client.pushInspection({
          id: 'prima',
          revision: 1,
          file: before,
          contentHash: contentHash(before),
          attachments: [{ sha256: sha256(photo), kind: 'photo', name: 'a.png', bytes: photo }],
        });
        assert.equal(first.status, 'created');

        // A 6 MiB signed report sent in 256 KiB pieces; the server dies during the piece after 1.5 MiB.
        const big = randomBytes(6 * 1024 * 1024);
        const chunk = 256 * 1024;
        let acknowledged = 0;
        let killedAt = -1;
        let restarted: Promise<void> | null = null;
        let firstOffsetAfterRestart = -1;
        const watching: typeof fetch = async (input, init) => {
          const method = init?.method ?? 'GET';
          const offset = Number((init?.headers as Record<string, string> | undefined)?.['upload-offset'] ?? -1);
          if (method === 'PATCH' && killedAt < 0 && offset >= 1.5 * 1024 * 1024) {
            killedAt = offset;
            const pending = fetch(input, init);
            setTimeout(() => {
              restarted = kill(server.child).then(async () => {
                server = await startServer(serveArgs);
              });
            }, 2);
            return pending;
          }
          const res = await fetch(input, init);
          if (method === 'PATCH' && res.status === 204 && killedAt < 0) acknowledged = Number(res.headers.get('upload-offset'));
          if (method === 'HEAD' && killedAt >= 0 && firstOffsetAfterRestart < 0 && res.ok)
            firstOffsetAfterRestart = Number(res.headers.get('upload-offset'));
          return res;
        };
        const resuming = new SyncClient({
          baseUrl: server.url,
          token,
          fetch: watching,
          chunkBytes: chunk,
          retry: { attempts: 40, baseMs: 50, maxMs: 500 },
        });
        const file = sampleFile(2);
        const result = await resuming.pushInspection({
          id: 'seconda',
          revision: 1,
          file,
          contentHash: contentHash(file),
          attachments: [{ sha256: sha256(big), kind: 'report', name: 'verbale.pdf', bytes: big }],
        });
        assert.equal(result.status, 'created', JSON.stringify(result));
        console.log(
          `# ${backend}: ucciso a ${killedAt}, confermati ${acknowledged}, ripreso da ${firstOffsetAfterRestart}, inviati ${resuming.bytesSent} per ${big.length}`,
        );
        assert.ok(killedAt > 0, 'the server was killed mid-upload');
        await restarted;
        assert.ok(
          firstOffsetAfterRestart >= acknowledged,
          `the restarted server kept every acknowledged byte (${firstOffsetAfterRestart} ≥ ${acknowledged})`,
        );
        assert.ok(firstOffsetAfterRestart < big.length, 'the upload was really cut');
        assert.ok(
          resuming.bytesSent <= big.length + 2 * chunk,
          `resumed, not restarted: sent ${resuming.bytesSent} bytes for ${big.length}`,
        );
        assert.ok(readFileSync(join(dataDir, 'blobs', sha256(big).slice(0, 2), sha256(big))).equals(big), 'stored byte-identical');

        // Killed right after acknowledging a revision: it is there after the restart.
        const third = sampleFile(3);
        assert.equal(
          (await client.pushInspection({ id: 'terza', revision: 1, file: third, contentHash: contentHash(third) })).status,
          'created',
        );
        await kill(server.child);
        server = await startServer(serveArgs);
        for (const id of ['prima', 'seconda', 'terza']) {
          const got = await client.getInspection(id);
          assert.equal(got?.revisions.length, 1, id);
        }
        assert.equal(
          (await client.pushInspection({ id: 'terza', revision: 1, file: third, contentHash: contentHash(third) })).status,
          'duplicate',
        );
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
      if (backend === 'sqlite') {
        const db = openSqlite(dataDir);
        assert.equal((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check, 'ok');
        await db.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });
  });
}
