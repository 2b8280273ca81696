/** findingText: the message beside an outcome badge never repeats the outcome (issue 10, "no doubled words"). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingText } from '../../shared/rules/index.ts';

test('the leading outcome of a message goes only when it is the finding’s own outcome', () => {
  assert.equal(
    findingText({ outcome: 'fail', message: 'Non conforme: Protezione dei termosifoni — Due senza copertura' }),
    'Protezione dei termosifoni — Due senza copertura',
  );
  assert.equal(findingText({ outcome: 'warn', message: 'Non conforme: testo' }), 'Non conforme: testo', 'another outcome is kept as said');
  assert.equal(
    findingText({ outcome: 'fail', message: 'Rapporto educatori/bambini: 3 presenti, 4 necessari' }),
    'Rapporto educatori/bambini: 3 presenti, 4 necessari',
  );
});
