/**
 * Demo data for `vigilanza serve --demo`: made-up but plausible services of the Zona Fiorentina
 * Sud-Est, dated relative to "today" so that the registry always shows the interesting cases
 * (an expired authorisation, acts expiring at the end of this educational year, an expired
 * first-aid certificate, past sealed inspections, an open prescription).
 * Everything goes through the API handlers, in one transaction: the demo exercises the same
 * validation and sealing as real use, and is all there or not at all. Every service is marked demo
 * (and so every visit): shown as «DEMO», watermarked in the report, never sent to an office.
 * Folders seeded before that (migration 009) are recognised by the services' name, type, Comune,
 * address and referente (migration 010 keeps the list of what this seed made then).
 */
import type { Store } from '../db/store.ts';
import { getChecklist, applicableItems } from '../shared/checklist/index.ts';
import { addDays, addYears, educationalYearStart, formatIsoDate } from '../shared/dates.ts';
import type { Method, Input, Output } from '../shared/api/contract.ts';
import { isoToday, type Clock } from './clock.ts';
import type { HostApi } from './handlers.ts';

/** Demo visits are sealed without signatures: the Scheda's commission is then excused, in words. */
const DEMO_COMMISSION_REASON = 'Visita dimostrativa: firme della commissione non raccolte.';

export function seedDemo(store: Store, host: HostApi, clock: Clock): void {
  const call = <M extends Method>(method: M, input: Input<M>): Output<M> => {
    const r = host.dispatch(method, input);
    if (!r.ok) throw new Error(`dati dimostrativi: ${method}: ${r.error.message}`);
    return r.value as Output<M>;
  };
  const today = isoToday(clock);
  const eduYear = educationalYearStart(today, 9);
  /** A date in the educational year `eduYear - yearsAgo` (October, so always inside it). */
  const issuedIn = (yearsAgo: number, day = 15) => formatIsoDate({ year: eduYear - yearsAgo, month: 10, day });

  store.transaction(() => {
    const members = [
      { name: 'Dott.ssa Chiara Fantoni', role: 'Pedagogista zonale' },
      { name: 'Arch. Marco Bellini', role: 'Referente tecnico Comune di Impruneta' },
      { name: 'Geom. Laura Cecchi', role: 'Referente tecnico Comune di Bagno a Ripoli' },
      { name: 'Dott. Paolo Innocenti', role: 'ASL Toscana Centro — Igiene pubblica' },
    ].map((m) => call('members.create', m));
    const [pedagogista, bellini, cecchi] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];

    // Marked before any visit is made: the visits take the flag from their service (migration 009).
    const svc = (input: Input<'services.create'>) => store.services.markDemo(call('services.create', input).id);
    const girasole = svc({
      name: 'Nido d’infanzia Il Girasole',
      type: 'nido',
      comune: 'Bagno a Ripoli',
      address: 'Via Roma 41, Grassina',
      referente: 'Cooperativa sociale Il Cerchio',
      capacity: 40,
      kitchen: true,
      authorizationIssuedOn: issuedIn(1),
      accreditationIssuedOn: issuedIn(3, 2),
    });
    const coccinella = svc({
      name: 'Nido La Coccinella',
      type: 'nido',
      comune: 'Impruneta',
      address: 'Via di Cappello 7',
      referente: 'Associazione Crescere Insieme',
      capacity: 28,
      kitchen: true,
      authorizationIssuedOn: issuedIn(4, 20),
      accreditationIssuedOn: null,
    });
    const arcobaleno = svc({
      name: 'Nido Arcobaleno',
      type: 'nido',
      comune: 'Pontassieve',
      address: 'Piazza Vittorio Emanuele II 3',
      referente: 'Comune di Pontassieve — gestione diretta',
      capacity: 54,
      kitchen: true,
      authorizationIssuedOn: issuedIn(2),
      accreditationIssuedOn: issuedIn(2),
    });
    const melograno = svc({
      name: 'Nido Il Melograno',
      type: 'nido',
      comune: 'Barberino Tavarnelle',
      address: 'Via Cassia 112, Tavarnelle',
      referente: 'Cooperativa Arca',
      capacity: 24,
      kitchen: false,
      territorialRls: true,
      authorizationIssuedOn: issuedIn(3, 9),
      accreditationIssuedOn: issuedIn(3, 9),
    });
    const trenino = svc({
      name: 'Spazio gioco Il Trenino',
      type: 'spazio_gioco',
      comune: 'Greve in Chianti',
      address: 'Viale Giovanni da Verrazzano 18',
      referente: 'Associazione Il Trenino',
      capacity: 20,
      kitchen: false,
      authorizationIssuedOn: issuedIn(0, 5),
      accreditationIssuedOn: null,
    });
    svc({
      name: 'Spazio gioco Girotondo',
      type: 'spazio_gioco',
      comune: "Rignano sull'Arno",
      address: 'Via Garibaldi 22',
      referente: 'Cooperativa Girotondo',
      capacity: 15,
      kitchen: false,
      authorizationIssuedOn: issuedIn(1, 28),
      accreditationIssuedOn: issuedIn(1, 28),
    });
    const casa = svc({
      name: 'Centro bambini e famiglie La Casa sull’Albero',
      type: 'centro_bambini_famiglie',
      comune: 'San Casciano in Val di Pesa',
      address: 'Via dei Fossi 9',
      referente: 'Comune di San Casciano — servizi educativi',
      capacity: 18,
      kitchen: false,
      authorizationIssuedOn: issuedIn(2, 3),
      accreditationIssuedOn: null,
    });
    svc({
      name: 'Piccoli Passi — educatrice domiciliare',
      type: 'domiciliare',
      comune: 'Reggello',
      address: 'Via Dante Alighieri 30',
      referente: 'Silvia Parigi (titolare)',
      capacity: 5,
      kitchen: false,
      authorizationIssuedOn: issuedIn(3, 25),
      accreditationIssuedOn: null,
    });
    svc({
      name: 'La Tana dei Cuccioli',
      type: 'domiciliare',
      comune: 'Bagno a Ripoli',
      address: 'Via di Rimaggio 14',
      referente: 'Elena Brogi (titolare)',
      capacity: 4,
      kitchen: false,
      authorizationIssuedOn: issuedIn(0, 20),
      accreditationIssuedOn: null,
    });

    const ago = (years: number, days = 0) => addDays(addYears(today, -years), -days);
    const staff = (serviceId: string, people: Array<Omit<Input<'staff.save'>, 'serviceId'>>) =>
      people.map((p) => call('staff.save', { serviceId, ...p }));
    const girasoleStaff = staff(girasole.id, [
      {
        name: 'Giulia Mariani',
        role: 'coordinatore',
        title: 'LM-85bis+60CFU',
        trainings: [
          { course: 'rspp', hours: 32, completedOn: ago(4) },
          { course: 'haccp_manager', hours: 16, completedOn: ago(2) },
        ],
      },
      {
        name: 'Francesca Bini',
        role: 'educatore',
        title: 'L19',
        trainings: [
          { course: 'first_aid', hours: 12, completedOn: ago(1, 40) },
          { course: 'fire', hours: 8, completedOn: ago(2) },
        ],
      },
      {
        name: 'Sara Lotti',
        role: 'educatore',
        title: 'previgente_toscana',
        titleObtainedOn: '2009-07-10',
        trainings: [
          { course: 'first_aid', hours: 12, completedOn: ago(2, 100) },
          { course: 'fire', hours: 8, completedOn: ago(3) },
          { course: 'rls', hours: 32, completedOn: ago(5) },
        ],
      },
      // Her first-aid certificate ran out a month ago: the demo's "expired training" case.
      { name: 'Martina Galli', role: 'educatore', title: 'L19', trainings: [{ course: 'first_aid', hours: 12, completedOn: ago(3, 30) }] },
      { name: 'Elisa Pieri', role: 'educatore', title: 'transitorio_master_prima_infanzia', pathStartedOn: '2018-10-01', trainings: [] },
      { name: 'Roberto Nuti', role: 'cuoco', trainings: [{ course: 'haccp_complex', hours: 12, completedOn: ago(1, 200) }] },
      { name: 'Anna Fabbri', role: 'ausiliario', trainings: [{ course: 'haccp_simple', hours: 8, completedOn: ago(2, 10) }] },
    ]);
    const coccinellaStaff = staff(coccinella.id, [
      {
        name: 'Valentina Rossi',
        role: 'coordinatore',
        title: 'L19',
        trainings: [
          { course: 'rspp', hours: 16, completedOn: ago(6) },
          { course: 'haccp_manager', hours: 16, completedOn: ago(1) },
          { course: 'rls', hours: 32, completedOn: ago(3) },
        ],
      },
      {
        name: 'Chiara Bartolini',
        role: 'educatore',
        title: 'L19',
        trainings: [
          { course: 'first_aid', hours: 12, completedOn: ago(1) },
          { course: 'fire', hours: 8, completedOn: ago(1) },
        ],
      },
      { name: 'Ilaria Conti', role: 'educatore', title: 'altro', trainings: [{ course: 'fire', hours: 8, completedOn: ago(4) }] },
      { name: 'Luca Baldi', role: 'cuoco', trainings: [{ course: 'haccp_complex', hours: 12, completedOn: ago(3) }] },
    ]);

    const checklist = getChecklist('zona-fse@1');
    const answerAll = (inspectionId: string, type: Output<'services.create'>['type'], no: string[] = []) => {
      if (!checklist) return;
      for (const item of applicableItems(checklist, { type, purpose: 'verifica_periodica' })) {
        if (item.kind !== 'yesno') continue;
        call('inspections.saveAnswer', { inspectionId, itemId: item.id, value: no.includes(item.id) ? 'no' : 'yes' });
      }
    };

    // Il Girasole: two sealed periodic checks, one per semester of this calendar year when the year allows.
    const visit = (serviceId: string, date: string, memberIds: string[], staffIds: string[]) => {
      const created = call('inspections.create', { serviceId, purpose: 'verifica_periodica', date, memberIds });
      call('inspections.update', { id: created.id, staffIds });
      return created.id;
    };
    const girasoleDates = [addDays(today, -200), addDays(today, -45)];
    for (const date of girasoleDates) {
      const id = visit(
        girasole.id,
        date,
        [pedagogista.id, cecchi.id],
        girasoleStaff.map((s) => s.id),
      );
      call('inspections.saveCounts', {
        inspectionId: id,
        children: [
          { band: '0-11', enrolled: 6, present: 5 },
          { band: '12-23', enrolled: 14, present: 12 },
          { band: '24-36', enrolled: 20, present: 18 },
        ],
        staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 2 } },
      });
      answerAll(id, 'nido');
      call('inspections.seal', { commissionReason: DEMO_COMMISSION_REASON, id, signatures: [] });
    }

    // La Coccinella: a sealed visit last semester with a non-conformity and a prescription still open.
    const coccinellaDate = addDays(today, -150);
    const cid = visit(
      coccinella.id,
      coccinellaDate,
      [pedagogista.id, bellini.id],
      coccinellaStaff.map((s) => s.id),
    );
    call('inspections.saveCounts', {
      inspectionId: cid,
      children: [
        { band: '0-11', enrolled: 4, present: 4 },
        { band: '12-23', enrolled: 10, present: 9 },
        { band: '24-36', enrolled: 14, present: 13 },
      ],
      staffCounts: { educators: { planned: 4, present: 4 }, auxiliaries: { planned: 1, present: 1 } },
    });
    const firstYesNo = checklist
      ? applicableItems(checklist, { type: 'nido', purpose: 'verifica_periodica' }).find((i) => i.kind === 'yesno' && i.section === 'F')
      : undefined;
    answerAll(cid, 'nido', firstYesNo ? [firstYesNo.id] : []);
    if (firstYesNo) {
      call('inspections.saveAnswer', {
        inspectionId: cid,
        itemId: firstYesNo.id,
        note: 'Documento non aggiornato alla nuova disposizione dei locali.',
      });
      call('prescriptions.save', {
        inspectionId: cid,
        rule: firstYesNo.id,
        text: 'Aggiornare il documento e trasmetterne copia alla Commissione.',
        deadline: addDays(coccinellaDate, 180),
      });
    }
    call('inspections.seal', { commissionReason: DEMO_COMMISSION_REASON, id: cid, signatures: [] });

    // Other structures at different points of the Art. 17 schedule: up to date, half done, recently
    // authorised (nothing owed before), and — those left without a visit — behind.
    const routine: Array<[typeof arcobaleno, number[]]> = [
      [arcobaleno, [-200, -30]],
      [melograno, [-160]],
      [trenino, [-20]],
      [casa, [-250]],
    ];
    for (const [service, offsets] of routine) {
      for (const offset of offsets) {
        const id = visit(service.id, addDays(today, offset), [pedagogista.id, bellini.id], []);
        answerAll(id, service.type);
        call('inspections.seal', { commissionReason: DEMO_COMMISSION_REASON, id, signatures: [] });
      }
    }
  });
}
