/**
 * Who may do what on the office sync API. A visit belongs to the laptop that sent its first
 * revision; any other laptop (of another inspector or of the same one) gets the answers an
 * unknown visit gets, stores nothing, and learns nothing about the uploads of other laptops.
 * A clerk can move a visit to another laptop: confirmed, with a reason, audited and shown.
 * The same suite against SQLite and PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../shared/canonical.ts';
import { SyncClient, type AttachmentSource } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { OfficeStore } from '../../office/storage/store.ts';
import { Clerk } from '../helpers/office-clerk.ts';
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

type Device = { token: string; deviceId: string; inspectorId: string };
const j = (r: Response): Promise<any> => r.json();
const PASSWORD = 'password-lunga-di-prova';

for (const backend of BACKENDS) {
  describe(`office authorization on ${backend}`, () => {
    let office: TestOffice;
    let maria: Device;
    let luca: Device;
    before(async () => {
      office = await startOffice(backend, { limits: { apiPerSecond: 1000, apiBurst: 1000 } });
      maria = await office.device('Maria Rossi', 'portatile di Maria');
      luca = await office.device('Luca Bianchi', 'portatile di Luca');
    });
    after(async () => office?.close());

    const api = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${office.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const patch = (token: string, sha: string, offset: number, bytes: Buffer) =>
      fetch(`${office.url}/api/v1/uploads/${sha}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
        body: bytes,
      });
    const client = (d: Device) => new SyncClient({ baseUrl: office.url, token: d.token, retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
    const photo = (seed: number, name = `foto-${seed}.png`): AttachmentSource & { bytes: Buffer } => {
      const bytes = makePng(seed);
      return { sha256: sha256(bytes), kind: 'photo', name, bytes };
    };
    const meta = (a: AttachmentSource & { bytes: Buffer }) => ({ sha256: a.sha256, size: a.bytes.length, kind: a.kind, name: a.name });
    const push = (d: Device, id: string, revision: number, file: unknown, attachments: AttachmentSource[] = []) =>
      client(d).pushInspection({ id, revision, file, contentHash: contentHash(file), attachments });
    const senders = async (id: string) => (await office.server.store.listRevisionsOf(id)).map((r) => [r.revision, r.inspectorName]);

    test('another laptop cannot PUT any revision of a visit: one refusal whatever the content, nothing stored', async () => {
      const file = sampleFile(21);
      const shot = photo(2101);
      assert.equal((await push(maria, 'visita-a', 1, file, [shot])).status, 'created');
      const body = putBody(file, { attachments: [meta(shot)] });

      // The owner's exact body replayed with another token: 412, as for any photo this laptop never sent (no "duplicate").
      const replayBlind = await api(luca.token, 'PUT', '/inspections/visita-a/revisions/1', body);
      assert.equal(replayBlind.status, 412);
      assert.deepEqual((await j(replayBlind)).error.missing, [shot.sha256]);
      // With the photo uploaded by the intruder himself: refused, the same way for the same content,
      // for other content, and for a revision number the visit does not have yet.
      await client(luca).uploadAttachment(shot);
      const refusals = [
        await api(luca.token, 'PUT', '/inspections/visita-a/revisions/1', body),
        await api(luca.token, 'PUT', '/inspections/visita-a/revisions/1', putBody(sampleFile(22))),
        await api(luca.token, 'PUT', '/inspections/visita-a/revisions/2', putBody(sampleFile(23))),
      ];
      assert.deepEqual(
        refusals.map((r) => r.status),
        [403, 403, 403],
      );
      const bodies = await Promise.all(refusals.map(j));
      assert.deepEqual(bodies[1], bodies[0]);
      assert.deepEqual(bodies[2], bodies[0]);
      assert.equal(bodies[0].error.code, 'forbidden');
      assert.match(bodies[0].error.message, /visita-a.*un altro portatile/);
      assert.deepEqual(await senders('visita-a'), [[1, 'Maria Rossi']], 'nothing of the intruder stored');

      // The owner's real next revision is accepted.
      assert.equal((await push(maria, 'visita-a', 2, sampleFile(23))).status, 'created');
      // Another laptop of the same inspector is not the owner either; through the client it is a refusal, not a conflict.
      const second = await office.device('Maria Rossi', 'secondo portatile di Maria');
      const fromSecond = await push(second, 'visita-a', 3, sampleFile(24));
      assert.equal(fromSecond.status, 'rejected');
      assert.equal(fromSecond.status === 'rejected' && fromSecond.httpStatus, 403);
      assert.deepEqual(await senders('visita-a'), [
        [1, 'Maria Rossi'],
        [2, 'Maria Rossi'],
      ]);
      // The owner re-sending after a lost answer still gets "duplicate".
      assert.equal((await push(maria, 'visita-a', 1, file, [shot])).status, 'duplicate');
    });

    test('GET and POST attachments of another laptop’s visit answer exactly as for an unknown visit', async () => {
      const file = sampleFile(31);
      assert.equal((await push(maria, 'visita-g', 1, file)).status, 'created');
      const mine = await api(maria.token, 'GET', '/inspections/visita-g');
      assert.equal(mine.status, 200);
      assert.equal((await j(mine)).revisions.length, 1);

      const unknown = await api(luca.token, 'GET', '/inspections/visita-inesistente');
      const foreign = await api(luca.token, 'GET', '/inspections/visita-g');
      assert.deepEqual([unknown.status, foreign.status], [404, 404]);
      assert.deepEqual(await j(foreign), await j(unknown));

      // A report the intruder uploaded himself, posted as a "later version" of the owner's revision.
      const pdf = makePdf('verbale falso');
      const report = { sha256: sha256(pdf), kind: 'report' as const, name: 'verbale.pdf', bytes: pdf };
      await client(luca).uploadAttachment(report);
      const add = (id: string, extra: Record<string, unknown> = {}) =>
        api(luca.token, 'POST', `/inspections/${id}/revisions/1/attachments`, {
          sha256: report.sha256,
          size: pdf.length,
          kind: 'report',
          name: 'verbale.pdf',
          ...extra,
        });
      const toUnknown = await add('visita-inesistente');
      const toForeign = await add('visita-g');
      const withHash = await add('visita-g', { contentHash: contentHash(file) });
      assert.deepEqual([toUnknown.status, toForeign.status, withHash.status], [404, 404, 404]);
      const expected = JSON.parse(JSON.stringify(await j(toUnknown)).replaceAll('visita-inesistente', 'visita-g'));
      assert.deepEqual(await j(toForeign), expected);
      assert.deepEqual(await j(withHash), expected, 'no 409/200 telling whether the content hash matches');
      assert.deepEqual((await office.server.store.getRevision('visita-g', 1))!.attachments, [], 'nothing appended');
    });

    test('uploads are per laptop: another laptop’s hash starts at 0, its sessions look unknown, the bytes are stored once', async () => {
      const shot = photo(3101);
      await client(maria).uploadAttachment(shot);
      const stored = office.server.blobs.blobPath(shot.sha256);
      const inode = statSync(stored).ino;
      // Maria herself: complete at once. Luca: a new upload of his own from 0, nothing said about Maria's.
      const own = await api(maria.token, 'POST', '/uploads', { sha256: shot.sha256, length: shot.bytes.length });
      assert.equal(own.status, 200);
      assert.equal((await j(own)).complete, true);
      const theirs = await api(luca.token, 'POST', '/uploads', { sha256: shot.sha256, length: shot.bytes.length });
      assert.equal(theirs.status, 201);
      assert.deepEqual(await j(theirs), { url: `/api/v1/uploads/${shot.sha256}`, offset: 0, length: shot.bytes.length, complete: false });
      // Another length for a stored hash is not refused with the stored length (that would tell it exists).
      const anna = await office.device('Anna Neri', 'portatile di Anna');
      const otherLength = await api(anna.token, 'POST', '/uploads', { sha256: shot.sha256, length: shot.bytes.length + 7 });
      assert.equal(otherLength.status, 201);
      // Other bytes under Maria's hash: refused at completion; her copy stays as it was.
      const liar = Buffer.alloc(shot.bytes.length, 7);
      const lie = await patch(luca.token, shot.sha256, 0, liar);
      assert.equal(lie.status, 422);
      assert.ok(readFileSync(stored).equals(shot.bytes));
      // Luca sends the whole bytes; the office keeps the one copy it had.
      const lucaClient = client(luca);
      await lucaClient.uploadAttachment(shot);
      assert.equal(lucaClient.bytesSent, shot.bytes.length, 'the whole photo was sent');
      assert.equal(statSync(stored).ino, inode, 'the stored copy was kept, not replaced');
      assert.equal(readdirSync(join(office.dataDir, 'blobs', shot.sha256.slice(0, 2))).filter((f) => f.startsWith(shot.sha256)).length, 1);

      // An upload in progress: HEAD and PATCH by another laptop answer as for an upload that does not exist.
      const big = Buffer.concat([makePng(3201), makePng(3202)]);
      const bigSha = sha256(big);
      assert.equal((await api(maria.token, 'POST', '/uploads', { sha256: bigSha, length: big.length })).status, 201);
      assert.equal((await patch(maria.token, bigSha, 0, big.subarray(0, 1000))).status, 204);
      const head = (token: string, sha: string) =>
        fetch(`${office.url}/api/v1/uploads/${sha}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
      const nobody = 'f'.repeat(64);
      const paolo = await office.device('Paolo Gialli', 'portatile di Paolo');
      assert.deepEqual(
        [(await head(luca.token, bigSha)).status, (await head(luca.token, nobody)).status, (await head(paolo.token, shot.sha256)).status],
        [404, 404, 404],
      );
      // Anna's own upload (opened above with her length) is hers to see.
      assert.equal((await head(anna.token, shot.sha256)).headers.get('upload-length'), String(shot.bytes.length + 7));
      const foreignPatch = await patch(luca.token, bigSha, 1000, big.subarray(1000));
      const unknownPatch = await patch(luca.token, nobody, 1000, big.subarray(1000));
      assert.deepEqual([foreignPatch.status, unknownPatch.status], [404, 404]);
      assert.deepEqual(await j(foreignPatch), await j(unknownPatch));
      const ownHead = await head(maria.token, bigSha);
      assert.equal(ownHead.headers.get('upload-offset'), '1000', 'the intruder moved nothing');
      assert.equal((await patch(maria.token, bigSha, 1000, big.subarray(1000))).status, 204);
      assert.ok(readFileSync(office.server.blobs.blobPath(bigSha)).equals(big));

      // The one-request upload reads and checks the bytes even when the content is stored.
      const pdf = makePdf('verbale di Maria');
      const put = (token: string, sha: string, bytes: Buffer) =>
        fetch(`${office.url}/api/v1/blobs/${sha}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          body: bytes,
        });
      assert.equal((await put(maria.token, sha256(pdf), pdf)).status, 201);
      assert.equal((await put(luca.token, sha256(pdf), makePdf('verbale di Luca'))).status, 422);
      assert.equal((await put(luca.token, sha256(pdf), pdf)).status, 201);
      assert.equal((await put(luca.token, sha256(pdf), pdf)).status, 200);
    });

    test('a revision may reference only attachments its own laptop uploaded', async () => {
      const shot = photo(4101);
      assert.equal((await push(maria, 'visita-b', 1, sampleFile(41), [shot])).status, 'created');
      const file = sampleFile(42);
      const borrowed = await api(luca.token, 'PUT', '/inspections/visita-c/revisions/1', putBody(file, { attachments: [meta(shot)] }));
      assert.equal(borrowed.status, 412);
      assert.deepEqual((await j(borrowed)).error.missing, [shot.sha256]);
      // Not even the size is checked against someone else's content.
      const wrongSize = await api(
        luca.token,
        'PUT',
        '/inspections/visita-c/revisions/1',
        putBody(file, { attachments: [{ ...meta(shot), size: 5 }] }),
      );
      assert.equal(wrongSize.status, 412);
      assert.equal(await office.server.store.getRevision('visita-c', 1), null);
      // Once Luca has sent the bytes himself, the same revision is accepted.
      assert.equal((await push(luca, 'visita-c', 1, file, [shot])).status, 'created');
      // A later report version must be uploaded by the owner too.
      const pdf = makePdf('verbale co-firmato');
      const report = { sha256: sha256(pdf), kind: 'report' as const, name: 'verbale.pdf', bytes: pdf };
      await client(maria).uploadAttachment(report);
      const later = await api(luca.token, 'POST', '/inspections/visita-c/revisions/1/attachments', {
        sha256: report.sha256,
        size: pdf.length,
        kind: 'report',
        name: 'verbale.pdf',
      });
      assert.equal(later.status, 412);
      assert.equal((await client(luca).addAttachment({ id: 'visita-c', revision: 1, attachment: report })).status, 'created');
    });

    test('a clerk moves a visit to another laptop: confirmed, with a reason, audited and shown; the new laptop continues, the old one is refused', async () => {
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      const clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', PASSWORD);
      const shot = photo(5101);
      const file = sampleFile(51);
      assert.equal((await push(maria, 'visita-t', 1, file, [shot])).status, 'created');
      const replacement = await office.device('Maria Rossi', 'portatile nuovo di Maria');
      const at = '/ispezioni/visita-t/1';

      const page = await clerk.page(at);
      assert.match(page, /Trasferisci a un altro portatile/);
      assert.match(page, /portatile di Maria/, 'the current laptop is shown');
      assert.ok(page.includes(`value="${replacement.deviceId}"`), 'the new laptop can be chosen');

      const reason = 'portatile rubato il 1° dicembre, denuncia n. 123';
      const noReason = await clerk.post(`${at}/trasferisci`, { dispositivo: replacement.deviceId, motivo: '   ' }, at);
      assert.equal(noReason.status, 400);
      assert.match(noReason.text, /motivo: /);
      const noDevice = await clerk.post(`${at}/trasferisci`, { dispositivo: 'nessuno', motivo: reason }, at);
      assert.equal(noDevice.status, 400);
      assert.match(noDevice.text, /dispositivo: /);
      const sameDevice = await clerk.post(`${at}/trasferisci`, { dispositivo: maria.deviceId, motivo: reason }, at);
      assert.equal(sameDevice.status, 400);

      // The first step only asks for confirmation.
      const ask = await clerk.post(`${at}/trasferisci`, { dispositivo: replacement.deviceId, motivo: reason }, at);
      assert.equal(ask.status, 200);
      assert.match(ask.text, /Confermare il trasferimento/);
      assert.ok(ask.text.includes('portatile nuovo di Maria') && ask.text.includes(reason.replace('°', '°')));
      assert.equal((await push(replacement, 'visita-t', 2, sampleFile(52))).status, 'rejected', 'not moved before the confirmation');
      assert.deepEqual(await office.server.store.listTransfers('visita-t'), []);

      const done = await clerk.post(`${at}/trasferisci`, { dispositivo: replacement.deviceId, motivo: reason, conferma: 'si' }, at);
      assert.equal(done.status, 303, done.text.slice(0, 300));
      const transfers = await office.server.store.listTransfers('visita-t');
      assert.equal(transfers.length, 1);
      assert.deepEqual(
        {
          clerk: transfers[0]!.clerkName,
          from: transfers[0]!.fromDevice.label,
          fromInspector: transfers[0]!.fromDevice.inspectorName,
          to: transfers[0]!.toDevice.label,
          reason: transfers[0]!.reason,
        },
        { clerk: 'Ufficio Zona', from: 'portatile di Maria', fromInspector: 'Maria Rossi', to: 'portatile nuovo di Maria', reason },
      );
      assert.ok(!Number.isNaN(Date.parse(transfers[0]!.at)));
      const shown = await clerk.page(done.location!);
      assert.match(shown, /data-testid="transfer"/);
      assert.ok(shown.includes(reason) && shown.includes('Ufficio Zona') && shown.includes('portatile nuovo di Maria'));

      // The new laptop sends the next revision (it owns the visit's photo already); the old one is refused.
      const next = client(replacement);
      const sent = await next.pushInspection({
        id: 'visita-t',
        revision: 2,
        file: sampleFile(52),
        contentHash: contentHash(sampleFile(52)),
        attachments: [shot],
      });
      assert.equal(sent.status, 'created');
      assert.equal(next.bytesSent, 0, 'the visit’s photo counts as its own');
      assert.equal((await push(maria, 'visita-t', 3, sampleFile(53))).status, 'rejected');
      assert.equal((await api(maria.token, 'GET', '/inspections/visita-t')).status, 404);
      const view = await api(replacement.token, 'GET', '/inspections/visita-t');
      assert.deepEqual(
        (await j(view)).revisions.map((r: { revision: number }) => r.revision),
        [1, 2],
      );

      // Moved again to another inspector's laptop: decisions now go to that inspector.
      const again = await clerk.post(
        `${at}/trasferisci`,
        { dispositivo: luca.deviceId, motivo: 'ispezione riassegnata', conferma: 'si' },
        at,
      );
      assert.equal(again.status, 303);
      const cursor = (await client(luca).pullChanges(0, 1000)).cursor;
      const clerkId = (await office.server.store.getClerkByName('Ufficio Zona'))!.id;
      await office.server.store.decide('visita-t', 2, 'validated', null, clerkId);
      const feed = (await client(luca).pullChanges(cursor, 1000)).changes;
      assert.deepEqual(
        feed.map((c) => [c.kind, c.entity]),
        [['decision', 'visita-t#2']],
      );
      assert.equal((await office.server.store.listTransfers('visita-t')).length, 2);
      assert.equal((await clerk.page(at)).match(/data-testid="transfer"/g)?.length, 2, 'both transfers on the visit page');
    });
  });

  test(`migration 3 on ${backend}: the owner of each visit is the laptop of its first revision; uploaders hold their attachments`, async () => {
    const office = await startOffice(backend);
    try {
      // Rebuild the database as version 2 with a visit where an intruder slipped in revision 2.
      await office.server.close();
      const { openPostgres, openSqlite } = await import('../../office/storage/db.ts');
      const old = office.databaseUrl ? await openPostgres(office.databaseUrl) : openSqlite(office.dataDir);
      try {
        // Every table of today's schema goes (so a later migration never needs this list changed).
        const tables = (
          old.kind === 'sqlite'
            ? await old.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            : await old.all<{ name: string }>(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'office_schema'",
              )
        ).map((r) => r.name);
        assert.ok(tables.includes('revisions') && tables.length > 10, tables.join(', '));
        if (old.kind === 'sqlite') await old.run('PRAGMA foreign_keys = OFF');
        for (const t of tables) await old.run(`DROP TABLE IF EXISTS ${t}${old.kind === 'postgres' ? ' CASCADE' : ''}`);
        if (old.kind === 'sqlite') await old.run('PRAGMA foreign_keys = ON');
        if (old.kind === 'sqlite') await old.run('PRAGMA user_version = 0');
        else await old.run('DELETE FROM office_schema');
        await migrate(
          old,
          MIGRATIONS.filter((m) => m.version <= 2),
        );
        const now = '2026-03-01T10:00:00.000Z';
        await old.run("INSERT INTO inspectors (id, name, created_at) VALUES ('i1', 'Maria', ?), ('i2', 'Luca', ?)", [now, now]);
        await old.run(
          "INSERT INTO devices (id, inspector_id, token_hash, label, created_at) VALUES ('d1', 'i1', 'h1', 'A', ?), ('d2', 'i2', 'h2', 'B', ?)",
          [now, now],
        );
        for (const [rev, inspector, device] of [
          [1, 'i1', 'd1'],
          [2, 'i2', 'd2'],
        ] as const) {
          await old.run(
            `INSERT INTO revisions (inspection_id, revision, content_hash, bundle_hash, file, service_name, visit_date, purpose, inspector_id, device_id, received_at, review_status)
            VALUES ('v', ?, 'c', 'b', '{}', 'Nido', '2026-03-01', 'verifica_periodica', ?, ?, ?, 'ricevuta')`,
            [rev, inspector, device, now],
          );
          await old.run(
            "INSERT INTO attachments (inspection_id, revision, position, sha256, size, kind, name) VALUES ('v', ?, 0, ?, 1, 'photo', 'f.png')",
            [rev, String(rev).repeat(64)],
          );
        }
        assert.deepEqual(
          await migrate(old),
          MIGRATIONS.filter((m) => m.version > 2).map((m) => m.version),
        );
        assert.deepEqual(await old.all('SELECT inspection_id, device_id, inspector_id FROM visits'), [
          { inspection_id: 'v', device_id: 'd1', inspector_id: 'i1' },
        ]);
        // Migration 17 counted the two revisions for the queue's tabs.
        assert.deepEqual(await new OfficeStore(old).countByStatus(), { ricevuta: 2, in_validazione: 0, validata: 0, respinta: 0 });
        const holders = await old.all<{ sha256: string; device_id: string }>(
          'SELECT sha256, device_id FROM blob_holders ORDER BY device_id',
        );
        assert.deepEqual(
          holders.map((h) => [h.sha256[0], h.device_id]),
          [
            ['1', 'd1'],
            ['2', 'd2'],
          ],
        );
      } finally {
        await old.close();
      }
    } finally {
      if (!office.databaseUrl) (await import('node:fs')).rmSync(office.dataDir, { recursive: true, force: true });
    }
  });
}
