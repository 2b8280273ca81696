/**
 * The SQLite outbox (db/repositories/outbox.ts) behind the office sync loop: enqueue on seal,
 * what a send carries, stuck sends, retries, decisions and registry changes applied atomically
 * with the cursor, and the device token encrypted at rest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { contentHash } from '../../shared/canonical.ts';
import { sha256Of } from '../../db/blobs.ts';
import type { OfficeChange } from '../../db/repositories/outbox.ts';
import type { HostApp } from '../../host/app.ts';
import { ok, openTestApp, SERVICE } from './db-fixtures.ts';

const YESNO = 'A.destinazione_uso.certificato';
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
// A PNG header is all photos.add checks; two different "photos".
const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`foto ${n}`)]);

function sealedVisit(app: HostApp, serviceId: string, photos = 1, date = '2026-03-10') {
  const inspection = ok(app, 'inspections.create', { serviceId, purpose: 'verifica_periodica', date });
  ok(app, 'inspections.saveAnswer', { inspectionId: inspection.id, itemId: YESNO, value: 'no', note: 'certificato non esibito' });
  for (let i = 0; i < photos; i++)
    ok(app, 'photos.add', {
      inspectionId: inspection.id,
      itemId: YESNO,
      mime: 'image/png',
      dataBase64: png(i + date.length * 100 + photos).toString('base64'),
    });
  ok(app, 'prescriptions.save', { inspectionId: inspection.id, rule: YESNO, text: 'Esibire il certificato', deadline: '2026-06-30' });
  const sealed = ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [SIG],
  });
  return { id: inspection.id as string, contentHash: sealed.contentHash as string, visitId: sealed.inspection.visitId as string };
}

function paired(app: HostApp) {
  app.store.outbox.savePairing({
    officeUrl: 'http://127.0.0.1:8470',
    token: 'token-segreto-del-dispositivo-1234567890',
    inspectorId: 'ins-1',
    inspectorName: 'Maria Rossi',
  });
}

const decision = (
  seq: number,
  visitId: string,
  revision: number,
  hash: string,
  kind: 'validated' | 'rejected',
  notes: string | null = null,
): OfficeChange => ({
  seq,
  kind: 'decision',
  payload: { inspectionId: visitId, revision, contentHash: hash, decision: kind, notes, decidedAt: `2026-03-11T10:00:0${seq % 10}.000Z` },
});

test('sealing queues the revision with the hash stored at seal; drafts have no sync status', (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const draft = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-09' });
  assert.equal(draft.syncStatus, null);
  const v = sealedVisit(app, service.id);
  const row = app.store.outbox.findByInspection(v.id)!;
  assert.equal(row.status, 'in_coda');
  assert.equal(row.contentHash, v.contentHash);
  assert.equal(row.visitId, v.visitId);
  assert.equal(row.revision, 1);
  assert.equal(ok(app, 'inspections.get', { id: v.id }).syncStatus, 'in_coda');
  const history = ok(app, 'services.get', { id: service.id }).inspections;
  assert.deepEqual(
    history.map((i: { id: string; syncStatus: string | null }) => [i.id, i.syncStatus]).sort(),
    [
      [draft.id, null],
      [v.id, 'in_coda'],
    ].sort(),
  );
  assert.ok(ok(app, 'inspections.audit', { id: v.id }).some((e: { action: string }) => e.action === 'in coda per l’ufficio'));
  // Queuing twice is harmless: one row per revision.
  assert.equal(app.store.outbox.enqueue(v.id).id, row.id);
  assert.equal(app.store.outbox.list().length, 1);
  assert.throws(() => app.store.outbox.enqueue(draft.id), /non è sigillata/);
});

test('the seal and the enqueue are one transaction: if queuing fails, the visit stays a draft', (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const inspection = ok(app, 'inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  app.store.db.exec("CREATE TEMP TRIGGER outbox_down BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disco pieno'); END");
  const r = app.dispatch('inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: inspection.id,
    signatures: [SIG],
  });
  assert.equal(r.ok, false);
  assert.equal(ok(app, 'inspections.get', { id: inspection.id }).status, 'draft');
  app.store.db.exec('DROP TRIGGER outbox_down');
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: inspection.id, signatures: [SIG] });
  assert.equal(app.store.outbox.statusOf(inspection.id), 'in_coda');
});

test('nextPending hands out the sealed file, photos by content reader and prescriptions; stuck sends come back; backoff is honoured', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id, 2, '2026-03-02');
  const b = sealedVisit(app, service.id, 1, '2026-03-03');
  const outbox = app.store.outbox;
  const now = new Date('2026-03-10T12:00:00Z');

  const first = (await outbox.nextPending(now))!;
  assert.equal(first.id, a.visitId);
  assert.equal(first.revision, 1);
  assert.equal(first.contentHash, a.contentHash);
  assert.equal(contentHash(first.file), a.contentHash, 'the file sent hashes to the hash stored at seal');
  assert.equal(first.attachments.length, 2);
  for (const att of first.attachments) {
    assert.equal(att.kind, 'photo');
    const plain = await att.reader.read(0, await att.reader.size());
    assert.equal(sha256Of(plain), att.sha256, 'content-addressed: the reader yields the plaintext that hashes to the name');
  }
  assert.deepEqual(first.prescriptions, [{ rule: YESNO, text: 'Esibire il certificato', deadline: '2026-06-30' }]);
  assert.equal(first.serviceId, undefined, 'a service the office does not know is not named');

  // The app closed mid-send: the row stays "inviata" and is handed out again, identical.
  await outbox.markSent(first.outboxId, 'inviata');
  assert.equal(outbox.statusOf(a.id), 'inviata');
  // A report attached after the first send does not change what is resent (the office would see a conflict).
  app.store.attachments.add({
    inspectionId: a.id,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7\n%%EOF\n'),
  });
  const again = (await outbox.nextPending(now))!;
  assert.equal(again.outboxId, first.outboxId);
  const names = (p: typeof first) => p.attachments.map(({ sha256, kind, name }) => ({ sha256, kind, name }));
  assert.deepEqual(names(again), names(first));

  // A failure: back in the queue, not due before its time, attempts counted.
  await outbox.markRetry(first.outboxId, 'server non raggiungibile', new Date(now.getTime() + 60_000));
  const row = outbox.findByInspection(a.id)!;
  assert.deepEqual([row.status, row.attempts, row.lastError], ['in_coda', 1, 'server non raggiungibile']);
  assert.equal((await outbox.nextPending(now))!.id, b.visitId, 'the other visit goes first meanwhile');
  assert.equal((await outbox.nextPending(now))!.id, b.visitId);
  assert.equal((await outbox.nextPending(new Date(now.getTime() + 60_000)))!.id, a.visitId, 'due again after the backoff');
  assert.equal(outbox.nextPendingSync(new Date(now.getTime() + 60_000), new Set([a.id]))!.id, b.visitId, 'a held revision is skipped');
  assert.equal(outbox.makeDueNow(), 1);
  assert.equal((await outbox.nextPending(now))!.id, a.visitId, '"Sincronizza ora" cancels the wait');

  await outbox.markSent(first.outboxId, 'ricevuta');
  await outbox.markFailed((await outbox.nextPending(now))!.outboxId, 'conflitto', 'altro contenuto');
  assert.equal(await outbox.nextPending(now), null, 'nothing else is due');
  assert.deepEqual(
    Object.entries(outbox.counts()).filter(([, n]) => n > 0),
    [
      ['ricevuta', 1],
      ['conflitto', 1],
    ],
  );
  // A received revision does not fall back to "inviata" or "in coda".
  await outbox.markSent(first.outboxId, 'inviata');
  await outbox.markRetry(first.outboxId, 'x', now);
  assert.equal(outbox.statusOf(a.id), 'ricevuta');
});

test('a revision the office takes clears the error an earlier pass left (no stale «ultimo errore» once the office is back)', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  paired(app);
  const v = sealedVisit(app, service.id);
  const outbox = app.store.outbox;
  outbox.recordError('aggiornamenti: tentativi esauriti (fetch failed)');
  assert.equal(outbox.settings()!.lastError, 'aggiornamenti: tentativi esauriti (fetch failed)');
  const item = (await outbox.nextPending(new Date()))!;
  await outbox.markSent(item.outboxId, 'inviata');
  assert.ok(outbox.settings()!.lastError, 'a send under way proves nothing yet');
  await outbox.markSent(item.outboxId, 'ricevuta');
  assert.deepEqual([outbox.settings()!.lastError, outbox.settings()!.lastErrorAt], [null, null]);
  assert.equal(outbox.statusOf(v.id), 'ricevuta');
});

test('the device token is stored encrypted with the data key, never in clear', (t) => {
  const app = openTestApp(t);
  paired(app);
  const raw = app.store.db.prepare('SELECT device_token FROM sync_settings').get() as { device_token: Buffer };
  assert.ok(!raw.device_token.includes(Buffer.from('token-segreto')), 'no clear token in the row');
  app.store.db.pragma('wal_checkpoint(TRUNCATE)');
  assert.ok(!readFileSync(`${app.dataDir}/vigilanza.db`).includes(Buffer.from('token-segreto')), 'nor anywhere in the file');
  assert.equal(app.store.outbox.deviceToken(), 'token-segreto-del-dispositivo-1234567890');
  assert.throws(() => paired(app), /già associato/);
  assert.equal(app.store.outbox.unpair(), true);
  assert.equal(app.store.outbox.deviceToken(), null);
});

test('decisions and services apply with the cursor: validated, rejected → new draft with the notes, replay harmless, unknown kinds skipped', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id, 1, '2026-03-02');
  const b = sealedVisit(app, service.id, 1, '2026-03-03');
  paired(app);
  const outbox = app.store.outbox;
  for (const id of [a.id, b.id]) await outbox.markSent(outbox.findByInspection(id)!.id, 'ricevuta');

  const officeService = {
    id: 'uff-nido-1',
    name: 'Nido Arcobaleno',
    type: 'nido',
    comune: 'Impruneta',
    address: 'Via Chiantigiana 3',
    referente: 'Comune',
    capacity: 30,
    kitchen: false,
    territorialRls: false,
    authorizationIssuedOn: '2024-10-15',
    accreditationIssuedOn: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
  const report = await outbox.applyChanges(
    [
      { seq: 1, kind: 'rule_set', payload: { key: 'zona-fse@1', ruleSet: {} } },
      { seq: 2, kind: 'service', payload: { service: officeService } },
      decision(3, a.visitId, 1, a.contentHash, 'validated'),
      decision(4, b.visitId, 1, b.contentHash, 'rejected', 'Allegare la foto del certificato.'),
      { seq: 5, kind: 'qualcosa_di_nuovo', payload: { x: 1 } },
      { seq: 6, kind: 'service', payload: { service: { ...officeService, id: 'uff-2', capacity: -3 } } },
      decision(7, 'visita-sconosciuta', 1, a.contentHash, 'validated'),
    ],
    7,
  );
  assert.equal(report.decisions, 2);
  assert.equal(report.services, 1);
  assert.equal(report.skipped.length, 3, report.skipped.join('\n'));
  assert.equal(await outbox.getCursor(), 7);
  assert.ok(outbox.settings()!.lastSyncAt);

  assert.equal(outbox.statusOf(a.id), 'validata');
  assert.equal(ok(app, 'inspections.get', { id: a.id }).status, 'validated');
  assert.equal(outbox.statusOf(b.id), 'respinta');
  const rejected = ok(app, 'inspections.get', { id: b.id });
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.syncStatus, 'respinta');
  const [draftId] = report.newDrafts;
  const draft = ok(app, 'inspections.get', { id: draftId });
  assert.deepEqual(
    [draft.status, draft.revision, draft.previousId, draft.visitId, draft.rejectionNotes, draft.syncStatus],
    ['draft', 2, b.id, b.visitId, 'Allegare la foto del certificato.', null],
  );
  assert.equal(draft.answers[YESNO].value, 'no', 'the new draft carries the sealed content');
  assert.equal(draft.photos.length, 1);

  // The office is the master of its services' registry fields.
  assert.equal(app.store.services.get('uff-nido-1').capacity, 30);
  await outbox.applyChanges(
    [{ seq: 8, kind: 'service', payload: { service: { ...officeService, capacity: 36, name: 'Nido Arcobaleno (nuova sede)' } } }],
    8,
  );
  assert.deepEqual(
    [app.store.services.get('uff-nido-1').capacity, app.store.services.get('uff-nido-1').name],
    [36, 'Nido Arcobaleno (nuova sede)'],
  );
  // A visit to that service names it to the office.
  const c = sealedVisit(app, 'uff-nido-1', 0, '2026-03-04');
  const next = (await outbox.nextPending(new Date('2026-03-10T12:00:00Z')))!;
  assert.equal(next.id, c.visitId);
  assert.equal(next.serviceId, 'uff-nido-1');

  // Paired again, the feed replays from 0: nothing is applied twice.
  outbox.unpair();
  paired(app);
  const replay = await outbox.applyChanges(
    [
      decision(3, a.visitId, 1, a.contentHash, 'validated'),
      decision(4, b.visitId, 1, b.contentHash, 'rejected', 'Allegare la foto del certificato.'),
    ],
    4,
  );
  assert.equal(replay.decisions, 0);
  assert.deepEqual(replay.newDrafts, []);
  assert.equal(
    ok(app, 'services.get', { id: service.id }).inspections.filter((i: { visitId: string }) => i.visitId === b.visitId).length,
    2,
    'still one correction',
  );
  await assert.rejects(outbox.applyChanges([], 2), /cursore 2 precedente/);
});

test('a rejection when the inspector already opened a correction puts the notes on that draft', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id);
  paired(app);
  const correction = ok(app, 'inspections.revise', { id: a.id });
  const report = await app.store.outbox.applyChanges([decision(1, a.visitId, 1, a.contentHash, 'rejected', 'Rivedere la sezione F.')], 1);
  assert.deepEqual(report.newDrafts, []);
  assert.equal(ok(app, 'inspections.get', { id: correction.id }).rejectionNotes, 'Rivedere la sezione F.');
  // A decision about another content under the same number is not applied.
  const other = await app.store.outbox.applyChanges([decision(2, a.visitId, 1, 'f'.repeat(64), 'validated')], 2);
  assert.equal(other.decisions, 0);
  assert.equal(app.store.outbox.statusOf(a.id), 'respinta');
});

test('a page that fails to apply leaves everything as it was, cursor included', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id);
  paired(app);
  const outbox = app.store.outbox;
  await outbox.applyChanges([], 10);
  await outbox.markSent(outbox.findByInspection(a.id)!.id, 'ricevuta');
  // The disk fills up (simulated) while the second change of the page is written.
  app.store.db.exec("CREATE TEMP TRIGGER services_down BEFORE INSERT ON services BEGIN SELECT RAISE(ABORT, 'disco pieno'); END");
  const page = [
    decision(11, a.visitId, 1, a.contentHash, 'rejected', 'Note'),
    {
      seq: 12,
      kind: 'service',
      payload: {
        service: {
          id: 'uff-1',
          name: 'Nido',
          type: 'nido',
          comune: 'Fiesole',
          address: '',
          referente: '',
          capacity: 20,
          kitchen: true,
          territorialRls: false,
          authorizationIssuedOn: null,
          accreditationIssuedOn: null,
          createdAt: 'x',
          updatedAt: 'x',
        },
      },
    },
  ];
  await assert.rejects(outbox.applyChanges(page, 12), /disco pieno/);
  assert.equal(await outbox.getCursor(), 10, 'cursor unchanged');
  assert.equal(outbox.statusOf(a.id), 'ricevuta', 'the decision earlier in the page is not applied either');
  assert.equal(ok(app, 'inspections.get', { id: a.id }).status, 'sealed');
  assert.equal(ok(app, 'services.get', { id: service.id }).inspections.length, 1, 'no draft opened');
  assert.equal((app.store.db.prepare('SELECT count(*) AS n FROM sync_decisions').get() as { n: number }).n, 0);
  // Once the disk is fine, the same page applies exactly once.
  app.store.db.exec('DROP TRIGGER services_down');
  const report = await outbox.applyChanges(page, 12);
  assert.deepEqual([report.decisions, report.services, report.newDrafts.length], [1, 1, 1]);
  assert.equal(await outbox.getCursor(), 12);
});

test('pairing refuses a non-http address and an unreachable office with messages naming the field', async (t) => {
  const app = openTestApp(t);
  for (const [url, pattern] of [
    ['ftp://ufficio.zona', /solo indirizzi http/],
    ['non è un indirizzo', /indirizzo non valido/],
    ['http://utente:pw@127.0.0.1:1', /nome utente/],
  ] as const) {
    const r = await app.call('sync.pair', { url, code: 'ABCD-EFGH' });
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.error.code, 'invalid');
    assert.equal(r.error.field, 'url');
    assert.match(r.error.message, /^indirizzo del server d’ufficio: /);
    assert.match(r.error.message, pattern);
  }
  // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
  const r = await app.call('sync.pair', { url: 'http://127.0.0.1:9', code: 'ABCD-EFGH' });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.field, 'url');
    assert.match(r.error.message, /non raggiungibile/);
  }
  const status = await app.call('sync.status', {});
  assert.ok(status.ok && status.value && (status.value as { paired: boolean }).paired === false);
});

test('a report version stored after the first send is queued once as an attachment update, handed out only once the office holds the revision', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id, 1, '2026-03-02');
  const outbox = app.store.outbox;
  const now = new Date('2026-03-10T12:00:00Z');
  const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`);
  // Before the first send a report simply goes in the bundle: nothing extra is queued.
  app.store.attachments.add({
    inspectionId: a.id,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: pdf('prima firma'),
  });
  const push = (await outbox.nextPending(now))!;
  assert.deepEqual(
    push.attachments.filter((x) => x.kind === 'report').map((x) => x.sha256),
    [sha256Of(pdf('prima firma'))],
  );
  assert.equal(outbox.nextAttachmentUpdateSync(now), null);
  // The co-signature, after the bundle froze: queued, but not before the office acknowledged the revision.
  app.store.attachments.add({ inspectionId: a.id, kind: 'report', name: 'verbale.pdf', mime: 'application/pdf', bytes: pdf('due firme') });
  await outbox.markSent(push.outboxId, 'inviata');
  assert.equal(outbox.nextAttachmentUpdateSync(now), null, 'the revision is not at the office yet');
  await outbox.markSent(push.outboxId, 'ricevuta');
  const update = outbox.nextAttachmentUpdateSync(now)!;
  assert.deepEqual(
    [update.id, update.revision, update.contentHash, update.attachment.kind, update.attachment.sha256],
    [a.visitId, 1, a.contentHash, 'report', sha256Of(pdf('due firme'))],
  );
  assert.equal(sha256Of(await update.attachment.reader.read(0, await update.attachment.reader.size())), update.attachment.sha256);
  assert.deepEqual(
    ok(app, 'sync.outbox', {}).map((e: { attachmentsPending: number }) => e.attachmentsPending),
    [1],
  );
  // A failure waits its backoff; «Sincronizza ora» cancels the wait; delivered once, then never again.
  await outbox.markAttachmentUpdate(update.updateId, {
    status: 'in_coda',
    message: 'server non raggiungibile',
    nextAttemptAt: new Date(now.getTime() + 60_000),
  });
  assert.equal(outbox.nextAttachmentUpdateSync(now), null);
  assert.equal(ok(app, 'sync.outbox', {})[0].lastError, 'server non raggiungibile', 'the waiting co-signature shows its error');
  outbox.makeDueNow();
  assert.equal(outbox.nextAttachmentUpdateSync(now)!.attempts, 1);
  await outbox.markAttachmentUpdate(update.updateId, { status: 'ricevuta' });
  assert.equal(outbox.nextAttachmentUpdateSync(now), null);
  await outbox.markAttachmentUpdate(update.updateId, { status: 'errore', message: 'tardi' });
  const entry = ok(app, 'sync.outbox', {})[0];
  assert.deepEqual(
    [entry.attachmentsPending, entry.attachmentsFailed, entry.lastError],
    [0, 0, null],
    'a delivered update does not go back',
  );
  assert.ok(
    ok(app, 'inspections.audit', { id: a.id }).some(
      (e: { action: string }) => e.action === 'nuova versione del verbale ricevuta dall’ufficio',
    ),
  );
});

test('sync.retry puts an errore back in the queue; a conflitto is refused with the way to correct it; sync.outbox lists service, date, revision, status', async (t) => {
  const app = openTestApp(t);
  const service = ok(app, 'services.create', SERVICE);
  const a = sealedVisit(app, service.id, 1, '2026-03-02');
  const b = sealedVisit(app, service.id, 1, '2026-03-03');
  const outbox = app.store.outbox;
  const now = new Date('2026-03-10T12:00:00Z');
  await outbox.markFailed((await outbox.nextPending(now))!.outboxId, 'errore', 'file.visit.date: data non valida');
  await outbox.markFailed((await outbox.nextPending(now))!.outboxId, 'conflitto', 'contenuto diverso');
  const list = ok(app, 'sync.outbox', {});
  assert.deepEqual(
    list.map((e: any) => [e.inspectionId, e.serviceName, e.date, e.revision, e.status, e.lastError]),
    [
      [b.id, SERVICE.name, '2026-03-03', 1, 'conflitto', 'contenuto diverso'],
      [a.id, SERVICE.name, '2026-03-02', 1, 'errore', 'file.visit.date: data non valida'],
    ],
  );
  const retried = ok(app, 'sync.retry', { inspectionId: a.id });
  assert.deepEqual(
    [retried.status, retried.lastError],
    ['in_coda', 'file.visit.date: data non valida'],
    'queued again; the last error stays visible until it goes',
  );
  assert.equal((await outbox.nextPending(now))!.id, a.visitId, 'due at once');
  const again = app.dispatch('sync.retry', { inspectionId: a.id });
  assert.ok(!again.ok && again.error.code === 'conflict' && /non è in errore/.test(again.error.message));
  const conflict = app.dispatch('sync.retry', { inspectionId: b.id });
  assert.ok(
    !conflict.ok &&
      conflict.error.code === 'conflict' &&
      conflict.error.field === 'inspectionId' &&
      /nuova revisione/.test(conflict.error.message),
    JSON.stringify(conflict),
  );
  assert.equal(outbox.statusOf(b.id), 'conflitto', 'a conflict is never silently resent');
  // The correction: a new revision, listed with the link to it, and queued as revision 2 once sealed.
  const draft = ok(app, 'inspections.revise', { id: b.id });
  assert.equal(ok(app, 'sync.outbox', {}).find((e: any) => e.inspectionId === b.id).successorId, draft.id);
  const sealed = ok(app, 'inspections.seal', {
    commissionReason: 'prova automatica: commissione non in esame',
    id: draft.id,
    signatures: [SIG],
  });
  assert.equal(outbox.findByInspection(draft.id)!.revision, 2);
  assert.equal(sealed.inspection.syncStatus, 'in_coda');
  assert.equal(app.dispatch('sync.retry', { inspectionId: 'nessuna' }).ok, false);
});

test('service_link: our service stands for the office entry (no duplicate on the laptop), its revisions then name the office id', async (t) => {
  const app = openTestApp(t);
  const ours = ok(app, 'services.create', SERVICE);
  const other = ok(app, 'services.create', { ...SERVICE, name: 'Nido Altro' });
  const a = sealedVisit(app, ours.id, 1, '2026-03-02');
  const b = sealedVisit(app, other.id, 1, '2026-03-03');
  paired(app);
  const outbox = app.store.outbox;
  const officeService = (id: string, name: string, capacity = 40) => ({
    id,
    name,
    type: 'nido',
    comune: 'Bagno a Ripoli',
    address: 'Via Roma 1',
    referente: 'Comune',
    capacity,
    kitchen: true,
    territorialRls: false,
    authorizationIssuedOn: '2024-10-15',
    accreditationIssuedOn: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-03-11T00:00:00Z',
  });
  const count = () => ok(app, 'services.list', {}).length;
  const before = count();
  // Created by the office from our file: the link comes first, then the office's copy, folded into ours.
  const report = await outbox.applyChanges(
    [
      {
        seq: 1,
        kind: 'service_link',
        payload: { inspectionId: a.visitId, revision: 1, contentHash: a.contentHash, serviceId: 'uff-1', created: true },
      },
      { seq: 2, kind: 'service', payload: { service: officeService('uff-1', SERVICE.name, 44) } },
      // Matched to an entry the laptop had already received (unused here): that copy is folded away.
      { seq: 3, kind: 'service', payload: { service: officeService('uff-2', 'Nido Altro') } },
      {
        seq: 4,
        kind: 'service_link',
        payload: { inspectionId: b.visitId, revision: 1, contentHash: b.contentHash, serviceId: 'uff-2', created: false },
      },
      {
        seq: 5,
        kind: 'service_link',
        payload: { inspectionId: 'sconosciuta', revision: 1, contentHash: a.contentHash, serviceId: 'uff-3', created: false },
      },
    ],
    5,
  );
  assert.equal(report.skipped.length, 1, report.skipped.join('\n'));
  assert.equal(count(), before, 'no duplicate service on the laptop');
  assert.equal(ok(app, 'services.get', { id: ours.id }).service.capacity, 44, 'the office is the master of the registry fields');
  assert.equal(app.dispatch('services.get', { id: 'uff-2' }).ok, false);
  assert.equal(
    ok(app, 'services.get', { id: other.id }).service.address,
    'Via Roma 1',
    'the folded copy’s registry fields go on our service',
  );
  // A later edit at the office reaches our service again; the next revision names the office id.
  await outbox.applyChanges([{ seq: 6, kind: 'service', payload: { service: officeService('uff-2', 'Nido Altro', 25) } }], 6);
  assert.equal(ok(app, 'services.get', { id: other.id }).service.capacity, 25);
  assert.equal(count(), before);
  const draft = ok(app, 'inspections.revise', { id: a.id });
  ok(app, 'inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: draft.id, signatures: [SIG] });
  const now = new Date('2026-03-12T12:00:00Z');
  const pushes = [];
  for (let p = await outbox.nextPending(now); p; p = await outbox.nextPending(now)) {
    pushes.push(p);
    await outbox.markSent(p.outboxId, 'ricevuta');
  }
  // (Revisions not sent before the link was applied freeze the office id in their bundle too.)
  assert.deepEqual(
    pushes.map((p) => [p.id, p.revision, p.serviceId]),
    [
      [a.visitId, 1, 'uff-1'],
      [b.visitId, 1, 'uff-2'],
      [a.visitId, 2, 'uff-1'],
    ],
  );
});
