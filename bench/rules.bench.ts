/**
 * Rule engine throughput over 10,000 generated inspections, and the cold start of
 * `vigilanza check` as a ratio to a bare `node -e 0` (target ≤ 3×).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evaluate, RULE_SETS } from '../shared/rules/index.ts';
import { getChecklist } from '../shared/checklist/index.ts';
import { SERVICE_TYPES } from '../shared/domain.ts';
import type { InspectionFile } from '../shared/inspection.ts';

/** Small deterministic PRNG so every run evaluates the same inspections. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rs = RULE_SETS.get('zona-fse@1')!;
const checklist = getChecklist('zona-fse@1')!;
const rand = mulberry32(20261123);
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
const date = (y0: number, y1: number) => `${int(y0, y1)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

function generate(): InspectionFile {
  const type = pick(SERVICE_TYPES);
  const rules = rs.serviceTypes[type];
  const items = checklist.items.filter((i) => i.kind === 'yesno' && i.serviceTypes.includes(type));
  const answers: NonNullable<InspectionFile['answers']> = {};
  for (const item of items) answers[item.id] = { value: pick(['yes', 'yes', 'yes', 'no', 'na'] as const) };
  return {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: {
      name: `Servizio ${int(1, 999)}`,
      type,
      capacity: int(rules.capacity.min - 1, rules.capacity.max + 1),
      kitchen: rand() < 0.5,
      authorization: { issuedOn: date(2019, 2025) },
      accreditation: { issuedOn: date(2019, 2025) },
    },
    visit: { date: date(2024, 2026), purpose: pick(['autorizzazione', 'accreditamento', 'verifica_periodica'] as const) },
    children: rules.bands.map((b) => {
      const enrolled = int(0, 25);
      return { band: b.id, enrolled, present: int(0, enrolled) };
    }),
    staffCounts: { educators: { planned: int(0, 10), present: int(0, 10) }, auxiliaries: { planned: int(0, 3), present: int(0, 3) } },
    people: Array.from({ length: int(2, 12) }, (_, i) => ({
      id: `p${i}`,
      role: pick(['educatore', 'educatore', 'ausiliario', 'cuoco', 'coordinatore'] as const),
      title: pick(['L19', 'LM-85bis+60CFU', 'previgente_toscana', 'altro'] as const),
      titleObtainedOn: date(2010, 2020),
      trainings: Array.from({ length: int(0, 4) }, () => ({
        course: pick(['first_aid', 'fire', 'rspp', 'rls', 'haccp_manager', 'haccp_simple', 'haccp_complex'] as const),
        hours: pick([4, 8, 12, 16, 32]),
        completedOn: date(2018, 2025),
      })),
    })),
    answers,
  };
}

const N = 10_000;
const files = Array.from({ length: N }, generate);
for (let i = 0; i < 500; i++) evaluate(files[i]!, rs, checklist); // warm-up
const t0 = performance.now();
let findings = 0;
for (const f of files) findings += evaluate(f, rs, checklist).findings.length;
const seconds = (performance.now() - t0) / 1000;

const root = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../resources/examples/nido-il-girasole.json', import.meta.url));
function median(cmd: string, args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - s);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}
const bare = median(process.execPath, ['-e', '0']);
const check = median(process.execPath, [fileURLToPath(new URL('../bin/vigilanza', import.meta.url)), 'check', example]);

console.log(
  JSON.stringify(
    {
      bench: 'rules',
      inspections: N,
      evaluationsPerSecond: Math.round(N / seconds),
      findingsPerInspection: +(findings / N).toFixed(1),
      coldCheckMs: +check.toFixed(1),
      bareNodeMs: +bare.toFixed(1),
      coldCheckRatio: +(check / bare).toFixed(2),
      target: 'coldCheckRatio ≤ 3',
    },
    null,
    2,
  ),
);
