/**
 * Rule engine throughput over 10,000 generated inspections (bench/inspections.ts; issue 16: at least
 * 50,000 /s), and the cold start of `vigilanza check` as a ratio to a bare `node -e 0` (issue 16:
 * ≤ 1.5×). The machine may be shared: the engine's figure is also given as CPU time per inspection,
 * the cold starts alternate with the bare runs (so a burst of load falls on both), and the load
 * average is printed with them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evaluate, RULE_SETS } from '../shared/rules/index.ts';
import { getChecklist } from '../shared/checklist/index.ts';
import { generateInspections } from './inspections.ts';

const rs = RULE_SETS.get('zona-fse@1')!;
const checklist = getChecklist('zona-fse@1')!;

const N = 10_000;
const files = generateInspections(rs, checklist, N);
for (let i = 0; i < 500; i++) evaluate(files[i]!, rs, checklist); // warm-up
const load = loadavg().map((l) => +l.toFixed(2));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let findings = 0;
for (const f of files) findings += evaluate(f, rs, checklist).findings.length;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const root = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../resources/examples/nido-il-girasole.json', import.meta.url));

/** CPU seconds of the waited-for children so far (Linux: /proc/self/stat cutime + cstime), or null. */
function childrenCpu(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // clock ticks, 100 per second on Linux
  } catch {
    return null;
  }
}

/** Runs each command `runs` times, one after the other in turn; median wall ms and mean CPU ms of each. */
function alternate(commands: string[][], runs = 15): Array<{ median: number; cpu: number | null }> {
  const times = commands.map(() => [] as number[]);
  const cpus = commands.map(() => 0 as number | null);
  for (let r = 0; r < runs; r++)
    commands.forEach(([cmd, ...args], i) => {
      const c0 = childrenCpu();
      const s = performance.now();
      spawnSync(cmd!, args, { cwd: root, stdio: 'ignore' });
      times[i]!.push(performance.now() - s);
      const c1 = childrenCpu();
      cpus[i] = c0 === null || c1 === null || cpus[i] === null ? null : cpus[i]! + (c1 - c0);
    });
  return times.map((t, i) => ({
    median: t.sort((a, b) => a - b)[Math.floor(runs / 2)]!,
    cpu: cpus[i] === null ? null : (cpus[i]! * 1000) / runs,
  }));
}
const [bare, check] = alternate([
  [process.execPath, '-e', '0'],
  [process.execPath, fileURLToPath(new URL('../bin/vigilanza', import.meta.url)), 'check', example],
]) as [{ median: number; cpu: number | null }, { median: number; cpu: number | null }];

console.log(
  JSON.stringify(
    {
      bench: 'rules',
      loadAverage: load,
      inspections: N,
      evaluationsPerSecond: Math.round(N / seconds),
      cpuMicrosecondsPerInspection: +((cpuSeconds * 1e6) / N).toFixed(1),
      evaluationsPerCpuSecond: Math.round(N / cpuSeconds),
      findingsPerInspection: +(findings / N).toFixed(1),
      coldCheckMs: +check.median.toFixed(1),
      bareNodeMs: +bare.median.toFixed(1),
      coldCheckRatio: +(check.median / bare.median).toFixed(2),
      coldCheckCpuMs: check.cpu === null ? null : +check.cpu.toFixed(1),
      bareNodeCpuMs: bare.cpu === null ? null : +bare.cpu.toFixed(1),
      coldCheckCpuRatio: check.cpu === null || !bare.cpu ? null : +(check.cpu / bare.cpu).toFixed(2),
      loadAverageAfter: loadavg().map((l) => +l.toFixed(2)),
      target: 'evaluationsPerSecond ≥ 50,000; coldCheckRatio ≤ 1.5',
    },
    null,
    2,
  ),
);
