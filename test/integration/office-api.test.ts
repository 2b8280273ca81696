/** The office sync API, the same suite against SQLite and PostgreSQL. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash } from '../../shared/canonical.ts';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { SyncClient, pair } from '../../host/sync/client.ts';
import { openSqlite } from '../../office/storage/db.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import {
  BACKENDS,
  makePdf,
  makePng,
  putBody,
  sampleFile,
  sha256,
  startOffice,
  stopPostgres,
  type TestOffice,
} from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

const j = (r: Response): Promise<any> => r.json();
const json = (token: string, body: unknown) => ({
  method: 'PUT',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

for (const backend of BACKENDS) {
  describe(`office API on ${backend}`, () => {
    let office: TestOffice;
    let token: string;
    let other: string;
    before(async () => {
      office = await startOffice(backend, { limits: { apiPerSecond: 1000, apiBurst: 1000 } });
      token = await office.token('Maria Rossi');
      other = await office.token('Luca Bianchi');
    });
    after(async () => office?.close());

    const upload = async (bytes: Buffer) => {
      const client = new SyncClient({ baseUrl: office.url, token });
      await client.uploadAttachment({ sha256: sha256(bytes), kind: 'photo', name: 'foto.png', bytes });
    };

    test('healthz names the storage', async () => {
      const r = await fetch(`${office.url}/healthz`);
      assert.equal(r.status, 200);
      assert.deepEqual(await j(r), { ok: true, storage: backend });
    });

    test('PUT: 201 first time, 200 for the same content, 409 for other content', async () => {
      const file = sampleFile(1);
      const url = `${office.url}/api/v1/inspections/visita-1/revisions/1`;
      const first = await fetch(url, json(token, putBody(file)));
      assert.equal(first.status, 201);
      assert.deepEqual(await j(first), { status: 'created', inspectionId: 'visita-1', revision: 1, contentHash: contentHash(file) });
      const again = await fetch(url, json(token, putBody(structuredClone(file))));
      assert.equal(again.status, 200);
      assert.equal((await j(again)).status, 'duplicate');
      const changed = sampleFile(1, { note: 'un’altra nota' });
      const conflict = await fetch(url, json(token, putBody(changed)));
      assert.equal(conflict.status, 409);
      assert.match((await j(conflict)).error.message, /contenuto diverso/);
      // Same file with other prescriptions is other content too.
      const withPrescription = await fetch(
        url,
        json(
          token,
          putBody(file, { prescriptions: [{ rule: 'training.fire', text: 'Formare un secondo addetto', deadline: '2026-06-30' }] }),
        ),
      );
      assert.equal(withPrescription.status, 409);
    });

    test('PUT: 400 names the field; 401 without a valid token', async () => {
      const bad = sampleFile(2);
      (bad.service as Record<string, unknown>).capacity = -3;
      const r = await fetch(`${office.url}/api/v1/inspections/visita-2/revisions/1`, json(token, putBody(bad)));
      assert.equal(r.status, 400);
      const body = await j(r);
      assert.equal(body.error.field, 'file.service.capacity');
      assert.match(body.error.message, /file\.service\.capacity: non può essere negativa/);

      const wrongHash = await fetch(
        `${office.url}/api/v1/inspections/visita-2/revisions/1`,
        json(token, { file: sampleFile(2), contentHash: 'a'.repeat(64) }),
      );
      assert.equal(wrongHash.status, 400);
      assert.equal((await j(wrongHash)).error.field, 'contentHash');

      const unknownField = await fetch(
        `${office.url}/api/v1/inspections/visita-2/revisions/1`,
        json(token, { ...putBody(sampleFile(2)), extra: 1 }),
      );
      assert.equal(unknownField.status, 400);
      assert.match((await j(unknownField)).error.message, /campo sconosciuto: extra/);

      const badItem = sampleFile(2);
      (badItem.answers as Record<string, unknown>)['Z.non.esiste'] = { value: 'yes' };
      const r2 = await fetch(`${office.url}/api/v1/inspections/visita-2/revisions/1`, json(token, putBody(badItem)));
      assert.equal(r2.status, 400);
      assert.match((await j(r2)).error.message, /file\.answers\.Z\.non\.esiste/);

      const notJson = await fetch(`${office.url}/api/v1/inspections/visita-2/revisions/1`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"file":',
      });
      assert.equal(notJson.status, 400);
      assert.match((await j(notJson)).error.message, /JSON non valido/);

      const badRevision = await fetch(`${office.url}/api/v1/inspections/visita-2/revisions/zero`, json(token, putBody(sampleFile(2))));
      assert.equal(badRevision.status, 400);
      assert.equal((await j(badRevision)).error.field, 'revision');

      const noToken = await fetch(`${office.url}/api/v1/inspections/visita-2/revisions/1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(putBody(sampleFile(2))),
      });
      assert.equal(noToken.status, 401);
      assert.match(noToken.headers.get('www-authenticate') ?? '', /Bearer/);
      const wrongToken = await fetch(
        `${office.url}/api/v1/inspections/visita-2/revisions/1`,
        json('vn1_' + 'x'.repeat(43), putBody(sampleFile(2))),
      );
      assert.equal(wrongToken.status, 401);
    });

    test('PUT: 412 lists attachments not uploaded yet; after the upload it is accepted', async () => {
      const photo = makePng(9001);
      const body = putBody(sampleFile(3), {
        attachments: [{ sha256: sha256(photo), size: photo.length, kind: 'photo', name: 'ingresso.png' }],
      });
      const url = `${office.url}/api/v1/inspections/visita-3/revisions/1`;
      const missing = await fetch(url, json(token, body));
      assert.equal(missing.status, 412);
      assert.deepEqual((await j(missing)).error.missing, [sha256(photo)]);
      await upload(photo);
      assert.equal((await fetch(url, json(token, body))).status, 201);
      const wrongSize = await fetch(
        `${office.url}/api/v1/inspections/visita-3b/revisions/1`,
        json(token, putBody(sampleFile(3), { attachments: [{ sha256: sha256(photo), size: 5, kind: 'photo', name: 'x.png' }] })),
      );
      assert.equal(wrongSize.status, 400);
      assert.equal((await j(wrongSize)).error.field, 'attachments[0].size');
    });

    test('GET inspection: revisions and review state, only to the inspector who sent it', async () => {
      const file = sampleFile(4);
      await fetch(
        `${office.url}/api/v1/inspections/visita-4/revisions/1`,
        json(
          token,
          putBody(file, { prescriptions: [{ rule: 'training.fire', text: 'Formare un addetto antincendio', deadline: '2026-05-31' }] }),
        ),
      );
      const r = await fetch(`${office.url}/api/v1/inspections/visita-4`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
      const body = await j(r);
      assert.equal(body.revisions.length, 1);
      assert.equal(body.revisions[0].review.status, 'received');
      assert.equal(body.revisions[0].contentHash, contentHash(file));
      assert.equal(body.revisions[0].prescriptions[0].deadline, '2026-05-31');
      const foreign = await fetch(`${office.url}/api/v1/inspections/visita-4`, { headers: { authorization: `Bearer ${other}` } });
      assert.equal(foreign.status, 404);
    });

    test('POST attachments: a later report version for a received revision; idempotent; 404 (also for another laptop), 409, 412, 400', async () => {
      const file = sampleFile(7);
      const first = makePdf('verbale firmato da Maria Rossi');
      const cosigned = makePdf('verbale firmato da Maria Rossi e Luca Bianchi');
      const client = new SyncClient({ baseUrl: office.url, token });
      const pushed = await client.pushInspection({
        id: 'visita-7',
        revision: 1,
        file,
        contentHash: contentHash(file),
        attachments: [{ sha256: sha256(first), kind: 'report', name: 'verbale.pdf', bytes: first }],
      });
      assert.equal(pushed.status, 'created');
      const url = `${office.url}/api/v1/inspections/visita-7/revisions/1/attachments`;
      const post = (t: string, body: unknown, path = url) => fetch(path, { ...json(t, body), method: 'POST' });
      const meta = { sha256: sha256(cosigned), size: cosigned.length, kind: 'report', name: 'verbale.pdf' };

      const notUploaded = await post(token, meta);
      assert.equal(notUploaded.status, 412);
      assert.deepEqual((await j(notUploaded)).error.missing, [sha256(cosigned)]);
      await client.uploadAttachment({ sha256: sha256(cosigned), kind: 'report', name: 'verbale.pdf', bytes: cosigned });
      assert.equal((await post(token, { ...meta, size: 3 })).status, 400);
      const photoKind = await post(token, { ...meta, kind: 'photo' });
      assert.equal(photoKind.status, 400);
      assert.equal((await j(photoKind)).error.field, 'kind');
      assert.equal((await post(token, meta, `${office.url}/api/v1/inspections/visita-7/revisions/2/attachments`)).status, 404);
      // Another inspector's laptop: the cosigned report is not its upload (412), and once it is, the visit is unknown to it (404).
      assert.equal((await post(other, meta)).status, 412);
      await new SyncClient({ baseUrl: office.url, token: other }).uploadAttachment({
        sha256: sha256(cosigned),
        kind: 'report',
        name: 'verbale.pdf',
        bytes: cosigned,
      });
      const foreign = await post(other, meta);
      assert.equal(foreign.status, 404);
      assert.match((await j(foreign)).error.message, /non ricevuta/);
      const otherContent = await post(token, { ...meta, contentHash: 'b'.repeat(64) });
      assert.equal(otherContent.status, 409);

      const created = await post(token, { ...meta, contentHash: contentHash(file) });
      assert.equal(created.status, 201);
      assert.equal((await j(created)).status, 'created');
      const again = await post(token, meta);
      assert.equal(again.status, 200);
      assert.equal((await j(again)).status, 'duplicate');
      // The original report is also "already there".
      assert.equal((await post(token, { ...meta, sha256: sha256(first), size: first.length })).status, 200);
      // Through the client: the same answer, without error.
      assert.deepEqual(
        await client.addAttachment({
          id: 'visita-7',
          revision: 1,
          contentHash: contentHash(file),
          attachment: { sha256: sha256(cosigned), kind: 'report', name: 'verbale.pdf', bytes: cosigned },
        }),
        { status: 'duplicate' },
      );
      assert.equal(
        (
          await client.addAttachment({
            id: 'visita-7',
            revision: 9,
            attachment: { sha256: sha256(cosigned), kind: 'report', name: 'verbale.pdf', bytes: cosigned },
          })
        ).status,
        'not_found',
      );

      const record = (await office.server.store.getRevision('visita-7', 1))!;
      assert.deepEqual(
        record.attachments.map((a) => [a.sha256, a.addedAt === null]),
        [
          [sha256(first), true],
          [sha256(cosigned), false],
        ],
        'appended once, after the original',
      );
      // The same revision sent again is still "the same content" (the bundle as first received).
      const resent = await client.pushInspection({
        id: 'visita-7',
        revision: 1,
        file,
        contentHash: contentHash(file),
        attachments: [{ sha256: sha256(first), kind: 'report', name: 'verbale.pdf', bytes: first }],
      });
      assert.equal(resent.status, 'duplicate');
      const view = (await (
        await fetch(`${office.url}/api/v1/inspections/visita-7`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as any;
      assert.deepEqual(
        view.revisions[0].attachments.map((a: { sha256: string }) => a.sha256),
        [sha256(first), sha256(cosigned)],
      );
    });

    test('the registry holds one entry per structure: a clerk cannot add the same name, Comune and type twice', async () => {
      const store = office.server.store;
      const first = await store.saveService({ name: 'Nido Il Pettirosso', type: 'nido', comune: 'Reggello', capacity: 30, kitchen: true });
      for (const name of ['Nido Il Pettirosso', '  nido il pettirosso ']) {
        await assert.rejects(
          store.saveService({ name, type: 'nido', comune: 'reggello', capacity: 30, kitchen: true }),
          (e: Error & { field?: string }) => e.field === 'name' && /esiste già «Nido Il Pettirosso» \(Reggello\)/.test(e.message),
        );
      }
      // Editing the entry itself, or another type of service with the same name, is fine.
      await store.saveService({ name: 'Nido Il Pettirosso', type: 'nido', comune: 'Reggello', capacity: 32, kitchen: true }, first.id);
      await store.saveService({ name: 'Nido Il Pettirosso', type: 'spazio_gioco', comune: 'Reggello', capacity: 15, kitchen: false });
      const other = await store.saveService({
        name: 'Nido Il Pettirosso 2',
        type: 'nido',
        comune: 'Reggello',
        capacity: 20,
        kitchen: false,
      });
      await assert.rejects(
        store.saveService({ name: 'Nido Il Pettirosso', type: 'nido', comune: 'Reggello', capacity: 20, kitchen: false }, other.id),
        /esiste già/,
      );
    });

    test('a revision without a registry id links its service: matched case-insensitively, else created once, link before the service on the feed', async () => {
      const client = new SyncClient({ baseUrl: office.url, token });
      const start = await client.pullChanges(0, 1000);
      const existing = await office.server.store.saveService({
        name: 'Spazio Gioco La Trottola',
        type: 'nido',
        comune: 'Fiesole',
        capacity: 20,
        kitchen: false,
      });
      const send = async (id: string, name: string, comune: string, serviceId?: string) => {
        const file = sampleFile(11, { serviceName: name });
        (file.service as Record<string, unknown>).comune = comune;
        const r = await client.pushInspection({
          id,
          revision: 1,
          file,
          contentHash: contentHash(file),
          ...(serviceId ? { serviceId } : {}),
        });
        assert.equal(r.status, 'created', JSON.stringify(r));
        return (await office.server.store.getRevision(id, 1))!;
      };
      // Same name, Comune and type, other letter case and spaces: linked to the registry entry.
      const matched = await send('visita-sg-1', '  spazio gioco LA TROTTOLA ', 'FIESOLE');
      assert.equal(matched.serviceId, existing.id);
      // A service the office does not know: created from the file's service section, once.
      const createdRev = await send('visita-sg-2', 'Spazio Gioco Il Grillo', 'Pelago');
      const again = await send('visita-sg-3', 'spazio gioco il grillo', 'pelago');
      assert.ok(createdRev.serviceId && createdRev.serviceId !== existing.id);
      assert.equal(again.serviceId, createdRev.serviceId, 'the second visit finds the service the first created');
      const grillo = (await office.server.store.listServices()).filter((s) => s.name.toLowerCase() === 'spazio gioco il grillo');
      assert.equal(grillo.length, 1);
      assert.deepEqual(
        [grillo[0]!.comune, grillo[0]!.type, grillo[0]!.capacity, grillo[0]!.authorizationIssuedOn],
        ['Pelago', 'nido', 40, '2024-10-15'],
      );
      // A revision that names its registry id is not matched again.
      const named = await send('visita-sg-4', 'Spazio Gioco Il Grillo', 'Pelago', existing.id);
      assert.equal(named.serviceId, existing.id);

      const feed = (await client.pullChanges(start.cursor, 1000)).changes.filter((c) => c.kind !== 'rule_set' && c.kind !== 'checklist');
      assert.deepEqual(
        feed.map((c) => [c.kind, c.kind === 'service_link' ? c.payload.inspectionId : c.kind === 'service' ? c.payload.service.name : '']),
        [
          ['service', 'Spazio Gioco La Trottola'],
          ['service_link', 'visita-sg-1'],
          ['service_link', 'visita-sg-2'],
          ['service', 'Spazio Gioco Il Grillo'],
          ['service_link', 'visita-sg-3'],
        ],
      );
      const link = feed[2]!;
      assert.ok(
        link.kind === 'service_link' &&
          link.payload.serviceId === createdRev.serviceId &&
          link.payload.created &&
          link.payload.revision === 1,
      );
      // Links go only to the inspector who sent the revision; the new service to everyone.
      const foreignFeed = (await new SyncClient({ baseUrl: office.url, token: other }).pullChanges(start.cursor, 1000)).changes;
      assert.deepEqual(
        foreignFeed.filter((c) => c.kind !== 'rule_set' && c.kind !== 'checklist').map((c) => c.kind),
        ['service', 'service'],
      );
    });

    test('changes: catalogue, services, decisions for their laptop only, cursor never repeats', async () => {
      const client = new SyncClient({ baseUrl: office.url, token });
      const otherClient = new SyncClient({ baseUrl: office.url, token: other });
      const first = await client.pullChanges(0);
      assert.ok(first.changes.some((c) => c.kind === 'rule_set' && c.entity === 'zona-fse@1'));
      assert.ok(first.changes.some((c) => c.kind === 'checklist' && c.entity === 'zona-fse@1'));
      const seqs = first.changes.map((c) => c.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
      const service = await office.server.store.saveService({
        name: 'Nido Il Girasole',
        type: 'nido',
        comune: 'Impruneta',
        capacity: 40,
        kitchen: true,
        authorizationIssuedOn: '2024-10-15',
      });
      const clerk = await office.server.store.createClerk('Ufficio', 'x');
      await office.server.store.decide('visita-4', 1, 'rejected', 'Manca il piano di evacuazione', clerk.id);
      const next = await client.pullChanges(first.cursor);
      assert.deepEqual(
        next.changes.map((c) => c.kind),
        ['service', 'decision'],
      );
      const decision = next.changes[1]!;
      assert.equal(decision.kind, 'decision');
      if (decision.kind === 'decision')
        assert.deepEqual(
          [decision.payload.inspectionId, decision.payload.revision, decision.payload.decision, decision.payload.notes],
          ['visita-4', 1, 'rejected', 'Manca il piano di evacuazione'],
        );
      assert.equal(next.changes[0]!.kind === 'service' && next.changes[0]!.payload.service.id, service.id);
      assert.deepEqual((await client.pullChanges(next.cursor)).changes, []);
      const others = await otherClient.pullChanges(first.cursor);
      assert.deepEqual(
        others.changes.map((c) => c.kind),
        ['service'],
      );
      // Paging: one at a time gives the same sequence.
      const paged: number[] = [];
      let cursor = 0;
      for (let i = 0; i < 50; i++) {
        const page = await client.pullChanges(cursor, 1);
        paged.push(...page.changes.map((c) => c.seq));
        cursor = page.cursor;
        if (!page.more) break;
      }
      assert.deepEqual(
        paged,
        [...first.changes, ...next.changes].map((c) => c.seq),
      );
      const bad = await fetch(`${office.url}/api/v1/changes?cursor=-1`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(bad.status, 400);
      assert.equal((await j(bad)).error.field, 'cursor');
      // A decision is final.
      await assert.rejects(office.server.store.decide('visita-4', 1, 'validated', null, clerk.id), /già respinta/);
      await assert.rejects(office.server.store.decide('visita-1', 1, 'rejected', '  ', clerk.id), /note di correzione/);
    });

    test('uploads: resumable by offset, verified at the end, existing content completes at once', async () => {
      const bytes = Buffer.concat([makePng(1), makePng(2), makePng(3)]);
      const sha = sha256(bytes);
      const auth = { authorization: `Bearer ${token}` };
      const created = await fetch(`${office.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ sha256: sha, length: bytes.length }),
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), `/api/v1/uploads/${sha}`);
      assert.equal(created.headers.get('upload-offset'), '0');
      const patch = (offset: number, part: Buffer) =>
        fetch(`${office.url}/api/v1/uploads/${sha}`, {
          method: 'PATCH',
          headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
          body: part,
        });
      const p1 = await patch(0, bytes.subarray(0, 1000));
      assert.equal(p1.status, 204);
      assert.equal(p1.headers.get('upload-offset'), '1000');
      const head = await fetch(`${office.url}/api/v1/uploads/${sha}`, { method: 'HEAD', headers: auth });
      assert.equal(head.headers.get('upload-offset'), '1000');
      assert.equal(head.headers.get('upload-length'), String(bytes.length));
      const stale = await patch(0, bytes.subarray(0, 1000));
      assert.equal(stale.status, 409);
      assert.equal(stale.headers.get('upload-offset'), '1000');
      const wrongType = await fetch(`${office.url}/api/v1/uploads/${sha}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'text/plain', 'upload-offset': '1000' },
        body: 'x',
      });
      assert.equal(wrongType.status, 415);
      const rest = await patch(1000, bytes.subarray(1000));
      assert.equal(rest.status, 204);
      assert.equal(rest.headers.get('upload-offset'), String(bytes.length));
      assert.deepEqual(readFileSync(office.server.blobs.blobPath(sha)), bytes);
      const again = await fetch(`${office.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ sha256: sha, length: bytes.length }),
      });
      assert.equal(again.status, 200);
      assert.equal((await j(again)).complete, true);

      // Bytes that do not match the declared hash are refused and the upload starts over.
      const liar = sha256(Buffer.from('qualcos’altro'));
      await fetch(`${office.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ sha256: liar, length: 4 }),
      });
      const bad = await fetch(`${office.url}/api/v1/uploads/${liar}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
        body: Buffer.from('abcd'),
      });
      assert.equal(bad.status, 422);
      assert.match((await j(bad)).error.message, /sha256/);
      assert.equal(existsSync(office.server.blobs.blobPath(liar)), false);
      const badCreate = await fetch(`${office.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ sha256: 'XYZ', length: 4 }),
      });
      assert.equal(badCreate.status, 400);
      assert.match((await j(badCreate)).error.message, /^sha256/);
    });

    test('plain PUT upload of a whole attachment', async () => {
      const pdf = makePdf('verbale');
      const r = await fetch(`${office.url}/api/v1/blobs/${sha256(pdf)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: pdf,
      });
      assert.equal(r.status, 201);
      assert.deepEqual(readFileSync(office.server.blobs.blobPath(sha256(pdf))), pdf);
      const wrong = await fetch(`${office.url}/api/v1/blobs/${'0'.repeat(64)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: pdf,
      });
      assert.equal(wrong.status, 422);
    });

    test('pairing: a one-time code becomes a working device token; reuse and expiry are refused', async () => {
      const inspector = await office.server.store.createInspector('Giulia Verdi');
      const code = newPairingCode();
      await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
      const paired = await pair(office.url, code.toLowerCase().replace('-', ' '), { deviceName: 'portatile di Giulia' });
      assert.equal(paired.inspector.name, 'Giulia Verdi');
      const client = new SyncClient({ baseUrl: office.url, token: paired.token });
      assert.ok((await client.pullChanges(0)).changes.length > 0);
      await assert.rejects(
        pair(office.url, code),
        (e: Error & { httpStatus?: number }) => e.httpStatus === 401 && /code: codice di associazione non valido/.test(e.message),
      );
      const expired = newPairingCode();
      await office.server.store.createPairingCode(inspector.id, sha256Text(expired), new Date(Date.now() - 1000).toISOString());
      await assert.rejects(pair(office.url, expired), /non valido, già usato o scaduto/);
      const stored = await office.server.store.db.get<{ token_hash: string }>('SELECT token_hash FROM devices WHERE label = ?', [
        'portatile di Giulia',
      ]);
      assert.equal(stored!.token_hash, sha256Text(paired.token), 'only the hash is stored');
    });

    test('requests too large get 413', async () => {
      const huge = { ...putBody(sampleFile(5)), padding: 'x'.repeat(5 * 1024 * 1024) };
      const r = await fetch(`${office.url}/api/v1/inspections/visita-5/revisions/1`, json(token, huge));
      assert.equal(r.status, 413);
      const tooLong = await fetch(`${office.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sha256: 'b'.repeat(64), length: 10 * 1024 * 1024 * 1024 }),
      });
      assert.equal(tooLong.status, 413);
    });
  });
}

describe('rate limiting and migrations', () => {
  test('a token over its budget gets 429 with Retry-After; others are unaffected', async () => {
    const office = await startOffice('sqlite', { limits: { apiPerSecond: 1, apiBurst: 5 } });
    try {
      const token = await office.token('Anna');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await fetch(`${office.url}/api/v1/changes`, { headers: { authorization: `Bearer ${token}` } })).status);
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      assert.ok(statuses.slice(5).includes(429));
      const limited = await fetch(`${office.url}/api/v1/changes`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      const fresh = await office.token('Bruno');
      assert.equal((await fetch(`${office.url}/api/v1/changes`, { headers: { authorization: `Bearer ${fresh}` } })).status, 200);
    } finally {
      await office.close();
    }
  });

  for (const backend of BACKENDS) {
    test(`migrations on ${backend}: versioned, idempotent, a newer database is refused`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-mig-'));
      const office = await startOffice(backend, { dataDir });
      const db = office.server.store.db;
      assert.equal(await db.schemaVersion(), MIGRATIONS.at(-1)!.version);
      assert.deepEqual(await migrate(db), [], 'nothing left to apply');
      const future = [
        ...MIGRATIONS,
        {
          version: MIGRATIONS.at(-1)!.version + 1,
          name: 'futuro',
          sqlite: ['CREATE TABLE futuro (x INTEGER)'],
          postgres: ['CREATE TABLE futuro (x INTEGER)'],
        },
      ];
      assert.deepEqual(await migrate(db, future), [future.at(-1)!.version]);
      await office.close().catch(() => undefined);
      const { createOfficeServer } = await import('../../office/server.ts');
      await assert.rejects(createOfficeServer({ dataDir, databaseUrl: office.databaseUrl }), /più recente/);
      rmSync(dataDir, { recursive: true, force: true });
    });
  }

  test('SQLite runs in WAL with synchronous=FULL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-wal-'));
    const office = await startOffice('sqlite', { dataDir });
    await office.close();
    const db = openSqlite(dataDir);
    try {
      assert.equal(await db.get<{ journal_mode: string }>('PRAGMA journal_mode').then((r) => r!.journal_mode), 'wal');
      assert.equal(await db.get<{ synchronous: number }>('PRAGMA synchronous').then((r) => Number(r!.synchronous)), 2);
    } finally {
      await db.close();
    }
    assert.ok(readdirSync(dataDir).includes('office.sqlite'));
    rmSync(dataDir, { recursive: true, force: true });
  });
});
