/**
 * Lucca's Albo Comunale degli educatori domiciliari (Reg. artt. 6-8), end to end on real parts: a
 * Lucca office (real SQLite, on 127.0.0.1) where a clerk registers a person and an organisation,
 * records the yearly confirmation with the training hours and sees the lapsed entries; every write
 * audited; the register on the change feed; a laptop (real SQLite) paired with it receives the
 * register, the inspector ticks a domiciliary service's educators and the sealed file and the report
 * say who is registered and in good standing on the visit date. A Zona office has no such page.
 * PostgreSQL: the same migration 16 and store, through the store's API.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword, newPairingCode, sha256Text } from '../../office/security.ts';
import { RegisterStore } from '../../office/storage/register.ts';
import { LUCCA_1 } from '../../shared/territories/lucca/rules.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { startOffice, stopPostgres, type Backend, type TestOffice } from '../helpers/office-fixtures.ts';
import { openApp, type HostApp } from '../../host/app.ts';
import { systemClock } from '../../host/clock.ts';
import { ok, SERVICE, tempDir } from '../unit/db-fixtures.ts';

after(() => stopPostgres());

const TODAY = '2026-02-20';
const PASSWORD = 'una-password-lunga';
const register = LUCCA_1.educatorRegister!;
const allReqs = (kind: 'person' | 'organisation') =>
  Object.fromEntries(register.kinds[kind].requirements.map((r) => [`req_${r.id}`, 'on']));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

async function luccaOffice(backend: Backend = 'sqlite'): Promise<{ office: TestOffice; clerk: Clerk }> {
  const office = await startOffice(backend, { territory: 'lucca', today: () => TODAY });
  await office.server.store.createClerk('Ufficio Lucca', await hashPassword(PASSWORD));
  const clerk = new Clerk(office.url);
  await clerk.login('Ufficio Lucca', PASSWORD);
  return { office, clerk };
}

function done(r: { ok: boolean; value?: any; error?: { message: string } }): any {
  assert.ok(r.ok, r.error?.message);
  return r.value;
}

/** Resolves once `probe` holds, looked at on each sync status event of the laptop (a pull applied moves it). */
function whenSynced(app: HostApp, what: string, probe: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => (off(), reject(new Error(`non avvenuto: ${what}`))), 20_000);
    const check = () => {
      if (!probe()) return;
      clearTimeout(timer);
      off();
      resolve();
    };
    off = app.sync.onStatus(check);
    check();
  });
}

const idFrom = (location: string | null) => {
  const m = /^\/albo\/([^/?]+)\?iscritto=1$/.exec(location ?? '');
  assert.ok(m, `redirect to the new entry, got ${location}`);
  return decodeURIComponent(m[1]!);
};

describe('the office: «Albo educatori domiciliari»', () => {
  test('register, confirm, lapse; bad input is a 400 naming the field and saves nothing; every write audited and on the feed', async (t) => {
    const { office, clerk } = await luccaOffice();
    t.after(() => office.close());

    const empty = await clerk.page('/albo');
    assert.match(empty, /<h1>Albo educatori domiciliari<\/h1>/);
    assert.match(empty, /aria-current="page">Albo educatori domiciliari</);
    assert.match(empty, /Nessun iscritto\./);
    for (const r of [...register.kinds.person.requirements, ...register.kinds.organisation.requirements])
      assert.ok(empty.includes(esc(r.article)), r.article);

    // A date that does not exist: 400, the field named in Italian, nothing stored.
    const bad = await clerk.post('/albo/nuovo/persona', { name: 'Maria Rossi', registeredOn: '31/02/2025', ...allReqs('person') }, '/albo');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Data di iscrizione: la data 31\/02\/2025 non esiste/);
    assert.ok(bad.text.includes('value="Maria Rossi"'), 'the form keeps what was typed');
    const noName = await clerk.post('/albo/nuovo/persona', { name: ' ', registeredOn: '10/03/2025' }, '/albo');
    assert.equal(noName.status, 400);
    assert.match(noName.text, /Nome: il nome è obbligatorio/);
    const albo = new RegisterStore(office.server.store, register);
    assert.deepEqual(await albo.list(), []);

    // Maria Rossi, registered 10/03/2025 with every requirement of art. 7 c.1; Luca Bianchi on 10/01/2025, never confirmed.
    const maria = idFrom(
      (
        await clerk.post(
          '/albo/nuovo/persona',
          { name: 'Maria Rossi', taxCode: 'RSSMRA80A41E715X', registeredOn: '10/03/2025', ...allReqs('person') },
          '/albo',
        )
      ).location,
    );
    const luca = idFrom(
      (await clerk.post('/albo/nuovo/persona', { name: 'Luca Bianchi', registeredOn: '10/01/2025', ...allReqs('person') }, '/albo'))
        .location,
    );
    // Coop without the legal representative (art. 8 c.1 lett. g).
    const { req_legale_rappresentante: _, ...coopReqs } = allReqs('organisation');
    const coop = idFrom(
      (await clerk.post('/albo/nuovo/societa', { name: 'Coop. Girotondo', registeredOn: '01/09/2025', ...coopReqs }, '/albo')).location,
    );

    // Confirmation: below the 25 hours of art. 7 c.3 it is kept but renews nothing; hours that are not a number are refused.
    const notNumber = await clerk.post(`/albo/${maria}/conferma`, { confirmedOn: '01/02/2026', hours: 'venti' }, `/albo/${maria}`);
    assert.equal(notNumber.status, 400);
    assert.match(notNumber.text, /Ore di formazione: scrivere un numero di ore/);
    const beforeReg = await clerk.post(`/albo/${maria}/conferma`, { confirmedOn: '01/02/2025', hours: '30' }, `/albo/${maria}`);
    assert.equal(beforeReg.status, 400);
    assert.match(beforeReg.text, /Data della conferma: la conferma non può precedere l&#x27;iscrizione \(10\/03\/2025\)/);
    const confirmed = await clerk.post(`/albo/${maria}/conferma`, { confirmedOn: '01/02/2026', hours: '25,5' }, `/albo/${maria}`);
    assert.equal(confirmed.status, 303);
    const mariaPage = await clerk.page(`/albo/${maria}`);
    assert.match(mariaPage, /in regola<\/span>: iscritta, valida fino al 09\/03\/2027/);
    assert.match(mariaPage, /01\/02\/2026<\/td><td>25.5<\/td><td>25<\/td>/);
    // An organisation's confirmation needs the contract's minimum (art. 8 c.3 names no number).
    const coopNoMin = await clerk.post(`/albo/${coop}/conferma`, { confirmedOn: '01/02/2026', hours: '20' }, `/albo/${coop}`);
    assert.equal(coopNoMin.status, 400);
    assert.match(
      coopNoMin.text,
      /Ore minime del contratto: indicare le ore minime previste dal contratto di lavoro \(Reg. Lucca art. 8 c.2-3\)/,
    );

    // The list: lapsed and off-register first, with the reason and the article.
    const list = await clerk.page('/albo');
    const alerts = list.slice(list.indexOf('Da confermare o decadute'), list.indexOf('<h2>Iscritti</h2>'));
    assert.match(
      alerts,
      /Luca Bianchi<\/a> — <span class="fail">decaduta \(conferma annuale mancante\)<\/span>: iscrizione decaduta il 10\/01\/2026/,
    );
    assert.match(
      alerts,
      /Coop. Girotondo<\/a> — <span class="fail">requisiti per l’iscrizione non documentati<\/span>: .*art. 8 c.1 lett. g/,
    );
    assert.ok(!alerts.includes('Maria Rossi'), 'Maria Rossi is in good standing');

    // Edit: cancellation before registration is refused; a cancellation date strikes the entry off (art. 6 c.5).
    const early = await clerk.post(
      `/albo/${luca}`,
      { name: 'Luca Bianchi', registeredOn: '10/01/2025', cancelledOn: '01/01/2025', ...allReqs('person') },
      `/albo/${luca}`,
    );
    assert.equal(early.status, 400);
    assert.match(early.text, /Data di cancellazione: la cancellazione non può precedere l&#x27;iscrizione/);
    const cancelled = await clerk.post(
      `/albo/${luca}`,
      { name: 'Luca Bianchi', registeredOn: '10/01/2025', cancelledOn: '15/02/2026', ...allReqs('person') },
      `/albo/${luca}`,
    );
    assert.equal(cancelled.status, 303);
    assert.match(await clerk.page(`/albo/${luca}`), /cancellata dall&#x27;albo<\/span>: cancellata dall&#x27;albo dal 15\/02\/2026/);

    // The audit: who, what, when; and the feed carries each entry whole, the latest last.
    const events = await office.server.store.db.all<{ actor: string; action: string; entry_id: string }>(
      'SELECT actor, action, entry_id FROM register_events ORDER BY id',
    );
    assert.deepEqual(
      events.map((e) => [e.entry_id, e.action, e.actor]),
      [
        [maria, 'iscrizione', 'Ufficio Lucca'],
        [luca, 'iscrizione', 'Ufficio Lucca'],
        [coop, 'iscrizione', 'Ufficio Lucca'],
        [maria, 'conferma', 'Ufficio Lucca'],
        [luca, 'modifica', 'Ufficio Lucca'],
      ],
    );
    assert.match(await clerk.page(`/albo/${maria}`), /conferma \(Ufficio Lucca\)/);
    const device = await office.device('Giulia Verdi');
    const feed = await office.server.store.changesSince(0, device.inspectorId, 100);
    const entries = feed.changes.filter((c) => c.kind === 'register_entry');
    assert.deepEqual(
      entries.map((c) => c.entity),
      [maria, luca, coop, maria, luca],
    );

    // A form from another page without the CSRF token is refused.
    const forged = await fetch(`${office.url}/albo/nuovo/persona`, {
      method: 'POST',
      headers: { cookie: clerk.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Intrusa', registeredOn: '01/01/2026' }).toString(),
    });
    assert.equal(forged.status, 403);
    assert.equal((await albo.list()).length, 3);
  });

  test('a Zona office keeps no register: no menu entry, no page', async (t) => {
    const office = await startOffice('sqlite');
    t.after(() => office.close());
    await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
    const clerk = new Clerk(office.url);
    await clerk.login('Ufficio Zona', PASSWORD);
    assert.ok(!(await clerk.page('/coda')).includes('/albo'));
    const res = await fetch(`${office.url}/albo`, { headers: { cookie: clerk.cookieHeader() }, redirect: 'manual' });
    assert.equal(res.status, 404);
  });

  test('PostgreSQL: migration 16 and the store, with its audit', async (t) => {
    const office = await startOffice('postgres', { territory: 'lucca', today: () => TODAY });
    t.after(() => office.close());
    const albo = new RegisterStore(office.server.store, register);
    const actor = { clerkId: null, name: 'riga di comando' };
    const reqs = Object.fromEntries(register.kinds.person.requirements.map((r) => [r.id, true]));
    const e = await albo.save(
      { kind: 'person', name: 'Maria Rossi', registeredOn: '2025-03-10', requirements: reqs, cancelledOn: null },
      actor,
    );
    await albo.confirm(e.id, { confirmedOn: '2026-02-01', hours: 30 }, actor);
    assert.deepEqual((await albo.get(e.id))?.confirmations, [{ confirmedOn: '2026-02-01', hours: 30 }]);
    assert.deepEqual(
      (await albo.events(e.id)).map((x) => x.action),
      ['iscrizione', 'conferma'],
    );
    await assert.rejects(
      () => albo.save({ kind: 'person', name: 'X', registeredOn: '2025-03-10', requirements: { ignoto: true }, cancelledOn: null }, actor),
      /requisito sconosciuto ignoto/,
    );
  });
});

test('the laptop receives the register and checks a domiciliary service’s educators at the visit; the sealed file and the report say so', async (t) => {
  const { office, clerk } = await luccaOffice();
  t.after(() => office.close());
  const maria = idFrom(
    (await clerk.post('/albo/nuovo/persona', { name: 'Maria Rossi', registeredOn: '10/03/2025', ...allReqs('person') }, '/albo')).location,
  );
  const luca = idFrom(
    (await clerk.post('/albo/nuovo/persona', { name: 'Luca Bianchi', registeredOn: '10/01/2025', ...allReqs('person') }, '/albo')).location,
  );

  // The real clock: each pull then moves the status' lastSyncAt, the event whenSynced waits for.
  const app = openApp({ dataDir: tempDir(t), shell: 'browser', clock: systemClock, demo: false, log: () => {} });
  t.after(() => app.close());
  const inspector = await office.server.store.createInspector('Giulia Verdi');
  const code = newPairingCode();
  await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
  done(await app.call('sync.pair', { url: office.url, code }));
  t.after(() => app.sync.stop());
  app.sync.start();
  const names = () => ok(app, 'register.list', {}).entries.map((e: { name: string }) => e.name);
  await whenSynced(app, 'the register pulled', () => names().length === 2);
  assert.deepEqual(
    ok(app, 'register.list', {}).entries.map((e: { name: string }) => e.name),
    ['Luca Bianchi', 'Maria Rossi'],
  );

  // A later confirmation at the office replaces the laptop's copy of the entry.
  assert.equal((await clerk.post(`/albo/${maria}/conferma`, { confirmedOn: '01/02/2026', hours: '30' }, `/albo/${maria}`)).status, 303);
  done(await app.call('sync.now', {}));
  const confirmations = () => ok(app, 'register.list', {}).entries.find((e: { id: string }) => e.id === maria).confirmations.length;
  await whenSynced(app, 'the confirmation pulled', () => confirmations() === 1);
  const held = ok(app, 'register.list', {}).entries.find((e: { id: string }) => e.id === maria);
  assert.deepEqual(held.confirmations, [{ confirmedOn: '2026-02-01', hours: 30 }]);

  const service = ok(app, 'services.create', {
    ...SERVICE,
    name: 'Servizio domiciliare Coccinella',
    type: 'domiciliare',
    capacity: 5,
    comune: 'Lucca',
  });
  const visit = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: TODAY, memberIds: [] });
  const before = ok(app, 'inspections.get', { id: visit.id }).failCount;
  const misfit = app.dispatch('inspections.saveAnswer', { inspectionId: visit.id, itemId: register.item, value: 'Maria Rossi; Luca' });
  assert.equal(misfit.ok, false, 'an answer that is not a list of ids is refused');
  ok(app, 'inspections.saveAnswer', { inspectionId: visit.id, itemId: register.item, value: `${maria},${luca}` });
  assert.equal(ok(app, 'inspections.get', { id: visit.id }).failCount, before + 1, 'Luca Bianchi lapsed on 10/01/2026');

  const sealed = done(await app.call('inspections.seal', { id: visit.id, signatures: [] }));
  const file = sealed.inspection.sealedFile;
  assert.deepEqual(
    file.registerEntries.map((e: { name: string }) => e.name),
    ['Maria Rossi', 'Luca Bianchi'],
  );
  assert.equal(file.answers[register.item].value, `${maria},${luca}`);
  const report = done(await app.call('report.get', { inspectionId: visit.id }));
  const pdf = join(tempDir(t), 'verbale.pdf');
  writeFileSync(pdf, Buffer.from(report.pdfBase64, 'base64'));
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(text, /Albo Comunale degli educatori domiciliari/);
  assert.match(text, /Luca Bianchi: iscrizione decaduta il 10\/01\/2026/);
  assert.match(text, /Maria Rossi: iscritta, valida fino al 09\/03\/2027/);
  assert.match(text, /Reg\. Lucca art\. 6 c\.1; Reg\. Lucca art\. 6 c\.2/);

  // Sent to the office: the review page names the educators the file carries, never their ids.
  done(await app.call('sync.now', {}));
  await whenSynced(app, 'the visit received', () => ok(app, 'sync.status', {}).counts.ricevuta === 1);
  const received = await office.server.store.db.get<{ inspection_id: string }>('SELECT inspection_id FROM revisions');
  const review = await clerk.page(`/ispezioni/${encodeURIComponent(received!.inspection_id)}/1`);
  assert.match(review, /<td>Maria Rossi; Luca Bianchi<\/td>/);
  assert.ok(!review.slice(0, review.indexOf('Dati per l')).includes(maria), 'no entry id outside the support data');
});
