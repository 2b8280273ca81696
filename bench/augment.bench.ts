/**
 * Augmentation to PAdES B-LTA on loopback against the seal's own signing step, warm, on the same
 * report (the sample inspection with 3 photos), signed B-T by the same PKCS#12 through the same TSA:
 *   sign:    loadP12 + signPdfWith with the loopback TSA (what a seal does);
 *   augment: augmentPdf on that signed PDF: revocation data for signer and TSA from OpenSSL's OCSP
 *            responder on loopback, the DSS, then a document timestamp from the same TSA.
 * The ratio is what augmenting costs next to signing; the network here is loopback, so a real
 * responder and TSA add their round trips (hundreds of ms each).
 * Run: node --import tsx bench/augment.bench.ts   (prints JSON)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { augmentPdf } from '../report/augment.ts';
import { buildReport, loadP12, signPdfWith } from '../report/index.ts';
import { sampleReportInput } from '../report/testing/fixtures.ts';

const { makeRevocationPki } = await import('../test/helpers/revocation-pki.ts');
const { startTestTsa } = await import('../test/helpers/tsa.ts');
const { P12_PASSPHRASE } = await import('../test/helpers/pki.ts');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number) => Math.round(n * 10) / 10;

const pki = await makeRevocationPki();
const tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
try {
  const unsigned = await buildReport(sampleReportInput({ photos: 3 }));
  const sign = async () => (await signPdfWith(unsigned, await loadP12(pki.signer.p12, P12_PASSPHRASE), { tsaUrl: tsa.url })).pdf;
  const signed = await sign();
  const N = Number(process.env.BENCH_N ?? 10);
  const runs: Record<'sign' | 'augment', () => Promise<unknown>> = {
    sign,
    augment: async () => {
      const r = await augmentPdf(signed, { tsaUrl: tsa.url });
      if (r.level !== 'B-LTA') throw new Error(`not augmented to B-LTA: ${r.level}`);
    },
  };
  const ms = {} as Record<keyof typeof runs, number>;
  for (const [name, run] of Object.entries(runs) as [keyof typeof runs, () => Promise<unknown>][]) {
    await run(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    ms[name] = round(median(times));
  }
  console.log(
    JSON.stringify(
      { bench: 'augment', n: N, medianMs: ms, augmentToSign: round(ms.augment / ms.sign), sizes: { signed: signed.length } },
      null,
      2,
    ),
  );
} finally {
  await tsa.close();
  await pki.close();
}
