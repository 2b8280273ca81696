/**
 * The attendance files the services send (office/census.ts `parseAttendanceFile`): CSV with `;` or `,`
 * and a BOM, XLSX through exceljs (text, numbers, dates, formulas), one Italian message per bad row.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { describe, test } from 'node:test';
import { parseAttendanceFile, parseMonth } from '../../office/census.ts';

const SERVICES = [
  { id: 's1', name: 'Nido Girasole', comune: 'Alba' },
  { id: 's2', name: 'Nido Mimosa', comune: 'Alba' },
  { id: 's3', name: 'Nido Doppio', comune: 'Alba' },
  { id: 's4', name: 'Nido Doppio', comune: 'Bra' },
];

describe('months as the services write them', () => {
  for (const [text, want] of [
    ['2024-03', '2024-03'],
    ['03/2024', '2024-03'],
    ['3/2024', '2024-03'],
    ['Marzo 2024', '2024-03'],
    ['13/2024', null],
    ['marzo', null],
    ['', null],
  ] as const)
    test(`«${text}» → ${want}`, () => assert.equal(parseMonth(text), want));
  test('a spreadsheet date', () => assert.equal(parseMonth(new Date(Date.UTC(2025, 0, 1))), '2025-01'));
});

describe('CSV', () => {
  test('`;` with a BOM, any column order and case, names folded', async () => {
    const csv = '\uFEFFmese;SERVIZIO;Frequentanti\r\n01/2024; nido girasole ;20\r\ngennaio 2025;Nido Mimosa;7\r\n';
    const r = await parseAttendanceFile(Buffer.from(csv), 'f.csv', SERVICES);
    assert.deepEqual(r, {
      rows: [
        { serviceId: 's1', month: '2024-01', children: 20 },
        { serviceId: 's2', month: '2025-01', children: 7 },
      ],
      errors: [],
    });
  });
  test('`,`; each bad row named with every problem', async () => {
    const csv = [
      'Servizio,Mese,Frequentanti',
      'Nido Girasole,2024-01,20',
      'Nido Ignoto,2024-13,-1',
      'Nido Doppio,2024-02,3',
      'Nido Girasole,2024-01,21',
    ].join('\n');
    const r = await parseAttendanceFile(Buffer.from(csv), 'f.csv', SERVICES);
    assert.deepEqual(r.errors, [
      'riga 3: servizio «Nido Ignoto» non presente nel registro; mese «2024-13» non valido (aaaa-mm, mm/aaaa o «gennaio 2024»); frequentanti «-1»: serve un numero intero da 0 a 500',
      'riga 4: servizio «Nido Doppio» presente in più Comuni (Alba, Bra)',
      'riga 5: «Nido Girasole», gennaio 2024 ripetuto',
    ]);
  });
  test('a missing column, an empty file', async () => {
    assert.deepEqual((await parseAttendanceFile(Buffer.from('Servizio;Mese\nNido Girasole;01/2024\n'), 'f.csv', SERVICES)).errors, [
      'riga 1: mancano le colonne «Frequentanti»',
    ]);
    assert.equal(
      (await parseAttendanceFile(Buffer.from('Servizio;Mese;Frequentanti\n'), 'f.csv', SERVICES)).errors[0],
      'nessuna riga di frequenze nel file',
    );
  });
});

describe('XLSX', () => {
  test('numbers, dates and formulas; a bad row named', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Frequenze');
    ws.addRow(['Servizio', 'Mese', 'Frequentanti']);
    ws.addRow(['Nido Girasole', new Date(Date.UTC(2024, 1, 1)), 18]);
    ws.addRow(['Nido Mimosa', '03/2024', { formula: '10+2', result: 12 }]);
    ws.addRow(['Nido Mimosa', '04/2024', 2.5]);
    const r = await parseAttendanceFile(Buffer.from(await wb.xlsx.writeBuffer()), 'f.xlsx', SERVICES);
    assert.deepEqual(r.rows, [
      { serviceId: 's1', month: '2024-02', children: 18 },
      { serviceId: 's2', month: '2024-03', children: 12 },
    ]);
    assert.deepEqual(r.errors, ['riga 4: frequentanti «2.5»: serve un numero intero da 0 a 500']);
  });
  test('not a workbook: one Italian message', async () => {
    const r = await parseAttendanceFile(Buffer.from('non è un file xlsx'), 'f.xlsx', SERVICES);
    assert.match(r.errors[0]!, /^file non leggibile come XLSX/);
  });
});
