/** What the Scheda's text and signatures look like on screen and paper, without touching the cited text. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ZONA_FSE_CHECKLIST_1, displayText, signatoryTitle } from '../../shared/checklist/index.ts';

it('displayText tidies the Scheda typos for display while the stored text keeps them', () => {
  const item = ZONA_FSE_CHECKLIST_1.items.find((i) => i.text.includes('recintata , attrezzata'));
  assert.ok(item, 'the stored checklist still has the printed text');
  assert.match(displayText(item.text), /recintata, attrezzata/);
  assert.equal(displayText('  a  b ; c :d . '), 'a b; c:d.');
  assert.equal(displayText('già pulito'), 'già pulito');
});

it('signatoryTitle follows the signing member’s role, else the Scheda’s title (with the Comune)', () => {
  const [comune, pedagogista, servizio] = ZONA_FSE_CHECKLIST_1.signatories;
  const members = [
    { name: 'Giulia Mariani', role: 'Pedagogista zonale' },
    { name: 'Luca Verdi', role: '' },
  ];
  assert.equal(signatoryTitle(pedagogista!, ' giulia mariani ', members, 'Bagno a Ripoli'), 'Firma — Pedagogista zonale');
  assert.equal(signatoryTitle(pedagogista!, 'Altra Persona', members, 'Bagno a Ripoli'), 'Firma del Pedagogista Comunale');
  assert.equal(
    signatoryTitle(comune!, 'Luca Verdi', members, 'Bagno a Ripoli'),
    'Firma del referente del Comune di Bagno a Ripoli',
    'a member without a role keeps the Scheda title',
  );
  assert.equal(signatoryTitle(comune!, undefined, [], undefined), 'Firma del referente del Comune di');
  assert.equal(
    signatoryTitle(servizio!, 'Giulia Mariani', members, 'X'),
    servizio!.label,
    "the service's referent is not a commission member",
  );
});
