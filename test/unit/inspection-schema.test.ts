import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseInspectionFile } from '../../shared/inspection.ts';
import { inspectionJsonSchema } from '../../shared/json-schema.ts';
import { validateAgainst, ZONA_FSE_1 } from '../../shared/rules/index.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { nidoFile } from '../helpers/inspection.ts';
import { contentHash } from '../../shared/canonical.ts';
import { parseVisitTime, visitTimeText } from '../../shared/times.ts';

const errorsOf = (data: unknown) => {
  const r = parseInspectionFile(data);
  assert.equal(r.ok, false, 'expected the file to be rejected');
  return (r as { errors: string[] }).errors;
};

describe('inspection file schema', () => {
  it('accepts the DOMAIN.md example', () => {
    const example = JSON.parse(readFileSync(new URL('../../resources/examples/nido-il-girasole.json', import.meta.url), 'utf8'));
    assert.equal(parseInspectionFile(example).ok, true);
  });
  it('requires service and visit, and only them', () => {
    const minimal = {
      schemaVersion: 1,
      ruleSet: 'zona-fse@1',
      service: { name: 'N', type: 'nido', capacity: 10 },
      visit: { date: '2025-01-10', purpose: 'autorizzazione' },
    };
    assert.equal(parseInspectionFile(minimal).ok, true);
    assert.ok(errorsOf({ ...minimal, service: undefined }).some((e) => e.startsWith('service:')));
    assert.ok(errorsOf({ ...minimal, visit: undefined }).some((e) => e.startsWith('visit:')));
  });
  it('names the field of every problem', () => {
    const bad = nidoFile() as unknown as Record<string, any>;
    bad.service = { ...bad.service, capacity: -3 };
    bad.visit = { ...bad.visit, date: '2025-02-29' };
    bad.children = [{ band: '0-11', enrolled: 2.5 }];
    const errors = errorsOf(bad);
    assert.ok(
      errors.some((e) => e.startsWith('service.capacity: ')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('visit.date: ') && e.includes('data')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('children[0].enrolled: ')),
      errors.join('\n'),
    );
  });
  it('rejects unknown fields, naming them', () => {
    const errors = errorsOf({ ...nidoFile(), colour: 'red' });
    assert.ok(
      errors.some((e) => e.includes('campo sconosciuto: colour')),
      errors.join('\n'),
    );
    const nested = nidoFile() as unknown as Record<string, any>;
    nested.service = { ...nested.service, phone: '055' };
    assert.ok(errorsOf(nested).some((e) => e.startsWith('service: campo sconosciuto: phone')));
  });
  it('rejects unknown enums, duplicate bands and people ids', () => {
    assert.ok(errorsOf({ ...nidoFile(), visit: { date: '2025-01-01', purpose: 'controllo' } }).some((e) => e.startsWith('visit.purpose')));
    assert.ok(errorsOf({ ...nidoFile(), children: [{ band: '0-11' }, { band: '0-11' }] }).some((e) => e.startsWith('children[1].band')));
    assert.ok(
      errorsOf({
        ...nidoFile(),
        people: [
          { id: 'a', role: 'educatore' },
          { id: 'a', role: 'educatore' },
        ],
      }).some((e) => e.startsWith('people[1].id')),
    );
    assert.ok(
      errorsOf({
        ...nidoFile(),
        people: [{ id: 'a', role: 'educatore', trainings: [{ course: 'yoga', hours: 2, completedOn: '2024-01-01' }] }],
      }).some((e) => e.startsWith('people[0].trainings[0].course')),
    );
  });
  it('checks bands and answers against the rule set and checklist', () => {
    const checklist = getChecklist('zona-fse@1')!;
    const file = nidoFile({ children: [{ band: '18-23', enrolled: 3 }], answers: { 'X.nope': { value: 'yes' } } });
    const errors = validateAgainst(file, ZONA_FSE_1, checklist);
    assert.ok(
      errors.some((e) => e.startsWith('children[0].band: fascia 18-23 non prevista per nido')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('answers.X.nope: voce sconosciuta')),
      errors.join('\n'),
    );
    const yesno = checklist.items.find((i) => i.kind === 'yesno')!;
    assert.ok(
      validateAgainst(nidoFile({ answers: { [yesno.id]: { value: 7 } } }), ZONA_FSE_1, checklist).some((e) =>
        e.startsWith(`answers.${yesno.id}.value`),
      ),
    );
    assert.deepEqual(validateAgainst(nidoFile({ answers: { [yesno.id]: { value: 'no', note: 'x' } } }), ZONA_FSE_1, checklist), []);
  });
  it('a date item takes only real calendar dates (the report formats them)', () => {
    const base = getChecklist('zona-fse@1')!;
    const dated = { ...base, items: base.items.map((item, i) => (i === 0 ? { ...item, kind: 'date' as const } : item)) };
    const id = dated.items[0]!.id;
    for (const value of ['2025-02-30', '1800-01-01', '2025-13-01'])
      assert.ok(
        validateAgainst(nidoFile({ answers: { [id]: { value } } }), ZONA_FSE_1, dated).some((e) => e.startsWith(`answers.${id}.value`)),
        value,
      );
    assert.deepEqual(validateAgainst(nidoFile({ answers: { [id]: { value: '2024-02-29' } } }), ZONA_FSE_1, dated), []);
    assert.deepEqual(validateAgainst(nidoFile({ answers: { [id]: { value: 'na' } } }), ZONA_FSE_1, dated), []);
  });
  it('dates typed in by a person stop at 2999, so the later dates the rules compute stay real dates', () => {
    const far = nidoFile({
      service: { ...nidoFile().service, authorization: { issuedOn: '9999-12-31' } },
      visit: { date: '3000-01-01', purpose: 'verifica_periodica' },
    });
    const errors = errorsOf(far);
    assert.ok(
      errors.some((e) => e.startsWith("service.authorization.issuedOn: data fuori dall'intervallo ammesso")),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('visit.date: data fuori')),
      errors.join('\n'),
    );
    assert.equal(parseInspectionFile(nidoFile({ visit: { date: '2999-12-31', purpose: 'verifica_periodica' } })).ok, true);
  });
});

describe('place and times of the visit', () => {
  const withVisit = (visit: Record<string, unknown>) =>
    nidoFile({ visit: { date: '2025-03-12', purpose: 'verifica_periodica', ...visit } });
  it('are optional and kept as given', () => {
    const r = parseInspectionFile(
      withVisit({ place: 'Sede del servizio, via Roma 1, Bagno a Ripoli', startTime: '09:30', endTime: '12:15' }),
    );
    assert.equal(r.ok, true);
    const visit = (r as { value: { visit: Record<string, unknown> } }).value.visit;
    assert.equal(visit.place, 'Sede del servizio, via Roma 1, Bagno a Ripoli');
    assert.equal(visit.startTime, '09:30');
    assert.equal(visit.endTime, '12:15');
    assert.equal(parseInspectionFile(withVisit({ startTime: '23:59' })).ok, true);
    assert.equal(parseInspectionFile(withVisit({ endTime: '00:00' })).ok, true);
  });
  it('refuse an end not after the start, naming the end field in Italian', () => {
    const before = errorsOf(withVisit({ startTime: '12:15', endTime: '09:30' }));
    assert.deepEqual(before, ['visit.endTime: l’ora di fine (09:30) deve essere successiva all’ora di inizio (12:15)']);
    assert.ok(errorsOf(withVisit({ startTime: '10:00', endTime: '10:00' }))[0]!.startsWith('visit.endTime: l’ora di fine'));
  });
  it('refuse a time that is not HH:MM on the 24-hour clock, and an empty or multi-line place', () => {
    for (const bad of ['9:30', '24:00', '12:60', '12.30', '12:30:00', ' 12:30'])
      assert.ok(
        errorsOf(withVisit({ startTime: bad })).some((e) => e.startsWith('visit.startTime: ora nel formato hh:mm')),
        bad,
      );
    assert.ok(errorsOf(withVisit({ place: '' })).some((e) => e.startsWith('visit.place: il luogo della visita')));
    assert.ok(errorsOf(withVisit({ place: 'x'.repeat(201) })).some((e) => e.startsWith('visit.place: ')));
    assert.ok(errorsOf(withVisit({ place: 'via Roma\n1' })).some((e) => e.startsWith('visit.place: contiene un carattere di controllo')));
  });
  it('leave a file without them valid, with the same content hash as before they existed', () => {
    // The example as it was then: it names its territory and checklist since (issue 12), a file of then did not.
    const { territory, checklist, ...example } = JSON.parse(
      readFileSync(new URL('../../resources/examples/nido-il-girasole.json', import.meta.url), 'utf8'),
    );
    assert.deepEqual([territory, checklist], ['zona-fse', 'zona-fse@1']);
    const r = parseInspectionFile(example);
    assert.equal(r.ok, true);
    const parsed = (r as { value: { visit: Record<string, unknown> } }).value;
    assert.deepEqual(Object.keys(parsed.visit).sort(), Object.keys(example.visit).sort());
    // The example's hash as computed by the build before these fields (commit c62eb94).
    const before = 'd4875a2e8881447032b17841b3e4d63fffd34263394886d009e4d555fef54275';
    assert.equal(contentHash(example), before);
    assert.equal(contentHash(parsed), before);
  });
  it('read from the typed text, and worded for the act', () => {
    assert.deepEqual(parseVisitTime('9:30'), { ok: true, time: '09:30' });
    assert.deepEqual(parseVisitTime(' 9.30 '), { ok: true, time: '09:30' });
    assert.deepEqual(parseVisitTime(''), { ok: true, time: null });
    for (const bad of ['25:00', '9', '9:3', 'nove', '12:75']) {
      const r = parseVisitTime(bad);
      assert.equal(r.ok, false, bad);
      assert.match((r as { message: string }).message, /non è un’ora valida: ora nel formato hh:mm/);
    }
    assert.equal(visitTimeText('09:30', '12:15'), 'dalle 09:30 alle 12:15');
    assert.equal(visitTimeText('09:30', null), 'dalle 09:30');
    assert.equal(visitTimeText(undefined, '12:15'), 'fino alle 12:15');
    assert.equal(visitTimeText(null, undefined), null);
  });
});

describe('JSON Schema', () => {
  it('is generated from the zod schema and shipped in resources/', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../resources/inspection.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(shipped, inspectionJsonSchema(), 'resources/inspection.schema.json is stale: run `npm run schema`');
  });
  it('describes the required fields, strictness and date format', () => {
    const schema = inspectionJsonSchema() as any;
    assert.deepEqual(schema.required.sort(), ['ruleSet', 'schemaVersion', 'service', 'visit']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.visit.properties.date.format, 'date');
    assert.equal(schema.properties.visit.properties.startTime.pattern, '^([01]\\d|2[0-3]):[0-5]\\d$');
    assert.equal(schema.properties.visit.properties.place.maxLength, 200);
    assert.equal(schema.properties.visit.required.includes('place'), false);
    assert.deepEqual(schema.properties.service.properties.type.enum, ['nido', 'spazio_gioco', 'centro_bambini_famiglie', 'domiciliare']);
  });
});
