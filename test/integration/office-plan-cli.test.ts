/**
 * `vigilanza office demo` and `vigilanza office plan` on real office folders (SQLite and
 * PostgreSQL): the demo fills a new folder, all of it marked demo and nothing of it on the change
 * feed; the plan proposes one visit per structure still due this semester (Reg. zonale art. 17 c.1)
 * with an Art. 15 commission, saves nothing, leaves out what is already planned, and refuses bad
 * arguments with an Italian message and exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isoToday, systemClock } from '../../host/clock.ts';
import { italianHolidayName } from '../../office/holidays.ts';
import { openStore } from '../../office/server.ts';
import { PlanningStore } from '../../office/storage/planning.ts';
import { addDays, compareDates } from '../../shared/dates.ts';
import { commissionMissing, halfDays, weekday, type Person } from '../../shared/planning.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { vigilanza } from '../helpers/cli.ts';
import { BACKENDS, databaseFor, stopPostgres } from '../helpers/office-fixtures.ts';

const ZONA = getTerritory('zona-fse')!;
after(() => stopPostgres());

interface JsonPlan {
  territory: string;
  from: string;
  to: string;
  schedule: string;
  visits: Array<{
    serviceId: string;
    serviceName: string;
    comune: string;
    purpose: string;
    date: string;
    startTime: string;
    endTime: string;
    reason: string;
    duePeriod: { from: string; to: string };
    commission: Array<{ id: string; name: string; role: Person['role']; comune: string | null }>;
    conflicts: unknown[];
  }>;
  unplanned: Array<{ serviceId: string; why: string }>;
}

const today = isoToday(systemClock);
const semesterEnd = `${today.slice(0, 4)}-${Number(today.slice(5, 7)) <= 6 ? '06-30' : '12-31'}`;
const semesterStart = `${today.slice(0, 4)}-${Number(today.slice(5, 7)) <= 6 ? '01-01' : '07-01'}`;

const results = new Map<string, JsonPlan>();

for (const backend of BACKENDS) {
  describe(`vigilanza office demo and plan, ${backend}`, () => {
    test('demo fills a new folder, all marked demo; plan proposes the due visits and saves nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigilanza-plan-cli-'));
      const url = await databaseFor(backend);
      const db = url ? ['--database', url] : [];
      try {
        const seeded = vigilanza(['office', 'demo', '--data', dir, ...db]);
        assert.equal(seeded.status, 0, seeded.stderr);
        assert.match(
          seeded.stdout,
          /^Dati dimostrativi creati: 10 servizi, 12 persone, \d+ visite dell'ultimo anno \(tutti marcati DEMO\)\.\n$/,
        );
        const again = vigilanza(['office', 'demo', '--data', dir, ...db]);
        assert.equal(again.status, 2);
        assert.match(again.stderr, /--data: la cartella ha già dati d’ufficio/);

        const run = vigilanza(['office', 'plan', '--data', dir, ...db, '--from', today, '--to', semesterEnd, '--json']);
        assert.equal(run.status, 0, run.stderr);
        const plan = JSON.parse(run.stdout) as JsonPlan;
        results.set(backend, plan);
        assert.equal(plan.schedule, "due all'anno, una per semestre (Reg. zonale art. 17 c.1)");

        const store = await openStore(dir, url);
        try {
          const planning = new PlanningStore(store.db, ZONA);
          const services = await store.listServices();
          const people = new Map((await planning.listPeople()).map((p) => [p.id, p]));
          // All demo: services, people, the visits' files; no service went on the laptops' feed.
          assert.ok(services.every((s) => s.demo));
          assert.ok([...people.values()].every((p) => p.demo));
          const revisions = await store.allRevisionSummaries();
          assert.ok(revisions.length >= 10);
          for (const r of revisions)
            assert.equal(((await store.getRevision(r.inspectionId, r.revision))!.file as { demo?: unknown }).demo, true);
          const inspector = (await store.listInspectors())[0]!;
          const feed = await store.changesSince(0, inspector.id, 1000);
          assert.deepEqual(
            feed.changes.filter((c) => c.kind === 'service'),
            [],
          );

          // Art. 17 c.1: every bound structure without a visit this semester is proposed (or says why not), no other.
          const visited = new Set((await store.latestVisitsBetween(semesterStart, today)).map((v) => v.serviceId));
          const owing = services.filter((s) => (s.authorizationIssuedOn || s.accreditationIssuedOn) && !visited.has(s.id)).map((s) => s.id);
          assert.ok(owing.length >= 3, `dovute: ${owing.length}`);
          assert.deepEqual([...plan.visits.map((v) => v.serviceId), ...plan.unplanned.map((u) => u.serviceId)].sort(), owing.sort());
          const slots = new Set<string>();
          for (const v of plan.visits) {
            assert.equal(v.reason, 'due');
            assert.equal(v.purpose, 'verifica_periodica');
            assert.deepEqual(v.duePeriod, { from: semesterStart, to: semesterEnd });
            assert.ok(compareDates(v.date, today) >= 0 && compareDates(v.date, semesterEnd) <= 0, v.date);
            assert.ok(weekday(v.date) !== 0 && !italianHolidayName(v.date), v.date);
            // Art. 15 c.1: pedagogista, the service's Comune's referent, another Comune's referent.
            const service = services.find((s) => s.id === v.serviceId)!;
            assert.deepEqual(
              commissionMissing(
                ZONA,
                service,
                v.commission.map((m) => people.get(m.id)!),
              ),
              [],
            );
            for (const m of v.commission)
              for (const h of halfDays(v.startTime, v.endTime)) {
                assert.ok(!slots.has(`${m.id} ${v.date} ${h}`), `${m.name} due volte il ${v.date}`);
                slots.add(`${m.id} ${v.date} ${h}`);
              }
          }
          // Nothing was saved.
          assert.deepEqual(await planning.listPlannedVisits('0000-01-01', '9999-12-31'), []);

          // A visit the clerk accepted covers its structure's semester and books its members.
          const first = plan.visits[0]!;
          await planning.savePlannedVisit(
            {
              serviceId: first.serviceId,
              purpose: 'verifica_periodica',
              date: first.date,
              startTime: first.startTime,
              endTime: first.endTime,
              memberIds: first.commission.map((m) => m.id),
              reason: 'due',
              status: 'accepted',
            },
            { clerkId: null, name: 'test' },
          );
          const next = JSON.parse(
            vigilanza(['office', 'plan', '--data', dir, ...db, '--from', today, '--to', semesterEnd, '--json']).stdout,
          ) as JsonPlan;
          assert.ok(!next.visits.some((v) => v.serviceId === first.serviceId));
          assert.equal(next.visits.length, plan.visits.length - 1);
          for (const v of next.visits.filter((x) => x.date === first.date))
            assert.ok(!v.commission.some((m) => first.commission.some((f) => f.id === m.id)), 'membro impegnato due volte');
        } finally {
          await store.close();
        }

        const text = vigilanza(['office', 'plan', '--data', dir, ...db, '--from', today, '--to', semesterEnd]);
        assert.equal(text.status, 0, text.stderr);
        assert.match(
          text.stdout,
          /^Piano delle visite proposto dal \d\d\/\d\d\/\d{4} al \d\d\/\d\d\/\d{4} — Zona Fiorentina Sud-Est\nRegola: due all'anno, una per semestre \(Reg\. zonale art\. 17 c\.1\)\n/,
        );
        assert.match(text.stdout, /Commissione: [^\n]*\(pedagogista zonale\)[^\n]*\(referente tecnico del Comune, /);
        assert.match(text.stdout, /Niente è stato salvato\.\n$/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

test('the same demo proposes the same visits on both engines', () => {
  const shape = (p: JsonPlan | undefined) => p?.visits.map((v) => [v.serviceName, v.date, v.startTime, v.commission.map((m) => m.name)]);
  assert.ok(results.get('sqlite'));
  assert.deepEqual(shape(results.get('postgres')), shape(results.get('sqlite')));
});

describe('vigilanza office plan: bad arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-plan-args-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cases: Array<[string, string[], RegExp]> = [
    ['senza --to', ['--data', dir, '--from', '2026-09-01'], /^vigilanza: --to: serve una data \(aaaa-mm-gg oppure gg\/mm\/aaaa\)/],
    [
      'data inesistente',
      ['--data', dir, '--from', '31/02/2026', '--to', '2026-06-30'],
      /^vigilanza: --from: la data 31\/02\/2026 non esiste/,
    ],
    [
      'fine prima dell’inizio',
      ['--data', dir, '--from', '2026-12-31', '--to', '01/09/2026'],
      /^vigilanza: --to: la data di inizio \(31\/12\/2026\) è successiva a quella di fine \(01\/09\/2026\)/,
    ],
    ['più di un anno', ['--data', dir, '--from', '2026-01-01', '--to', '2027-06-30'], /^vigilanza: --to: il periodo supera 366 giorni/],
    ['senza --data', ['--from', '2026-09-01', '--to', '2026-12-31'], /^vigilanza: --data: serve la cartella dei dati/],
    ['opzione sconosciuta', ['--data', dir, '--from', '2026-09-01', '--to', '2026-12-31', '--salva'], /--salva/],
  ];
  for (const [name, args, message] of cases)
    test(name, () => {
      const r = vigilanza(['office', 'plan', ...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  test('an empty office: nothing is due', () => {
    const r = vigilanza(['office', 'plan', '--data', dir, '--from', '2026-09-01', '--to', addDays('2026-09-01', 120)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Nessuna visita dovuta nel periodo\./);
  });
  test("plan applies the territory the office recorded (a Lucca office plans with Lucca's schedule, not the Zona's)", async () => {
    const lucca = mkdtempSync(join(tmpdir(), 'vigilanza-plan-lucca-'));
    try {
      const store = await openStore(lucca);
      await store.settleTerritory('lucca', 'zona-fse');
      await store.close();
      const r = vigilanza(['office', 'plan', '--data', lucca, '--from', '2026-09-01', '--to', '2026-12-31', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as JsonPlan;
      assert.equal(plan.territory, 'lucca');
      const { schedule } = getTerritory('lucca')!;
      assert.equal(plan.schedule, `${schedule.label} (${schedule.article})`);
    } finally {
      rmSync(lucca, { recursive: true, force: true });
    }
  });
});
