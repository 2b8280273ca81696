import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commissionGaps, ZONA_FSE_CHECKLIST_1 } from '../../shared/checklist/index.ts';
import { ok, openTestApp, SERVICE } from './db-fixtures.ts';

const STROKES = [
  [
    [10, 10],
    [20, 30],
  ],
];
const PEDAGOGISTA = { signatory: 'pedagogista', name: 'Chiara Fantoni', strokes: STROKES };
const COMUNE = { signatory: 'referente_comune', name: 'Marco Neri', strokes: STROKES };

function setup(t: Parameters<typeof openTestApp>[0]) {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = ok(app, 'members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const b = ok(app, 'members.create', { name: 'Marco Neri', role: 'Referente tecnico del Comune' });
  const draft = (memberIds: string[]) =>
    ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10', memberIds });
  return { app, draft, members: [a.id, b.id] };
}

test('commissionGaps: the Scheda marks the referent of the Comune and the pedagogist; each must sign and be present', () => {
  const members = [{ name: 'Chiara Fantoni' }, { name: 'marco neri ' }];
  assert.deepEqual(commissionGaps(ZONA_FSE_CHECKLIST_1, members, [PEDAGOGISTA, COMUNE], 'Impruneta'), []);
  assert.deepEqual(
    commissionGaps(ZONA_FSE_CHECKLIST_1, [{ name: 'Chiara Fantoni' }], [PEDAGOGISTA], 'Impruneta').map((g) => g.message),
    ['manca la firma del referente del Comune di Impruneta'],
  );
  assert.deepEqual(
    commissionGaps(ZONA_FSE_CHECKLIST_1, [], [PEDAGOGISTA, COMUNE], 'Impruneta').map((g) => g.message),
    [
      'Marco Neri (referente del Comune di Impruneta) non è tra i componenti della commissione presenti',
      'Chiara Fantoni (Pedagogista Comunale) non è tra i componenti della commissione presenti',
    ],
  );
  // The service's referent signs "alla presenza": not part of the commission.
  assert.equal(ZONA_FSE_CHECKLIST_1.signatories.find((s) => s.id === 'referente_servizio')?.commission, undefined);
});

test('seal: refused without the commission and its signatures, naming who is missing; nothing changes', (t) => {
  const { app, draft, members } = setup(t);
  const d = draft([members[0]!]);
  const r = app.dispatch('inspections.seal', { id: d.id, signatures: [PEDAGOGISTA] });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'invalid');
  assert.equal(r.error.field, 'commissionReason');
  assert.match(r.error.message, /manca la firma del referente del Comune di Bagno a Ripoli/);
  assert.match(r.error.message, /indicare il motivo/);
  assert.equal(ok(app, 'inspections.get', { id: d.id }).status, 'draft');
  // A blank reason is no reason.
  const blank = app.dispatch('inspections.seal', { id: d.id, signatures: [PEDAGOGISTA], commissionReason: '   ' });
  assert.equal(blank.ok ? null : blank.error.field, 'commissionReason');
});

test('seal: with the whole commission present and signing no reason is needed and none is stored', (t) => {
  const { app, draft, members } = setup(t);
  const d = draft(members);
  const sealed = ok(app, 'inspections.seal', { id: d.id, signatures: [PEDAGOGISTA, COMUNE] });
  assert.equal(sealed.inspection.status, 'sealed');
  assert.equal(sealed.inspection.sealedFile.visit.commissionIncompleteReason, undefined);
});

test('seal: with a reason the visit is sealed and the reason is kept in the sealed file (so in the hash)', (t) => {
  const { app, draft } = setup(t);
  const d = draft([]);
  const sealed = ok(app, 'inspections.seal', { id: d.id, signatures: [], commissionReason: '  Pedagogista assente per malattia.  ' });
  assert.equal(sealed.inspection.sealedFile.visit.commissionIncompleteReason, 'Pedagogista assente per malattia.');
  assert.equal(ok(app, 'inspections.export', { id: d.id }).visit.commissionIncompleteReason, 'Pedagogista assente per malattia.');
});
