/**
 * The renderer's one table of pages (renderer/app/router.ts): the links it builds are the hash
 * paths the app has always used (the e2e specs and bookmarks navigate to them), ids are encoded,
 * and every pattern matches the link built from it and nothing else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchPath } from 'react-router';
import { href, PAGES, type Page } from '../../renderer/app/router.ts';

describe('renderer router', () => {
  it('builds the same paths as before react-router', () => {
    assert.equal(href({ page: 'services' }), '/servizi');
    assert.equal(href({ page: 'service-new' }), '/servizi/nuovo');
    assert.equal(href({ page: 'service', id: 's1' }), '/servizi/s1');
    assert.equal(href({ page: 'service-edit', id: 's1' }), '/servizi/s1/modifica');
    assert.equal(href({ page: 'inspection-new', serviceId: 's1' }), '/servizi/s1/nuova-ispezione');
    assert.equal(href({ page: 'inspection', id: 'i 1/2' }), '/ispezioni/i%201%2F2');
    assert.equal(href({ page: 'signing' }), '/firma-digitale');
    assert.equal(href({ page: 'office' }), '/ufficio');
    assert.equal(href({ page: 'agenda' }), '/agenda');
  });

  it('each link matches its own pattern only (nuovo is not a service id)', () => {
    const links: Array<[Page, string]> = [
      ['services', href({ page: 'services' })],
      ['service-new', href({ page: 'service-new' })],
      ['service', href({ page: 'service', id: 'abc' })],
      ['service-edit', href({ page: 'service-edit', id: 'abc' })],
      ['inspection-new', href({ page: 'inspection-new', serviceId: 'abc' })],
      ['inspection', href({ page: 'inspection', id: 'abc' })],
      ['signing', href({ page: 'signing' })],
      ['office', href({ page: 'office' })],
      ['agenda', href({ page: 'agenda' })],
    ];
    for (const [page, link] of links) {
      const matching = (Object.keys(PAGES) as Page[]).filter((p) => matchPath(PAGES[p].path, link));
      // react-router ranks a static segment above a parameter: /servizi/nuovo also fits /servizi/:id.
      assert.ok(matching.includes(page), `${link} → ${page}`);
      if (page !== 'service-new') assert.deepEqual(matching, [page], link);
    }
  });

  it('every page has an Italian window title', () => {
    for (const p of Object.values(PAGES)) assert.match(p.title, /^[A-Z][a-zà-ù ]+$/);
  });
});
