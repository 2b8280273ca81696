/**
 * DraftBook: what a form holds goes through the Autosaver as that form's latest draft; a form back
 * to its empty state, or submitted, removes the draft on the host (null), once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FormDraft } from '../../shared/api/contract.ts';
import { Autosaver } from '../../renderer/inspection/autosave.ts';
import { DraftBook } from '../../renderer/inspection/drafts.tsx';

const EMPTY: FormDraft = { kind: 'prescription', text: '', deadline: '' };

test('drafts: latest value per form, empty or submitted forms removed, a kind never misread', async () => {
  const sent: Array<[string, FormDraft | null]> = [];
  const autosaver = new Autosaver(0);
  const book = new DraftBook({ componente: { kind: 'member', name: 'Elena', role: '' } }, autosaver, async (key, draft) => {
    sent.push([key, draft]);
    return { ok: true, value: { savedAt: '2026-12-02T10:00:00Z' } };
  });
  assert.deepEqual(book.get('componente', 'member'), { kind: 'member', name: 'Elena', role: '' });
  assert.equal(book.get('componente', 'prescription'), undefined, 'a draft of another kind is not handed to the form');

  book.put('prescrizione:r1:nuova', { kind: 'prescription', text: 'Ins', deadline: '' }, EMPTY);
  book.put('prescrizione:r1:nuova', { kind: 'prescription', text: 'Installare', deadline: '02/12/2' }, EMPTY);
  assert.ok(await autosaver.flush());
  assert.deepEqual(sent, [['prescrizione:r1:nuova', { kind: 'prescription', text: 'Installare', deadline: '02/12/2' }]]);
  assert.ok(book.has('prescrizione:r1:nuova'));

  sent.length = 0;
  book.put('prescrizione:r1:nuova', EMPTY, EMPTY);
  book.remove('componente');
  book.remove('componente');
  book.remove('mai-scritto');
  assert.ok(await autosaver.flush());
  assert.deepEqual(sent.sort(), [
    ['componente', null],
    ['prescrizione:r1:nuova', null],
  ]);
  assert.equal(book.has('prescrizione:r1:nuova'), false);
});
