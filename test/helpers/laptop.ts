/**
 * A real laptop for sync tests: the host app on a data folder (real SQLite file, encrypted blobs),
 * with visits sealed through the host handlers, so what the sync loop reads is what the app writes.
 *
 * Seeding goes through `dispatch`, which seals without the PDF report (the report is made by `call`
 * only), and runs in ONE transaction per batch: hundreds of seals then cost one fsync, not hundreds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type HostApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { makePng } from './office-fixtures.ts';
import { P12_PASSPHRASE } from './pki.ts';

export const YESNO_ITEM = 'A.destinazione_uso.certificato';

export interface VisitSpec {
  serviceName: string;
  comune: string;
  date: string;
  answer: 'yes' | 'no';
  note: string;
  photos: Buffer[];
  prescription?: { text: string; deadline: string };
}

export interface SealedVisit {
  inspectionId: string;
  visitId: string;
  contentHash: string;
  photoShas: string[];
}

function value<T = any>(app: HostApp, method: string, input: unknown): T {
  const r = app.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** The value of a host answer (`app.call`'s), else an error naming what failed and why. */
export function ok<T = any>(r: { ok: boolean; value?: unknown; error?: { message: string } }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error?.message}`);
  return r.value as T;
}

/** Polls `probe` (every 50 ms) until it gives something truthy: the background sync's effects. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** «Nido Il Girasole» (Bagno a Ripoli, 40 places, kitchen, authorised 15/10/2024) created through `app.call`. */
export async function createGirasole(app: HostApp): Promise<{ id: string }> {
  return ok(
    await app.call('services.create', {
      name: 'Nido Il Girasole',
      type: 'nido',
      comune: 'Bagno a Ripoli',
      capacity: 40,
      kitchen: true,
      authorizationIssuedOn: '2024-10-15',
    }),
    'services.create',
  );
}

/**
 * A visit to `serviceId` on `date` sealed through `app.call` with the report signed by the laptop's
 * PKCS#12 key (imported with `P12_PASSPHRASE`), the commission not examined.
 */
export async function sealSignedVisit(
  app: HostApp,
  serviceId: string,
  date: string,
): Promise<{ id: string; visitId: string; level: string | null }> {
  const d = ok(await app.call('inspections.create', { serviceId, purpose: 'verifica_periodica', date }), 'create');
  ok(await app.call('inspections.saveAnswer', { inspectionId: d.id, itemId: YESNO_ITEM, value: 'yes' }), 'answer');
  const sealed = ok(
    await app.call('inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id: d.id,
      signatures: [],
      passphrase: P12_PASSPHRASE,
    }),
    'seal',
  );
  assert.equal(sealed.report?.signed, true, sealed.report?.warning ?? '');
  return { id: d.id, visitId: sealed.inspection.visitId, level: sealed.report.level };
}

/** A laptop folder in the temp dir; `remove()` deletes it (after `close()`). */
export function laptopDir(prefix = 'vigilanza-laptop-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The host app on `dir`, the loop not started, "today" pinned so that seals are reproducible. */
export function openLaptop(dir: string, today = '2026-03-10'): HostApp {
  return openApp({ dataDir: dir, shell: 'browser', clock: fixedClock(`${today}T10:00:00Z`), log: () => {} });
}

/** Pairs the laptop's store with an office (a token already issued), as `sync.pair` would. */
export function pairLaptop(app: HostApp, officeUrl: string, token: string, inspectorName: string): void {
  app.store.outbox.savePairing({ officeUrl, token, inspectorId: `ispettore-${inspectorName}`, inspectorName });
}

/** Seals `visits` in one transaction; services are created once per name and Comune. */
export function sealVisits(app: HostApp, visits: VisitSpec[]): SealedVisit[] {
  return app.store.transaction(() => {
    const services = new Map<string, string>();
    for (const s of value<Array<{ id: string; name: string; comune: string }>>(app, 'services.list', {}))
      services.set(`${s.name}|${s.comune}`, s.id);
    return visits.map((v) => {
      const key = `${v.serviceName}|${v.comune}`;
      let serviceId = services.get(key);
      if (!serviceId) {
        serviceId = value<{ id: string }>(app, 'services.create', {
          name: v.serviceName,
          type: 'nido',
          comune: v.comune,
          capacity: 40,
          kitchen: true,
          authorizationIssuedOn: '2024-10-15',
        }).id;
        services.set(key, serviceId);
      }
      const draft = value<{ id: string }>(app, 'inspections.create', { serviceId, purpose: 'verifica_periodica', date: v.date });
      value(app, 'inspections.saveAnswer', { inspectionId: draft.id, itemId: YESNO_ITEM, value: v.answer, note: v.note });
      for (const bytes of v.photos)
        value(app, 'photos.add', { inspectionId: draft.id, itemId: null, mime: 'image/png', dataBase64: bytes.toString('base64') });
      if (v.prescription) value(app, 'prescriptions.save', { inspectionId: draft.id, rule: YESNO_ITEM, ...v.prescription });
      const sealed = value<{ contentHash: string; inspection: { visitId: string } }>(app, 'inspections.seal', {
        commissionReason: 'prova automatica: commissione non in esame',
        id: draft.id,
        signatures: [],
      });
      // The laptop's own order (photos added within one clock tick are ordered by id, not by insertion).
      const photoShas = app.store.photos.listByInspection(draft.id).map((p) => p.sha256);
      return { inspectionId: draft.id, visitId: sealed.inspection.visitId, contentHash: sealed.contentHash, photoShas };
    });
  });
}

/**
 * A laptop on a fresh temp folder with `count` sealed visits (one photo each unless told), closed
 * and removed after the test: the seeded store the sync-loop tests run on.
 */
export function seededLaptop(
  t: { after(fn: () => void): void },
  count: number,
  options: { photos?: number; paired?: boolean } = {},
): { app: HostApp; visits: SealedVisit[] } {
  const folder = laptopDir();
  const app = openLaptop(folder.dir);
  t.after(() => {
    app.close();
    folder.remove();
  });
  if (options.paired ?? true) pairLaptop(app, 'http://127.0.0.1:9', 'token-di-prova-del-dispositivo-123456', 'Maria Rossi');
  const photos = options.photos ?? 1;
  const visits = sealVisits(
    app,
    Array.from({ length: count }, (_, i) => ({
      serviceName: `Nido Prova ${i}`,
      comune: 'Bagno a Ripoli',
      date: `2026-03-0${1 + (i % 9)}`,
      answer: i % 2 ? 'yes' : 'no',
      note: `visita ${i}`,
      photos: Array.from({ length: photos }, (_, k) => makePng(i * 10 + k, 16)),
    })),
  );
  return { app, visits };
}
