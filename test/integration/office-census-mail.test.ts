/**
 * §13 «respinta» → «in bozza» with correction notes that reach the Comune's users by e-mail: a real
 * office (SQLite file) and a real SMTP server on loopback (`smtp-server`, with AUTH), each message
 * read back with `mailparser`. The Comune's user with an address receives the notes (campaign,
 * Comune, sheet, notes quoted, who and when, the deadline); its colleague without an address is
 * logged `unsendable` naming what is missing; the user of another Comune receives nothing. The
 * address is given with `vigilanza office add-clerk --email` (a malformed one: Italian error, exit 2).
 * A census rejection and a review decision whose message write fails keep nothing (one transaction).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../office/security.ts';
import { CensusStore } from '../../office/storage/census.ts';
import { getCampaign } from '../../shared/census/index.ts';
import { vigilanza } from '../helpers/cli.ts';
import { seedOffice } from '../helpers/office-seed.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { saveCensusNidi } from '../helpers/census.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const C = getCampaign('piemonte-2025')!;
const PASSWORD = 'una-password-lunga';
const ASTI = '/rilevazione/piemonte-2025/comuni/Asti/servizi';

describe('census rejection notes by e-mail (sqlite, real SMTP on loopback)', () => {
  let smtp: TestSmtp;
  let office: TestOffice;
  const ids: Record<string, string> = {};

  before(async () => {
    smtp = await startSmtp();
    office = await startOffice('sqlite', {
      today: () => '2025-05-05',
      smtpUrl: smtp.url,
      mailJob: { pollMs: 0, retryDelayMs: () => 0 },
    });
    const s = office.server.store;
    Object.assign(ids, await saveCensusNidi(s));
    const hash = await hashPassword(PASSWORD);
    await s.createClerk('Revisore Regione', hash, { role: 'reviewer' });
    await s.createClerk('Collega Asti', hash, { role: 'comune', comune: 'Asti' });
  });
  after(async () => {
    await office?.close();
    await smtp?.close();
  });

  test('add-clerk --email: a malformed address is an Italian error, exit 2, nothing made; a good one is kept', async () => {
    const data = ['--data', office.dataDir];
    const env = { ...process.env, VIGILANZA_CLERK_PASSWORD: PASSWORD };
    const bad = vigilanza(['office', 'add-clerk', ...data, '--comune', 'Asti', '--email', 'ufficio.asti@', 'Utente Asti'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--email: «ufficio\.asti@» non è un indirizzo e-mail valido \(per esempio nome@pec\.it\)/);
    assert.equal(await office.server.store.getClerkByName('Utente Asti'), undefined, 'nothing made');
    for (const [comune, email, name] of [
      ['Asti', 'servizi.educativi@comune.asti.it', 'Utente Asti'],
      ['Bra', 'istruzione@comune.bra.cn.it', 'Utente Bra'],
    ]) {
      const made = vigilanza(['office', 'add-clerk', ...data, '--comune', comune!, '--email', email!, name!], { env });
      assert.equal(made.status, 0, made.stderr);
      assert.match(
        made.stdout,
        new RegExp(`Operatore creato: ${name} \\(utente del Comune di ${comune}\\), e-mail ${email!.replace(/\./g, '\\.')}`),
      );
    }
  });

  test('§13: the rejection reaches the Comune user by e-mail, the colleague without address is logged, Bra gets nothing', async () => {
    // Asti fills and sends its SERVIZI sheet (13 months of attendance, the service described).
    const asti = new Clerk(office.url);
    await asti.login('Utente Asti', PASSWORD);
    const rows = ['Servizio;Mese;Frequentanti'];
    for (let i = 0; i < 13; i++) {
      const y = 2024 + Math.floor(i / 12);
      rows.push(`Nido Stella;${String((i % 12) + 1).padStart(2, '0')}/${y};18`);
    }
    assert.equal((await asti.post('/rilevazione/piemonte-2025/comuni/Asti/frequenze', { csv: rows.join('\n') }, ASTI)).status, 303);
    const fields = {
      [`s.${ids.stella}.stato`]: 'attivo',
      [`s.${ids.stella}.titolarita`]: 'pubblico',
      [`s.${ids.stella}.titolare`]: 'Comune di Asti',
      [`s.${ids.stella}.gestore`]: 'Cooperativa Stella',
    };
    assert.equal((await asti.post(ASTI, fields, ASTI)).status, 303);
    const sent = await asti.post(`${ASTI}/stato`, { azione: 'invia' }, ASTI);
    assert.equal(sent.status, 303, sent.text.slice(0, 800));

    const revisore = new Clerk(office.url);
    await revisore.login('Revisore Regione', PASSWORD);
    const notes = 'Il titolare del Nido Stella va indicato con la ragione sociale completa.\nVerificare i frequentanti di gennaio 2025.';
    assert.equal((await revisore.post(`${ASTI}/stato`, { azione: 'respingi', note: notes }, ASTI)).status, 303);
    await office.server.mail.idle();

    const outbox = (await office.server.mail.outbox.list()).filter((m) => m.kind === 'rilevazione_respinta');
    assert.deepEqual(
      outbox
        .map((m) => ({ status: m.status, recipient: m.recipient, error: m.lastError }))
        .sort((a, b) => a.status.localeCompare(b.status)),
      [
        { status: 'sent', recipient: 'servizi.educativi@comune.asti.it', error: null },
        {
          status: 'unsendable',
          recipient: '',
          error: 'nessun indirizzo e-mail per l’utente Collega Asti del Comune di Asti (vigilanza office add-clerk --email)',
        },
      ],
    );
    // Exactly one message over SMTP, to Asti's user only.
    assert.deepEqual(smtp.envelopes, [['servizi.educativi@comune.asti.it']]);
    const mail = smtp.received[0]!;
    assert.equal(
      mail.subject,
      'Rilevazione 2025 sui servizi educativi per la prima infanzia: scheda SERVIZI del Comune di Asti da correggere',
    );
    const text = mail.text ?? '';
    assert.match(text, /^Gentile Utente Asti,/);
    assert.match(
      text,
      /la scheda SERVIZI del Comune di Asti per la Rilevazione 2025 sui servizi educativi per la prima infanzia \(Regione Piemonte\)/,
    );
    assert.match(text, /è stata respinta il \d\d\/\d\d\/\d{4} da Revisore Regione ed è tornata «in bozza»/);
    assert.ok(
      text.includes(
        '> Il titolare del Nido Stella va indicato con la ragione sociale completa.\n> Verificare i frequentanti di gennaio 2025.',
      ),
    );
    assert.match(text, /entro il 15\/05\/2025, termine della rilevazione/);
    assert.ok(!/comune\.bra|Bra\b/.test(text), 'nothing of Bra');
    // The sheet is back in draft with the notes, on the Comune user's screen.
    assert.equal((await new CensusStore(office.server.store.db).census(C, 'Asti')).servizi.state, 'bozza');
    assert.ok((await asti.page(ASTI)).includes('Verificare i frequentanti di gennaio 2025.'));
  });

  test('a rejection that cannot write its message keeps nothing (same transaction)', async () => {
    const db = office.server.store.db;
    const asti = new Clerk(office.url);
    await asti.login('Utente Asti', PASSWORD);
    assert.equal((await asti.post(`${ASTI}/stato`, { azione: 'invia' }, ASTI)).status, 303);
    const before = await new CensusStore(db).events(C, 'Asti', 'servizi');
    // The outbox refuses the write (a failing store): the rejection must not commit without its message.
    const store = new CensusStore(db, {
      onRejected: async (sql, r) => {
        await office.server.mail.censusRejected(sql, r);
        throw new Error('scrittura della posta non riuscita');
      },
    });
    await assert.rejects(
      store.transition(C, 'Asti', 'servizi', 'respingi', { clerkId: null, name: 'Revisore', role: 'reviewer', comune: null }, 'Nota'),
      /scrittura della posta non riuscita/,
    );
    const after = await new CensusStore(db).census(C, 'Asti');
    assert.equal(after.servizi.state, 'in_validazione');
    assert.deepEqual(await new CensusStore(db).events(C, 'Asti', 'servizi'), before);
    assert.equal((await office.server.mail.outbox.list()).filter((m) => m.kind === 'rilevazione_respinta').length, 2);
  });

  test('a review decision whose message cannot be written is not recorded either (same transaction)', async () => {
    const store = office.server.store;
    await seedOffice(store, { revisions: 6, services: 2, today: '2025-05-05', seed: 3 });
    const row = await store.db.get<{ inspection_id: string; revision: number }>(
      "SELECT inspection_id, revision FROM revisions WHERE review_status IN ('ricevuta', 'in_validazione') ORDER BY inspection_id LIMIT 1",
    );
    assert.ok(row, 'a revision still to decide');
    const clerk = await store.db.get<{ id: string }>("SELECT id FROM clerks WHERE role = 'office' LIMIT 1");
    const outboxBefore = await office.server.mail.outbox.count();
    const before = (await store.getRevision(row.inspection_id, Number(row.revision)))!.review.status;
    await assert.rejects(
      store.decide(row.inspection_id, Number(row.revision), 'rejected', 'Manca la firma.', clerk!.id, async (sql) => {
        assert.equal(await office.server.mail.revisionDecided(sql, row.inspection_id, Number(row.revision)), true, 'message written');
        throw new Error('caduta del server');
      }),
      /caduta del server/,
    );
    assert.equal((await store.getRevision(row.inspection_id, Number(row.revision)))!.review.status, before, 'decision not kept');
    assert.equal(await office.server.mail.outbox.count(), outboxBefore, 'message not kept');
    // Without the crash both commit together.
    await store.decide(row.inspection_id, Number(row.revision), 'rejected', 'Manca la firma.', clerk!.id, async (sql) => {
      await office.server.mail.revisionDecided(sql, row.inspection_id, Number(row.revision));
    });
    assert.equal((await store.getRevision(row.inspection_id, Number(row.revision)))!.review.status, 'respinta');
    assert.equal(await office.server.mail.outbox.count(), outboxBefore + 1);
  });
});
