/**
 * The report as a pdfmake document: the printed *Scheda di osservazione* of the Zona Fiorentina
 * Sud-Est, filled in. Same headings, same two-column logic (article | verified data), the section B
 * tables with required against found figures, then what the paper form leaves to the minutes:
 * the findings with their articles, prescriptions with deadlines, members present, signatures,
 * photos. Everything the reader sees comes from the inspection file and the rule engine.
 */
import { registerIds } from '../shared/checklist/answers.ts';
import { entryStanding, namedChecks, STANDING_LABELS } from '../shared/educator-register.ts';
import type { Content, TableCell, TDocumentDefinitions, CustomTableLayout } from 'pdfmake/interfaces';
import { sha256Hex } from '../shared/canonical.ts';
import { formatItalianDate } from '../shared/dates.ts';
import { consequenceText, VERIFICATION_LABELS } from '../shared/follow-up.ts';
import { visitTimeText } from '../shared/times.ts';
import { PURPOSES, PURPOSE_LABELS, SERVICE_TYPES } from '../shared/domain.ts';
import { resolveFile, type Territory } from '../shared/territories/index.ts';
import type { Answer, InspectionFile } from '../shared/inspection.ts';
import {
  applicableItems,
  displayText,
  signatoryTitle,
  type Checklist,
  type ChecklistItem,
  type ChecklistSection,
} from '../shared/checklist/index.ts';
import {
  OUTCOME_LABELS,
  evaluate,
  findingText,
  enrolmentCeiling,
  validateAgainst,
  type CheckResult,
  type Finding,
  type Outcome,
  type RuleSet,
} from '../shared/rules/index.ts';
import type { Signature } from '../shared/api/contract.ts';
import { SLOT_DEST_PREFIX, SLOT_HEIGHT } from './appearance.ts';
import { ITEM_RULES, RULE_LABELS } from './labels.ts';
import { emblemDataUrl } from './emblem.ts';
import { FONT_FAMILY } from './pdfmake.ts';
import { ReportInputError, type ReportInput, type ReportMember, type ReportPhoto } from './types.ts';

const INK = '#1d2733';
const ACCENT = '#1f3a5f';
const MUTED = '#5b6573';
const RULE_LINE = '#8c96a3';
const BAND = '#e4eaf1';
const HEAD_FILL = '#f1f3f6';

const OUTCOME_COLORS: Record<Outcome, string> = { fail: '#a11d1d', warn: '#8a5a00', pass: '#1f6b35', na: MUTED };
const OUTCOME_ORDER: Outcome[] = ['fail', 'warn', 'pass', 'na'];

const CHECKED = '☒';
const UNCHECKED = '☐';

const PAGE_MARGINS: [number, number, number, number] = [40, 46, 40, 58];
/** The banner of a report of demo data, on every page (and the colour of its watermark). */
export const DEMO_BANNER = 'DEMO — non valido come atto';
const DEMO_INK = '#8e1b1b';
const CONTENT_WIDTH = 595.28 - PAGE_MARGINS[0] - PAGE_MARGINS[2];

const GRID: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  hLineColor: () => RULE_LINE,
  vLineColor: () => RULE_LINE,
  paddingLeft: () => 4,
  paddingRight: () => 4,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};

const BARE: CustomTableLayout = {
  hLineWidth: () => 0,
  vLineWidth: () => 0,
  paddingLeft: () => 0,
  paddingRight: () => 6,
  paddingTop: () => 1,
  paddingBottom: () => 1,
};

interface Ctx {
  input: ReportInput;
  file: InspectionFile;
  /** Heading, service names and the name of a prescription come from the file's territory. */
  territory: Territory;
  checklist: Checklist;
  rs: RuleSet;
  result: CheckResult;
  findingsByRule: Map<string, Finding>;
  itemsById: Map<string, ChecklistItem>;
}

/** Validates the input and computes everything the pages need. */
function prepare(input: ReportInput): Ctx {
  const { file } = input;
  if (!input.inspectionId || !input.inspectionId.trim()) throw new ReportInputError('inspectionId: identificativo dell’ispezione mancante');
  if (!Number.isInteger(input.revision) || input.revision < 1)
    throw new ReportInputError(`revision: deve essere un intero ≥ 1 (trovato ${String(input.revision)})`);
  if (!/^[0-9a-f]{64}$/.test(input.contentHash))
    throw new ReportInputError('contentHash: serve lo SHA-256 esadecimale (64 caratteri minuscoli) del JSON canonico');
  const resolved = resolveFile(file);
  if (!resolved.ok) throw new ReportInputError(resolved.errors.join('; '));
  const { territory, ruleSet: rs, checklist } = resolved.value;
  const problems = validateAgainst(file, rs, checklist);
  if (problems.length) throw new ReportInputError(`file di ispezione non valido: ${problems.join('; ')}`);
  input.photos?.forEach((p, i) => checkPhoto(p, i));
  input.prescriptions?.forEach((p, i) => {
    if (!p.text.trim()) throw new ReportInputError(`prescriptions[${i}].text: testo della prescrizione mancante`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(p.deadline))
      throw new ReportInputError(`prescriptions[${i}].deadline: data non valida (${p.deadline})`);
  });
  const result = evaluate(file, rs, checklist);
  return {
    input,
    file,
    territory,
    checklist,
    rs,
    result,
    findingsByRule: new Map(result.findings.map((f) => [f.rule, f])),
    itemsById: new Map(checklist.items.map((item) => [item.id, item])),
  };
}

function checkPhoto(p: ReportPhoto, i: number): void {
  if (p.unreadable !== undefined) return;
  const b = p.bytes;
  const jpeg = b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const png = b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
  if (p.mime === 'image/jpeg' && !jpeg) throw new ReportInputError(`photos[${i}]: il file non è un'immagine JPEG valida`);
  if (p.mime === 'image/png' && !png) throw new ReportInputError(`photos[${i}]: il file non è un'immagine PNG valida`);
  if (p.mime !== 'image/jpeg' && p.mime !== 'image/png')
    throw new ReportInputError(`photos[${i}].mime: formato non ammesso (${String(p.mime)}; ammessi JPEG e PNG)`);
  // pdfkit embeds a JPEG's DCT data as it is: four components would be device CMYK, which a PDF/A-2b
  // with an sRGB output intent does not admit (ISO 19005-2 §6.2.4.3). The caller converts it first.
  if (p.mime === 'image/jpeg' && jpegComponents(b) === 4)
    throw new ReportInputError(`photos[${i}]: la foto JPEG è in CMYK: va convertita in sRGB prima di inserirla nel referto PDF/A`);
}

/** The number of colour components in a JPEG's frame header (SOFn), or null if none is found. */
export function jpegComponents(b: Uint8Array): number | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    // Fill bytes and markers without a length (TEM, RSTn).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return at + 9 < b.length ? b[at + 9]! : null;
    if (marker === 0xda || length < 2) return null;
    at += 2 + length;
  }
  return null;
}

// ───────────────────────────── small building blocks ─────────────────────────────

function box(on: boolean): string {
  return on ? CHECKED : UNCHECKED;
}

function outcomeChip(outcome: Outcome): Content {
  return { text: OUTCOME_LABELS[outcome], bold: true, color: OUTCOME_COLORS[outcome] };
}

function sectionBar(text: string, opts: { pageBreak?: boolean } = {}): Content {
  return {
    table: { widths: ['*'], body: [[{ text, style: 'sectionTitle', fillColor: BAND }]] },
    layout: { ...GRID, hLineColor: () => ACCENT, vLineColor: () => ACCENT, paddingTop: () => 4, paddingBottom: () => 4 },
    margin: [0, 12, 0, 4],
    ...(opts.pageBreak ? { pageBreak: 'before' as const } : {}),
  };
}

/**
 * A section title as the first header row of its table: pdfmake repeats header rows on every page
 * the table spans (so a continuation page still says which section it is) and, with
 * keepWithHeaderRows, never leaves the title alone at the bottom of a page.
 */
function titleRow(title: string, columns: number, intro?: string): TableCell[] {
  const cell = {
    stack: [{ text: title, style: 'sectionTitle' }, ...(intro ? [{ text: intro, style: 'intro', margin: [0, 2, 0, 0] }] : [])],
    colSpan: columns,
    fillColor: BAND,
  } as TableCell;
  return [cell, ...Array.from({ length: columns - 1 }, () => ({}) as TableCell)];
}

function headerCell(text: string, extra: Record<string, unknown> = {}): TableCell {
  return { text, style: 'th', fillColor: HEAD_FILL, ...extra } as TableCell;
}

function dash(value: number | undefined | null): string {
  return value === undefined || value === null ? '—' : String(value);
}

/** The "verified data" cell of a checklist item: the answer as the form's checkboxes, and the note. */
function answerCell(ctx: Ctx, item: ChecklistItem, answer: Answer | undefined): TableCell {
  const v = answer?.value;
  const stack: Content[] = [];
  if (item.kind === 'yesno') {
    const opt = (key: 'yes' | 'no' | 'na', label: string): Content => ({
      text: `${box(v === key)} ${label}`,
      bold: v === key,
      color: v === key ? (key === 'no' ? OUTCOME_COLORS.fail : INK) : MUTED,
    });
    stack.push({ text: [opt('yes', 'Sì'), '   ', opt('no', 'No'), '   ', opt('na', 'N.a.')] as Content[] } as Content);
    if (v === undefined) stack.push({ text: 'non rilevato', style: 'muted' });
  } else if (item.kind === 'register' && typeof v === 'string' && v !== 'na' && v !== '') {
    // The educators picked, by name as the register held them, each with its standing on the visit date.
    const register = ctx.rs.educatorRegister;
    for (const id of registerIds(v) ?? []) {
      const entry = ctx.file.registerEntries?.find((e) => e.id === id);
      const standing = entry && register ? entryStanding(register, entry, ctx.file.visit.date) : null;
      stack.push({
        text: entry ? `${entry.name}: ${standing ? STANDING_LABELS[standing.standing] : ''}` : `${id}: non presente nell'albo`,
        color: standing?.inGoodStanding ? INK : OUTCOME_COLORS.fail,
      } as Content);
    }
  } else if (v === undefined || v === '') {
    stack.push({ text: item.kind === 'text' ? 'nessuna annotazione' : 'non rilevato', style: 'muted' });
  } else if (v === 'na') {
    stack.push({ text: `${CHECKED} N.a.`, bold: true });
  } else if (item.kind === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    stack.push({ text: formatItalianDate(v) });
  } else {
    stack.push({ text: String(v) });
  }
  const note = answer?.note?.trim();
  if (note) stack.push({ text: [{ text: 'Note: ', bold: true }, note], italics: true, margin: [0, 2, 0, 0] } as Content);
  const ruleId = ITEM_RULES[item.id];
  const computed = ruleId ? ctx.findingsByRule.get(ruleId) : undefined;
  if (computed && computed.outcome !== 'na') {
    stack.push({
      text: [{ text: 'Verifica sul personale: ', color: MUTED }, outcomeChip(computed.outcome)] as Content[],
      fontSize: 7,
      margin: [0, 2, 0, 0],
    } as Content);
  }
  return { stack } as TableCell;
}

function findingCell(findings: Array<Finding | undefined>): TableCell {
  const present = findings.filter((f): f is Finding => f !== undefined);
  if (!present.length) return { text: '' };
  return {
    stack: present.map(
      (f) => ({ text: [outcomeChip(f.outcome), { text: ` — ${findingText(f)}` }] as Content[], margin: [0, 0, 0, 2] }) as Content,
    ),
    fontSize: 7.5,
  } as TableCell;
}

// ───────────────────────────── page 1 ─────────────────────────────

function titleBlock(ctx: Ctx): Content[] {
  const { file, input } = ctx;
  const s = file.service;
  const purposeLines: Content[] = PURPOSES.map((p) => ({
    text: `${box(file.visit.purpose === p)}  ${PURPOSE_LABELS[p].toUpperCase()}`,
    bold: file.visit.purpose === p,
    color: file.visit.purpose === p ? INK : MUTED,
    margin: [14, 1, 0, 1],
  }));
  const validity = (label: 'authorization' | 'accreditation'): string => {
    const act = s[label];
    const until = ctx.result[label].validUntil;
    // Agreement with the act's name in the row: «Autorizzazione … rilasciata», «Accreditamento … rilasciato».
    const a = label === 'authorization' ? 'a' : 'o';
    if (!act) return `non indicat${a}`;
    return `rilasciat${a} il ${formatItalianDate(act.issuedOn)}${until ? `, valid${a} fino al ${formatItalianDate(until)}` : ''}`;
  };
  const row = (k: string, v: string | Content): TableCell[] => [
    { text: k, style: 'label' },
    typeof v === 'string' ? { text: v } : (v as TableCell),
  ];
  const serviceRows: TableCell[][] = [
    row('Denominazione servizio', { text: s.name, bold: true, fontSize: 10 }),
    row('Referente', s.referente?.trim() || '—'),
    row('Tipologia', ctx.territory.serviceTypes[s.type].label),
    row('Comune', s.comune?.trim() || '—'),
    row('Indirizzo', s.address?.trim() || '—'),
    row('Capienza', String(s.capacity)),
    row('Cucina interna', s.kitchen === undefined ? 'non indicato' : s.kitchen ? 'sì' : 'no'),
    row('Autorizzazione al funzionamento', validity('authorization')),
    row('Accreditamento', validity('accreditation')),
  ];
  const signed = input.digitallySigned === true;
  const notice: Content = {
    table: {
      widths: ['*'],
      body: [
        [
          signed
            ? {
                stack: [
                  { text: 'Documento firmato digitalmente (PAdES)', bold: true, color: OUTCOME_COLORS.pass },
                  {
                    text: 'La firma digitale copre l’intero documento: ogni modifica successiva la invalida. Verificarla con un lettore PDF o con il comando «vigilanza verify».',
                    fontSize: 7.5,
                  },
                ],
              }
            : {
                stack: [
                  { text: 'Documento non firmato digitalmente', bold: true, color: OUTCOME_COLORS.fail, fontSize: 10 },
                  {
                    text: 'Questa copia non reca una firma digitale e non può da sola provare di non essere stata modificata. Fa fede la copia firmata digitalmente dalla commissione.',
                    fontSize: 7.5,
                  },
                ],
              },
        ],
      ],
    },
    layout: {
      ...GRID,
      hLineColor: () => (signed ? OUTCOME_COLORS.pass : OUTCOME_COLORS.fail),
      vLineColor: () => (signed ? OUTCOME_COLORS.pass : OUTCOME_COLORS.fail),
      hLineWidth: () => 1,
      vLineWidth: () => 1,
      paddingTop: () => 5,
      paddingBottom: () => 5,
      paddingLeft: () => 6,
    },
    margin: [0, 10, 0, 0],
  };
  const heading: Content[] = [
    { text: ctx.territory.reportHeading.title, style: 'zone' },
    { text: ctx.territory.reportHeading.subtitle, style: 'conference' },
  ];
  return [
    // The authority's emblem, when its data names one, to the left of its name (report/emblem.ts).
    ...(ctx.territory.reportHeading.emblem
      ? [
          {
            // An empty column as wide as the emblem's keeps the authority's name centred on the page.
            columns: [
              { image: 'emblem', fit: [46, 46], width: 54 },
              { width: '*', stack: heading, margin: [0, 6, 0, 0] },
              { width: 54, text: '' },
            ],
          } as Content,
        ]
      : heading),
    { canvas: [{ type: 'line', x1: 0, y1: 0, x2: CONTENT_WIDTH, y2: 0, lineWidth: 1.2, lineColor: ACCENT }], margin: [0, 6, 0, 8] },
    {
      columns: [
        {
          width: '*',
          stack: [{ text: `${ctx.territory.reportHeading.documentTitle.toUpperCase()} PER:`, style: 'formTitle' }, ...purposeLines],
        },
        {
          width: 150,
          stack: [
            { text: 'Data', style: 'label', alignment: 'right' },
            { text: formatItalianDate(file.visit.date), fontSize: 13, bold: true, alignment: 'right' },
          ],
        },
      ],
    },
    ...whereAndWhen(file.visit),
    { table: { widths: [150, '*'], body: serviceRows }, layout: GRID, margin: [0, 10, 0, 0] },
    notice,
  ];
}

/** «Luogo: …» and «Ora: dalle 09:30 alle 12:15» under the heading, each only when recorded (a file sealed before them has neither). */
function whereAndWhen(visit: InspectionFile['visit']): Content[] {
  const time = visitTimeText(visit.startTime, visit.endTime);
  const lines: Array<[string, string]> = [];
  if (visit.place) lines.push(['Luogo: ', visit.place]);
  if (time) lines.push(['Ora: ', time]);
  return lines.map(([label, value], i) => ({ text: [{ text: label, bold: true }, value], margin: [0, i === 0 ? 8 : 1, 0, 0] }) as Content);
}

function summaryBlock(ctx: Ctx): Content[] {
  const counts = Object.fromEntries(OUTCOME_ORDER.map((o) => [o, ctx.result.findings.filter((f) => f.outcome === o).length])) as Record<
    Outcome,
    number
  >;
  const members = membersOf(ctx);
  return [
    { text: 'Esito sintetico', style: 'subTitle', margin: [0, 12, 0, 4] },
    {
      table: {
        widths: ['*', '*', '*', '*'],
        body: [
          OUTCOME_ORDER.map((o) => ({ text: OUTCOME_LABELS[o], style: 'th', fillColor: HEAD_FILL, alignment: 'center' }) as TableCell),
          OUTCOME_ORDER.map(
            (o) => ({ text: String(counts[o]), fontSize: 14, bold: true, color: OUTCOME_COLORS[o], alignment: 'center' }) as TableCell,
          ),
        ],
      },
      layout: GRID,
    },
    {
      text: 'Il dettaglio dei rilievi, con gli articoli di riferimento, è riportato dopo le sezioni della scheda; le prescrizioni con i termini di adempimento seguono i rilievi.',
      style: 'muted',
      margin: [0, 3, 0, 0],
    },
    { text: 'Commissione presente alla visita', style: 'subTitle', margin: [0, 10, 0, 4] },
    members.length
      ? {
          ul: members.map((m) => ({ text: [{ text: m.name, bold: true }, m.role ? ` — ${m.role}` : ''] as Content[] }) as Content),
          margin: [6, 0, 0, 0],
        }
      : { text: 'Componenti non indicati', style: 'muted' },
    // Recorded at sealing when the commission the Scheda requires was not all present and signing.
    ...(ctx.file.visit.commissionIncompleteReason
      ? [
          {
            text: [{ text: 'Sigillata senza la commissione completa. Motivo: ', bold: true }, ctx.file.visit.commissionIncompleteReason],
            margin: [0, 4, 0, 0],
          } as Content,
        ]
      : []),
  ];
}

function membersOf(ctx: Ctx): ReportMember[] {
  return ctx.input.members ?? ctx.file.visit.members ?? [];
}

// ───────────────────────────── sections A–F, ACC ─────────────────────────────

function sectionTable(ctx: Ctx, section: ChecklistSection, title: string, leadRows: TableCell[][]): Content {
  const items = applicableItems(ctx.checklist, {
    type: ctx.file.service.type,
    purpose: ctx.file.visit.purpose,
    accredited: Boolean(ctx.file.service.accreditation),
  }).filter((i) => i.section === section.id);
  const answers = ctx.file.answers ?? {};
  const body: TableCell[][] = [
    titleRow(title, 3),
    [headerCell(section.requirementHeading), headerCell('DATI VERIFICATI'), headerCell('ESITO E NOTE')],
    ...leadRows,
  ];
  // The explanatory text (section C) is printed once, as the first body row.
  if (section.intro) body.push([{ text: section.intro, style: 'intro', colSpan: 3 } as TableCell, {}, {}]);
  const headRows = body.length;
  // Consecutive items citing the same article share one article cell, as on the printed form.
  let i = 0;
  while (i < items.length) {
    const article = items[i]!.article;
    let j = i;
    while (j < items.length && items[j]!.article === article) j++;
    const block = items.slice(i, j);
    const rows: TableCell[][] = [];
    let group: string | undefined;
    for (const item of block) {
      if (item.group && item.group !== group)
        rows.push([{}, { text: item.group, bold: true, decoration: 'underline', colSpan: 2 } as TableCell, {}]);
      group = item.group;
      rows.push([{}, { text: displayText(item.text) }, answerCell(ctx, item, answers[item.id])]);
    }
    rows[0]![0] = { text: article, style: 'article', rowSpan: rows.length } as TableCell;
    body.push(...rows);
    i = j;
  }
  if (body.length === headRows && !leadRows.length)
    body.push([
      {
        text: 'Nessuna voce di questa sezione si applica alla tipologia e alla finalità della visita.',
        colSpan: 3,
        style: 'muted',
      } as TableCell,
      {},
      {},
    ]);
  return { table: { headerRows: 2, keepWithHeaderRows: 1, widths: [105, '*', 150], body }, layout: GRID, margin: [0, 12, 0, 0] };
}

function sectionA(ctx: Ctx): TableCell[][] {
  const type = ctx.file.service.type;
  return [
    [
      { text: ctx.territory.serviceTypesHeading, style: 'article' },
      {
        stack: [
          { text: 'Tipologia di servizio:' },
          ...SERVICE_TYPES.map(
            (t) =>
              ({
                text: `${box(t === type)} ${ctx.territory.serviceTypes[t].label}`,
                bold: t === type,
                color: t === type ? INK : MUTED,
                margin: [6, 1, 0, 0],
              }) as Content,
          ),
        ],
      },
      { text: 'Dalla scheda anagrafica del servizio', style: 'muted' },
    ],
  ];
}

function sectionB(ctx: Ctx): TableCell[][] {
  const { file, rs, result } = ctx;
  const type = file.service.type;
  const rules = rs.serviceTypes[type];
  const children = file.children ?? [];
  const sum = (k: 'enrolled' | 'present'): number | undefined => {
    const values = children.map((c) => c[k]).filter((n): n is number => n !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  const capacityLines: Content[] = SERVICE_TYPES.map((t) => {
    const r = rs.serviceTypes[t];
    const range = r.enrolmentTolerance
      ? `fra ${r.capacity.min} e ${r.capacity.max} tolleranza max ${r.enrolmentAbsoluteMax}`
      : `fra ${r.capacity.min} e ${r.capacity.max}`;
    const selected = t === type;
    return {
      text: selected
        ? [
            { text: `${CHECKED} ${ctx.territory.serviceTypes[t].label} (${range})`, bold: true },
            `\n      capienza n. ${file.service.capacity} — n. iscritti ${dash(sum('enrolled'))} — presenza rilevata n. ${dash(sum('present'))}` +
              (rules.enrolmentTolerance ? ` — iscrivibili al massimo ${enrolmentCeiling(rules, file.service.capacity)}` : ''),
          ]
        : { text: `${UNCHECKED} ${ctx.territory.serviceTypes[t].label} (${range})`, color: MUTED },
      margin: [6, 1, 0, 0],
    } as Content;
  });
  const capacityRow: TableCell[] = [
    { text: 'Artt. 25 – 32 – 39 – 42 c.2 Ricettività e dimensionamento delle diverse tipologie di servizi', style: 'article' },
    { stack: [{ text: 'Capienza struttura:' }, ...capacityLines] },
    findingCell([
      ctx.findingsByRule.get('capacity.range'),
      ctx.findingsByRule.get('enrollment.ceiling'),
      ctx.findingsByRule.get('presence.capacity'),
    ]),
  ];

  const table = ctx.checklist.countsTables.find((t) => t.serviceType === type);
  const ratioRows: TableCell[][] = [];
  if (table) {
    const byBand = new Map(children.map((c) => [c.band, c]));
    const bandLabel = (id: string) => rules.bands.find((b) => b.id === id)?.label ?? id;
    const childBody: TableCell[][] = [
      [
        headerCell(table.title.toUpperCase()),
        headerCell(table.childrenColumns[0], { alignment: 'center' }),
        headerCell(table.childrenColumns[1], { alignment: 'center' }),
      ],
      ...table.bands.map(
        (band) =>
          [
            { text: bandLabel(band) },
            { text: dash(byBand.get(band)?.enrolled), alignment: 'center' },
            { text: dash(byBand.get(band)?.present), alignment: 'center' },
          ] as TableCell[],
      ),
      [
        { text: 'Totale', bold: true },
        { text: dash(sum('enrolled')), alignment: 'center', bold: true },
        { text: dash(sum('present')), alignment: 'center', bold: true },
      ],
    ];
    const staff = file.staffCounts ?? {};
    const req = result.required;
    // As on the Scheda, the staff rows sit under a "Previsti | Presenti" sub-header of the same
    // table; each figure found is printed with the figure the rules require beside it.
    const figure = (found: number | undefined, required: number | null): TableCell => {
      const short = found !== undefined && required !== null && found < required;
      return {
        text: [
          { text: dash(found), bold: true, color: short ? OUTCOME_COLORS.fail : INK },
          { text: required === null ? '' : `  (necessari ${required})`, color: ACCENT, fontSize: 7 },
        ],
        alignment: 'center',
      } as TableCell;
    };
    const staffRows: TableCell[][] = [
      [headerCell(''), headerCell('Previsti', { alignment: 'center' }), headerCell('Presenti', { alignment: 'center' })],
      ...table.staffRows.map((r) => {
        const found = staff[r.key];
        const planned = r.key === 'educators' ? req.educatorsPlanned : req.auxiliariesPlanned;
        const present = r.key === 'educators' ? req.educatorsPresent : req.auxiliariesPresent;
        return [{ text: r.label }, figure(found?.planned, planned), figure(found?.present, present)] as TableCell[];
      }),
    ];
    const ratioText = rules.bands.every((b) => b.childrenPerEducator !== null)
      ? `Necessari: educatori sull'80% degli iscritti (previsti) e sui presenti alla visita, per fascia d'età${rules.childrenPerAuxiliary ? `; addetti 1 ogni ${rules.childrenPerAuxiliary} bambini` : ''}.`
      : 'La Scheda non fissa un rapporto numerico per questa tipologia: si riportano i dati rilevati.';
    ratioRows.push([
      {
        stack: [
          { text: 'Artt. 27 – 34 – 41 rapporto numerico fra educatori e bambini', style: 'article' },
          { text: 'riferito a non meno dell’80% dei bambini complessivamente iscritti', style: 'muted', margin: [0, 3, 0, 0] },
        ],
      },
      {
        colSpan: 2,
        columns: [
          {
            width: 250,
            stack: [
              { table: { widths: ['*', 72, 72], body: [...childBody, ...staffRows] }, layout: GRID },
              { text: ratioText, style: 'muted', margin: [0, 3, 0, 0] },
            ],
          },
          {
            width: '*',
            stack: [
              findingCell([
                ctx.findingsByRule.get('ratio.educators.planned'),
                ctx.findingsByRule.get('ratio.educators.present'),
                ...(rules.childrenPerAuxiliary
                  ? [ctx.findingsByRule.get('ratio.auxiliaries.planned'), ctx.findingsByRule.get('ratio.auxiliaries.present')]
                  : []),
              ]) as Content,
            ],
          },
        ],
        columnGap: 8,
      } as TableCell,
      {},
    ]);
  }
  return [capacityRow, ...ratioRows];
}

function sectionsContent(ctx: Ctx): Content[] {
  const out: Content[] = [];
  for (const section of ctx.checklist.sections) {
    if (
      section.id === 'ACC' &&
      !applicableItems(ctx.checklist, { purpose: ctx.file.visit.purpose, accredited: Boolean(ctx.file.service.accreditation) }).some(
        (i) => i.section === 'ACC',
      )
    )
      continue;
    const title = section.id === 'ACC' ? section.title.toUpperCase() : `${section.id} – ${section.title.toUpperCase()}`;
    const lead = section.id === 'A' ? sectionA(ctx) : section.id === 'B' ? sectionB(ctx) : [];
    out.push(sectionTable(ctx, section, title, lead));
  }
  return out;
}

// ───────────────────────────── findings, prescriptions, signatures ─────────────────────────────

function ruleLabel(ctx: Ctx, rule: string): string {
  if (rule in RULE_LABELS) return RULE_LABELS[rule as keyof typeof RULE_LABELS];
  // A territory's own check (the rule set's `checks`) is named by its subject, as its message begins.
  const check = namedChecks(ctx.rs).find((c) => c.id === rule);
  if (check) return check.subject;
  const item = ctx.itemsById.get(rule);
  if (!item) return rule;
  const section = item.section === 'ACC' ? 'Scheda, accreditamento' : `Scheda, sezione ${item.section}`;
  return item.group ? `${section} – ${item.group.replace(/:$/, '')}` : section;
}

function findingsContent(ctx: Ctx): Content[] {
  const sorted = [...ctx.result.findings].sort((a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome));
  const body: TableCell[][] = [
    titleRow(
      'RILIEVI',
      4,
      `Verifiche calcolate dalle regole del set ${ctx.file.ruleSet} sui dati rilevati e voci della scheda risultate non conformi, in ordine di gravità.`,
    ),
    [headerCell('Esito'), headerCell('Verifica'), headerCell('Riferimento normativo'), headerCell('Dettaglio')],
    ...sorted.map(
      (f) =>
        [
          outcomeChip(f.outcome) as TableCell,
          { text: ruleLabel(ctx, f.rule) },
          { text: f.article, style: 'article' },
          { text: findingText(f) },
        ] as TableCell[],
    ),
  ];
  return [
    {
      table: { headerRows: 2, keepWithHeaderRows: 1, widths: [58, 105, 95, '*'], body, dontBreakRows: true },
      layout: GRID,
      fontSize: 7.5,
      margin: [0, 12, 0, 0],
    },
  ];
}

const capitalised = (s: string) => s.charAt(0).toLocaleUpperCase('it') + s.slice(1);

function prescriptionsContent(ctx: Ctx): Content[] {
  const name = ctx.territory.prescription;
  const list = ctx.input.prescriptions ?? [];
  const out: Content[] = [];
  if (!list.length) {
    out.push({
      stack: [sectionBar(name.plural.toUpperCase()), { text: `Nessuna ${name.singular} impartita.`, margin: [0, 2, 0, 0] }],
      unbreakable: true,
    });
    return out;
  }
  out.push({
    margin: [0, 12, 0, 0],
    table: {
      headerRows: 2,
      keepWithHeaderRows: 1,
      widths: [16, 120, '*', 62],
      dontBreakRows: true,
      body: [
        titleRow(name.plural.toUpperCase(), 4),
        [headerCell('N.'), headerCell('Rilievo'), headerCell(capitalised(name.singular)), headerCell('Termine')],
        ...list.map((p, i) => {
          const f = ctx.findingsByRule.get(p.rule);
          return [
            { text: String(i + 1), alignment: 'right' },
            { stack: [{ text: ruleLabel(ctx, p.rule), bold: true }, ...(f ? [{ text: f.article, style: 'article' }] : [])] },
            { text: p.text },
            { text: formatItalianDate(p.deadline), bold: true },
          ] as TableCell[];
        }),
      ],
    },
    layout: GRID,
  });
  return out;
}

/**
 * «Verifica delle prescrizioni»: the earlier visits' prescriptions checked at this visit (the file's
 * `verifications`, issue 14), each «ottemperata» or «non ottemperata» with the consequence and its
 * article. Absent from files made before follow-ups, and then not printed: their report is unchanged.
 */
function verificationsContent(ctx: Ctx): Content[] {
  const list = ctx.file.verifications ?? [];
  if (!list.length) return [];
  const name = ctx.territory.prescription;
  return [
    {
      margin: [0, 12, 0, 0],
      table: {
        headerRows: 2,
        keepWithHeaderRows: 1,
        widths: [62, '*', 62, 150],
        dontBreakRows: true,
        body: [
          titleRow(
            `VERIFICA DELLE ${name.plural.toUpperCase()}`,
            4,
            `${capitalised(name.plural)} impartite nelle visite precedenti, verificate in questa visita.`,
          ),
          [headerCell('Visita'), headerCell(capitalised(name.singular)), headerCell('Termine'), headerCell('Esito')],
          ...list.map(
            (v) =>
              [
                { text: formatItalianDate(v.prescription.visitDate) },
                { stack: [{ text: ruleLabel(ctx, v.prescription.rule), bold: true }, { text: v.prescription.text }] },
                { text: formatItalianDate(v.prescription.deadline) },
                {
                  stack: [
                    { text: VERIFICATION_LABELS[v.outcome], bold: true },
                    ...(v.consequence ? [{ text: consequenceText(v.consequence), style: 'article' }] : []),
                    ...(v.note ? [{ text: `Nota: ${v.note}` }] : []),
                  ],
                },
              ] as TableCell[],
          ),
        ],
      },
      layout: GRID,
    },
  ];
}

const SIG_W = 210;
const SIG_H = (SIG_W * 300) / 1000;

/** Draws the captured strokes (0..1000 × 0..300) scaled into the signature box. */
function strokesCanvas(sig: Signature | undefined): Content {
  const s = SIG_W / 1000;
  const shapes: unknown[] = [];
  for (const stroke of sig?.strokes ?? []) {
    if (stroke.length === 1) {
      const [x, y] = stroke[0]!;
      shapes.push({ type: 'ellipse', x: x * s, y: y * s, r1: 0.9, r2: 0.9, color: INK });
    } else {
      shapes.push({
        type: 'polyline',
        lineWidth: 1.1,
        lineColor: INK,
        lineCap: 'round',
        lineJoin: 'round',
        points: stroke.map(([x, y]) => ({ x: x * s, y: y * s })),
      });
    }
  }
  // The baseline is part of the same canvas, so the box keeps its height when nothing was captured.
  shapes.push({ type: 'line', x1: 0, y1: SIG_H + 2, x2: SIG_W, y2: SIG_H + 2, lineWidth: 0.6, lineColor: MUTED });
  return { canvas: shapes } as unknown as Content;
}

function signaturesContent(ctx: Ctx): Content[] {
  const sigs = ctx.input.signatures ?? [];
  const blocks: Content[] = ctx.checklist.signatories.map((signatory, i) => {
    const sig = sigs.find((s) => s.signatory === signatory.id);
    const label = signatoryTitle(signatory, sig?.name, membersOf(ctx), ctx.file.service.comune);
    return {
      margin: [0, 8, 0, 0],
      columns: [
        {
          width: '*',
          stack: [
            { text: label, bold: true },
            { text: sig ? sig.name : 'firma non acquisita', style: sig ? undefined : 'muted', margin: [0, 3, 0, 0] },
            // A digitally signed report keeps an empty rectangle here for the appearance of a digital
            // signature (appearance.ts), found by the signer through this named destination.
            ...(ctx.input.digitallySigned === true
              ? [
                  {
                    id: `${SLOT_DEST_PREFIX}${i + 1}.${signatory.id}`,
                    text: '\u00a0',
                    fontSize: 1,
                    lineHeight: 1,
                    margin: [0, 5, 0, SLOT_HEIGHT],
                  },
                ]
              : []),
          ],
        },
        {
          width: SIG_W,
          stack: [strokesCanvas(sig), { text: sig ? sig.name : '', fontSize: 7, alignment: 'center', color: MUTED }],
        },
      ],
    } as Content;
  });
  // Title, date and the three signatures stay on one page.
  return [
    {
      stack: [
        sectionBar('FIRME'),
        { text: `Letto, confermato e sottoscritto il ${formatItalianDate(ctx.file.visit.date)}.`, margin: [0, 0, 0, 2] },
        ...blocks,
      ],
      unbreakable: true,
    },
  ];
}

/** In place of the picture: a framed box the size of one, saying why and which file it was. */
function unreadablePhoto(p: ReportPhoto): Content {
  return {
    table: {
      widths: ['*'],
      heights: [150],
      body: [
        [
          {
            stack: [
              { text: 'Immagine illeggibile', bold: true, margin: [0, 40, 0, 4] },
              { text: `La foto non può essere riprodotta: ${p.unreadable}.`, style: 'muted' },
              { text: `SHA-256 del file conservato: ${sha256Hex(p.bytes)}`, style: 'muted', fontSize: 6, margin: [0, 4, 0, 0] },
            ],
            alignment: 'center',
          },
        ],
      ],
    },
    layout: { hLineColor: () => RULE_LINE, vLineColor: () => RULE_LINE },
  } as Content;
}

function photosContent(ctx: Ctx): Content[] {
  const photos = ctx.input.photos ?? [];
  if (!photos.length) return [];
  const cells: Content[] = photos.map((p, i) => {
    const item = p.itemId ? ctx.itemsById.get(p.itemId) : undefined;
    return {
      unbreakable: true,
      stack: [
        p.unreadable !== undefined ? unreadablePhoto(p) : { image: `photo${i}`, fit: [240, 180], alignment: 'center' },
        { text: [{ text: `Foto ${i + 1}. `, bold: true }, p.caption || 'senza didascalia'] as Content[], margin: [0, 3, 0, 0] },
        ...(item
          ? [
              {
                text: `Riferita alla voce «${displayText(item.text)}» (${item.section === 'ACC' ? 'accreditamento' : `sezione ${item.section}`})`,
                style: 'muted',
              },
            ]
          : []),
      ],
      margin: [0, 0, 0, 12],
    } as Content;
  });
  const rows: Content[] = [];
  for (let i = 0; i < cells.length; i += 2)
    rows.push({
      columns: [
        { width: '*', stack: [cells[i]!] },
        { width: '*', stack: cells[i + 1] ? [cells[i + 1]!] : [] },
      ],
      columnGap: 16,
    } as Content);
  return [sectionBar('ALLEGATO – DOCUMENTAZIONE FOTOGRAFICA', { pageBreak: true }), ...rows];
}

// ───────────────────────────── the document ─────────────────────────────

/** Titles can end up in XMP metadata, which pdfkit writes without escaping. */
function xmpSafe(text: string): string {
  return text.replace(/&/g, 'e').replace(/[<>]/g, '');
}

export function reportDefinition(input: ReportInput): TDocumentDefinitions {
  const ctx = prepare(input);
  const { file } = ctx;
  const images: Record<string, string> = {};
  const emblem = ctx.territory.reportHeading.emblem;
  if (emblem) images.emblem = emblemDataUrl(emblem.file);
  (input.photos ?? []).forEach((p, i) => {
    if (p.unreadable !== undefined) return;
    images[`photo${i}`] = `data:${p.mime};base64,${Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).toString('base64')}`;
  });
  const runningTitle = `${ctx.territory.reportHeading.documentTitle} – ${file.service.name} – ${formatItalianDate(file.visit.date)}`;
  const demo = file.demo === true;
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    version: '1.7',
    subset: 'PDF/A-2b',
    // No structure tree is drawn (pdfmake 0.3 leaves it empty): the PDF does not claim to be tagged.
    tagged: false,
    language: 'it-IT',
    displayTitle: true,
    info: {
      title: xmpSafe(runningTitle),
      author: ctx.territory.reportHeading.author,
      subject: xmpSafe(`Ispezione ${input.inspectionId}, revisione ${input.revision}, impronta SHA-256 ${input.contentHash}`),
      keywords: `vigilanza nidi; ${file.ruleSet}; ${input.contentHash}`,
      creator: 'Vigilanza Nidi',
      producer: 'Vigilanza Nidi (pdfmake)',
      creationDate: input.createdAt ?? new Date(),
    },
    images,
    // Demo data (`--demo`) prints as such on every page, in words a text search finds and across the
    // page: a printed or forwarded demo report must never pass for an act of the Commission.
    ...(demo ? { watermark: { text: 'DEMO', color: DEMO_INK, opacity: 0.12, bold: true, fontSize: 150, angle: -45 } } : {}),
    header: (currentPage: number) => {
      const title =
        currentPage === 1
          ? null
          : { text: xmpSafe(runningTitle), fontSize: 7, color: MUTED, alignment: 'right', margin: [0, demo ? 2 : 0, 0, 0] };
      const banner = demo ? { text: DEMO_BANNER, fontSize: 9, bold: true, color: DEMO_INK, alignment: 'center' } : null;
      if (!title && !banner) return null;
      return { margin: [PAGE_MARGINS[0], demo ? 12 : 22, PAGE_MARGINS[2], 0], stack: [banner, title].filter((x) => x !== null) };
    },
    footer: (currentPage: number, pageCount: number) => ({
      margin: [PAGE_MARGINS[0], 14, PAGE_MARGINS[2], 0],
      fontSize: 6.5,
      color: MUTED,
      stack: [
        { canvas: [{ type: 'line', x1: 0, y1: 0, x2: CONTENT_WIDTH, y2: 0, lineWidth: 0.4, lineColor: RULE_LINE }], margin: [0, 0, 0, 3] },
        {
          columns: [
            { width: '*', text: `Ispezione ${input.inspectionId} · revisione ${input.revision} · scheda ${file.ruleSet}` },
            { width: 90, text: `Pagina ${currentPage} di ${pageCount}`, alignment: 'right', bold: true, fontSize: 7.5, color: INK },
          ],
        },
        { text: `Impronta del contenuto (SHA-256): ${input.contentHash}` },
      ],
    }),
    content: [
      ...titleBlock(ctx),
      ...summaryBlock(ctx),
      ...sectionsContent(ctx),
      ...findingsContent(ctx),
      ...prescriptionsContent(ctx),
      ...verificationsContent(ctx),
      ...signaturesContent(ctx),
      ...photosContent(ctx),
    ],
    defaultStyle: { font: FONT_FAMILY, fontSize: 8, lineHeight: 1.15, color: INK },
    styles: {
      zone: { fontSize: 14, bold: true, alignment: 'center', color: ACCENT, characterSpacing: 1 },
      conference: { fontSize: 9.5, alignment: 'center', color: ACCENT, margin: [0, 2, 0, 0] },
      formTitle: { fontSize: 11, bold: true, color: ACCENT, margin: [0, 0, 0, 3] },
      sectionTitle: { fontSize: 9.5, bold: true, color: ACCENT },
      subTitle: { fontSize: 9.5, bold: true, color: ACCENT },
      th: { fontSize: 7, bold: true, color: ACCENT },
      article: { fontSize: 7.5, bold: true, color: ACCENT },
      label: { fontSize: 7.5, color: MUTED },
      muted: { fontSize: 7, color: MUTED, italics: true },
      intro: { fontSize: 7.5, italics: true, color: MUTED, margin: [0, 0, 0, 4] },
    },
  } as TDocumentDefinitions;
}
