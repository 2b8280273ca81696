import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applicableItems, displayText, getChecklist } from '../../shared/checklist/index.ts';
import { reportDefinition } from '../../report/document.ts';
import { ReportInputError, type ReportInput } from '../../report/types.ts';
import { sampleInspection, sampleReportInput } from '../../report/testing/fixtures.ts';
import { contentHash } from '../../shared/canonical.ts';

/** All the text a document definition would print (content, header and footer of page 2 of 5). */
function printed(input: ReportInput): string {
  const doc = reportDefinition(input) as unknown as {
    content: unknown;
    footer: (p: number, n: number) => unknown;
    header: (p: number) => unknown;
  };
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'image' && k !== 'style') walk(x);
  };
  walk(doc.content);
  walk(doc.footer(2, 5));
  walk(doc.header(2));
  return strings.join('\n');
}

test('every applicable item of the Scheda is printed, and items excluded for the service type are not', () => {
  const input = sampleReportInput();
  const text = printed(input);
  const checklist = getChecklist('zona-fse@1')!;
  const items = applicableItems(checklist, { type: 'nido', purpose: 'verifica_periodica' });
  assert.ok(items.length > 60);
  for (const item of items) assert.ok(text.includes(displayText(item.text)), item.id);

  const dom = sampleInspection();
  dom.service = { ...dom.service, type: 'domiciliare', capacity: 5 };
  dom.children = [{ band: '0-36', enrolled: 5, present: 4 }];
  dom.staffCounts = { educators: { planned: 1, present: 1 } };
  const domText = printed({ ...input, file: dom, contentHash: contentHash(dom) });
  assert.ok(!domText.includes("Presenza di idoneo certificato di destinazione d'uso"), 'A.destinazione_uso excludes domiciliare');
  assert.ok(domText.includes('Cucina/Sporzionamento'));
  assert.ok(domText.includes('La Scheda non fissa un rapporto numerico'));
});

test('the accreditation table is left out of an authorisation visit', () => {
  const file = sampleInspection();
  file.visit = { ...file.visit, purpose: 'autorizzazione' };
  const text = printed({ ...sampleReportInput(), file, contentHash: contentHash(file) });
  assert.ok(!text.includes("REQUISITI PER L'ACCREDITAMENTO"));
  assert.ok(text.includes('☒  AUTORIZZAZIONE AL FUNZIONAMENTO'));
  assert.ok(text.includes('☐  VERIFICA PERIODICA DEL MANTENIMENTO DEI REQUISITI'));
});

test('page 1 says whether the document is digitally signed', () => {
  assert.match(printed(sampleReportInput({ digitallySigned: false })), /Documento non firmato digitalmente/);
  const signed = printed(sampleReportInput({ digitallySigned: true }));
  assert.match(signed, /Documento firmato digitalmente \(PAdES\)/);
  assert.doesNotMatch(signed, /non firmato/);
});

test('footer: page X of Y, inspection id, revision and content hash', () => {
  const input = sampleReportInput();
  const text = printed(input);
  assert.ok(text.includes('Pagina 2 di 5'));
  assert.ok(text.includes(`Ispezione ${input.inspectionId} · revisione 1`));
  assert.ok(text.includes(`Impronta del contenuto (SHA-256): ${input.contentHash}`));
});

test('section B prints found figures with the required ones and the findings with articles', () => {
  const text = printed(sampleReportInput());
  assert.ok(text.includes('  (necessari 5)'), 'educators planned on 80% of 42 enrolled');
  assert.ok(text.includes('Artt. 27 – 34 – 41 rapporto numerico fra educatori e bambini'));
  assert.ok(text.includes('DPGR 41/R/2013 artt. 27-34-41'));
  // The Esito column says «Non conforme»: the detail beside it does not say it again.
  assert.ok(text.includes('Protezione di tutte le prese elettriche — Due prese senza protezione'));
  assert.ok(!text.includes('Non conforme: '), 'no doubled outcome');
});

test('bad input is refused with a message naming the field', () => {
  const ok = sampleReportInput();
  const cases: Array<[Partial<ReportInput>, RegExp]> = [
    [{ contentHash: 'abc' }, /^contentHash:/],
    [{ inspectionId: ' ' }, /^inspectionId:/],
    [{ revision: 0 }, /^revision:/],
    [
      { photos: [{ caption: 'x', mime: 'image/png', bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }] },
      /^photos\[0\]: il file non è un'immagine PNG valida/,
    ],
    [
      { photos: [{ caption: 'x', mime: 'image/jpeg', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }] },
      /^photos\[0\]: il file non è un'immagine JPEG valida/,
    ],
    [{ prescriptions: [{ rule: 'x', text: 'y', deadline: '12/04/2025' }] }, /^prescriptions\[0\]\.deadline/],
    [{ file: { ...ok.file, ruleSet: 'altro@9' } }, /^ruleSet:/],
    [{ file: { ...ok.file, answers: { 'Z.nope': { value: 'yes' } } } }, /voce sconosciuta/],
  ];
  for (const [change, message] of cases)
    assert.throws(
      () => reportDefinition({ ...ok, ...change }),
      (e: Error) => e instanceof ReportInputError && message.test(e.message),
      String(message),
    );
});
