/**
 * `vigilanza office demo --data DIR`: a new office folder filled with the Zona's demo registry
 * (made-up structures modelled on the laptop's `--demo`, host/demo.ts), the people of its
 * commissions (pedagogiste zonali, a technical referent per Comune, ASL) and a year of visits,
 * dated relative to today, so that a clerk can try planning without typing. Everything is demo:
 * the services carry `demo: true` and never go on the change feed (no laptop receives them), the
 * people are `demo` rows (never mailed), the visits' files carry `demo: true` as a laptop's demo
 * visits do, and they were sent by an inspector account with a device nobody holds a token of.
 * Refused on a folder that already has services, people or visits: demo data never mixes with real data.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalJson, contentHash } from '../shared/canonical.ts';
import { addDays, addMonths, formatIsoDate, type IsoDate } from '../shared/dates.ts';
import type { ServiceType } from '../shared/domain.ts';
import { calendarOpen, weekday } from '../shared/planning.ts';
import type { Territory } from '../shared/territories/schema.ts';
import { italianHolidayName } from './holidays.ts';
import { sha256Text } from './security.ts';
import type { Actor, PlanningStore } from './storage/planning.ts';
import { UserError, type OfficeStore } from './storage/store.ts';

interface DemoService {
  name: string;
  type: ServiceType;
  comune: string;
  address: string;
  capacity: number;
  kitchen: boolean;
  /** Years before this educational year the acts were issued (null: none). */
  authorized: number | null;
  accredited: number | null;
}

const SERVICES: DemoService[] = [
  {
    name: 'Nido d’infanzia Il Girasole',
    type: 'nido',
    comune: 'Bagno a Ripoli',
    address: 'Via Roma 41, Grassina',
    capacity: 40,
    kitchen: true,
    authorized: 1,
    accredited: 3,
  },
  {
    name: 'Nido La Coccinella',
    type: 'nido',
    comune: 'Impruneta',
    address: 'Via di Cappello 7',
    capacity: 28,
    kitchen: true,
    authorized: 4,
    accredited: null,
  },
  {
    name: 'Nido Arcobaleno',
    type: 'nido',
    comune: 'Pontassieve',
    address: 'Piazza Vittorio Emanuele II 3',
    capacity: 54,
    kitchen: true,
    authorized: 2,
    accredited: 2,
  },
  {
    name: 'Nido Il Melograno',
    type: 'nido',
    comune: 'Barberino Tavarnelle',
    address: 'Via Cassia 112, Tavarnelle',
    capacity: 24,
    kitchen: false,
    authorized: 3,
    accredited: 3,
  },
  {
    name: 'Spazio gioco Il Trenino',
    type: 'spazio_gioco',
    comune: 'Greve in Chianti',
    address: 'Viale Giovanni da Verrazzano 18',
    capacity: 20,
    kitchen: false,
    authorized: 0,
    accredited: null,
  },
  {
    name: 'Spazio gioco Girotondo',
    type: 'spazio_gioco',
    comune: "Rignano sull'Arno",
    address: 'Via Garibaldi 22',
    capacity: 15,
    kitchen: false,
    authorized: 1,
    accredited: 1,
  },
  {
    name: 'Centro bambini e famiglie La Casa sull’Albero',
    type: 'centro_bambini_famiglie',
    comune: 'San Casciano in Val di Pesa',
    address: 'Via dei Fossi 9',
    capacity: 18,
    kitchen: false,
    authorized: 2,
    accredited: null,
  },
  {
    name: 'Piccoli Passi — educatrice domiciliare',
    type: 'domiciliare',
    comune: 'Reggello',
    address: 'Via Dante Alighieri 30',
    capacity: 5,
    kitchen: false,
    authorized: 1,
    accredited: null,
  },
  {
    name: 'Nido Il Pesco',
    type: 'nido',
    comune: 'Figline e Incisa Valdarno',
    address: 'Piazza Marsilio Ficino 12, Figline',
    capacity: 36,
    kitchen: true,
    authorized: 5,
    accredited: 2,
  },
  // Not authorised yet: Art. 17 does not bind it, the plan proposes nothing for it.
  {
    name: 'La Tana dei Cuccioli',
    type: 'nido',
    comune: 'Impruneta',
    address: 'Via Paolieri 4, Tavarnuzze',
    capacity: 22,
    kitchen: true,
    authorized: null,
    accredited: null,
  },
];

const PEOPLE = [
  { name: 'Dott.ssa Chiara Fantoni', role: 'pedagogista_zonale', comune: null, email: 'c.fantoni@demo.zonafse.invalid', inspector: true },
  { name: 'Dott.ssa Elena Morandi', role: 'pedagogista_zonale', comune: null, email: 'e.morandi@demo.zonafse.invalid', inspector: false },
  ...[
    ['Geom. Laura Cecchi', 'Bagno a Ripoli'],
    ['Arch. Marco Bellini', 'Impruneta'],
    ['Ing. Sara Lotti', 'Pontassieve'],
    ['Geom. Piero Guidi', 'Barberino Tavarnelle'],
    ['Arch. Giulia Mariani', 'Greve in Chianti'],
    ['Geom. Luca Bini', "Rignano sull'Arno"],
    ['Ing. Anna Fabbri', 'San Casciano in Val di Pesa'],
    ['Geom. Roberto Nuti', 'Reggello'],
    ['Arch. Marta Pieri', 'Figline e Incisa Valdarno'],
  ].map(([name, comune]) => ({
    name: name!,
    role: 'referente_tecnico_comune',
    comune: comune!,
    email: `${name!.split(' ').slice(1).join('.').toLowerCase()}@demo.comune.invalid`,
    inspector: false,
  })),
  { name: 'Dott. Paolo Innocenti', role: 'asl', comune: null, email: 'p.innocenti@demo.asl.invalid', inspector: false },
] as const;

const ACTOR: Actor = { clerkId: null, name: 'vigilanza office demo (dati dimostrativi)' };

/** The first weekday on or after `date` that is no holiday and on which the services are open. */
function workingDay(territory: Territory, date: IsoDate): IsoDate {
  let d = date;
  while (weekday(d) === 0 || weekday(d) === 6 || italianHolidayName(d) || !calendarOpen(territory, d)) d = addDays(d, 1);
  return d;
}

export interface DemoSummary {
  services: number;
  people: number;
  visits: number;
}

export async function seedOfficeDemo(store: OfficeStore, planning: PlanningStore, today: IsoDate): Promise<DemoSummary> {
  if ((await store.listServices()).length || (await planning.listPeople()).length || (await store.allRevisionSummaries()).length)
    throw new UserError('la cartella ha già dati d’ufficio: i dati dimostrativi vanno in una cartella nuova', 'data');
  const territory = planning.territory;
  const eduYear = Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) < 9 ? 1 : 0);
  const issued = (yearsAgo: number | null) => (yearsAgo === null ? null : formatIsoDate({ year: eduYear - yearsAgo, month: 10, day: 15 }));

  const inspector = await store.createInspector('Ispettore dimostrativo');
  // A device whose token was never shown to anyone: it only signs for the demo history.
  const deviceId = await store.addDevice(inspector.id, sha256Text(randomBytes(32).toString('hex')), 'dati dimostrativi (nessun portatile)');
  for (const p of PEOPLE)
    await planning.savePerson(
      { name: p.name, role: p.role, comune: p.comune, email: p.email, inspectorId: p.inspector ? inspector.id : null },
      ACTOR,
      { demo: true },
    );
  const services = [];
  for (const s of SERVICES)
    services.push(
      await planning.insertDemoService({
        name: s.name,
        type: s.type,
        comune: s.comune,
        address: s.address,
        referente: '',
        capacity: s.capacity,
        kitchen: s.kitchen,
        territorialRls: false,
        authorizationIssuedOn: issued(s.authorized),
        accreditationIssuedOn: issued(s.accredited),
      }),
    );

  // A year of visits: one in each of the two semesters before this one, staggered; every other
  // structure has had this semester's too (when the semester is old enough), the others still owe
  // it, so the plan has something to propose. Some left a prescription with a deadline.
  const semester = formatIsoDate({ year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)) <= 6 ? 1 : 7, day: 1 });
  let visits = 0;
  for (const [i, service] of services.entries()) {
    if (!service.authorizationIssuedOn && !service.accreditationIssuedOn) continue;
    const dates = [addDays(addMonths(semester, -12), 20 + 9 * i), addDays(addMonths(semester, -6), 15 + 9 * i)];
    if (i % 2 === 0) dates.push(addDays(semester, 5 + 3 * i));
    for (const [k, raw] of dates.entries()) {
      const date = workingDay(territory, raw);
      if (date >= today) continue;
      const prescriptions =
        (i + k) % 4 === 1
          ? [{ rule: 'training.fire', text: 'Completare la formazione antincendio del personale.', deadline: addDays(date, 60) }]
          : [];
      const file = {
        schemaVersion: 1,
        // Named as a laptop names its files (issue 12): territory, rule set, checklist.
        territory: territory.id,
        ruleSet: territory.ruleSet,
        checklist: territory.checklist,
        service: {
          name: service.name,
          type: service.type,
          capacity: service.capacity,
          kitchen: service.kitchen,
          comune: service.comune,
          ...(service.authorizationIssuedOn ? { authorization: { issuedOn: service.authorizationIssuedOn } } : {}),
          ...(service.accreditationIssuedOn ? { accreditation: { issuedOn: service.accreditationIssuedOn } } : {}),
        },
        visit: { date, purpose: 'verifica_periodica' },
        answers: {},
        demo: true,
      };
      const hash = contentHash(file);
      const outcome = await store.putRevision({
        inspectionId: `demo-${randomUUID()}`,
        revision: 1,
        contentHash: hash,
        bundleHash: sha256Text(canonicalJson({ contentHash: hash, attachments: [], prescriptions, serviceId: service.id })),
        file,
        serviceId: service.id,
        serviceName: service.name,
        comune: service.comune,
        visitDate: date,
        purpose: 'verifica_periodica',
        inspectorId: inspector.id,
        deviceId,
        attachments: [],
        prescriptions,
      });
      if (outcome !== 'created') throw new Error(`dati dimostrativi: visita non registrata (${outcome})`);
      visits++;
    }
  }
  return { services: services.length, people: PEOPLE.length, visits };
}
