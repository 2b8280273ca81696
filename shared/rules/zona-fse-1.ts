/** Rule set `zona-fse@1`: DPGR 41/R/2013 as read by the Zona Fiorentina Sud-Est regulation and its Scheda. */
import { RuleSet } from './ruleset.ts';

// The age label is the Scheda's own name of the row ("0-12 mesi" for months 0–11), so that a
// finding names the band exactly as the table the inspector filled in.
const bandsRatio = (rows: Array<[string, string, string, number, number, number | null]>) =>
  rows.map(([id, ageLabel, label, fromMonths, toMonths, childrenPerEducator]) => ({
    id,
    ageLabel,
    label,
    fromMonths,
    toMonths,
    childrenPerEducator,
  }));

export const ZONA_FSE_1: RuleSet = RuleSet.parse({
  id: 'zona-fse',
  version: 1,
  name: 'Zona Fiorentina Sud-Est — DPGR 41/R/2013 e Regolamento zonale',
  serviceTypes: {
    nido: {
      capacity: { min: 7, max: 60 },
      enrolmentTolerance: { num: 6, den: 5 },
      enrolmentAbsoluteMax: 72,
      bands: bandsRatio([
        ['0-11', '0-12 mesi', 'N° bambini 0-12 mesi (1/6 ed.)', 0, 11, 6],
        ['12-23', '12-23 mesi', 'N° bambini 12-23 mesi (1/7 ed.)', 12, 23, 7],
        ['24-36', '24-36 mesi', 'N° bambini 24-36 mesi (1/10 ed.)', 24, 36, 10],
      ]),
      childrenPerAuxiliary: 30,
    },
    spazio_gioco: {
      capacity: { min: 6, max: 50 },
      enrolmentTolerance: { num: 6, den: 5 },
      enrolmentAbsoluteMax: 60,
      bands: bandsRatio([
        ['12-17', '12-17 mesi', 'N° bambini 12-17 mesi (1/6 ed.)', 12, 17, 6],
        ['18-23', '18-23 mesi', 'N° bambini 18-23 mesi (1/8 ed.)', 18, 23, 8],
        ['24-36', '24-36 mesi', 'N° bambini 24-36 mesi (1/10 ed.)', 24, 36, 10],
      ]),
      childrenPerAuxiliary: null,
    },
    centro_bambini_famiglie: {
      capacity: { min: 6, max: 40 },
      enrolmentTolerance: { num: 6, den: 5 },
      enrolmentAbsoluteMax: 48,
      bands: bandsRatio([['0-36', '0-3 anni', 'N° bambini 0-3 anni (1/10 ed.)', 0, 36, 10]]),
      childrenPerAuxiliary: null,
    },
    domiciliare: {
      capacity: { min: 3, max: 6 },
      enrolmentTolerance: null,
      enrolmentAbsoluteMax: 6,
      bands: bandsRatio([['0-36', '0-3 anni', 'N° bambini 0-3 anni', 0, 36, null]]),
      childrenPerAuxiliary: null,
    },
  },
  plannedRatioBase: { num: 4, den: 5 },
  training: {
    courses: {
      first_aid: { minHours: 12, maxHours: null, refreshHours: null, validityYears: 3 },
      fire: { minHours: 8, maxHours: null, refreshHours: null, validityYears: 5 },
      rspp: { minHours: 16, maxHours: 48, refreshHours: null, validityYears: null },
      rls: { minHours: 32, maxHours: null, refreshHours: null, validityYears: null },
      haccp_manager: { minHours: 12, maxHours: null, refreshHours: 8, validityYears: 5 },
      haccp_simple: { minHours: 8, maxHours: null, refreshHours: 4, validityYears: 5 },
      haccp_complex: { minHours: 12, maxHours: null, refreshHours: 8, validityYears: 5 },
    },
    haccpManagerHoursWithKitchen: 16,
    minFireTrained: 2,
    minFirstAidTrained: 2,
    expiryWarningDays: 60,
  },
  titles: {
    previousRulesObtainedBy: '2018-08-31',
    transitionalPathFrom: '2018-09-01',
    transitionalPathTo: '2019-08-31',
  },
  acts: { educationalYearStartMonth: 9, validEducationalYears: 3, expiryWarningDays: 90 },
  inspections: { perYear: 2 },
  articles: {
    'capacity.range': 'DPGR 41/R/2013 artt. 25-32-39-42 c.2',
    'enrollment.ceiling': 'DPGR 41/R/2013 artt. 25-32-39-42 c.2',
    'presence.capacity': 'DPGR 41/R/2013 artt. 25-32-39-42 c.2',
    'ratio.educators.planned': 'DPGR 41/R/2013 artt. 27-34-41',
    'ratio.educators.present': 'DPGR 41/R/2013 artt. 27-34-41',
    'ratio.auxiliaries.planned': 'Reg. zonale art. 9 c.1 lett. b',
    'ratio.auxiliaries.present': 'Reg. zonale art. 9 c.1 lett. b',
    'training.fire': 'D.Lgs 81/2008 art. 37 c.9; DM 2 settembre 2021',
    'training.first_aid': 'D.Lgs 81/2008 art. 37 c.9; DM 388/2003',
    'training.rspp': 'D.Lgs 81/2008 art. 32',
    'training.rls': 'D.Lgs 81/2008 artt. 37 c.10-11, 47-48',
    'training.haccp': 'DGR Toscana 559/2008',
    'staff.titles': 'DPGR 41/R/2013 art. 13',
    'authorization.valid': 'Reg. zonale art. 11 c.1',
    'accreditation.valid': 'Reg. zonale art. 14 c.1',
  },
  interpretations: [
    {
      id: 'enrolment.tolerance',
      version: 1,
      source: 'Scheda B, artt. 25-32-39-42 c.2',
      text: 'Iscritti oltre la capienza ed entro il 120% (arrotondato per difetto, tetto assoluto per tipologia) sono ammessi e vanno dichiarati: esito "attenzione". I presenti non superano mai la capienza.',
    },
    {
      id: 'ratio.planned_base',
      version: 1,
      source: 'DPGR 41/R/2013 artt. 27-34-41',
      text: 'Educatori previsti = arrotondamento per eccesso di Σ(0,8 × iscritti della fascia / rapporto della fascia), sommando le fasce come frazioni esatte prima di un solo arrotondamento.',
    },
    {
      id: 'ratio.present',
      version: 1,
      source: 'DPGR 41/R/2013 artt. 27-34-41',
      text: 'Educatori necessari alla visita = arrotondamento per eccesso di Σ(presenti della fascia / rapporto della fascia).',
    },
    {
      id: 'ratio.spazio_gioco_planned',
      version: 1,
      source: 'Scheda B, tabella Spazio gioco',
      text: 'Per lo spazio gioco la colonna "Previsti" della Scheda è il numero di iscritti.',
    },
    {
      id: 'ratio.auxiliaries',
      version: 1,
      source: 'Reg. zonale art. 9 c.1 lett. b',
      text: 'Nel nido un addetto ausiliario ogni 30 bambini al massimo, sugli iscritti per i previsti e sui presenti alla visita.',
    },
    {
      id: 'training.validity',
      version: 1,
      source: 'DM 388/2003 art. 3 c.5; DM 2 settembre 2021; DGR 559/2008',
      text: 'Pronto soccorso valido 3 anni, prevenzione incendi 5 anni, HACCP 5 anni rinnovabili con aggiornamento. Un corso concluso il giorno D con validità N anni scade il giorno D + N anni (29/2 → 28/2) ed è valido per visite strettamente precedenti.',
    },
    {
      id: 'training.expiry_warning',
      version: 1,
      source: 'interpretazione della Zona',
      text: 'Attenzione quando un attestato necessario scade entro 60 giorni dalla visita.',
    },
    {
      id: 'training.haccp_workers',
      version: 1,
      source: 'DGR 559/2008; Scheda F',
      text: 'Con cucina interna serve almeno un addetto alle lavorazioni complesse formato; gli attestati HACCP dichiarati devono essere in corso di validità.',
    },
    {
      id: 'acts.validity',
      version: 1,
      source: 'Reg. zonale artt. 11 c.1 e 14 c.1',
      text: 'Autorizzazione e accreditamento valgono per i tre anni educativi (1 settembre - 31 agosto) successivi a quello del rilascio; attenzione entro 90 giorni dalla scadenza.',
    },
    {
      id: 'inspections.semester',
      version: 1,
      source: 'Reg. zonale art. 17 c.1',
      text: 'Due ispezioni annuali: almeno una per ciascun semestre solare (gennaio-giugno, luglio-dicembre).',
    },
    {
      id: 'rls.refresh',
      version: 1,
      source: 'Scheda F',
      text: "La Scheda verifica l'attestato RLS di almeno 32 ore o la scelta dell'RLS territoriale; l'aggiornamento annuale non è verificato da questa regola.",
    },
  ],
});
