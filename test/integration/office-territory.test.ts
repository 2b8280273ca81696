/**
 * An office installation applies one territory (issue 12): `territory` at the first start (the Zona
 * by default), recorded in its database (office migration 8: an office that already held data is the
 * Zona's), named in the pair answer, heading the review pages, and a revision of another territory
 * refused with an Italian 422.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pair } from '../../host/sync/client.ts';
import { createOfficeServer } from '../../office/server.ts';
import { newPairingCode, sha256Text } from '../../office/security.ts';
import { openSqlite } from '../../office/storage/db.ts';
import { MIGRATIONS, migrate } from '../../office/storage/migrations.ts';
import { OfficeStore } from '../../office/storage/store.ts';
import { hashPassword } from '../../office/security.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, putBody, sampleFile, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';

after(() => stopPostgres());

const luccaFile = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../../resources/examples/lucca-nido.json', import.meta.url), 'utf8'));

async function put(office: TestOffice, token: string, id: string, file: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`${office.url}/api/v1/inspections/${id}/revisions/1`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(putBody(file)),
  });
  return { status: r.status, body: await r.json() };
}

async function pairedTerritory(office: TestOffice): Promise<string | undefined> {
  const inspector = await office.server.store.createInspector('Giulia Verdi');
  const code = newPairingCode();
  await office.server.store.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + 60_000).toISOString());
  return (await pair(office.url, code)).territory;
}

const loginPage = async (office: TestOffice) => (await fetch(`${office.url}/login`)).text();

for (const backend of BACKENDS) {
  describe(`office territory on ${backend}`, () => {
    test('a Lucca office: recorded, in the pair answer and the heading; a Zona revision is refused, a Lucca one registered', async () => {
      const office = await startOffice(backend, { territory: 'lucca' });
      try {
        assert.equal(office.server.territory.id, 'lucca');
        assert.equal(await office.server.store.territory(), 'lucca');
        assert.equal(await pairedTerritory(office), 'lucca');
        assert.match(await loginPage(office), /<span class="territory">Città di Lucca<\/span>/);
        const token = await office.token('Maria Rossi');
        const zona = await put(office, token, 'visita-zona', sampleFile(1));
        assert.equal(zona.status, 422);
        assert.equal(zona.body.error.field, 'file.territory');
        assert.match(zona.body.error.message, /territorio «Zona Fiorentina Sud-Est» \(zona-fse\), questo ufficio applica «Città di Lucca»/);
        assert.equal(await office.server.store.getRevision('visita-zona', 1), null, 'nothing stored');
        const lucca = await put(office, token, 'visita-lucca', luccaFile());
        assert.equal(lucca.status, 201, JSON.stringify(lucca.body));
      } finally {
        await office.close();
      }
    });

    test('the territory is fixed at the first start: a later start naming another is refused, none keeps it', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-terr-'));
      const first = await startOffice(backend, { dataDir, territory: 'lucca' });
      await first.close();
      await assert.rejects(
        createOfficeServer({ dataDir, databaseUrl: first.databaseUrl, territory: 'zona-fse' }),
        /l'ufficio applica già il territorio "lucca": un'installazione ha un solo territorio/,
      );
      await assert.rejects(
        createOfficeServer({ dataDir, databaseUrl: first.databaseUrl, territory: 'atlantide' }),
        /territorio sconosciuto "atlantide"/,
      );
      const again = await createOfficeServer({ dataDir, databaseUrl: first.databaseUrl });
      assert.equal(again.territory.id, 'lucca');
      await again.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('an office started without a territory is the Zona: pair answer, heading, a Lucca revision refused', async () => {
      const office = await startOffice(backend);
      try {
        assert.equal(office.server.territory.id, 'zona-fse');
        assert.equal(await pairedTerritory(office), 'zona-fse');
        assert.match(await loginPage(office), /<span class="territory">Zona Fiorentina Sud-Est<\/span>/);
        const token = await office.token('Maria Rossi');
        const lucca = await put(office, token, 'visita-lucca', luccaFile());
        assert.equal(lucca.status, 422);
        assert.match(lucca.body.error.message, /^file\.territory: la visita è del territorio «Città di Lucca» \(lucca\)/);
        assert.equal((await put(office, token, 'visita-zona', sampleFile(1))).status, 201);
      } finally {
        await office.close();
      }
    });
  });
}

test('migration 8: an office that held data before territories is the Zona, an empty one has none yet', async () => {
  for (const withData of [true, false]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-mig6-'));
    const db = openSqlite(dataDir);
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 7),
    );
    if (withData) await new OfficeStore(db).createInspector('Maria Rossi');
    const store = await OfficeStore.open(db);
    assert.equal(await store.territory(), withData ? 'zona-fse' : null);
    await store.close();
    // Started now with Lucca: the Zona's office refuses, the empty one becomes Lucca's.
    if (withData) await assert.rejects(createOfficeServer({ dataDir, territory: 'lucca' }), /applica già il territorio "zona-fse"/);
    else {
      const office = await createOfficeServer({ dataDir, territory: 'lucca' });
      assert.equal(office.territory.name, 'Città di Lucca');
      await office.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('`vigilanza office serve --territory`: recorded at the first start, another refused later (exit 2), an unknown one too', async () => {
  const root = new URL('../..', import.meta.url).pathname;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigilanza-office-cli-terr-'));
  const serve = (territory: string) =>
    spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'bin/cli/entry.ts'), 'office', 'serve', '--data', dataDir, '--port', '0', '--territory', territory],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const first = serve('lucca');
  const [url] = (await once(createInterface({ input: first.stdout! }), 'line')) as [string];
  assert.match(await (await fetch(`${url.trim()}/login`)).text(), /<span class="territory">Città di Lucca<\/span>/);
  first.kill('SIGTERM');
  assert.equal((await once(first, 'exit'))[0], 0);
  for (const [territory, message] of [
    ['zona-fse', /avvio non riuscito: l'ufficio applica già il territorio "lucca"/],
    ['atlantide', /--territory: territorio sconosciuto "atlantide" \(disponibili: zona-fse, lucca\)/],
  ] as const) {
    const again = serve(territory);
    let stderr = '';
    again.stderr!.on('data', (d) => (stderr += d));
    assert.equal((await once(again, 'exit'))[0], 2, stderr);
    assert.match(stderr, message);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test("the cruscotto applies the office's territory: its schedule and rule set for the visits owed, its name for a prescription", async () => {
  const seen: Record<string, string> = {};
  for (const territory of ['zona-fse', 'lucca']) {
    const office = await startOffice('sqlite', { territory, today: () => '2026-11-20' });
    try {
      await office.server.store.createClerk('Ufficio', await hashPassword('una-password-lunga'));
      // Authorised two years ago and never visited.
      await office.server.store.saveService({
        name: 'Nido Il Pettirosso',
        type: 'nido',
        comune: 'Lucca',
        capacity: 30,
        kitchen: true,
        authorizationIssuedOn: '2024-10-15',
      });
      const clerk = new Clerk(office.url);
      await clerk.login('Ufficio', 'una-password-lunga');
      const page = await clerk.page('/cruscotto');
      const due = /<section data-testid="dovute"><h2>([^<]*)<\/h2><p>([^·]*)·/.exec(page);
      assert.ok(due, 'the list of visits owed');
      seen[territory] = `${due[1]} | ${due[2]!.trim()}`;
      assert.match(page, territory === 'lucca' ? /<h2>Diffide scadute<\/h2>/ : /<h2>Prescrizioni scadute<\/h2>/);
    } finally {
      await office.close();
    }
  }
  assert.deepEqual(seen, {
    'zona-fse':
      'Ispezioni dovute (Reg. zonale art. 17 c.1: due all&#x27;anno, una per semestre) | 1 struttura autorizzata o accreditata, 1 in ritardo',
    lucca:
      'Ispezioni dovute (Reg. Lucca art. 32 c.1: periodica, senza numero minimo) | 0 strutture autorizzate o accreditate, 0 in ritardo',
  });
});
