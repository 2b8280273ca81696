/**
 * Time from launching the browser shell (`bin/vigilanza serve --demo` on a fresh data folder)
 * to `services.list` answering over HTTP. Target ≤ 1.0 s. Measured for the built CLI bundle
 * (what users run after `npm run build`; bench/run.mjs builds first) and from the TypeScript
 * sources through tsx, and for a second launch on an existing folder.
 * Usage: node --import tsx bench/shell-start.bench.ts [runs]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './shell-call.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 7);
const TARGET_MS = 1000;

function builtHasServe(): boolean {
  const dir = join(root, 'dist/cli');
  if (!existsSync(join(dir, 'entry.mjs'))) return false;
  return readdirSync(dir).some((f) => f.endsWith('.mjs') && readFileSync(join(dir, f), 'utf8').includes('vigilanza serve'));
}

async function launch(
  data: string,
  fromSource: boolean,
): Promise<{ urlMs: number; listMs: number; cpuMs: number | null; services: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/vigilanza'), 'serve', '--data', data, '--demo'], {
    env: { ...process.env, ...(fromSource ? { VIGILANZA_FROM_SOURCE: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`serve è uscito (${code}): ${stderr}`)));
    });
    const urlMs = performance.now() - started;
    const m = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=(.+)$/.exec(url);
    if (!m) throw new Error(`riga inattesa: ${url}`);
    const r = await fetch(`http://127.0.0.1:${m[1]}/api/services.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vigilanza-token': m[2]! },
      body: '{}',
    });
    const body = (await r.json()) as { ok: boolean; value: unknown[] };
    const listMs = performance.now() - started;
    // What the launch cost the machine, whatever else runs: the CPU of every thread of `serve`.
    const cpuMs = processCpuMs(child.pid!);
    if (!body.ok) throw new Error('services.list non ok');
    return { urlMs, listMs, cpuMs, services: body.value.length };
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

const modes: Array<{ name: string; fromSource: boolean; fresh: boolean }> = [];
if (builtHasServe())
  modes.push(
    { name: 'built bundle, fresh folder (--demo seeds)', fromSource: false, fresh: true },
    { name: 'built bundle, existing folder', fromSource: false, fresh: false },
  );
else process.stderr.write('dist/cli has no serve command: run `npm run build` (bench/run.mjs does) to measure the bundle\n');
modes.push({ name: 'sources via tsx, fresh folder (--demo seeds)', fromSource: true, fresh: true });

const rows = [];
for (const mode of modes) {
  const list: number[] = [];
  const url: number[] = [];
  const cpu: number[] = [];
  let services = 0;
  const kept = mkdtempSync(join(tmpdir(), 'vigilanza-bench-'));
  if (!mode.fresh) await launch(kept, mode.fromSource); // seed once, then measure relaunches
  for (let i = 0; i < runs; i++) {
    const data = mode.fresh ? mkdtempSync(join(tmpdir(), 'vigilanza-bench-')) : kept;
    const r = await launch(data, mode.fromSource);
    list.push(r.listMs);
    url.push(r.urlMs);
    if (r.cpuMs !== null) cpu.push(r.cpuMs);
    services = r.services;
    if (mode.fresh) rmSync(data, { recursive: true, force: true });
  }
  rmSync(kept, { recursive: true, force: true });
  rows.push({
    mode: mode.name,
    runs,
    services,
    urlLineMedianMs: round(median(url)),
    servicesListMedianMs: round(median(list)),
    servicesListMaxMs: round(Math.max(...list)),
    serveCpuMedianMs: cpu.length ? round(median(cpu)) : null,
    targetMs: TARGET_MS,
    withinTarget: median(list) <= TARGET_MS,
  });
}
console.table(rows);
console.log(JSON.stringify({ bench: 'shell-start', rows }));
