/**
 * The act at the Comune's protocol (issue 11): once the office registers a validated revision, its
 * protocol number and date are on the review page, in the «Validate» queue and in the export, and a
 * correction keeps the history; bad input is a 400 naming the field with nothing stored, a revision
 * not validated is refused, and the signed PDF the laptop sent keeps the same bytes (SHA-256) and
 * the same verification. REAL office server on 127.0.0.1, SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { contentHash } from '../../shared/canonical.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { OVERDUE_CSV_HEADER } from '../../office/review/dashboards.ts';
import { buildReport, signPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, sampleFile, sha256, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';
import { makeTestPki, P12_PASSPHRASE, type TestPki } from '../helpers/pki.ts';

const TODAY = '2026-12-03';
const PASSWORD = 'password-lunga-di-prova';

let pki: TestPki;
let signed: Buffer;
before(async () => {
  pki = makeTestPki();
  signed = await signPdf(await buildReport(sampleReportInput({ photos: 0 })), { p12: pki.signerP12, passphrase: P12_PASSPHRASE });
});
after(() => {
  stopPostgres();
  pki?.cleanup();
});

for (const backend of BACKENDS) {
  describe(`the act at the protocol, ${backend}`, () => {
    let office: TestOffice;
    let clerk: Clerk;
    let client: SyncClient;
    before(async () => {
      office = await startOffice(backend, { today: () => TODAY, caPem: pki.caPem });
      client = new SyncClient({
        baseUrl: office.url,
        token: await office.token('Maria Rossi'),
        retry: { attempts: 2, baseMs: 1, maxMs: 5 },
      });
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', PASSWORD);
    });
    after(async () => office?.close());

    /** A revision with the signed report and one prescription already past its deadline (so it is in the export). */
    const push = async (id: string, date: string) => {
      const file = sampleFile(3, { date });
      const r = await client.pushInspection({
        id,
        revision: 1,
        file,
        contentHash: contentHash(file),
        attachments: [{ sha256: sha256(signed), kind: 'report', name: 'verbale.pdf', bytes: signed }],
        prescriptions: [{ rule: 'training.fire', text: 'Completare la formazione antincendio', deadline: '2026-11-30' }],
      });
      assert.equal(r.status, 'created', JSON.stringify(r));
      return `/ispezioni/${id}/1`;
    };
    const registrationRows = async (id: string) =>
      Number(
        (await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM act_registrations WHERE inspection_id = ?', [id]))!.n,
      );
    const report = async () => {
      const res = await fetch(`${office.url}/allegati/${sha256(signed)}`, { headers: { cookie: clerk.cookieHeader() } });
      assert.equal(res.status, 200);
      return Buffer.from(await res.arrayBuffer());
    };

    test('register, then correct: shown on the page with its history, in the «Validate» tab and in the CSV; audited; the signed PDF unchanged', async () => {
      const at = await push('visita-p', '2026-11-10');
      const before = await clerk.page(at);
      assert.doesNotMatch(before, /Registra a protocollo/, 'no protocol form before validation');
      await clerk.decide('visita-p', 1, 'valida');
      const validated = await clerk.page(at);
      assert.match(validated, /Atto non ancora registrato a protocollo/);
      assert.match(validated, /<button>Registra a protocollo<\/button>/);
      assert.match(validated, /Firma digitale verificata/);
      const bytesBefore = sha256(await report());
      assert.equal(bytesBefore, sha256(signed));

      const r = await clerk.post(`${at}/protocollo`, { numero: '  2026/0012345 ', data: '03/12/2026' }, at);
      assert.equal(r.status, 303, r.text.slice(0, 300));
      assert.equal(r.location, `${at}#protocollo-titolo`);
      const page = await clerk.page(at);
      assert.match(page, /<strong>Protocollo n\. 2026\/0012345 del 03\/12\/2026<\/strong> \(registrato da Ufficio Zona il /);
      assert.match(page, /Correggi la registrazione a protocollo/);
      assert.doesNotMatch(page, /Registrazioni precedenti/);
      const stored = await office.server.store.listRegistrations('visita-p', 1);
      assert.deepEqual(
        stored.map((g) => [g.number, g.date, g.clerkName]),
        [['2026/0012345', '2026-12-03', 'Ufficio Zona']],
      );

      const queue = await clerk.page('/coda?scheda=validate');
      assert.match(queue, /<th>Protocollo<\/th>/);
      assert.match(queue, /<td data-testid="coda-protocollo">n\. 2026\/0012345 del 03\/12\/2026<\/td>/);
      assert.doesNotMatch(await clerk.page('/coda?scheda=ricevute'), /<th>Protocollo<\/th>/, 'only the «Validate» tab');

      // A correction: a new registration, the latest shown, the earlier one kept below it.
      assert.equal((await clerk.post(`${at}/protocollo`, { numero: '2026/0012346', data: '02/12/2026' }, at)).status, 303);
      const corrected = await clerk.page(at);
      assert.match(corrected, /<strong>Protocollo n\. 2026\/0012346 del 02\/12\/2026<\/strong>/);
      assert.match(
        corrected,
        /Registrazioni precedenti \(corrette\)[\s\S]*<td>2026\/0012345<\/td><td>03\/12\/2026<\/td><td>Ufficio Zona<\/td>/,
      );
      assert.equal(await registrationRows('visita-p'), 2, 'history kept');
      const queueAfter = await clerk.page('/coda?scheda=validate');
      assert.match(queueAfter, /n\. 2026\/0012346 del 02\/12\/2026/);
      assert.doesNotMatch(queueAfter, /2026\/0012345/);

      // Audited like the decisions: who, when, what.
      const events = await office.server.store.db.all<{ action: string; notes: string | null }>(
        "SELECT action, notes FROM review_events WHERE inspection_id = 'visita-p' ORDER BY at, action",
      );
      assert.deepEqual(
        events.filter((e) => e.action === 'protocollo').map((e) => e.notes),
        ['n. 2026/0012345 del 2026-12-03', 'n. 2026/0012346 del 2026-12-02'],
      );

      // The export: Italian headers, the latest registration, the id still last.
      const csvRes = await fetch(`${office.url}/export/prescrizioni-scadute.csv`, { headers: { cookie: clerk.cookieHeader() } });
      assert.equal(csvRes.status, 200);
      const lines = (await csvRes.text()).split('\r\n');
      const header = lines[0]!.replace('\uFEFF', '').split(';');
      assert.deepEqual(header.slice(-3), ['Protocollo', 'Data protocollo', 'Codice ispezione (assistenza)']);
      assert.deepEqual(header, OVERDUE_CSV_HEADER);
      const row = lines.find((l) => l.endsWith(';visita-p'))!.split(';');
      assert.deepEqual(row.slice(-3), ['2026/0012346', '2026-12-02', 'visita-p']);

      // Never inside the signed bytes: the same SHA-256, the same verification.
      assert.equal(sha256(await report()), bytesBefore);
      const blob = await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM attachments WHERE inspection_id = ?', [
        'visita-p',
      ]);
      assert.equal(Number(blob!.n), 1, 'no new report version');
      assert.match(corrected, /Firma digitale verificata/);
    });

    test('bad input: 400 with the Italian reason on the field and the typed text kept, nothing stored', async () => {
      const at = await push('visita-q', '2026-11-20');
      await clerk.decide('visita-q', 1, 'valida');
      const cases: Array<[Record<string, string>, RegExp, string]> = [
        [{ numero: '   ', data: '03/12/2026' }, /Numero di protocollo: scrivere il numero dato dal protocollo del Comune/, 'numero'],
        [{ numero: 'x'.repeat(51), data: '03/12/2026' }, /Numero di protocollo: al massimo 50 caratteri \(ora 51\)/, 'numero'],
        [
          { numero: '2026/1\n2', data: '03/12/2026' },
          /Numero di protocollo: contiene un carattere di controllo non ammesso \(U\+000A\)/,
          'numero',
        ],
        [{ numero: '2026/0012345', data: '' }, /Data del protocollo: obbligatoria, come gg\/mm\/aaaa/, 'data'],
        [{ numero: '2026/0012345', data: '2026-12-03' }, /Data del protocollo: scrivere la data come gg\/mm\/aaaa/, 'data'],
        [{ numero: '2026/0012345', data: '31/11/2026' }, /Data del protocollo: la data 31\/11\/2026 non esiste/, 'data'],
        [{ numero: '2026/0012345', data: '04/12/2026' }, /Data del protocollo: non può essere nel futuro/, 'data'],
        [{ numero: '2026/0012345', data: '19/11/2026' }, /Data del protocollo: non può essere prima della visita/, 'data'],
      ];
      for (const [form, message, field] of cases) {
        const r = await clerk.post(`${at}/protocollo`, form, at);
        assert.equal(r.status, 400, JSON.stringify(form));
        assert.match(r.text, message, JSON.stringify(form));
        // The field named carries the error; what the clerk typed is still there.
        const input = new RegExp(`<input id="protocollo-${field}"[^>]*>`).exec(r.text)?.[0] ?? '';
        assert.match(input, /aria-invalid="true"/, `${field} marked`);
        const typed = form[field]!.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
        assert.ok(input.includes(`value="${typed}"`), `typed ${field} kept: ${input}`);
        const other = new RegExp(`<input id="protocollo-${field === 'numero' ? 'data' : 'numero'}"[^>]*>`).exec(r.text)?.[0] ?? '';
        assert.doesNotMatch(other, /aria-invalid/, 'only the field named');
      }
      assert.equal(await registrationRows('visita-q'), 0, 'nothing stored');
      // The visit day itself and today are allowed.
      assert.equal((await clerk.post(`${at}/protocollo`, { numero: '2026/1', data: '20/11/2026' }, at)).status, 303);
      assert.equal((await clerk.post(`${at}/protocollo`, { numero: 'x'.repeat(50), data: '03/12/2026' }, at)).status, 303);
      assert.equal(await registrationRows('visita-q'), 2);
    });

    test('a revision not validated (received, rejected) cannot be registered; an unknown one is a 404; no CSRF, no session: refused', async () => {
      const at = await push('visita-r', '2026-11-20');
      const form = { numero: '2026/0099999', data: '03/12/2026' };
      const received = await clerk.post(`${at}/protocollo`, form, at);
      assert.equal(received.status, 400);
      assert.match(received.text, /Si registra a protocollo solo una revisione validata: validarla prima\./);
      await clerk.decide('visita-r', 1, 'respingi', 'manca la firma del referente');
      const rejected = await clerk.post(`${at}/protocollo`, form, at);
      assert.equal(rejected.status, 400);
      assert.match(rejected.text, /solo una revisione validata/);
      assert.doesNotMatch(await clerk.page(at), /Registra a protocollo/);
      assert.equal((await clerk.post('/ispezioni/nessuna/1/protocollo', form, at)).status, 404);
      assert.equal(await registrationRows('visita-r'), 0);
      // The store refuses too (what a race past the page's check would meet).
      const clerkId = (await office.server.store.getClerkByName('Ufficio Zona'))!.id;
      await assert.rejects(
        office.server.store.registerProtocol({ inspectionId: 'visita-r', revision: 1, number: '1', date: TODAY, today: TODAY, clerkId }),
        /solo una revisione validata/,
      );

      const validatedAt = await push('visita-s', '2026-11-20');
      await clerk.decide('visita-s', 1, 'valida');
      const url = `${office.url}${validatedAt}/protocollo`;
      const noCsrf = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: clerk.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: office.url },
        body: new URLSearchParams(form).toString(),
      });
      assert.equal(noCsrf.status, 403);
      const noSession = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: office.url },
        body: new URLSearchParams({ ...form, _csrf: 'x' }).toString(),
      });
      assert.equal(noSession.status, 401);
      const foreign = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: clerk.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: new URLSearchParams(form).toString(),
      });
      assert.equal(foreign.status, 403);
      assert.equal(await registrationRows('visita-s'), 0);
    });
  });
}
