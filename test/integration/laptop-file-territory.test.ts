/**
 * Issue 12: «Inspection files name territory, checklist and rule-set versions». Every file the laptop
 * builds from now on (export, seal) names the laptop's territory and the checklist its answers refer
 * to, beside the rule set, and `vigilanza check` evaluates it with them. A revision sealed before keeps
 * its bytes (its hash covers them): it is exported as stored, the doctor finds it intact, its
 * correction is sealed with the fields, and an office registers both.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDataFolder } from '../../db/doctor.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { systemClock } from '../../host/clock.ts';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { vigilanza } from '../helpers/cli.ts';
import { startOffice, stopPostgres } from '../helpers/office-fixtures.ts';
import { ok, openTestApp, SERVICE, tempDir } from '../unit/db-fixtures.ts';

after(() => stopPostgres());

const LUCCA_NIDO = { ...SERVICE, name: 'Nido di infanzia Il Grillo', comune: 'Lucca', address: 'Via Fillungo 1' };

/** The value of an async call, failing the test with the API's message otherwise. */
function done(r: { ok: boolean; value?: unknown; error?: { message: string } }): any {
  assert.ok(r.ok, r.error?.message);
  return r.value;
}

/** `vigilanza check` on the file as the laptop gave it: its exit code and findings. */
function check(t: { after(fn: () => void): void }, file: unknown): { status: number | null; stdout: string; stderr: string } {
  const path = join(tempDir(t), 'file.json');
  writeFileSync(path, JSON.stringify(file));
  return vigilanza(['check', path]);
}

for (const [territory, service, item, value] of [
  ['zona-fse', SERVICE, 'A.destinazione_uso.certificato', 'no'],
  ['lucca', LUCCA_NIDO, 'B.orario.lunedi_venerdi', 720],
] as const)
  test(`a ${territory} laptop names its territory and checklist in the exported and in the sealed file`, async (t) => {
    const app = openTestApp(t);
    if (territory !== 'zona-fse') ok(app, 'territory.choose', { id: territory });
    const key = `${territory}@1`;
    const s = ok(app, 'services.create', service);
    const visit = ok(app, 'inspections.create', { serviceId: s.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
    ok(app, 'inspections.saveAnswer', { inspectionId: visit.id, itemId: item, value });
    const exported = ok(app, 'inspections.export', { id: visit.id });
    assert.deepEqual([exported.territory, exported.ruleSet, exported.checklist], [territory, key, key]);
    assert.deepEqual(Object.keys(exported).slice(0, 4), ['schemaVersion', 'territory', 'ruleSet', 'checklist']);
    const draftCheck = check(t, exported);
    assert.equal(draftCheck.status, 1, `a rule fails (the «no», the 12 hours): ${draftCheck.stderr}`);

    const sealed = done(await app.call('inspections.seal', { id: visit.id, signatures: [], commissionReason: 'prova' }));
    const file = ok(app, 'inspections.get', { id: visit.id }).sealedFile;
    assert.deepEqual([file.territory, file.ruleSet, file.checklist], [territory, key, key]);
    // The hash covers them: they are part of what was sealed.
    assert.equal(sha256Hex(new TextEncoder().encode(canonicalJson(file))), sealed.contentHash);
    const sealedCheck = check(t, ok(app, 'inspections.export', { id: visit.id }));
    assert.equal(sealedCheck.status, 1, sealedCheck.stderr);
    assert.equal(sealedCheck.stdout, draftCheck.stdout, 'the same evaluation as the draft');
  });

test('a revision sealed before files named their territory keeps its bytes; its correction names it; an office registers both', async (t) => {
  const office = await startOffice('sqlite');
  t.after(() => office.close());
  // The real clock: each sync pass moves the status, the event waited for below.
  const app = openApp({ dataDir: tempDir(t), shell: 'browser', clock: systemClock, demo: false, log: () => {} });
  t.after(() => app.close());
  const inspector = await office.server.store.createInspector('Giulia Verdi');
  const code = newPairingCode();
  await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
  done(await app.call('sync.pair', { url: office.url, code }));
  t.after(() => app.sync.stop());

  const s = ok(app, 'services.create', SERVICE);
  const visit = ok(app, 'inspections.create', { serviceId: s.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
  ok(app, 'inspections.saveAnswer', { inspectionId: visit.id, itemId: 'A.destinazione_uso.certificato', value: 'no' });
  // Sealed as the build before this change sealed it: the same file without the two fields, stored
  // and queued in one transaction as `inspections.seal` does.
  const { territory: _t, checklist: _c, ...old } = ok(app, 'inspections.export', { id: visit.id });
  const oldText = canonicalJson(old);
  const oldHash = sha256Hex(new TextEncoder().encode(oldText));
  app.store.transaction(() => {
    app.store.inspections.seal(visit.id, { signatures: [], canonicalFile: oldText, contentHash: oldHash });
    app.store.outbox.enqueue(visit.id);
  });

  // Read back exactly as stored: no field added to what the hash covers.
  assert.equal(app.store.inspections.sealedFile(visit.id), oldText);
  const exportedOld = ok(app, 'inspections.export', { id: visit.id });
  assert.equal(canonicalJson(exportedOld), oldText);
  assert.equal(exportedOld.territory, undefined);
  assert.equal(ok(app, 'inspections.get', { id: visit.id }).contentHash, oldHash);
  const oldCheck = check(t, exportedOld);
  assert.equal(oldCheck.status, 1, oldCheck.stderr);

  // Its correction is a new file: it names them, and the revision before is untouched.
  const second = done(await app.call('inspections.revise', { id: visit.id })).id;
  const draft = ok(app, 'inspections.export', { id: second });
  assert.deepEqual([draft.territory, draft.checklist], ['zona-fse', 'zona-fse@1']);
  const sealed = done(await app.call('inspections.seal', { id: second, signatures: [], commissionReason: 'prova' }));
  assert.equal(ok(app, 'inspections.get', { id: second }).sealedFile.territory, 'zona-fse');
  assert.equal(app.store.inspections.sealedFile(visit.id), oldText);
  const newCheck = check(t, ok(app, 'inspections.export', { id: second }));
  assert.equal(newCheck.stdout, oldCheck.stdout, 'the same evaluation with and without the fields');
  assert.deepEqual(checkDataFolder(app.store).problems, [], 'the doctor finds both revisions intact');

  // Both go to the office, which registers the one without the fields and the one with them.
  const received = () => ok(app, 'sync.status', {}).counts.ricevuta === 2;
  await new Promise<void>((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => (off(), reject(new Error(`non ricevute: ${JSON.stringify(ok(app, 'sync.outbox', {}))}`))), 20_000);
    off = app.sync.onStatus(() => {
      if (!received()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
    app.sync.start();
    if (received()) (clearTimeout(timer), off(), resolve());
  });
  const rows = await office.server.store.db.all<{ revision: number; content_hash: string }>(
    'SELECT revision, content_hash FROM revisions ORDER BY revision',
  );
  assert.deepEqual(
    rows.map((r) => [r.revision, r.content_hash]),
    [
      [1, oldHash],
      [2, sealed.contentHash],
    ],
  );
});

test('a visit under rules the laptop territory does not apply is a damaged store: no file that contradicts itself', (t) => {
  const app: HostApp = openTestApp(t);
  const s = ok(app, 'services.create', SERVICE);
  const visit = ok(app, 'inspections.create', { serviceId: s.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds: [] });
  // Not possible through the API (the territory is fixed by the first visit): written to the settings by hand.
  app.store.settings.set('territory', 'lucca');
  const r = app.dispatch('inspections.export', { id: visit.id });
  assert.equal(r.ok, false);
  assert.match(
    !r.ok ? r.error.message : '',
    /Integrità compromessa: la visita segue zona-fse@1, ma il portatile applica il territorio «Città di Lucca» \(ruleSet: zona-fse@1 non è un set di regole del territorio lucca/,
  );
});
