/**
 * The office's planning registry (migration 10) on both engines: people and planned visits saved,
 * edited and listed; every write audited with who made it; Art. 15 c.2 refused naming who is
 * missing; unknown services and members, bad times and e-mails refused naming the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openPostgres, openSqlite, type Db } from '../../office/storage/db.ts';
import { PlanningStore, type Actor } from '../../office/storage/planning.ts';
import { OfficeStore, UserError } from '../../office/storage/store.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { BACKENDS, databaseFor, stopPostgres, type Backend } from '../helpers/office-fixtures.ts';

async function open(backend: Backend, dir: string): Promise<Db> {
  const url = await databaseFor(backend);
  return url ? openPostgres(url) : openSqlite(dir);
}

after(() => stopPostgres());

const refused = (field: string | undefined, text: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, String(e));
  assert.equal(e.field, field);
  assert.match(e.message, text);
  return true;
};

for (const backend of BACKENDS) {
  describe(`office planning storage, ${backend}`, () => {
    test('people and planned visits, audited; Art. 15 c.2 refused naming who is missing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigilanza-plan-'));
      const store = await OfficeStore.open(await open(backend, dir));
      try {
        const clerk = await store.createClerk('Ufficio Prova', 'x');
        const actor: Actor = { clerkId: clerk.id, name: 'Ufficio Prova' };
        const planning = new PlanningStore(store.db, getTerritory('zona-fse')!);
        const service = await store.saveService({ name: 'Nido Il Pesco', type: 'nido', comune: 'Impruneta', capacity: 30, kitchen: true });
        const inspector = await store.createInspector('Chiara Fantoni');
        const ped = await planning.savePerson(
          { name: 'Chiara Fantoni', role: 'pedagogista_zonale', email: 'c.fantoni@zona.it', inspectorId: inspector.id },
          actor,
        );
        const local = await planning.savePerson(
          { name: 'Marco Bellini', role: 'referente_tecnico_comune', comune: 'Impruneta', email: 'm.bellini@impruneta.it' },
          actor,
        );
        const other = await planning.savePerson(
          { name: 'Laura Cecchi', role: 'referente_tecnico_comune', comune: 'Bagno a Ripoli', email: 'l.cecchi@bagnoaripoli.it' },
          actor,
        );
        assert.equal(ped.inspectorId, inspector.id);
        await assert.rejects(
          planning.savePerson({ name: 'X', role: 'referente_tecnico_comune', email: 'x@y.it' }, actor),
          refused('comune', /Comune è obbligatorio/),
        );
        await assert.rejects(
          planning.savePerson({ name: 'X', role: 'asl', email: 'non-una-mail' }, actor),
          refused('email', /e-mail non valido/),
        );
        await assert.rejects(
          planning.savePerson({ name: 'X', role: 'asl', email: 'x@y.it', inspectorId: 'nessuno' }, actor),
          refused('inspectorId', /non trovato/),
        );

        const base = { serviceId: service.id, date: '2026-10-13', startTime: '09:30', endTime: '12:30', reason: 'requested' as const };
        // Art. 15 c.2: authorisation with two of the three seats.
        await assert.rejects(
          planning.savePlannedVisit({ ...base, purpose: 'autorizzazione', memberIds: [ped.id, local.id] }, actor),
          refused('memberIds', /art\. 15 c\.2.*manca referente tecnico di un altro Comune della Zona/),
        );
        // The same commission is fine for a periodic check (a conflict to show, not a refusal).
        const periodic = await planning.savePlannedVisit(
          { ...base, purpose: 'verifica_periodica', reason: 'due', memberIds: [ped.id, local.id] },
          actor,
        );
        assert.equal(periodic.status, 'proposed');
        const full = await planning.savePlannedVisit(
          { ...base, purpose: 'autorizzazione', memberIds: [ped.id, local.id, other.id] },
          actor,
        );
        assert.deepEqual(full.memberIds, [ped.id, local.id, other.id]);
        await assert.rejects(
          planning.savePlannedVisit({ ...base, serviceId: 'nessuno', purpose: 'autorizzazione', memberIds: [] }, actor),
          refused('serviceId', /non trovato/),
        );
        await assert.rejects(
          planning.savePlannedVisit({ ...base, purpose: 'verifica_periodica', memberIds: ['nessuno'] }, actor),
          refused('memberIds.0', /non trovata/),
        );
        await assert.rejects(
          planning.savePlannedVisit({ ...base, purpose: 'verifica_periodica', startTime: '12:00', endTime: '10:00', memberIds: [] }, actor),
          refused('endTime', /successiva/),
        );

        const moved = await planning.savePlannedVisit(
          { ...base, date: '2026-10-20', purpose: 'verifica_periodica', reason: 'due', memberIds: [ped.id, other.id] },
          actor,
          {
            id: periodic.id,
          },
        );
        assert.equal(moved.date, '2026-10-20');
        assert.deepEqual(moved.memberIds, [ped.id, other.id]);
        const dropped = await planning.setPlannedVisitStatus(periodic.id, 'dropped', actor);
        assert.equal(dropped.status, 'dropped');
        await assert.rejects(
          planning.setPlannedVisitStatus(periodic.id, 'finita', actor),
          refused(undefined, /proposed|accepted|dropped|opzione/),
        );

        const listed = await planning.listPlannedVisits('2026-10-01', '2026-10-31');
        assert.deepEqual(
          listed.map((v) => [v.date, v.purpose, v.status]),
          [
            ['2026-10-13', 'autorizzazione', 'proposed'],
            ['2026-10-20', 'verifica_periodica', 'dropped'],
          ],
        );
        assert.deepEqual(
          (await planning.events('visit', periodic.id)).map((e) => [e.action, e.actor, e.clerkId]),
          [
            ['crea', 'Ufficio Prova', clerk.id],
            ['modifica', 'Ufficio Prova', clerk.id],
            ['stato dropped', 'Ufficio Prova', clerk.id],
          ],
        );
        assert.deepEqual(
          (await planning.listPeople()).map((p) => p.name),
          ['Chiara Fantoni', 'Laura Cecchi', 'Marco Bellini'],
        );
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
