import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../db/errors.ts';
import { openStore, SERVICE } from './db-fixtures.ts';

const serviceWrite = { ...SERVICE, territorialRls: false };

test('services: create, read back typed, update, filter by text, type and Comune', (t) => {
  const store = openStore(t);
  const a = store.services.create(serviceWrite);
  assert.equal(a.kitchen, true);
  assert.equal(a.authorizationIssuedOn, '2024-10-15');
  store.services.create({
    ...serviceWrite,
    name: 'Spazio gioco 50%',
    type: 'spazio_gioco',
    comune: 'Impruneta',
    capacity: 20,
    kitchen: false,
    accreditationIssuedOn: null,
  });
  const updated = store.services.update(a.id, { ...serviceWrite, capacity: 42 });
  assert.equal(updated.capacity, 42);
  assert.equal(store.services.list().length, 2);
  assert.deepEqual(
    store.services.list({ type: 'spazio_gioco' }).map((s) => s.comune),
    ['Impruneta'],
  );
  assert.deepEqual(
    store.services.list({ comune: 'bagno a ripoli' }).map((s) => s.name),
    ['Nido Il Girasole'],
  );
  assert.deepEqual(
    store.services.list({ query: 'girasole' }).map((s) => s.id),
    [a.id],
  );
  // "%" is a character to look for, not a wildcard.
  assert.deepEqual(
    store.services.list({ query: '50%' }).map((s) => s.type),
    ['spazio_gioco'],
  );
  assert.throws(
    () => store.services.update('nope', serviceWrite),
    (e) => e instanceof StoreError && e.code === 'not_found',
  );
});

test('members: create and list by name; unknown ids name the field', (t) => {
  const store = openStore(t);
  const m = store.members.create({ name: 'Zeta', role: 'ASL' });
  store.members.create({ name: 'Alfa', role: 'Pedagogista zonale' });
  assert.deepEqual(
    store.members.list().map((x) => x.name),
    ['Alfa', 'Zeta'],
  );
  assert.throws(
    () => store.members.getMany([m.id, 'x']),
    (e) => e instanceof StoreError && e.field === 'memberIds.1',
  );
});

test('staff: saved, updated and removed; removal takes the person off draft inspections only', (t) => {
  const store = openStore(t);
  const s = store.services.create(serviceWrite);
  const p = store.staff.save({
    serviceId: s.id,
    name: 'Giulia Mariani',
    role: 'educatore',
    title: 'L19',
    titleObtainedOn: null,
    pathStartedOn: null,
    trainings: [{ course: 'first_aid', hours: 12, completedOn: '2024-01-10' }],
    active: true,
  });
  const p2 = store.staff.save({ ...p, name: 'Giulia Mariani Rossi', trainings: [] });
  assert.equal(p2.id, p.id);
  assert.equal(p2.name, 'Giulia Mariani Rossi');
  assert.deepEqual(p2.trainings, []);
  const other = store.services.create({ ...serviceWrite, name: 'Altro' });
  assert.throws(
    () => store.staff.save({ ...p2, serviceId: other.id }),
    (e) => e instanceof StoreError && e.field === 'serviceId',
  );

  const draft = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  store.inspections.update(draft.id, { staffIds: [p.id] });
  assert.deepEqual(store.inspections.content(draft.id).staffIds, [p.id]);
  assert.deepEqual(store.staff.remove(p.id), { removed: true, drafts: [draft.id] });
  assert.deepEqual(store.inspections.content(draft.id).staffIds, []);
  assert.deepEqual(store.staff.listByService(s.id), []);
  assert.deepEqual(store.staff.remove(p.id), { removed: false, drafts: [] });
});

test('inspections: answers merge value and note, empty answers disappear, counts are stored as given', (t) => {
  const store = openStore(t);
  const s = store.services.create(serviceWrite);
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'autorizzazione',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  assert.equal(i.status, 'draft');
  assert.equal(i.revision, 1);
  assert.equal(i.previousId, null);
  const a1 = store.inspections.saveAnswer(i.id, { itemId: 'F.x', value: 'no' });
  const a2 = store.inspections.saveAnswer(i.id, { itemId: 'F.x', note: 'manca il DVR' });
  assert.ok(a2.seq > a1.seq);
  assert.deepEqual(store.inspections.content(i.id).answers, { 'F.x': { value: 'no', note: 'manca il DVR' } });
  store.inspections.saveAnswer(i.id, { itemId: 'F.x', value: null });
  assert.deepEqual(store.inspections.content(i.id).answers, { 'F.x': { note: 'manca il DVR' } });
  store.inspections.saveAnswer(i.id, { itemId: 'F.x', note: '' });
  assert.deepEqual(store.inspections.content(i.id).answers, {});
  store.inspections.saveAnswer(i.id, { itemId: 'B.n', value: 3 });
  assert.deepEqual(store.inspections.content(i.id).answers, { 'B.n': { value: 3 } });

  const children = [
    { band: '0-11', enrolled: 5 },
    { band: '12-23', enrolled: 14, present: 12 },
  ];
  store.inspections.saveCounts(i.id, children, { educators: { planned: 6 } });
  const c = store.inspections.content(i.id);
  assert.deepEqual(c.children, children);
  assert.deepEqual(c.staffCounts, { educators: { planned: 6 } });
  assert.throws(
    () => store.inspections.saveAnswer('missing', { itemId: 'x', value: 'yes' }),
    (e) => e instanceof StoreError && e.code === 'not_found' && e.field === 'inspectionId',
  );
});

test('photos: bytes stored once by hash, read back verified, removed only when unused', (t) => {
  const store = openStore(t);
  const s = store.services.create(serviceWrite);
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'autorizzazione',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const a = store.photos.add({ inspectionId: i.id, itemId: null, mime: 'image/png', caption: 'ingresso', bytes });
  const b = store.photos.add({ inspectionId: i.id, itemId: 'F.x', mime: 'image/png', caption: 'copia', bytes });
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(store.photos.bytes(a.id).bytes, bytes);
  assert.equal(store.photos.remove(a.id), true);
  assert.ok(store.inspections.content(i.id) && store.photos.listByInspection(i.id).length === 1);
  assert.deepEqual(store.photos.bytes(b.id).bytes, bytes, 'still referenced: the file stays');
  assert.equal(store.photos.remove(b.id), true);
  assert.equal(store.photos.remove(b.id), false);
});

test('prescriptions: saved, edited, listed by deadline, removed', (t) => {
  const store = openStore(t);
  const s = store.services.create(serviceWrite);
  const i = store.inspections.create({
    serviceId: s.id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
    memberIds: [],
    ruleSet: 'zona-fse@1',
  });
  const p = store.prescriptions.save({ inspectionId: i.id, rule: 'training.fire', text: 'Formare due addetti', deadline: '2026-06-30' });
  store.prescriptions.save({ inspectionId: i.id, rule: 'F.x', text: 'Aggiornare il DVR', deadline: '2026-04-30' });
  store.prescriptions.save({ ...p, text: 'Formare due addetti antincendio' });
  const list = store.prescriptions.listByInspection(i.id);
  assert.deepEqual(
    list.map((x) => x.deadline),
    ['2026-04-30', '2026-06-30'],
  );
  assert.equal(list[1]!.text, 'Formare due addetti antincendio');
  assert.equal(list[1]!.status, 'open');
  assert.equal(store.prescriptions.remove(p.id), true);
  assert.equal(store.prescriptions.listByInspection(i.id).length, 1);
});
