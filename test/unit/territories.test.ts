/**
 * Territories as data: the registry (the Zona first, Lucca second), Lucca's checklist against its
 * regulation (seed 003) as the Zona's Scheda is checked against seed 004, and worked examples of
 * every Lucca rule citing its article: compliant, non-compliant, not recorded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, test } from 'node:test';
import { SERVICE_TYPES } from '../../shared/domain.ts';
import { CHECKLISTS, LUCCA_CHECKLIST_1, ZONA_FSE_CHECKLIST_1, applicableItems, commissionGaps } from '../../shared/checklist/index.ts';
import {
  LUCCA_1,
  deriveRuleSet,
  RULE_SETS,
  ZONA_FSE_1,
  evaluate,
  serviceInspectionsDue,
  validateAgainst,
  type Finding,
} from '../../shared/rules/index.ts';
import { TERRITORIES, getTerritory, resolveFile, territoryProblems, type Territory } from '../../shared/territories/index.ts';
import type { Answer, InspectionFile } from '../../shared/inspection.ts';
import { nidoFile } from '../helpers/inspection.ts';

/**
 * The handouts folder `shared` sits beside the main checkout (/work/main/../shared). From a git
 * worktree elsewhere, the main checkout is the parent of git's common directory.
 */
function seedPath(name: string): string {
  const here = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = [join(here, '..', 'shared', 'seeds', name)];
  try {
    const common = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: here, encoding: 'utf8' }).trim();
    candidates.push(join(dirname(dirname(resolve(here, common))), 'shared', 'seeds', name));
  } catch {
    // Not a git checkout: only the sibling folder is looked for.
  }
  const found = candidates.find((p) => existsSync(p));
  // Deliberately a failure, not a skip: without the seed, fidelity is unchecked.
  assert.ok(found, `seed ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Lucca's regulation as a reader reads it: inline tags stripped, whitespace collapsed. */
function regulationText(): string {
  const raw = readFileSync(seedPath('003_22b07ab5126b8fae.txt'), 'utf8');
  assert.ok(raw.includes('Art. 32 – Vigilanza'), 'seed 003 no longer holds the Lucca regulation');
  return normalise(raw.replace(/<\/?(?:i|u|b|em|strong)>/g, ''));
}

const lucca = LUCCA_CHECKLIST_1;

describe('the territory registry', () => {
  it('lists the Zona first with its ids unchanged, then Lucca', () => {
    assert.deepEqual([...TERRITORIES.keys()], ['zona-fse', 'lucca']);
    const zona = getTerritory('zona-fse')!;
    assert.equal(zona.checklist, 'zona-fse@1');
    assert.equal(zona.ruleSet, 'zona-fse@1');
    assert.deepEqual(zona.signatories, ZONA_FSE_CHECKLIST_1.signatories);
    assert.equal(zona.schedule.label, "due all'anno, una per semestre");
    assert.equal(zona.prescription.singular, 'prescrizione');
    assert.equal(getTerritory('constructor'), undefined);
  });
  it('gives Lucca its names, schedule, diffida and heading, each citing the regulation', () => {
    const t = getTerritory('lucca')!;
    assert.equal(t.name, 'Città di Lucca');
    assert.deepEqual(
      SERVICE_TYPES.map((s) => t.serviceTypes[s].label),
      ['Nido di infanzia', 'Centro gioco educativo', 'Centro dei bambini e dei genitori', 'Servizio domiciliare'],
    );
    assert.equal(t.schedule.label, 'periodica, senza numero minimo');
    assert.equal(t.schedule.article, 'Reg. Lucca art. 32 c.1');
    assert.deepEqual(t.prescription, { singular: 'diffida', plural: 'diffide', article: 'Reg. Lucca art. 32 c.2' });
    assert.equal(t.reportHeading.title, 'CITTÀ DI LUCCA');
    assert.equal(t.serviceTypesHeading, 'Art. 9 – Classificazione dei servizi');
    const seed = regulationText();
    for (const s of SERVICE_TYPES) assert.ok(seed.includes(t.serviceTypes[s].label), t.serviceTypes[s].label);
    assert.ok(seed.includes(t.serviceTypesHeading));
    assert.ok(seed.includes(t.reportHeading.title) && seed.includes(t.reportHeading.subtitle.split(' PER ')[0]!));
  });
  it('every entry is consistent with the data it names; a broken entry is reported', () => {
    for (const t of TERRITORIES.values()) assert.deepEqual(territoryProblems(t), [], t.id);
    const broken: Territory = { ...getTerritory('lucca')!, checklist: 'lucca@9', signatories: [] };
    assert.match(territoryProblems(broken).join('; '), /scheda sconosciuta lucca@9/);
    const wrongSigners: Territory = { ...getTerritory('lucca')!, signatories: ZONA_FSE_CHECKLIST_1.signatories };
    assert.match(territoryProblems(wrongSigners).join('; '), /firmatari/);
  });
  it('the schedule number lives in the rule set: two a year in the Zona, none owed in Lucca', () => {
    assert.equal(ZONA_FSE_1.inspections.perYear, 2);
    assert.equal(LUCCA_1.inspections.perYear, null);
    const acts = { authorizationIssuedOn: '2024-01-10' };
    assert.equal(serviceInspectionsDue(ZONA_FSE_1, acts, [], '2025-12-31').overdue, true);
    const due = serviceInspectionsDue(LUCCA_1, acts, [], '2025-12-31');
    assert.deepEqual([due.overdue, due.nextDueBy, due.standing, due.periods], [false, null, null, []]);
  });
  it('Lucca requires no commission signature at sealing (the regulation sets up none)', () => {
    assert.deepEqual(commissionGaps(lucca, [], []), []);
    assert.equal(commissionGaps(ZONA_FSE_CHECKLIST_1, [], []).length, 2);
  });
});

describe('resolveFile: the territory, rule set and checklist a file names', () => {
  it('a file without territory is its rule set’s territory (every Zona file made before)', () => {
    const r = resolveFile({ ruleSet: 'zona-fse@1' });
    assert.ok(r.ok);
    assert.equal(r.value.territory.id, 'zona-fse');
    assert.equal(r.value.checklist, ZONA_FSE_CHECKLIST_1);
    assert.equal(r.value.ruleSet, ZONA_FSE_1);
    const l = resolveFile({ territory: 'lucca', ruleSet: 'lucca@1', checklist: 'lucca@1' });
    assert.ok(l.ok);
    assert.equal(l.value.checklist, lucca);
  });
  it('refuses mixtures and unknown names, naming the field', () => {
    const errors = (f: Parameters<typeof resolveFile>[0]) => {
      const r = resolveFile(f);
      assert.equal(r.ok, false);
      return (r as { errors: string[] }).errors.join('; ');
    };
    assert.match(errors({ territory: 'pisa', ruleSet: 'lucca@1' }), /^territory: territorio sconosciuto "pisa"/);
    assert.match(errors({ territory: 'lucca', ruleSet: 'zona-fse@1' }), /^ruleSet: zona-fse@1 non è un set di regole del territorio lucca/);
    assert.match(errors({ territory: 'zona-fse', ruleSet: 'zona-fse@1', checklist: 'lucca@1' }), /^checklist: lucca@1 non è una scheda/);
    assert.match(errors({ ruleSet: 'comune-esempio@1' }), /^ruleSet: set di regole sconosciuto/);
  });
});

test('the registries hold both territories’ versions', () => {
  assert.deepEqual([...CHECKLISTS.keys()], ['zona-fse@1', 'lucca@1']);
  assert.deepEqual([...RULE_SETS.keys()], ['zona-fse@1', 'lucca@1']);
});

describe("Lucca's checklist against its regulation (seed 003)", () => {
  it('every item text, section heading and group heading is in the regulation, typos included', () => {
    const seed = regulationText();
    const missing = lucca.items.filter((i) => !seed.includes(normalise(i.text))).map((i) => `${i.id}: ${i.text}`);
    assert.deepEqual(missing, [], 'item texts not found verbatim in seed 003');
    for (const s of lucca.sections) assert.ok(seed.includes(s.requirementHeading), `heading of ${s.id}`);
    for (const g of new Set(lucca.items.map((i) => i.group!))) assert.ok(seed.includes(g), `group ${g}`);
    // The seed's own spellings are kept, not corrected.
    assert.ok(lucca.sections.some((s) => s.requirementHeading === 'Art. 31 – Accreditemento'));
    assert.ok(lucca.items.some((i) => i.text.includes('purchè')));
  });
  it('has every letter of Art. 30 c.4 (a–h), Art. 31 c.2 (a–i) and Art. 23 c.1 (a–g), each citing its letter', () => {
    const letters = (prefix: string) =>
      lucca.items.filter((i) => i.article.startsWith(prefix)).map((i) => i.article.slice(prefix.length).replace(/^ lett\. /, ''));
    assert.deepEqual(letters('Reg. Lucca art. 30 c.4'), [...'abcdefgh']);
    assert.deepEqual(letters('Reg. Lucca art. 31 c.2'), [...'abcdefghi']);
    assert.deepEqual(letters('Reg. Lucca art. 23 c.1'), [...'abcdefg']);
    for (const art of ['12', '24', '25', '26', '27', '28', '29'])
      assert.ok(
        lucca.items.some((i) => i.article.startsWith(`Reg. Lucca art. ${art} `)),
        `no item for art. ${art}`,
      );
    for (const item of lucca.items) assert.match(item.article, /^Reg\. Lucca art\. \d+ c\.\d+/, item.id);
  });
  it('applies Art. 31 at accreditation and periodic checks only, Art. 28 outside the domiciliary service', () => {
    const acc = lucca.items.filter((i) => i.section === 'ACC');
    assert.equal(acc.length, 9);
    assert.ok(acc.every((i) => !i.purposes.includes('autorizzazione')));
    assert.ok(applicableItems(lucca, { purpose: 'autorizzazione' }).every((i) => i.section !== 'ACC'));
    const domiciliare = applicableItems(lucca, { type: 'domiciliare' });
    assert.deepEqual(
      lucca.items.filter((i) => !domiciliare.includes(i)).map((i) => i.id),
      ['B.sezioni.antimeridiane', 'B.sezioni.pomeridiana_unica', 'B.sezioni.pomeridiana_frequentanti'],
    );
  });
  it('counts tables carry the regional bands of lucca@1 under Lucca’s names', () => {
    for (const table of lucca.countsTables) {
      assert.deepEqual(
        table.bands,
        LUCCA_1.serviceTypes[table.serviceType].bands.map((b) => b.id),
      );
      assert.equal(table.title, getTerritory('lucca')!.serviceTypes[table.serviceType].label);
    }
  });
});

describe('lucca@1: the regional rules, and what is not borrowed from the Zona', () => {
  it('every interpretation has a source; the 47/R/2003 reference is a named interpretation', () => {
    const ids = LUCCA_1.interpretations.map((i) => i.id);
    assert.equal(new Set(ids).size, ids.length);
    const regional = LUCCA_1.interpretations.find((i) => i.id === 'regional.reference')!;
    assert.match(regional.text, /47\/R del 2003/);
    assert.match(regional.text, /DPGR 41\/R\/2013/);
    assert.match(regional.source, /Reg\. Lucca art\. 10 c\.1/);
  });
  it('the regional numbers apply as in the Zona, each article naming the regional text and Art. 10', () => {
    for (const t of SERVICE_TYPES) {
      assert.deepEqual(LUCCA_1.serviceTypes[t].capacity, ZONA_FSE_1.serviceTypes[t].capacity, t);
      assert.deepEqual(LUCCA_1.serviceTypes[t].bands, ZONA_FSE_1.serviceTypes[t].bands, t);
    }
    assert.deepEqual(LUCCA_1.plannedRatioBase, ZONA_FSE_1.plannedRatioBase);
    for (const rule of ['capacity.range', 'enrollment.ceiling', 'ratio.educators.planned', 'ratio.educators.present'] as const)
      assert.match(LUCCA_1.articles[rule], /^DPGR 41\/R\/2013 .*\(Reg\. Lucca art\. 10 c\.1\)$/, rule);
    const file = luccaFile({ service: { ...luccaFile().service, capacity: 61 } });
    assert.equal(byRule(evaluate(file, LUCCA_1, lucca), 'capacity.range').outcome, 'fail');
  });
  it('auxiliaries and the validity of the acts are na: the regulation does not say', () => {
    const r = evaluate(luccaFile(), LUCCA_1, lucca);
    for (const rule of ['ratio.auxiliaries.planned', 'ratio.auxiliaries.present', 'authorization.valid', 'accreditation.valid'])
      assert.equal(byRule(r, rule).outcome, 'na', rule);
    assert.match(byRule(r, 'authorization.valid').message, /durata non indicata dal regolamento/);
    assert.deepEqual([r.authorization.validUntil, r.accreditation.validUntil], [null, null]);
    assert.deepEqual([r.required.auxiliariesPlanned, r.required.auxiliariesPresent], [null, null]);
  });
});

/** A Lucca nido on 15 October 2025 with the given answers. */
function luccaFile(overrides: Partial<InspectionFile> = {}): InspectionFile {
  return nidoFile({
    territory: 'lucca',
    ruleSet: 'lucca@1',
    checklist: 'lucca@1',
    visit: { date: '2025-10-15', purpose: 'verifica_periodica' },
    ...overrides,
  });
}
const withAnswers = (answers: Record<string, Answer['value']>, date = '2025-10-15'): InspectionFile =>
  luccaFile({
    visit: { date, purpose: 'verifica_periodica' },
    answers: Object.fromEntries(Object.entries(answers).map(([id, value]) => [id, { value }])),
  });
const byRule = (r: { findings: Finding[] }, rule: string): Finding => {
  const f = r.findings.find((x) => x.rule === rule);
  assert.ok(f, `finding ${rule} missing`);
  return f;
};

interface Case {
  name: string;
  answers: Record<string, Answer['value']>;
  date?: string;
  outcome: Finding['outcome'];
  message: RegExp;
}

/** Rule id, its article, and worked cases: compliant, non-compliant, and missing inputs (na). */
const LUCCA_RULES: Array<{ rule: string; article: string; cases: Case[] }> = [
  {
    rule: 'opening.weekdays',
    article: 'Reg. Lucca art. 27 c.3',
    cases: [
      {
        name: '6 h exactly',
        answers: { 'B.orario.lunedi_venerdi': 360 },
        outcome: 'pass',
        message: /apertura giornaliera 6 h \(richiesto fra 6 h e 11 h\)/,
      },
      { name: '11 h exactly', answers: { 'B.orario.lunedi_venerdi': 660 }, outcome: 'pass', message: /11 h/ },
      { name: '5 h 59 min', answers: { 'B.orario.lunedi_venerdi': 359 }, outcome: 'fail', message: /5 h 59 min: richiesto fra 6 h e 11 h/ },
      { name: '11 h 30 min', answers: { 'B.orario.lunedi_venerdi': 690 }, outcome: 'fail', message: /11 h 30 min/ },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /dato non rilevato: apertura giornaliera/ },
      { name: 'answered non applicabile', answers: { 'B.orario.lunedi_venerdi': 'na' }, outcome: 'na', message: /non rilevato/ },
    ],
  },
  {
    rule: 'opening.saturday',
    article: 'Reg. Lucca art. 27 c.3',
    cases: [
      { name: 'closed', answers: { 'B.orario.sabato': 0 }, outcome: 'pass', message: /apertura 0 h \(richiesto al massimo 7 h\)/ },
      { name: '7 h', answers: { 'B.orario.sabato': 420 }, outcome: 'pass', message: /7 h/ },
      { name: '7 h 15 min', answers: { 'B.orario.sabato': 435 }, outcome: 'fail', message: /7 h 15 min: richiesto al massimo 7 h/ },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /non rilevato/ },
    ],
  },
  {
    rule: 'calendar.months',
    article: 'Reg. Lucca art. 27 c.1',
    cases: [
      {
        name: 'September to June',
        answers: { 'B.calendario.mese_inizio': 9, 'B.calendario.mese_fine': 6 },
        outcome: 'pass',
        message: /da settembre a giugno, entro il periodo settembre–giugno/,
      },
      {
        name: 'October to May',
        answers: { 'B.calendario.mese_inizio': 10, 'B.calendario.mese_fine': 5 },
        outcome: 'pass',
        message: /entro/,
      },
      // "di norma" (interpretation calendar.di_norma): a warning, not a non-conformity.
      {
        name: 'September to July',
        answers: { 'B.calendario.mese_inizio': 9, 'B.calendario.mese_fine': 7 },
        outcome: 'warn',
        message: /da settembre a luglio, oltre/,
      },
      {
        name: 'August to June',
        answers: { 'B.calendario.mese_inizio': 8, 'B.calendario.mese_fine': 6 },
        outcome: 'warn',
        message: /da agosto/,
      },
      {
        name: 'all year',
        answers: { 'B.calendario.mese_inizio': 1, 'B.calendario.mese_fine': 12 },
        outcome: 'warn',
        message: /da gennaio a dicembre/,
      },
      { name: 'end not recorded', answers: { 'B.calendario.mese_inizio': 9 }, outcome: 'na', message: /dato non rilevato: mese di fine/ },
    ],
  },
  {
    rule: 'sections.afternoon_single',
    article: 'Reg. Lucca art. 28 c.3',
    cases: [
      {
        name: 'single section, 5 attending',
        answers: { 'B.sezioni.pomeridiana_unica': 'yes', 'B.sezioni.pomeridiana_frequentanti': 5 },
        outcome: 'pass',
        message: /frequentanti 5 \(richiesto almeno 5\)/,
      },
      {
        name: 'single section, 4 attending',
        answers: { 'B.sezioni.pomeridiana_unica': 'yes', 'B.sezioni.pomeridiana_frequentanti': 4 },
        outcome: 'fail',
        message: /frequentanti 4: richiesto almeno 5/,
      },
      {
        name: 'no single section',
        answers: { 'B.sezioni.pomeridiana_unica': 'no', 'B.sezioni.pomeridiana_frequentanti': 2 },
        outcome: 'na',
        message: /non si applica \(sezione unica pomeridiana: no\)/,
      },
      {
        name: 'single section, attending not recorded',
        answers: { 'B.sezioni.pomeridiana_unica': 'yes' },
        outcome: 'na',
        message: /dato non rilevato: frequentanti/,
      },
      {
        name: 'nothing recorded',
        answers: { 'B.sezioni.pomeridiana_frequentanti': 3 },
        outcome: 'na',
        message: /dato non rilevato: sezione unica pomeridiana/,
      },
    ],
  },
  {
    rule: 'admission.age',
    article: 'Reg. Lucca art. 13 c.2',
    cases: [
      {
        name: '3 to 35 months',
        answers: { 'B.utenza.eta_minima': 3, 'B.utenza.eta_massima': 35 },
        outcome: 'pass',
        message: /bambino più piccolo 3 mesi, bambino più grande 35 mesi/,
      },
      {
        name: 'a child of 2 months',
        answers: { 'B.utenza.eta_minima': 2, 'B.utenza.eta_massima': 30 },
        outcome: 'fail',
        message: /bambino più piccolo 2 mesi: richiesto fra 3 mesi e 35 mesi/,
      },
      {
        name: 'a child who had turned 3',
        answers: { 'B.utenza.eta_minima': 4, 'B.utenza.eta_massima': 36 },
        outcome: 'fail',
        message: /bambino più grande 36 mesi/,
      },
      // A breach shows even with the other input missing; a pass needs both.
      { name: 'only the youngest, too young', answers: { 'B.utenza.eta_minima': 1 }, outcome: 'fail', message: /1 mese/ },
      {
        name: 'only the youngest, fine',
        answers: { 'B.utenza.eta_minima': 5 },
        outcome: 'na',
        message: /dato non rilevato: bambino più grande/,
      },
    ],
  },
  {
    rule: 'assemblea.convocations',
    article: 'Reg. Lucca art. 12 c.5',
    cases: [
      {
        name: 'twice',
        answers: { 'E.assemblea.convocazioni': 2 },
        outcome: 'pass',
        message: /convocazioni nell'anno 2 \(richiesto almeno 2\)/,
      },
      {
        name: 'once',
        answers: { 'E.assemblea.convocazioni': 1 },
        outcome: 'fail',
        message: /convocazioni nell'anno 1: richiesto almeno 2/,
      },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /non rilevato/ },
    ],
  },
  {
    rule: 'consiglio.composition',
    article: 'Reg. Lucca art. 12 c.8',
    cases: [
      {
        name: '3 + 1 + 1',
        answers: { 'E.consiglio.genitori': 3, 'E.consiglio.operatori': 1, 'E.consiglio.titolare': 1 },
        outcome: 'pass',
        message: /genitori 3, rappresentanti degli operatori 1, rappresentanti del soggetto titolare 1/,
      },
      {
        name: '2 parents',
        answers: { 'E.consiglio.genitori': 2, 'E.consiglio.operatori': 1, 'E.consiglio.titolare': 1 },
        outcome: 'fail',
        message: /rappresentanti dei genitori 2 \(previsto 3\)/,
      },
      {
        name: 'two owner representatives, operators missing',
        answers: { 'E.consiglio.genitori': 3, 'E.consiglio.titolare': 2 },
        outcome: 'fail',
        message: /soggetto titolare 2 \(previsto 1\)/,
      },
      {
        name: 'operators not recorded',
        answers: { 'E.consiglio.genitori': 3, 'E.consiglio.titolare': 1 },
        outcome: 'na',
        message: /dato non rilevato: rappresentanti degli operatori/,
      },
    ],
  },
  {
    rule: 'consiglio.president',
    article: 'Reg. Lucca art. 12 c.9',
    cases: [
      {
        name: 'a parent',
        answers: { 'E.consiglio.presidente': 'yes' },
        outcome: 'pass',
        message: /scelto tra i rappresentanti dei genitori sì/,
      },
      {
        name: 'not a parent',
        answers: { 'E.consiglio.presidente': 'no' },
        outcome: 'fail',
        message: /scelto tra i rappresentanti dei genitori no \(previsto sì\)/,
      },
      { name: 'not recorded', answers: { 'E.consiglio.presidente': 'na' }, outcome: 'na', message: /non rilevato/ },
    ],
  },
  {
    rule: 'consiglio.term',
    article: 'Reg. Lucca art. 12 c.10',
    cases: [
      // Appointed in 2024/25: in office for 2024/25 and 2025/26 (interpretation consiglio.term).
      {
        name: 'second year',
        answers: { 'E.consiglio.nomina': '2024-10-01' },
        outcome: 'pass',
        message: /nominato il 01\/10\/2024, in carica fino al 31\/08\/2026/,
      },
      {
        name: 'appointed in June: its second year has ended',
        answers: { 'E.consiglio.nomina': '2024-06-10' },
        outcome: 'fail',
        message: /in carica fino al 31\/08\/2025: scaduto/,
      },
      {
        name: 'last day of the term',
        answers: { 'E.consiglio.nomina': '2023-09-01' },
        date: '2025-08-31',
        outcome: 'pass',
        message: /31\/08\/2025/,
      },
      { name: 'the day after', answers: { 'E.consiglio.nomina': '2023-09-01' }, date: '2025-09-01', outcome: 'fail', message: /scaduto/ },
      { name: 'after the visit', answers: { 'E.consiglio.nomina': '2025-11-01' }, outcome: 'na', message: /dopo la data della visita/ },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /data non rilevata/ },
    ],
  },
  {
    rule: 'programme.draft',
    article: 'Reg. Lucca art. 24 c.2 lett. a',
    cases: [
      {
        name: 'by the first week of September',
        answers: { 'B.programmazione.bozza': '2025-09-07' },
        outcome: 'pass',
        message: /elaborata il 07\/09\/2025, termine 07\/09\/2025/,
      },
      {
        name: 'in June, before the year',
        answers: { 'B.programmazione.bozza': '2025-06-20' },
        outcome: 'pass',
        message: /termine 07\/09\/2025/,
      },
      {
        name: 'on 8 September',
        answers: { 'B.programmazione.bozza': '2025-09-08' },
        outcome: 'fail',
        message: /oltre il termine 07\/09\/2025/,
      },
      {
        name: "only last year's",
        answers: { 'B.programmazione.bozza': '2024-09-02' },
        outcome: 'fail',
        message: /dell'anno precedente: manca quella dell'anno in corso/,
      },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /data non rilevata \(termine 07\/09\/2025\)/ },
    ],
  },
  {
    rule: 'programme.educational_project',
    article: 'Reg. Lucca art. 24 c.2 lett. b',
    cases: [
      {
        name: 'by the end of November',
        answers: { 'B.programmazione.progetto_educativo': '2025-11-30' },
        date: '2026-01-20',
        outcome: 'pass',
        message: /redatto il 30\/11\/2025, termine 30\/11\/2025/,
      },
      {
        name: 'in December',
        answers: { 'B.programmazione.progetto_educativo': '2025-12-01' },
        date: '2026-01-20',
        outcome: 'fail',
        message: /oltre il termine 30\/11\/2025/,
      },
      {
        name: "last year's, before this year's term",
        answers: { 'B.programmazione.progetto_educativo': '2024-11-15' },
        outcome: 'na',
        message: /non è ancora dovuta \(termine 30\/11\/2025\)/,
      },
      {
        name: "last year's, after this year's term",
        answers: { 'B.programmazione.progetto_educativo': '2024-11-15' },
        date: '2026-01-20',
        outcome: 'fail',
        message: /manca quella dell'anno in corso/,
      },
      { name: 'not recorded', answers: {}, outcome: 'na', message: /data non rilevata/ },
    ],
  },
];

for (const { rule, article, cases } of LUCCA_RULES) {
  describe(`${rule} (${article})`, () => {
    for (const c of cases) {
      it(`${c.name}: ${c.outcome}`, () => {
        const file = withAnswers(c.answers, c.date);
        assert.deepEqual(validateAgainst(file, LUCCA_1, lucca), []);
        const f = byRule(evaluate(file, LUCCA_1, lucca), rule);
        assert.equal(f.outcome, c.outcome, f.message);
        assert.equal(f.article, article);
        assert.match(f.message, c.message);
      });
    }
  });
}

describe('checks as a general mechanism', () => {
  it('covers every check of lucca@1 with worked cases', () => {
    assert.deepEqual(
      LUCCA_RULES.map((r) => r.rule),
      (LUCCA_1.checks ?? []).map((c) => c.id),
    );
    for (const check of LUCCA_1.checks ?? []) assert.equal(check.article, LUCCA_RULES.find((r) => r.rule === check.id)!.article);
  });
  it('a sì/no a check reads reports through the check, once; other `no` answers stay item findings', () => {
    const r = evaluate(
      withAnswers({ 'E.consiglio.presidente': 'no', 'B.sezioni.pomeridiana_unica': 'no', 'D.coordinamento.qualita': 'no' }),
      LUCCA_1,
      lucca,
    );
    assert.equal(r.findings.filter((f) => f.rule === 'E.consiglio.presidente').length, 0);
    assert.equal(r.findings.filter((f) => f.rule === 'B.sezioni.pomeridiana_unica').length, 0);
    assert.equal(byRule(r, 'D.coordinamento.qualita').article, 'Reg. Lucca art. 23 c.1 lett. f');
  });
  it('a month that is not 1-12 is bad input naming the field', () => {
    const problems = validateAgainst(withAnswers({ 'B.calendario.mese_fine': 13 }), LUCCA_1, lucca);
    assert.deepEqual(problems, ['answers.B.calendario.mese_fine.value: mese non valido (13): serve un numero da 1 a 12']);
  });
  it('the Zona has no checks: its findings are the fifteen stable rules and its items, as before', () => {
    assert.equal(ZONA_FSE_1.checks, undefined);
    assert.equal(evaluate(nidoFile(), ZONA_FSE_1, ZONA_FSE_CHECKLIST_1).findings.length, 15);
  });
  it('a wrong reference in a check is caught when the territory is registered', () => {
    const t = getTerritory('lucca')!;
    const rs = {
      ...LUCCA_1,
      checks: [{ ...LUCCA_1.checks![0]!, inputs: [{ item: 'B.orario.inesistente', label: 'x' }] }],
    } as typeof LUCCA_1;
    const problems = territoryProblems(t, CHECKLISTS, new Map([['lucca@1', rs]]));
    assert.match(problems.join('; '), /voce B\.orario\.inesistente assente dalla scheda lucca@1/);
  });
  it('a deadline in a month before the educational year starts falls in the following calendar year', () => {
    // A hypothetical territory wanting a report by 31 March: for a visit in October 2025 it is due 31/03/2026.
    const march = deriveRuleSet(LUCCA_1, (d) => {
      d.checks = [
        {
          ...(d.checks!.find((c) => c.id === 'programme.draft') as Extract<NonNullable<typeof d.checks>[number], { kind: 'deadline' }>),
          month: 3,
          day: 31,
        },
      ];
    });
    const f = (date: string, on: string) =>
      byRule(evaluate(withAnswers({ 'B.programmazione.bozza': on }, date), march, lucca), 'programme.draft');
    assert.match(f('2025-10-15', '2025-04-01').message, /termine 31\/03\/2026/);
    assert.equal(f('2025-10-15', '2025-04-01').outcome, 'pass');
    assert.equal(f('2026-05-15', '2025-03-30').outcome, 'fail');
  });
});
