/**
 * Sealing with the PDF report, through the API as the UI calls it: `POST /api/inspections.seal` to
 * the browser shell (in-process server, real SQLite with synchronous=FULL in a temp folder). Each
 * sample seals a fresh draft of a nido with every applicable item answered, the section B counts,
 * three handwritten signatures, 5 PNG photos 640×480 and a prescription.
 *   signed:   passphrase given → P12 opened, seal committed, PDF built, PAdES B-B, stored;
 *   unsigned: no key imported → seal committed, unsigned PDF built and stored;
 *   report.get: the current PDF (base64) with its signature verification, as «Verbale PDF» loads it.
 * Warm: one seal of each kind first (fonts, pdfmake, pkijs loaded), then median of N.
 * Run: node --import tsx bench/seal-report.bench.ts   (prints JSON)
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openApp } from '../host/app.ts';
import { startShellServer } from '../host/shell-server.ts';
import { applicableItems, getChecklist } from '../shared/checklist/index.ts';
import { samplePhoto } from '../report/testing/images.ts';
import { sampleSignature } from '../report/testing/fixtures.ts';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number) => Math.round(n * 10) / 10;

const { makeTestPki, P12_PASSPHRASE } = await import('../test/helpers/pki.ts');
const pki = makeTestPki();
const dir = mkdtempSync(join(tmpdir(), 'vigilanza-bench-seal-'));
const app = openApp({ dataDir: dir, shell: 'browser', log: () => {} });
const server = await startShellServer({ host: app, rendererDir: join(dir, 'no-renderer') });
try {
  const post = async (method: string, input: unknown): Promise<any> => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': server.token },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; value: any; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.value;
  };
  const service = await post('services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    address: 'Via Roma 41',
    referente: 'Coop. Il Cerchio',
    capacity: 40,
    kitchen: true,
    authorizationIssuedOn: '2024-10-15',
    accreditationIssuedOn: '2023-05-02',
  });
  const members = [
    await post('members.create', { name: 'Chiara Fantoni', role: 'Pedagogista zonale' }),
    await post('members.create', { name: 'Marco Bellini', role: 'Referente tecnico Comune di Bagno a Ripoli' }),
  ];
  const staff = await post('staff.save', {
    serviceId: service.id,
    name: 'Sara Lotti',
    role: 'educatore',
    title: 'L19',
    trainings: [{ course: 'first_aid', hours: 12, completedOn: '2025-01-10' }],
  });
  const items = applicableItems(getChecklist('zona-fse@1')!, { type: 'nido', purpose: 'verifica_periodica' });
  const photos = [1, 2, 3, 4, 5].map((i) => samplePhoto(i, 640, 480).toString('base64'));
  const signatures = [
    sampleSignature('referente_comune', 'Marco Bellini', 1),
    sampleSignature('pedagogista', 'Chiara Fantoni', 2),
    sampleSignature('referente_servizio', 'Giulia Mariani', 3),
  ];

  async function draft(): Promise<string> {
    const i = await post('inspections.create', {
      serviceId: service.id,
      purpose: 'verifica_periodica',
      date: '2026-03-10',
      memberIds: members.map((m) => m.id),
    });
    await post('inspections.update', { id: i.id, staffIds: [staff.id] });
    for (const [n, item] of items.entries()) {
      const value =
        item.kind === 'yesno' ? (n === 3 ? 'no' : 'yes') : item.kind === 'count' ? 2 : item.kind === 'date' ? '2025-09-01' : 'annotazione';
      await post('inspections.saveAnswer', { inspectionId: i.id, itemId: item.id, value });
    }
    await post('inspections.saveCounts', {
      inspectionId: i.id,
      children: [
        { band: '0-11', enrolled: 6, present: 5 },
        { band: '12-23', enrolled: 14, present: 12 },
        { band: '24-36', enrolled: 20, present: 18 },
      ],
      staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 2 } },
    });
    for (const [n, p] of photos.entries())
      await post('photos.add', { inspectionId: i.id, itemId: null, mime: 'image/png', dataBase64: p, caption: `Foto ${n + 1}` });
    await post('prescriptions.save', {
      inspectionId: i.id,
      rule: items[3]!.id,
      text: 'Adeguare entro la scadenza',
      deadline: '2026-06-30',
    });
    return i.id;
  }

  async function timeSeal(passphrase?: string): Promise<{ ms: number; id: string; bytes: number }> {
    const id = await draft();
    const t = performance.now();
    const r = await post('inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id,
      signatures,
      ...(passphrase ? { passphrase } : {}),
    });
    const ms = performance.now() - t;
    if (!r.report?.produced || r.report.signed !== Boolean(passphrase))
      throw new Error(`report not as expected: ${JSON.stringify(r.report)}`);
    return { ms, id, bytes: app.store.attachments.reports(id)[0]!.size };
  }

  const N = Number(process.env.BENCH_N ?? 9);
  const firstUnsigned = await timeSeal();
  const unsigned: number[] = [];
  for (let i = 0; i < N; i++) unsigned.push((await timeSeal()).ms);

  await post('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
  const firstSigned = await timeSeal(P12_PASSPHRASE);
  const signed: number[] = [];
  const gets: number[] = [];
  let size = 0;
  for (let i = 0; i < N; i++) {
    const s = await timeSeal(P12_PASSPHRASE);
    signed.push(s.ms);
    size = s.bytes;
    const t = performance.now();
    await post('report.get', { inspectionId: s.id });
    gets.push(performance.now() - t);
  }
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} × ${cpus()[0]?.model}`,
        loadavg: loadavg().map(round),
        items: items.length,
        photos: photos.length,
        samples: N,
        firstSealUnsignedMs: round(firstUnsigned.ms),
        warmSealUnsignedMedianMs: round(median(unsigned)),
        firstSealSignedAfterImportMs: round(firstSigned.ms),
        warmSealSignedMedianMs: round(median(signed)),
        warmSealSignedMaxMs: round(Math.max(...signed)),
        reportGetMedianMs: round(median(gets)),
        signedPdfBytes: size,
      },
      null,
      2,
    ),
  );
} finally {
  await server.close();
  app.close();
  rmSync(dir, { recursive: true, force: true });
  pki.cleanup();
}
