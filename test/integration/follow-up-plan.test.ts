/**
 * A follow-up planned at the office for prescriptions another laptop gave (issue 14, «Agenda»): real
 * office on 127.0.0.1, two real laptop folders. Chiara's laptop seals a visit with a prescription; the
 * office proposes the follow-up and a clerk accepts it with Luca on the commission; the plan on the
 * feed carries the prescription to verify (`toVerify`), so Luca's laptop, which never saw the first
 * visit, lists it when the visit starts from «Agenda», seals «non ottemperata» and sends it; the
 * office's overdue list shows the consequence. Chiara's laptop, also on the commission, lists it
 * once (its own copy and the plan's are one key). A plan without `toVerify` (an older office) still
 * reads; a hand-made verification of another service's prescription is not recorded.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { HostApp } from '../../host/app.ts';
import { drainOutbox, pullAll } from '../../host/sync/loop.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { officePlan } from '../../office/planning.ts';
import { PlanningStore, type Actor } from '../../office/storage/planning.ts';
import { verificationKey } from '../../shared/follow-up.ts';
import { PlannedVisitChange } from '../../shared/sync/protocol.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { laptopDir, openLaptop, YESNO_ITEM } from '../helpers/laptop.ts';
import { BACKENDS, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

function ok<T = any>(app: HostApp, method: string, input: unknown = {}): T {
  const r = app.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

const SUSPENSION = { act: "sospensione dell'autorizzazione al funzionamento", article: 'Reg. zonale art. 11 c.2' };

for (const backend of BACKENDS) {
  describe(`follow-up planned for another laptop's prescriptions, ${backend}`, () => {
    test('the plan carries them; laptop B checks A’s prescription, the office shows «non ottemperata»', async (t) => {
      const office = await startOffice(backend, { today: () => '2026-05-04' });
      const folders: Array<{ remove(): void }> = [];
      const apps: HostApp[] = [];
      t.after(async () => {
        for (const a of apps) a.close();
        for (const f of folders) f.remove();
        await office.close();
      });
      const store = office.server.store;
      const zona = getTerritory('zona-fse')!;
      const planning = new PlanningStore(store.db, zona);
      const clerk = await store.createClerk('Ufficio Zona', 'x');
      const actor: Actor = { clerkId: clerk.id, name: 'Ufficio Zona' };

      const chiara = await office.device('Chiara Fantoni', 'portatile di Chiara');
      const luca = await office.device('Luca Neri', 'portatile di Luca');
      const laptop = (name: string, token: string, inspectorId: string, today: string) => {
        const folder = laptopDir();
        folders.push(folder);
        const app = openLaptop(folder.dir, today);
        apps.push(app);
        app.store.outbox.savePairing({ officeUrl: office.url, token, inspectorId, inspectorName: name });
        const client = new SyncClient({ baseUrl: office.url, token, retry: { attempts: 2, baseMs: 5, maxMs: 20 } });
        return { app, pull: () => pullAll(app.store.outbox, client), push: () => drainOutbox(app.store.outbox, client) };
      };
      const A = laptop('Chiara Fantoni', chiara.token, chiara.inspectorId, '2026-03-10');
      const B = laptop('Luca Neri', luca.token, luca.inspectorId, '2026-04-20');

      const pesco = await store.saveService({ name: 'Nido Il Pesco', type: 'nido', comune: 'Impruneta', capacity: 30, kitchen: true });
      const tiglio = await store.saveService({ name: 'Nido Il Tiglio', type: 'nido', comune: 'Impruneta', capacity: 24, kitchen: true });
      const pChiara = await planning.savePerson(
        { name: 'Chiara Fantoni', role: 'pedagogista_zonale', email: 'c.fantoni@zona.it', inspectorId: chiara.inspectorId },
        actor,
      );
      const pLuca = await planning.savePerson(
        { name: 'Luca Neri', role: 'pedagogista_zonale', email: 'l.neri@zona.it', inspectorId: luca.inspectorId },
        actor,
      );
      // The Art. 15 commission the proposal needs (the referenti have no laptop).
      const pMarco = await planning.savePerson(
        { name: 'Marco Bellini', role: 'referente_tecnico_comune', comune: 'Impruneta', email: 'm.bellini@impruneta.it' },
        actor,
      );
      const pSara = await planning.savePerson(
        { name: 'Sara Cecchi', role: 'referente_tecnico_comune', comune: 'Bagno a Ripoli', email: 's.cecchi@bagnoaripoli.it' },
        actor,
      );
      await A.pull();
      await B.pull();

      // ---- laptop A: the visit of 10/03/2026 gives a prescription due 10/04/2026 ----
      const v1 = ok(A.app, 'inspections.create', { serviceId: pesco.id, purpose: 'verifica_periodica', date: '2026-03-10' });
      ok(A.app, 'inspections.saveAnswer', { inspectionId: v1.id, itemId: YESNO_ITEM, value: 'no' });
      ok(A.app, 'prescriptions.save', {
        inspectionId: v1.id,
        rule: YESNO_ITEM,
        text: 'Esibire il certificato di agibilità',
        deadline: '2026-04-10',
      });
      const sealed1 = ok(A.app, 'inspections.seal', { id: v1.id, signatures: [], commissionReason: 'prova automatica' });
      const visitId1: string = sealed1.inspection.visitId;
      assert.equal((await A.push()).sent, 1);

      // ---- the office proposes the follow-up; the clerk accepts it with Luca (and Chiara) ----
      const proposed = await officePlan(store, planning, '2026-04-01', '2026-06-30');
      const f = proposed.plan.visits.find((v) => v.reason === 'follow_up')!;
      assert.ok(f, 'the follow-up is proposed');
      assert.deepEqual(f.followUpOf, { inspectionId: visitId1, visitDate: '2026-03-10', positions: [0] });
      const plan = await planning.savePlannedVisit(
        {
          serviceId: f.serviceId,
          purpose: f.purpose,
          reason: 'follow_up',
          date: f.date,
          startTime: f.startTime,
          endTime: f.endTime,
          memberIds: [pLuca.id, pChiara.id, pMarco.id, pSara.id],
          followUpOf: f.followUpOf,
          status: 'accepted',
        },
        actor,
      );

      // ---- laptop B: the plan on its agenda carries A's prescription ----
      await B.pull();
      const onB = ok<any[]>(B.app, 'agenda.list');
      assert.deepEqual(
        onB.map((e) => [e.planId, e.reason]),
        [[plan.id, 'follow_up']],
      );
      const kept = JSON.parse((B.app.store.db.prepare('SELECT plan FROM agenda WHERE plan_id = ?').get(plan.id) as { plan: string }).plan);
      assert.deepEqual(kept.toVerify, [
        {
          visitId: visitId1,
          visitDate: '2026-03-10',
          position: 0,
          rule: YESNO_ITEM,
          text: 'Esibire il certificato di agibilità',
          deadline: '2026-04-10',
          earlierNotComplied: 0,
        },
      ]);
      const draft = ok(B.app, 'agenda.start', { planId: plan.id });
      const key = verificationKey(visitId1, 0);
      assert.deepEqual(
        draft.toCheck.map((c: any) => [c.key, c.prescription.text, c.prescription.visitDate, c.consequence, c.answer]),
        [[key, 'Esibire il certificato di agibilità', '2026-03-10', SUSPENSION, null]],
        "Luca's laptop lists the prescription Chiara's laptop gave",
      );
      // Only a key of the list: another position of that visit is refused.
      const unknown = B.app.dispatch('inspections.saveAnswer', {
        inspectionId: draft.id,
        itemId: verificationKey(visitId1, 1),
        value: 'no',
      });
      assert.equal(unknown.ok, false);
      ok(B.app, 'inspections.saveAnswer', { inspectionId: draft.id, itemId: key, value: 'no', note: 'certificato non esibito' });
      ok(B.app, 'inspections.saveAnswer', { inspectionId: draft.id, itemId: YESNO_ITEM, value: 'no' });

      // Chiara's laptop, on the same commission, has it from its own visit and from the plan: listed once.
      await A.pull();
      const onA = ok(A.app, 'agenda.start', { planId: plan.id });
      assert.deepEqual(
        onA.toCheck.map((c: any) => c.key),
        [key],
      );

      const sealed2 = ok(B.app, 'inspections.seal', { id: draft.id, signatures: [], commissionReason: 'prova automatica' });
      assert.deepEqual(sealed2.inspection.sealedFile.verifications, [
        {
          prescription: {
            visitId: visitId1,
            visitDate: '2026-03-10',
            position: 0,
            rule: YESNO_ITEM,
            text: 'Esibire il certificato di agibilità',
            deadline: '2026-04-10',
          },
          outcome: 'not_complied',
          note: 'certificato non esibito',
          consequence: SUSPENSION,
        },
      ]);
      assert.equal((await B.push()).sent, 1);

      // ---- the office: «non ottemperata» with its consequence, the plan fulfilled ----
      const overdue = await store.overduePrescriptions('2026-05-04');
      assert.deepEqual(
        overdue.map((p) => [p.inspectionId, p.text, p.notComplied]),
        [[visitId1, 'Esibire il certificato di agibilità', SUSPENSION]],
      );
      const planned = await planning.listPlannedVisits(f.date, f.date);
      assert.equal(planned.find((v) => v.id === plan.id)!.fulfilledBy?.inspectionId, sealed2.inspection.visitId);

      // ---- a second follow-up plan carries what the office knows: one «non ottemperata» before ----
      const second = await planning.savePlannedVisit(
        {
          serviceId: pesco.id,
          purpose: 'verifica_periodica',
          reason: 'follow_up',
          date: '2026-06-10',
          startTime: '09:30',
          endTime: '12:30',
          memberIds: [pLuca.id],
          followUpOf: f.followUpOf,
          status: 'accepted',
        },
        actor,
      );
      await B.pull();
      const third = ok(B.app, 'agenda.start', { planId: second.id });
      assert.deepEqual(
        third.toCheck.map((c: any) => [c.key, c.earlierNotComplied, c.consequence.article]),
        [[key, 1, 'Reg. zonale art. 11 c.3 lett. a']],
      );

      // ---- compatibility: a plan without `toVerify` (an older office) reads, and one with it parses ----
      const { toVerify: _dropped, ...older } = kept;
      assert.equal(PlannedVisitChange.safeParse({ planId: plan.id, plan: older }).success, true);
      assert.equal(PlannedVisitChange.safeParse({ planId: plan.id, plan: kept }).success, true);
      assert.equal(
        PlannedVisitChange.safeParse({ planId: plan.id, plan: { ...kept, toVerify: [{ visitId: visitId1 }] } }).success,
        false,
        'a malformed list is refused (the change is skipped and reported)',
      );

      // ---- attack: a hand-made plan on B naming A's prescription for a visit of another service ----
      const forged = ok(B.app, 'inspections.create', { serviceId: tiglio.id, purpose: 'verifica_periodica', date: '2026-06-11' });
      B.app.store.db
        .prepare('INSERT INTO visit_plans (visit_id, plan_id, reason, plan, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(forged.visitId, 'falso', 'follow_up', JSON.stringify({ ...kept, id: 'falso' }), '2026-04-20T10:00:00Z');
      ok(B.app, 'inspections.saveAnswer', { inspectionId: forged.id, itemId: key, value: 'yes' });
      ok(B.app, 'inspections.saveAnswer', { inspectionId: forged.id, itemId: YESNO_ITEM, value: 'yes' });
      const sealedForged = ok(B.app, 'inspections.seal', { id: forged.id, signatures: [], commissionReason: 'prova automatica' });
      assert.equal(sealedForged.inspection.sealedFile.verifications[0].outcome, 'complied', 'the forged verification is in the file sent');
      assert.equal((await B.push()).sent, 1, 'the visit itself is received');
      const still = await store.overduePrescriptions('2026-06-12');
      assert.deepEqual(
        still.map((p) => [p.inspectionId, p.notComplied]),
        [[visitId1, SUSPENSION]],
        "another service's visit does not clear the prescription",
      );
    });
  });
}
