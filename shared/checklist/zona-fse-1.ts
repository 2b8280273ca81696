/**
 * Checklist `zona-fse@1`: the *Scheda di osservazione* of the Conferenza zonale per l'educazione e
 * l'istruzione della Zona Fiorentina Sud-Est (seed 004, lines 524–665), as data.
 *
 * Conventions (they make the data reviewable against the printed form):
 * - One printed checkbox = one item, in printed order. Ids are `<SECTION>.<group>.<slug>` and are
 *   never renamed or reused: saved answers are keyed by them.
 * - `text` is the printed wording with tags stripped and whitespace collapsed; the seed's typos and
 *   remarks such as "(esclusi domiciliari)" are kept, so a test can find every text in the seed.
 * - Blanks ("_____"): when the printed wording is itself the request for a text ("Eventuali
 *   difformità", "altro (specificare)", "Altre modalità … (specificare)", "Verifica utilizzo degli
 *   spazi in orario di chiusura _____") the item is `kind: 'text'` and its answer value is the text.
 *   Answering such a line yes/no would be wrong: a "no" is reported as a non-conformity, but "no
 *   difformità" is the good case. When the wording is a requirement followed by lines for details
 *   ("Sono previste attività di aggiornamento del personale (se si specificare)", the training
 *   attestati, "Note e osservazioni"), the item is `yesno` and the details go in the answer's note.
 *   So no blank is an item of its own: each checkbox is exactly one item.
 * - Not items, because they are recorded elsewhere: A's "Tipologia di servizio" (the service's
 *   `type`), B's "Capienza struttura" and ratio tables (`countsTables` below; the inspection file's
 *   `children`/`staffCounts`), F's "ha / non ha la cucina interna" (the service's `kitchen`).
 */
import type { Purpose, ServiceType } from '../domain.ts';
import {
  ALL_PURPOSES,
  ALL_SERVICE_TYPES,
  type Checklist,
  type ChecklistItem,
  type ChecklistSection,
  type CountsTable,
  type ItemKind,
  type SectionId,
} from './schema.ts';

const AUTH_HEADING = "DPGR 41/R/2013 REQUISITI PER L'AUTORIZZAZIONE";
const ACC_HEADING = "DPGR 41/R/2013 REQUISITI PER L'ACCREDITAMENTO";

/** Sections A–F are authorisation requirements, checked again at accreditation and periodic checks. */
const AUTH_PURPOSES: Purpose[] = [...ALL_PURPOSES];
/** The accreditation table (Art. 51) is not asked for the authorisation alone. */
const ACC_PURPOSES: Purpose[] = ['accreditamento', 'verifica_periodica'];

const ALL_TYPES: ServiceType[] = [...ALL_SERVICE_TYPES];
/** For rows the Scheda marks "esclusi domiciliari" or that fall under a rule excluding them. */
const NOT_DOMICILIARE: ServiceType[] = ALL_SERVICE_TYPES.filter((t) => t !== 'domiciliare');

/** A run of rows sharing the printed left-column article and sub-heading. */
interface Block {
  section: SectionId;
  article: string;
  group?: string;
  /** Default for the block's rows; a row may narrow it. */
  serviceTypes?: ServiceType[];
  multiVisit?: boolean;
}

interface Row {
  id: string;
  text: string;
  kind?: ItemKind;
  serviceTypes?: ServiceType[];
  hint?: string;
}

/** Expands a block into items; it only fills shared fields, the data stays in the rows. */
function block(b: Block, rows: Row[]): ChecklistItem[] {
  return rows.map((row) => {
    // Keys in the schema's order (what Checklist.parse used to give back): JSON output stays the same.
    const item: ChecklistItem = {
      id: row.id,
      section: b.section,
      ...(b.group !== undefined ? { group: b.group } : {}),
      text: row.text,
      article: b.article,
      kind: row.kind ?? 'yesno',
      serviceTypes: row.serviceTypes ?? b.serviceTypes ?? ALL_TYPES,
      purposes: b.section === 'ACC' ? ACC_PURPOSES : AUTH_PURPOSES,
    };
    if (row.hint !== undefined) item.hint = row.hint;
    if (b.multiVisit) item.multiVisit = true;
    return item;
  });
}

const sections: ChecklistSection[] = [
  { id: 'A', title: 'Riferimenti operativi', requirementHeading: AUTH_HEADING },
  { id: 'B', title: 'Organizzazione del servizio e composizione dei gruppi', requirementHeading: AUTH_HEADING },
  {
    id: 'C',
    title: 'Obiettivi generali e metodologie di intervento',
    requirementHeading: AUTH_HEADING,
    intro:
      "I dati riportati in questa area non sono tutti osservabili o verificabili in un'unica visita; in base a ciò che viene scelto di indagare nella prima visita, si può ipotizzare che i sopralluoghi successivi siano effettuati tenendo conto di quanto rimane da verificare (es. se voglio verificare la gestione dell'ambientamento, la visita dovrà avvenire nel periodo in cui questo si realizza e, quindi, all'inizio dell'anno educativo, etc.)\n\n" +
      'Gli elementi sotto riportati possono essere verificati o mediante osservazione diretta o attraverso domande stimolo da porre al referente della struttura',
  },
  { id: 'D', title: 'Attività del personale educativo e degli addetti se presenti', requirementHeading: AUTH_HEADING },
  { id: 'E', title: 'Modalità di partecipazione alla vita del servizio educativo', requirementHeading: AUTH_HEADING },
  { id: 'F', title: 'Descrizione della struttura', requirementHeading: AUTH_HEADING },
  // The Scheda prints no lettered title for this table, only its heading; the id ACC is ours.
  { id: 'ACC', title: "Requisiti per l'accreditamento", requirementHeading: ACC_HEADING },
];

const items: ChecklistItem[] = [
  // ── A ─ Riferimenti operativi ──────────────────────────────────────────────────────────────
  ...block({ section: 'A', article: 'DPGR 41/R/2013 art. 19 c.1', serviceTypes: NOT_DOMICILIARE }, [
    { id: 'A.destinazione_uso.certificato', text: "Presenza di idoneo certificato di destinazione d'uso (esclusi domiciliari)" },
    {
      id: 'A.destinazione_uso.autonomia_altro_servizio',
      text: 'In presenza di altro servizio educativo, separate vie di accesso e autonomia funzionale dei differenti servizi (esclusi i servizi domiciliari)',
    },
  ]),
  // Art. 19 c.2 sends the outdoor area to art. 20, which "non si applica ai servizi educativi in
  // contesto domiciliare" (printed in section F): so these two rows exclude domiciliare too.
  ...block({ section: 'A', article: 'DPGR 41/R/2013 art. 19 c.2', serviceTypes: NOT_DOMICILIARE }, [
    {
      id: 'A.area_esterna.recintata_esclusiva',
      text: "l'area esterna è recintata , attrezzata a verde e di uso esclusivo dei bambini durante l'orario di apertura del servizio stesso e non è inferiore alla superficie interna messa a disposizione dei bambini",
      hint: "Caratteristiche dell'area esterna: art. 20.",
    },
    {
      id: 'A.area_esterna.ambiente_educativo',
      text: "l'area esterna è organizzata e attrezzata come ambiente educativo in modo da consentire l'esplorazione libera e il gioco strutturato in relazione alle esigenze delle diverse età. Dispone di una zona coperta e pavimentata.",
      hint: "Caratteristiche dell'area esterna: art. 20.",
    },
  ]),

  // ── B ─ Organizzazione del servizio e composizione dei gruppi ─────────────────────────────
  // (Capienza and ratio tables: see countsTables.)
  ...block({ section: 'B', article: 'DPGR 41/R/2013 art. 13' }, [
    {
      id: 'B.titoli.elenco_personale',
      text: "Presenza di un elenco aggiornato degli educatori e degli addetti in servizio all'interno del progetto educativo",
    },
    {
      id: 'B.titoli.copie_archiviate',
      text: 'Copia dei titoli di studio o qualifiche professionali di tutti gli educatori in servizio sono archiviati in struttura',
    },
    {
      id: 'B.titoli.coerenti',
      text: 'I titoli di studio o qualifiche professionali di tutti gli educatori sono coerenti con quanto previsto dal RRT 41/R/2013 e ss.mm.ii.',
      hint: 'Titoli ammessi: L19; LM-85 bis + 60 CFU; titoli della normativa toscana previgente conseguiti entro il 31/08/2018; percorsi transitori avviati nel 2018/2019 (regola staff.titles).',
    },
    {
      id: 'B.titoli.difformita',
      text: 'Eventuali difformità',
      kind: 'text',
      hint: 'Descrivere le difformità riscontrate sui titoli; lasciare vuoto se non ce ne sono.',
    },
  ]),
  ...block({ section: 'B', article: 'DPGR 41/R/2013 art. 16 c.1' }, [
    {
      id: 'B.onorabilita.autodichiarazioni',
      text: 'Autodichiarazioni del possesso dei requisiti di onorabilità di tutto il personale archiviati in struttura',
    },
  ]),
  ...block({ section: 'B', article: 'DPGR 41/R/2013 art. 16 c.2' }, [
    { id: 'B.contratti.archiviati', text: 'I contratti di lavoro di tutto il personale sono archiviati in struttura' },
    {
      id: 'B.contratti.autodichiarazione_gestore',
      text: 'Autodichiarazione del soggetto gestore che tutte le persone in servizio sono assunte con regolare contratto di lavoro',
    },
  ]),

  // ── C ─ Obiettivi generali e metodologie di intervento ────────────────────────────────────
  // "…in cui è inserito il nido" in one row is the form's wording; art. 5 binds every service
  // type, so all C items apply to all four.
  ...block({ section: 'C', article: 'DPGR 41/R/2013 art. 5', multiVisit: true }, [
    { id: 'C.progetto.aggiornato', text: 'Il progetto educativo è aggiornato' },
    {
      id: 'C.corrispondenza.contesto',
      text: "Corrispondenza dell'analisi del contesto socio-ambientale del progetto educativo con la realtà in cui è inserito il nido",
    },
    {
      id: 'C.corrispondenza.ambientamento',
      text: "Corrispondenza tra le motivazioni pedagogiche illustrate nel progetto educativo e la gestione dell'ambientamento",
      hint: "Da verificare nel periodo dell'ambientamento (inizio dell'anno educativo).",
    },
    {
      id: 'C.corrispondenza.transizioni',
      text: 'Corrispondenza tra le motivazioni pedagogiche illustrate nel progetto educativo e la gestione delle transizioni tra servizio e famiglia (ingresso/uscita)',
    },
    {
      id: 'C.corrispondenza.momenti_cura',
      text: 'Corrispondenza tra le motivazioni pedagogiche illustrate nel progetto e la gestione dei momenti di cura (merenda, cambio, pranzo, sonno)',
    },
    {
      id: 'C.corrispondenza.spazio',
      text: "Corrispondenza tra le motivazioni pedagogiche illustrate nel progetto educativo e l'uso dello spazio",
    },
    {
      id: 'C.corrispondenza.tempo',
      text: "Corrispondenza tra le motivazioni pedagogiche illustrate nel progetto educativo e l'organizzazione del tempo",
    },
  ]),

  // ── D ─ Attività del personale educativo e degli addetti ──────────────────────────────────
  ...block({ section: 'D', article: 'DPGR 41/R/2013 art. 6' }, [
    {
      id: 'D.incontri.calendario_progetto',
      text: "Presenza di un calendario di incontri degli educatori per l'aggiornamento e la verifica del progetto educativo",
    },
    {
      id: 'D.incontri.verbali_progetto',
      text: "Verbali relativi allo svolgimento degli incontri per l'aggiornamento e la verifica del progetto educativo",
    },
    { id: 'D.incontri.calendario_team', text: 'Presenza di un calendario di incontri degli educatori per la gestione del lavoro di team' },
  ]),
  // The lead-in line has no checkbox: it is the group, each sub-bullet is an item.
  ...block(
    { section: 'D', article: 'DPGR 41/R/2013 art. 6', group: 'Verbali relativi allo svolgimento di incontri degli educatori relativi a:' },
    [
      { id: 'D.verbali.programmazione_educativa', text: 'programmazione educativa' },
      { id: 'D.verbali.organizzazione_lavoro', text: 'organizzazione e verifica del lavoro' },
      { id: 'D.verbali.documentazione_percorsi', text: 'documentazione dei percorsi educativi' },
      { id: 'D.verbali.altro', text: 'altro (specificare)', kind: 'text', hint: 'Indicare gli altri argomenti dei verbali, se presenti.' },
    ],
  ),
  ...block({ section: 'D', article: 'DPGR 41/R/2013 art. 6' }, [
    { id: 'D.programmazione.documento', text: 'Presenza del documento relativo alla programmazione educativa' },
    {
      id: 'D.aggiornamento.attivita_previste',
      text: 'Sono previste attività di aggiornamento del personale (se si specificare)',
      hint: 'Se sì, specificare le attività nella nota.',
    },
    {
      id: 'D.coordinamento.presenza',
      text: 'Presenza del Coordinamento Pedagogico e gestionale (verifica titolo di studio)',
      hint: 'Annotare il titolo di studio verificato nella nota.',
    },
  ]),

  // ── E ─ Modalità di partecipazione ────────────────────────────────────────────────────────
  // The last four rows sit in a continuation table whose left column is empty (page break):
  // they stay under art. 4, the article of the section.
  ...block({ section: 'E', article: 'DPGR 41/R/2013 art. 4' }, [
    { id: 'E.progetto.esposto', text: 'Il progetto educativo è distribuito/esposto in visione per i genitori' },
    {
      id: 'E.incontri.calendario',
      text: 'Presenza di un calendario di incontri con i genitori per la presentazione del progetto educativo/programmazione e verifica',
    },
    {
      id: 'E.incontri.verbali',
      text: 'Convocazioni/verbali dello svolgimento degli incontri con i genitori per la presentazione del progetto educativo/programmazione e verifica',
    },
    {
      id: 'E.qualita.valutazione_genitori',
      text: 'Presenza di metodi/strumenti per la valutazione della qualità del servizio da parte dei genitori',
    },
    {
      id: 'E.presenze.rilevazione_giornaliera',
      text: 'Il servizio educativo assicura un sistema di rilevazione delle presenze giornaliere, anche informatizzato e comunica alle famiglie le assenze che non sono state dalle stesse precedentemente segnalate, con la massima tempestività compatibilmente con le modalità organizzative della struttura.',
    },
    {
      id: 'E.partecipazione.altre_modalita',
      text: 'Altre modalità di partecipazione alla vita del nido da parte di soggetti diversi (specificare)',
      kind: 'text',
      hint: 'Descrivere le altre modalità di partecipazione, se presenti.',
    },
    // The Scheda ends E with one more checkbox and no wording: nothing to verify, so no item.
  ]),

  // ── F ─ Descrizione della struttura ───────────────────────────────────────────────────────
  // The printed left column of this first block cites art. 19 and art. 20 together, so every row
  // carries "artt. 19-20". Art. 20 (outdoor spaces) does not apply to domiciliare: the three
  // outdoor rows exclude it. The four building rows are art. 19 matters and apply to all types.
  ...block({ section: 'F', article: 'DPGR 41/R/2013 artt. 19-20' }, [
    { id: 'F.struttura.autonomia_funzionale', text: 'Edificio con autonomia funzionale' },
    {
      id: 'F.struttura.requisiti_sicurezza_igiene',
      text: 'Gli ambienti e gli spazi del servizio educativo, interni ed esterni, nonché gli impianti possiedono i requisiti previsti dalla normativa in materia di sicurezza, igiene e sanità',
    },
    {
      id: 'F.struttura.uso_orario_chiusura',
      text: 'Verifica utilizzo degli spazi in orario di chiusura',
      kind: 'text',
      hint: 'Descrivere come sono utilizzati gli spazi in orario di chiusura.',
    },
    { id: 'F.struttura.barriere_architettoniche', text: 'Assenza di barriere architettoniche' },
    {
      id: 'F.struttura.parcheggi_separati',
      text: "Aree con destinazione a parcheggi e viabilità carrabili separate dall'area di pertinenza dei bambini",
      serviceTypes: NOT_DOMICILIARE,
    },
    {
      id: 'F.struttura.area_esterna_recintata',
      text: "L'area esterna del servizio educativo è recintata, attrezzata a verde e di uso esclusivo dei bambini",
      serviceTypes: NOT_DOMICILIARE,
    },
    {
      id: 'F.struttura.area_verde_non_contigua',
      text: 'presenza di area verde non contigua adeguata alla normativa',
      serviceTypes: NOT_DOMICILIARE,
    },
  ]),
  // From here to the HACCP block the left column is empty. Area Documentazione, Formazione and
  // Controlli Periodici are workplace-safety duties; the only norm the Scheda cites for them is
  // D.Lgs 81/2008 (in the DVR row), so they carry it. The rule set cites the precise articles
  // for the training rules (training.*).
  // "Eventuali difformità", "Piano di Emergenza…" and "Piano di Esodo…" are printed below the
  // DVR row without checkboxes; they are fields to fill all the same.
  ...block({ section: 'F', article: 'D.Lgs 81/2008', group: 'Area Documentazione' }, [
    {
      id: 'F.documentazione.dvr',
      text: 'Presenza del Documento di Valutazione del Rischio (DVR) secondo quanto previsto dal D.Lgs 81/2008',
    },
    {
      id: 'F.documentazione.difformita',
      text: 'Eventuali difformità',
      kind: 'text',
      hint: 'Difformità riscontrate nella documentazione di sicurezza; vuoto se nessuna.',
    },
    { id: 'F.documentazione.piano_emergenza', text: 'Piano di Emergenza affisso in struttura' },
    { id: 'F.documentazione.piano_esodo', text: 'Piano di Esodo affisso in struttura' },
  ]),
  ...block({ section: 'F', article: 'D.Lgs 81/2008', group: 'Area Formazione Personale addetto' }, [
    {
      id: 'F.formazione.rspp',
      text: 'Attestato formazione Responsabile Servizio Prevenzione e Protezione RSPP (min.16 – max 48 ore)',
      hint: 'Regola training.rspp.',
    },
    {
      id: 'F.formazione.rls',
      text: 'Attestato formazione rappresentante dei lavoratori per la sicurezza RLS (min. 32 ore) o in alternativa documentazione comprovante la scelta del RLS territoriale',
      hint: 'Regola training.rls.',
    },
    {
      id: 'F.formazione.prevenzione_incendi',
      text: 'Attestato formazione addetti prevenzione incendi (8 ore) – almeno 2 per garantire la copertura di personale formato per tutto il periodo di apertura della struttura',
      hint: 'Regola training.fire.',
    },
    {
      id: 'F.formazione.pronto_soccorso',
      text: 'Attestato Pronto Soccorso (12 ore) almeno 2 per garantire la copertura di personale formato per tutto il periodo di apertura della struttura',
      hint: 'Regola training.first_aid.',
    },
    { id: 'F.formazione.squadra_sicurezza', text: 'Visibilità dei nominativi della squadra referenti sicurezza' },
  ]),
  ...block({ section: 'F', article: 'D.Lgs 81/2008', group: 'Area Controlli Periodici' }, [
    { id: 'F.controlli.prova_esodo', text: 'Prova di esodo' },
    { id: 'F.controlli.cartellonistica', text: 'Controllo cartellonistica sicurezza' },
    { id: 'F.controlli.illuminazione_emergenza', text: 'Controllo periodico del sistema di illuminazione di emergenza' },
    { id: 'F.controlli.porte_emergenza', text: 'Controllo periodico delle porte di emergenza' },
    { id: 'F.controlli.estintori', text: 'Controllo periodico della carica degli estintori portatili' },
    {
      id: 'F.controlli.allarme_antincendio',
      text: 'Controllo del sistema di allarme antincendio e presidi antincendio negli edifici ove è previsto per legge o comunque installato',
    },
    { id: 'F.controlli.impianti_elettrici', text: 'Controllo annuale degli impianti elettrici da parte di una ditta specializzata' },
    { id: 'F.controlli.salvavita', text: 'Controllo periodico degli interruttori salvavita degli impianti elettrici' },
    { id: 'F.controlli.caldaie', text: 'Controllo periodico delle caldaie e impianti di riscaldamento (verifica libretto di impianto)' },
  ]),
  // Presidi and CE certificates are about the children's safety in rooms and furniture: the
  // governing article cited on this form is art. 19 (spaces meet safety, hygiene and health
  // requirements), printed at the top of section F.
  ...block({ section: 'F', article: 'DPGR 41/R/2013 art. 19', group: 'Area Presidi di Sicurezza' }, [
    { id: 'F.presidi.prese_protette', text: 'Protezione di tutte le prese elettriche' },
    { id: 'F.presidi.fili_elettrici', text: 'Nessun filo elettrico scoperto' },
    { id: 'F.presidi.medicinali_chiusi', text: 'Medicinali, sostanze tossiche in luoghi chiusi a chiave' },
    { id: 'F.presidi.detersivi', text: 'Detersivi in luoghi non accessibili ai bambini' },
    { id: 'F.presidi.termosifoni', text: 'Protezione dei termosifoni' },
    { id: 'F.presidi.maniglioni_antipanico', text: 'Maniglioni antipanico' },
    { id: 'F.presidi.cancelli_scale', text: 'Cancelli di protezione davanti ad eventuale rampe di scale' },
  ]),
  // Printed without a sub-heading, hence no group.
  ...block({ section: 'F', article: 'DPGR 41/R/2013 art. 19' }, [
    { id: 'F.arredi_giochi.ce_arredi', text: 'Presenza delle certificazioni CE per gli arredi' },
    { id: 'F.arredi_giochi.ce_giochi', text: 'Presenza delle certificazioni CE per i giochi' },
    {
      id: 'F.arredi_giochi.giochi_coerenti',
      text: "Qualità e quantità dei giochi coerenti con il piano educativo in ordine all'età dei bambini",
    },
  ]),
  // "ha / non ha la cucina interna" is the service's `kitchen` flag, not an item.
  ...block({ section: 'F', article: 'DGR 559/2008', group: 'Formazione degli alimentaristi' }, [
    { id: 'F.haccp.piano_autocontrollo', text: 'Presenza del "Piano di Autocontrollo" – HACCP' },
    { id: 'F.haccp.responsabile_piano', text: 'Presenza del Responsabile del Piano di Autocontrollo' },
    {
      id: 'F.haccp.attestato_responsabile',
      text: 'Attestato di frequenza corso di formazione per Responsabile del Piano di Autocontrollo (di 12 ore per strutture che non hanno cucina interna, di 16 ore per strutture con cucina interna) con validità quinquennale (poi aggiornamento di 8 ore)',
      hint: 'Regola training.haccp.',
    },
    {
      id: 'F.haccp.attestati_semplici',
      text: 'Attestati di frequenza corso di formazione per addetto alle attività/lavorazioni semplici (8 ore) con validità quinquennale (poi aggiornamento di 4 ore)',
      hint: 'Regola training.haccp.',
    },
    {
      id: 'F.haccp.attestati_complesse',
      text: 'Attestati di frequenza corso di formazione per addetto alle attività/lavorazioni alimentari complesse (12 ore) con validità quinquennale (poi aggiornamento di 8 ore)',
      hint: 'Pertinente soprattutto se la struttura ha la cucina interna (regola training.haccp).',
    },
  ]),
  // The row is labelled "Nido d'infanzia" but cites the interior-space articles of all four types
  // (22-23 nido, 29-30 spazio gioco, 36-37 centro bambini e famiglie, 43 domiciliare), so its items
  // apply to all types. The remark "Ad eccezione della cucina/sporzionamento non si applicano al
  // servizio in contesto domiciliare" sits in the cell of the subdivision list only: it excludes
  // domiciliare from those sub-items except Cucina/Sporzionamento, and leaves the two following rows
  // for all types. "Note e osservazioni" below each row is the answer's note.
  ...block(
    {
      section: 'F',
      article: 'DPGR 41/R/2013 artt. 22-23, 29-30, 36-37, 43',
      group: 'Suddivisione degli spazi interni in:',
      serviceTypes: NOT_DOMICILIARE,
    },
    [
      { id: 'F.spazi_interni.ingresso_filtro', text: "Ingresso con filtro termico per l'accoglienza" },
      { id: 'F.spazi_interni.servizi_generali', text: 'Servizi Generali' },
      { id: 'F.spazi_interni.cucina_sporzionamento', text: 'Cucina/Sporzionamento', serviceTypes: ALL_TYPES },
      { id: 'F.spazi_interni.spazi_bambini', text: 'Spazi bambini' },
      { id: 'F.spazi_interni.spazi_adulti', text: 'Spazi personale/adulti' },
    ],
  ),
  ...block({ section: 'F', article: 'DPGR 41/R/2013 artt. 22-23, 29-30, 36-37, 43' }, [
    {
      id: 'F.spazi_interni.funzioni_bambini',
      text: 'Presenza di spazi dedicati ai bambini per le diverse funzioni o identificazione negli spazi multifunzionali, delle diverse funzioni',
    },
    { id: 'F.spazi_interni.funzioni_adulti', text: 'Presenza di spazi dedicati agli adulti per le diverse funzioni' },
  ]),

  // ── ACC ─ Requisiti per l'accreditamento ──────────────────────────────────────────────────
  // The printed cell cites "Art. 51 comma 2 e 3" for all rows; the letter of c.3 each row
  // checks is in the hint.
  ...block({ section: 'ACC', article: 'DPGR 41/R/2013 art. 51 c.2-3' }, [
    { id: 'ACC.autorizzazione.possesso', text: 'Possesso autorizzazione al funzionamento', hint: 'Art. 51 c.2.' },
    {
      id: 'ACC.formazione.programma_annuale',
      text: 'Programma annuale di formazione degli educatori per un minimo di 20 ore',
      hint: 'Art. 51 c.3 lett. a.',
    },
    {
      id: 'ACC.formazione.aggiornamento_zonale',
      text: "partecipazione nell'ambito del programma formativo a percorsi di aggiornamento promossi dal coordinamento pedagogico zonale",
      hint: 'Art. 51 c.3 lett. a.',
    },
    {
      id: 'ACC.rete.iniziative_scambi',
      text: 'partecipazione ad iniziative e scambi con altri servizi della rete locale',
      hint: 'Art. 51 c.3 lett. c.',
    },
    {
      id: 'ACC.qualita.strumenti_valutazione',
      text: 'presenza di strumenti per la valutazione della qualità',
      hint: 'Art. 51 c.3 lett. d.',
    },
    {
      id: 'ACC.qualita.soddisfazione_utenza',
      text: "presenza di strumenti per la valutazione della soddisfazione dell'utenza",
      hint: 'Art. 51 c.3 lett. d.',
    },
    {
      id: 'ACC.qualita.scheda_zonale',
      text: 'conformità ai requisiti previsti da scheda di valutazione zonale',
      hint: 'Art. 51 c.3 lett. f-g.',
    },
    {
      id: 'ACC.accoglienza.disabilita_disagio',
      text: 'la disponibilità ad accogliere bambini portatori di disabilità o di disagio sociale segnalati dal servizio sociale pubblico anche in temporaneo soprannumero; (art. 51 comma 3 voce e)',
      hint: 'Art. 51 c.3 lett. e.',
    },
  ]),
];

/**
 * Section B's tables. The schema has one `article` per table: the ratio tables cite artt. 27-34-41
 * (what the educator/auxiliary rows check); the domiciliare table, for which the Scheda prints no
 * ratio table, records only the capacity row's counts (n. iscritti, presenza rilevata), so it
 * cites the capacity articles instead. Band ids are those of rule set zona-fse@1.
 */
const RATIO_ARTICLE = 'DPGR 41/R/2013 artt. 27-34-41';
const CAPACITY_ARTICLE = 'DPGR 41/R/2013 artt. 25-32-39-42 c.2';

const countsTables: CountsTable[] = [
  {
    serviceType: 'nido',
    title: 'Nido',
    article: RATIO_ARTICLE,
    childrenColumns: ['Iscritti', 'Presenti'],
    bands: ['0-11', '12-23', '24-36'],
    staffRows: [
      { key: 'educators', label: 'N° educatori' },
      { key: 'auxiliaries', label: 'N° addetti' },
    ],
  },
  {
    serviceType: 'spazio_gioco',
    title: 'Spazio gioco',
    article: RATIO_ARTICLE,
    // Printed "Previsti": the rule set reads it as the enrolled count (ratio.spazio_gioco_planned).
    childrenColumns: ['Previsti', 'Presenti'],
    bands: ['12-17', '18-23', '24-36'],
    staffRows: [
      { key: 'educators', label: 'N° educatori' },
      { key: 'auxiliaries', label: 'n.addetti' },
    ],
  },
  {
    serviceType: 'centro_bambini_famiglie',
    title: 'Centro bambini famiglie',
    article: RATIO_ARTICLE,
    childrenColumns: ['Iscritti', 'Presenti'],
    bands: ['0-36'],
    staffRows: [
      { key: 'educators', label: 'N° educatori' },
      { key: 'auxiliaries', label: 'N° addetti' },
    ],
  },
  {
    serviceType: 'domiciliare',
    title: 'Servizio educativo in contesto domiciliare',
    article: CAPACITY_ARTICLE,
    childrenColumns: ['Iscritti', 'Presenti'],
    bands: ['0-36'],
    staffRows: [{ key: 'educators', label: 'N° educatori' }],
  },
];

export const ZONA_FSE_CHECKLIST_1: Checklist = {
  id: 'zona-fse',
  version: 1,
  title: 'Scheda di osservazione',
  sections,
  items,
  countsTables,
  signatories: [
    // Reg. zonale art. 15: the commission counts the Comune's technical referent and the pedagogical one.
    { id: 'referente_comune', label: 'Firma del referente del Comune di', commission: true },
    { id: 'pedagogista', label: 'Firma del Pedagogista Comunale', commission: true },
    { id: 'referente_servizio', label: 'Alla presenza del referente del servizio (Firma)' },
  ],
};
