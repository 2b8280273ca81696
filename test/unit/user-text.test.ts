/** shared/text.ts: control characters in user text are refused, by field, in the API and in the inspection file; old rows stay readable. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contract } from '../../shared/api/contract.ts';
import { parseInspectionFile, parseSealedFile } from '../../shared/inspection.ts';
import { lineText, multilineText, textProblem } from '../../shared/text.ts';
import { ok, openTestApp, SERVICE } from './db-fixtures.ts';

const CONTROLS = ['\u0000', '\u0001', '\u001b', '\u007f', '\u0080', '\u0085', '\u009f'];

test('one line: every C0/C1 control and DEL is refused, tab and line feed too; ordinary Italian text, emoji and U+00A0 pass', () => {
  const line = lineText().trim().min(1).max(200);
  for (const c of [...CONTROLS, '\t', '\n', '\r']) {
    const r = line.safeParse(`${c}Nido`);
    assert.equal(r.success, false, JSON.stringify(c));
    assert.match(r.error!.issues[0]!.message, /carattere di controllo non ammesso \(U\+00[0-9A-F]{2}\) all’inizio/);
  }
  assert.match(textProblem('Nido\u0001', false)!, /\(U\+0001\) in posizione 5/);
  assert.match(textProblem('Via\nRoma', false)!, /una sola riga/);
  for (const ok of ['Nido d’infanzia «Il Girasole» – Bagno a Ripoli', 'Ça va 😀', 'Nido\u00a0Gialla', 'Åsa Ørsted'])
    assert.equal(line.safeParse(ok).success, true, ok);
});

test('lines: line feed and tab are text, any other control (CR, NUL, NEL) is not', () => {
  const text = multilineText().max(4000);
  assert.equal(text.safeParse('Installare protezioni:\n\t- termosifoni\n\t- prese').success, true);
  for (const c of [...CONTROLS, '\r', '\u000b', '\u000c']) assert.equal(text.safeParse(`nota${c}`).success, false, JSON.stringify(c));
});

test('a lone UTF-16 surrogate is refused (SQLite would store U+FFFD instead); a proper pair is an ordinary character', () => {
  assert.match(textProblem('a\ud800b', false)!, /U\+D800.*posizione 2/);
  assert.match(textProblem('\udc00', true)!, /U\+DC00/);
  assert.equal(textProblem('\ud83d\ude00', false), null);
});

test('the contract refuses them by field: services, members, prescriptions (rule trimmed and bounded), answers, photos', () => {
  const first = (method: keyof typeof contract, input: unknown) => contract[method].input.safeParse(input).error?.issues[0]?.path.join('.');
  assert.equal(first('services.create', { ...SERVICE, name: '\u0000Nido' }), 'name');
  assert.equal(first('services.create', { ...SERVICE, comune: '\u0000Impruneta' }), 'comune');
  assert.equal(first('services.update', { ...SERVICE, id: 'x', name: '\u0085Nido' }), 'name');
  assert.equal(first('members.create', { name: '\u0000Chiara', role: 'Pedagogista' }), 'name');
  assert.equal(first('members.create', { name: 'Chiara', role: 'Pedagogista\u007f' }), 'role');
  const prescription = { inspectionId: 'i', rule: 'F.presidi.termosifoni', text: 'Installare protezioni', deadline: '2026-04-30' };
  assert.equal(first('prescriptions.save', { ...prescription, text: '\u0000Installare' }), 'text');
  assert.equal(first('prescriptions.save', { ...prescription, rule: '\u0000F' }), 'rule');
  assert.equal(first('prescriptions.save', { ...prescription, rule: ' ' }), 'rule');
  assert.equal(first('prescriptions.save', { ...prescription, rule: 'x'.repeat(201) }), 'rule');
  assert.equal(
    contract['prescriptions.save'].input.parse({ ...prescription, rule: '  F.presidi.termosifoni ' }).rule,
    'F.presidi.termosifoni',
  );
  assert.equal(contract['prescriptions.save'].input.parse({ ...prescription, text: 'a\n\tb' }).text, 'a\n\tb');
  assert.equal(first('inspections.saveAnswer', { inspectionId: 'i', itemId: 'A.x', value: 'testo\u0001' }), 'value');
  assert.match(
    contract['inspections.saveAnswer'].input.safeParse({ inspectionId: 'i', itemId: 'A.x', value: 'testo\u0001' }).error!.issues[0]!
      .message,
    /U\+0001/,
  );
  assert.equal(first('inspections.saveAnswer', { inspectionId: 'i', itemId: 'A.x', note: 'riga 1\nriga 2\u0000' }), 'note');
  assert.equal(first('photos.add', { inspectionId: 'i', mime: 'image/png', dataBase64: 'AAAA', caption: 'ingresso\u0000' }), 'caption');
  assert.equal(first('photos.add', { inspectionId: 'i', mime: 'image/png', dataBase64: 'AAAA', fileName: 'a\nb.png' }), 'fileName');
  assert.equal(first('services.get', { id: '\u0000' }), 'id');
});

test('the inspection file refuses them by field; a file sealed before the check is still read (its hash is what was signed)', () => {
  const file = {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: { name: 'Nido\u0001', type: 'nido', capacity: 40 },
    visit: { date: '2026-03-10', purpose: 'verifica_periodica' },
    answers: { 'A.x': { note: 'a\u0000' } },
  };
  const r = parseInspectionFile(file);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.map((e) => e.split(':')[0]), ['service.name', 'answers.A.x.note']);
  const sealed = parseSealedFile(file);
  assert.equal(sealed.ok && sealed.value.service.name, 'Nido\u0001');
  assert.equal(parseSealedFile({ ...file, service: { ...file.service, capacity: -1 } }).ok, false, 'other problems are still errors');
});

test('through the host: a leading NUL is a 400 naming the field, and rows saved before the check stay readable', (t) => {
  const app = openTestApp(t);
  const r = app.dispatch('services.create', { ...SERVICE, name: '\u0000Nido' });
  assert.deepEqual(r.ok ? null : [r.error.code, r.error.field], ['invalid', 'name']);
  assert.match(!r.ok ? r.error.message : '', /^nome: contiene un carattere di controllo non ammesso \(U\+0000\) all’inizio/);
  // As an older version saved it: straight through the repository.
  const old = app.store.services.create({
    ...SERVICE,
    name: 'Nido\u0001Vecchio',
    territorialRls: false,
    authorizationIssuedOn: null,
    accreditationIssuedOn: null,
    address: '',
    referente: '',
  });
  assert.equal(ok(app, 'services.list', {})[0].name, 'Nido\u0001Vecchio');
  assert.equal(ok(app, 'services.get', { id: old.id }).service.name, 'Nido\u0001Vecchio');
  // Its draft cannot be sealed with it: the seal names the field to correct.
  const i = ok(app, 'inspections.create', { serviceId: old.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  const seal = app.dispatch('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: i.id });
  assert.deepEqual(seal.ok ? null : [seal.error.code, seal.error.field], ['invalid', 'service.name']);
});
