/**
 * The Scheda di osservazione as data (checklist zona-fse@1): shape, completeness, fidelity to the
 * printed form in seed 004, applicability, JSON export, and a second territory as pure data.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SERVICE_TYPES } from '../../shared/domain.ts';
import { ZONA_FSE_1 } from '../../shared/rules/zona-fse-1.ts';
import {
  CHECKLISTS,
  Checklist,
  SECTION_IDS,
  ZONA_FSE_CHECKLIST_1,
  applicableItems,
  getChecklist,
  type ChecklistItem,
  type SectionId,
} from '../../shared/checklist/index.ts';

const checklist = ZONA_FSE_CHECKLIST_1;

// The handouts folder `shared` sits beside the repository (/work/main/../shared).
const SEED_URL = new URL('../../../shared/seeds/004_2c23949f5b5d0a8b.txt', import.meta.url);
/** The Scheda di osservazione, 1-based inclusive line range of the seed. */
const SCHEDA_LINES = { from: 524, to: 665 } as const;

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The Scheda's text as an inspector reads it: tags stripped, whitespace collapsed. */
function schedaText(): string {
  let raw: string;
  try {
    raw = readFileSync(SEED_URL, 'utf8');
  } catch (error) {
    // Deliberately a failure, not a skip: CI always has the seed, and without it fidelity is unchecked.
    assert.fail(`seed of the Scheda not found at ${fileURLToPath(SEED_URL)}: ${(error as Error).message}`);
  }
  const lines = raw.split(/\r?\n/).slice(SCHEDA_LINES.from - 1, SCHEDA_LINES.to);
  assert.ok(lines.join('\n').includes('Firma del Pedagogista Comunale'), 'seed lines 524–665 no longer hold the Scheda');
  return normalise(
    lines
      .join('\n')
      // Inline tags sit inside words and parentheses ("(<i>esclusi domiciliari</i>)"): drop them.
      .replace(/<\/?(?:i|u|b|em|strong)>/g, '')
      // Block tags separate texts: replace them with a space.
      .replace(/<[^>]*>/g, ' '),
  );
}

const EXPECTED_PER_SECTION: Record<SectionId, number> = { A: 4, B: 7, C: 7, D: 10, E: 6, F: 47, ACC: 8 };

/** Items the Scheda marks "esclusi domiciliari" or that fall under a printed domiciliare exclusion. */
const EXCLUDED_FOR_DOMICILIARE = [
  'A.destinazione_uso.certificato',
  'A.destinazione_uso.autonomia_altro_servizio',
  'A.area_esterna.recintata_esclusiva',
  'A.area_esterna.ambiente_educativo',
  'F.struttura.parcheggi_separati',
  'F.struttura.area_esterna_recintata',
  'F.struttura.area_verde_non_contigua',
  'F.spazi_interni.ingresso_filtro',
  'F.spazi_interni.servizi_generali',
  'F.spazi_interni.spazi_bambini',
  'F.spazi_interni.spazi_adulti',
].sort();

/** Lines whose printed wording asks for a text rather than a yes/no. */
const TEXT_ITEMS = [
  'B.titoli.difformita',
  'D.verbali.altro',
  'E.partecipazione.altre_modalita',
  'F.struttura.uso_orario_chiusura',
  'F.documentazione.difformita',
].sort();

const ids = (items: ChecklistItem[]): string[] => items.map((i) => i.id).sort();

test('the checklist parses with the schema; ids are unique and <SECTION>.<group>.<slug>', () => {
  assert.deepEqual(Checklist.parse(checklist), checklist);
  const seen = new Set<string>();
  for (const item of checklist.items) {
    assert.match(item.id, /^(A|B|C|D|E|F|ACC)\.[a-z0-9]+(?:_[a-z0-9]+)*\.[a-z0-9]+(?:_[a-z0-9]+)*$/, item.id);
    assert.ok(item.id.startsWith(`${item.section}.`), `${item.id} is not in section ${item.section}`);
    assert.ok(!seen.has(item.id), `duplicate id ${item.id}`);
    seen.add(item.id);
  }
  assert.equal(checklist.id, 'zona-fse');
  assert.equal(checklist.version, 1);
  assert.equal(checklist.title, 'Scheda di osservazione');
  assert.deepEqual(
    checklist.sections.map((s) => s.id),
    [...SECTION_IDS],
  );
});

test('the registry resolves zona-fse@1 (and lucca@1, the second territory) and nothing else', () => {
  assert.deepEqual([...CHECKLISTS.keys()], ['zona-fse@1', 'lucca@1']);
  assert.equal(getChecklist('zona-fse@1'), checklist);
  assert.equal(getChecklist('zona-fse@2'), undefined);
  assert.equal(getChecklist('constructor'), undefined);
});

test('item counts per section are exactly those of the Scheda', () => {
  const counts = Object.fromEntries(SECTION_IDS.map((s) => [s, checklist.items.filter((i) => i.section === s).length]));
  assert.deepEqual(counts, EXPECTED_PER_SECTION);
  assert.equal(checklist.items.length, 89);
  assert.deepEqual(ids(checklist.items.filter((i) => i.kind === 'text')), TEXT_ITEMS);
  assert.ok(
    checklist.items.every((i) => i.kind === 'yesno' || i.kind === 'text'),
    'the Scheda has only checkboxes and text lines',
  );
});

test('every item text is printed on the Scheda (seed 004, lines 524–665)', () => {
  const scheda = schedaText();
  const missing = checklist.items.filter((item) => !scheda.includes(normalise(item.text))).map((i) => `${i.id}: ${i.text}`);
  assert.deepEqual(missing, [], 'item texts not found verbatim in the Scheda');
  const c = checklist.sections.find((s) => s.id === 'C');
  for (const paragraph of c?.intro?.split('\n\n') ?? []) assert.ok(scheda.includes(normalise(paragraph)), `section C intro: ${paragraph}`);
  for (const s of checklist.sections) assert.ok(scheda.includes(s.requirementHeading), `heading of ${s.id}`);
  for (const sig of checklist.signatories) assert.ok(scheda.includes(sig.label), `signatory ${sig.id}`);
});

test('section fields: articles, purposes, multi-visit', () => {
  for (const item of checklist.items) {
    if (item.section === 'ACC') {
      assert.deepEqual(item.purposes, ['accreditamento', 'verifica_periodica'], item.id);
      assert.equal(item.article, 'DPGR 41/R/2013 art. 51 c.2-3', item.id);
    } else {
      assert.deepEqual(item.purposes, ['autorizzazione', 'accreditamento', 'verifica_periodica'], item.id);
    }
    assert.equal(item.multiVisit === true, item.section === 'C', `${item.id}: multiVisit only in C`);
  }
  const article = (id: string) => checklist.items.find((i) => i.id === id)?.article;
  assert.equal(article('A.destinazione_uso.certificato'), 'DPGR 41/R/2013 art. 19 c.1');
  assert.equal(article('B.titoli.coerenti'), 'DPGR 41/R/2013 art. 13');
  assert.equal(article('F.documentazione.dvr'), 'D.Lgs 81/2008');
  assert.equal(article('F.haccp.piano_autocontrollo'), 'DGR 559/2008');
});

test('applicability: domiciliare and the accreditation table', () => {
  const domiciliare = applicableItems(checklist, { type: 'domiciliare' });
  const notForDomiciliare = checklist.items.filter((i) => !domiciliare.includes(i));
  assert.deepEqual(ids(notForDomiciliare), EXCLUDED_FOR_DOMICILIARE);
  assert.ok(
    domiciliare.every((i) => !/esclusi (i servizi )?domiciliari/.test(i.text)),
    'an "esclusi domiciliari" item applies to domiciliare',
  );
  assert.ok(
    domiciliare.some((i) => i.id === 'F.spazi_interni.cucina_sporzionamento'),
    'Cucina/Sporzionamento applies to domiciliare',
  );
  for (const type of SERVICE_TYPES.filter((t) => t !== 'domiciliare')) {
    assert.equal(applicableItems(checklist, { type }).length, checklist.items.length, `${type} gets every item`);
  }

  const authorisation = applicableItems(checklist, { purpose: 'autorizzazione' });
  assert.ok(
    authorisation.every((i) => i.section !== 'ACC'),
    'ACC items asked for the authorisation',
  );
  assert.equal(authorisation.length, checklist.items.length - EXPECTED_PER_SECTION.ACC);
  for (const purpose of ['accreditamento', 'verifica_periodica'] as const) {
    assert.equal(applicableItems(checklist, { purpose }).filter((i) => i.section === 'ACC').length, EXPECTED_PER_SECTION.ACC);
  }
  // Both filters together, in printed order.
  const both = applicableItems(checklist, { type: 'domiciliare', purpose: 'autorizzazione' });
  assert.deepEqual(
    both,
    domiciliare.filter((i) => i.section !== 'ACC'),
  );
});

test('counts tables: one per service type, bands of rule set zona-fse@1', () => {
  assert.deepEqual(checklist.countsTables.map((t) => t.serviceType).sort(), [...SERVICE_TYPES].sort());
  for (const table of checklist.countsTables) {
    assert.deepEqual(
      table.bands,
      ZONA_FSE_1.serviceTypes[table.serviceType].bands.map((b) => b.id),
      table.serviceType,
    );
  }
  const byType = Object.fromEntries(checklist.countsTables.map((t) => [t.serviceType, t]));
  assert.deepEqual(byType.spazio_gioco?.childrenColumns, ['Previsti', 'Presenti']);
  assert.deepEqual(byType.nido?.childrenColumns, ['Iscritti', 'Presenti']);
  assert.deepEqual(
    byType.domiciliare?.staffRows.map((r) => r.key),
    ['educators'],
  );
  assert.deepEqual(
    checklist.signatories.map((s) => s.id),
    ['referente_comune', 'pedagogista', 'referente_servizio'],
  );
});

test('JSON export round trip', () => {
  const exported = JSON.stringify(checklist);
  const reimported = Checklist.parse(JSON.parse(exported));
  assert.deepEqual(reimported, checklist);
  assert.equal(JSON.stringify(reimported), exported);
});

test('a second territory is data: same schema, same applicableItems', () => {
  // A hypothetical Comune that drops one presidio and adds a row of its own: built from the
  // exported JSON, no code of its own.
  const base = JSON.parse(JSON.stringify(checklist)) as Checklist;
  const variantData: unknown = {
    ...base,
    id: 'comune-esempio',
    version: 1,
    items: [
      ...base.items.filter((i) => i.id !== 'F.presidi.maniglioni_antipanico'),
      {
        id: 'F.presidi.zanzariere',
        section: 'F',
        group: 'Area Presidi di Sicurezza',
        text: 'Zanzariere alle finestre degli spazi bambini',
        article: 'Regolamento comunale art. 3',
        kind: 'yesno',
        serviceTypes: ['nido', 'spazio_gioco'],
        purposes: ['autorizzazione', 'verifica_periodica'],
      },
    ],
  };
  const variant = Checklist.parse(variantData);
  assert.equal(variant.items.length, checklist.items.length);

  const nido = ids(applicableItems(variant, { type: 'nido', purpose: 'autorizzazione' }));
  assert.ok(nido.includes('F.presidi.zanzariere'));
  assert.ok(!nido.includes('F.presidi.maniglioni_antipanico'));
  assert.ok(!ids(applicableItems(variant, { type: 'centro_bambini_famiglie' })).includes('F.presidi.zanzariere'));
  assert.ok(!ids(applicableItems(variant, { purpose: 'accreditamento' })).includes('F.presidi.zanzariere'));

  // The schema, not code, guards the data: a duplicate id is rejected.
  const broken = { ...variant, items: [...variant.items, variant.items[0]] };
  assert.equal(Checklist.safeParse(broken).success, false);
});
