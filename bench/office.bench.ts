/**
 * Office server: pushes per second with 8 concurrent laptops and p95 latency, on SQLite and on
 * PostgreSQL; resumable upload throughput as a ratio to a plain `curl -T` upload of the same
 * bytes to the one-request PUT endpoint of the same server. The server runs as its own process
 * (`vigilanza office serve`), as in production. Bounded: a fixed number of pushes and uploads.
 * Prints one JSON object.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { contentHash } from '../shared/canonical.ts';
import { SyncClient } from '../host/sync/client.ts';
import { openStore } from '../office/server.ts';
import { newDeviceToken, sha256Text } from '../office/security.ts';
import { sampleFile } from '../test/helpers/office-fixtures.ts';
import { freePort, startPostgres } from '../test/helpers/postgres.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = 8;
const PUSHES_PER_CLIENT = 75;
const UPLOAD_BYTES = 16 * 1024 * 1024;
const UPLOAD_RUNS = 3;
const CHUNK_BYTES = Number(process.env.BENCH_CHUNK_BYTES ?? 8 * 1024 * 1024);

async function serve(dataDir: string, databaseUrl?: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bin/cli/entry.ts'),
      'office',
      'serve',
      '--data',
      dataDir,
      '--port',
      String(port),
      ...(databaseUrl ? ['--database', databaseUrl] : []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(l.trim()));
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { child, url };
}

async function tokens(dataDir: string, databaseUrl: string | undefined, n: number): Promise<string[]> {
  const store = await openStore(dataDir, databaseUrl);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const inspector = await store.createInspector(`Ispettore ${i + 1}`);
    const token = newDeviceToken();
    await store.addDevice(inspector.id, sha256Text(token), 'bench');
    out.push(token);
  }
  await store.close();
  return out;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => percentile(xs, 50);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function pushBench(backend: 'sqlite' | 'postgres', databaseUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `vigilanza-bench-${backend}-`));
  const toks = await tokens(dataDir, databaseUrl, CLIENTS);
  const server = await serve(dataDir, databaseUrl);
  try {
    // Warm up the server's code paths (JIT, prepared statements).
    const warm = new SyncClient({ baseUrl: server.url, token: toks[0]! });
    for (let i = 0; i < 20; i++) {
      const f = sampleFile(i, { note: `warm ${i}` });
      await warm.pushInspection({ id: `warm-${i}`, revision: 1, file: f, contentHash: contentHash(f) });
    }
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      toks.map(async (token, c) => {
        const client = new SyncClient({ baseUrl: server.url, token });
        for (let i = 0; i < PUSHES_PER_CLIENT; i++) {
          const f = sampleFile(i, { note: `laptop ${c} visita ${i}` });
          const t0 = performance.now();
          const r = await client.pushInspection({ id: `b-${c}-${i}`, revision: 1, file: f, contentHash: contentHash(f) });
          latencies.push(performance.now() - t0);
          if (r.status !== 'created') throw new Error(`push failed: ${JSON.stringify(r)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      pushes: latencies.length,
      clients: CLIENTS,
      pushesPerSecond: round(latencies.length / seconds),
      p50Ms: round(median(latencies)),
      p95Ms: round(percentile(latencies, 95)),
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function uploadBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-bench-upload-'));
  const [token] = await tokens(dataDir, undefined, 1);
  const server = await serve(dataDir);
  const scratch = mkdtempSync(join(tmpdir(), 'vigilanza-bench-bytes-'));
  try {
    const resumable: number[] = [];
    const curl: number[] = [];
    for (let run = 0; run < UPLOAD_RUNS; run++) {
      // Fresh bytes each time: the same hash would complete at once.
      for (const method of ['resumable', 'curl'] as const) {
        const bytes = randomBytes(UPLOAD_BYTES);
        const sha = createHash('sha256').update(bytes).digest('hex');
        const path = join(scratch, `${method}-${run}.bin`);
        writeFileSync(path, bytes);
        const t0 = performance.now();
        if (method === 'resumable') {
          await new SyncClient({ baseUrl: server.url, token: token!, chunkBytes: CHUNK_BYTES }).uploadAttachment({
            sha256: sha,
            kind: 'report',
            name: 'x.pdf',
            path,
          });
          resumable.push(performance.now() - t0);
        } else {
          const r = spawnSync('curl', [
            '-sS',
            '--fail',
            '-o',
            '/dev/null',
            '-T',
            path,
            '-H',
            `Authorization: Bearer ${token}`,
            '-H',
            'Content-Type: application/octet-stream',
            `${server.url}/api/v1/blobs/${sha}`,
          ]);
          if (r.status !== 0) throw new Error(`curl failed: ${r.stderr}`);
          curl.push(performance.now() - t0);
        }
      }
    }
    const mbps = (ms: number) => UPLOAD_BYTES / 2 ** 20 / (ms / 1000);
    return {
      bytes: UPLOAD_BYTES,
      chunkBytes: CHUNK_BYTES,
      resumableMiBps: round(mbps(median(resumable))),
      curlMiBps: round(mbps(median(curl))),
      ratioResumableToCurl: round(mbps(median(resumable)) / mbps(median(curl)), 2),
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

// `--only upload` runs the upload part alone (no PostgreSQL): quick to repeat while tuning it.
// `--only push` runs the pushes alone, twice per engine alternating (sqlite, postgres, sqlite,
// postgres: a burst of load from elsewhere then falls on both), with the load average around each.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'upload' && only !== 'push') throw new Error(`--only: "upload" o "push", non ${only}`);
const machine = `${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
if (only === 'upload') console.log(JSON.stringify({ machine, upload: await uploadBench() }, null, 2));
else if (only === 'push') {
  const pg = await startPostgres();
  try {
    const rounds = [];
    for (let i = 0; i < 2; i++) {
      const before = loadavg()[0]!;
      const sqlite = await pushBench('sqlite');
      const postgres = await pushBench('postgres', pg.createDatabase(`bench_${i}`));
      const ratio = round(postgres.pushesPerSecond / sqlite.pushesPerSecond, 2);
      rounds.push({ load: [round(before, 2), round(loadavg()[0]!, 2)], sqlite, postgres, ratioPostgresToSqlite: ratio });
    }
    console.log(JSON.stringify({ machine, push: rounds }, null, 2));
  } finally {
    pg.stop();
  }
} else {
  const pg = await startPostgres();
  try {
    const result = {
      machine,
      sqlite: await pushBench('sqlite'),
      postgres: await pushBench('postgres', pg.createDatabase('bench')),
      upload: await uploadBench(),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    pg.stop();
  }
}
