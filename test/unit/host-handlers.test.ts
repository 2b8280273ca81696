import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contract, METHODS, type Method } from '../../shared/api/contract.ts';
import { canonicalJson, sha256Hex } from '../../shared/canonical.ts';
import { ok, openTestApp, SERVICE } from './db-fixtures.ts';

const YESNO = 'A.destinazione_uso.certificato';
const TEXT = 'B.titoli.difformita';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const SIG = {
  signatory: 'pedagogista',
  name: 'Chiara Fantoni',
  strokes: [
    [
      [10, 10],
      [20, 30],
    ],
  ],
};

function setup(t: Parameters<typeof openTestApp>[0]) {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const member = ok(app, 'members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' });
  const person = ok(app, 'staff.save', {
    serviceId: service.id,
    name: 'Sara Lotti',
    role: 'educatore',
    title: 'L19',
    trainings: [{ course: 'first_aid', hours: 12, completedOn: '2025-01-10' }],
  });
  const inspection = ok(app, 'inspections.create', {
    serviceId: service.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [member.id],
  });
  return { app, service, member, person, inspection };
}

/** One bad input per method, and the field the error must name. */
function badInputs(ids: { service: string; inspection: string; person: string }): Record<Method, Array<[unknown, string]>> {
  return {
    'app.info': [[{ x: 1 }, 'x']],
    'territory.get': [[{ x: 1 }, 'x']],
    'register.list': [[{ x: 1 }, 'x']],
    'territory.choose': [
      [{ id: 'Città di Lucca' }, 'id'],
      [{ id: 'atlantide' }, 'id'],
    ],
    'services.list': [
      [{ type: 'asilo' }, 'type'],
      [{ query: 5 }, 'query'],
    ],
    'services.get': [
      [{}, 'id'],
      [{ id: '' }, 'id'],
    ],
    'services.create': [
      [{ ...SERVICE, capacity: 0 }, 'capacity'],
      [{ ...SERVICE, name: '  ' }, 'name'],
      [{ ...SERVICE, authorizationIssuedOn: '2025-02-29' }, 'authorizationIssuedOn'],
      [{ ...SERVICE, colore: 'blu' }, 'colore'],
    ],
    'services.update': [
      [{ ...SERVICE }, 'id'],
      [{ ...SERVICE, id: ids.service, kitchen: 'sì' }, 'kitchen'],
    ],
    'members.list': [[{ a: 1 }, 'a']],
    'agenda.list': [[{ a: 1 }, 'a']],
    'agenda.start': [
      [{}, 'planId'],
      [{ planId: '' }, 'planId'],
    ],
    'members.create': [[{ name: 'X' }, 'role']],
    'staff.save': [
      [{ serviceId: ids.service, name: 'A', role: 'bidello' }, 'role'],
      [
        { serviceId: ids.service, name: 'A', role: 'educatore', trainings: [{ course: 'fire', hours: 0, completedOn: '2024-01-01' }] },
        'trainings.0.hours',
      ],
    ],
    'staff.remove': [[{ id: 3 }, 'id']],
    'inspections.create': [
      [{ serviceId: ids.service, purpose: 'visita', date: '2026-03-10' }, 'purpose'],
      [{ serviceId: ids.service, purpose: 'autorizzazione', date: '10/03/2026' }, 'date'],
    ],
    'inspections.get': [[{}, 'id']],
    'inspections.update': [
      [{ id: ids.inspection, date: '2026-13-01' }, 'date'],
      [{ id: ids.inspection, staffIds: 'x' }, 'staffIds'],
      [{ id: ids.inspection, startTime: '9:30' }, 'startTime'],
      [{ id: ids.inspection, endTime: '12:15', startTime: '12:30' }, 'endTime'],
      [{ id: ids.inspection, place: 'x'.repeat(201) }, 'place'],
    ],
    'inspections.saveAnswer': [
      [{ inspectionId: ids.inspection, itemId: YESNO, value: 'forse' }, 'value'],
      [{ inspectionId: ids.inspection, itemId: '' }, 'itemId'],
      [{ inspectionId: ids.inspection, itemId: YESNO, value: -1 }, 'value'],
    ],
    'inspections.saveDraft': [
      [{ inspectionId: ids.inspection, key: '', draft: null }, 'key'],
      [{ inspectionId: ids.inspection, key: 'componente', draft: { kind: 'member', name: 'x'.repeat(201), role: '' } }, 'draft.name'],
    ],
    'inspections.saveCounts': [
      [{ inspectionId: ids.inspection, children: [{ band: '0-11', enrolled: -1 }], staffCounts: {} }, 'children.0.enrolled'],
      [{ inspectionId: ids.inspection, children: [], staffCounts: { educators: { planned: 1.5 } } }, 'staffCounts.educators.planned'],
    ],
    'inspections.seal': [
      [{ id: ids.inspection, signatures: [{ ...SIG, strokes: [] }] }, 'signatures.0.strokes'],
      [{ id: ids.inspection, signatures: [{ ...SIG, signatory: 'sindaco' }] }, 'signatures.0.signatory'],
      [{ id: ids.inspection, pin: '' }, 'pin'],
    ],
    'inspections.revise': [[{ id: null }, 'id']],
    'inspections.export': [[{}, 'id']],
    'inspections.audit': [[{ id: 1 }, 'id']],
    'photos.add': [
      [{ inspectionId: ids.inspection, mime: 'image/gif', dataBase64: PNG }, 'mime'],
      [{ inspectionId: ids.inspection, mime: 'image/png', dataBase64: '' }, 'dataBase64'],
    ],
    'photos.get': [[{}, 'id']],
    'photos.remove': [[{ id: '' }, 'id']],
    'prescriptions.save': [
      [{ inspectionId: ids.inspection, rule: 'F.x', text: ' ', deadline: '2026-05-01' }, 'text'],
      [{ inspectionId: ids.inspection, rule: 'F.x', text: 'x', deadline: 'domani' }, 'deadline'],
    ],
    'prescriptions.remove': [[{}, 'id']],
    'signing.status': [[{ x: 1 }, 'x']],
    'signing.importP12': [
      [{ p12Base64: '', passphrase: 'x' }, 'p12Base64'],
      [{ p12Base64: 'MAo=', passphrase: '' }, 'passphrase'],
    ],
    'signing.remove': [[{ tutto: true }, 'tutto']],
    'signing.setTsaUrl': [
      [{ tsaUrl: 5 }, 'tsaUrl'],
      [{ tsaUrl: 'ftp://tsa.example' }, 'tsaUrl'],
      [{ tsaUrl: 'non un indirizzo' }, 'tsaUrl'],
    ],
    'signing.listTrustedCas': [[{ x: 1 }, 'x']],
    'signing.addTrustedCa': [
      [{ pem: '' }, 'pem'],
      [{ pem: 'non è un certificato' }, 'pem'],
      [{ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, 'pem'],
    ],
    'signing.removeTrustedCa': [[{}, 'id']],
    'signing.deviceModules': [[{ x: 1 }, 'x']],
    'signing.deviceTokens': [
      [{}, 'modulePath'],
      [{ modulePath: '  ' }, 'modulePath'],
    ],
    'signing.deviceCertificates': [[{ modulePath: '/usr/lib/x.so', token: '' }, 'token']],
    'signing.setDevice': [[{ modulePath: '/usr/lib/x.so', token: 'Carta', certificate: 'abc' }, 'certificate']],
    'signing.removeDevice': [[{ x: 1 }, 'x']],
    'report.get': [[{}, 'inspectionId']],
    'report.addSignature': [
      [{ inspectionId: ids.inspection, p12Base64: 'MAo=' }, 'passphrase'],
      [{ inspectionId: ids.inspection }, 'p12Base64'],
      [{ inspectionId: ids.inspection, device: { modulePath: '/x.so', token: 'T', certificate: 'a'.repeat(64) } }, 'pin'],
      [
        { inspectionId: ids.inspection, device: { modulePath: '/x.so', token: 'T', certificate: 'nessuno' }, pin: '1234' },
        'device.certificate',
      ],
    ],
    'sync.status': [[{ x: 1 }, 'x']],
    'sync.pair': [
      [{ url: ' ', code: 'ABCD-EFGH' }, 'url'],
      [{ url: 'http://127.0.0.1:9', code: '' }, 'code'],
    ],
    'sync.unpair': [[{ a: 1 }, 'a']],
    'sync.now': [[{ subito: true }, 'subito']],
    'sync.outbox': [[{ tutto: true }, 'tutto']],
    'sync.retry': [
      [{}, 'inspectionId'],
      [{ inspectionId: '' }, 'inspectionId'],
    ],
  };
}

test('every method rejects bad input with code "invalid", the field, and an Italian message naming it', (t) => {
  const { app, service, inspection, person } = setup(t);
  const cases = badInputs({ service: service.id, inspection: inspection.id, person: person.id });
  assert.deepEqual(Object.keys(cases).sort(), [...METHODS].sort(), 'a case for every method of the contract');
  for (const method of METHODS) {
    for (const [input, field] of cases[method]) {
      const r = app.dispatch(method, input);
      assert.equal(r.ok, false, `${method} ${JSON.stringify(input)}`);
      if (r.ok) continue;
      assert.equal(r.error.code, 'invalid', `${method}: ${r.error.message}`);
      assert.equal(r.error.field, field, `${method}: ${r.error.message}`);
      assert.ok(
        r.error.message.length > 3 && !/Invalid input|expected/.test(r.error.message),
        `${method}: Italian message, got "${r.error.message}"`,
      );
    }
  }
});

test('input checks that need the database also name the field', (t) => {
  const { app, service, inspection } = setup(t);
  const other = ok(app, 'services.create', { ...SERVICE, name: 'Altro nido' });
  const stranger = ok(app, 'staff.save', { serviceId: other.id, name: 'Persona di altro servizio', role: 'educatore' });
  const expect = (method: string, input: unknown, code: string, field: string, message?: RegExp) => {
    const r = app.dispatch(method, input);
    assert.equal(r.ok, false, method);
    if (r.ok) return;
    assert.equal(r.error.code, code, `${method}: ${r.error.message}`);
    assert.equal(r.error.field, field, `${method}: ${r.error.message}`);
    if (message) assert.match(r.error.message, message);
  };
  expect(
    'inspections.saveAnswer',
    { inspectionId: inspection.id, itemId: 'Z.nope', value: 'yes' },
    'invalid',
    'itemId',
    /voce "Z.nope" sconosciuta/,
  );
  expect('inspections.saveAnswer', { inspectionId: inspection.id, itemId: YESNO, value: 4 }, 'invalid', 'value', /sì\/no/);
  expect('inspections.saveAnswer', { inspectionId: 'nope', itemId: YESNO, value: 'yes' }, 'not_found', 'inspectionId');
  expect(
    'inspections.saveCounts',
    { inspectionId: inspection.id, children: [{ band: '18-23', enrolled: 3 }], staffCounts: {} },
    'invalid',
    'children.0.band',
    /non prevista/,
  );
  expect(
    'inspections.saveCounts',
    { inspectionId: inspection.id, children: [{ band: '0-11' }, { band: '0-11' }], staffCounts: {} },
    'invalid',
    'children.1.band',
    /ripetuta/,
  );
  expect('inspections.update', { id: inspection.id, staffIds: [stranger.id] }, 'invalid', 'staffIds.0', /altro servizio/);
  expect('inspections.update', { id: inspection.id, memberIds: ['ghost'] }, 'invalid', 'memberIds.0');
  expect('inspections.create', { serviceId: 'ghost', purpose: 'autorizzazione', date: '2026-03-10' }, 'not_found', 'serviceId');
  expect(
    'inspections.seal',
    { commissionReason: 'prova automatica: commissione non in esame', id: inspection.id, signatures: [SIG, SIG] },
    'invalid',
    'signatures.1.signatory',
    /ripetuta/,
  );
  expect('staff.save', { serviceId: 'ghost', name: 'A', role: 'educatore' }, 'not_found', 'serviceId');
  expect('photos.add', { inspectionId: inspection.id, mime: 'image/jpeg', dataBase64: PNG }, 'invalid', 'dataBase64', /JPEG/);
  expect('photos.add', { inspectionId: inspection.id, mime: 'image/png', dataBase64: 'not base64!' }, 'invalid', 'dataBase64', /base64/);
  expect(
    'prescriptions.save',
    { inspectionId: inspection.id, rule: 'F.x', text: 'x', deadline: '2026-03-10' },
    'invalid',
    'deadline',
    /successiva/,
  );
  expect('services.get', { id: 'ghost' }, 'not_found', 'id');
  const unknown = app.dispatch('services.drop', {});
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.equal(unknown.error.code, 'not_found');
  assert.ok(service.id);
});

test('services.list: act validity, last inspection and next due, from the injected "today"', (t) => {
  const app = openTestApp(t, { today: '2026-07-15' });
  // Issued 2022-10-15 (year 2022/23): valid until 2026-08-31, within the 90-day warning on 15 July.
  const expiring = ok(app, 'services.create', {
    ...SERVICE,
    name: 'A',
    authorizationIssuedOn: '2022-10-15',
    accreditationIssuedOn: '2021-10-01',
  });
  ok(app, 'services.create', {
    ...SERVICE,
    name: 'B',
    type: 'spazio_gioco',
    capacity: 20,
    kitchen: false,
    authorizationIssuedOn: '2025-09-01',
    accreditationIssuedOn: null,
  });
  const list = ok<any[]>(app, 'services.list', {});
  const a = list.find((s) => s.name === 'A')!;
  assert.equal(a.authorizationValidUntil, '2026-08-31');
  assert.equal(a.authorizationStatus, 'expiring');
  assert.equal(a.accreditationValidUntil, '2025-08-31');
  assert.equal(a.accreditationStatus, 'expired');
  const b = list.find((s) => s.name === 'B')!;
  assert.equal(b.authorizationStatus, 'valid');
  assert.equal(b.authorizationValidUntil, '2029-08-31');
  assert.equal(b.accreditationStatus, 'none');
  // No inspection in the first semester: overdue; the second is due by 31 December.
  assert.equal(a.lastInspectionDate, null);
  assert.equal(a.inspectionOverdue, true);
  assert.equal(a.nextInspectionDueBy, '2026-12-31');

  const i = ok(app, 'inspections.create', { serviceId: expiring.id, purpose: 'verifica_periodica', date: '2026-03-02' });
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: i.id });
  const after = ok<any[]>(app, 'services.list', { query: 'A' }).find((s) => s.id === expiring.id)!;
  assert.equal(after.lastInspectionDate, '2026-03-02');
  assert.equal(after.inspectionOverdue, false);
  assert.deepEqual(
    ok<any[]>(app, 'services.list', { type: 'spazio_gioco' }).map((s) => s.name),
    ['B'],
  );
});

test('an inspection from creation to seal: answers, counts, staff, photos, prescriptions, hash over the canonical file', (t) => {
  const { app, inspection, person, service } = setup(t);
  ok(app, 'inspections.update', { id: inspection.id, staffIds: [person.id] });
  const ack = ok(app, 'inspections.saveAnswer', { inspectionId: inspection.id, itemId: YESNO, value: 'no', note: 'certificato assente' });
  assert.ok(ack.seq > 0 && ack.savedAt);
  ok(app, 'inspections.saveAnswer', { inspectionId: inspection.id, itemId: TEXT, value: 'nessuna' });
  ok(app, 'inspections.saveCounts', {
    inspectionId: inspection.id,
    children: [
      { band: '0-11', enrolled: 6, present: 5 },
      { band: '12-23', enrolled: 14, present: 12 },
      { band: '24-36', enrolled: 20, present: 18 },
    ],
    staffCounts: { educators: { planned: 6, present: 2 } },
  });
  const photo = ok(app, 'photos.add', {
    inspectionId: inspection.id,
    itemId: YESNO,
    mime: 'image/png',
    dataBase64: PNG,
    caption: 'ingresso',
  });
  assert.deepEqual(ok(app, 'photos.get', { id: photo.id }), { mime: 'image/png', dataBase64: PNG });
  ok(app, 'prescriptions.save', { inspectionId: inspection.id, rule: YESNO, text: 'Produrre il certificato', deadline: '2026-06-30' });

  const draft = ok(app, 'inspections.get', { id: inspection.id });
  assert.equal(draft.status, 'draft');
  assert.equal(draft.sealedFile, null);
  assert.equal(draft.photos.length, 1);
  assert.equal(draft.prescriptions.length, 1);
  assert.deepEqual(draft.staffIds, [person.id]);
  // Findings come from the same rules as the UI: the "no", educators present 2 < 5, training.
  assert.ok(draft.failCount >= 2, `failCount ${draft.failCount}`);

  const exported = ok(app, 'inspections.export', { id: inspection.id });
  assert.equal(exported.people[0].name, 'Sara Lotti');
  assert.equal(exported.service.name, SERVICE.name);
  assert.deepEqual(exported.visit.members, [{ name: 'Chiara Fantoni', role: 'Pedagogista zonale' }]);

  const sealed = ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [SIG],
  });
  assert.match(sealed.contentHash, /^[0-9a-f]{64}$/);
  assert.equal(sealed.inspection.status, 'sealed');
  assert.deepEqual(
    sealed.inspection.sealedFile,
    { ...exported, visit: { ...exported.visit, commissionIncompleteReason: 'prova automatica: commissione non in esame' } },
    'the sealed file is the file as it was, with the reason the commission was incomplete',
  );
  assert.equal(sha256Hex(new TextEncoder().encode(canonicalJson(sealed.inspection.sealedFile))), sealed.contentHash);
  assert.equal(sealed.inspection.failCount, draft.failCount);
  assert.deepEqual(sealed.inspection.signatures, [SIG]);

  // Later changes to the roster or the registry do not reach the sealed file.
  ok(app, 'staff.save', { id: person.id, serviceId: person.serviceId, role: person.role, name: 'Sara Lotti in Rossi', trainings: [] });
  ok(app, 'services.update', { ...SERVICE, id: service.id, name: 'Nuovo nome' });
  assert.deepEqual(ok(app, 'inspections.export', { id: inspection.id }), sealed.inspection.sealedFile);

  for (const [method, input] of [
    ['inspections.saveAnswer', { inspectionId: inspection.id, itemId: YESNO, value: 'yes' }],
    ['inspections.saveCounts', { inspectionId: inspection.id, children: [], staffCounts: {} }],
    ['inspections.update', { id: inspection.id, date: '2026-03-11' }],
    ['inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: inspection.id }],
    ['photos.add', { inspectionId: inspection.id, mime: 'image/png', dataBase64: PNG }],
    ['photos.remove', { id: photo.id }],
    ['prescriptions.save', { inspectionId: inspection.id, rule: 'x', text: 'y', deadline: '2026-12-01' }],
  ] as const) {
    const r = app.dispatch(method, input);
    assert.equal(r.ok, false, method);
    if (!r.ok) assert.equal(r.error.code, 'sealed', `${method}: ${r.error.message}`);
  }

  const revised = ok(app, 'inspections.revise', { id: inspection.id });
  assert.equal(revised.revision, 2);
  assert.equal(revised.previousId, inspection.id);
  assert.equal(revised.visitId, inspection.visitId);
  assert.equal(revised.status, 'draft');
  assert.deepEqual(revised.answers, sealed.inspection.answers);
  assert.deepEqual(revised.signatures, []);
  ok(app, 'inspections.saveAnswer', { inspectionId: revised.id, itemId: YESNO, value: 'yes' });
  const resealed = ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: revised.id,
    signatures: [SIG],
  });
  assert.notEqual(resealed.contentHash, sealed.contentHash);

  const audit = ok<any[]>(app, 'inspections.audit', { id: inspection.id });
  assert.deepEqual(
    audit.map((e) => e.action),
    [
      'creata',
      'dati visita modificati',
      'risposta salvata',
      'risposta salvata',
      'conteggi salvati',
      'foto aggiunta',
      'prescrizione aggiunta',
      'sigillata',
      'in coda per l’ufficio',
      'corretta da nuova revisione',
    ],
  );
  const history = ok<any>(app, 'services.get', { id: service.id }).inspections;
  assert.deepEqual(
    history.map((h: any) => [h.revision, h.status]),
    [
      [2, 'sealed'],
      [1, 'sealed'],
    ],
  );
  assert.deepEqual(
    history.map((h: any) => h.syncStatus),
    ['in_coda', 'in_coda'],
    'both sealed revisions wait for the office',
  );
  assert.equal(ok<any>(app, 'services.get', { id: service.id }).service.openPrescriptions, 1, 'counted on the latest revision only');
});

test('removing a photo and a prescription of a draft; removing staff takes them off the draft', (t) => {
  const { app, inspection, person } = setup(t);
  ok(app, 'inspections.update', { id: inspection.id, staffIds: [person.id] });
  const photo = ok(app, 'photos.add', { inspectionId: inspection.id, mime: 'image/png', dataBase64: PNG });
  assert.deepEqual(ok(app, 'photos.remove', { id: photo.id }), { removed: true });
  assert.deepEqual(ok(app, 'photos.remove', { id: photo.id }), { removed: false });
  const p = ok(app, 'prescriptions.save', { inspectionId: inspection.id, rule: 'x', text: 'y', deadline: '2026-12-01' });
  assert.deepEqual(ok(app, 'prescriptions.remove', { id: p.id }), { removed: true });
  assert.deepEqual(ok(app, 'staff.remove', { id: person.id }), { removed: true });
  assert.deepEqual(ok(app, 'inspections.get', { id: inspection.id }).staffIds, []);
  assert.ok(ok<any[]>(app, 'inspections.audit', { id: inspection.id }).some((e) => e.action === 'personale rimosso dall’elenco'));
});

test('form drafts: kept per visit, encrypted at rest, removed one by one, dropped at sealing', (t) => {
  const { app, inspection } = setup(t);
  const prescription = { kind: 'prescription', text: 'Installare protezioni sui termosifoni', deadline: '02/12/2' };
  const signatory = {
    kind: 'signatory',
    name: 'Chiara Fantoni',
    strokes: [
      [
        [10, 10],
        [20, 30],
      ],
    ],
  };
  ok(app, 'inspections.saveDraft', { inspectionId: inspection.id, key: 'prescrizione:r1:nuova', draft: prescription });
  ok(app, 'inspections.saveDraft', { inspectionId: inspection.id, key: 'firma:pedagogista', draft: signatory });
  assert.deepEqual(ok(app, 'inspections.get', { id: inspection.id }).drafts, {
    'prescrizione:r1:nuova': prescription,
    'firma:pedagogista': signatory,
  });
  // Personal text never sits in clear in the database file.
  const raw = app.store.db.prepare("SELECT value FROM meta WHERE key LIKE 'secret:draft.%'").all() as Array<{ value: Buffer }>;
  assert.equal(raw.length, 1);
  assert.ok(!Buffer.from(raw[0]!.value).toString('latin1').includes('Fantoni'));
  ok(app, 'inspections.saveDraft', { inspectionId: inspection.id, key: 'prescrizione:r1:nuova', draft: null });
  assert.deepEqual(Object.keys(ok(app, 'inspections.get', { id: inspection.id }).drafts), ['firma:pedagogista']);
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: inspection.id });
  assert.deepEqual(ok(app, 'inspections.get', { id: inspection.id }).drafts, {});
  assert.equal((app.store.db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'secret:draft.%'").get() as { n: number }).n, 0);
  const late = app.dispatch('inspections.saveDraft', {
    inspectionId: inspection.id,
    key: 'componente',
    draft: { kind: 'member', name: 'A', role: 'B' },
  });
  assert.equal(late.ok, false);
});

test('the async Api has one function per method and answers Results without throwing', async (t) => {
  const app = openTestApp(t);
  assert.deepEqual(Object.keys(app.api).sort(), Object.keys(contract).sort());
  const info = await app.api['app.info']({});
  assert.deepEqual(info, {
    ok: true,
    value: { version: info.ok ? info.value.version : '', shell: 'browser', ruleSet: 'zona-fse@1', demo: false, today: '2026-03-10' },
  });
  const bad = await app.api['services.get']({ id: 'x' });
  assert.equal(bad.ok, false);
});

test('demo data: 7–10 services in the Zona, all four types, an expired act, sealed inspections, an expired certificate', (t) => {
  const app = openTestApp(t, { demo: true, today: '2026-11-23' });
  const list = ok<any[]>(app, 'services.list', {});
  assert.ok(list.length >= 7 && list.length <= 10, `${list.length} services`);
  assert.deepEqual(new Set(list.map((s) => s.type)), new Set(['nido', 'spazio_gioco', 'centro_bambini_famiglie', 'domiciliare']));
  const zona = [
    'Bagno a Ripoli',
    'Barberino Tavarnelle',
    'Greve in Chianti',
    'Impruneta',
    'Pontassieve',
    'Reggello',
    'San Casciano in Val di Pesa',
    "Rignano sull'Arno",
  ];
  assert.ok(
    list.every((s) => zona.includes(s.comune)),
    'only Comuni of the Zona',
  );
  assert.equal(list.filter((s) => s.authorizationStatus === 'expired' || s.accreditationStatus === 'expired').length, 1);
  assert.ok(list.filter((s) => s.lastInspectionDate).length >= 2);
  assert.ok(list.some((s) => s.openPrescriptions > 0));
  const girasole = list.find((s) => s.name.includes('Girasole'))!;
  const detail = ok<any>(app, 'services.get', { id: girasole.id });
  assert.ok(detail.inspections.every((i: any) => i.status === 'sealed' && /^[0-9a-f]{64}$/.test(i.contentHash)));
  const firstAid = detail.staff.flatMap((p: any) =>
    p.trainings.filter((tr: any) => tr.course === 'first_aid').map((tr: any) => tr.completedOn),
  );
  assert.ok(
    firstAid.some((d: string) => d < '2023-11-23'),
    'one first-aid certificate older than three years',
  );
  assert.ok(ok<any[]>(app, 'members.list', {}).length >= 3);
  // Seeding happens once: reopening with --demo does not duplicate.
});

test('--demo seeds only an empty database', (t) => {
  const first = openTestApp(t, { demo: true, today: '2026-11-23' });
  const dir = first.dataDir;
  const n = ok<any[]>(first, 'services.list', {}).length;
  first.close();
  const again = openTestApp(t, { demo: true, dir, today: '2026-11-23' });
  assert.equal(ok<any[]>(again, 'services.list', {}).length, n);
});

test('a date typed far in the future is refused on its field, and cannot break the lists that compute from it', (t) => {
  const { app, service, inspection } = setup(t);
  const far = '9999-12-31';
  const refused = (method: string, input: unknown, field: string) => {
    const r = app.dispatch(method, input);
    assert.equal(r.ok, false, method);
    assert.equal(r.ok ? null : r.error.code, 'invalid', method);
    assert.equal(r.ok ? null : r.error.field, field, method);
  };
  refused('services.create', { ...SERVICE, authorizationIssuedOn: far }, 'authorizationIssuedOn');
  refused('services.update', { ...SERVICE, id: service.id, accreditationIssuedOn: far }, 'accreditationIssuedOn');
  refused(
    'staff.save',
    { serviceId: service.id, name: 'Anna', role: 'educatore', trainings: [{ course: 'fire', hours: 8, completedOn: far }] },
    'trainings.0.completedOn',
  );
  refused('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: far }, 'date');
  refused('inspections.update', { id: inspection.id, date: far }, 'date');
  // The services list, which computes validity and due dates, still answers.
  assert.equal(ok(app, 'services.list', {}).length, 1);
});
