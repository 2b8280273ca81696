/**
 * Checklist `lucca@1`: the requirements of the Comune di Lucca's *Regolamento dei servizi educativi
 * per la prima infanzia* (seed 003) that a visit can verify, as data.
 *
 * Conventions (as for the Zona's Scheda, so a test can find every text in the seed):
 * - `text` is the regulation's own wording, typos included ("Accreditemento", "accrreditamento",
 *   "purchè"), with the list's trailing ";" or "." left out; `article` is the article, comma and
 *   letter it comes from. The regulation prints no form: the sections group its articles.
 * - Section letters are the product's (A–F, ACC) with Lucca's titles; `group` is the article heading
 *   as printed. ACC is the accreditation (Art. 31 c.2), asked at accreditation and periodic checks
 *   (and, as for every territory, not at the periodic check of a service that is only authorised).
 * - Items a check of the rule set reads (lucca@1 `checks`) are counts or dates: the hint says what
 *   to record (minutes, months, the month's number); their finding is the check's, with its article.
 * - Artt. 12 and 23–28 bind the services "inseriti nel sistema pubblico dell'offerta"; Art. 30 c.4
 *   makes "tutti gli standard … del presente regolamento" requirements for the authorisation too,
 *   so they are asked for every purpose (not applicable answers are `na`).
 * - Art. 28 (sections by age) does not apply to the domiciliary service (one group of at most six
 *   children under the regional rules): interpretation `sections.domiciliare` of lucca@1.
 */
import type { Purpose, ServiceType } from '../../domain.ts';
import {
  ALL_PURPOSES,
  ALL_SERVICE_TYPES,
  type Checklist,
  type ChecklistItem,
  type ChecklistSection,
  type CountsTable,
  type ItemKind,
  type SectionId,
} from '../../checklist/schema.ts';

const ALL_TYPES: ServiceType[] = [...ALL_SERVICE_TYPES];
const NOT_DOMICILIARE: ServiceType[] = ALL_SERVICE_TYPES.filter((t) => t !== 'domiciliare');
const ACC_PURPOSES: Purpose[] = ['accreditamento', 'verifica_periodica'];

interface Row {
  id: string;
  text: string;
  article: string;
  kind?: ItemKind;
  serviceTypes?: ServiceType[];
  hint?: string;
}

function block(section: SectionId, group: string, rows: Row[], serviceTypes: ServiceType[] = ALL_TYPES): ChecklistItem[] {
  return rows.map((row) => {
    const item: ChecklistItem = {
      id: row.id,
      section,
      group,
      text: row.text,
      article: row.article,
      kind: row.kind ?? 'yesno',
      serviceTypes: row.serviceTypes ?? serviceTypes,
      purposes: section === 'ACC' ? ACC_PURPOSES : [...ALL_PURPOSES],
    };
    if (row.hint !== undefined) item.hint = row.hint;
    return item;
  });
}

const art = (n: string) => `Reg. Lucca art. ${n}`;

const sections: ChecklistSection[] = [
  { id: 'A', title: 'Autorizzazione al funzionamento', requirementHeading: 'Art. 30 – Autorizzazione al funzionamento' },
  { id: 'B', title: 'Organizzazione dei servizi', requirementHeading: 'TITOLO VII - ORGANIZZAZIONE DEI SERVIZI' },
  { id: 'C', title: 'Servizio di Refezione', requirementHeading: 'Art. 29 – Servizio di Refezione' },
  { id: 'D', title: 'Coordinamento pedagogico', requirementHeading: 'Art. 23 – Coordinamento pedagogico' },
  { id: 'E', title: 'Partecipazione delle famiglie', requirementHeading: 'Art. 12 – Partecipazione delle famiglie' },
  { id: 'ACC', title: "Requisiti per l'accreditamento", requirementHeading: 'Art. 31 – Accreditemento' },
];

const items: ChecklistItem[] = [
  // ── A ─ Art. 30 c.4 a–h ────────────────────────────────────────────────────────────────────
  ...block('A', 'Art. 30 – Autorizzazione al funzionamento', [
    {
      id: 'A.requisiti.dimensionamento',
      text: 'la corrispondenza del dimensionamento della struttura agli standard previsti',
      article: art('30 c.4 lett. a'),
    },
    {
      id: 'A.requisiti.ricettivita_rapporti',
      text: 'il rispetto dei vincoli sulla ricettività e sui rapporti numerici fra operatori e bambini',
      article: art('30 c.4 lett. b'),
      hint: 'Capienza e rapporti numerici: tabella dei bambini e del personale.',
    },
    {
      id: 'A.requisiti.partecipazione_famiglie',
      text: 'la partecipazione delle famiglie alle scelte educative',
      article: art('30 c.4 lett. c'),
    },
    {
      id: 'A.requisiti.titoli_studio',
      text: 'la corrispondenza dei titoli di studio degli operatori assegnati al servizio a quelli previsti',
      article: art('30 c.4 lett. d'),
    },
    {
      id: 'A.requisiti.contratti_regolarita',
      text: "l'applicazione dei contratti collettivi di lavoro vigenti e la regolarità contributiva ed assicurativa in relazione al personale alle proprie dipendenze",
      article: art('30 c.4 lett. e'),
    },
    {
      id: 'A.requisiti.salute_sicurezza',
      text: 'la ricorrenza di tutti i presupposti di legge e regolamentari in materia di salute e sicurezza sul lavoro',
      article: art('30 c.4 lett. f'),
    },
    {
      id: 'A.requisiti.progetto_educativo',
      text: "l'elaborazione del progetto educativo e organizzativo del servizio definito in relazione ai principi individuati nel presente regolamento",
      article: art('30 c.4 lett. g'),
    },
    { id: 'A.requisiti.programma_alimentare', text: 'previsione del programma alimentare', article: art('30 c.4 lett. h') },
  ]),

  // ── B ─ Artt. 6, 13, 24–28 ─────────────────────────────────────────────────────────────────
  // Art. 6: the domiciliary service's educators are checked against the Albo (rule set
  // `educatorRegister`, whose `item` this is): the inspector picks them among the register's entries.
  ...block(
    'B',
    'Art. 6 – Albo Comunale degli educatori domiciliari',
    [
      {
        id: 'B.albo.educatori',
        text: "L'Iscrizione all'Albo degli Educatori Domiciliari ha durata annuale",
        article: art('6 c.2; artt. 7-8'),
        kind: 'register',
        hint: "Scegliere fra gli iscritti all'Albo gli educatori del servizio: per ciascuno si vede se è iscritto e in regola alla data della visita.",
      },
    ],
    ['domiciliare'],
  ),
  ...block('B', 'Art. 13 – Utenza potenziale dei servizi', [
    {
      id: 'B.utenza.eta_minima',
      text: "L'età minima di ammissione alla frequenza è il compimento del 3° mese",
      article: art('13 c.2'),
      kind: 'count',
      hint: "Età in mesi compiuti del bambino più piccolo all'ammissione.",
    },
    {
      id: 'B.utenza.eta_massima',
      text: 'quella massima è il compimento del 3° anno di età',
      article: art('13 c.2'),
      kind: 'count',
      hint: "Età in mesi compiuti del bambino più grande all'ammissione (chi compie 3 anni durante l'anno resta fino alla chiusura: art. 13 c.3).",
    },
  ]),
  ...block('B', "Art. 24 – Caratteristiche generali dell'organizzazione dei servizi", [
    {
      id: 'B.programmazione.bozza',
      text: "Prima dell'inizio dell'anno scolastico, e comunque entro e non oltre la prima settimana di settembre di ogni anno, all'elaborazione della bozza di programmazione delle attività",
      article: art('24 c.2 lett. a'),
      kind: 'date',
      hint: "Data della bozza di programmazione dell'anno educativo in corso.",
    },
    {
      id: 'B.programmazione.progetto_educativo',
      text: 'Entro il mese di novembre di ogni anno, e comunque entro i termini stabiliti dalle procedure del sistema qualità, alla stesura della programmazione definitiva delle attività, che costituisce il Progetto Educativo dei servizi',
      article: art('24 c.2 lett. b'),
      kind: 'date',
      hint: "Data del Progetto Educativo dell'anno educativo in corso.",
    },
    {
      id: 'B.programmazione.documenti_qualita',
      text: "Alla elaborazione e revisione di tutti i documenti di programmazione e organizzazione dei servizi, anche a carattere pluriennale, previsti dal sistema di gestione in qualità (Ad es.:Piano dell'Offerta Formativa, Carta dei servizi etc.)",
      article: art('24 c.2 lett. c'),
    },
    {
      id: 'B.programmazione.incontri_famiglie',
      text: "organizzando allo scopo un programma organico e coerente di situazioni di incontro (colloqui, incontri di piccolo gruppo o di sezione, assemblee, feste etc.) che si svolgono con regolarità nel corso dell'anno",
      article: art('24 c.4'),
    },
    {
      id: 'B.programmazione.monte_ore',
      text: "L'orario di lavoro degli educatori prevede la disponibilità di un monte ore annuale per attività di programmazione, gestione sociale",
      article: art('24 c.5'),
    },
  ]),
  ...block('B', 'Art. 25 – Organizzazione del personale nei servizi', [
    {
      id: 'B.personale.assegnazione',
      text: 'Il personale – educativo e ausiliario – è assegnato ai singoli servizi nel rispetto delle normative legislative e contrattuali in materia di profili professionali e di rapporto numerico personale/bambini',
      article: art('25 c.1'),
    },
    {
      id: 'B.personale.referente',
      text: "Il Gruppo degli Operatori individuerà, nella prima riunione annuale, un referente al suo interno, che curerà la stesura della programmazione annuale e periodica per ogni fascia di età presente all'interno del servizio",
      article: art('25 c.5'),
    },
  ]),
  ...block('B', 'Art. 26 – Formazione permanente', [
    {
      id: 'B.formazione.programmi',
      text: 'provvede ad organizzare programmi di formazione permanente',
      article: art('26 c.2'),
    },
  ]),
  ...block('B', 'Art. 27– Calendario', [
    {
      id: 'B.calendario.mese_inizio',
      text: 'dal mese di settembre',
      article: art('27 c.1'),
      kind: 'count',
      hint: 'Mese di inizio delle attività dell’anno (1 = gennaio … 9 = settembre … 12 = dicembre).',
    },
    {
      id: 'B.calendario.mese_fine',
      text: 'al mese di giugno di ogni anno',
      article: art('27 c.1'),
      kind: 'count',
      hint: 'Mese di fine delle attività dell’anno (6 = giugno, 7 = luglio).',
    },
    {
      id: 'B.orario.lunedi_venerdi',
      text: 'osservano un orario compreso fra le sei e le undici ore giornaliere dal lunedì al venerdì',
      article: art('27 c.3'),
      kind: 'count',
      hint: 'Minuti di apertura giornaliera dal lunedì al venerdì (7 h 30 = 450); se variano, il giorno più lontano dall’intervallo.',
    },
    {
      id: 'B.orario.sabato',
      text: 'ed un massimo di sette ore al sabato',
      article: art('27 c.3'),
      kind: 'count',
      hint: 'Minuti di apertura il sabato (0 se chiuso).',
    },
  ]),
  ...block(
    'B',
    'Art. 28– Organizzazione delle sezioni',
    [
      {
        id: 'B.sezioni.antimeridiane',
        text: 'Per i servizi antimeridiani sono previste tre tipologie di sezioni: piccoli, medi e grandi',
        article: art('28 c.2'),
      },
      {
        id: 'B.sezioni.pomeridiana_unica',
        text: 'potrà essere comunque garantito il servizio attivando una sezione unica',
        article: art('28 c.3'),
        hint: 'Sì se il servizio pomeridiano è in una sezione unica (no: non è il caso di questo servizio).',
      },
      {
        id: 'B.sezioni.pomeridiana_frequentanti',
        text: 'purchè vi sia un numero di frequentanti non inferiore a cinque',
        article: art('28 c.3'),
        kind: 'count',
        hint: 'Numero dei frequentanti della sezione unica pomeridiana.',
      },
    ],
    NOT_DOMICILIARE,
  ),

  // ── C ─ Art. 29 ────────────────────────────────────────────────────────────────────────────
  ...block('C', 'Art. 29 – Servizio di Refezione', [
    {
      id: 'C.refezione.mensa',
      text: 'deve essere organizzato un servizio di mensa, sia per i bambini che per il personale, erogato sulla base di un apposito programma alimentare (tabella dietetica e menù)',
      article: art('29 c.1'),
      hint: 'Nei servizi in cui il pasto è previsto; altrimenti non applicabile.',
    },
  ]),

  // ── D ─ Art. 23 c.1 a–g ────────────────────────────────────────────────────────────────────
  ...block('D', 'Art. 23 – Coordinamento pedagogico', [
    {
      id: 'D.coordinamento.progetto_educativo',
      text: 'Elaborazione, attuazione e verifica del progetto educativo dei servizi',
      article: art('23 c.1 lett. a'),
    },
    {
      id: 'D.coordinamento.supervisione',
      text: 'Indirizzo, sostegno tecnico e supervisione al lavoro degli operatori',
      article: art('23 c.1 lett. b'),
    },
    {
      id: 'D.coordinamento.formazione',
      text: 'Promozione, organizzazione e conduzione delle attività di formazione permanente e aggiornamento, avvalendosi eventualmente della collaborazione di esperti esterni',
      article: art('23 c.1 lett. c'),
    },
    {
      id: 'D.coordinamento.sperimentazioni',
      text: 'Promozione e verifica di sperimentazioni pedagogiche avvalendosi eventualmente della collaborazione di esperti esterni',
      article: art('23 c.1 lett. d'),
    },
    {
      id: 'D.coordinamento.integrazione',
      text: "Promozione dell'integrazione fra servizi educativi per la prima infanzia ed altri servizi educativi, sociali e sanitari",
      article: art('23 c.1 lett. e'),
    },
    { id: 'D.coordinamento.qualita', text: 'Promozione e monitoraggio della qualità', article: art('23 c.1 lett. f') },
    {
      id: 'D.coordinamento.cultura_infanzia',
      text: "Sviluppo della cultura dell'infanzia all'interno della comunità locale",
      article: art('23 c.1 lett. g'),
    },
  ]),

  // ── E ─ Art. 12 ────────────────────────────────────────────────────────────────────────────
  ...block('E', 'Art. 12 – Partecipazione delle famiglie', [
    { id: 'E.organismi.assemblea', text: "L'Assemblea", article: art('12 c.4 lett. a'), hint: 'Istituita presso il servizio.' },
    { id: 'E.organismi.consiglio', text: 'Il Consiglio', article: art('12 c.4 lett. b'), hint: 'Istituito presso il servizio.' },
    {
      id: 'E.assemblea.convocazioni',
      text: "L'Assemblea dei genitori dei bambini iscritti e degli operatori viene convocata almeno due volte l'anno",
      article: art('12 c.5'),
      kind: 'count',
      hint: "Convocazioni dell'Assemblea nell'ultimo anno educativo concluso (o in quello in corso, se già due).",
    },
    {
      id: 'E.assemblea.inizio_anno',
      text: "all'inizio dell'anno per la presentazione del programma e la illustrazione della organizzazione interna del servizio educativo",
      article: art('12 c.5 lett. a'),
    },
    {
      id: 'E.assemblea.chiusura_anno',
      text: "in chiusura dell'anno per il consuntivo delle attività svolte e per la elaborazione di proposte per l'anno successivo",
      article: art('12 c.5 lett. b'),
    },
    {
      id: 'E.assemblea.elezione_rappresentanti',
      text: "L'Assemblea dei genitori elegge i propri rappresentanti all'interno del Consiglio",
      article: art('12 c.6'),
    },
    {
      id: 'E.consiglio.genitori',
      text: 'n° 3 rappresentanti dei genitori dei bambini iscritti e frequentanti',
      article: art('12 c.8 lett. a'),
      kind: 'count',
      hint: 'Numero dei rappresentanti dei genitori nel Consiglio in carica.',
    },
    {
      id: 'E.consiglio.operatori',
      text: 'n° 1 rappresentante degli operatori designato dal soggetto titolare del servizio',
      article: art('12 c.8 lett. b'),
      kind: 'count',
      hint: 'Numero dei rappresentanti degli operatori nel Consiglio in carica.',
    },
    {
      id: 'E.consiglio.titolare',
      text: 'n° 1 rappresentante del soggetto titolare del servizio',
      article: art('12 c.8 lett. c'),
      kind: 'count',
      hint: 'Numero dei rappresentanti del soggetto titolare nel Consiglio in carica.',
    },
    {
      id: 'E.consiglio.presidente',
      text: 'Il Consiglio nomina al proprio interno il Presidente, scelto tra i rappresentanti dei genitori',
      article: art('12 c.9'),
    },
    {
      id: 'E.consiglio.nomina',
      text: 'Il Consiglio dura in carica due anni scolastici',
      article: art('12 c.10'),
      kind: 'date',
      hint: 'Data di nomina del Consiglio in carica.',
    },
  ]),

  // ── ACC ─ Art. 31 c.2 a–i ──────────────────────────────────────────────────────────────────
  ...block('ACC', 'Art. 31 – Accreditemento', [
    {
      id: 'ACC.requisiti.autorizzazione',
      text: "possesso dell'autorizzazione all'apertura ed al funzionamento e di tutti i requisiti previsti per il suo rilascio",
      article: art('31 c.2 lett. a'),
    },
    {
      id: 'ACC.requisiti.scambi_rete',
      text: 'disponibilità dichiarata ad intrattenere scambi con altri servizi della rete zonale',
      article: art('31 c.2 lett. b'),
    },
    {
      id: 'ACC.requisiti.monte_ore',
      text: "disponibilità dichiarata ad assicurare nell'ambito dell'orario di lavoro del personale un monte ore annuo per la programmazione educativa e per la formazione professionale, sia in forma autonoma che attraverso la partecipazione a progetti di aggiornamento e di qualificazione promossi e gestiti in collaborazione con il Comune e gli organismi scolastici",
      article: art('31 c.2 lett. c'),
    },
    {
      id: 'ACC.requisiti.partecipazione_famiglie',
      text: 'previsione, nel progetto organizzativo del servizio, di modalità di partecipazione delle famiglie secondo i principi individuati nel presente regolamento',
      article: art('31 c.2 lett. d'),
    },
    {
      id: 'ACC.requisiti.valutazione_qualita',
      text: "disponibilità all'utilizzo di strumenti per la valutazione della qualità",
      article: art('31 c.2 lett. e'),
    },
    {
      id: 'ACC.requisiti.ammissione_tutti',
      text: "disponibilità dichiarata ad ammettere tutti i bambini che lo richiedano, entro il limite dei posti disponibili, senza discriminazione di sesso, razza, etnia, cultura, religione e favorendo l'inserimento di bambini in condizioni di svantaggio socio culturali o portatori di handicap e di bambini il cui nucleo familiare sia monoparentale o i cui genitori siano entrambi occupati",
      article: art('31 c.2 lett. f'),
    },
    {
      id: 'ACC.requisiti.personale_specifico',
      text: 'disponibilità dichiarata in presenza di bambini diversamente abili ad individuare personale con competenze specifiche',
      article: art('31 c.2 lett. g'),
    },
    { id: 'ACC.requisiti.posti_emergenze', text: 'esistenza di posti riservati per le emergenze', article: art('31 c.2 lett. h') },
    {
      id: 'ACC.requisiti.formule_frequenza',
      text: "articolazione delle formule di iscrizione e frequenza nell'ambito del complessivo orario di apertura del servizio",
      article: art('31 c.2 lett. i'),
    },
  ]),
];

/** The regional numbers apply (Art. 10): the tables record what the regional ratios need, under Lucca's names. */
const REGIONAL_RATIOS = 'DPGR 41/R/2013 artt. 27-34-41 (Reg. Lucca art. 10 c.1)';
const countsTables: CountsTable[] = [
  { serviceType: 'nido', title: 'Nido di infanzia', bands: ['0-11', '12-23', '24-36'] },
  { serviceType: 'centro_bambini_famiglie', title: 'Centro dei bambini e dei genitori', bands: ['0-36'] },
  { serviceType: 'spazio_gioco', title: 'Centro gioco educativo', bands: ['12-17', '18-23', '24-36'] },
  { serviceType: 'domiciliare', title: 'Servizio domiciliare', bands: ['0-36'] },
].map(({ serviceType, title, bands }) => ({
  serviceType: serviceType as ServiceType,
  title,
  article: REGIONAL_RATIOS,
  childrenColumns: ['Iscritti', 'Presenti'] as [string, string],
  bands,
  staffRows:
    serviceType === 'domiciliare'
      ? [{ key: 'educators' as const, label: 'N° educatori' }]
      : [
          { key: 'educators' as const, label: 'N° educatori' },
          { key: 'auxiliaries' as const, label: 'N° addetti' },
        ],
}));

/**
 * Who signs: the regulation does not say (interpretation `signatories` of lucca@1). The Comune
 * inspects (Art. 32 c.1), so its referent signs, in the presence of the service's referent; the
 * regulation sets up no commission, so no signature is required at sealing.
 */
export const LUCCA_SIGNATORIES: Checklist['signatories'] = [
  { id: 'referente_comune', label: 'Firma del referente del Comune di' },
  { id: 'referente_servizio', label: 'Alla presenza del referente del servizio (Firma)' },
];

export const LUCCA_CHECKLIST_1: Checklist = {
  id: 'lucca',
  version: 1,
  title: 'Verifica dei requisiti — Regolamento dei servizi educativi per la prima infanzia',
  sections,
  items,
  countsTables,
  signatories: LUCCA_SIGNATORIES,
};
