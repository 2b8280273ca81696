/**
 * The words of a territory's record come from its data (issue 12): the PDF's form title and running
 * header (`reportHeading.documentTitle`) and the roles «Commissione» suggests (`memberRoles`). The
 * Zona keeps its own, the Città di Lucca gets none of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { reportDefinition } from '../../report/document.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import type { InspectionFile } from '../../shared/inspection.ts';

/** The running header of page 2 and every text of the document, as pdfmake would lay them out. */
function words(file: InspectionFile): { header: string; all: string } {
  const input = { ...sampleReportInput(), file, signatures: [] };
  const doc = reportDefinition(input);
  const header = JSON.stringify((doc.header as (page: number, count: number, size: unknown) => unknown)(2, 3, {}));
  return { header, all: JSON.stringify(doc.content) };
}

test("the Zona's record is still a «Scheda di osservazione», in the form title and the running header", () => {
  const { header, all } = words(sampleReportInput().file);
  assert.match(header, /Scheda di osservazione – /);
  assert.match(all, /SCHEDA DI OSSERVAZIONE PER:/);
});

test("Lucca's record is named by its territory: «Verbale di ispezione», never the Zona's Scheda", () => {
  const example = JSON.parse(readFileSync(new URL('../../resources/examples/lucca-nido.json', import.meta.url), 'utf8')) as InspectionFile;
  const { header, all } = words(example);
  assert.match(header, /Verbale di ispezione – /);
  assert.match(all, /VERBALE DI ISPEZIONE PER:/);
  assert.doesNotMatch(header + all, /Scheda di osservazione|SCHEDA DI OSSERVAZIONE/);
});

test("«Commissione» suggests the territory's roles: the Zona's commission, Lucca's Comune referent only", () => {
  assert.deepEqual(getTerritory('zona-fse')!.memberRoles, [
    'Pedagogista zonale',
    'Referente tecnico del Comune sede del servizio',
    'Referente tecnico di altro Comune della Zona',
    'Referente ASL',
  ]);
  const lucca = getTerritory('lucca')!.memberRoles;
  assert.deepEqual(lucca, ['Referente del Comune']);
  assert.ok(!lucca.some((r) => /zonal|Zona|ASL/.test(r)), 'nothing of the Zona in Lucca');
});
