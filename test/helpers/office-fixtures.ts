/** Shared pieces of the office tests: inspection files, generated photos, a server per backend. */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash } from '../../shared/canonical.ts';
import { createOfficeServer, type OfficeOptions, type OfficeServer } from '../../office/server.ts';
import { newDeviceToken, sha256Text } from '../../office/security.ts';
import type { SyncClient } from '../../host/sync/client.ts';
import { seededRandom } from './chaos-proxy.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A valid inspection file; `i` varies the service and the answers. */
export function sampleFile(i: number, overrides: { note?: string; date?: string; serviceName?: string } = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    ruleSet: 'zona-fse@1',
    service: {
      name: overrides.serviceName ?? `Nido Prova ${i % 37}`,
      type: 'nido',
      capacity: 40,
      kitchen: true,
      comune: ['Bagno a Ripoli', 'Impruneta', 'Fiesole', 'Pontassieve'][i % 4],
      authorization: { issuedOn: '2024-10-15' },
    },
    visit: { date: overrides.date ?? `2026-0${1 + (i % 9)}-1${i % 10}`, purpose: 'verifica_periodica' },
    children: [
      { band: '0-11', enrolled: 5, present: 5 },
      { band: '12-23', enrolled: 14, present: 12 },
      { band: '24-36', enrolled: 21, present: 18 - (i % 3) },
    ],
    staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 1 } },
    answers: {
      'A.destinazione_uso.certificato': { value: i % 5 === 0 ? 'no' : 'yes', note: overrides.note ?? `visita ${i}` },
      'A.area_esterna.recintata_esclusiva': { value: 'yes' },
    },
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real PNG of seeded noise: `size`×`size` RGB, a few KB (noise does not compress). */
export function makePng(seed: number, size = 32): Buffer {
  const random = seededRandom(seed);
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 1; x < row.length; x++) row[x] = Math.floor(random() * 256);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small PDF-looking file (the office only stores and links it). */
export function makePdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`, 'latin1');
}

export function putBody(file: unknown, extra: Record<string, unknown> = {}) {
  return { file, contentHash: contentHash(file), ...extra };
}

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

let cluster: TestPostgres | null = null;
let databases = 0;

/** A fresh database URL (PostgreSQL cluster started once per test process), or undefined for SQLite. */
export async function databaseFor(backend: Backend): Promise<string | undefined> {
  if (backend === 'sqlite') return undefined;
  cluster ??= await startPostgres();
  return cluster.createDatabase(`office_${process.pid}_${++databases}`);
}

export function stopPostgres(): void {
  cluster?.stop();
  cluster = null;
}

export interface TestOffice {
  server: OfficeServer;
  url: string;
  dataDir: string;
  databaseUrl?: string;
  /** A device token for a new inspector. */
  token(name: string): Promise<string>;
  /** A new device (laptop) of the inspector `name` (made if new): its token and ids. */
  device(name: string, label?: string): Promise<{ token: string; deviceId: string; inspectorId: string }>;
  close(): Promise<void>;
}

export async function startOffice(backend: Backend, options: Partial<OfficeOptions> = {}): Promise<TestOffice> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigilanza-office-'));
  const databaseUrl = options.databaseUrl ?? (await databaseFor(backend));
  // Every answer of the sync API is checked against the wire protocol; close() fails on a mismatch.
  const server = await createOfficeServer({ validateResponses: true, ...options, dataDir, databaseUrl });
  const url = await server.listen(0);
  const device: TestOffice['device'] = async (name, label = 'test') => {
    const inspector = await server.store.createInspector(name);
    const token = newDeviceToken();
    const deviceId = await server.store.addDevice(inspector.id, sha256Text(token), label);
    return { token, deviceId, inspectorId: inspector.id };
  };
  return {
    server,
    url,
    dataDir,
    databaseUrl,
    async token(name) {
      return (await device(name)).token;
    },
    device,
    async close() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (server.responseViolations.length)
        throw new Error(`l'ufficio ha risposto fuori protocollo:\n${server.responseViolations.join('\n')}`);
    },
  };
}

/** Sends revision 1 of visit `id` (the sample file `i`) with `pdf` as its report; fails the test unless the office created it. */
export async function pushWithReport(client: SyncClient, id: string, i: number, pdf: Buffer): Promise<void> {
  const file = sampleFile(i);
  const r = await client.pushInspection({
    id,
    revision: 1,
    file,
    contentHash: contentHash(file),
    attachments: [{ sha256: sha256(pdf), kind: 'report', name: 'verbale.pdf', bytes: pdf }],
  });
  assert.equal(r.status, 'created', JSON.stringify(r));
}
