/**
 * The «Agenda» end to end (issue 14) with the real office server on 127.0.0.1 and real laptop data
 * folders: the planned visits of an inspector's commissions reach that inspector's laptops only (two
 * laptops of the commission see the same plan; a third inspector's laptop does not), never a proposal
 * nor a demo plan; a visit starts from its plan prefilled; moving or dropping the plan updates the
 * agendas and never the visit started; at the office the visit fulfils the plan it names, and a visit
 * sent without a plan is matched to the plan it fulfils (the agendas keep both «svolta»); linking a person to an inspector account later
 * brings that inspector the plans they are on, unlinking takes them off. Attacks: a laptop cannot start someone
 * else's plan, and a forged plan id in a pushed visit links nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { HostApp } from '../../host/app.ts';
import { drainOutbox, pullAll } from '../../host/sync/loop.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { onPlannedVisitWritten, PlanningStore, type Actor } from '../../office/storage/planning.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { laptopDir, openLaptop, YESNO_ITEM } from '../helpers/laptop.ts';
import { BACKENDS, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

function ok<T = any>(app: HostApp, method: string, input: unknown = {}): T {
  const r = app.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

for (const backend of BACKENDS) {
  describe(`agenda through the change feed, ${backend}`, () => {
    test('two laptops of the commission see the plan, a third does not; start, move, drop, fulfil, match; forged plan ids link nothing', async (t) => {
      const office = await startOffice(backend);
      const folders: Array<{ remove(): void }> = [];
      const apps: HostApp[] = [];
      t.after(async () => {
        for (const a of apps) a.close();
        for (const f of folders) f.remove();
        await office.close();
      });
      const store = office.server.store;
      const planning = new PlanningStore(store.db, getTerritory('zona-fse')!);
      // Every write path runs the same after-write hooks (the mail's among them), told why.
      const heard: Array<[string, string]> = [];
      onPlannedVisitWritten(store.db, async (w, v) => {
        assert.equal(v.id, w.planId);
        heard.push([w.cause, w.planId]);
      });
      const clerk = await store.createClerk('Ufficio Zona', 'x');
      const actor: Actor = { clerkId: clerk.id, name: 'Ufficio Zona' };

      const chiara = await office.device('Chiara Fantoni', 'portatile di Chiara');
      const marco = await office.device('Marco Bellini', 'portatile di Marco');
      const luca = await office.device('Luca Neri', 'portatile di Luca');
      const laptop = (name: string, token: string, inspectorId: string) => {
        const folder = laptopDir();
        folders.push(folder);
        const app = openLaptop(folder.dir, '2026-03-10');
        apps.push(app);
        app.store.outbox.savePairing({ officeUrl: office.url, token, inspectorId, inspectorName: name });
        const client = new SyncClient({ baseUrl: office.url, token, retry: { attempts: 2, baseMs: 5, maxMs: 20 } });
        return { app, pull: () => pullAll(app.store.outbox, client), push: () => drainOutbox(app.store.outbox, client) };
      };
      const A = laptop('Chiara Fantoni', chiara.token, chiara.inspectorId);
      const M = laptop('Marco Bellini', marco.token, marco.inspectorId);
      const B = laptop('Luca Neri', luca.token, luca.inspectorId);

      const pesco = await store.saveService({ name: 'Nido Il Pesco', type: 'nido', comune: 'Impruneta', capacity: 30, kitchen: true });
      const tiglio = await store.saveService({ name: 'Nido Il Tiglio', type: 'nido', comune: 'Impruneta', capacity: 24, kitchen: true });
      const pChiara = await planning.savePerson(
        { name: 'Chiara Fantoni', role: 'pedagogista_zonale', email: 'c.fantoni@zona.it', inspectorId: chiara.inspectorId },
        actor,
      );
      const pMarco = await planning.savePerson(
        {
          name: 'Marco Bellini',
          role: 'referente_tecnico_comune',
          comune: 'Impruneta',
          email: 'm.bellini@impruneta.it',
          inspectorId: marco.inspectorId,
        },
        actor,
      );
      const pLaura = await planning.savePerson(
        { name: 'Laura Cecchi', role: 'referente_tecnico_comune', comune: 'Bagno a Ripoli', email: 'l.cecchi@bagnoaripoli.it' },
        actor,
      );
      const pLuca = await planning.savePerson(
        { name: 'Luca Neri', role: 'pedagogista_zonale', email: 'l.neri@zona.it', inspectorId: luca.inspectorId },
        actor,
      );
      const visit = { purpose: 'verifica_periodica' as const, reason: 'due' as const, startTime: '09:30', endTime: '12:30' };
      const p1 = await planning.savePlannedVisit(
        { ...visit, serviceId: pesco.id, date: '2026-03-12', memberIds: [pChiara.id, pMarco.id], status: 'accepted' },
        actor,
      );
      // A proposal nobody accepted yet, and a demo plan: on no laptop.
      await planning.savePlannedVisit({ ...visit, serviceId: pesco.id, date: '2026-04-14', memberIds: [pChiara.id] }, actor);
      const demoService = await planning.insertDemoService({
        name: 'Nido Demo',
        type: 'nido',
        comune: 'Impruneta',
        capacity: 10,
        kitchen: false,
      });
      await planning.savePlannedVisit(
        { ...visit, serviceId: demoService.id, date: '2026-03-11', memberIds: [pChiara.id], status: 'accepted' },
        actor,
        { demo: true },
      );
      // Chiara's follow-up visit of the other nido, and Luca's own visit.
      const p4 = await planning.savePlannedVisit(
        { ...visit, reason: 'follow_up', serviceId: tiglio.id, date: '2026-03-20', memberIds: [pChiara.id, pLaura.id], status: 'accepted' },
        actor,
      );
      const p3 = await planning.savePlannedVisit(
        { ...visit, serviceId: tiglio.id, date: '2026-05-05', memberIds: [pLuca.id], status: 'accepted' },
        actor,
      );

      for (const l of [A, M, B]) await l.pull();
      const agenda = (l: { app: HostApp }) => ok<any[]>(l.app, 'agenda.list');
      assert.deepEqual(
        agenda(A).map((e) => [e.planId, e.date]),
        [
          [p1.id, '2026-03-12'],
          [p4.id, '2026-03-20'],
        ],
        "Chiara's laptop: her two accepted plans, not the proposal nor the demo",
      );
      assert.deepEqual(
        agenda(M).map((e) => e.planId),
        [p1.id],
        "Marco's laptop: the visit he is on",
      );
      assert.deepEqual(
        agenda(B).map((e) => e.planId),
        [p3.id],
        "Luca's laptop: only his own plan, never the others' inspectors'",
      );
      const [e1] = agenda(A);
      assert.equal(e1.serviceName, 'Nido Il Pesco');
      assert.equal(e1.serviceId, pesco.id, 'the service the feed brought');
      assert.deepEqual(e1.members, [
        { name: 'Chiara Fantoni', role: 'Pedagogista zonale' },
        { name: 'Marco Bellini', role: 'Referente tecnico Comune di Impruneta' },
      ]);
      assert.equal(e1.inspectionId, null);
      // Nothing of the office's people but names and roles reaches a laptop (no e-mail on the wire).
      const raw = A.app.store.db.prepare('SELECT plan FROM agenda').all() as Array<{ plan: string }>;
      assert.ok(
        raw.every((r) => !r.plan.includes('@')),
        'no e-mail address in the agenda',
      );

      // Attack: Luca's laptop cannot start Chiara's plan (it never received it).
      const refused = B.app.dispatch('agenda.start', { planId: p1.id });
      assert.ok(!refused.ok && refused.error.code === 'not_found' && refused.error.field === 'planId');

      // Chiara starts the visit from the plan: prefilled, and starting again opens the same visit.
      ok(A.app, 'members.create', { name: 'chiara fantoni', role: 'Pedagogista' });
      const draft = ok(A.app, 'agenda.start', { planId: p1.id });
      assert.equal(draft.serviceId, pesco.id);
      assert.equal(draft.purpose, 'verifica_periodica');
      assert.equal(draft.date, '2026-03-12');
      assert.equal(draft.startTime, '09:30');
      assert.equal(draft.endTime, '12:30');
      assert.deepEqual(draft.plan, { id: p1.id, reason: 'due' });
      const members = ok<any[]>(A.app, 'members.list');
      assert.equal(members.length, 2, 'the member with the same name is reused, the other added');
      assert.deepEqual(
        draft.memberIds.map((id: string) => members.find((m) => m.id === id).name),
        ['chiara fantoni', 'Marco Bellini'],
      );
      assert.equal(ok(A.app, 'agenda.start', { planId: p1.id }).id, draft.id, 'the same visit, not a second one');
      assert.equal(agenda(A)[0].inspectionId, draft.id);

      // The clerk moves the plan and takes Marco off it: the agendas follow, the started visit does not.
      await planning.savePlannedVisit(
        { ...visit, serviceId: pesco.id, date: '2026-03-13', startTime: '10:00', memberIds: [pChiara.id, pLaura.id], status: 'accepted' },
        actor,
        { id: p1.id },
      );
      await planning.setPlannedVisitStatus(p3.id, 'dropped', actor);
      for (const l of [A, M, B]) await l.pull();
      assert.deepEqual(
        agenda(A).map((e) => [e.planId, e.date, e.startTime]),
        [
          [p1.id, '2026-03-13', '10:00'],
          [p4.id, '2026-03-20', '09:30'],
        ],
      );
      assert.deepEqual(agenda(M), [], 'Marco is no longer on the commission');
      assert.deepEqual(agenda(B), [], 'Luca’s plan was dropped');
      const still = ok(A.app, 'inspections.get', { id: draft.id });
      assert.deepEqual(
        [still.date, still.startTime, still.endTime, still.memberIds],
        ['2026-03-12', '09:30', '12:30', draft.memberIds],
        'a visit already started is never touched by a change of plan',
      );

      // Sealed and sent: the office links it to the plan it names; the agenda shows it done («svolta»).
      ok(A.app, 'inspections.saveAnswer', { inspectionId: draft.id, itemId: YESNO_ITEM, value: 'yes' });
      const sealed = ok(A.app, 'inspections.seal', { id: draft.id, signatures: [], commissionReason: 'prova automatica' });
      assert.ok(sealed, 'sealed');
      assert.deepEqual(
        ok(A.app, 'inspections.export', { id: draft.id }).plan,
        { id: p1.id, reason: 'due' },
        'the plan is sealed into the file',
      );
      assert.equal((await A.push()).sent, 1);
      const planned = await planning.listPlannedVisits('2026-01-01', '2026-12-31');
      assert.deepEqual(planned.find((v) => v.id === p1.id)!.fulfilledBy, { inspectionId: draft.visitId, revision: 1, how: 'plan' });
      await A.pull();
      assert.deepEqual(
        agenda(A).map((e) => [e.planId, e.fulfilled, e.inspectionId]),
        [
          [p1.id, { date: '2026-03-12', how: 'plan', here: true }, draft.id],
          [p4.id, null, null],
        ],
        'done: still on the agenda, «svolta» on the date of the visit, opening it',
      );
      assert.equal(ok(A.app, 'agenda.start', { planId: p1.id }).id, draft.id, 'the laptop that did it keeps opening that visit');

      // Attack: Luca's laptop, changed by hand, seals a visit of the same nido naming Chiara's plan p4.
      const bDraft = ok(B.app, 'inspections.create', { serviceId: tiglio.id, purpose: 'verifica_periodica', date: '2026-03-20' });
      B.app.store.db
        .prepare('INSERT INTO visit_plans (visit_id, plan_id, reason, plan, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(bDraft.visitId, p4.id, 'follow_up', '{}', '2026-03-10T10:00:00Z');
      ok(B.app, 'inspections.saveAnswer', { inspectionId: bDraft.id, itemId: YESNO_ITEM, value: 'yes' });
      ok(B.app, 'inspections.seal', { id: bDraft.id, signatures: [], commissionReason: 'prova automatica' });
      assert.equal(ok(B.app, 'inspections.export', { id: bDraft.id }).plan.id, p4.id, 'the forged link is in the file sent');
      assert.equal((await B.push()).sent, 1, 'the visit itself is received');
      let p4Now = (await planning.listPlannedVisits('2026-03-20', '2026-03-20')).find((v) => v.id === p4.id)!;
      assert.equal(p4Now.fulfilledBy, null, 'a plan id of someone else’s plan links nothing');
      await A.pull();
      assert.deepEqual(
        agenda(A).map((e) => [e.planId, e.fulfilled]),
        [
          [p1.id, { date: '2026-03-12', how: 'plan', here: true }],
          [p4.id, null],
        ],
        'still to do on Chiara’s agenda',
      );

      // Laura gets an inspector account: her laptop now hears of the visits she is on; unlinked, it no longer does.
      const laura = await office.device('Laura Cecchi', 'portatile di Laura');
      const L = laptop('Laura Cecchi', laura.token, laura.inspectorId);
      const lauraInput = {
        name: 'Laura Cecchi',
        role: 'referente_tecnico_comune' as const,
        comune: 'Bagno a Ripoli',
        email: 'l.cecchi@bagnoaripoli.it',
      };
      await planning.savePerson({ ...lauraInput, inspectorId: laura.inspectorId }, actor, { id: pLaura.id });
      await L.pull();
      assert.deepEqual(
        agenda(L).map((e) => [e.planId, e.fulfilled?.how ?? null, e.inspectionId]),
        [
          [p1.id, 'plan', null],
          [p4.id, null, null],
        ],
        'the plans she is on: p1 done by Chiara (not hers to open), p4 to do',
      );
      const again = L.app.dispatch('agenda.start', { planId: p1.id });
      assert.ok(!again.ok && again.error.code === 'conflict', 'a plan done is not started on another laptop');
      await planning.savePerson({ ...lauraInput, inspectorId: null }, actor, { id: pLaura.id });
      await L.pull();
      assert.deepEqual(agenda(L), [], 'unlinked: off her laptop');

      // Chiara visits the other nido without starting from the plan, two days early: matched to p4.
      const free = ok(A.app, 'inspections.create', { serviceId: tiglio.id, purpose: 'verifica_periodica', date: '2026-03-18' });
      assert.equal(free.plan, null);
      ok(A.app, 'inspections.saveAnswer', { inspectionId: free.id, itemId: YESNO_ITEM, value: 'no' });
      ok(A.app, 'inspections.seal', { id: free.id, signatures: [], commissionReason: 'prova automatica' });
      assert.equal((await A.push()).sent, 1);
      p4Now = (await planning.listPlannedVisits('2026-03-20', '2026-03-20')).find((v) => v.id === p4.id)!;
      assert.deepEqual(p4Now.fulfilledBy, { inspectionId: free.visitId, revision: 1, how: 'matched' });
      await A.pull();
      assert.deepEqual(
        agenda(A).map((e) => [e.planId, e.fulfilled, e.inspectionId]),
        [
          [p1.id, { date: '2026-03-12', how: 'plan', here: true }, draft.id],
          [p4.id, { date: '2026-03-18', how: 'matched', here: true }, free.id],
        ],
        'the visit sent without a plan: p4 «svolta», opening the visit this laptop holds',
      );
      const events = await planning.events('visit', p4.id);
      assert.match(events.at(-1)!.action, /svolta/);
      const causes = (id: string) => heard.filter(([, planId]) => planId === id).map(([cause]) => cause);
      // Laura, on p1 since it moved and on p4, is linked to an account and unlinked after p1 was fulfilled.
      assert.deepEqual(causes(p1.id), ['saved', 'saved', 'fulfilled', 'inspector_link', 'inspector_link']);
      assert.deepEqual(causes(p3.id), ['saved', 'status']);
      // p4 is fulfilled last, by a visit sent without a plan.
      assert.deepEqual(causes(p4.id), ['saved', 'inspector_link', 'inspector_link', 'fulfilled']);
    });
  });
}
