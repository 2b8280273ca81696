/**
 * The review queue a page at a time (issue 16): keyset pages of `listByStatus` cover every revision
 * of a status once, in order, ties of the received instant included, on both engines; the page shows
 * QUEUE_ROWS rows, the counts on top and «Mostra altre» to the end; a bad page address is a clear 400.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { hashPassword } from '../../office/security.ts';
import { QUEUE_ROWS } from '../../office/review/queue-routes.ts';
import type { OfficeStore, RevisionSummary } from '../../office/storage/store.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';
import { seedOffice } from '../helpers/office-seed.ts';

const TODAY = '2026-11-20';
const key = (r: RevisionSummary) => `${r.inspectionId}#${r.revision}`;

/** Half of the revisions share one received instant, so the order between them is the id's and the revision's. */
async function seedWithTies(store: OfficeStore, revisions: number): Promise<void> {
  await seedOffice(store, { revisions, services: 20, today: TODAY, batch: revisions });
  const all = await store.db.all<{ inspection_id: string; revision: number }>('SELECT inspection_id, revision FROM revisions');
  for (const [i, r] of all.entries())
    if (i % 2 === 0)
      await store.db.run('UPDATE revisions SET received_at = ? WHERE inspection_id = ? AND revision = ?', [
        '2026-11-19T08:00:00.000Z',
        r.inspection_id,
        Number(r.revision),
      ]);
}

after(() => stopPostgres());

for (const backend of BACKENDS) {
  describe(`review queue paging, ${backend}`, () => {
    test('keyset pages cover every revision of a status once, in order', async () => {
      const office = await startOffice(backend, { today: () => TODAY });
      try {
        const store = office.server.store;
        await seedWithTies(store, 240);
        const counts = await store.countByStatus();
        for (const status of ['ricevuta', 'validata'] as const) {
          const whole = await store.listByStatus(status, 10_000);
          assert.equal(whole.rows.length, counts[status]);
          assert.equal(whole.next, null);
          // The order the queue promises: the latest received first, then id and revision.
          const sorted = [...whole.rows].sort(
            (a, b) =>
              (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0) ||
              (a.inspectionId < b.inspectionId ? -1 : a.inspectionId > b.inspectionId ? 1 : 0) ||
              a.revision - b.revision,
          );
          assert.deepEqual(whole.rows.map(key), sorted.map(key), status);
          const paged: RevisionSummary[] = [];
          let page = await store.listByStatus(status, 7);
          for (;;) {
            assert.ok(page.rows.length <= 7);
            paged.push(...page.rows);
            if (!page.next) break;
            page = await store.listByStatus(status, 7, page.next);
          }
          assert.deepEqual(paged.map(key), whole.rows.map(key), `${status}: every row once, in order`);
        }
        assert.ok(counts.ricevuta > 100, 'more than one page of received revisions');
      } finally {
        await office.close();
      }
    });
  });
}

describe('the queue page', () => {
  test('QUEUE_ROWS rows, the counts on top, «Mostra altre» to the end, a clear 400 for a bad address', async () => {
    const office = await startOffice('sqlite', { today: () => TODAY });
    try {
      const store = office.server.store;
      await store.createClerk('Ufficio Zona', await hashPassword('una-password-lunga'));
      await seedWithTies(store, 260);
      const clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', 'una-password-lunga');
      const counts = await store.countByStatus();
      const expected = (await store.listByStatus('ricevuta', 10_000)).rows.map(
        (r) => `/ispezioni/${encodeURIComponent(r.inspectionId)}/${r.revision}`,
      );
      assert.ok(expected.length > 2 * QUEUE_ROWS, 'three pages at least');

      const linksIn = (page: string) => [...page.matchAll(/<td><a href="([^"]+)">/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      const nextOf = (page: string) => /<a href="([^"]+)">Mostra altre<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, '&');
      let page = await clerk.page('/coda');
      assert.match(page, new RegExp(`Ricevute \\(${counts.ricevuta}\\)`));
      assert.match(page, new RegExp(`Validate \\(${counts.validata}\\)`));
      assert.match(page, new RegExp(`Le ${QUEUE_ROWS} più recenti su ${counts.ricevuta.toLocaleString('it-IT')} \\(ricevute\\)`));
      assert.doesNotMatch(page, /Torna alle più recenti/);
      const seen: string[] = [];
      let pages = 0;
      for (;;) {
        pages++;
        const links = linksIn(page);
        assert.ok(links.length <= QUEUE_ROWS && links.length > 0, `page ${pages}: ${links.length} rows`);
        seen.push(...links);
        const next = nextOf(page);
        if (!next) break;
        assert.match(next, /^\/coda\?scheda=ricevute&dopo=/);
        page = await clerk.page(next);
        assert.match(page, /ricevute fino al \d\d\/\d\d\/\d{4} alle \d\d:\d\d/);
        assert.match(page, /<a href="\/coda\?scheda=ricevute">Torna alle più recenti<\/a>/);
      }
      assert.equal(pages, Math.ceil(expected.length / QUEUE_ROWS));
      assert.deepEqual(seen, expected, 'every received revision once, in the queue order');

      for (const dopo of ['abc', '2026-11-19T08:00:00.000Z_0_x', '2026-11-19T08:00:00.000Z_1_', '2026-11-19_1_x']) {
        const r = await fetch(`${office.url}/coda?scheda=ricevute&dopo=${encodeURIComponent(dopo)}`, {
          headers: { cookie: clerk.cookieHeader() },
        });
        assert.equal(r.status, 400, dopo);
        assert.match(await r.text(), /dopo: questo indirizzo non indica una pagina della coda/, dopo);
      }
      const twice = await fetch(`${office.url}/coda?dopo=a&dopo=b`, { headers: { cookie: clerk.cookieHeader() } });
      assert.equal(twice.status, 400);
    } finally {
      await office.close();
    }
  });
});
