/**
 * 010: the demo data seeded before 009 is marked demo.
 *
 * Before 009, `vigilanza serve --demo` seeded its made-up services and sealed visits as ordinary
 * rows, and sealing queued those visits for the office. 009 left every row it found real (nothing in
 * a row said otherwise), so a folder seeded then (scripts/start.sh's own `vigilanza-nidi-demo`)
 * still showed them without «DEMO» and would send them to an office once paired; `--demo` does not
 * seed it again (it has services already).
 *
 * The seed has always made the same nine services (host/demo.ts; these five fields are unchanged
 * since its first version). A service that has all five of one of them is the seed's: a person
 * does not type the same name, type, Comune, address and referente of a made-up service by chance.
 * Those services and every visit of theirs are marked demo. A revision of theirs queued for the
 * office that never left (no send started: no frozen bundle, never sent) is withdrawn from the
 * outbox; one that did leave keeps its row, the record of what was sent. Each visit marked gets an
 * audit entry saying so. The triggers of 009 that keep a row on its side are lifted for these
 * updates only, inside this migration's transaction, and put back as they were.
 */
import { AUDIT_GENESIS, chainHash, entryDigest } from '../../shared/audit-chain.ts';
import type { Migration } from './types.ts';

/** name, type, comune, address, referente of each service the demo seed has made. */
export const SEEDED_DEMO_SERVICES: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['Nido d’infanzia Il Girasole', 'nido', 'Bagno a Ripoli', 'Via Roma 41, Grassina', 'Cooperativa sociale Il Cerchio'],
  ['Nido La Coccinella', 'nido', 'Impruneta', 'Via di Cappello 7', 'Associazione Crescere Insieme'],
  ['Nido Arcobaleno', 'nido', 'Pontassieve', 'Piazza Vittorio Emanuele II 3', 'Comune di Pontassieve — gestione diretta'],
  ['Nido Il Melograno', 'nido', 'Barberino Tavarnelle', 'Via Cassia 112, Tavarnelle', 'Cooperativa Arca'],
  ['Spazio gioco Il Trenino', 'spazio_gioco', 'Greve in Chianti', 'Viale Giovanni da Verrazzano 18', 'Associazione Il Trenino'],
  ['Spazio gioco Girotondo', 'spazio_gioco', "Rignano sull'Arno", 'Via Garibaldi 22', 'Cooperativa Girotondo'],
  [
    'Centro bambini e famiglie La Casa sull’Albero',
    'centro_bambini_famiglie',
    'San Casciano in Val di Pesa',
    'Via dei Fossi 9',
    'Comune di San Casciano — servizi educativi',
  ],
  ['Piccoli Passi — educatrice domiciliare', 'domiciliare', 'Reggello', 'Via Dante Alighieri 30', 'Silvia Parigi (titolare)'],
  ['La Tana dei Cuccioli', 'domiciliare', 'Bagno a Ripoli', 'Via di Rimaggio 14', 'Elena Brogi (titolare)'],
];

/** 009's triggers that keep a row real or demo for good, and the outbox's no-delete. */
const LIFTED = ['inspections_demo_fixed', 'services_demo_fixed', 'outbox_no_delete'];

export const MARKED_ACTION = 'segnata come dimostrativa';

export const migration: Migration = {
  version: 10,
  name: 'demo_seed_marked',
  up(db) {
    const match = db.prepare(
      'SELECT id FROM services WHERE demo = 0 AND name = ? AND type = ? AND comune = ? AND address = ? AND referente = ?',
    );
    const services = SEEDED_DEMO_SERVICES.flatMap((s) => (match.all(...s) as Array<{ id: string }>).map((r) => r.id));
    if (!services.length) return;

    const triggerSql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").pluck();
    const lifted = LIFTED.map((name) => ({ name, sql: triggerSql.get(name) as string | undefined }));
    for (const t of lifted) if (t.sql) db.exec(`DROP TRIGGER ${t.name}`);

    const visits = db.prepare('SELECT id FROM inspections WHERE service_id = ? AND demo = 0 ORDER BY rowid').pluck();
    const markService = db.prepare('UPDATE services SET demo = 1 WHERE id = ?');
    const markVisit = db.prepare('UPDATE inspections SET demo = 1 WHERE id = ?');
    const withdraw = db.prepare(
      `DELETE FROM outbox WHERE inspection_id = ? AND bundle IS NULL AND sent_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox_attachments a WHERE a.outbox_id = outbox.id)`,
    );
    const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const audit = db.prepare(
      'INSERT INTO audit_log (seq, inspection_id, at, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const at = new Date().toISOString();
    for (const serviceId of services) {
      markService.run(serviceId);
      for (const inspectionId of visits.all(serviceId) as string[]) {
        markVisit.run(inspectionId);
        const withdrawn = withdraw.run(inspectionId).changes > 0;
        const last = (head.get() as { seq: number; hash: string } | undefined) ?? { seq: 0, hash: AUDIT_GENESIS };
        const entry = {
          seq: last.seq + 1,
          inspectionId,
          at,
          action: MARKED_ACTION,
          detail: JSON.stringify({ reason: 'dati dimostrativi seminati prima della versione 009', withdrawnFromOutbox: withdrawn }),
        };
        audit.run(entry.seq, inspectionId, at, entry.action, entry.detail, last.hash, chainHash(last.hash, entryDigest(entry)));
      }
    }
    for (const t of lifted) if (t.sql) db.exec(t.sql);
  },
};
