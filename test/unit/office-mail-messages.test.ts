/**
 * The words of the office's e-mails (office/mail-messages.ts), the iCalendar times
 * (office/calendar.ts) and the checks of --smtp and of addresses (office/mail.ts): pure, table-driven.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { romeInstant, visitCalendar } from '../../office/calendar.ts';
import { emailProblem, signedReport, smtpUrlProblem } from '../../office/mail.ts';
import { prescriptionsNotice, rejectionNotice, sender, visitNotice } from '../../office/mail-messages.ts';
import { getTerritory } from '../../shared/territories/index.ts';

const zona = getTerritory('zona-fse')!;
const lucca = getTerritory('lucca')!;

test('Rome civil time to UTC: winter +1, summer +2, both days of the change of hour', () => {
  for (const [date, time, utc] of [
    ['2026-12-03', '09:00', '2026-12-03T08:00:00.000Z'],
    ['2026-07-10', '09:00', '2026-07-10T07:00:00.000Z'],
    ['2026-03-29', '01:30', '2026-03-29T00:30:00.000Z'], // before 02:00 CET
    ['2026-03-29', '03:30', '2026-03-29T01:30:00.000Z'], // after the jump to CEST
    ['2026-10-25', '04:00', '2026-10-25T03:00:00.000Z'], // back to CET
    ['2026-12-31', '23:30', '2026-12-31T22:30:00.000Z'],
  ] as const)
    assert.equal(romeInstant(date, time).toISOString(), utc, `${date} ${time}`);
});

test('a visit calendar parses with ical.js: UID, SEQUENCE, status by plan status, CANCEL marks cancelled', () => {
  const base = {
    date: '2026-12-03',
    startTime: '09:00',
    endTime: '12:00',
    purpose: 'verifica_periodica' as const,
    serviceName: 'Nido Girasole',
    address: 'Via Roma 1',
    comune: 'Bagno a Ripoli',
    members: ['Anna Bianchi', 'Marco Neri'],
    updatedAt: '2026-11-20T10:00:00.000Z',
  };
  const text = visitCalendar('Visite', [
    { ...base, id: 'v1', status: 'accepted', sequence: 2 },
    { ...base, id: 'v2', status: 'proposed', sequence: 0, startTime: '14:00', endTime: '16:00' },
  ]);
  const root = new ICAL.Component(ICAL.parse(text));
  assert.equal(root.getFirstPropertyValue('method'), null, 'a subscribed feed has no METHOD');
  const events = root.getAllSubcomponents('vevent');
  assert.deepEqual(
    events.map((c) => {
      const e = new ICAL.Event(c);
      return [e.uid, e.sequence, c.getFirstPropertyValue('status'), e.startDate.toJSDate().toISOString(), e.summary];
    }),
    [
      [
        'v1@pianificazione.vigilanza-nidi',
        2,
        'CONFIRMED',
        '2026-12-03T08:00:00.000Z',
        'Verifica periodica del mantenimento dei requisiti: Nido Girasole',
      ],
      [
        'v2@pianificazione.vigilanza-nidi',
        0,
        'TENTATIVE',
        '2026-12-03T13:00:00.000Z',
        '(proposta) Verifica periodica del mantenimento dei requisiti: Nido Girasole',
      ],
    ],
  );
  const cancel = new ICAL.Component(ICAL.parse(visitCalendar('x', [{ ...base, id: 'v1', status: 'accepted', sequence: 3 }], 'CANCEL')));
  assert.equal(cancel.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(cancel.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status'), 'CANCELLED');
});

test('visit notices: planned, moved (with the old time), cancelled; who sends, Italian dates', () => {
  const v = {
    recipientName: 'Anna Bianchi',
    purpose: 'autorizzazione' as const,
    serviceName: 'Nido Girasole',
    address: 'Via Roma 1',
    comune: 'Bagno a Ripoli',
    date: '2026-12-10',
    startTime: '14:00',
    endTime: '17:00',
    members: ['Anna Bianchi', 'Marco Neri'],
  };
  const planned = visitNotice(zona, { ...v, kind: 'planned' });
  assert.equal(planned.subject, 'Visita di vigilanza pianificata: Nido Girasole, 10/12/2026');
  assert.match(planned.body, /^Gentile Anna Bianchi,\n/);
  assert.match(planned.body, /visita di vigilanza \(autorizzazione al funzionamento\) presso Nido Girasole, Via Roma 1, Bagno a Ripoli/);
  assert.match(planned.body, /Data e orario: 10\/12\/2026, dalle 14:00 alle 17:00\./);
  assert.match(planned.body, /Commissione zonale · Zona Fiorentina Sud-Est/);
  const moved = visitNotice(zona, { ...v, kind: 'moved', before: { date: '2026-12-03', startTime: '09:00', endTime: '12:00' } });
  assert.equal(moved.subject, 'Visita di vigilanza spostata: Nido Girasole, ora il 10/12/2026');
  assert.match(moved.body, /Data e orario precedenti, non più validi: 03\/12\/2026, dalle 09:00 alle 12:00\./);
  const cancelled = visitNotice(lucca, { ...v, kind: 'cancelled' });
  assert.equal(cancelled.subject, 'Visita di vigilanza annullata: Nido Girasole, 10/12/2026');
  assert.match(cancelled.body, /prevista per il 10\/12\/2026, dalle 14:00 alle 17:00, è stata annullata/);
  assert.match(cancelled.body, /Vigilanza del Comune · Città di Lucca/);
  assert.doesNotMatch(cancelled.body, /Commissione:/);
});

test('prescriptions to the service: the territory’s word and article, each deadline dd/mm/yyyy, the protocol, the attachment', () => {
  const input = {
    serviceName: 'Nido Girasole',
    comune: 'Lucca',
    visitDate: '2026-11-10',
    purpose: 'verifica_periodica',
    prescriptions: [{ text: 'Completare la formazione antincendio.', deadline: '2027-01-31' }],
    protocol: null,
    reportAttached: false,
  };
  const one = prescriptionsNotice(lucca, input);
  assert.equal(one.subject, 'Diffida a seguito della visita di vigilanza del 10/11/2026: Nido Girasole');
  assert.match(one.body, /^Al gestore del servizio Nido Girasole \(Lucca\),/);
  assert.match(one.body, /Vigilanza del Comune · Città di Lucca comunica, ai sensi del Reg\. Lucca art\. 32 c\.2, la seguente diffida:/);
  assert.match(one.body, /1\. Completare la formazione antincendio\.\n {3}Termine per l’adempimento: entro il 31\/01\/2027\./);
  assert.match(one.body, /tenuto ad adempiere alla diffida entro il termine/);
  assert.doesNotMatch(one.body, /In allegato/);
  const two = prescriptionsNotice(zona, {
    ...input,
    prescriptions: [...input.prescriptions, { text: 'Ripristinare il rapporto numerico.', deadline: '2026-12-15' }],
    protocol: { number: '2026/0012345', date: '2026-11-18' },
    reportAttached: true,
  });
  assert.equal(two.subject, 'Prescrizioni a seguito della visita di vigilanza del 10/11/2026: Nido Girasole');
  assert.match(two.body, /le seguenti prescrizioni:/);
  assert.match(two.body, /2\. Ripristinare il rapporto numerico\.\n {3}Termine per l’adempimento: entro il 15\/12\/2026\./);
  assert.match(two.body, /a ciascuna prescrizione entro il termine/);
  assert.match(two.body, /protocollo del Comune n\. 2026\/0012345 del 18\/11\/2026/);
  assert.match(two.body, /In allegato il verbale della visita firmato digitalmente\./);
});

test('the rejection to the inspector quotes every line of the notes', () => {
  const r = rejectionNotice(zona, {
    recipientName: 'Maria Rossi',
    serviceName: 'Nido Girasole',
    visitDate: '2026-11-10',
    revision: 2,
    notes: ' Prima riga\nSeconda riga ',
  });
  assert.equal(r.subject, 'Verbale da correggere: Nido Girasole, visita del 10/11/2026');
  assert.match(r.body, /respinto la revisione 2 del verbale/);
  assert.match(r.body, /> Prima riga\n> Seconda riga\n/);
  assert.equal(sender(zona), 'Commissione zonale · Zona Fiorentina Sud-Est');
});

test('--smtp and addresses: what is refused, in Italian', () => {
  for (const ok of ['smtp://127.0.0.1:2525', 'smtps://utente%40pec.it:pw@smtps.pec.aruba.it:465', 'smtp://posta.comune.it'])
    assert.equal(smtpUrlProblem(ok), null, ok);
  for (const [bad, re] of [
    ['posta.comune.it', /indirizzo non valido/],
    ['https://posta.comune.it', /serve un indirizzo smtp:\/\/ o smtps:\/\//],
    ['smtp://posta.comune.it/percorso', /non deve avere un percorso/],
  ] as const)
    assert.match(smtpUrlProblem(bad) ?? '', re, bad);
  assert.doesNotMatch(smtpUrlProblem('smtp:// utente:segreta@') ?? 'x', /segreta/);
  for (const ok of ['nido.girasole@pec.it', 'a.b+c@comune.bagno-a-ripoli.fi.it']) assert.equal(emailProblem(ok), null, ok);
  for (const bad of ['nido', 'nido@pec', 'a b@pec.it', 'a@@pec.it', '<a@pec.it>', `${'a'.repeat(250)}@pec.it`])
    assert.ok(emailProblem(bad), bad);
});

test('the report attached is the latest received version, never one the office made', () => {
  assert.equal(signedReport({ attachments: [] }), null);
  const r = signedReport({
    attachments: [
      { sha256: 'a', size: 1, kind: 'report', name: 'verbale.pdf' },
      { sha256: 'p', size: 1, kind: 'photo', name: 'foto.jpg' },
      { sha256: 'b', size: 1, kind: 'report', name: 'verbale.pdf', addedAt: '2026-11-11T00:00:00Z' },
      { sha256: 'c', size: 1, kind: 'report', name: 'verbale.pdf', derivedFrom: 'b' },
    ],
  });
  assert.equal(r?.sha256, 'b');
});
