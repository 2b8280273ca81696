/**
 * The census outside the pages: the export of the validated sheets for the regional system (CSV,
 * XLSX through exceljs, JSON; layout in office/README.md, columns and keys named as the region names
 * them), the checks of every Comune (`vigilanza office census check`) and the import of monthly
 * attendance from the services' CSV/XLSX files, with one Italian message per bad row.
 */
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import {
  formatCents,
  monthLabel,
  OWNERSHIP_LABELS,
  SERVICE_STATUS_LABELS,
  SHEET_KINDS,
  SHEET_LABELS,
  type Campaign,
  type SheetKind,
} from '../shared/census/index.ts';
import { MONTH_NAMES } from '../shared/dates.ts';
import { toCsv, type Cell } from './review/csv.ts';
import type { CensusStore, FrozenAction, FrozenService } from './storage/census.ts';
import { serviceKey } from './storage/keys.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of each sheet: the region's names (the campaign's `missingServiceFields`) and ours after them. */
export function exportColumns(campaign: Campaign): Record<SheetKind, string[]> {
  const f = campaign.missingServiceFields;
  return {
    servizi: [
      'Comune',
      f.denominazione,
      f.indirizzo,
      f.titoloAutorizzativo,
      f.titolare,
      f.gestore,
      f.capacita,
      f.frequentanti,
      'Pubblico/Privato',
      'Sezione Primavera',
      'Stato',
      'Motivazione',
      'Aggiunto dal Comune',
    ],
    interventi: ['Comune', f.denominazione, 'Azione', 'Descrizione azione', 'Quota comunale', 'Descrizione'],
  };
}

/** One exported row: the value of each column, numbers as numbers (the CSV writes them with a decimal comma). */
export type ExportRow = Record<string, string | number | boolean | null>;

export interface CensusExport {
  campaign: Campaign;
  servizi: ExportRow[];
  interventi: ExportRow[];
}

/** The validated sheets of every Comune, as frozen when they were sent. */
export async function censusExport(store: CensusStore, campaign: Campaign): Promise<CensusExport> {
  const cols = exportColumns(campaign);
  const labels = new Map(campaign.actions.map((a) => [a.code, a.label]));
  const out: CensusExport = { campaign, servizi: [], interventi: [] };
  for (const comune of await store.comuni()) {
    const c = await store.census(campaign, comune);
    if (c.servizi.state === 'validata')
      for (const s of c.servizi.snapshot as FrozenService[])
        out.servizi.push(
          Object.fromEntries(
            [
              comune,
              s.denominazione,
              s.indirizzo,
              s.titoloAutorizzativo,
              s.titolare,
              s.gestore,
              s.capacita,
              s.frequentantiCents === null ? null : s.frequentantiCents / 100,
              s.ownership ? OWNERSHIP_LABELS[s.ownership] : null,
              s.sezionePrimavera,
              SERVICE_STATUS_LABELS[s.status],
              s.motivation || null,
              s.added,
            ].map((v, i) => [cols.servizi[i]!, v]),
          ),
        );
    if (c.interventi.state === 'validata')
      for (const a of c.interventi.snapshot as FrozenAction[])
        out.interventi.push(
          Object.fromEntries(
            [comune, a.denominazione, a.code, labels.get(a.code) ?? '', a.amountCents / 100, a.description].map((v, i) => [
              cols.interventi[i]!,
              v,
            ]),
          ),
        );
  }
  return out;
}

const NUMERIC = (campaign: Campaign) => new Set([campaign.missingServiceFields.frequentanti, 'Quota comunale']);

/** One sheet as CSV (office/review/csv.ts: `;`, CRLF, BOM); amounts and averages with a decimal comma, two places. */
export function exportCsv(e: CensusExport, kind: SheetKind): string {
  const cols = exportColumns(e.campaign)[kind];
  const numeric = NUMERIC(e.campaign);
  const cell = (col: string, v: ExportRow[string]): Cell =>
    typeof v === 'number' && numeric.has(col) ? formatCents(Math.round(v * 100)) : v;
  return toCsv(
    cols,
    e[kind].map((r) => cols.map((c) => cell(c, r[c]!))),
  );
}

/** Both sheets in one workbook, a worksheet each named as the region names the sheet (SERVIZI, INTERVENTI). */
export async function exportXlsx(e: CensusExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Vigilanza Nidi';
  const numeric = NUMERIC(e.campaign);
  for (const kind of SHEET_KINDS) {
    const cols = exportColumns(e.campaign)[kind];
    const ws = wb.addWorksheet(SHEET_LABELS[kind]);
    ws.columns = cols.map((c) => ({
      header: c,
      key: c,
      width: Math.max(12, c.length + 2),
      style: numeric.has(c) ? { numFmt: '#,##0.00' } : {},
    }));
    for (const r of e[kind]) ws.addRow(Object.fromEntries(cols.map((c) => [c, typeof r[c] === 'boolean' ? (r[c] ? 'sì' : 'no') : r[c]])));
    ws.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** JSON for the regional system: the campaign, then each sheet's rows keyed by the column names. */
export function exportJson(e: CensusExport): string {
  return `${JSON.stringify(
    {
      campagna: e.campaign.id,
      versione: e.campaign.version,
      regione: e.campaign.region,
      anno: e.campaign.year,
      servizi: e.servizi,
      interventi: e.interventi,
    },
    null,
    2,
  )}\n`;
}

/** Every failing check, per Comune and sheet: the lines `census check` prints. */
export async function censusCheckLines(store: CensusStore, campaign: Campaign): Promise<{ lines: string[]; failing: number }> {
  const lines: string[] = [];
  let failing = 0;
  for (const comune of await store.comuni()) {
    const c = await store.census(campaign, comune);
    for (const kind of SHEET_KINDS) {
      const problems = c[kind].problems;
      failing += problems.length;
      for (const p of problems) lines.push(`${comune} · ${SHEET_LABELS[kind]}: ${p.message}`);
    }
  }
  return { lines, failing };
}

// ---------- attendance import ----------
export interface AttendanceImport {
  rows: Array<{ serviceId: string; month: string; children: number }>;
  /** One Italian message per bad row («riga 4: …»); when any, nothing is saved. */
  errors: string[];
}

const HEADERS = {
  servizio: ['servizio', 'denominazione'],
  mese: ['mese'],
  frequentanti: ['frequentanti', 'bambini frequentanti'],
} as const;

/** «2024-03», «03/2024», «3/2024», «marzo 2024», or a spreadsheet date: the month as aaaa-mm. */
export function parseMonth(v: unknown): string | null {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 7);
  const t = String(v ?? '')
    .trim()
    .toLocaleLowerCase('it');
  let m = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (m) return month(Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return month(Number(m[2]), Number(m[1]));
  m = /^([a-z]+)\s+(\d{4})$/.exec(t);
  if (m) {
    const i = MONTH_NAMES.indexOf(m[1]!);
    return i < 0 ? null : month(Number(m[2]), i + 1);
  }
  return null;
}
const month = (y: number, m: number) => (m >= 1 && m <= 12 && y >= 2000 && y <= 2100 ? `${y}-${String(m).padStart(2, '0')}` : null);

/**
 * Reads a services' attendance file: a header row with «Servizio», «Mese», «Frequentanti» (any
 * order, any case), one row per service and month. The service is found by name among `services`
 * (the registry of the Comune being imported, or all of it). CSV with `;` or `,`, or XLSX (first sheet).
 */
export async function parseAttendanceFile(
  bytes: Buffer,
  fileName: string,
  services: ReadonlyArray<{ id: string; name: string; comune: string }>,
): Promise<AttendanceImport> {
  const wb = new ExcelJS.Workbook();
  const xlsx = /\.xlsx$/i.test(fileName);
  try {
    if (xlsx) await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    else {
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      const first = text.split(/\r?\n/, 1)[0] ?? '';
      await wb.csv.read(Readable.from([text]), { parserOptions: { delimiter: first.includes(';') ? ';' : ',' } });
    }
  } catch (e) {
    return { rows: [], errors: [`file non leggibile come ${xlsx ? 'XLSX' : 'CSV'}: ${(e as Error).message}`] };
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount < 1) return { rows: [], errors: ['il file è vuoto'] };
  const header = (ws.getRow(1).values as unknown[]).map((v) =>
    String(v ?? '')
      .trim()
      .toLocaleLowerCase('it'),
  );
  const col = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const at = { servizio: col(HEADERS.servizio), mese: col(HEADERS.mese), frequentanti: col(HEADERS.frequentanti) };
  const lacking = Object.entries(at)
    .filter(([, i]) => i < 0)
    .map(([k]) => `«${k[0]!.toUpperCase()}${k.slice(1)}»`);
  if (lacking.length) return { rows: [], errors: [`riga 1: mancano le colonne ${lacking.join(', ')}`] };
  const byName = new Map<string, Array<{ id: string; comune: string }>>();
  for (const s of services) byName.set(serviceKey(s.name), [...(byName.get(serviceKey(s.name)) ?? []), s]);
  const out: AttendanceImport = { rows: [], errors: [] };
  const seen = new Set<string>();
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values = row.values as unknown[];
    const cell = (i: number) => {
      const v = values[i];
      return v && typeof v === 'object' && !(v instanceof Date) && 'result' in v ? (v as { result: unknown }).result : v;
    };
    if ([at.servizio, at.mese, at.frequentanti].every((i) => String(cell(i) ?? '').trim() === '')) return;
    const problems: string[] = [];
    const name = String(cell(at.servizio) ?? '').trim();
    const found = byName.get(serviceKey(name)) ?? [];
    if (!name) problems.push('manca il servizio');
    else if (!found.length) problems.push(`servizio «${name}» non presente nel registro`);
    else if (found.length > 1) problems.push(`servizio «${name}» presente in più Comuni (${found.map((f) => f.comune).join(', ')})`);
    const m = parseMonth(cell(at.mese));
    if (!m) problems.push(`mese «${String(cell(at.mese) ?? '').trim()}» non valido (aaaa-mm, mm/aaaa o «gennaio 2024»)`);
    const raw = cell(at.frequentanti);
    const children = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw ?? '')) ? Number(String(raw).trim()) : NaN;
    if (!Number.isInteger(children) || children < 0 || children > 500)
      problems.push(`frequentanti «${String(raw ?? '').trim()}»: serve un numero intero da 0 a 500`);
    if (!problems.length && found.length === 1 && m) {
      const key = `${found[0]!.id}/${m}`;
      if (seen.has(key)) problems.push(`«${name}», ${monthLabel(m)} ripetuto`);
      seen.add(key);
      out.rows.push({ serviceId: found[0]!.id, month: m, children });
    }
    if (problems.length) out.errors.push(`riga ${n}: ${problems.join('; ')}`);
  });
  if (!out.rows.length && !out.errors.length) out.errors.push('nessuna riga di frequenze nel file');
  return out;
}
