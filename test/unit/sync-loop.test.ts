/** host/sync/loop.ts startSync on the real laptop store: a kick while a pass is running is not lost (the seal right after a pull). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncClient } from '../../host/sync/client.ts';
import { startSync } from '../../host/sync/loop.ts';
import { seededLaptop, sealVisits } from '../helpers/laptop.ts';

test('a kick during a pass runs another pass at once, not after the interval', async (t) => {
  const { app } = seededLaptop(t, 0);
  const puts: string[] = [];
  let pulls = 0;
  // The first pull is held open until the test has sealed and kicked: the pass is surely still
  // running when the kick comes, whatever the machine's speed.
  let firstPullStarted!: () => void;
  const firstPull = new Promise<void>((r) => (firstPullStarted = r));
  let releaseFirstPull!: () => void;
  const released = new Promise<void>((r) => (releaseFirstPull = r));
  // The pass after the kick pulls once it has sent and recorded the answer.
  let secondPullStarted!: () => void;
  const secondPull = new Promise<void>((r) => (secondPullStarted = r));
  const fakeFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (init?.method === 'PUT') {
      puts.push(url.pathname);
      const [, visitId, revision] = /\/inspections\/([^/]+)\/revisions\/(\d+)$/.exec(url.pathname)!;
      const body = JSON.parse(String(init.body)) as { contentHash: string };
      return new Response(JSON.stringify({ inspectionId: visitId, revision: Number(revision), contentHash: body.contentHash }), {
        status: 201,
      });
    }
    if (++pulls === 1) {
      firstPullStarted();
      await released;
    } else secondPullStarted();
    return new Response(JSON.stringify({ changes: [], cursor: 0, more: false }), { status: 200 });
  };
  const loop = startSync(app.store.outbox, new SyncClient({ baseUrl: 'http://127.0.0.1:1', token: 'x'.repeat(20), fetch: fakeFetch }), {
    intervalMs: 60_000,
  });
  try {
    await firstPull;
    assert.deepEqual(puts, [], 'nothing to send yet: the first pass is pulling');
    const [visit] = sealVisits(app, [
      { serviceName: 'Nido Il Girasole', comune: 'Impruneta', date: '2026-03-09', answer: 'yes', note: 'visita', photos: [] },
    ]);
    loop.kick();
    releaseFirstPull();
    // The interval is a minute: a lost kick would send nothing within these 10 s.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lost = new Promise<'lost'>((r) => (timer = setTimeout(() => r('lost'), 10_000)));
    assert.notEqual(await Promise.race([secondPull, lost]), 'lost', 'the kick during the pass was lost');
    clearTimeout(timer);
    assert.deepEqual(puts, [`/api/v1/inspections/${visit!.visitId}/revisions/1`], 'sent by the pass that followed the kick');
    assert.equal(app.store.outbox.statusOf(visit!.inspectionId), 'ricevuta');
  } finally {
    await loop.stop();
  }
});

test('real store, where the old in-memory one differed: a replayed page is skipped, a rejection opens a draft, the bundle is frozen', async (t) => {
  const { app, visits } = seededLaptop(t, 1);
  const outbox = app.store.outbox;
  const [v] = visits;
  const first = (await outbox.nextPending(new Date()))!;
  await outbox.markSent(first.outboxId, 'ricevuta');
  // A report attached after the first send (as a later co-signature is) does not change what a resend carries.
  app.store.db.prepare("UPDATE outbox SET status = 'inviata' WHERE id = ?").run(first.outboxId);
  app.store.attachments.add({
    inspectionId: v!.inspectionId,
    kind: 'report',
    name: 'verbale.pdf',
    mime: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7\n%%EOF\n'),
  });
  const again = (await outbox.nextPending(new Date()))!;
  assert.deepEqual(
    again.attachments.map((a) => a.sha256),
    first.attachments.map((a) => a.sha256),
    'the bundle was frozen at the first send',
  );
  await outbox.markSent(again.outboxId, 'ricevuta');

  const page = [
    {
      seq: 5,
      kind: 'decision',
      payload: {
        inspectionId: v!.visitId,
        revision: 1,
        contentHash: v!.contentHash,
        decision: 'rejected',
        notes: 'Manca la foto',
        decidedAt: '2026-03-11T10:00:00.000Z',
      },
    },
  ];
  await outbox.applyChanges(page, 5);
  // The same page again (a response lost on the way back, pulled twice): skipped, not thrown, applied once.
  await outbox.applyChanges(page, 5);
  assert.equal(await outbox.getCursor(), 5);
  assert.equal((app.store.db.prepare('SELECT count(*) AS n FROM sync_decisions').get() as { n: number }).n, 1);
  assert.equal(outbox.statusOf(v!.inspectionId), 'respinta');
  const draft = app.store.inspections.successor(v!.inspectionId);
  assert.ok(draft, 'the rejection opened a new draft');
  assert.equal(app.store.inspections.get(draft).status, 'draft');
  assert.equal(app.store.inspections.get(draft).revision, 2);
});
