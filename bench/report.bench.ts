/**
 * Report benchmark: the sample inspection (every item answered, three handwritten signatures,
 * two prescriptions) with ten photos (five PNG made here, five JPEG rendered by pdftoppm), built
 * and signed with a PKCS#12 made by openssl.
 *   warm: median of N in-process build+sign (P12 opened each time, as `signPdf` does), and the
 *         same for an unsigned build;
 *   cold: a fresh `node` process running the CLI, bundled here with esbuild the way
 *         scripts/build.mjs bundles dist/cli (so no TypeScript compilation is timed), doing one
 *         `vigilanza report … --p12` on the same inputs; also without --p12, and bare `node`.
 * Run: node --import tsx bench/report.bench.ts   (prints JSON)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Signature } from '../shared/api/contract.ts';
import { performance } from 'node:perf_hooks';
import { buildReport, signPdf } from '../report/index.ts';
import { samplePhoto } from '../report/testing/images.ts';
import { sampleReportInput } from '../report/testing/fixtures.ts';
import type { ReportPhoto } from '../report/types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number) => Math.round(n * 10) / 10;

function loadPhotos(dir: string): ReportPhoto[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({
      caption: `Foto ${name}`,
      mime: name.endsWith('.png') ? ('image/png' as const) : ('image/jpeg' as const),
      bytes: new Uint8Array(readFileSync(join(dir, name))),
    }));
}

const { makeTestPki, P12_PASSPHRASE } = await import('../test/helpers/pki.ts');
const work = mkdtempSync(join(tmpdir(), 'vigilanza-bench-report-'));
const pki = makeTestPki();
try {
  const photosDir = join(work, 'photos');
  execFileSync('mkdir', ['-p', photosDir]);
  for (let i = 0; i < 5; i++) writeFileSync(join(photosDir, `${i * 2 + 1}.png`), samplePhoto(i + 1, 640, 480));
  // JPEGs: pages of an unsigned report rendered by poppler, i.e. real DCT-compressed pictures.
  const seedPdf = join(work, 'seed.pdf');
  writeFileSync(seedPdf, await buildReport(sampleReportInput()));
  for (let i = 0; i < 5; i++)
    execFileSync('pdftoppm', [
      '-jpeg',
      '-r',
      '72',
      '-f',
      String(i + 2),
      '-l',
      String(i + 2),
      '-singlefile',
      seedPdf,
      join(photosDir, `${i * 2 + 2}`),
    ]);
  const photos = loadPhotos(photosDir);
  const photoBytes = photos.reduce((n, p) => n + p.bytes.length, 0);

  const N = Number(process.env.BENCH_N ?? 15);
  const unsignedMs: number[] = [];
  const signedMs: number[] = [];
  const signOnlyMs: number[] = [];
  let pages = 0;
  let signedBytes = 0;
  // Warm-up: fonts, pdfkit, pkijs and forge loaded once, as in a running app.
  await signPdf(await buildReport(sampleReportInput({ photos })), { p12: pki.signerP12, passphrase: P12_PASSPHRASE });
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    await buildReport(sampleReportInput({ photos }));
    unsignedMs.push(performance.now() - t);
    t = performance.now();
    const pdf = await buildReport(sampleReportInput({ photos, digitallySigned: true }));
    const t1 = performance.now();
    const signed = await signPdf(pdf, { p12: pki.signerP12, passphrase: P12_PASSPHRASE });
    const t2 = performance.now();
    signedMs.push(t2 - t);
    signOnlyMs.push(t2 - t1);
    signedBytes = signed.length;
    if (!pages) {
      const path = join(work, 'signed.pdf');
      writeFileSync(path, signed);
      pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))![1]);
    }
  }

  // The CLI bundle, built like dist/cli but into node_modules/.cache so a shared dist/ is not touched.
  const bundleDir = join(ROOT, 'node_modules', '.cache', 'vigilanza-bench-report');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  await build({
    entryPoints: { entry: join(ROOT, 'bin/cli/entry.ts') },
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((d) => d !== 'zod'),
    minify: true,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __vigilanzaRequire } from 'node:module'; const require = __vigilanzaRequire(import.meta.url);",
    },
  });
  const sample = sampleReportInput();
  const inspectionPath = join(work, 'ispezione.json');
  writeFileSync(inspectionPath, JSON.stringify(sample.file));
  const signaturesPath = join(work, 'firme.json');
  writeFileSync(signaturesPath, JSON.stringify(sample.signatures!.map((sig) => Signature.parse(sig))));
  const prescriptionsPath = join(work, 'prescrizioni.json');
  writeFileSync(prescriptionsPath, JSON.stringify(sample.prescriptions));

  const COLD = Number(process.env.BENCH_COLD ?? 5);
  const cold = (args: string[]) => {
    const walls: number[] = [];
    for (let i = 0; i < COLD; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, VIGILANZA_P12_PASSPHRASE: P12_PASSPHRASE } });
      walls.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`cold run failed (${args.join(' ')}): ${r.stderr}`);
    }
    return round(median(walls));
  };
  const cli = (out: string, extra: string[]) => [
    join(bundleDir, 'entry.mjs'),
    'report',
    inspectionPath,
    '--out',
    join(work, out),
    '--photos',
    photosDir,
    '--signatures',
    signaturesPath,
    '--prescriptions',
    prescriptionsPath,
    ...extra,
  ];
  const coldSigned = cold(cli('cold-signed.pdf', ['--p12', pki.signerP12Path]));
  const coldUnsigned = cold(cli('cold-unsigned.pdf', []));
  const bareNode = cold(['-e', '0']);
  const coldPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(work, 'cold-signed.pdf')], { encoding: 'utf8' }))![1]);
  rmSync(bundleDir, { recursive: true, force: true });

  const result = {
    bench: 'report',
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    document: { pages, photos: photos.length, photoBytes, signedPdfBytes: signedBytes },
    warm: {
      runs: N,
      buildAndSignMedianMs: round(median(signedMs)),
      unsignedBuildMedianMs: round(median(unsignedMs)),
      signOnlyMedianMs: round(median(signOnlyMs)),
      ratioSignedToUnsigned: Math.round((median(signedMs) / median(unsignedMs)) * 100) / 100,
      targetMs: 500,
      withinTarget: median(signedMs) <= 500,
    },
    cold: {
      runs: COLD,
      how: 'fresh node process running the esbuild-bundled CLI: vigilanza report FILE --photos --signatures --prescriptions [--p12]',
      pages: coldPages,
      buildAndSignMedianMs: coldSigned,
      unsignedBuildMedianMs: coldUnsigned,
      bareNodeMedianMs: bareNode,
      ratioSignedToUnsigned: Math.round((coldSigned / coldUnsigned) * 100) / 100,
      targetMs: 1500,
      withinTarget: coldSigned <= 1500,
    },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  pki.cleanup();
  rmSync(work, { recursive: true, force: true });
}
