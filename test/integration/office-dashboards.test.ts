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
import { consequenceText } from '../../shared/follow-up.ts';
import { RULE_SETS, serviceInspectionsDue, type RuleSet } from '../../shared/rules/index.ts';
import { hashPassword } from '../../office/security.ts';
import {
  inspectionsDueReport,
  overduePrescriptionsCsv,
  overduePrescriptionsReport,
  DASHBOARD_ROWS,
  LIST_ROWS,
  OVERDUE_CSV_HEADER,
} from '../../office/review/dashboards.ts';
import { toCsv } from '../../office/review/csv.ts';
import { openPostgres, openSqlite, type Db } from '../../office/storage/db.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { OfficeStore, type PrescriptionVerification, type RevisionSummary } from '../../office/storage/store.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, databaseFor, startOffice, stopPostgres, type Backend } from '../helpers/office-fixtures.ts';
import { seedOffice } from '../helpers/office-seed.ts';

const TODAY = '2026-11-20';
const AWKWARD = [
  { rule: 'training.fire', text: 'riga 1\nriga 2; "virgolette"', deadline: '2025-02-01' },
  { rule: 'staffing.ratio', text: '+39 055 000', deadline: '2025-02-01' },
  { rule: 'A.area_esterna.recintata_esclusiva', text: '\tcon tab e spazio finale ', deadline: '2025-02-02' },
  { rule: 'training.fire', text: '-rimuovere @subito perché è così', deadline: '2025-02-03' },
];
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
      // What the report keeps of a period (the visits in it are not shown by the office's lists).
      periods: due.periods.map((p) => ({ from: p.from, to: p.to, status: p.status })),
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
/** The latest verification of each prescription (migration 14), visit by visit: a complied one is not overdue. */
async function latestVerifications(store: OfficeStore): Promise<Map<string, PrescriptionVerification>> {
  const verified = new Map<string, PrescriptionVerification>();
  for (const id of new Set((await store.latestPrescriptions()).map((p) => p.inspectionId)))
    for (const [position, v] of await store.verificationsOf(id)) verified.set(`${id}#${position}`, v);
  return verified;
}
async function oldOverdue(store: OfficeStore, today: string) {
  const [prescriptions, revisions] = await Promise.all([store.latestPrescriptions(), store.allRevisionSummaries()]);
  const verified = await latestVerifications(store);
  return prescriptions
    .filter((p) => compareDates(p.deadline, today) < 0 && verified.get(`${p.inspectionId}#${p.position}`)?.outcome !== 'complied')
    .map((p) => {
      const verification = verified.get(`${p.inspectionId}#${p.position}`);
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
        position: p.position,
        revision: p.revision,
        serviceName: p.serviceName,
        comune: p.comune,
        visitDate: p.visitDate,
        rule: p.rule,
        text: p.text,
        deadline: p.deadline,
        daysLate: daysBetween(p.deadline, today),
        followUpDate: followUp ?? null,
        notComplied: verification?.outcome === 'not_complied' ? verification.consequence : null,
      };
    });
}

/** The export as the route wrote it before (the reference rows through `toCsv`, one object per row). */
async function oldOverdueCsv(store: OfficeStore, today: string, label: (rule: string) => string) {
  // The act's protocol registration, if any: the revision's latest one.
  const protocols = new Map((await store.allRevisionSummaries()).map((r) => [`${r.inspectionId}#${r.revision}`, r.protocol]));
  const verified = await latestVerifications(store);
  return toCsv(
    OVERDUE_CSV_HEADER,
    (await oldOverdue(store, today)).map((r) => [
      r.serviceName,
      r.comune,
      r.visitDate,
      r.revision,
      label(r.rule),
      r.text,
      r.deadline,
      r.daysLate,
      r.followUpDate,
      // Worded here as the page words it (Italian, the consequence's article).
      verified.get(`${r.inspectionId}#${r.position}`)?.outcome === 'not_complied'
        ? r.notComplied
          ? `non ottemperata — ${consequenceText(r.notComplied)}`
          : 'non ottemperata'
        : '',
      protocols.get(`${r.inspectionId}#${r.revision}`)?.number,
      protocols.get(`${r.inspectionId}#${r.revision}`)?.date,
      r.inspectionId,
    ]),
  );
}
const label = (rule: string) => (rule === 'training.fire' ? 'Formazione antincendio' : `=voce ${rule}`);

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
        // Texts a spreadsheet must not misread (separators, quotes, line ends, formulas, outer spaces),
        // on a visit not linked to the registry whose follow-up is found by its folded name.
        const putUnlinked = (inspectionId: string, serviceName: string, visitDate: string, prescriptions: typeof AWKWARD) =>
          store.putRevision({
            inspectionId,
            revision: 1,
            contentHash: `c-${inspectionId}`,
            bundleHash: `b-${inspectionId}`,
            file: {},
            serviceId: null,
            serviceName,
            comune: '=Città',
            visitDate,
            purpose: 'verifica_periodica',
            ...seeded.devices[0]!,
            attachments: [],
            prescriptions,
          });
        assert.equal(await putUnlinked('testi-difficili', ' Nido "Il Sole"; sede 2 ', '2025-01-10', AWKWARD), 'created');
        assert.equal(await putUnlinked('testi-difficili-dopo', 'NIDO "IL SOLE"; SEDE 2', '2025-06-01', []), 'created');
        // Later visits that verified overdue prescriptions (migration 14): the latest verification
        // counts (by visit date, then by the verifying visit's id), a complied one leaves the list,
        // a «non ottemperata» one is in it with its consequence, or without one.
        const overdue = (await store.overduePrescriptions(TODAY)).filter((p) => p.serviceId);
        const verify = (
          by: string,
          visitDate: string,
          p: (typeof overdue)[number],
          outcome: 'complied' | 'not_complied',
          article?: string,
        ) =>
          store.putRevision({
            inspectionId: by,
            revision: 1,
            contentHash: `c-${by}`,
            bundleHash: `b-${by}`,
            file: {
              verifications: [
                {
                  prescription: {
                    visitId: p.inspectionId,
                    visitDate: p.visitDate,
                    position: p.position,
                    rule: p.rule,
                    text: p.text,
                    deadline: p.deadline,
                  },
                  outcome,
                  ...(article ? { consequence: { act: "sospensione dell'autorizzazione al funzionamento", article } } : {}),
                },
              ],
            },
            serviceId: p.serviceId,
            serviceName: p.serviceName,
            comune: p.comune,
            visitDate,
            purpose: 'verifica_periodica',
            ...seeded.devices[0]!,
            attachments: [],
            prescriptions: [],
          });
        const [v1, v2, v3, v4] = overdue;
        for (const [by, date, p, outcome, article] of [
          ['verifica-1a', '2026-10-01', v1, 'not_complied', 'Reg. zonale art. 11 c.2'],
          ['verifica-1b', '2026-10-02', v1, 'complied'],
          ['verifica-2a', '2026-10-01', v2, 'complied'],
          ['verifica-2b', '2026-10-02', v2, 'not_complied', 'Reg. zonale art. 11 c.3 lett. a'],
          ['verifica-3a', '2026-10-05', v3, 'complied'],
          ['verifica-3b', '2026-10-05', v3, 'not_complied'],
          ['verifica-4b', '2026-10-05', v4, 'complied'],
          ['verifica-4a', '2026-10-05', v4, 'not_complied', 'Reg. zonale art. 11 c.2'],
        ] as const)
          assert.equal(await verify(by, date, p!, outcome, article), 'created', by);
        // Acts at the protocol: the latest registration of the prescription's revision counts.
        const clerk = await store.createClerk('Ufficio Protocollo', 'x');
        const registered = overdue.slice(4).filter((p) => !overdue.slice(0, 4).some((q) => q.inspectionId === p.inspectionId));
        let registrations = 0;
        for (const p of registered) {
          if (!(await store.takeInReview(p.inspectionId, p.revision, clerk.id))) continue;
          await store.decide(p.inspectionId, p.revision, 'validated', null, clerk.id);
          for (const number of ['2026/0000001', `2026/00${registrations + 10}`])
            await store.registerProtocol({
              inspectionId: p.inspectionId,
              revision: p.revision,
              number,
              date: TODAY,
              today: TODAY,
              clerkId: clerk.id,
            });
          if (++registrations === 3) break;
        }
        assert.equal(registrations, 3, 'three registered revisions');
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
            // By number alone: the start key from the index, then keyset; the last rows, and past the end nothing.
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, offset: 1 }), late.slice(1, 8));
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, offset: late.length - 3 }), late.slice(-3));
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, offset: late.length }), []);
            // Keyset pages: after a row's key, before one, the last rows; walked whole, forwards and backwards.
            const keyOf = (p: (typeof late)[number]) => ({ deadline: p.deadline, inspectionId: p.inspectionId, position: p.position });
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, after: keyOf(late[19]!) }), late.slice(20, 27));
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 7, before: keyOf(late[27]!) }), late.slice(20, 27));
            assert.deepEqual(await overduePrescriptionsReport(store, today, { limit: 5, fromEnd: true }), late.slice(-5));
            const walked: typeof late = [];
            for (let page = await overduePrescriptionsReport(store, today, { limit: 9 }); page.length;) {
              walked.push(...page);
              page = await overduePrescriptionsReport(store, today, { limit: 9, after: keyOf(page.at(-1)!) });
            }
            assert.deepEqual(walked, late, 'forwards by keys');
            const back: typeof late = [];
            for (let page = await overduePrescriptionsReport(store, today, { limit: 9, fromEnd: true }); page.length;) {
              back.unshift(...page);
              page = await overduePrescriptionsReport(store, today, { limit: 9, before: keyOf(page[0]!) });
            }
            assert.deepEqual(back, late, 'backwards by keys');
            const awkward = late.filter((p) => p.inspectionId === 'testi-difficili');
            assert.deepEqual(
              awkward.map((p) => p.followUpDate),
              AWKWARD.map(() => '2025-06-01'),
              'the follow-up of an unlinked visit, by its folded name',
            );
          }
          // The export: the same bytes as the reference rows through toCsv.
          const bytes = await overduePrescriptionsCsv(store, today, label);
          const csv = bytes.toString('utf8');
          assert.equal(csv, await oldOverdueCsv(store, today, label), `CSV al ${today}`);
          // Made in pieces of a few lines each: the same bytes.
          assert.ok(bytes.equals(await overduePrescriptionsCsv(store, today, label, 300)), `CSV a pezzi al ${today}`);
          if (today === TODAY) {
            assert.ok(csv.startsWith(`\uFEFF${OVERDUE_CSV_HEADER.join(';')}\r\n`), 'the Italian header first');
            assert.deepEqual(OVERDUE_CSV_HEADER.slice(0, 3), ['Servizio', 'Comune', 'Data visita']);
            for (const piece of [
              '"riga 1\nriga 2; ""virgolette"""',
              "'+39 055 000",
              `"'\tcon tab e spazio finale "`,
              "'=Città",
              '" Nido ""Il Sole""; sede 2 "',
            ])
              assert.ok(csv.includes(piece), piece);
            // The verified and registered rows as the reference wrote them (not just any line).
            assert.ok(
              !late.some((p) => p.inspectionId === v1!.inspectionId && p.position === v1!.position),
              'complied at the latest: not overdue',
            );
            assert.ok(
              !late.some((p) => p.inspectionId === v4!.inspectionId && p.position === v4!.position),
              'a tie broken by the visit id',
            );
            assert.match(csv, /;non ottemperata — Reg\. zonale art\. 11 c\.3 lett\. a: sospensione dell'autorizzazione al funzionamento;/);
            assert.match(csv, /;non ottemperata;/);
            assert.match(csv, /;2026\/0012;2026-11-20;/);
            assert.doesNotMatch(csv, /2026\/0000001/, 'an earlier registration is not the latest');
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
        // To the latest: the store reads every table (the protocol registrations of migration 9 too).
        assert.deepEqual(
          await migrate(oldDb),
          MIGRATIONS.filter((m) => m.version > 4).map((m) => m.version),
        );
        const migrated = new OfficeStore(oldDb);
        assert.deepEqual(await inspectionsDueReport(migrated, rs, TODAY), await inspectionsDueReport(fresh, rs, TODAY));
        assert.deepEqual(await overduePrescriptionsReport(migrated, TODAY), await overduePrescriptionsReport(fresh, TODAY));
        assert.deepEqual(await overduePrescriptionsReport(migrated, TODAY), await oldOverdue(migrated, TODAY));
        // Migration 6 folds every registry name: a push naming a service in other case and spaces links to it.
        assert.deepEqual(await oldDb.all('SELECT id FROM services WHERE name_key IS NULL'), []);
        const registered = (await migrated.listServices())[0]!;
        const inspector = await migrated.createInspector('Ispettore dopo la migrazione');
        const device = { inspector_id: inspector.id, id: await migrated.addDevice(inspector.id, 'h-migrato', 'portatile') };
        const section = { name: `  ${registered.name.toLocaleUpperCase('it')} `, comune: registered.comune, type: registered.type };
        assert.equal(
          await migrated.putRevision({
            inspectionId: 'dopo-la-migrazione',
            revision: 1,
            contentHash: 'cm',
            bundleHash: 'bm',
            file: { service: section },
            serviceId: null,
            serviceName: section.name,
            comune: section.comune,
            visitDate: '2026-10-01',
            purpose: 'verifica_periodica',
            inspectorId: device.inspector_id,
            deviceId: device.id,
            attachments: [],
            prescriptions: [],
          }),
          'created',
        );
        const linked = await oldDb.get<{ service_id: string }>(
          "SELECT service_id FROM revisions WHERE inspection_id = 'dopo-la-migrazione'",
        );
        assert.equal(linked?.service_id, registered.id, 'linked to the registry entry by its folded name');
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
      await seedOffice(office.server.store, { revisions: 1500, services: 60, today: TODAY, batch: 1500 });
      const clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', 'una-password-lunga');
      const late = await overduePrescriptionsReport(office.server.store, TODAY);
      const due = await inspectionsDueReport(office.server.store, rs, TODAY);
      assert.ok(late.length > 2 * LIST_ROWS && due.length > DASHBOARD_ROWS, 'more rows than a page shows, three pages at least');

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

      // Page to page by the keys of the rows shown (keyset): forwards to the end, then backwards to the start.
      const tbody = (page: string) => /data-testid="prescrizioni"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)![1]!;
      const link = (page: string, label: string) =>
        [...page.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].find((m) => m[2] === label)?.[1]?.replace(/&amp;/g, '&');
      const forward: string[] = [tbody(first)];
      let at = first;
      for (let n = 2; n <= pages; n++) {
        const next = link(at, 'Pagina successiva');
        assert.match(next ?? '', new RegExp(`^/cruscotto\\?elenco=prescrizioni&pagina=${n}&dopo=`), `page ${n}`);
        at = await clerk.page(next!);
        assert.match(at, new RegExp(`Pagina ${n} di ${pages}`));
        forward.push(tbody(at));
      }
      assert.equal(link(at, 'Pagina successiva'), undefined, 'the last page has no next one');
      assert.equal(forward.at(-1), tbody(last), 'the last page by keys is the last page by number');
      const backward: string[] = [tbody(at)];
      for (let n = pages - 1; n >= 1; n--) {
        const prev = link(at, 'Pagina precedente');
        assert.match(prev ?? '', new RegExp(`^/cruscotto\\?elenco=prescrizioni&pagina=${n}&prima=`), `page ${n}`);
        at = await clerk.page(prev!);
        backward.unshift(tbody(at));
      }
      assert.deepEqual(backward, forward, 'the same pages backwards');
      const all = forward.join('');
      assert.equal((all.match(/<tr>/g) ?? []).length, late.length, 'every overdue prescription once');
      const texts = [...all.matchAll(/<tr>(?:<td>[\s\S]*?<\/td>){3}<td>([^<]*)<\/td>/g)].map((m) => m[1]);
      assert.deepEqual(
        texts,
        late.map((p) => p.text),
        'in the order of the list',
      );
      assert.equal(tbody(await clerk.page('/cruscotto?elenco=prescrizioni&pagina=3')), forward[2], 'a page asked for by number alone');
      assert.equal(link(first, 'Ultima pagina'), `/cruscotto?elenco=prescrizioni&pagina=${pages}`);

      for (const [query, message] of [
        ['elenco=prescrizioni&pagina=2&dopo=abc', /dopo: questo indirizzo/],
        ['elenco=prescrizioni&pagina=2&prima=2026-01-01_x_y', /prima: questo indirizzo/],
        ['elenco=dovute&pagina=2&dopo=2026-01-01_0_y', /dopo: vale solo/],
        ['elenco=prescrizioni&pagina=2&dopo=2026-01-01_0_y&prima=2026-01-01_0_y', /una sola/],
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
