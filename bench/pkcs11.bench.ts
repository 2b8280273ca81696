/**
 * Signing on a token against signing with the PKCS#12, warm, on the same unsigned report (the
 * sample inspection without photos): the seal's signing step only, as the app does it each time.
 *   p12:   loadP12 (the passphrase opens the file) + signPdfWith;
 *   token: withTokenSigner (load the module, C_Initialize, find the token and certificate, login,
 *          C_Sign, logout, C_Finalize) + signPdfWith, on a SoftHSM2 token made here (RSA 2048, EC P-256).
 * Run: node --import tsx bench/pkcs11.bench.ts   (prints JSON)
 */
import { performance } from 'node:perf_hooks';
import { buildReport, loadP12, signPdfWith } from '../report/index.ts';
import { withTokenSigner } from '../report/pkcs11.ts';
import { sampleReportInput } from '../report/testing/fixtures.ts';

const { makeTestPki, P12_PASSPHRASE } = await import('../test/helpers/pki.ts');
const { makeSoftHsmToken } = await import('../test/helpers/softhsm.ts');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number) => Math.round(n * 10) / 10;

const pki = makeTestPki();
try {
  const token = makeSoftHsmToken(pki);
  process.env.SOFTHSM2_CONF = token.conf;
  const pdf = await buildReport(sampleReportInput());
  const N = Number(process.env.BENCH_N ?? 15);
  const runs: Record<string, () => Promise<unknown>> = {
    p12: async () => signPdfWith(pdf, await loadP12(pki.signerP12, P12_PASSPHRASE)),
    tokenRsa: () => withTokenSigner({ modulePath: token.module, key: token.rsaKey, pin: token.pin }, (s) => signPdfWith(pdf, s)),
    tokenEc: () => withTokenSigner({ modulePath: token.module, key: token.ecKey, pin: token.pin }, (s) => signPdfWith(pdf, s)),
  };
  const ms: Record<string, number> = {};
  for (const [name, run] of Object.entries(runs)) {
    await run(); // warm-up: module loaded, pkijs and the addon in memory
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
      {
        bench: 'pkcs11',
        n: N,
        signMedianMs: ms,
        ratioToP12: { tokenRsa: round(ms.tokenRsa! / ms.p12!), tokenEc: round(ms.tokenEc! / ms.p12!) },
      },
      null,
      2,
    ),
  );
} finally {
  pki.cleanup();
}
