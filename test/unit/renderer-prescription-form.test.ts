/** The prescription form's own checks (renderer/inspection/prescription-form.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prescriptionErrors } from '../../renderer/inspection/prescription-form.ts';

const VISIT = '2026-12-03';

test('each field says its first problem, and nothing once it is right', () => {
  assert.deepEqual(prescriptionErrors({ text: ' ', deadline: '' }, VISIT), {
    text: 'indicare il testo della prescrizione',
    deadline: 'indicare la scadenza',
  });
  assert.deepEqual(prescriptionErrors({ text: 'Installare protezioni', deadline: '31/12' }, VISIT), {
    deadline: 'scrivere la scadenza come gg/mm/aaaa',
  });
  assert.deepEqual(prescriptionErrors({ text: 'Installare protezioni', deadline: VISIT }, VISIT), {
    deadline: 'la scadenza deve essere successiva alla data della visita',
  });
  assert.deepEqual(prescriptionErrors({ text: 'Installare protezioni', deadline: '2026-12-04' }, VISIT), {});
});
