/** The new commission member's row is checked by the contract's schema: the host's own messages, field by field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMBER_MAX_LENGTH, memberErrors } from '../../renderer/inspection/member-form.ts';

test('memberErrors: both fields required, checked one by one with the messages of members.create', () => {
  assert.deepEqual(memberErrors({ name: '', role: '' }), { name: 'il nome è obbligatorio', role: 'il ruolo è obbligatorio' });
  assert.deepEqual(memberErrors({ name: '   ', role: 'Pedagogista zonale' }), { name: 'il nome è obbligatorio' });
  assert.deepEqual(memberErrors({ name: 'Chiara Fantoni', role: '' }), { role: 'il ruolo è obbligatorio' });
  assert.deepEqual(memberErrors({ name: ' Chiara Fantoni ', role: 'Pedagogista zonale' }), {});
});

test('memberErrors: control characters are named where they are, one message per field', () => {
  const errors = memberErrors({ name: 'Chiara\tFantoni', role: 'Referente\u0000' });
  assert.equal(errors.name, 'contiene un carattere di controllo non ammesso (U+0009) in posizione 7 (qui va scritto su una sola riga)');
  assert.equal(errors.role, 'contiene un carattere di controllo non ammesso (U+0000) in posizione 10');
  assert.deepEqual(memberErrors({ name: '\u0007', role: 'ASL' }), {
    name: 'contiene un carattere di controllo non ammesso (U+0007) all’inizio',
  });
});

test('the inputs cannot be typed past what the host takes', () => {
  assert.deepEqual(MEMBER_MAX_LENGTH, { name: 200, role: 200 });
  assert.deepEqual(memberErrors({ name: 'x'.repeat(200), role: 'y'.repeat(200) }), {});
});
