/**
 * Telling people (issue 14), against a real office (SQLite) and a real SMTP server on loopback
 * (`smtp-server`, with AUTH), each message read back with `mailparser`: the members get the
 * planned, moved and cancelled notices with their .ics; the service's PEC gets the prescriptions
 * with the signed report attached, byte for byte; the inspector gets the rejection's notes; a
 * server that answers 451 at first → logged failed, retried, then sent. Each member's calendar
 * feed is parsed by a second, independent parser (`ical.js`); a reset makes the old URL a 404.
 * A demo office sends nothing; an office without --smtp logs «SMTP non configurato»; a malformed
 * --smtp is an Italian error, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { contentHash } from '../../shared/canonical.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { seedOfficeDemo } from '../../office/demo.ts';
import { hashPassword } from '../../office/security.ts';
import { PlanningStore } from '../../office/storage/planning.ts';
import type { MailRecord } from '../../office/storage/mail.ts';
import { vigilanza } from '../helpers/cli.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { BACKENDS, makePdf, sampleFile, sha256, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';

const TODAY = '2026-11-20';
const PASSWORD = 'una-password-lunga';
const PERIOD = { dal: '20/11/2026', al: '31/12/2026' };
const territory = getTerritory('zona-fse')!;

function parseCalendar(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  return {
    method: root.getFirstPropertyValue('method') as string | null,
    events: root.getAllSubcomponents('vevent').map((c) => {
      const e = new ICAL.Event(c);
      return {
        uid: e.uid,
        summary: e.summary,
        location: e.location,
        description: e.description,
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
        sequence: e.sequence,
        status: c.getFirstPropertyValue('status') as string,
      };
    }),
  };
}

const icsOf = (m: ParsedMail) => {
  const a = m.attachments.find((x) => x.contentType.startsWith('text/calendar') || x.filename?.endsWith('.ics'));
  assert.ok(a, `an .ics attached to «${m.subject}»`);
  return parseCalendar(a.content.toString('utf8'));
};

after(() => stopPostgres());

for (const backend of BACKENDS)
  describe(`telling people: e-mail and calendars from the office (${backend})`, () => {
    let smtp: TestSmtp;
    let office: TestOffice;
    let planning: PlanningStore;
    let clerk: Clerk;
    const ids: Record<string, string> = {};

    before(async () => {
      smtp = await startSmtp();
      office = await startOffice(backend, {
        today: () => TODAY,
        smtpUrl: smtp.url,
        mailJob: { pollMs: 0, retryDelayMs: () => 0 },
      });
      planning = new PlanningStore(office.server.store.db, territory);
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', PASSWORD);
      const service = await office.server.store.saveService({
        name: 'Nido Prova 3',
        type: 'nido',
        comune: 'Pontassieve',
        address: 'Via dei Mandorli 4',
        capacity: 40,
        kitchen: true,
        authorizationIssuedOn: '2024-10-15',
      });
      ids.service = service.id;
      const actor = { clerkId: null, name: 'test' };
      ids.anna = (
        await planning.savePerson(
          { name: 'Anna Bianchi', role: 'pedagogista_zonale', comune: null, email: 'anna.bianchi@zonafse.it', inspectorId: null },
          actor,
        )
      ).id;
      ids.marco = (
        await planning.savePerson(
          {
            name: 'Marco Neri',
            role: 'referente_tecnico_comune',
            comune: 'Pontassieve',
            email: 'm.neri@comune.pontassieve.fi.it',
            inspectorId: null,
          },
          actor,
        )
      ).id;
    });
    after(async () => {
      await office?.close();
      await smtp?.close();
    });

    const outbox = () => office.server.mail.outbox.list();
    const settle = async () => {
      office.server.mail.kick();
      await office.server.mail.idle();
    };

    test('a visit planned, moved and dropped: each member is told, with the .ics (REQUEST, then CANCEL)', async () => {
      const fields = {
        ...PERIOD,
        serviceId: ids.service!,
        purpose: 'verifica_periodica',
        reason: 'due',
        stato: 'accepted',
        data: '03/12/2026',
        dalle: '09:00',
        alle: '12:00',
        membri: `${ids.anna},${ids.marco}`,
        conferma: 'si',
      };
      const saved = await clerk.post('/pianificazione/visite', fields, '/pianificazione');
      assert.equal(saved.status, 303, saved.text.slice(0, 400));
      await settle();
      assert.equal(smtp.received.length, 2);
      const planned = smtp.received.slice(0, 2);
      assert.deepEqual(smtp.envelopes.slice(0, 2).flat().sort(), ['anna.bianchi@zonafse.it', 'm.neri@comune.pontassieve.fi.it']);
      for (const m of planned) {
        assert.equal(m.subject, 'Visita di vigilanza pianificata: Nido Prova 3, 03/12/2026');
        assert.equal(m.from?.value[0]?.address, 'ufficio@pec.zonafse.it');
        // Who sends: the territory's inspectorate and name.
        assert.equal(m.from?.value[0]?.name, `${territory.inspectorate.label} · ${territory.name}`);
        assert.match(m.text ?? '', /Data e orario: 03\/12\/2026, dalle 09:00 alle 12:00\./);
        assert.match(m.text ?? '', /Commissione: Anna Bianchi, Marco Neri\./);
        const cal = icsOf(m);
        assert.equal(cal.method, 'REQUEST');
        assert.equal(cal.events.length, 1);
        // 09:00 in Rome on 3 December (CET, UTC+1) is 08:00 UTC.
        assert.equal(cal.events[0]!.start, '2026-12-03T08:00:00.000Z');
        assert.equal(cal.events[0]!.end, '2026-12-03T11:00:00.000Z');
        assert.equal(cal.events[0]!.sequence, 0);
        assert.equal(cal.events[0]!.status, 'CONFIRMED');
      }
      const visit = (await planning.listPlannedVisits('2026-12-01', '2026-12-31'))[0]!;
      ids.visit = visit.id;
      const uid = icsOf(planned[0]!).events[0]!.uid;

      // Saved again unchanged: nobody is told twice.
      const again = await clerk.post('/pianificazione/visite', { ...fields, id: visit.id }, '/pianificazione');
      assert.equal(again.status, 303);
      await settle();
      assert.equal(smtp.received.length, 2);

      // Moved to 10/12 in the afternoon: «spostata», the old date named, the same UID with SEQUENCE 1.
      const moved = await clerk.post(
        '/pianificazione/visite',
        { ...fields, id: visit.id, data: '10/12/2026', dalle: '14:00', alle: '17:00' },
        '/pianificazione',
      );
      assert.equal(moved.status, 303, moved.text.slice(0, 400));
      await settle();
      assert.equal(smtp.received.length, 4);
      for (const m of smtp.received.slice(2, 4)) {
        assert.equal(m.subject, 'Visita di vigilanza spostata: Nido Prova 3, ora il 10/12/2026');
        assert.match(m.text ?? '', /Nuova data e orario: 10\/12\/2026, dalle 14:00 alle 17:00\./);
        assert.match(m.text ?? '', /Data e orario precedenti, non più validi: 03\/12\/2026, dalle 09:00 alle 12:00\./);
        const ev = icsOf(m).events[0]!;
        assert.equal(ev.uid, uid);
        assert.equal(ev.sequence, 1);
        assert.equal(ev.start, '2026-12-10T13:00:00.000Z');
      }

      // Dropped: a cancellation to each, METHOD:CANCEL, SEQUENCE 2.
      const dropped = await clerk.post(`/pianificazione/visite/${visit.id}/stato`, { ...PERIOD, stato: 'dropped' }, '/pianificazione');
      assert.equal(dropped.status, 303);
      await settle();
      assert.equal(smtp.received.length, 6);
      for (const m of smtp.received.slice(4, 6)) {
        assert.equal(m.subject, 'Visita di vigilanza annullata: Nido Prova 3, 10/12/2026');
        const cal = icsOf(m);
        assert.equal(cal.method, 'CANCEL');
        assert.equal(cal.events[0]!.uid, uid);
        assert.equal(cal.events[0]!.sequence, 2);
        assert.equal(cal.events[0]!.status, 'CANCELLED');
      }
      // Accepted again: announced anew with a higher SEQUENCE than the cancellation.
      await clerk.post(`/pianificazione/visite/${visit.id}/stato`, { ...PERIOD, stato: 'accepted' }, '/pianificazione');
      await settle();
      assert.equal(smtp.received.length, 8);
      assert.equal(smtp.received[7]!.subject, 'Visita di vigilanza pianificata: Nido Prova 3, 10/12/2026');
      assert.equal(icsOf(smtp.received[7]!).events[0]!.sequence, 3);

      const log = await outbox();
      assert.equal(log.length, 8);
      assert.ok(
        log.every((m) => m.status === 'sent' && m.attempts === 1 && m.sentAt),
        JSON.stringify(log.map((m) => [m.status, m.lastError])),
      );
      const page = await clerk.page('/posta');
      assert.match(page, /<h1>Posta inviata<\/h1>/);
      assert.match(page, /Visita spostata/);
      assert.match(page, /Inviato il \d\d\/\d\d\/\d{4}/);
    });

    test('the calendar feed: parsed by ical.js, only that person’s visits; a reset makes the old URL a 404', async () => {
      // A proposed visit for Anna only: in her feed as TENTATIVE, not in Marco's.
      const proposed = await clerk.post(
        '/pianificazione/visite',
        {
          ...PERIOD,
          serviceId: ids.service!,
          purpose: 'verifica_periodica',
          reason: 'follow_up',
          stato: 'proposed',
          data: '15/12/2026',
          dalle: '10:00',
          alle: '11:30',
          membri: ids.anna!,
          conferma: 'si',
        },
        '/pianificazione',
      );
      assert.equal(proposed.status, 303, proposed.text.slice(0, 400));
      await settle();
      assert.equal(smtp.received.length, 8, 'a proposal tells nobody');

      const people = await clerk.page('/pianificazione/persone');
      assert.match(people, /Crea indirizzo/);
      const made = await clerk.post(`/pianificazione/persone/${ids.anna}/calendario`, {}, '/pianificazione/persone');
      assert.equal(made.status, 200);
      const url = /<code>([^<]+)<\/code>/.exec(made.text)?.[1] ?? '';
      assert.ok(url.startsWith(`${office.url}/calendar/`) && url.endsWith('.ics'), url);
      const secret = url.slice(`${office.url}/calendar/`.length, -'.ics'.length);
      const stored = await office.server.store.db.all<{ secret_hash: string }>('SELECT secret_hash FROM calendar_secrets');
      assert.deepEqual(
        stored.map((r) => r.secret_hash),
        [sha256(Buffer.from(secret))],
        'only the hash is stored',
      );

      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
      const cal = parseCalendar(await res.text());
      assert.deepEqual(
        cal.events.map((e) => [e.start, e.end, e.status, e.sequence]),
        [
          ['2026-12-10T13:00:00.000Z', '2026-12-10T16:00:00.000Z', 'CONFIRMED', 3],
          ['2026-12-15T09:00:00.000Z', '2026-12-15T10:30:00.000Z', 'TENTATIVE', 0],
        ],
      );
      assert.equal(cal.events[0]!.summary, 'Verifica periodica del mantenimento dei requisiti: Nido Prova 3');
      assert.equal(cal.events[0]!.location, 'Nido Prova 3, Via dei Mandorli 4, Pontassieve');
      assert.match(cal.events[0]!.description, /Commissione: Anna Bianchi, Marco Neri/);
      assert.match(cal.events[1]!.summary, /^\(proposta\) /);

      // The planned visit's own .ics, with the clerk's session (and not without it).
      const one = await fetch(`${office.url}/pianificazione/visite/${ids.visit}/visita.ics`, { headers: { cookie: clerk.cookieHeader() } });
      assert.equal(one.status, 200);
      assert.deepEqual(
        parseCalendar(await one.text()).events.map((e) => e.start),
        ['2026-12-10T13:00:00.000Z'],
      );
      const anonymous = await fetch(`${office.url}/pianificazione/visite/${ids.visit}/visita.ics`, { redirect: 'manual' });
      assert.notEqual(anonymous.status, 200);

      // Reset: the old URL is gone, with the same answer as a secret never made.
      const reset = await clerk.post(`/pianificazione/persone/${ids.anna}/calendario`, {}, '/pianificazione/persone');
      const url2 = /<code>([^<]+)<\/code>/.exec(reset.text)?.[1];
      assert.ok(url2 && url2 !== url);
      const old = await fetch(url);
      assert.equal(old.status, 404);
      const never = await fetch(`${office.url}/calendar/${'A'.repeat(43)}.ics`);
      assert.equal(never.status, 404);
      assert.equal(await old.text(), await never.text());
      assert.equal((await fetch(url2)).status, 200);
      assert.match(await clerk.page('/pianificazione/persone'), /Reimposta indirizzo/);

      // Guessing secrets is limited per address: 429 with Retry-After within the minute's budget.
      let limited: Response | null = null;
      for (let i = 0; i < 40 && !limited; i++) {
        const r = await fetch(`${office.url}/calendar/${'B'.repeat(42)}${i % 10}.ics`);
        if (r.status === 429) limited = r;
        else assert.equal(r.status, 404);
      }
      assert.ok(limited, 'refused within 40 requests');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.match(((await limited.json()) as { error: { message: string } }).error.message, /^troppe richieste: riprovare tra \d+ s$/);
    });

    test('prescriptions to the service’s PEC with the signed report (same bytes); rejection notes to the inspector; 451 → failed, retried, sent', async () => {
      // The service's PEC, typed in the registry form (a bad one is refused first).
      const form = {
        name: 'Nido Prova 3',
        type: 'nido',
        comune: 'Pontassieve',
        address: 'Via dei Mandorli 4',
        capacity: '40',
        kitchen: 'on',
        authorizationIssuedOn: '15/10/2024',
      };
      const bad = await clerk.post(`/servizi/${ids.service}`, { ...form, pec: 'non-un-indirizzo' }, `/servizi/${ids.service}`);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Indirizzo e-mail o PEC: «non-un-indirizzo» non è un indirizzo e-mail valido/);
      const good = await clerk.post(`/servizi/${ids.service}`, { ...form, pec: 'nidoprova3@pec.it' }, `/servizi/${ids.service}`);
      assert.equal(good.status, 303, good.text.slice(0, 300));

      const { token, inspectorId } = await office.device('Maria Rossi');
      await planning.savePerson(
        { name: 'Maria Rossi', role: 'pedagogista_zonale', comune: null, email: 'maria.rossi@zonafse.it', inspectorId },
        { clerkId: null, name: 'test' },
      );
      const client = new SyncClient({ baseUrl: office.url, token, retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
      const report = makePdf('verbale firmato della visita del 10/11/2026');
      const push = async (id: string, prescriptions: { rule: string; text: string; deadline: string }[]) => {
        const file = sampleFile(3, { date: '2026-11-10' });
        const r = await client.pushInspection({
          id,
          revision: 1,
          file,
          contentHash: contentHash(file),
          serviceId: ids.service,
          attachments: [{ sha256: sha256(report), kind: 'report', name: 'verbale.pdf', bytes: report }],
          prescriptions,
        });
        assert.equal(r.status, 'created', JSON.stringify(r));
      };
      await push('visita-prescrizioni', [
        { rule: 'training.fire', text: 'Completare la formazione antincendio del personale.', deadline: '2027-01-31' },
        { rule: 'staff.ratio', text: 'Ripristinare il rapporto numerico educatori/bambini.', deadline: '2026-12-15' },
      ]);
      const confirm = await clerk.post('/ispezioni/visita-prescrizioni/1/valida', {}, '/ispezioni/visita-prescrizioni/1');
      assert.match(confirm.text, /le 2 prescrizioni con i termini all’indirizzo del servizio nidoprova3@pec\.it/);
      assert.match(confirm.text, /Allegare il verbale firmato/);

      smtp.refuseNext(1);
      const before = smtp.received.length;
      const validated = await clerk.post(
        '/ispezioni/visita-prescrizioni/1/valida',
        { conferma: 'si', allega_verbale: 'si' },
        '/ispezioni/visita-prescrizioni/1',
      );
      assert.equal(validated.status, 303, validated.text.slice(0, 300));
      await office.server.mail.idle();
      let logged = (await outbox()).find((m) => m.kind === 'prescrizioni')!;
      assert.equal(logged.status, 'failed');
      assert.equal(logged.attempts, 1);
      assert.match(logged.lastError ?? '', /451/);
      assert.ok(logged.nextAttemptAt);
      assert.equal(smtp.received.length, before, 'refused: nothing received yet');
      assert.match(await clerk.page('/posta'), /Non riuscito \(1 tentativo\)/);
      await settle();
      logged = (await outbox()).find((m) => m.kind === 'prescrizioni')!;
      assert.equal(logged.status, 'sent');
      assert.equal(logged.attempts, 2);
      assert.equal(smtp.received.length, before + 1);
      const pec = smtp.received.at(-1)!;
      assert.deepEqual(smtp.envelopes.at(-1), ['nidoprova3@pec.it']);
      assert.equal(pec.subject, 'Prescrizioni a seguito della visita di vigilanza del 10/11/2026: Nido Prova 3');
      assert.match(
        pec.text ?? '',
        /Completare la formazione antincendio del personale\.\n {3}Termine per l’adempimento: entro il 31\/01\/2027\./,
      );
      assert.match(pec.text ?? '', /Termine per l’adempimento: entro il 15\/12\/2026\./);
      assert.match(pec.text ?? '', new RegExp(territory.inspectorate.label));
      const pdf = pec.attachments.find((a) => a.contentType === 'application/pdf');
      assert.ok(pdf, 'the signed report attached');
      assert.equal(pdf.filename, 'verbale.pdf');
      assert.ok(Buffer.from(pdf.content).equals(report), 'the attachment is the stored report, byte for byte');

      // Rejected with notes: the inspector's person is told, the notes quoted.
      await push('visita-respinta', []);
      await clerk.decide('visita-respinta', 1, 'respingi', 'Manca la firma del referente tecnico.\nCorreggere la data.');
      await office.server.mail.idle();
      const rejection = smtp.received.at(-1)!;
      assert.deepEqual(smtp.envelopes.at(-1), ['maria.rossi@zonafse.it']);
      assert.equal(rejection.subject, 'Verbale da correggere: Nido Prova 3, visita del 10/11/2026');
      assert.match(rejection.text ?? '', /> Manca la firma del referente tecnico\.\n> Correggere la data\./);
      assert.equal(rejection.attachments.length, 0);
    });

    test('a visit written through another PlanningStore than the page’s (the command line’s, a script’s) tells its members too', async () => {
      const sent = smtp.received.length;
      const visit = await planning.savePlannedVisit(
        {
          serviceId: ids.service!,
          purpose: 'verifica_periodica',
          reason: 'due',
          status: 'accepted',
          date: '2026-12-10',
          startTime: '09:00',
          endTime: '12:00',
          memberIds: [ids.anna!],
        },
        { clerkId: null, name: 'test' },
      );
      await settle();
      assert.equal(smtp.received.length, sent + 1);
      assert.deepEqual(smtp.envelopes.at(-1), ['anna.bianchi@zonafse.it']);
      assert.equal(smtp.received.at(-1)!.subject, 'Visita di vigilanza pianificata: Nido Prova 3, 10/12/2026');
      await planning.setPlannedVisitStatus(visit.id, 'dropped', { clerkId: null, name: 'test' });
      await settle();
      assert.equal(smtp.received.length, sent + 2);
      assert.equal(smtp.received.at(-1)!.subject, 'Visita di vigilanza annullata: Nido Prova 3, 10/12/2026');
    });
  });

describe('telling people: demo data and an office without --smtp', () => {
  let smtp: TestSmtp;
  let office: TestOffice;
  let clerk: Clerk;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => {
    await smtp?.close();
  });

  /** The office's clerk, logged in (`clerk`). */
  async function logIn(): Promise<void> {
    clerk = new Clerk(office.url);
    await clerk.login('Ufficio Zona', PASSWORD);
  }

  /** A nido in Fiesole and a pedagogista with an address, saved on the office. */
  async function nidoAndPedagogista(serviceName: string, person: { name: string; email: string }) {
    const service = await office.server.store.saveService({
      name: serviceName,
      type: 'nido',
      comune: 'Fiesole',
      capacity: 30,
      kitchen: false,
    });
    const p = await new PlanningStore(office.server.store.db, territory).savePerson(
      { ...person, role: 'pedagogista_zonale', comune: null, inspectorId: null },
      { clerkId: null, name: 'test' },
    );
    return { service, p };
  }

  /** The planning form of an accepted visit on `data`, 9 to 12, with the members' ids (comma-separated). */
  const acceptedVisit = (serviceId: string, data: string, membri: string) => ({
    ...PERIOD,
    serviceId,
    purpose: 'verifica_periodica',
    reason: 'due',
    stato: 'accepted',
    data,
    dalle: '09:00',
    alle: '12:00',
    membri,
    conferma: 'si',
  });

  test('demo visits and people: nothing written, nothing sent', async () => {
    office = await startOffice('sqlite', { today: () => TODAY, smtpUrl: smtp.url, mailJob: { pollMs: 0 } });
    try {
      const planning = new PlanningStore(office.server.store.db, territory);
      await seedOfficeDemo(office.server.store, planning, TODAY);
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      await logIn();
      const service = (await office.server.store.listServices())[0]!;
      const people = (await planning.listPeople()).slice(0, 2);
      assert.ok(people.every((p) => p.demo) && service.demo);
      const r = await clerk.post(
        '/pianificazione/visite',
        acceptedVisit(service.id, '03/12/2026', people.map((p) => p.id).join(',')),
        '/pianificazione',
      );
      assert.equal(r.status, 303, r.text.slice(0, 300));
      office.server.mail.kick();
      await office.server.mail.idle();
      assert.deepEqual(await office.server.mail.outbox.list(), []);
      assert.equal(smtp.received.length, 0);
      // The demo people's feeds work (the data is there to try), only mail is never sent.
      const made = await clerk.post(`/pianificazione/persone/${people[0]!.id}/calendario`, {}, '/pianificazione/persone');
      const url = /<code>([^<]+)<\/code>/.exec(made.text)![1]!;
      assert.equal(parseCalendar(await (await fetch(url)).text()).events.length >= 1, true);
    } finally {
      await office.close();
    }
  });

  test('without --smtp: the message is logged «SMTP non configurato», never silently dropped', async () => {
    office = await startOffice('sqlite', { today: () => TODAY });
    try {
      const planning = new PlanningStore(office.server.store.db, territory);
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      await logIn();
      const { service, p } = await nidoAndPedagogista('Nido Arcobaleno', { name: 'Anna Bianchi', email: 'anna.bianchi@zonafse.it' });
      const r = await clerk.post('/pianificazione/visite', acceptedVisit(service.id, '03/12/2026', p.id), '/pianificazione');
      assert.equal(r.status, 303, r.text.slice(0, 300));
      const log: MailRecord[] = await office.server.mail.outbox.list();
      assert.deepEqual(
        log.map((m) => [m.kind, m.recipient, m.status, m.attempts]),
        [['visita_pianificata', 'anna.bianchi@zonafse.it', 'unsendable', 0]],
      );
      assert.match(log[0]!.lastError ?? '', /^SMTP non configurato/);
      const page = await clerk.page('/posta');
      assert.match(page, /Non inviabile: SMTP non configurato/);
      assert.match(page, /avviato senza server di posta/);

      // A member added, then taken off the accepted visit: told it was planned, then that it is cancelled for them.
      const marco = await planning.savePerson(
        {
          name: 'Marco Neri',
          role: 'referente_tecnico_comune',
          comune: 'Fiesole',
          email: 'm.neri@comune.fiesole.fi.it',
          inspectorId: null,
        },
        { clerkId: null, name: 'test' },
      );
      const visitId = (await planning.listPlannedVisits('2026-12-03', '2026-12-03'))[0]!.id;
      const fields = { ...acceptedVisit(service.id, '03/12/2026', p.id), id: visitId };
      assert.equal(
        (await clerk.post('/pianificazione/visite', { ...fields, membri: `${p.id},${marco.id}` }, '/pianificazione')).status,
        303,
      );
      assert.equal((await clerk.post('/pianificazione/visite', { ...fields, membri: p.id }, '/pianificazione')).status, 303);
      assert.deepEqual(
        (await office.server.mail.outbox.list()).reverse().map((m) => [m.kind, m.recipient]),
        // Nobody was told (no SMTP): Anna's notice naming Marco is logged too; Marco, never told, gets no
        // cancellation; the last save's words for Anna are already logged, so not again.
        [
          ['visita_pianificata', 'anna.bianchi@zonafse.it'],
          ['visita_pianificata', 'anna.bianchi@zonafse.it'],
          ['visita_pianificata', 'm.neri@comune.fiesole.fi.it'],
        ],
      );
    } finally {
      await office.close();
    }
  });

  test('a member never told (no --smtp) is told «pianificata», not «spostata», once the office has SMTP', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-'));
    try {
      office = await startOffice('sqlite', { today: () => TODAY, dataDir });
      const planning = new PlanningStore(office.server.store.db, territory);
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      const { service, p } = await nidoAndPedagogista('Nido Lucciola', { name: 'Lia Verdi', email: 'lia.verdi@zonafse.it' });
      const fields = acceptedVisit(service.id, '04/12/2026', p.id);
      await logIn();
      assert.equal((await clerk.post('/pianificazione/visite', fields, '/pianificazione')).status, 303);
      const visitId = (await planning.listPlannedVisits('2026-12-04', '2026-12-04'))[0]!.id;
      await office.close();

      office = await startOffice('sqlite', {
        today: () => TODAY,
        dataDir,
        smtpUrl: smtp.url,
        mailJob: { pollMs: 0, retryDelayMs: () => 0 },
      });
      await logIn();
      const before = smtp.received.length;
      assert.equal(
        (await clerk.post('/pianificazione/visite', { ...fields, id: visitId, data: '09/12/2026' }, '/pianificazione')).status,
        303,
      );
      await office.server.mail.idle();
      const got = smtp.received.slice(before);
      assert.deepEqual(
        got.map((m) => m.subject),
        ['Visita di vigilanza pianificata: Nido Lucciola, 09/12/2026'],
      );
      assert.ok(!/precedenti/.test(got[0]!.text ?? ''), 'no «previous time» she never knew');
      assert.equal(icsOf(got[0]!).events[0]!.sequence, 0);
    } finally {
      await office.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a server that keeps refusing: given up after maxAttempts, shown «Non recapitato», never retried again', async () => {
    office = await startOffice('sqlite', {
      today: () => TODAY,
      smtpUrl: smtp.url,
      mailJob: { pollMs: 0, retryDelayMs: () => 0, maxAttempts: 2 },
    });
    try {
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      await logIn();
      const { service, p } = await nidoAndPedagogista('Nido Arcobaleno', { name: 'Anna Bianchi', email: 'anna.bianchi@zonafse.it' });
      smtp.refuseNext(5);
      const before = smtp.received.length;
      const r = await clerk.post('/pianificazione/visite', acceptedVisit(service.id, '03/12/2026', p.id), '/pianificazione');
      assert.equal(r.status, 303, r.text.slice(0, 300));
      for (let i = 0; i < 3; i++) {
        office.server.mail.kick();
        await office.server.mail.idle();
      }
      const [m] = await office.server.mail.outbox.list();
      assert.equal(m!.status, 'failed');
      assert.equal(m!.attempts, 2, 'no third try');
      assert.equal(m!.nextAttemptAt, null);
      assert.equal(smtp.received.length, before);
      assert.match(await clerk.page('/posta'), /Non recapitato dopo 2 tentativi: .*451/);
      smtp.refuseNext(0);
    } finally {
      await office.close();
    }
  });

  test('office serve with a malformed --smtp: an Italian error, exit 2, the password not echoed', () => {
    for (const [smtpArg, expected] of [
      ['posta.ufficio.it', /--smtp: indirizzo non valido/],
      ['http://posta.ufficio.it', /--smtp: serve un indirizzo smtp:\/\/ o smtps:\/\//],
      ['smtp://utente:segretissima@', /--smtp: (indirizzo non valido|manca il nome del server)/],
    ] as const) {
      const r = vigilanza(['office', 'serve', '--data', '/nonexistent-never-created', '--smtp', smtpArg]);
      assert.equal(r.status, 2, `${smtpArg}: ${r.stderr}`);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /segretissima/);
    }
    const r = vigilanza([
      'office',
      'serve',
      '--data',
      '/nonexistent-never-created',
      '--smtp',
      'smtp://posta.ufficio.it',
      '--mail-from',
      'non un indirizzo',
    ]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--mail-from: «non un indirizzo» non è un indirizzo e-mail valido/);
  });
});
