/**
 * An autosave is answered while a seal's report is being drawn: with the report thread
 * (host/worker/report-renderer.ts) the save made once drawing has started is answered before the
 * drawing ends. Ordering, not time: the same test with the report drawn on the host's own thread
 * (the old way) sees the save only after it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApp } from '../../host/app.ts';
import type { ReportRender } from '../../host/reports.ts';
import { startReportRenderer } from '../../host/worker/report-renderer.ts';
import { reportDefinition } from '../../report/document.ts';
import { renderPdf } from '../../report/pdfmake.ts';
import { samplePhoto } from '../../report/testing/images.ts';
import { sampleSignature } from '../../report/testing/fixtures.ts';
import { applicableItems, getChecklist } from '../../shared/checklist/index.ts';
import { tempDir } from '../unit/db-fixtures.ts';

async function order(t: import('node:test').TestContext, draw: ReportRender): Promise<string[]> {
  const events: string[] = [];
  let drawing!: () => void;
  const started = new Promise<void>((resolve) => (drawing = resolve));
  const app = openApp({
    dataDir: tempDir(t),
    shell: 'browser',
    log: () => {},
    renderReport: (input) => {
      drawing();
      return draw(input).finally(() => events.push('report drawn'));
    },
  });
  t.after(() => app.close());
  const ok = async (method: string, input: unknown): Promise<any> => {
    const r = await app.call(method, input);
    assert.ok(r.ok, `${method}: ${JSON.stringify(r)}`);
    return r.value;
  };
  const service = await ok('services.create', {
    name: 'Nido Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    capacity: 40,
    kitchen: true,
  });
  const sealing = await ok('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  const items = applicableItems(getChecklist('zona-fse@1')!, { type: 'nido', purpose: 'verifica_periodica' });
  for (const item of items) {
    const value = item.kind === 'yesno' ? 'yes' : item.kind === 'count' ? 2 : item.kind === 'date' ? '2025-09-01' : 'annotazione';
    await ok('inspections.saveAnswer', { inspectionId: sealing.id, itemId: item.id, value });
  }
  for (const n of [1, 2, 3])
    await ok('photos.add', {
      inspectionId: sealing.id,
      itemId: null,
      mime: 'image/png',
      dataBase64: samplePhoto(n, 640, 480).toString('base64'),
      caption: `Foto ${n}`,
    });
  const typing = await ok('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-11' });
  const yesno = items.find((i) => i.kind === 'yesno')!;

  const signatures = [
    sampleSignature('referente_comune', 'Marco Bellini', 1),
    sampleSignature('pedagogista', 'Chiara Fantoni', 2),
    sampleSignature('referente_servizio', 'Giulia Mariani', 3),
  ];
  const seal = ok('inspections.seal', { commissionReason: 'prova automatica: commissione non in esame', id: sealing.id, signatures }).then(
    (v) => {
      events.push('seal answered');
      return v;
    },
  );
  await started;
  // Queued as a new task, as an HTTP request or a worker message is: it runs when the thread is free.
  const save = new Promise((resolve) => setImmediate(resolve))
    .then(() => ok('inspections.saveAnswer', { inspectionId: typing.id, itemId: yesno.id, value: 'no' }))
    .then(() => events.push('save answered'));
  const [sealed] = await Promise.all([seal, save]);
  assert.equal(sealed.report.produced, true);
  return events;
}

test('a save made while the report thread draws a seal’s PDF is answered before the drawing ends', async (t) => {
  const renderer = startReportRenderer();
  t.after(() => renderer.close());
  assert.deepEqual(await order(t, (input) => renderer.render(input)), ['save answered', 'report drawn', 'seal answered']);
});

test('drawn on the host’s own thread, the same save waits for the drawing (what the report thread avoids)', async (t) => {
  // pdfmake's drawing alone: buildReport's later clean-up (pdfa-fixes.ts, pdf-lib) yields to the event
  // loop, but the drawing before it holds the thread for hundreds of ms.
  const events = await order(t, (input) => renderPdf(reportDefinition(input)));
  assert.ok(events.indexOf('save answered') > events.indexOf('report drawn'), events.join(' → '));
});
