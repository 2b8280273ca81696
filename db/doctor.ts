/**
 * The whole-folder check behind `vigilanza doctor`: everything the app checks on each read, for
 * every row at once, plus what no read looks at (the audit chain, every blob's bytes, the
 * outbox's identities and frozen bundles, SQLite's own structure). Read-only.
 */
import Database from 'better-sqlite3';
import { getChecklist } from '../shared/checklist/index.ts';
import { parseSealedFile } from '../shared/inspection.ts';
import { countOutcomes, evaluate, OUTCOMES_EVALUATION, RULE_SETS } from '../shared/rules/index.ts';
import { StoreError } from './errors.ts';
import { LATEST_VERSION } from './migrations/index.ts';
import { BLOBS_CLEAR_PENDING } from './migrations/007_personal_data_at_rest.ts';
import type { Store } from './store.ts';

/**
 * Why a folder must be brought up to date by the app before it is checked, or null. Opening it
 * with the Store would migrate it (re-chain the audit log, rebuild tables, re-encrypt files):
 * the check would change the very evidence it is asked to examine. Read-only connection.
 */
export function needsUpgradeBeforeCheck(dbPath: string): string | null {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version < LATEST_VERSION) return `il database è dello schema ${version}, questa versione usa lo schema ${LATEST_VERSION}`;
    const pending = db.prepare('SELECT 1 FROM meta WHERE key = ?').get(BLOBS_CLEAR_PENDING);
    return pending ? 'la cifratura dei file di una versione precedente non è ancora terminata' : null;
  } finally {
    db.close();
  }
}

export type DoctorProblemKind = 'sqlite' | 'sealed' | 'seal_head' | 'audit' | 'blob' | 'outbox' | 'outcomes';

export interface DoctorProblem {
  kind: DoctorProblemKind;
  message: string;
  inspectionId?: string;
  seq?: number;
  sha256?: string;
}

export interface DoctorReport {
  checked: { sealedRevisions: number; auditEntries: number; blobs: number; outbox: number };
  problems: DoctorProblem[];
}

interface Bundle {
  attachments?: Array<{ sha256: string; kind: 'photo' | 'report'; name: string }>;
  prescriptions?: Array<{ rule: string; text: string; deadline: string }>;
}

export function checkDataFolder(store: Store): DoctorReport {
  const db = store.db;
  const problems: DoctorProblem[] = [];

  const sqlite = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
    .map((r) => r.integrity_check)
    .filter((m) => m !== 'ok');
  for (const m of sqlite) problems.push({ kind: 'sqlite', message: `struttura del database SQLite danneggiata: ${m}` });

  // The counts the lists show (migration 008) are derived from the sealed file: the ones this build
  // would use must be what evaluating the file gives, or a list would hide a non-conformity.
  const storedOutcomes = db.prepare(
    'SELECT o.pass, o.warn, o.fail, o.na FROM inspection_outcomes o JOIN inspections i ON i.id = o.inspection_id AND i.content_hash = o.content_hash WHERE o.inspection_id = ? AND o.evaluation = ?',
  );
  const checkOutcomes = (id: string) => {
    const saved = storedOutcomes.get(id, OUTCOMES_EVALUATION) as Record<string, number> | undefined;
    if (!saved) return;
    const file = parseSealedFile(JSON.parse(store.inspections.sealedFile(id)!));
    const rs = file.ok ? RULE_SETS.get(file.value.ruleSet) : undefined;
    const counts = file.ok && rs ? countOutcomes(evaluate(file.value, rs, getChecklist(file.value.ruleSet)).findings) : null;
    if (!counts || (['pass', 'warn', 'fail', 'na'] as const).some((k) => counts[k] !== saved[k]))
      problems.push({
        kind: 'outcomes',
        inspectionId: id,
        message: `Integrità compromessa: ispezione ${id}: gli esiti contati per gli elenchi (non conformità ${saved.fail}) non sono quelli del file sigillato${counts ? ` (${counts.fail})` : ''}; sono un dato derivato: eliminandone la riga l'app li ricalcola`,
      });
  };

  const sealed = db
    .prepare("SELECT id, content_hash, audit_seq, audit_hash FROM inspections WHERE status <> 'draft' ORDER BY sealed_at, id")
    .all() as Array<{ id: string; content_hash: string | null; audit_seq: number | null; audit_hash: string | null }>;
  for (const r of sealed) {
    try {
      store.inspections.content(r.id); // checks the sealed file, its hash, the clear columns and the answers
      checkOutcomes(r.id);
    } catch (e) {
      if (!(e instanceof StoreError) || e.code !== 'integrity') throw e;
      problems.push({ kind: 'sealed', inspectionId: r.id, message: e.message });
    }
    // The head recorded at sealing must still be the chain's entry at that seq: the «sigillata» of this revision, with its hash.
    if (r.audit_seq === null) continue;
    const entry = db.prepare('SELECT inspection_id, action, detail, hash FROM audit_log WHERE seq = ?').get(r.audit_seq) as
      { inspection_id: string; action: string; detail: string; hash: string | null } | undefined;
    const contentHash = entry ? (JSON.parse(entry.detail) as { contentHash?: unknown }).contentHash : undefined;
    if (
      !entry ||
      entry.hash !== r.audit_hash ||
      entry.inspection_id !== r.id ||
      entry.action !== 'sigillata' ||
      contentHash !== r.content_hash
    )
      problems.push({
        kind: 'seal_head',
        inspectionId: r.id,
        seq: r.audit_seq,
        message: `Integrità compromessa: ispezione ${r.id}: la voce ${r.audit_seq} del registro non è più il sigillo registrato (storia riscritta)`,
      });
  }

  const chain = store.audit.verifyChain();
  for (const p of chain.problems) problems.push({ kind: 'audit', seq: p.seq, message: `Integrità compromessa: ${p.message}` });

  const blobs = store.blobs;
  const referenced = db
    .prepare('SELECT sha256, inspection_id FROM photos UNION SELECT sha256, inspection_id FROM attachments ORDER BY 1')
    .all() as Array<{ sha256: string; inspection_id: string }>;
  const seen = new Set<string>();
  for (const b of referenced) {
    if (seen.has(b.sha256)) continue;
    seen.add(b.sha256);
    try {
      blobs.get(b.sha256);
    } catch (e) {
      const missing = e instanceof StoreError && e.code === 'not_found';
      problems.push({
        kind: 'blob',
        sha256: b.sha256,
        inspectionId: b.inspection_id,
        message: `Integrità compromessa: file ${b.sha256.slice(0, 12)}… (ispezione ${b.inspection_id}) ${missing ? 'mancante' : 'alterato: il contenuto non corrisponde all’impronta'}`,
      });
    }
  }

  const outbox = db
    .prepare(
      `SELECT o.id, o.inspection_id, o.visit_id, o.revision, o.content_hash, o.bundle, i.visit_id AS i_visit, i.revision AS i_revision, i.content_hash AS i_hash, i.status AS i_status
    FROM outbox o LEFT JOIN inspections i ON i.id = o.inspection_id ORDER BY o.created_at, o.rowid`,
    )
    .all() as Array<{
    id: string;
    inspection_id: string;
    visit_id: string;
    revision: number;
    content_hash: string;
    bundle: string | null;
    i_visit: string | null;
    i_revision: number | null;
    i_hash: string | null;
    i_status: string | null;
  }>;
  for (const o of outbox) {
    const bad = (what: string) =>
      problems.push({
        kind: 'outbox',
        inspectionId: o.inspection_id,
        message: `Integrità compromessa: coda di invio, revisione ${o.visit_id}/${o.revision}: ${what}`,
      });
    if (o.i_status === null) bad("l'ispezione in coda non esiste più");
    else if (o.i_status === 'draft') bad("l'ispezione in coda è tornata bozza");
    else if (o.i_hash !== o.content_hash || o.i_visit !== o.visit_id || o.i_revision !== o.revision)
      bad("identità (visita, revisione, impronta) diversa dall'ispezione sigillata");
    if (!o.bundle) continue;
    let bundle: Bundle;
    try {
      bundle = JSON.parse(o.bundle) as Bundle;
    } catch {
      bad('il contenuto già inviato non è leggibile');
      continue;
    }
    // What was frozen at the first send must still be the revision's photos, reports and prescriptions.
    for (const a of bundle.attachments ?? []) {
      const table = a.kind === 'photo' ? 'photos' : 'attachments';
      if (!db.prepare(`SELECT 1 FROM ${table} WHERE inspection_id = ? AND sha256 = ?`).get(o.inspection_id, a.sha256))
        bad(`${a.kind === 'photo' ? 'la foto' : 'il verbale'} ${a.sha256.slice(0, 12)}… già inviato non è più nell'ispezione`);
    }
    const prescriptions = db
      .prepare('SELECT rule, text, deadline FROM prescriptions WHERE inspection_id = ? ORDER BY deadline, created_at, id')
      .all(o.inspection_id);
    if (bundle.prescriptions && JSON.stringify(prescriptions) !== JSON.stringify(bundle.prescriptions))
      bad('le prescrizioni sono diverse da quelle già inviate');
  }

  return { checked: { sealedRevisions: sealed.length, auditEntries: chain.entries, blobs: seen.size, outbox: outbox.length }, problems };
}
