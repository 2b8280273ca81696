/**
 * Autosave while sealing: `inspections.saveAnswer` p95 over HTTP while signed seals (PDF report,
 * 5 photos, PAdES) run back to back on other inspections, as a ratio to the same saves with
 * nothing else running. Target ratio ≤ 2. Two server modes, each in its own process so the
 * client's clock never shares a thread with the host:
 *   in-process: openApp on the shell server's thread (how `vigilanza serve` ran before host/worker);
 *   worker:     the host in its worker thread (`vigilanza serve` today).
 * Usage: node --import tsx bench/seal-autosave.bench.ts [seals]   (prints JSON per mode)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellCaller } from './shell-call.ts';
import type { SubscribeEvents } from '../host/app.ts';
import type { HostApi } from '../host/handlers.ts';
import { applicableItems, getChecklist } from '../shared/checklist/index.ts';
import { samplePhoto } from '../report/testing/images.ts';
import { sampleSignature } from '../report/testing/fixtures.ts';

const TARGET_RATIO = 2;
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') {
  // Child: the shell server in the asked mode; prints "PORT TOKEN" and serves until SIGTERM.
  const mode = process.argv[3] as 'in-process' | 'worker';
  const dataDir = process.argv[4]!;
  const { startShellServer } = await import('../host/shell-server.ts');
  let host: Pick<HostApi, 'call'> & { subscribe: SubscribeEvents; close(): Promise<void> };
  if (mode === 'worker') {
    host = await (await import('../host/worker/index.ts')).startHostWorker({ dataDir });
  } else {
    const app = (await import('../host/app.ts')).openApp({ dataDir, shell: 'browser', log: () => {} });
    host = { call: (method, input) => app.call(method, input), subscribe: app.subscribe, close: async () => app.close() };
  }
  const server = await startShellServer({ host, rendererDir: join(dataDir, 'no-renderer') });
  process.stdout.write(`${server.port} ${server.token}\n`);
  process.once(
    'SIGTERM',
    () =>
      void server
        .close()
        .then(() => host.close())
        .then(() => process.exit(0)),
  );
} else {
  const seals = Number(process.argv[2] ?? 4);
  const results = [];
  for (const mode of ['in-process', 'worker'] as const) results.push(await measure(mode, seals));
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} × ${cpus()[0]?.model}`,
        loadavg: loadavg().map((n) => Math.round(n * 10) / 10),
        targetRatio: TARGET_RATIO,
        results,
      },
      null,
      2,
    ),
  );
}

async function measure(mode: 'in-process' | 'worker', seals: number) {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-bench-seal-autosave-'));
  const { makeTestPki, P12_PASSPHRASE } = await import('../test/helpers/pki.ts');
  const pki = makeTestPki();
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve', mode, data], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [port, token] = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c;
        if (out.includes('\n')) resolve(out.split('\n')[0]!.split(' '));
      });
      child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
    });
    // Two connections, like a page with an autosave and a seal in flight at once.
    const call = shellCaller(Number(port), token!, 4);

    await call('signing.importP12', { p12Base64: pki.signerP12.toString('base64'), passphrase: P12_PASSPHRASE });
    const service = await call('services.create', {
      name: 'Nido Il Girasole',
      type: 'nido',
      comune: 'Bagno a Ripoli',
      capacity: 40,
      kitchen: true,
    });
    const items = applicableItems(getChecklist('zona-fse@1')!, { type: 'nido', purpose: 'verifica_periodica' });
    const photos = [1, 2, 3, 4, 5].map((i) => samplePhoto(i, 640, 480).toString('base64'));
    const signatures = [
      sampleSignature('referente_comune', 'Marco Bellini', 1),
      sampleSignature('pedagogista', 'Chiara Fantoni', 2),
      sampleSignature('referente_servizio', 'Giulia Mariani', 3),
    ];
    const draft = async () => {
      const i = await call('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
      for (const [n, item] of items.entries()) {
        const value =
          item.kind === 'yesno'
            ? n === 3
              ? 'no'
              : 'yes'
            : item.kind === 'count'
              ? 2
              : item.kind === 'date'
                ? '2025-09-01'
                : 'annotazione';
        await call('inspections.saveAnswer', { inspectionId: i.id, itemId: item.id, value });
      }
      for (const [n, p] of photos.entries())
        await call('photos.add', { inspectionId: i.id, itemId: null, mime: 'image/png', dataBase64: p, caption: `Foto ${n + 1}` });
      return i.id as string;
    };
    // One warm seal (fonts, pdfmake, pkijs loaded), then the drafts to seal while measuring.
    await call('inspections.seal', {
      commissionReason: 'prova automatica: commissione non in esame',
      id: await draft(),
      signatures,
      passphrase: P12_PASSPHRASE,
    });
    const drafts: string[] = [];
    for (let i = 0; i < seals; i++) drafts.push(await draft());
    const typing = await call('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-11' });
    const yesno = items.filter((i) => i.kind === 'yesno').map((i) => i.id);
    let n = 0;
    const save = async () => {
      const t0 = performance.now();
      await call('inspections.saveAnswer', { inspectionId: typing.id, itemId: yesno[n % yesno.length], value: n++ % 3 ? 'yes' : 'no' });
      return performance.now() - t0;
    };

    const alone: number[] = [];
    for (let i = 0; i < 300; i++) alone.push(await save());

    const during: number[] = [];
    const sealMs: number[] = [];
    let sealing = true;
    const sealer = (async () => {
      for (const id of drafts) {
        const t0 = performance.now();
        const r = await call('inspections.seal', {
          commissionReason: 'prova automatica: commissione non in esame',
          id,
          signatures,
          passphrase: P12_PASSPHRASE,
        });
        if (!r.report?.signed) throw new Error('seal without a signed report');
        sealMs.push(performance.now() - t0);
      }
      sealing = false;
    })();
    while (sealing) during.push(await save());
    await sealer;
    const p95Alone = pct(alone, 95);
    const p95During = pct(during, 95);
    return {
      mode,
      seals,
      sealMedianMs: pct(sealMs, 50),
      alone: stats(alone),
      duringSeals: { ...stats(during), saves: during.length },
      p95Ratio: Math.round((p95During / p95Alone) * 10) / 10,
    };
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
    pki.cleanup();
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

function stats(xs: number[]) {
  return { p50Ms: pct(xs, 50), p95Ms: pct(xs, 95), maxMs: pct(xs, 100) };
}
