/**
 * The laptop's territory (issue 12): the Zona until chosen; chosen at the first start while not
 * paired and without visits; taken from the office at pairing (a real office on 127.0.0.1); new
 * visits use its rule set and checklist; migration 012 records the Zona for data made before.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { openDatabase } from '../../db/open.ts';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';
import { ok, openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';

after(() => stopPostgres());

const LUCCA_NIDO = { ...SERVICE, name: 'Nido di infanzia Il Grillo', comune: 'Lucca', address: 'Via Fillungo 1' };

function paired(r: { ok: boolean; error?: { message: string } }): void {
  assert.ok(r.ok, `sync.pair: ${r.error?.message}`);
}

async function pairingCode(office: TestOffice): Promise<string> {
  const inspector = await office.server.store.createInspector('Giulia Verdi');
  const code = newPairingCode();
  await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
  return code;
}

test('not paired: the Zona until chosen; a choice sets the rule set of new visits and is fixed by the first visit', (t) => {
  const app = openTestApp(t);
  assert.deepEqual(ok(app, 'territory.get', {}), { id: 'zona-fse', chosen: false, changeable: true });
  assert.equal(ok(app, 'app.info', {}).ruleSet, 'zona-fse@1');
  const unknown = app.dispatch('territory.choose', { id: 'atlantide' });
  assert.equal(unknown.ok, false);
  assert.equal(!unknown.ok && unknown.error.field, 'id');
  assert.match(!unknown.ok ? unknown.error.message : '', /territorio sconosciuto "atlantide" \(disponibili: zona-fse, lucca\)/);

  assert.deepEqual(ok(app, 'territory.choose', { id: 'lucca' }), { id: 'lucca', chosen: true, changeable: true });
  assert.equal(ok(app, 'app.info', {}).ruleSet, 'lucca@1');
  const service = ok(app, 'services.create', LUCCA_NIDO);
  const visit = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
  // A Lucca item (Art. 27 c.3: opening minutes) is accepted, the Zona's own is not in this checklist.
  ok(app, 'inspections.saveAnswer', { inspectionId: visit.id, itemId: 'B.orario.lunedi_venerdi', value: 720 });
  const exported = ok(app, 'inspections.export', { id: visit.id });
  assert.equal((exported.file ?? exported).ruleSet, 'lucca@1');
  const detail = ok(app, 'inspections.get', { id: visit.id });
  assert.ok(detail.failCount >= 1, 'the opening of 12 hours fails Art. 27 c.3');
  const zonaItem = app.dispatch('inspections.saveAnswer', {
    inspectionId: visit.id,
    itemId: 'A.destinazione_uso.certificato',
    value: 'yes',
  });
  assert.equal(zonaItem.ok, false, "the Zona's Scheda item is not in Lucca's checklist");

  assert.deepEqual(ok(app, 'territory.get', {}), { id: 'lucca', chosen: true, changeable: false });
  const again = app.dispatch('territory.choose', { id: 'zona-fse' });
  assert.equal(again.ok, false);
  assert.match(!again.ok ? again.error.message : '', /ha già visite del territorio «Città di Lucca»: il territorio non si cambia più/);
  assert.equal(ok(app, 'app.info', {}).ruleSet, 'lucca@1');
});

test('pairing with a Lucca office takes its territory; a choice is refused while paired', async (t) => {
  const office = await startOffice('sqlite', { territory: 'lucca' });
  t.after(() => office.close());
  const app = openTestApp(t);
  paired(await app.call('sync.pair', { url: office.url, code: await pairingCode(office) }));
  t.after(() => app.sync.stop());
  assert.deepEqual(ok(app, 'territory.get', {}), { id: 'lucca', chosen: true, changeable: false });
  assert.equal(ok(app, 'app.info', {}).ruleSet, 'lucca@1');
  const choice = app.dispatch('territory.choose', { id: 'zona-fse' });
  assert.equal(choice.ok, false);
  assert.match(!choice.ok ? choice.error.message : '', /associato a un ufficio: il territorio è quello dell'ufficio \(Città di Lucca\)/);
});

test("a laptop with the Zona's visits is not paired with a Lucca office; with the Zona's it is", async (t) => {
  const lucca = await startOffice('sqlite', { territory: 'lucca' });
  const zona = await startOffice('sqlite');
  t.after(async () => {
    await lucca.close();
    await zona.close();
  });
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
  const refused = await app.call('sync.pair', { url: lucca.url, code: await pairingCode(lucca) });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.field, 'url');
  assert.match(
    !refused.ok ? refused.error.message : '',
    /l'ufficio applica il territorio «Città di Lucca», ma questo portatile ha già visite del territorio «Zona Fiorentina Sud-Est»/,
  );
  assert.equal(ok(app, 'sync.status', {}).paired, false, 'not paired');
  assert.deepEqual(ok(app, 'territory.get', {}), { id: 'zona-fse', chosen: false, changeable: false });
  paired(await app.call('sync.pair', { url: zona.url, code: await pairingCode(zona) }));
  t.after(() => app.sync.stop());
  assert.deepEqual(ok(app, 'territory.get', {}), { id: 'zona-fse', chosen: true, changeable: false });
});

test('migration 012: a folder with data from before territories is the Zona; an empty one has no choice made', (t) => {
  for (const withData of [true, false]) {
    const file = join(tempDir(t), 'v.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 12) });
    if (withData)
      old.prepare("INSERT INTO members (id, name, role, created_at) VALUES ('m1', 'Anna Neri', 'Pedagogista', '2026-01-01')").run();
    old.close();
    const db = openDatabase(file);
    const row = db.prepare("SELECT CAST(value AS TEXT) AS v FROM meta WHERE key = 'setting:territory'").get() as { v: string } | undefined;
    db.close();
    assert.equal(row?.v, withData ? 'zona-fse' : undefined);
  }
});
