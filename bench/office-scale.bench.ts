/**
 * Office at scale (issue 16): every office page and export, the change feed and a push, timed at
 * 2,000 and 200,000 revisions, on SQLite and PostgreSQL. The data is seeded through the store's own
 * API (`test/helpers/office-seed.ts`: saveService, putRevision, takeInReview/decide, 1,000 calls per
 * transaction), 1,000 services, visits over ten years. The server runs in this process on
 * 127.0.0.1; each request is timed over HTTP, warm (one run first), median of RUNS, as wall time and
 * as this process's CPU time (`process.cpuUsage`: server and client, the honest figure on a shared
 * machine), with the load average before and after. On PostgreSQL the seeded database gets a
 * `VACUUM ANALYZE` before anything is timed (as autovacuum would, eventually, after a bulk load:
 * statistics for the planner and the visibility map for index-only scans).
 * Env: BENCH_OFFICE_TOP (default 200000) for a quicker top size, BENCH_OFFICE_PG=0 to skip
 * PostgreSQL, BENCH_OFFICE_SERVICES (default 1000), BENCH_OFFICE_RUNS (default 15), BENCH_OFFICE_ONLY=sqlite|postgres,
 * BENCH_OFFICE_TARGETS=a,b (only the requests whose name contains one of these; no push then unless
 * one is "push"). Prints one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { contentHash } from '../shared/canonical.ts';
import { SyncClient } from '../host/sync/client.ts';
import { createOfficeServer } from '../office/server.ts';
import { hashPassword, newDeviceToken, sha256Text } from '../office/security.ts';
import { Clerk } from '../test/helpers/office-clerk.ts';
import { sampleFile } from '../test/helpers/office-fixtures.ts';
import { seedOffice } from '../test/helpers/office-seed.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const TODAY = '2026-11-20';
const SIZES = [2000, Number(process.env.BENCH_OFFICE_TOP ?? 200_000)];
const SERVICES = Number(process.env.BENCH_OFFICE_SERVICES ?? 1000);
const RUNS = Number(process.env.BENCH_OFFICE_RUNS ?? 15);
const PUSHES = 40;
const PASSWORD = 'una-password-lunga-per-il-banco';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface Prepared {
  revisions: number;
  visits: number;
  overduePrescriptions: number;
  seedSeconds: number;
  targets: Array<[string, () => Promise<number>]>;
  push: (i: number) => Promise<void>;
  close: () => Promise<void>;
}

/** A server on a seeded database, with the requests to time. */
async function prepare(backend: 'sqlite' | 'postgres', revisions: number, databaseUrl?: string): Promise<Prepared> {
  const dataDir = mkdtempSync(join(tmpdir(), `vigilanza-scale-${backend}-`));
  const server = await createOfficeServer({ dataDir, databaseUrl, today: () => TODAY });
  const url = await server.listen(0);
  const store = server.store;
  const t0 = performance.now();
  const seeded = await seedOffice(store, { revisions, services: SERVICES, today: TODAY });
  const seedSeconds = (performance.now() - t0) / 1000;
  // After a bulk load, as autovacuum would do in its time: the planner's statistics and the visibility map.
  if (backend === 'postgres') await store.db.run('VACUUM ANALYZE');
  await store.createClerk('Ufficio Banco', await hashPassword(PASSWORD));
  const clerk = new Clerk(url);
  await clerk.login('Ufficio Banco', PASSWORD);
  const token = newDeviceToken();
  await store.addDevice(seeded.inspectorIds[0]!, sha256Text(token), 'banco');
  const service = (await store.listServices())[0]!;
  // (Guarded so that the same bench runs against the code before issue 16, for the "before" figures.)
  const overdue = 'countOverduePrescriptions' in store ? await store.countOverduePrescriptions(TODAY) : -1;
  const lastPage = Math.max(1, Math.ceil(overdue / 100));
  const feedTop = Number((await store.db.get<{ m: number }>('SELECT MAX(seq) AS m FROM changes'))!.m);
  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${url}${path}`, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.toString('utf8').slice(0, 200)}`);
    return body.length;
  };
  const page = (path: string) => get(path, { cookie: clerk.cookieHeader() });
  const api = (path: string) => get(path, { authorization: `Bearer ${token}` });
  const client = new SyncClient({ baseUrl: url, token });
  return {
    revisions: seeded.revisions,
    visits: seeded.visits,
    overduePrescriptions: overdue,
    seedSeconds: round(seedSeconds),
    targets: [
      ['coda (ricevute)', () => page('/coda')],
      ['coda (validate)', () => page('/coda?scheda=validate')],
      ['ispezione', () => page('/ispezioni/seme-0/1')],
      ['servizi', () => page('/servizi')],
      ['servizio', () => page(`/servizi/${service.id}`)],
      ['portatili', () => page('/portatili')],
      ['cruscotto', () => page('/cruscotto')],
      ['cruscotto: ispezioni dovute, pagina 1', () => page('/cruscotto?elenco=dovute&pagina=1')],
      ['cruscotto: prescrizioni, pagina 1', () => page('/cruscotto?elenco=prescrizioni&pagina=1')],
      ['cruscotto: prescrizioni, ultima pagina', () => page(`/cruscotto?elenco=prescrizioni&pagina=${lastPage}`)],
      // Asked for by number alone, half-way (the key it starts after is found in the index).
      ['cruscotto: prescrizioni, pagina di mezzo', () => page(`/cruscotto?elenco=prescrizioni&pagina=${Math.ceil(lastPage / 2)}`)],
      ['CSV ispezioni dovute', () => page('/export/ispezioni-dovute.csv')],
      ['CSV atti in scadenza', () => page('/export/atti-in-scadenza.csv')],
      ['CSV prescrizioni scadute', () => page('/export/prescrizioni-scadute.csv')],
      ['change feed from 0 (200 entries)', () => api('/api/v1/changes?cursor=0&limit=200')],
      ['change feed, last 200', () => api(`/api/v1/changes?cursor=${Math.max(0, feedTop - 200)}&limit=200`)],
    ],
    push: async (i) => {
      const f = sampleFile(i, { note: `banco ${i}` });
      const r = await client.pushInspection({ id: `banco-${i}`, revision: 1, file: f, contentHash: contentHash(f) });
      if (r.status !== 'created') throw new Error(`push: ${JSON.stringify(r)}`);
    },
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wall time and this process's CPU time (user + system) of one request, in ms. */
const time = async (fn: () => Promise<unknown>) => {
  const c = process.cpuUsage();
  const s = performance.now();
  await fn();
  const wall = performance.now() - s;
  const cpu = process.cpuUsage(c);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
};
const load = () => loadavg().map((x) => round(x, 2));
const TARGETS = process.env.BENCH_OFFICE_TARGETS?.split(',').filter(Boolean);
const wanted = (name: string) => !TARGETS || TARGETS.some((t) => name.includes(t));

/**
 * The same request on each size in turn (the machine is shared: a burst of load hits both sizes
 * alike), after warm-up runs; median and minimum of RUNS.
 */
type Timing = { medianMs: number; minMs: number; cpuMedianMs: number; cpuMinMs: number; bytes: number };
const summary = (xs: Array<{ wall: number; cpu: number }>, bytes: number): Timing => ({
  medianMs: round(median(xs.map((x) => x.wall))),
  minMs: round(Math.min(...xs.map((x) => x.wall))),
  cpuMedianMs: round(median(xs.map((x) => x.cpu))),
  cpuMinMs: round(Math.min(...xs.map((x) => x.cpu))),
  bytes,
});
async function measure(sets: Prepared[]) {
  const out = sets.map(() => ({}) as Record<string, Timing>);
  for (const [k, [name]] of sets[0]!.targets.entries()) {
    if (!wanted(name)) continue;
    const xs = sets.map(() => [] as Array<{ wall: number; cpu: number }>);
    const bytes: number[] = [];
    for (const set of sets) for (let w = 0; w < 3; w++) bytes[sets.indexOf(set)] = await set.targets[k]![1]();
    for (let i = 0; i < RUNS; i++) for (const [j, set] of sets.entries()) xs[j]!.push(await time(set.targets[k]![1]));
    sets.forEach((_, j) => (out[j]![name] = summary(xs[j]!, bytes[j]!)));
  }
  if (!wanted('push (one laptop)')) return out;
  // One laptop pushing into the full database, sequentially: a push's latency, not throughput.
  const xs = sets.map(() => [] as Array<{ wall: number; cpu: number }>);
  let n = 0;
  for (const set of sets) for (let w = 0; w < 5; w++) await set.push(n++);
  for (let i = 0; i < PUSHES; i++) for (const [j, set] of sets.entries()) xs[j]!.push(await time(() => set.push(n++)));
  sets.forEach((_, j) => (out[j]!['push (one laptop)'] = summary(xs[j]!, 0)));
  return out;
}

const machine = `${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const result: Record<string, unknown> = { machine, today: TODAY, services: SERVICES };
for (const backend of ['sqlite', 'postgres'] as const) {
  if (backend === 'postgres' && process.env.BENCH_OFFICE_PG === '0') continue;
  if (process.env.BENCH_OFFICE_ONLY && process.env.BENCH_OFFICE_ONLY !== backend) continue;
  const pg = backend === 'postgres' ? await startPostgres() : null;
  const sets: Prepared[] = [];
  try {
    for (const [i, n] of SIZES.entries()) sets.push(await prepare(backend, n, pg?.createDatabase(`scale_${i}`)));
    const loadBefore = load();
    const times = await measure(sets);
    const loadAfter = load();
    const [small, big] = [times[0]!, times[times.length - 1]!];
    result[backend] = {
      loadAverage: { before: loadBefore, after: loadAfter },
      runs: sets.map((s, i) => ({
        revisions: s.revisions,
        visits: s.visits,
        overduePrescriptions: s.overduePrescriptions,
        seedSeconds: s.seedSeconds,
        times: times[i],
      })),
      ratioTopToSmall: Object.fromEntries(
        Object.entries(big).map(([k, v]) => [k, round(v.medianMs / Math.max(0.1, small[k]!.medianMs), 2)]),
      ),
      cpuRatioTopToSmall: Object.fromEntries(
        Object.entries(big).map(([k, v]) => [k, round(v.cpuMedianMs / Math.max(0.1, small[k]!.cpuMedianMs), 2)]),
      ),
    };
    // Each backend's figures as soon as they are known (a long run stopped halfway keeps them).
    console.error(JSON.stringify({ [backend]: result[backend] }));
  } finally {
    for (const s of sets) await s.close();
    pg?.stop();
  }
}
console.log(JSON.stringify(result, null, 2));
