/**
 * The two «Agenda» defects of issue 14, with the real office server on 127.0.0.1 and real laptop data
 * folders. (1) A plan fulfilled by laptop A stays on laptop B's agenda «svolta» (the visit's date, how
 * it was linked) and B cannot start it (409, an Italian message); A keeps opening its visit; a plan B
 * had started and A's unplanned visit then fulfilled shows «svolta» on both, B's draft untouched. (2) A
 * follow-up's prescriptions to verify follow the office: the origin visit corrected so that one
 * prescription is dropped, then a verification received («non ottemperata», then corrected to
 * «ottemperata») republish the plan and B's agenda holds the fresh list, while the visit B already
 * started from it keeps the list it started with. Attacks: a laptop outside the commission never
 * receives the plan (not even «svolta»), and a push naming someone else's plan, or a plan of another
 * service, marks nothing.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { HostApp } from '../../host/app.ts';
import { startShellServer, type ShellServer } from '../../host/shell-server.ts';
import { drainOutbox, pullAll } from '../../host/sync/loop.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { onPlannedVisitWritten, PlanningStore, type Actor } from '../../office/storage/planning.ts';
import { ERROR_STATUS } from '../../shared/api/contract.ts';
import { verificationKey } from '../../shared/follow-up.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { laptopDir, openLaptop, YESNO_ITEM } from '../helpers/laptop.ts';
import { BACKENDS, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

function ok<T = any>(app: HostApp, method: string, input: unknown = {}): T {
  const r = app.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** One call through the browser shell's HTTP API, as the page makes it: its status and body. */
function post(s: ShellServer, method: string, input: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', 'x-vigilanza-token': s.token },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(input));
  });
}

const seal = (app: HostApp, id: string) => ok(app, 'inspections.seal', { id, signatures: [], commissionReason: 'prova automatica' });

for (const backend of BACKENDS) {
  describe(`«svolta» plans and fresh prescriptions to verify on the agendas, ${backend}`, () => {
    test('B sees A’s visit «svolta» and cannot start it; corrections and verifications refresh toVerify; outsiders get nothing', async (t) => {
      const office = await startOffice(backend, { today: () => '2026-04-20' });
      const folders: Array<{ dir: string; remove(): void }> = [];
      const apps: HostApp[] = [];
      t.after(async () => {
        for (const a of apps) a.close();
        for (const f of folders) f.remove();
        await office.close();
      });
      const store = office.server.store;
      const planning = new PlanningStore(store.db, getTerritory('zona-fse')!);
      const heard: Array<[string, string]> = [];
      onPlannedVisitWritten(store.db, async (w) => {
        heard.push([w.cause, w.planId]);
      });
      const clerk = await store.createClerk('Ufficio Zona', 'x');
      const actor: Actor = { clerkId: clerk.id, name: 'Ufficio Zona' };

      const chiara = await office.device('Chiara Fantoni', 'portatile di Chiara');
      const luca = await office.device('Luca Neri', 'portatile di Luca');
      const sara = await office.device('Sara Galli', 'portatile di Sara');
      const laptop = (name: string, token: string, inspectorId: string) => {
        const folder = laptopDir();
        folders.push(folder);
        const app = openLaptop(folder.dir, '2026-04-20');
        apps.push(app);
        app.store.outbox.savePairing({ officeUrl: office.url, token, inspectorId, inspectorName: name });
        const client = new SyncClient({ baseUrl: office.url, token, retry: { attempts: 2, baseMs: 5, maxMs: 20 } });
        return { app, pull: () => pullAll(app.store.outbox, client), push: () => drainOutbox(app.store.outbox, client) };
      };
      const A = laptop('Chiara Fantoni', chiara.token, chiara.inspectorId);
      const B = laptop('Luca Neri', luca.token, luca.inspectorId);
      const C = laptop('Sara Galli', sara.token, sara.inspectorId);
      const all = [A, B, C];

      const pesco = await store.saveService({ name: 'Nido Il Pesco', type: 'nido', comune: 'Impruneta', capacity: 30, kitchen: true });
      const tiglio = await store.saveService({ name: 'Nido Il Tiglio', type: 'nido', comune: 'Impruneta', capacity: 24, kitchen: true });
      const pChiara = await planning.savePerson(
        { name: 'Chiara Fantoni', role: 'pedagogista_zonale', email: 'c.fantoni@zona.it', inspectorId: chiara.inspectorId },
        actor,
      );
      const pLuca = await planning.savePerson(
        {
          name: 'Luca Neri',
          role: 'referente_tecnico_comune',
          comune: 'Impruneta',
          email: 'l.neri@impruneta.it',
          inspectorId: luca.inspectorId,
        },
        actor,
      );
      // Sara has a laptop and an account but is on no commission here.
      await planning.savePerson(
        { name: 'Sara Galli', role: 'pedagogista_zonale', email: 's.galli@zona.it', inspectorId: sara.inspectorId },
        actor,
      );
      for (const l of all) await l.pull();

      // ---- laptop A: the visit of 10/03/2026 gives two prescriptions ----
      const v1 = ok(A.app, 'inspections.create', { serviceId: pesco.id, purpose: 'verifica_periodica', date: '2026-03-10' });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: v1.id, itemId: YESNO_ITEM, value: 'no' });
      const first = { rule: YESNO_ITEM, text: 'Esibire il certificato di agibilità', deadline: '2026-04-10' };
      const second = { rule: YESNO_ITEM, text: 'Riparare il cancello del giardino', deadline: '2026-04-15' };
      ok(A.app, 'prescriptions.save', { inspectionId: v1.id, ...first });
      ok(A.app, 'prescriptions.save', { inspectionId: v1.id, ...second });
      const origin: string = seal(A.app, v1.id).inspection.visitId;
      assert.equal((await A.push()).sent, 1);

      // ---- the clerk plans the follow-up F (Chiara and Luca) and a visit P of the other nido ----
      const base = { purpose: 'verifica_periodica' as const, startTime: '09:30', endTime: '12:30', status: 'accepted' as const };
      const F = await planning.savePlannedVisit(
        {
          ...base,
          reason: 'follow_up',
          serviceId: pesco.id,
          date: '2026-05-20',
          memberIds: [pChiara.id, pLuca.id],
          followUpOf: { inspectionId: origin, visitDate: '2026-03-10', positions: [0, 1] },
        },
        actor,
      );
      const P = await planning.savePlannedVisit(
        { ...base, reason: 'due', serviceId: tiglio.id, date: '2026-04-22', memberIds: [pChiara.id, pLuca.id] },
        actor,
      );
      const R = await planning.savePlannedVisit(
        { ...base, reason: 'due', serviceId: tiglio.id, date: '2026-05-05', memberIds: [pChiara.id, pLuca.id] },
        actor,
      );
      const Q = await planning.savePlannedVisit(
        { ...base, reason: 'due', serviceId: tiglio.id, date: '2026-06-10', memberIds: [pChiara.id, pLuca.id] },
        actor,
      );
      for (const l of all) await l.pull();
      const agenda = (l: { app: HostApp }) => ok<any[]>(l.app, 'agenda.list');
      const kept = (l: { app: HostApp }, planId: string) => {
        const row = l.app.store.db.prepare('SELECT plan FROM agenda WHERE plan_id = ?').get(planId) as { plan: string } | undefined;
        return row ? JSON.parse(row.plan) : null;
      };
      const toVerify = (l: { app: HostApp }) =>
        (kept(l, F.id).toVerify ?? []).map((p: any) => [p.position, p.text, p.earlierNotComplied] as const);
      assert.deepEqual(
        agenda(B).map((e) => [e.planId, e.fulfilled]),
        [
          [P.id, null],
          [R.id, null],
          [F.id, null],
          [Q.id, null],
        ],
      );
      assert.deepEqual(toVerify(B), [
        [0, first.text, 0],
        [1, second.text, 0],
      ]);

      // ---- (1) A starts P from the plan, seals and sends it: «svolta» on B, which cannot start it ----
      const pDraft = ok(A.app, 'agenda.start', { planId: P.id });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: pDraft.id, itemId: YESNO_ITEM, value: 'yes' });
      seal(A.app, pDraft.id);
      assert.equal((await A.push()).sent, 1);
      for (const l of all) await l.pull();
      const onB = agenda(B).find((e) => e.planId === P.id);
      assert.deepEqual(
        [onB.fulfilled, onB.inspectionId],
        [{ date: '2026-04-22', how: 'plan', here: false }, null],
        'B: «svolta» on the date of the visit, started from the plan, nothing to open',
      );
      const refused = B.app.dispatch('agenda.start', { planId: P.id });
      assert.ok(!refused.ok, 'B cannot start a plan already done');
      assert.equal(refused.error.code, 'conflict');
      assert.equal(ERROR_STATUS[refused.error.code], 409);
      const shell = await startShellServer({ host: B.app, rendererDir: join(folders[1]!.dir, 'nessuna-pagina') });
      try {
        const http = await post(shell, 'agenda.start', { planId: P.id });
        assert.equal(http.status, 409, 'a 4xx through the browser shell, never a 500');
        assert.equal(http.body.error.message, refused.error.message);
      } finally {
        await shell.close();
      }
      assert.equal(refused.error.field, 'planId');
      assert.equal(
        refused.error.message,
        'la visita pianificata è già stata svolta il 22/04/2026 (avviata dal piano) da un altro portatile della commissione: non si può avviarla di nuovo',
      );
      assert.equal((B.app.store.db.prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n, 0, 'no draft was made on B');
      const onA = agenda(A).find((e) => e.planId === P.id);
      assert.deepEqual([onA.fulfilled, onA.inspectionId], [{ date: '2026-04-22', how: 'plan', here: true }, pDraft.id]);
      assert.equal(ok(A.app, 'agenda.start', { planId: P.id }).id, pDraft.id, 'A keeps opening its visit');
      assert.equal(kept(B, P.id).toVerify, undefined);

      // B started R; A then visits that nido without a plan, the day before: R is done by A's visit.
      const rDraft = ok(B.app, 'agenda.start', { planId: R.id });
      const free = ok(A.app, 'inspections.create', { serviceId: tiglio.id, purpose: 'verifica_periodica', date: '2026-05-04' });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: free.id, itemId: YESNO_ITEM, value: 'yes' });
      seal(A.app, free.id);
      assert.equal((await A.push()).sent, 1);
      for (const l of [A, B]) await l.pull();
      const rOnA = agenda(A).find((e) => e.planId === R.id);
      const rOnB = agenda(B).find((e) => e.planId === R.id);
      assert.deepEqual([rOnA.fulfilled, rOnA.inspectionId], [{ date: '2026-05-04', how: 'matched', here: true }, free.id]);
      assert.deepEqual(
        [rOnB.fulfilled, rOnB.inspectionId],
        [{ date: '2026-05-04', how: 'matched', here: false }, rDraft.id],
        'B: done by another laptop, and B’s own draft still opens',
      );
      assert.equal(ok(B.app, 'agenda.start', { planId: R.id }).id, rDraft.id, 'a visit already started is never touched');

      // ---- (2a) the origin visit corrected: the second prescription dropped → B's list follows ----
      const r2 = ok(A.app, 'inspections.revise', { id: v1.id });
      const dropped = r2.prescriptions.find((p: any) => p.text === second.text);
      assert.ok(dropped, 'the correction starts from the sealed prescriptions');
      ok(A.app, 'prescriptions.remove', { id: dropped.id });
      seal(A.app, r2.id);
      assert.equal((await A.push()).sent, 1);
      await B.pull();
      assert.deepEqual(toVerify(B), [[0, first.text, 0]], 'B holds the corrected list');

      // B starts the follow-up now: its visit keeps this list whatever the office says later.
      const fDraft = ok(B.app, 'agenda.start', { planId: F.id });
      const key = verificationKey(origin, 0);
      assert.deepEqual(
        fDraft.toCheck.map((c: any) => c.key),
        [key],
      );

      // ---- (2b) a verification received: A's unplanned visit of 25/04 finds it «non ottemperata» ----
      const v3 = ok(A.app, 'inspections.create', { serviceId: pesco.id, purpose: 'verifica_periodica', date: '2026-04-25' });
      assert.ok(
        v3.toCheck.some((c: any) => c.key === key),
        'A lists its own prescription past the deadline',
      );
      ok(A.app, 'inspections.saveAnswer', { inspectionId: v3.id, itemId: key, value: 'no', note: 'ancora assente' });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: v3.id, itemId: YESNO_ITEM, value: 'no' });
      seal(A.app, v3.id);
      assert.equal((await A.push()).sent, 1);
      await B.pull();
      assert.deepEqual(toVerify(B), [[0, first.text, 1]], 'B: one «non ottemperata» before, the step of the consequence');
      assert.deepEqual(kept(B, F.id).fulfilled, undefined, 'a visit dated 25 days away does not fulfil the plan');

      // The visit corrected to «ottemperata»: nothing is left to verify, and B's agenda says so.
      const v3r = ok(A.app, 'inspections.revise', { id: v3.id });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: v3r.id, itemId: key, value: 'yes' });
      seal(A.app, v3r.id);
      assert.equal((await A.push()).sent, 1);
      await B.pull();
      assert.deepEqual(toVerify(B), [], 'complied with: no prescription left to verify');
      assert.deepEqual(
        ok(B.app, 'inspections.get', { id: fDraft.id }).toCheck.map((c: any) => c.key),
        [key],
        'the visit B started from the plan keeps what it started with',
      );
      const causes = heard.filter(([, id]) => id === F.id).map(([c]) => c);
      assert.deepEqual(causes, ['saved', 'prescriptions', 'prescriptions', 'prescriptions']);
      // A push that changes nothing of the list (A's visit of P, already in) republishes nothing.
      assert.equal(heard.filter(([c, id]) => c === 'prescriptions' && id !== F.id).length, 0);

      // ---- attacks ----
      // The laptop outside the commission never received any of these plans, not even «svolta».
      assert.deepEqual(agenda(C), []);
      assert.equal((C.app.store.db.prepare('SELECT COUNT(*) AS n FROM agenda').get() as { n: number }).n, 0);
      const toSara = await store.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM changes WHERE kind = 'planned_visit' AND audience = ?", [
        sara.inspectorId,
      ]);
      assert.equal(Number(toSara!.n), 0, 'nothing of them on the feed for Sara');
      const refusedC = C.app.dispatch('agenda.start', { planId: Q.id });
      assert.ok(!refusedC.ok && refusedC.error.code === 'not_found');

      // Sara's laptop, changed by hand, claims Q done: a forged agenda row and a visit naming Q.
      C.app.store.db
        .prepare('INSERT INTO agenda (plan_id, plan, plan_date, office_seq, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(
          Q.id,
          JSON.stringify({ ...kept(A, Q.id), fulfilled: { visitId: 'falsa', date: '2026-06-10', how: 'plan' } }),
          '2026-06-10',
          1,
          '2026-04-20T10:00:00Z',
        );
      const forged = ok(C.app, 'inspections.create', { serviceId: tiglio.id, purpose: 'verifica_periodica', date: '2026-06-10' });
      C.app.store.db
        .prepare('INSERT INTO visit_plans (visit_id, plan_id, reason, plan, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(forged.visitId, Q.id, 'due', JSON.stringify(kept(A, Q.id)), '2026-04-20T10:00:00Z');
      ok(C.app, 'inspections.saveAnswer', { inspectionId: forged.id, itemId: YESNO_ITEM, value: 'yes' });
      seal(C.app, forged.id);
      assert.equal(ok(C.app, 'inspections.export', { id: forged.id }).plan.id, Q.id, 'the forged link is in the file sent');
      // Luca's laptop, on the commission, names Q for a visit of the other nido.
      const wrong = ok(B.app, 'inspections.create', { serviceId: pesco.id, purpose: 'verifica_periodica', date: '2026-06-10' });
      B.app.store.db
        .prepare('INSERT INTO visit_plans (visit_id, plan_id, reason, plan, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(wrong.visitId, Q.id, 'due', JSON.stringify(kept(B, Q.id)), '2026-04-20T10:00:00Z');
      ok(B.app, 'inspections.saveAnswer', { inspectionId: wrong.id, itemId: YESNO_ITEM, value: 'yes' });
      seal(B.app, wrong.id);
      assert.equal((await C.push()).sent, 1, 'the visits themselves are received');
      assert.equal((await B.push()).sent, 1);
      assert.equal((await planning.getPlannedVisit(Q.id))!.fulfilledBy, null, 'neither push marks Q done');
      for (const l of [A, B]) {
        await l.pull();
        const q = agenda(l).find((e) => e.planId === Q.id);
        assert.equal(q.fulfilled, null, 'Q is still to do on the commission’s laptops');
      }
      assert.equal(ok(A.app, 'agenda.start', { planId: Q.id }).plan.id, Q.id, 'and Chiara can still start it');
    });
  });
}
