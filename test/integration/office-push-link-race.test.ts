/**
 * Pushes take the change-feed lock only when they link their service, as their last statements
 * (issue 16): laptops pushing at once visits of the same structure the registry does not hold yet
 * still create it once and link every visit to it, and each visit's link is on the feed once, to
 * its inspector. The registry entry is found by its folded name (migration 6). Both engines.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Submission } from '../../office/storage/store.ts';
import { BACKENDS, startOffice, stopPostgres } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

const NAMES = ['Nido Città Nuova', '  NIDO CITTÀ NUOVA ', 'nido città nuova', 'Nido città Nuova  '];

for (const backend of BACKENDS) {
  describe(`pushes linking the same new service at once, ${backend}`, () => {
    test('one registry entry, every visit linked to it, one link each on the feed', async () => {
      const office = await startOffice(backend);
      try {
        const store = office.server.store;
        const laptops: Array<{ inspectorId: string; deviceId: string }> = [];
        for (let c = 0; c < 8; c++) {
          const inspector = await store.createInspector(`Ispettore ${c + 1}`);
          laptops.push({ inspectorId: inspector.id, deviceId: await store.addDevice(inspector.id, `gettone-${c}`, `portatile ${c + 1}`) });
        }
        const push = (c: number, i: number, serviceName: string): Submission => ({
          inspectionId: `gara-${c}-${i}`,
          revision: 1,
          contentHash: `c-${c}-${i}`,
          bundleHash: `b-${c}-${i}`,
          file: { service: { name: serviceName, type: 'nido', comune: i % 2 ? 'FIESOLE' : 'Fiesole', capacity: 20 } },
          serviceId: null,
          serviceName,
          comune: 'Fiesole',
          visitDate: '2026-10-01',
          purpose: 'verifica_periodica',
          ...laptops[c]!,
          attachments: [],
          prescriptions: [],
        });
        const outcomes = await Promise.all(
          laptops.map(async (_, c) => {
            const out = [];
            for (let i = 0; i < 6; i++) out.push(await store.putRevision(push(c, i, NAMES[(c + i) % NAMES.length]!)));
            return out;
          }),
        );
        assert.deepEqual(outcomes.flat(), Array(48).fill('created'));
        const services = await store.listServices();
        assert.equal(services.length, 1, `one service, not ${services.map((s) => JSON.stringify(s.name)).join(', ')}`);
        const linked = await store.db.all<{ service_id: string | null }>('SELECT DISTINCT service_id FROM revisions');
        assert.deepEqual(linked, [{ service_id: services[0]!.id }]);
        const feed = await store.db.all<{ seq: number; kind: string; entity: string; audience: string | null }>(
          'SELECT seq, kind, entity, audience FROM changes ORDER BY seq',
        );
        assert.equal(feed.filter((f) => f.kind === 'service').length, 1, 'the new service once on the feed');
        const links = feed.filter((f) => f.kind === 'service_link');
        assert.equal(links.length, 48);
        assert.equal(new Set(links.map((l) => l.entity)).size, 48, 'one link per visit');
        for (const l of links) {
          const c = Number(/^gara-(\d+)-/.exec(l.entity)![1]);
          assert.equal(l.audience, laptops[c]!.inspectorId, l.entity);
        }
        // The laptop that created the service hears of the link before the service itself.
        const first = links.find((l) => l.seq < feed.find((f) => f.kind === 'service')!.seq);
        assert.ok(first, 'a link precedes the new service on the feed');
      } finally {
        await office.close();
      }
    });
  });
}
