/**
 * Desktop UI: time to render the fullest section of the Scheda (F for a nido: ~45 items, each with
 * its sì/no/n.a. group, note and photo input) in Debian Chromium, through the built UI served by
 * the real browser shell. One run = click on the section in the navigator → the items are in the
 * DOM and the next frame has been laid out and painted. Median of several runs, printed as JSON.
 *   node --import tsx bench/render-section.bench.ts [--runs N]
 */
import { cpus } from 'node:os';
import { applicableItems, getChecklist } from '../shared/checklist/index.ts';
import { ensureRendererBuilt, launchChromium, openPage, startShell } from '../test/helpers/ui-shell.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;
const WARMUP = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const round = (x: number) => Math.round(x * 10) / 10;

await ensureRendererBuilt();
const shell = await startShell({ demo: true });
const browser = await launchChromium();
try {
  const { page, problems } = await openPage(browser, shell.url);
  await page.getByRole('heading', { name: 'Servizi educativi' }).waitFor();
  // A fresh nido visit, created through the same HTTP API the page uses.
  const token = decodeURIComponent(new URL(shell.url).hash.replace(/^#token=/, ''));
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await fetch(`${shell.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Vigilanza-Token': token },
      body: JSON.stringify(input),
    });
    const body = (await r.json()) as { ok: boolean; value: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.value;
  };
  const services = await call<Array<{ id: string; accreditationIssuedOn: string | null }>>('services.list', { type: 'nido' });
  const nido = services.find((s) => s.accreditationIssuedOn) ?? services[0]!;
  const info = await call<{ today: string }>('app.info', {});
  const { id } = await call<{ id: string }>('inspections.create', {
    serviceId: nido.id,
    purpose: 'verifica_periodica',
    date: info.today,
    memberIds: [],
  });
  await page.goto(`${shell.origin}/#/ispezioni/${encodeURIComponent(id)}`);
  await page.locator('.navigatore [data-tab="F"]').waitFor();
  const checklist = getChecklist('zona-fse@1')!;
  const expected = applicableItems(checklist, { type: 'nido', purpose: 'verifica_periodica' }).filter((i) => i.section === 'F').length;

  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    await page.locator('.navigatore [data-tab="visita"]').click();
    await page.locator('#tab-heading-visita').waitFor();
    const r = await page.evaluate(async () => {
      const button = document.querySelector<HTMLButtonElement>('.navigatore [data-tab="F"]')!;
      const t0 = performance.now();
      button.click();
      // React renders a click synchronously; wait for the frame that shows it.
      await new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      return { ms: performance.now() - t0, items: document.querySelectorAll('.scheda [data-item]').length };
    });
    if (r.items !== expected) throw new Error(`sezione F: ${r.items} voci nel DOM, attese ${expected}`);
    if (i >= WARMUP) samples.push(r.ms);
  }
  if (problems.length) throw new Error(`errori nella pagina: ${problems.join('; ')}`);
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        bench: 'render-section',
        section: 'F',
        serviceType: 'nido',
        items: expected,
        runs: RUNS,
        medianMs: round(median(samples)),
        minMs: round(sorted[0]!),
        p90Ms: round(sorted[Math.floor(sorted.length * 0.9)]!),
        maxMs: round(sorted[sorted.length - 1]!),
        viewport: '1366x768',
        browser: `Chromium ${browser.version()}`,
        machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await shell.stop();
}
