/**
 * The SERVIZI page takes the services' attendance as a file (CSV or XLSX, multipart, ≤ 5 MB), against
 * a real office (SQLite file) over HTTP with the browser's own multipart encoding (FormData): the
 * months saved from an XLSX made by exceljs; the per-row Italian errors of the CLI with nothing saved;
 * attacks refused in Italian, never 500, nothing saved: no CSRF (403), the CSRF after the file (403),
 * a file over the limit (413), another Comune (403), an «XLSX» that is not a zip and a binary (400).
 * Multipart only on that route: another page's POST in multipart is 415, its urlencoded forms unchanged.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../office/security.ts';
import { CensusStore } from '../../office/storage/census.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { saveCensusNidi } from '../helpers/census.ts';
import { startOffice, type TestOffice } from '../helpers/office-fixtures.ts';

const PASSWORD = 'una-password-lunga';
const ASTI = '/rilevazione/piemonte-2025/comuni/Asti';
const BRA = '/rilevazione/piemonte-2025/comuni/Bra';

describe('attendance files uploaded on the census page (sqlite)', () => {
  let office: TestOffice;
  let asti: Clerk;
  const ids: Record<string, string> = {};
  const attendance = async (key: string) => (await new CensusStore(office.server.store.db).attendanceOf(ids[key]!)).size;

  before(async () => {
    office = await startOffice('sqlite', { today: () => '2025-05-05' });
    const s = office.server.store;
    Object.assign(ids, await saveCensusNidi(s));
    await s.createClerk('Utente Asti', await hashPassword(PASSWORD), { role: 'comune', comune: 'Asti' });
    asti = new Clerk(office.url);
    await asti.login('Utente Asti', PASSWORD);
  });
  after(() => office?.close());

  /** POSTs a multipart form as a browser does; `csrf: 'first' | 'last' | 'none'` places the token. */
  async function upload(
    path: string,
    file: { name: string; bytes: Buffer | Uint8Array } | null,
    opts: { csrf?: 'first' | 'last' | 'none'; from?: string; csv?: string } = {},
  ) {
    const html = await asti.page(opts.from ?? `${ASTI}/servizi`);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const form = new FormData();
    const where = opts.csrf ?? 'first';
    if (where === 'first') form.append('_csrf', token);
    if (file) form.append('file', new Blob([file.bytes]), file.name);
    if (opts.csv !== undefined) form.append('csv', opts.csv);
    if (where === 'last') form.append('_csrf', token);
    const res = await fetch(`${office.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: asti.cookieHeader(), origin: office.url },
      body: form,
    });
    return { status: res.status, text: await res.text() };
  }

  async function xlsx(rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Frequenze');
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  test('the page offers the file field in a multipart form, CSRF first', async () => {
    const html = await asti.page(`${ASTI}/servizi`);
    assert.match(html, /<form action="[^"]*\/frequenze" encType="multipart\/form-data" method="post"><input type="hidden" name="_csrf"/);
    assert.match(html, /<input type="file" accept="\.csv,\.xlsx[^"]*" name="file"\/>/);
  });

  test('attacks: no CSRF, CSRF after the file, too big, another Comune, not a zip, a binary: Italian 4xx, nothing saved', async () => {
    const good = await xlsx([
      ['Servizio', 'Mese', 'Frequentanti'],
      ['Nido Stella', '01/2024', 18],
    ]);
    const none = await upload(`${ASTI}/frequenze`, { name: 'f.xlsx', bytes: good }, { csrf: 'none' });
    assert.equal(none.status, 403);
    assert.match(none.text, /Modulo scaduto o non valido \(CSRF\)/);
    const late = await upload(`${ASTI}/frequenze`, { name: 'f.xlsx', bytes: good }, { csrf: 'last' });
    assert.equal(late.status, 403, 'the token must come before the file');
    const big = await upload(`${ASTI}/frequenze`, { name: 'f.csv', bytes: Buffer.alloc(5 * 1024 * 1024 + 1, 'a') });
    assert.equal(big.status, 413);
    assert.match(big.text, /File troppo grande: al massimo 5 MB\. Nulla è stato salvato\./);
    const bra = await upload(`${BRA}/frequenze`, { name: 'f.xlsx', bytes: good });
    assert.equal(bra.status, 403);
    assert.match(bra.text, /Accesso non consentito: questo utente compila soltanto le schede del proprio Comune/);
    const notZip = await upload(`${ASTI}/frequenze`, { name: 'frequenze.xlsx', bytes: Buffer.from('Servizio;Mese;Frequentanti\n') });
    assert.equal(notZip.status, 400);
    assert.match(notZip.text, /Il file «frequenze\.xlsx» non è un XLSX valido \(non è un archivio di Excel\): nulla è stato salvato/);
    const brokenZip = await upload(`${ASTI}/frequenze`, { name: 'rotto.xlsx', bytes: Buffer.concat([good.subarray(0, 200)]) });
    assert.equal(brokenZip.status, 400);
    assert.match(brokenZip.text, /file non leggibile come XLSX/);
    const binary = await upload(`${ASTI}/frequenze`, { name: 'frequenze.csv', bytes: randomBytes(4096) });
    assert.equal(binary.status, 400);
    assert.match(binary.text, /Frequenze non importate \(nulla è stato salvato\)/);
    const pdf = await upload(`${ASTI}/frequenze`, { name: 'frequenze.pdf', bytes: Buffer.from('%PDF-1.7') });
    assert.equal(pdf.status, 400);
    assert.match(pdf.text, /non è un CSV né un XLSX/);
    const empty = await upload(`${ASTI}/frequenze`, null);
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Scegliere un file CSV o XLSX delle frequenze/);
    assert.equal(await attendance('stella'), 0, 'nothing saved');
    assert.equal(await attendance('bra'), 0, 'nothing saved');
  });

  test('per-row Italian errors as the CLI, nothing saved; then an XLSX and a CSV file are saved', async () => {
    const bad = await xlsx([
      ['Servizio', 'Mese', 'Frequentanti'],
      ['Nido Stella', '01/2024', 18],
      ['Nido Stella', '13/2024', 18],
      ['Nido Bra', '02/2024', 5],
      ['Nido Stella', '03/2024', 'venti'],
    ]);
    const refused = await upload(`${ASTI}/frequenze`, { name: 'frequenze.xlsx', bytes: bad });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /riga 3: mese «13\/2024» non valido/);
    assert.match(refused.text, /riga 4: servizio «Nido Bra» non presente nel registro/);
    assert.match(refused.text, /riga 5: frequentanti «venti»: serve un numero intero da 0 a 500/);
    assert.equal(await attendance('stella'), 0, 'nothing saved');

    const ok = await xlsx([
      ['Servizio', 'Mese', 'Frequentanti'],
      ['Nido Stella', '01/2024', 18],
      ['Nido Stella', '02/2024', 19],
    ]);
    assert.equal((await upload(`${ASTI}/frequenze`, { name: 'frequenze.xlsx', bytes: ok })).status, 303);
    assert.deepEqual([...(await new CensusStore(office.server.store.db).attendanceOf(ids.stella!))].sort(), [
      ['2024-01', 18],
      ['2024-02', 19],
    ]);
    const csv = Buffer.from('\uFEFFServizio;Mese;Frequentanti\r\nNido Stella;03/2024;20\r\n', 'utf8');
    assert.equal((await upload(`${ASTI}/frequenze`, { name: 'FREQUENZE.CSV', bytes: csv })).status, 303);
    assert.equal(await attendance('stella'), 3);
    const both = await upload(`${ASTI}/frequenze`, { name: 'f.csv', bytes: csv }, { csv: 'Servizio;Mese;Frequentanti' });
    assert.equal(both.status, 400);
    assert.match(both.text, /Indicare il file oppure le righe incollate, non entrambi/);
  });

  test('multipart only on that route: another POST in multipart is 415, urlencoded forms still parse', async () => {
    const other = await upload(`${ASTI}/servizi`, { name: 'f.csv', bytes: Buffer.from('x') });
    assert.equal(other.status, 415);
    const pasted = await asti.post(`${ASTI}/frequenze`, { csv: 'Servizio;Mese;Frequentanti\nNido Stella;04/2024;21' }, `${ASTI}/servizi`);
    assert.equal(pasted.status, 303);
    assert.equal(await attendance('stella'), 4);
  });
});
