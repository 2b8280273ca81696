/**
 * Office at scale (issue 16): every office page and export, the change feed and a push, timed at
 * 2,000 and 200,000 revisions, on SQLite and PostgreSQL. The data is seeded through the store's own
 * API (`test/helpers/office-seed.ts`: saveService, putRevision, takeInReview/decide, 1,000 calls per
 * transaction), 1,000 services, visits over ten years. The server runs in this process on
 * 127.0.0.1; each request is timed over HTTP, warm (one run first), median of RUNS.
 * Env: BENCH_OFFICE_TOP (default 200000) for a quicker top size, BENCH_OFFICE_PG=0 to skip
 * PostgreSQL, BENCH_OFFICE_SERVICES (default 1000). Prints one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
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
const RUNS = 7;
const PUSHES = 40;
const PASSWORD = 'una-password-lunga-per-il-banco';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function measure(backend: 'sqlite' | 'postgres', revisions: number, databaseUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `vigilanza-scale-${backend}-`));
  const server = await createOfficeServer({ dataDir, databaseUrl, today: () => TODAY });
  const url = await server.listen(0);
  try {
    const store = server.store;
    const t0 = performance.now();
    const seeded = await seedOffice(store, { revisions, services: SERVICES, today: TODAY });
    const seedSeconds = (performance.now() - t0) / 1000;
    await store.createClerk('Ufficio Banco', await hashPassword(PASSWORD));
    const clerk = new Clerk(url);
    await clerk.login('Ufficio Banco', PASSWORD);
    const token = newDeviceToken();
    await store.addDevice(seeded.inspectorIds[0]!, sha256Text(token), 'banco');
    const service = (await store.listServices())[0]!;
    const overdue = await store.countOverduePrescriptions(TODAY);
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
    const targets: Array<[string, () => Promise<number>]> = [
      ['coda (ricevute)', () => page('/coda')],
      ['coda (validate)', () => page('/coda?scheda=validate')],
      ['ispezione', () => page('/ispezioni/seme-0/1')],
      ['servizi', () => page('/servizi')],
      ['servizio', () => page(`/servizi/${service.id}`)],
      ['portatili', () => page('/portatili')],
      ['cruscotto', () => page('/cruscotto')],
      ['cruscotto: ispezioni dovute, pagina 1', () => page('/cruscotto?elenco=dovute&pagina=1')],
      ['cruscotto: prescrizioni, pagina 1', () => page('/cruscotto?elenco=prescrizioni&pagina=1')],
      [`cruscotto: prescrizioni, ultima pagina`, () => page(`/cruscotto?elenco=prescrizioni&pagina=${lastPage}`)],
      ['CSV ispezioni dovute', () => page('/export/ispezioni-dovute.csv')],
      ['CSV atti in scadenza', () => page('/export/atti-in-scadenza.csv')],
      ['CSV prescrizioni scadute', () => page('/export/prescrizioni-scadute.csv')],
      ['change feed from 0 (200 entries)', () => api('/api/v1/changes?cursor=0&limit=200')],
      ['change feed, last 200', () => api(`/api/v1/changes?cursor=${Math.max(0, feedTop - 200)}&limit=200`)],
    ];
    const times: Record<string, { ms: number; bytes: number }> = {};
    for (const [name, run] of targets) {
      const bytes = await run();
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await run();
        xs.push(performance.now() - s);
      }
      times[name] = { ms: round(median(xs)), bytes };
    }
    // One laptop pushing into the full database (sequential: the latency of a push, not throughput).
    const client = new SyncClient({ baseUrl: url, token });
    const pushes: number[] = [];
    for (let i = 0; i < PUSHES + 5; i++) {
      const f = sampleFile(i, { note: `banco ${i}` });
      const s = performance.now();
      const r = await client.pushInspection({ id: `banco-${i}`, revision: 1, file: f, contentHash: contentHash(f) });
      if (i >= 5) pushes.push(performance.now() - s);
      if (r.status !== 'created') throw new Error(`push: ${JSON.stringify(r)}`);
    }
    times['push (one laptop)'] = { ms: round(median(pushes)), bytes: 0 };
    return { revisions: seeded.revisions, visits: seeded.visits, overduePrescriptions: overdue, seedSeconds: round(seedSeconds), times };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const result: Record<string, unknown> = { machine, today: TODAY, services: SERVICES };
const ratios = (small: Awaited<ReturnType<typeof measure>>, big: Awaited<ReturnType<typeof measure>>) =>
  Object.fromEntries(Object.entries(big.times).map(([k, v]) => [k, round(v.ms / Math.max(0.1, small.times[k]!.ms), 2)]));
for (const backend of ['sqlite', 'postgres'] as const) {
  if (backend === 'postgres' && process.env.BENCH_OFFICE_PG === '0') continue;
  const pg = backend === 'postgres' ? await startPostgres() : null;
  try {
    const runs = [];
    for (const [i, n] of SIZES.entries()) runs.push(await measure(backend, n, pg?.createDatabase(`scale_${i}`)));
    result[backend] = { runs, ratioTopToSmall: ratios(runs[0]!, runs[runs.length - 1]!) };
    console.error(`${backend}: done`);
  } finally {
    pg?.stop();
  }
}
console.log(JSON.stringify(result, null, 2));
