/**
 * The README's run command as a user types it: `bash scripts/start.sh` (setup check, build when
 * sources changed, browser shell on the demo data) until `services.list` answers over HTTP.
 * First launch: no build on record (the stamp is removed, so it rebuilds) and a fresh demo folder;
 * second launch: same sources, same folder. Target for the second: ≤ 1.5 s. Both through the same
 * script, so the ratio shows what the build check saves on this machine.
 * Usage: node --import tsx bench/launch.bench.ts [runs]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const TARGET_MS = 1500;
const URL_LINE = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([^\s]+)/;

async function launch(data: string): Promise<number> {
  const started = performance.now();
  const child = spawn('bash', [join(root, 'scripts/start.sh')], {
    cwd: root,
    // No DISPLAY: `--open` has no browser to start, the shell just serves.
    env: { ...process.env, VIGILANZA_DATA: data, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  try {
    const [, port, token] = await new Promise<RegExpExecArray>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c;
        const m = URL_LINE.exec(out);
        if (m) resolve(m);
      });
      child.on('exit', (code) => reject(new Error(`start.sh è uscito (${code}): ${stderr}`)));
    });
    const r = await fetch(`http://127.0.0.1:${port}/api/services.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vigilanza-token': token! },
      body: '{}',
    });
    const body = (await r.json()) as { ok: boolean; value: unknown[] };
    if (!body.ok || body.value.length === 0) throw new Error('services.list senza i servizi dimostrativi');
    return performance.now() - started;
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM'); // the whole group: bash, start.mjs, the shell
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x);

const first: number[] = [];
const second: number[] = [];
for (let i = 0; i < runs; i++) {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-launch-'));
  rmSync(join(root, 'dist/.build-inputs.sha256'), { force: true });
  first.push(await launch(data));
  second.push(await launch(data));
  rmSync(data, { recursive: true, force: true });
}
const row = {
  runs,
  firstLaunchMedianMs: round(median(first)),
  secondLaunchMedianMs: round(median(second)),
  secondLaunchMaxMs: round(Math.max(...second)),
  ratioSecondToFirst: Math.round((median(second) / median(first)) * 100) / 100,
  targetMs: TARGET_MS,
  withinTarget: median(second) <= TARGET_MS,
};
console.table([row]);
console.log(JSON.stringify({ bench: 'launch', row }));
