/**
 * «Pianificazione» in the office review app, over HTTP against a real office (SQLite) filled by
 * the demo: the proposal is the same as `vigilanza office plan`'s; one click accepts, drops or moves
 * a visit; conflicts (a Sunday, a member booked twice the same half-day) are shown before saving
 * and saved only with «Salva comunque»; an authorisation with an incomplete commission is refused
 * naming who is missing (Zona reg. art. 15 c.2); bad input is a 4xx naming the field; every write
 * is audited with the clerk.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedOfficeDemo } from '../../office/demo.ts';
import { officePlan } from '../../office/planning.ts';
import { hashPassword } from '../../office/security.ts';
import { PlanningStore } from '../../office/storage/planning.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';

const TODAY = '2026-11-20';
const PASSWORD = 'una-password-lunga';
let office: TestOffice;
let planning: PlanningStore;
let clerk: Clerk;
let clerkId: string;

const period = { dal: '20/11/2026', al: '31/12/2026' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

describe('«Pianificazione» nell’ufficio', () => {
  before(async () => {
    office = await startOffice('sqlite', { today: () => TODAY });
    planning = new PlanningStore(office.server.store.db, getTerritory('zona-fse')!);
    await seedOfficeDemo(office.server.store, planning, TODAY);
    clerkId = (await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD))).id;
    clerk = new Clerk(office.url);
    await clerk.login('Ufficio Zona', PASSWORD);
  });
  after(() => office?.close());

  test('the proposal, accepted with one click; conflicts first; Art. 15 c.2 refused; audited', async () => {
    const expected = await officePlan(office.server.store, planning, TODAY, '2026-12-31');
    assert.ok(expected.plan.visits.length >= 3);
    const page = await clerk.page('/pianificazione');
    assert.match(page, /<h1>Pianificazione delle visite<\/h1>/);
    assert.match(page, /aria-current="page">Pianificazione</);
    for (const v of expected.plan.visits) {
      assert.ok(page.includes(`Accetta: ${esc(v.serviceName)}, ${formatItalianDate(v.date)}`), v.serviceName);
      for (const id of v.memberIds) assert.ok(page.includes(esc(expected.people.get(id)!.name)));
    }

    // «Accetta» on the first proposal: saved as accepted, no longer proposed.
    const first = expected.plan.visits[0]!;
    const fields = {
      ...period,
      serviceId: first.serviceId,
      purpose: first.purpose,
      reason: first.reason,
      stato: 'accepted',
      data: formatItalianDate(first.date),
      dalle: first.startTime,
      alle: first.endTime,
      membri: first.memberIds.join(','),
    };
    const accepted = await clerk.post('/pianificazione/visite', fields, '/pianificazione');
    assert.equal(accepted.status, 303, accepted.text.slice(0, 500));
    assert.equal(accepted.location, '/pianificazione?dal=20%2F11%2F2026&al=31%2F12%2F2026&salvato=1');
    const saved = await planning.listPlannedVisits(TODAY, '2026-12-31');
    assert.deepEqual(
      saved.map((v) => [v.serviceId, v.date, v.status, v.memberIds]),
      [[first.serviceId, first.date, 'accepted', first.memberIds]],
    );
    const after1 = await clerk.page(accepted.location!);
    assert.match(after1, /Piano salvato\./);
    assert.ok(!after1.includes(`Accetta: ${esc(first.serviceName)}`));
    assert.ok(after1.includes(`Scarta: ${esc(first.serviceName)}, ${formatItalianDate(first.date)}`));
    assert.match(after1, /stato: accettata/);

    // A member of that visit booked again the same morning: shown first, nothing saved.
    const other = expected.plan.visits.find((v) => v.serviceId !== first.serviceId)!;
    const clash = { ...fields, serviceId: other.serviceId, membri: [first.memberIds[0]!, ...other.memberIds.slice(1)].join(',') };
    const busy = await clerk.post('/pianificazione/visite', clash, '/pianificazione');
    assert.equal(busy.status, 409);
    assert.match(busy.text, /<h1>Conflitti da confermare<\/h1>/);
    assert.ok(
      busy.text.includes(
        `${esc(expected.people.get(first.memberIds[0]!)!.name)} è già impegnato/a il ${formatItalianDate(first.date)} (mattina)`,
      ),
    );
    assert.match(busy.text, /Salva comunque/);
    assert.equal((await planning.listPlannedVisits(TODAY, '2026-12-31')).length, 1);

    // A Sunday, confirmed with «Salva comunque»: saved.
    const sunday = { ...fields, serviceId: other.serviceId, data: '22/11/2026', membri: other.memberIds.join(',') };
    const asked = await clerk.post('/pianificazione/visite', sunday, '/pianificazione');
    assert.equal(asked.status, 409);
    assert.match(asked.text, /il 22\/11\/2026 è domenica/);
    const confirmed = await clerk.post('/pianificazione/visite', { ...sunday, conferma: 'si' }, '/pianificazione');
    assert.equal(confirmed.status, 303);
    const sundayVisit = (await planning.listPlannedVisits('2026-11-22', '2026-11-22'))[0]!;
    assert.equal(sundayVisit.serviceId, other.serviceId);

    // Art. 15 c.2: an authorisation without the other Comune's referent is refused naming who is missing.
    const incomplete = await clerk.post(
      '/pianificazione/visite',
      {
        ...sunday,
        data: '25/11/2026',
        purpose: 'autorizzazione',
        reason: 'requested',
        membri: other.memberIds.slice(0, 2).join(','),
        conferma: 'si',
      },
      '/pianificazione',
    );
    assert.equal(incomplete.status, 400);
    assert.match(
      incomplete.text,
      /role="alert">Commissione: commissione incompleta per una visita di autorizzazione[^<]*art\. 15 c\.2\): manca referente tecnico di un altro Comune della Zona</,
    );
    assert.equal((await planning.listPlannedVisits('2026-11-25', '2026-11-25')).length, 0);

    // «Scarta» on the saved visit, audited with the clerk.
    const drop = await clerk.post(`/pianificazione/visite/${sundayVisit.id}/stato`, { ...period, stato: 'dropped' }, '/pianificazione');
    assert.equal(drop.status, 303);
    const events = await planning.events('visit', sundayVisit.id);
    assert.deepEqual(
      events.map((e) => [e.action, e.clerkId, e.actor]),
      [
        ['crea', clerkId, 'Ufficio Zona'],
        ['stato dropped', clerkId, 'Ufficio Zona'],
      ],
    );

    // «Sposta» to a new date (the form's other fields as the page has them).
    const moved = await clerk.post(
      '/pianificazione/visite',
      { ...sunday, id: sundayVisit.id, stato: 'dropped', data: '24/11/2026' },
      '/pianificazione',
    );
    assert.equal(moved.status, 303, moved.text.slice(0, 300));
    assert.equal((await planning.listPlannedVisits('2026-11-24', '2026-11-24'))[0]!.id, sundayVisit.id);
  });

  test('attack: planning writes need a session, the CSRF token and a same-site Origin; nothing is saved otherwise', async () => {
    const before = (await planning.listPlannedVisits('0000-01-01', '9999-12-31')).length;
    const form = new URLSearchParams({
      ...period,
      serviceId: 'x',
      purpose: 'verifica_periodica',
      reason: 'due',
      data: '24/11/2026',
      dalle: '09:30',
      alle: '12:30',
      conferma: 'si',
    }).toString();
    const post = (path: string, headers: Record<string, string>, body = form) =>
      fetch(`${office.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    assert.equal((await post('/pianificazione/visite', {})).status, 401);
    assert.equal((await post('/pianificazione/visite', { cookie: clerk.cookieHeader(), origin: office.url })).status, 403);
    assert.equal(
      (await post('/pianificazione/visite/x/stato', { cookie: clerk.cookieHeader(), origin: office.url }, 'stato=dropped')).status,
      403,
    );
    const page = await clerk.page('/pianificazione');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    assert.equal(
      (await post('/pianificazione/visite', { cookie: clerk.cookieHeader(), origin: 'https://evil.example' }, `${form}&_csrf=${csrf}`))
        .status,
      403,
    );
    const anonymous = await fetch(`${office.url}/pianificazione`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), '/login?dopo=%2Fpianificazione');
    assert.equal((await planning.listPlannedVisits('0000-01-01', '9999-12-31')).length, before);
  });

  test('the people of the commissions: added, edited, refused naming the field, audited', async () => {
    const list = await clerk.page('/pianificazione/persone');
    assert.match(list, /<h1>Persone delle commissioni<\/h1>/);
    assert.match(list, /Dott\.ssa Chiara Fantoni<\/a> \(DEMO\)/);
    const missingComune = await clerk.post(
      '/pianificazione/persone',
      { name: 'Geom. Nuovo', role: 'referente_tecnico_comune', comune: '', email: 'g.nuovo@comune.it', inspectorId: '' },
      '/pianificazione/persone/nuova',
    );
    assert.equal(missingComune.status, 400);
    assert.match(missingComune.text, /role="alert">Comune: il Comune è obbligatorio per un referente tecnico del Comune</);
    const badMail = await clerk.post(
      '/pianificazione/persone',
      { name: 'Geom. Nuovo', role: 'asl', comune: '', email: 'nuovo', inspectorId: '' },
      '/pianificazione/persone/nuova',
    );
    assert.equal(badMail.status, 400);
    assert.match(badMail.text, /E-mail: indirizzo e-mail non valido/);
    const created = await clerk.post(
      '/pianificazione/persone',
      { name: 'Geom. Nuovo', role: 'referente_tecnico_comune', comune: 'Pelago', email: 'g.nuovo@comune.it', inspectorId: '' },
      '/pianificazione/persone/nuova',
    );
    assert.equal(created.status, 303);
    const person = (await planning.listPeople()).find((p) => p.name === 'Geom. Nuovo')!;
    assert.deepEqual([person.comune, person.demo], ['Pelago', false]);
    const edited = await clerk.post(
      `/pianificazione/persone/${person.id}`,
      { name: 'Geom. Nuovo', role: 'referente_tecnico_comune', comune: 'Londa', email: 'g.nuovo@comune.it', inspectorId: '' },
      `/pianificazione/persone/${person.id}`,
    );
    assert.equal(edited.status, 303);
    assert.equal((await planning.listPeople()).find((p) => p.id === person.id)!.comune, 'Londa');
    assert.deepEqual(
      (await planning.events('person', person.id)).map((e) => [e.action, e.clerkId]),
      [
        ['crea', clerkId],
        ['modifica', clerkId],
      ],
    );
    const unknown = await clerk.post(
      '/pianificazione/persone/nessuna',
      { name: 'X', role: 'asl', comune: '', email: 'x@y.it', inspectorId: '' },
      '/pianificazione/persone',
    );
    assert.equal(unknown.status, 404);
    const res = await fetch(`${office.url}/pianificazione/persone/nessuna`, { headers: { cookie: clerk.cookieHeader() } });
    assert.equal(res.status, 404);
  });

  test('bad input is a 4xx naming the field, never a 500', async () => {
    const base = {
      ...period,
      serviceId: 'x',
      purpose: 'verifica_periodica',
      reason: 'due',
      stato: 'accepted',
      dalle: '09:30',
      alle: '12:30',
      membri: '',
    };
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ ...base, data: '31/02/2026' }, 400, /Data: la data 31\/02\/2026 non esiste/],
      [{ ...base, data: '24/11/2026', alle: '08:00' }, 400, /Alle: l’ora di fine \(08:00\) deve essere successiva/],
      [{ ...base, data: '24/11/2026', purpose: 'gita' }, 400, /Scopo: /],
      [{ ...base, data: '24/11/2026', conferma: 'si' }, 400, /Servizio: servizio non trovato nel registro/],
      [{ ...base, data: '24/11/2026', dal: '99/99/2026' }, 400, /Dal: /],
    ];
    for (const [fields, status, message] of cases) {
      const r = await clerk.post('/pianificazione/visite', fields, '/pianificazione');
      assert.equal(r.status, status, JSON.stringify(fields));
      assert.match(r.text, message);
    }
    const unknown = await clerk.post('/pianificazione/visite/nessuna/stato', { ...period, stato: 'dropped' }, '/pianificazione');
    assert.equal(unknown.status, 404);
    const badState = await clerk.post('/pianificazione/visite/nessuna/stato', { ...period, stato: 'finita' }, '/pianificazione');
    assert.equal(badState.status, 400);
    const res = await fetch(`${office.url}/pianificazione?al=01/01/2026`, { headers: { cookie: clerk.cookieHeader() } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Al: la data di fine precede quella di inizio/);
  });
});
