/**
 * Generated inspection files, the same on every run: what bench/rules.bench.ts times and what
 * test/unit/rules-generated.test.ts checks the engine's findings on (so a speed-up that changes a
 * single finding fails there).
 */
import { SERVICE_TYPES } from '../shared/domain.ts';
import type { InspectionFile } from '../shared/inspection.ts';
import type { RuleSet } from '../shared/rules/ruleset.ts';
import type { Checklist } from '../shared/checklist/schema.ts';
import { ruleSetKey } from '../shared/rules/ruleset.ts';

/** Small deterministic PRNG so every run evaluates the same inspections. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BENCH_SEED = 20261123;

/**
 * `n` inspections of the rule set's service types: counts around the capacity bounds, staff with
 * titles and certificates of every course, the sì/no items answered (mostly sì). With `allAnswers`
 * the other items are answered too (counts, dates, the register with entries in every standing),
 * so a territory's own checks and its register have something to judge; without it the draw is the
 * bench's own, number for number.
 */
export function generateInspections(
  rs: RuleSet,
  checklist: Checklist,
  n: number,
  { seed = BENCH_SEED, allAnswers = false }: { seed?: number; allAnswers?: boolean } = {},
): InspectionFile[] {
  const rand = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const date = (y0: number, y1: number) => `${int(y0, y1)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

  function generate(): InspectionFile {
    const type = pick(SERVICE_TYPES);
    const rules = rs.serviceTypes[type];
    const items = checklist.items.filter((i) => i.kind === 'yesno' && i.serviceTypes.includes(type));
    const answers: NonNullable<InspectionFile['answers']> = {};
    for (const item of items) answers[item.id] = { value: pick(['yes', 'yes', 'yes', 'no', 'na'] as const) };
    const file: InspectionFile = {
      schemaVersion: 1,
      ruleSet: ruleSetKey(rs),
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
      staffCounts: {
        educators: { planned: int(0, 10), present: int(0, 10) },
        auxiliaries: { planned: int(0, 3), present: int(0, 3) },
      },
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
    if (allAnswers) answerTheRest(file, type);
    return file;
  }

  function answerTheRest(file: InspectionFile, type: InspectionFile['service']['type']): void {
    const answers = file.answers!;
    for (const item of checklist.items) {
      if (!item.serviceTypes.includes(type) || item.kind === 'yesno') continue;
      if (rand() < 0.1) answers[item.id] = { value: 'na' };
      else if (item.kind === 'count') answers[item.id] = { value: pick([0, 1, 5, 6, 9, 12, 30, 360, 480, 600, 700]) };
      else if (item.kind === 'date') answers[item.id] = { value: date(2022, 2026) };
      else if (item.kind === 'text') answers[item.id] = { value: pick(['', 'annotazione']) };
      else answers[item.id] = { value: pick(['', 'e1', 'e1,e2', 'e2,e3,e9']) };
    }
    for (const id of Object.keys(answers))
      if (rand() < 0.05) answers[id] = { ...answers[id], note: pick(['  ', 'vedi foto', 'da rivedere ']) };
    if (rs.educatorRegister)
      file.registerEntries = ['e1', 'e2', 'e3'].map((id) => ({
        id,
        kind: pick(['person', 'organisation'] as const),
        name: `Iscritto ${id}`,
        registeredOn: date(2022, 2025),
        requirements: Object.fromEntries(
          rs
            .educatorRegister!.kinds.person.requirements.concat(rs.educatorRegister!.kinds.organisation.requirements)
            .map((r) => [r.id, rand() < 0.9]),
        ),
        confirmations: Array.from({ length: int(0, 3) }, () => ({
          confirmedOn: date(2023, 2026),
          hours: pick([0, 10, 20, 40]),
          ...(rand() < 0.5 ? { contractMinHours: pick([10, 20]) } : {}),
        })),
        cancelledOn: rand() < 0.1 ? date(2023, 2026) : null,
        updatedAt: '2026-01-01T00:00:00.000Z',
      }));
  }

  return Array.from({ length: n }, generate);
}
