import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appearanceText, signatoryFor } from '../../report/appearance.ts';
import { reportDefinition } from '../../report/document.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';

test('the appearance says who signed, and when in Italian civil time (winter and summer), and the timestamp only when there is one', () => {
  assert.deepEqual(appearanceText('Anna Bianchi', new Date('2026-12-02T09:41:30Z'), true), {
    first: 'Firmato digitalmente da Anna Bianchi',
    second: 'il 02/12/2026 alle 10:41 con marca temporale',
  });
  // CEST (UTC+2), and a UTC evening that is already the next day in Rome.
  assert.equal(appearanceText(' Luca Verdi ', new Date('2026-07-01T08:05:00Z'), false).second, 'il 01/07/2026 alle 10:05');
  assert.equal(appearanceText('Luca Verdi', new Date('2026-06-30T22:30:00Z'), false).second, 'il 01/07/2026 alle 00:30');
  assert.equal(appearanceText('Luca Verdi', new Date('2026-06-30T22:30:00Z'), false).first, 'Firmato digitalmente da Luca Verdi');
});

test('a signer goes to the block of the handwritten signature bearing the name, in any order, case and accents', () => {
  const sigs = [
    { signatory: 'referente_comune', name: 'Luca Verdi' },
    { signatory: 'pedagogista', name: 'Anna Bianchi' },
    { signatory: 'referente_servizio', name: 'Nicolò De Santis' },
  ];
  assert.equal(signatoryFor('Anna Bianchi', sigs), 'pedagogista');
  assert.equal(signatoryFor('VERDI LUCA', sigs), 'referente_comune');
  assert.equal(signatoryFor('DE SANTIS NICOLO', sigs), 'referente_servizio');
  assert.equal(signatoryFor('Mallory Falsari', sigs), undefined);
  assert.equal(signatoryFor('Anna', sigs), undefined);
  assert.equal(signatoryFor('Anna Bianchi', undefined), undefined);
  // Two blocks with the same name: no guess.
  assert.equal(signatoryFor('Anna Bianchi', [...sigs, { signatory: 'referente_servizio', name: 'Bianchi Anna' }]), undefined);
});

test('only a digitally signed report reserves a rectangle in each signatory block, named for it', () => {
  const ids = (digitallySigned: boolean) =>
    JSON.stringify(reportDefinition(sampleReportInput({ digitallySigned })).content).match(/FirmaDigitale\.[^"]+/g);
  assert.deepEqual(ids(true), ['FirmaDigitale.1.referente_comune', 'FirmaDigitale.2.pedagogista', 'FirmaDigitale.3.referente_servizio']);
  assert.equal(ids(false), null);
});
