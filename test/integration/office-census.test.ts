/**
 * The regional census (issue 15) in the office app, over HTTP against a real office (SQLite file,
 * and PostgreSQL), citing the Piemonte 2025 notes (seed 000_f7d4317d56c88abf): averages from the
 * imported monthly attendance (§6, §7: authorised mid-period, between the period's end and the
 * opening date), cessation (§8) and unreachable with motivation (§9), the INTERVENTI rules (§10–12)
 * failing then passing, the full cycle draft → sent → rejected with notes → corrected → validated
 * (§13), role checks (a Comune's user cannot touch another Comune: 403), the export read back with
 * exceljs, and the CLI's `census check` / `census export`.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../office/security.ts';
import { CensusStore } from '../../office/storage/census.ts';
import { openSqlite } from '../../office/storage/db.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { getCampaign } from '../../shared/census/index.ts';
import { Fraction } from '../../shared/fraction.ts';
import { vigilanza } from '../helpers/cli.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';

const C = getCampaign('piemonte-2025')!;
const PASSWORD = 'una-password-lunga';
const BASE = '/rilevazione/piemonte-2025';
const ALBA = `${BASE}/comuni/Alba`;
const BRA = `${BASE}/comuni/Bra`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

after(() => stopPostgres());

const service = (name: string, comune: string, authorizationIssuedOn: string | null, capacity = 30) => ({
  name,
  type: 'nido',
  comune,
  address: `Via ${name} 1`,
  capacity,
  kitchen: true,
  authorizationIssuedOn,
});

/** Month rows «Servizio;Mese;Frequentanti» from `from` to `to` (aaaa-mm) with one figure. */
function months(name: string, from: string, to: string, n: number): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    out.push(`${name};${String(m).padStart(2, '0')}/${y};${n}`);
    if (month === to) return out;
    if (++m === 13) [y, m] = [y + 1, 1];
  }
}

test('migration 15: a clerk made before stays a full office clerk; roles and Comune stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'census-mig-'));
  const db = openSqlite(dir);
  try {
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 15),
    );
    await db.run("INSERT INTO clerks (id, name, password_hash, created_at) VALUES ('c1', 'Vecchio', 'x', '2025-01-01T00:00:00Z')");
    assert.deepEqual(
      await migrate(db),
      MIGRATIONS.filter((m) => m.version >= 15).map((m) => m.version),
    );
    assert.deepEqual(await db.get('SELECT role, comune, email FROM clerks WHERE id = ?', ['c1']), {
      role: 'office',
      comune: null,
      email: null,
    });
  } finally {
    await db.close();
  }
});

for (const backend of BACKENDS)
  describe(`rilevazione dei servizi (${backend})`, () => {
    let office: TestOffice;
    const ids: Record<string, string> = {};
    const ufficio = () => new Clerk(office.url);
    let alba: Clerk;
    let bra: Clerk;
    let revisore: Clerk;

    before(async () => {
      office = await startOffice(backend, { today: () => '2025-05-05' });
      const s = office.server.store;
      for (const [key, input] of Object.entries({
        girasole: service('Nido Girasole', 'Alba', '2019-09-01'),
        // §7: authorised after the period's start: averaged from 15/03/2024.
        mimosa: service('Nido Mimosa', 'Alba', '2024-03-15'),
        // §7: authorised between the period's end and the opening date: 17/02–29/04/2025.
        aurora: service('Micronido Aurora', 'Alba', '2025-02-17', 12),
        chiuso: service('Nido Chiuso', 'Alba', '2018-01-01'),
        lontano: service('Nido Lontano', 'Alba', '2018-01-01'),
        futuro: service('Nido Futuro', 'Alba', '2025-05-02'),
        bra: service('Nido Bra', 'Bra', '2020-01-01'),
      }))
        ids[key] = (await s.saveService(input)).id;
      const hash = await hashPassword(PASSWORD);
      await s.createClerk('Ufficio', hash);
      await s.createClerk('Revisore Regione', hash, { role: 'reviewer' });
      await s.createClerk('Utente Alba', hash, { role: 'comune', comune: 'Alba' });
      await s.createClerk('Utente Bra', hash, { role: 'comune', comune: 'Bra' });
      alba = new Clerk(office.url);
      await alba.login('Utente Alba', PASSWORD);
      bra = new Clerk(office.url);
      await bra.login('Utente Bra', PASSWORD);
      revisore = new Clerk(office.url);
      await revisore.login('Revisore Regione', PASSWORD);
    });
    after(() => office?.close());

    const post = (who: Clerk, path: string, fields: Record<string, string>, from = `${ALBA}/servizi`) => who.post(path, fields, from);

    test('roles: a Comune user reaches only its own Comune and the census (403, Italian); a reviewer does not fill', async () => {
      const raw = async (who: Clerk, path: string) =>
        (await fetch(`${office.url}${path}`, { headers: { cookie: who.cookieHeader() }, redirect: 'manual' })).status;
      assert.equal(await raw(alba, `${BRA}/servizi`), 403);
      assert.equal(await raw(alba, '/coda'), 403);
      assert.equal(await raw(alba, '/servizi'), 403);
      assert.equal(await raw(alba, `${BASE}/export.json`), 403);
      assert.equal(await raw(revisore, '/coda'), 403);
      // The dashboard sends a Comune's user to its own sheet.
      const r = await fetch(`${office.url}${BASE}`, { headers: { cookie: alba.cookieHeader() }, redirect: 'manual' });
      assert.equal(r.headers.get('location'), `${ALBA}/servizi`);
      for (const path of [`${BRA}/servizi`, `${BRA}/servizi/stato`, `${BRA}/frequenze`, `${BRA}/interventi`]) {
        const res = await post(alba, path, { azione: 'invia', csv: 'Servizio;Mese;Frequentanti\nNido Bra;01/2024;3' });
        assert.equal(res.status, 403, path);
        assert.match(res.text, /Accesso non consentito: questo utente compila soltanto le schede del proprio Comune/);
      }
      assert.equal((await post(revisore, `${ALBA}/servizi`, {}, `${ALBA}/servizi`)).status, 403);
      assert.equal((await post(alba, `${ALBA}/cpt`, { cpt: 'si' })).status, 403);
      // Nothing of Bra changed.
      const store = new CensusStore(office.server.store.db);
      assert.equal((await store.attendanceOf(ids.bra!)).size, 0);
      assert.equal((await store.census(C, 'Bra')).servizi.state, 'bozza');
      // The store refuses it too, whatever the route.
      await assert.rejects(
        store.saveSheet(C, 'Bra', 'servizi', {}, { clerkId: null, name: 'x', role: 'comune', comune: 'Alba' }),
        /Accesso non consentito/,
      );
    });

    test('§6 §7 attendance import: a bad row is named and nothing is saved; then the averages, day-weighted', async () => {
      const bad = [
        'Servizio;Mese;Frequentanti',
        'Nido Girasole;01/2024;20',
        'Nido Girasole;13/2024;20',
        'Nido Inesistente;02/2024;5',
        'Nido Girasole;03/2024;venti',
      ];
      const r = await post(alba, `${ALBA}/frequenze`, { csv: bad.join('\n') });
      assert.equal(r.status, 400);
      assert.match(r.text, /riga 3: mese «13\/2024» non valido/);
      assert.match(r.text, /riga 4: servizio «Nido Inesistente» non presente nel registro/);
      assert.match(r.text, /riga 5: frequentanti «venti»: serve un numero intero da 0 a 500/);
      const store = new CensusStore(office.server.store.db);
      assert.equal((await store.attendanceOf(ids.girasole!)).size, 0, 'nothing saved');

      const csv = [
        'Servizio;Mese;Frequentanti',
        ...months('Nido Girasole', '2024-01', '2024-12', 20),
        'Nido Girasole;gennaio 2025;30',
        'Nido Mimosa;2024-03;10',
        ...months('Nido Mimosa', '2024-04', '2025-01', 16),
        'Micronido Aurora;02/2025;6',
        'Micronido Aurora;03/2025;9',
        // Aurora's April 2025 is missing: its average cannot be computed yet.
      ];
      assert.equal((await post(alba, `${ALBA}/frequenze`, { csv: csv.join('\n') })).status, 303);
      const page = await alba.page(`${ALBA}/servizi`);
      // 2/1/2024–31/1/2025 = 396 days: January 2024 weighs 30 days at 20, then 335 days at 20, 31 at 30.
      assert.equal(Fraction.of(365 * 20 + 31 * 30, 396).toItalian(2), '20,78');
      assert.ok(page.includes('20,78 (su 396 giorni)'), 'Girasole');
      // Mimosa from 15/03/2024: March 17 days at 10, then 306 days at 16, over 323.
      assert.equal(Fraction.of(17 * 10 + 306 * 16, 323).toItalian(2), '15,68');
      assert.ok(page.includes('15,68 (su 323 giorni)'), 'Mimosa');
      assert.ok(page.includes('dal 15/03/2024 al 31/01/2025'));
      assert.ok(page.includes('mancano aprile 2025'), 'Aurora lacks April');
      assert.ok(page.includes('dal 17/02/2025 al 29/04/2025'));
      assert.ok(!page.includes('Nido Futuro'), 'authorised after the opening date: not in this census');
      // The months can also be typed on the sheet: April 2025 for Aurora (17/02–29/04: 12·6 + 31·9 + 29·12 over 72).
      const saved = await post(alba, `${ALBA}/servizi`, { [`f.${ids.aurora}.2025-04`]: '12' });
      assert.equal(saved.status, 303, saved.text.slice(0, 500));
      assert.equal(Fraction.of(12 * 6 + 31 * 9 + 29 * 12, 72).toItalian(2), '9,71');
      assert.ok((await alba.page(`${ALBA}/servizi`)).includes('9,71 (su 72 giorni)'));
    });

    const serviziFields = (over: Record<string, string> = {}) => {
      const f: Record<string, string> = {};
      for (const k of ['girasole', 'mimosa', 'aurora', 'chiuso', 'lontano']) {
        f[`s.${ids[k]}.stato`] = 'attivo';
        f[`s.${ids[k]}.titolarita`] = k === 'girasole' ? 'pubblico' : 'privato';
        f[`s.${ids[k]}.titolare`] = k === 'girasole' ? 'Comune di Alba' : 'Coop Infanzia';
        f[`s.${ids[k]}.gestore`] = 'Coop Infanzia';
      }
      f[`s.${ids.mimosa}.primavera`] = 'si';
      f[`s.${ids.chiuso}.stato`] = 'cessato';
      f[`s.${ids.lontano}.stato`] = 'non_raggiungibile';
      return { ...f, ...over };
    };

    test('§8 §9 SERVIZI: ceased; unreachable needs its motivation; a missing service added (§7); sent, then read-only', async () => {
      assert.equal((await post(alba, `${ALBA}/servizi`, serviziFields())).status, 303);
      let page = await alba.page(`${ALBA}/servizi`);
      assert.match(page, /«Nido Lontano»: servizio non raggiungibile senza motivazione/);
      const refused = await post(alba, `${ALBA}/servizi/stato`, { azione: 'invia' });
      assert.equal(refused.status, 409);
      assert.match(refused.text, /un controllo non superato/);
      // A missing service with a bad figure: 400 naming the field, nothing saved.
      const badNew = await post(alba, `${ALBA}/servizi`, serviziFields({ 'n.denominazione': 'Nido Nuovo', 'n.capacita': 'venti' }));
      assert.equal(badNew.status, 400);
      assert.match(badNew.text, /Servizio mancante, capacità ricettiva: numero intero da 1 a 500/);
      const ok = await post(
        alba,
        `${ALBA}/servizi`,
        serviziFields({
          [`s.${ids.lontano}.motivazione`]: 'Non interessato alla contribuzione pubblica',
          'n.denominazione': 'Nido Nuovo',
          'n.indirizzo': 'Via Nuova 2',
          'n.titolo': 'Autorizzazione n. 7 del 10/03/2025',
          'n.titolare': 'Asilo Srl',
          'n.gestore': 'Asilo Srl',
          'n.capacita': '18',
          'n.frequentanti': '11,5',
          'n.titolarita': 'privato',
        }),
      );
      assert.equal(ok.status, 303, ok.text.slice(0, 400));
      page = await alba.page(`${ALBA}/servizi`);
      assert.match(page, /Tutti i controlli della scheda sono superati/);
      assert.ok(page.includes('Nido Nuovo (aggiunto dal Comune)'));
      // INTERVENTI goes after SERVIZI (§13).
      const early = await post(alba, `${ALBA}/interventi/stato`, { azione: 'invia' }, `${ALBA}/interventi`);
      assert.equal(early.status, 409);
      assert.match(early.text, /Inviare prima la scheda SERVIZI/);
      assert.equal((await post(alba, `${ALBA}/servizi/stato`, { azione: 'invia' })).status, 303);
      page = await alba.page(`${ALBA}/servizi`);
      assert.match(page, /Inviata in validazione<\/strong> \(sola lettura\)/);
      assert.ok(!page.includes('Salva la scheda'));
      const late = await post(alba, `${ALBA}/servizi`, serviziFields());
      assert.equal(late.status, 409);
      assert.match(late.text, /sola lettura/);
    });

    test('§10–12 INTERVENTI: each rule failing with its message, then passing; C1 only in a CPT', async () => {
      const form = (rows: Array<[string | null, string, string, string]>, extra: Record<string, string> = {}) => {
        const f: Record<string, string> = {};
        rows.forEach(([ref, code, importo, descrizione], i) =>
          Object.assign(f, {
            [`a.${i}.ref`]: ref ?? '',
            [`a.${i}.code`]: code,
            [`a.${i}.importo`]: importo,
            [`a.${i}.descrizione`]: descrizione,
          }),
        );
        return { ...f, ...extra };
      };
      const full: Array<[string | null, string, string, string]> = [
        [ids.girasole!, 'B1', '1.234,50', 'Contributo alla gestione'],
        [ids.girasole!, 'B3', '0,00', 'Riduzione delle rette'],
        [ids.mimosa!, 'B2', '0', 'Contributo alla gestione'],
        [ids.mimosa!, 'B4', '0', 'Riduzione delle rette'],
        [ids.mimosa!, 'B8', '500', 'Sezione Primavera'],
        [ids.aurora!, 'B2', '0', 'Contributo'],
        [ids.aurora!, 'B4', '0', 'Rette'],
      ];
      const nuovo = (await new CensusStore(office.server.store.db).census(C, 'Alba')).services.find((s) => s.added)!.ref;
      full.push([nuovo, 'B2', '0', 'Contributo'], [nuovo, 'B4', '0', 'Rette']);
      const at = `${ALBA}/interventi`;
      const cases: Array<[string, Array<[string | null, string, string, string]>, RegExp]> = [
        ['B3 missing', full.filter((r) => !(r[0] === ids.girasole && r[1] === 'B3')), /«Nido Girasole»: manca l&#x27;azione B3/],
        ['B1 on a private service', [...full, [ids.mimosa!, 'B1', '0', 'x']], /«Nido Mimosa», B1: vale per i servizi pubblici/],
        ['B8 missing with a Sezione Primavera', full.filter((r) => r[1] !== 'B8'), /«Nido Mimosa»: manca l&#x27;azione B8/],
        [
          'B8 without a Sezione Primavera',
          [...full, [ids.aurora!, 'B8', '0', 'x']],
          /«Micronido Aurora», B8: il servizio non ha una Sezione Primavera/,
        ],
        [
          'an empty amount',
          full.map((r, i) => (i === 0 ? ([r[0], r[1], '', r[3]] as typeof r) : r)),
          /manca la quota comunale \(indicare € 0,00 se nessuna/,
        ],
        [
          'a description over 100 characters',
          full.map((r, i) => (i === 0 ? ([r[0], r[1], r[2], 'x'.repeat(101)] as typeof r) : r)),
          /descrizione di 101 caratteri, al massimo 100/,
        ],
        ['C1 outside a CPT', [...full, [null, 'C1', '0', 'Formazione']], /C1: il Comune non aderisce a un CPT/],
        ['an action for a ceased service', [...full, [ids.chiuso!, 'B2', '0', 'x']], /«Nido Chiuso», B2: il servizio è dichiarato cessato/],
      ];
      for (const [name, rows, want] of cases) {
        assert.equal((await post(alba, at, form(rows), at)).status, 303, name);
        const page = await alba.page(at);
        assert.match(page, want, name);
        assert.equal((await post(alba, `${at}/stato`, { azione: 'invia' }, at)).status, 409, name);
      }
      // A bad amount is refused at once, naming the row.
      const bad = await post(alba, at, form(full.map((r, i) => (i === 0 ? ([r[0], r[1], '-5', r[3]] as typeof r) : r))), at);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Azione B1, quota comunale: importo non valido: «-5»/);
      // The reviewer says Alba is in a CPT: C1 becomes mandatory, once.
      assert.equal((await post(revisore, `${ALBA}/cpt`, { cpt: 'si' }, at)).status, 303);
      assert.equal((await post(alba, at, form(full), at)).status, 303);
      assert.match(await alba.page(at), /manca l&#x27;azione C1, obbligatoria per i Comuni in CPT/);
      assert.equal(
        (await post(alba, at, form([...full, [null, 'C1', '0', 'Formazione'], [null, 'C1', '0', 'Formazione']]), at)).status,
        303,
      );
      assert.match(await alba.page(at), /C1: azione indicata più di una volta/);
      assert.equal((await post(alba, at, form([...full, [null, 'C1', '2.000', 'Formazione in ambito CPT']]), at)).status, 303);
      const page = await alba.page(at);
      assert.match(page, /Tutti i controlli della scheda sono superati/);
      assert.ok(page.includes('value="1.234,50"'), 'amount shown the Italian way');
      assert.equal((await post(alba, `${at}/stato`, { azione: 'invia' }, at)).status, 303);
      assert.ok((await alba.page(at)).includes('€ 1.234,50'));
    });

    test('§13 the cycle: rejected with notes (on screen, hook for the e-mail), corrected, resent, validated; audited', async () => {
      const at = `${ALBA}/servizi`;
      assert.equal((await post(alba, `${at}/stato`, { azione: 'valida' }, at)).status, 403, 'a Comune does not validate');
      const noNotes = await post(revisore, `${at}/stato`, { azione: 'respingi', note: ' ' }, at);
      assert.equal(noNotes.status, 409);
      assert.match(noNotes.text, /indicare le correzioni richieste al Comune/);
      const notes = 'Il gestore del Nido Mimosa va indicato per esteso.';
      assert.equal((await post(revisore, `${at}/stato`, { azione: 'respingi', note: notes }, at)).status, 303);
      // Without --smtp and without an address: written to the outbox in the rejection's transaction, unsendable, naming what is missing.
      const outbox = (await office.server.mail.outbox.list()).filter((m) => m.kind === 'rilevazione_respinta');
      assert.deepEqual(
        outbox.map((m) => ({ status: m.status, recipient: m.recipient, error: m.lastError })),
        [
          {
            status: 'unsendable',
            recipient: '',
            error: 'nessun indirizzo e-mail per l’utente Utente Alba del Comune di Alba (vigilanza office add-clerk --email)',
          },
        ],
      );
      assert.ok(outbox[0]!.body.includes(`> ${notes}`), 'the notes quoted');
      assert.match(outbox[0]!.body, /respinta il \d\d\/\d\d\/\d{4} da Revisore Regione/);
      let page = await alba.page(at);
      assert.match(page, /In bozza<\/strong>/);
      assert.ok(page.includes(esc(notes)), 'the notes on the Comune user’s screen');
      // Corrected and resent; then validated.
      assert.equal(
        (
          await post(
            alba,
            at,
            serviziFields({
              [`s.${ids.mimosa}.gestore`]: 'Cooperativa Sociale Infanzia Serena',
              [`s.${ids.lontano}.motivazione`]: 'Non interessato alla contribuzione pubblica',
            }),
          )
        ).status,
        303,
      );
      // The added service was kept through the correction.
      assert.ok((await alba.page(at)).includes('Nido Nuovo'));
      assert.equal((await post(alba, `${at}/stato`, { azione: 'invia' })).status, 303);
      assert.equal((await post(revisore, `${at}/stato`, { azione: 'valida' }, at)).status, 303);
      assert.equal((await post(revisore, `${ALBA}/interventi/stato`, { azione: 'valida' }, `${ALBA}/interventi`)).status, 303);
      page = await alba.page(at);
      assert.match(page, /Validata<\/strong>/);
      assert.ok(!page.includes('data-testid="census-notes"'), 'the rejection box is gone once resent; the notes stay in the history');
      assert.ok(page.includes(esc(notes)));
      const events = await new CensusStore(office.server.store.db).events(C, 'Alba', 'servizi');
      assert.deepEqual(
        events.map((e) => [e.actor, e.action, e.from, e.to, e.notes]),
        [
          ['Utente Alba', 'invia', 'bozza', 'in_validazione', null],
          ['Revisore Regione', 'respingi', 'in_validazione', 'bozza', notes],
          ['Utente Alba', 'invia', 'bozza', 'in_validazione', null],
          ['Revisore Regione', 'valida', 'in_validazione', 'validata', null],
        ],
      );
      assert.match(page, /Respinta: Inviata in validazione → In bozza/);
      // The dashboard: Alba validated, Bra in draft with its service's data missing (Art. 11 c.2 b).
      const dash = await revisore.page(BASE);
      assert.match(dash, /Alba<\/a><\/td><td>Validata<\/td><td>Validata<\/td><td class="pass">0<\/td><td>—<\/td><td>completata/);
      assert.match(
        dash,
        /Bra<\/a><\/td><td>In bozza<\/td><td>In bozza<\/td><td class="fail">\d+<\/td><td>Nido Bra<\/td><td>10 giorni alla scadenza/,
      );
    });

    test('the export: XLSX read back with exceljs, CSV and JSON with the region’s names; the CLI check and export', async () => {
      const res = await fetch(`${office.url}${BASE}/export.xlsx`, { headers: { cookie: revisore.cookieHeader() } });
      assert.equal(res.status, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const sheet = wb.getWorksheet('SERVIZI')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      assert.deepEqual(header.slice(0, 8), [
        'Comune',
        'Denominazione',
        'Indirizzo',
        'Titolo autorizzativo',
        'Titolare',
        'Gestore',
        'Capacità ricettiva',
        'Frequentanti',
      ]);
      const rows = new Map<string, unknown[]>();
      sheet.eachRow((r, n) => void (n > 1 && rows.set(String(r.getCell(2).value), (r.values as unknown[]).slice(1))));
      assert.deepEqual([...rows.keys()].sort(), [
        'Micronido Aurora',
        'Nido Chiuso',
        'Nido Girasole',
        'Nido Lontano',
        'Nido Mimosa',
        'Nido Nuovo',
      ]);
      assert.equal(rows.get('Nido Girasole')![7], 20.78);
      assert.equal(rows.get('Nido Mimosa')![7], 15.68);
      assert.equal(rows.get('Micronido Aurora')![7], 9.71);
      assert.equal(rows.get('Nido Nuovo')![7], 11.5);
      assert.equal(rows.get('Nido Mimosa')![5], 'Cooperativa Sociale Infanzia Serena');
      assert.equal(rows.get('Nido Lontano')![10], 'Non raggiungibile (dichiarato cessato)');
      assert.equal(rows.get('Nido Lontano')![11], 'Non interessato alla contribuzione pubblica');
      const interventi = wb.getWorksheet('INTERVENTI')!;
      const actions: unknown[][] = [];
      interventi.eachRow((r, n) => void (n > 1 && actions.push((r.values as unknown[]).slice(1))));
      assert.equal(actions.length, 10);
      assert.deepEqual(actions[0], ['Alba', 'Nido Girasole', 'B1', C.actions[0]!.label, 1234.5, 'Contributo alla gestione']);
      assert.ok(actions.some((a) => a[2] === 'C1' && a[1] === undefined && a[4] === 2000));

      // Read as bytes: fetch's text() would drop the BOM the CSV starts with.
      const csv = Buffer.from(
        await (
          await fetch(`${office.url}${BASE}/export.csv?scheda=interventi`, { headers: { cookie: revisore.cookieHeader() } })
        ).arrayBuffer(),
      ).toString('utf8');
      assert.ok(csv.startsWith('\uFEFFComune;Denominazione;Azione;Descrizione azione;Quota comunale;Descrizione\r\n'));
      assert.ok(csv.includes('Alba;Nido Girasole;B1;'), csv.slice(0, 300));
      assert.ok(csv.includes(';1234,50;Contributo alla gestione\r\n'));
      const bad = await fetch(`${office.url}${BASE}/export.csv?scheda=altro`, { headers: { cookie: revisore.cookieHeader() } });
      assert.equal(bad.status, 400);
      const json = JSON.parse(
        await (await fetch(`${office.url}${BASE}/export.json`, { headers: { cookie: revisore.cookieHeader() } })).text(),
      );
      assert.equal(json.campagna, 'piemonte-2025');
      assert.equal(json.servizi.find((s: Record<string, unknown>) => s.Denominazione === 'Nido Girasole')['Frequentanti'], 20.78);
      assert.equal(json.servizi.find((s: Record<string, unknown>) => s.Denominazione === 'Nido Nuovo')['Capacità ricettiva'], 18);

      if (backend !== 'sqlite') return; // the CLI reads the same store; once is enough
      const data = ['--data', office.dataDir];
      const check = vigilanza(['office', 'census', 'check', ...data, '--campaign', 'piemonte-2025']);
      assert.equal(check.status, 1, check.stderr);
      assert.match(check.stdout, /^Bra · SERVIZI: «Nido Bra»: indicare se il servizio è pubblico o privato$/m);
      assert.match(check.stdout, /^Bra · SERVIZI: «Nido Bra»: mancano i frequentanti di gennaio 2024, /m);
      assert.ok(!/^Alba/m.test(check.stdout), 'Alba passes');
      const out = join(mkdtempSync(join(tmpdir(), 'census-')), 'export.xlsx');
      const exp = vigilanza(['office', 'census', 'export', ...data, '--campaign', 'piemonte-2025', '--format', 'xlsx', '--out', out]);
      assert.equal(exp.status, 0, exp.stderr);
      const fromCli = new ExcelJS.Workbook();
      await fromCli.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
      assert.equal(fromCli.getWorksheet('SERVIZI')!.rowCount, 7);
      const jsonCli = vigilanza(['office', 'census', 'export', ...data, '--campaign', 'piemonte-2025', '--format', 'json']);
      assert.deepEqual(JSON.parse(jsonCli.stdout), json);
      const unknown = vigilanza(['office', 'census', 'export', ...data, '--campaign', 'lazio-2031', '--format', 'json']);
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /--campaign: rilevazione sconosciuta «lazio-2031»/);
      const noFormat = vigilanza(['office', 'census', 'export', ...data, '--campaign', 'piemonte-2025', '--format', 'pdf']);
      assert.equal(noFormat.status, 2);
      assert.match(noFormat.stderr, /--format: indicare csv, xlsx oppure json/);
      // add-clerk --comune / --reviewer: the role the pages then enforce.
      const env = { ...process.env, VIGILANZA_CLERK_PASSWORD: PASSWORD };
      const both = vigilanza(['office', 'add-clerk', ...data, '--reviewer', '--comune', 'Bra', 'Chi'], { env });
      assert.equal(both.status, 2);
      assert.match(both.stderr, /--reviewer, --comune: indicare uno solo dei due/);
      const made = vigilanza(['office', 'add-clerk', ...data, '--comune', 'Bra', 'Seconda utente Bra'], { env });
      assert.equal(made.status, 0, made.stderr);
      assert.match(made.stdout, /Operatore creato: Seconda utente Bra \(utente del Comune di Bra\)/);
      const second = new Clerk(office.url);
      await second.login('Seconda utente Bra', PASSWORD);
      assert.equal((await fetch(`${office.url}${ALBA}/servizi`, { headers: { cookie: second.cookieHeader() } })).status, 403);
      assert.match(await second.page(`${BRA}/servizi`), /Bra: scheda SERVIZI/);

      // Attendance from an XLSX file: one bad row named, nothing saved; then Bra's months.
      const xlsx = new ExcelJS.Workbook();
      const ws = xlsx.addWorksheet('Frequenze');
      ws.addRow(['Servizio', 'Mese', 'Frequentanti']);
      ws.addRow(['Nido Bra', '01/2024', 'tanti']);
      const file = join(mkdtempSync(join(tmpdir(), 'census-')), 'frequenze.xlsx');
      writeFileSync(file, Buffer.from(await xlsx.xlsx.writeBuffer()));
      const imp = vigilanza(['office', 'census', 'import', ...data, '--file', file]);
      assert.equal(imp.status, 2);
      assert.match(imp.stderr, /riga 2: frequentanti «tanti»: serve un numero intero da 0 a 500/);
      ws.getRow(2).getCell(3).value = 7;
      for (const [i, m] of ['02/2024', '03/2024'].entries()) ws.addRow(['Nido Bra', m, 8 + i]);
      writeFileSync(file, Buffer.from(await xlsx.xlsx.writeBuffer()));
      const ok = vigilanza(['office', 'census', 'import', ...data, '--file', file]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /Frequenze registrate: 3/);
    });
  });
