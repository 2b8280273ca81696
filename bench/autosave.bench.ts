/**
 * Durable autosave latency: `inspections.saveAnswer` through the HTTP API of a real
 * `vigilanza serve` process (WAL, synchronous=FULL: each answer fsynced before the reply),
 * p50/p95/p99 over sequential saves like the UI's debounced ones. Target p95 ≤ 5 ms.
 * Also the same saves without the HTTP server (through the host worker, as the shells call it),
 * in-process through the handlers, and a bare one-row commit on the same disk: each layer's share of
 * the request path is the difference between two rows (issue 16: "find what the request path adds").
 * Usage: node --import tsx bench/autosave.bench.ts [saves]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuMs, shellCaller } from './shell-call.ts';
import Database from 'better-sqlite3';
import { openApp } from '../host/app.ts';
import { startHostWorker } from '../host/worker/index.ts';
import { getChecklist } from '../shared/checklist/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const saves = Number(process.argv[2] ?? 1000);
const TARGET_P95_MS = 5;
const items = getChecklist('zona-fse@1')!
  .items.filter((i) => i.kind === 'yesno')
  .map((i) => i.id);
const service = { name: 'Nido di prova', type: 'nido', comune: 'Impruneta', capacity: 40, kitchen: true };

/** The built bundle when it has `serve` (bench/run.mjs builds first), else the sources through tsx. */
const cliDir = join(root, 'dist/cli');
const useBuilt =
  existsSync(join(cliDir, 'entry.mjs')) &&
  readdirSync(cliDir).some((f) => f.endsWith('.mjs') && readFileSync(join(cliDir, f), 'utf8').includes('vigilanza serve'));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 1000) / 1000;
};
const stats = (xs: number[]) => ({ p50Ms: pct(xs, 50), p95Ms: pct(xs, 95), p99Ms: pct(xs, 99), maxMs: pct(xs, 100) });

/** CPU per save, in ms, of the `serve` process (all its threads) and of this client process. */
const cpuPerSave: { server: number | null; client: number | null } = { server: null, client: null };

async function overHttp(): Promise<number[]> {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-bench-'));
  const child = spawn(process.execPath, [join(root, 'bin/vigilanza'), 'serve', '--data', data], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(useBuilt ? {} : { VIGILANZA_FROM_SOURCE: '1' }) },
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`serve è uscito (${code})`)));
    });
    const [, port, token] = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=(.+)$/.exec(url)!;
    // node:http with a keep-alive agent, like a browser's persistent connection (undici's fetch
    // adds ~1 ms of client-side work per call on this machine, which is not the server's latency).
    const call = shellCaller(Number(port), token!, 1);
    const s = await call('services.create', service);
    const inspection = await call('inspections.create', { serviceId: s.id, purpose: 'verifica_periodica', date: '2026-03-10' });
    for (let i = 0; i < 50; i++)
      await call('inspections.saveAnswer', { inspectionId: inspection.id, itemId: items[i % items.length], value: 'yes' }); // warm-up
    const times: number[] = [];
    const server0 = processCpuMs(child.pid!);
    const client0 = process.cpuUsage();
    for (let i = 0; i < saves; i++) {
      const t0 = performance.now();
      await call('inspections.saveAnswer', {
        inspectionId: inspection.id,
        itemId: items[i % items.length],
        value: i % 3 ? 'yes' : 'no',
        note: i % 5 ? undefined : `nota ${i}`,
      });
      times.push(performance.now() - t0);
    }
    const server1 = processCpuMs(child.pid!);
    const client = process.cpuUsage(client0);
    if (server0 !== null && server1 !== null) cpuPerSave.server = Math.round(((server1 - server0) / saves) * 1000) / 1000;
    cpuPerSave.client = Math.round(((client.user + client.system) / 1000 / saves) * 1000) / 1000;
    return times;
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  }
}

function inProcess(): number[] {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-bench-'));
  const app = openApp({ dataDir: data, shell: 'browser' });
  try {
    const s = app.dispatch('services.create', service);
    if (!s.ok) throw new Error(s.error.message);
    const inspection = app.dispatch('inspections.create', {
      serviceId: (s.value as { id: string }).id,
      purpose: 'verifica_periodica',
      date: '2026-03-10',
    });
    if (!inspection.ok) throw new Error(inspection.error.message);
    const id = (inspection.value as { id: string }).id;
    const times: number[] = [];
    for (let i = 0; i < saves; i++) {
      const t0 = performance.now();
      const r = app.dispatch('inspections.saveAnswer', { inspectionId: id, itemId: items[i % items.length], value: i % 3 ? 'yes' : 'no' });
      times.push(performance.now() - t0);
      if (!r.ok) throw new Error(r.error.message);
    }
    if (app.store.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('synchronous non è FULL');
    return times;
  } finally {
    app.close();
    rmSync(data, { recursive: true, force: true });
  }
}

/** The same saves through the host worker's `call` (message to the thread and back), no HTTP. */
async function throughWorker(): Promise<number[]> {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-bench-'));
  const host = await startHostWorker({ dataDir: data, shell: 'browser' });
  try {
    const call = async (method: string, input: unknown) => {
      const r = await host.call(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as { id: string };
    };
    const s = await call('services.create', service);
    const inspection = await call('inspections.create', { serviceId: s.id, purpose: 'verifica_periodica', date: '2026-03-10' });
    for (let i = 0; i < 50; i++)
      await call('inspections.saveAnswer', { inspectionId: inspection.id, itemId: items[i % items.length], value: 'yes' });
    const times: number[] = [];
    for (let i = 0; i < saves; i++) {
      const t0 = performance.now();
      await call('inspections.saveAnswer', { inspectionId: inspection.id, itemId: items[i % items.length], value: i % 3 ? 'yes' : 'no' });
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await host.close();
    rmSync(data, { recursive: true, force: true });
  }
}

/** The floor: one row upserted and committed with WAL + synchronous=FULL in a folder on the same disk. */
function bareCommit(): number[] {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-bench-'));
  const db = new Database(join(data, 'bare.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE answers (item_id TEXT PRIMARY KEY, value TEXT, updated_at TEXT)');
    const upsert = db.prepare(
      'INSERT INTO answers VALUES (?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    const times: number[] = [];
    for (let i = 0; i < saves + 50; i++) {
      const t0 = performance.now();
      db.transaction(() => upsert.run(items[i % items.length], i % 3 ? '"yes"' : '"no"', new Date().toISOString())).immediate();
      if (i >= 50) times.push(performance.now() - t0);
    }
    return times;
  } finally {
    db.close();
    rmSync(data, { recursive: true, force: true });
  }
}

const http = stats(await overHttp());
const worker = stats(await throughWorker());
const local = stats(inProcess());
const bare = stats(bareCommit());
const rows = [
  {
    path: `HTTP POST /api/inspections.saveAnswer (serve process, ${useBuilt ? 'built' : 'sources'})`,
    saves,
    ...http,
    targetP95Ms: TARGET_P95_MS,
    withinTarget: http.p95Ms <= TARGET_P95_MS,
  },
  { path: 'host worker call (no HTTP)', saves, ...worker },
  { path: 'handlers in-process (no HTTP)', saves, ...local, targetP95Ms: TARGET_P95_MS, withinTarget: local.p95Ms <= TARGET_P95_MS },
  { path: 'bare one-row FULL commit, same disk', saves, ...bare },
];
console.table(rows);
console.log(`CPU per save over HTTP: serve process ${cpuPerSave.server ?? '?'} ms (all threads), client ${cpuPerSave.client} ms`);
console.log(JSON.stringify({ bench: 'autosave', synchronous: 'FULL', journal: 'WAL', rows, cpuPerSaveMs: cpuPerSave }));
