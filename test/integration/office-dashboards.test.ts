/**
 * The dashboards computed from the summaries (migration 5, issue 16) answer exactly what the
 * in-memory computation over every revision answered before, on a varied seeded dataset, on
 * both engines; an old database gets its summaries from the migration; the cruscotto page shows
 * counts and at most a page of rows, with paging.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Service } from '../../shared/api/contract.ts';
import { compareDates, daysBetween } from '../../shared/dates.ts';
import { RULE_SETS, serviceInspectionsDue, type RuleSet } from '../../shared/rules/index.ts';
import { hashPassword } from '../../office/security.ts';
import { inspectionsDueReport, overduePrescriptionsReport, DASHBOARD_ROWS, LIST_ROWS } from '../../office/review/dashboards.ts';
import { openPostgres, openSqlite, type Db } from '../../office/storage/db.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { OfficeStore, type RevisionSummary } from '../../office/storage/store.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, databaseFor, startOffice, stopPostgres, type Backend } from '../helpers/office-fixtures.ts';
import { seedOffice } from '../helpers/office-seed.ts';

const TODAY = '2026-11-20';
const rs = RULE_SETS.get('zona-fse@1')!;

// ---- the computation before issue 16, kept as the reference ----
const norm = (s: string | null | undefined) => (s ?? '').trim().toLocaleLowerCase('it');
function inspectionsOf(service: Service, revisions: RevisionSummary[]): RevisionSummary[] {
  const latest = new Map<string, RevisionSummary>();
  for (const r of revisions) {
    const matches = r.serviceId
      ? r.serviceId === service.id
      : norm(r.serviceName) === norm(service.name) && (!r.comune || norm(r.comune) === norm(service.comune));
    if (!matches) continue;
    const prev = latest.get(r.inspectionId);
    if (!prev || prev.revision < r.revision) latest.set(r.inspectionId, r);
  }
  return [...latest.values()];
}
async function oldDue(store: OfficeStore, ruleSet: RuleSet, today: string) {
  const [services, revisions] = await Promise.all([store.listServices(), store.allRevisionSummaries()]);
  return services
    .map((service) => ({
      service,
      due: serviceInspectionsDue(
        ruleSet,
        service,
        inspectionsOf(service, revisions).map((r) => r.visitDate),
        today,
      ),
    }))
    .filter(({ due }) => due.bound)
    .map(({ service, due }) => ({
      service,
      lastVisit: due.lastVisit,
      periods: due.periods,
      nextDueBy: due.nextDueBy,
      overdue: due.overdue,
    }))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        compareDates(a.nextDueBy ?? '9999-12-31', b.nextDueBy ?? '9999-12-31') ||
        a.service.name.localeCompare(b.service.name, 'it'),
    );
}
async function oldOverdue(store: OfficeStore, today: string) {
  const [prescriptions, revisions] = await Promise.all([store.latestPrescriptions(), store.allRevisionSummaries()]);
  return prescriptions
    .filter((p) => compareDates(p.deadline, today) < 0)
    .map((p) => {
      const followUp = revisions
        .filter(
          (r) =>
            r.inspectionId !== p.inspectionId &&
            (p.serviceId ? r.serviceId === p.serviceId : norm(r.serviceName) === norm(p.serviceName)) &&
            compareDates(r.visitDate, p.deadline) >= 0,
        )
        .map((r) => r.visitDate)
        .sort()[0];
      return {
        inspectionId: p.inspectionId,
        revision: p.revision,
        serviceName: p.serviceName,
        comune: p.comune,
        visitDate: p.visitDate,
        rule: p.rule,
        text: p.text,
        deadline: p.deadline,
        daysLate: daysBetween(p.deadline, today),
        followUpDate: followUp ?? null,
      };
    });
}

async function open(backend: Backend, dir: string): Promise<Db> {
  const url = await databaseFor(backend);
  return url ? openPostgres(url) : openSqlite(dir);
}

after(() => stopPostgres());

for (const backend of BACKENDS) {
  describe(`office dashboards from the summaries, ${backend}`, () => {
    test('equal to the computation over every revision, on a varied dataset', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigilanza-dash-'));
      const store = await OfficeStore.open(await open(backend, dir));
      try {
        const seeded = await seedOffice(store, { revisions: 900, services: 30, today: TODAY, unlinkedShare: 0.08, batch: 200 });
        assert.equal(seeded.revisions, 900);
        // A visit whose revision 2 arrives before revision 1: the summaries keep revision 2 (no prescription).
        const service = (await store.listServices())[0]!;
        const putOutOfOrder = (revision: number, prescriptions: Array<{ rule: string; text: string; deadline: string }>) =>
          store.putRevision({
            inspectionId: 'fuori-ordine',
            revision,
            contentHash: `c${revision}`,
            bundleHash: `b${revision}`,
            file: {},
            serviceId: service.id,
            serviceName: service.name,
            comune: service.comune,
            visitDate: revision === 2 ? '2026-02-10' : '2026-02-01',
            purpose: 'verifica_periodica',
            ...seeded.devices[0]!,
            attachments: [],
            prescriptions,
          });
        assert.equal(await putOutOfOrder(2, []), 'created');
        assert.equal(
          await putOutOfOrder(1, [{ rule: 'training.fire', text: 'Solo nella revisione 1', deadline: '2026-03-01' }]),
          'created',
        );
        for (const today of [TODAY, '2026-03-01', '2021-06-30']) {
          const due = await inspectionsDueReport(store, rs, today);
          assert.deepEqual(due, await oldDue(store, rs, today), `ispezioni dovute al ${today}`);
          const late = await overduePrescriptionsReport(store, today);
          assert.deepEqual(late, await oldOverdue(store, today), `prescrizioni scadute al ${today}`);
          if (today === TODAY) {
            assert.ok(due.length > 10 && due.some((d) => d.overdue) && due.some((d) => !d.overdue), 'a varied answer');
            assert.ok(late.length > 50, `enough overdue prescriptions (${late.length})`);
            assert.ok(!late.some((p) => p.text === 'Solo nella revisione 1'), 'a late lower revision does not replace the latest');
            assert.ok(late.some((p) => p.followUpDate) && late.some((p) => !p.followUpDate), 'with and without a follow-up');
            assert.equal(await store.countOverduePrescriptions(today), late.length);
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, offset: 20 }), late.slice(20, 27));
          }
        }
        const unlinked = await store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM latest_revisions WHERE service_id IS NULL');
        assert.ok(Number(unlinked!.n) > 5, 'visits not linked to the registry are part of the dataset');
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('an old database (version 4) gets its summaries from migration 5', async () => {
      const dirA = mkdtempSync(join(tmpdir(), 'vigilanza-dash-a-'));
      const dirB = mkdtempSync(join(tmpdir(), 'vigilanza-dash-b-'));
      const fresh = await OfficeStore.open(await open(backend, dirA));
      const oldDb = await open(backend, dirB);
      try {
        await seedOffice(fresh, { revisions: 300, services: 12, today: TODAY, unlinkedShare: 0.1, batch: 300 });
        await migrate(oldDb, MIGRATIONS.slice(0, 4));
        // The same rows as a version-4 server wrote them (no service_key, no summaries).
        const copy = async (table: string, columns: string[]) => {
          for (const row of await fresh.db.all<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM ${table}`))
            await oldDb.run(
              `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
              columns.map((c) => row[c]),
            );
        };
        await copy('inspectors', ['id', 'name', 'created_at']);
        await copy('services', ['id', 'name', 'data', 'created_at', 'updated_at']);
        await copy('revisions', [
          'inspection_id',
          'revision',
          'content_hash',
          'bundle_hash',
          'file',
          'service_id',
          'service_name',
          'comune',
          'visit_date',
          'purpose',
          'inspector_id',
          'device_id',
          'received_at',
          'review_status',
        ]);
        await copy('prescriptions', ['inspection_id', 'revision', 'position', 'rule', 'text', 'deadline']);
        assert.deepEqual(await migrate(oldDb, MIGRATIONS.slice(0, 5)), [5]);
        const migrated = new OfficeStore(oldDb);
        assert.deepEqual(await inspectionsDueReport(migrated, rs, TODAY), await inspectionsDueReport(fresh, rs, TODAY));
        assert.deepEqual(await overduePrescriptionsReport(migrated, TODAY), await overduePrescriptionsReport(fresh, TODAY));
        assert.deepEqual(await overduePrescriptionsReport(migrated, TODAY), await oldOverdue(migrated, TODAY));
      } finally {
        await fresh.close();
        await oldDb.close();
        rmSync(dirA, { recursive: true, force: true });
        rmSync(dirB, { recursive: true, force: true });
      }
    });
  });
}

describe('the cruscotto page', () => {
  test('counts and at most a page of rows, «mostra tutti» paging, a clear 400 for a bad page', async () => {
    const office = await startOffice('sqlite', { today: () => TODAY });
    try {
      await office.server.store.createClerk('Ufficio Zona', await hashPassword('una-password-lunga'));
      await seedOffice(office.server.store, { revisions: 700, services: 60, today: TODAY, batch: 700 });
      const clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', 'una-password-lunga');
      const late = await overduePrescriptionsReport(office.server.store, TODAY);
      const due = await inspectionsDueReport(office.server.store, rs, TODAY);
      assert.ok(late.length > LIST_ROWS && due.length > DASHBOARD_ROWS, 'more rows than a page shows');

      const rowsIn = (page: string, section: string) => {
        const m = new RegExp(`data-testid="${section}"[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(page);
        return m ? (m[1]!.match(/<tr>/g) ?? []).length : 0;
      };
      const page = await clerk.page('/cruscotto');
      assert.match(page, new RegExp(`${late.length} prescrizioni scadute`));
      assert.match(page, new RegExp(`${due.length} strutture`));
      assert.equal(rowsIn(page, 'prescrizioni'), DASHBOARD_ROWS);
      assert.equal(rowsIn(page, 'dovute'), DASHBOARD_ROWS);
      assert.match(page, /href="\/cruscotto\?elenco=prescrizioni&amp;pagina=1"[^>]*>Mostra tutte/);

      const pages = Math.ceil(late.length / LIST_ROWS);
      const first = await clerk.page('/cruscotto?elenco=prescrizioni&pagina=1');
      assert.equal(rowsIn(first, 'prescrizioni'), LIST_ROWS);
      assert.match(first, new RegExp(`Pagina 1 di ${pages}`));
      assert.doesNotMatch(first, /data-testid="dovute"/, 'one list at a time');
      const last = await clerk.page(`/cruscotto?elenco=prescrizioni&pagina=${pages}`);
      assert.equal(rowsIn(last, 'prescrizioni'), late.length - (pages - 1) * LIST_ROWS);
      assert.ok(last.includes(late.at(-1)!.text), 'the last page ends with the last prescription');
      assert.ok(Buffer.byteLength(first) < 200_000, `a page stays small (${Buffer.byteLength(first)} byte)`);

      for (const [query, message] of [
        ['elenco=prescrizioni&pagina=0', /pagina/],
        ['elenco=prescrizioni&pagina=abc', /pagina/],
        [`elenco=prescrizioni&pagina=${pages + 1}`, new RegExp(`${pages} pagine`)],
        ['elenco=altro&pagina=1', /elenco/],
      ] as const) {
        const r = await fetch(`${office.url}/cruscotto?${query}`, { headers: { cookie: clerk.cookieHeader() } });
        assert.equal(r.status, 400, query);
        assert.match(await r.text(), message, query);
      }
    } finally {
      await office.close();
    }
  });
});
