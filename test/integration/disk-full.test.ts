/**
 * A disk that refuses writes (issue 10), without fault injection: SQLite's `max_page_count` makes the
 * real database answer SQLITE_FULL, and /dev/full makes a real file write fail with ENOSPC. The save is
 * a 507 `storage` error in Italian, nothing acknowledged is lost, and the same save works once there
 * is room; a photo refused by the full database leaves no file behind. (test/e2e/ui-disk-full.test.ts injects ENOSPC and EIO into the running shell with libfiu.)
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256Of } from '../../db/blobs.ts';
import { diskFaultOf } from '../../db/errors.ts';
import { BLOBS_DIR } from '../../db/store.ts';
import { openApp } from '../../host/app.ts';
import { fromException } from '../../host/errors.ts';
import { ERROR_STATUS } from '../../shared/api/contract.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { makePng } from '../helpers/office-fixtures.ts';
import { SERVICE, tempDir } from '../unit/db-fixtures.ts';

test('SQLITE_FULL while autosaving: a 507 «Disco pieno: …», the acknowledged saves kept, the same save works with room again', (t) => {
  const app = openApp({ dataDir: tempDir(t), shell: 'browser' });
  t.after(() => app.close());
  const service = app.dispatch('services.create', SERVICE);
  assert.ok(service.ok);
  const inspection = app.dispatch('inspections.create', {
    serviceId: (service.value as { id: string }).id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
  });
  assert.ok(inspection.ok);
  const inspectionId = (inspection.value as { id: string }).id;
  const items = getChecklist('zona-fse@1')!
    .items.filter((i) => i.kind === 'yesno')
    .map((i) => i.id);

  const pages = app.store.db.pragma('page_count', { simple: true }) as number;
  app.store.db.pragma(`max_page_count = ${pages}`);
  const acknowledged: string[] = [];
  let refused: { itemId: string; note: string; error: { code: string; message: string } } | null = null;
  for (const itemId of items) {
    const note = `nota lunga ${itemId} `.repeat(60);
    const r = app.dispatch('inspections.saveAnswer', { inspectionId, itemId, value: 'no', note });
    if (!r.ok) {
      refused = { itemId, note, error: r.error };
      break;
    }
    acknowledged.push(itemId);
  }
  assert.ok(refused, `the database never filled up (${acknowledged.length} saves)`);
  assert.equal(refused.error.code, 'storage');
  assert.equal(ERROR_STATUS.storage, 507);
  assert.match(refused.error.message, /^Disco pieno: i dati non sono stati salvati\. Liberare spazio/);

  const detail = app.dispatch('inspections.get', { id: inspectionId });
  assert.ok(detail.ok);
  const answers = (detail.value as { answers: Record<string, { note: string }> }).answers;
  for (const itemId of acknowledged) assert.match(answers[itemId]!.note, /^nota lunga /, `${itemId} acknowledged and kept`);
  assert.equal(answers[refused.itemId], undefined, 'the refused save left nothing half written');

  app.store.db.pragma('max_page_count = 4294967294');
  const again = app.dispatch('inspections.saveAnswer', { inspectionId, itemId: refused.itemId, value: 'no', note: refused.note });
  assert.ok(again.ok, JSON.stringify(again));
  assert.equal(app.store.db.pragma('integrity_check', { simple: true }), 'ok');
});

test('SQLITE_FULL while adding photos: the refused photo leaves no file in the data folder, the acknowledged ones keep theirs, the same photo goes in with room', async (t) => {
  const dataDir = tempDir(t);
  const logged: string[] = [];
  const app = openApp({ dataDir, shell: 'browser', log: (m) => logged.push(m) });
  t.after(() => app.close());
  const service = app.dispatch('services.create', SERVICE);
  assert.ok(service.ok);
  const inspection = app.dispatch('inspections.create', {
    serviceId: (service.value as { id: string }).id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
  });
  assert.ok(inspection.ok);
  const inspectionId = (inspection.value as { id: string }).id;
  const files = () =>
    readdirSync(join(dataDir, BLOBS_DIR), { recursive: true, encoding: 'utf8' })
      .map((f) => f.split('/').pop()!)
      .filter((f) => /^[0-9a-f]{64}$|^\.tmp-/.test(f))
      .sort();
  const add = (seed: number) => {
    const bytes = makePng(seed, 16);
    return {
      sha256: sha256Of(bytes),
      result: app.call('photos.add', {
        inspectionId,
        itemId: null,
        mime: 'image/png',
        dataBase64: bytes.toString('base64'),
        caption: `foto di prova numero ${seed} `.repeat(12).trim(),
      }),
    };
  };

  const pages = app.store.db.pragma('page_count', { simple: true }) as number;
  app.store.db.pragma(`max_page_count = ${pages}`);
  const acknowledged: string[] = [];
  let refused: { seed: number; sha256: string; error: { code: string; message: string } } | null = null;
  for (let seed = 1; seed <= 500 && !refused; seed++) {
    const { sha256, result } = add(seed);
    const r = await result;
    if (r.ok) acknowledged.push(sha256);
    else refused = { seed, sha256, error: r.error };
  }
  assert.ok(refused, `the database never filled up (${acknowledged.length} photos)`);
  assert.ok(acknowledged.length > 0, 'some photos went in before the database was full');
  assert.equal(refused.error.code, 'storage', JSON.stringify(refused.error));
  assert.match(refused.error.message, /^Disco pieno: /);
  assert.equal(logged.length, 1);
  // The file was written before the database refused its row: it is gone again, and nothing else went.
  assert.deepEqual(files(), [...acknowledged].sort(), 'the blobs folder holds the acknowledged photos, no orphan and no temp file');
  const detail = app.dispatch('inspections.get', { id: inspectionId });
  assert.ok(detail.ok);
  assert.deepEqual(
    (detail.value as { photos: Array<{ sha256: string }> }).photos.map((p) => p.sha256),
    acknowledged,
  );
  for (const sha256 of acknowledged) assert.ok(app.store.blobs.has(sha256), 'an acknowledged photo keeps its file');

  // A refused photo whose bytes an acknowledged one already has keeps the shared file.
  const again = add(1);
  const same = await again.result;
  assert.equal(same.ok ? 'ok' : same.error.code, 'storage');
  assert.ok(app.store.blobs.has(again.sha256), 'the file the first photo names stays');

  app.store.db.pragma('max_page_count = 4294967294');
  const retried = await add(refused.seed).result;
  assert.ok(retried.ok, JSON.stringify(retried));
  assert.deepEqual(files(), [...acknowledged, refused.sha256].sort());
  assert.equal(app.store.db.pragma('integrity_check', { simple: true }), 'ok');
});

test('ENOSPC from a real file write and the I/O errors of SQLite and the disk get their Italian message, logged in one line', () => {
  let enospc: unknown = null;
  const fd = openSync('/dev/full', 'w');
  try {
    writeSync(fd, Buffer.alloc(16));
  } catch (e) {
    enospc = e;
  } finally {
    closeSync(fd);
  }
  assert.equal((enospc as NodeJS.ErrnoException).code, 'ENOSPC');
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  assert.deepEqual(fromException(enospc, log), { code: 'storage', message: diskFaultOf(enospc)!.message });
  assert.match(diskFaultOf(enospc)!.message, /^Disco pieno: /);

  for (const code of ['SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR', 'EIO']) {
    const e = Object.assign(new Error('disk I/O error'), { code });
    const error = fromException(e, log);
    assert.equal(error.code, 'storage', code);
    assert.match(error.message, /^Errore di scrittura sul disco: i dati non sono stati salvati\./, code);
  }
  for (const code of ['SQLITE_IOERR_NOMEM', 'SQLITE_BUSY', 'ENOENT']) {
    assert.equal(diskFaultOf(Object.assign(new Error(code), { code })), null, `${code} is not a disk fault`);
  }
  assert.equal(logged.length, 5);
  for (const line of logged) assert.match(line, /^vigilanza: scrittura rifiutata dal disco \([A-Z_]+\): [^\n]+$/);
});
