/**
 * What a signed act shows (issue 11): the place and the start and end time of the visit in the
 * Scheda's heading of the PDF report, «Luogo: …» and «Ora: dalle 09:30 alle 12:15», or only what is
 * known, nothing when neither. Built by pdfmake from an inspection file, and through the app
 * (update → seal → report.get), read back by Debian's pdftotext.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { contentHash } from '../../shared/canonical.ts';
import type { InspectionFile } from '../../shared/inspection.ts';
import { fixedClock } from '../../host/clock.ts';
import { openApp } from '../../host/app.ts';
import { SERVICE } from '../unit/db-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigilanza-report-visit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PLACE = 'Sede del servizio, via Roma 1, Bagno a Ripoli';

/** The first page's text (the Scheda's heading), whitespace folded. */
function firstPage(name: string, pdf: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

async function headingOf(name: string, visit: Partial<InspectionFile['visit']>): Promise<string> {
  const input = sampleReportInput();
  input.file = { ...input.file, visit: { ...input.file.visit, ...visit } };
  input.contentHash = contentHash(input.file);
  return firstPage(name, await buildReport({ ...input, createdAt: new Date('2026-03-10T10:00:00Z') }));
}

test('the heading shows the place and «dalle … alle …», between the date and the service table', async () => {
  const text = await headingOf('both.pdf', { place: PLACE, startTime: '09:30', endTime: '12:15' });
  assert.ok(text.includes(`Luogo: ${PLACE}`), text.slice(0, 600));
  assert.ok(text.includes('Ora: dalle 09:30 alle 12:15'), text.slice(0, 600));
  const at = (needle: string) => text.indexOf(needle);
  assert.ok(at('SCHEDA DI OSSERVAZIONE PER:') < at('Luogo:') && at('Luogo:') < at('Ora:') && at('Ora:') < at('Denominazione servizio'));
});

test('only what is known: a start alone, an end alone, a place alone; nothing when neither', async () => {
  const start = await headingOf('start.pdf', { startTime: '09:30' });
  assert.ok(start.includes('Ora: dalle 09:30 '), start.slice(0, 600));
  assert.ok(!start.includes('Luogo:') && !start.includes('Ora: dalle 09:30 alle') && !start.includes('fino alle'));
  const end = await headingOf('end.pdf', { endTime: '12:15' });
  assert.ok(end.includes('Ora: fino alle 12:15'), end.slice(0, 600));
  const place = await headingOf('place.pdf', { place: PLACE });
  assert.ok(place.includes(`Luogo: ${PLACE}`));
  assert.ok(!place.includes('Ora:'));
  const none = await headingOf('none.pdf', {});
  assert.ok(!none.includes('Luogo:') && !none.includes('Ora:'), none.slice(0, 600));
});

test('through the app: what update stored is sealed and printed in the report the seal makes', async (t) => {
  const data = mkdtempSync(join(tmpdir(), 'vigilanza-report-visit-data-'));
  const app = openApp({ dataDir: data, shell: 'browser', clock: fixedClock('2026-03-10T10:00:00Z'), log: () => {} });
  t.after(() => {
    app.close();
    rmSync(data, { recursive: true, force: true });
  });
  const call = async <T = any>(method: string, input: unknown): Promise<T> => {
    const r = await app.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  const service = await call('services.create', SERVICE);
  const { id } = await call('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
  await call('inspections.update', { id, place: PLACE, startTime: '09:30', endTime: '12:15' });
  const sealed = await call('inspections.seal', { id, commissionReason: 'prova automatica: commissione non in esame' });
  assert.equal(sealed.report.produced, true);
  assert.deepEqual(
    [sealed.inspection.sealedFile.visit.place, sealed.inspection.sealedFile.visit.startTime, sealed.inspection.sealedFile.visit.endTime],
    [PLACE, '09:30', '12:15'],
  );
  const report = await call('report.get', { inspectionId: id });
  const text = firstPage('app.pdf', Buffer.from(report.pdfBase64, 'base64'));
  assert.ok(text.includes(`Luogo: ${PLACE}`), text.slice(0, 600));
  assert.ok(text.includes('Ora: dalle 09:30 alle 12:15'));
});
