/**
 * A varied office dataset seeded through the store's own API (`saveService`, `putRevision`,
 * `takeInReview`, `decide`), for the dashboard tests and the scale bench. Fast path: the calls of
 * each batch run inside ONE transaction (a store whose `tx` joins the outer one), so 200,000
 * revisions cost 200 commits instead of 200,000 fsyncs; what each call writes is what a push writes.
 * Deterministic for a given seed. Varied on purpose: visits with several revisions (a later one may
 * move the date or drop the prescriptions), visits not linked to the registry (sent with a name in
 * other case and spaces, or without a Comune), prescriptions past and future, follow-up visits.
 */
import type { Db, Sql } from '../../office/storage/db.ts';
import { OfficeStore, type Submission } from '../../office/storage/store.ts';
import { addDays } from '../../shared/dates.ts';
import { seededRandom } from './chaos-proxy.ts';

export interface SeedOptions {
  revisions: number;
  services: number;
  /** The office's day: visits spread over the ten years before it (a few booked after it). */
  today: string;
  seed?: number;
  /** Share of visits sent without a registry id whose service section the registry cannot hold (stay unlinked). */
  unlinkedShare?: number;
  batch?: number;
}

const COMUNI = ['Bagno a Ripoli', 'Impruneta', 'Fiesole', 'Pontassieve', 'Città di Castello', 'Forlì'];
const RULES = ['training.fire', 'A.destinazione_uso.certificato', 'A.area_esterna.recintata_esclusiva', 'staffing.ratio'];

/** A store whose transactions join `sql` (already inside one). */
function joined(db: Db, sql: Sql): OfficeStore {
  const inner: Db = { ...db, ...sql, tx: (fn) => fn(sql), all: sql.all, get: sql.get, run: sql.run, eachTuple: sql.eachTuple };
  return new OfficeStore(inner);
}

export async function seedOffice(
  store: OfficeStore,
  o: SeedOptions,
): Promise<{ revisions: number; visits: number; inspectorIds: string[]; devices: Array<{ inspectorId: string; deviceId: string }> }> {
  const random = seededRandom(o.seed ?? 16);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const db = store.db;
  const batch = o.batch ?? 1000;
  const start = addDays(o.today, -3650);
  const day = (from: string, span: number) => addDays(from, Math.floor(random() * span));

  const inspectors: Array<{ inspectorId: string; deviceId: string }> = [];
  for (let i = 0; i < 8; i++) {
    const inspector = await store.createInspector(`Ispettore Seme ${i + 1}`);
    const deviceId = await store.addDevice(inspector.id, `seed-token-${o.seed ?? 16}-${i}`, `portatile ${i + 1}`);
    inspectors.push({ inspectorId: inspector.id, deviceId });
  }
  const clerk = await store.createClerk('Ufficio Seme', 'x');

  const services: Array<{ id: string; name: string; comune: string }> = [];
  await db.tx(async (sql) => {
    const s = joined(db, sql);
    for (let i = 0; i < o.services; i++) {
      const act = random();
      const saved = await s.saveService({
        name: `Nido Seme ${i + 1}`,
        type: 'nido',
        comune: COMUNI[i % COMUNI.length],
        address: `Via ${i + 1}`,
        referente: '',
        capacity: 20 + (i % 40),
        kitchen: i % 2 === 0,
        territorialRls: false,
        // Most are authorised (some long ago, some recently: acts expiring soon), a few accredited, some neither.
        authorizationIssuedOn: act < 0.85 ? day(addDays(o.today, -2400), 2500) : null,
        accreditationIssuedOn: act < 0.2 ? day(addDays(o.today, -2000), 2100) : null,
      });
      services.push({ id: saved.id, name: saved.name, comune: saved.comune });
    }
  });

  let revisions = 0;
  let visits = 0;
  const decisions: Array<[string, number]> = [];
  while (revisions < o.revisions) {
    await db.tx(async (sql) => {
      const s = joined(db, sql);
      const end = Math.min(o.revisions, revisions + batch);
      while (revisions < end) {
        const v = visits++;
        const service = pick(services);
        const who = inspectors[v % inspectors.length]!;
        const unlinked = random() < (o.unlinkedShare ?? 0.002);
        // A few visits booked after today (they do not count as made).
        let visitDate = random() < 0.01 ? day(o.today, 60) : day(start, 3650);
        const count = Math.min(end - revisions, random() < 0.2 ? 1 + Math.ceil(random() * 2) : 1);
        for (let rev = 1; rev <= count; rev++) {
          if (rev > 1 && random() < 0.3) visitDate = addDays(visitDate, Math.floor(random() * 20) - 10);
          const prescriptions =
            random() < 0.15 && !(rev > 1 && random() < 0.3)
              ? Array.from({ length: 1 + Math.floor(random() * 2) }, (_, k) => ({
                  rule: pick(RULES),
                  text: `Prescrizione ${k + 1} della visita ${v}`,
                  deadline: addDays(visitDate, 30 + Math.floor(random() * 150)),
                }))
              : [];
          const name = unlinked ? (random() < 0.5 ? `  ${service.name.toUpperCase()} ` : service.name) : service.name;
          const comune = unlinked && random() < 0.3 ? null : service.comune;
          const file = {
            schemaVersion: 1,
            ruleSet: 'zona-fse@1',
            // Capacity 0: a section the registry cannot hold, so the unlinked visit stays unlinked.
            service: { name, type: 'nido', comune: comune ?? '', capacity: unlinked ? 0 : 30 },
            visit: { date: visitDate, purpose: 'verifica_periodica' },
            answers: {},
          };
          const submission: Submission = {
            inspectionId: `seme-${v}`,
            revision: rev,
            contentHash: `c-${v}-${rev}`,
            bundleHash: `b-${v}-${rev}`,
            file,
            serviceId: unlinked ? null : service.id,
            serviceName: name,
            comune,
            visitDate,
            purpose: 'verifica_periodica',
            inspectorId: who.inspectorId,
            deviceId: who.deviceId,
            attachments: [],
            prescriptions,
          };
          const r = await s.putRevision(submission);
          if (r !== 'created') throw new Error(`seme: revisione ${v}/${rev} ${r}`);
          revisions++;
          if (random() < 0.05) decisions.push([submission.inspectionId, rev]);
        }
      }
      // Some decisions: they go on the change feed the laptops pull.
      for (const [id, rev] of decisions.splice(0)) {
        await s.takeInReview(id, rev, clerk.id);
        await s.decide(id, rev, random() < 0.8 ? 'validated' : 'rejected', 'Correggere la data', clerk.id);
      }
    });
  }
  return { revisions, visits, inspectorIds: inspectors.map((i) => i.inspectorId), devices: inspectors };
}
