/**
 * Regione Piemonte, rilevazione 2025 dei servizi educativi per la prima infanzia (Piano di azione
 * nazionale, D.Lgs 65/2017 art. 8). Source: «Note sintetiche per la partecipazione dei Comuni alla
 * rilevazione anno 2025» (handout seed 000_f7d4317d56c88abf), cited by section (§).
 */
import type { z } from 'zod';
import type { Campaign } from './campaign.ts';

export const PIEMONTE_2025: z.input<typeof Campaign> = {
  id: 'piemonte-2025',
  version: 1,
  name: 'Rilevazione 2025 sui servizi educativi per la prima infanzia',
  region: 'Regione Piemonte',
  year: 2025,
  source: 'Note sintetiche Regione Piemonte, rilevazione anno 2025 (Piano di azione nazionale, D.Lgs 65/2017 art. 8)',
  periodStart: '2024-01-02',
  periodEnd: '2025-01-31',
  openingDate: '2025-04-29',
  deadline: '2025-05-15',
  sources: {
    period: '§6: media dei frequentanti dal 2 gennaio 2024 al 31 gennaio 2025',
    lateServices: '§7: servizi autorizzati dopo il 2 gennaio 2024, o tra il 31 gennaio e il 29 aprile 2025',
    missing: '§7: servizio mancante nell’elenco, con tutte le specifiche',
    ceased: '§8: dichiarazione di cessazione',
    unreachable: '§9: servizio non raggiungibile, dichiarato cessato con motivazione obbligatoria',
    amount: '§11: quota comunale, € 0,00 se nessuna',
    description: '§12: descrizione di massimo 100 caratteri',
    cycle: '§13: invio in validazione, validazione o rifiuto con indicazioni di correzione',
    deadline: '§2: scadenza del 15 maggio 2025',
  },
  descriptionMax: 100,
  actions: [
    {
      code: 'B1',
      label: 'Sostegno alle spese di gestione per i servizi pubblici, a gestione diretta o indiretta',
      scope: 'service',
      ownership: 'pubblico',
      when: 'always',
      source: '§10, nota bene: azioni essenziali e complementari',
    },
    {
      code: 'B2',
      label: 'Sostegno alle spese di gestione per i servizi privati',
      scope: 'service',
      ownership: 'privato',
      when: 'always',
      source: '§10, nota bene: azioni essenziali e complementari',
    },
    {
      code: 'B3',
      label: 'Riduzione rette nei servizi pubblici, a gestione diretta o indiretta',
      scope: 'service',
      ownership: 'pubblico',
      when: 'always',
      source: '§10, nota bene: azioni essenziali e complementari',
    },
    {
      code: 'B4',
      label: 'Riduzione rette nei servizi privati',
      scope: 'service',
      ownership: 'privato',
      when: 'always',
      source: '§10, nota bene: azioni essenziali e complementari',
    },
    {
      code: 'B8',
      label: 'Sostegno alle Sezioni Primavera, pubbliche e private',
      scope: 'service',
      ownership: null,
      when: 'sezione_primavera',
      source: '§10, nota bene: sempre associata in presenza di una Sezione Primavera',
    },
    {
      code: 'C1',
      label: 'Formazione del personale dei servizi educativi (solo in ambito CPT)',
      scope: 'comune',
      ownership: null,
      when: 'cpt',
      source: '§10, nota bene: unica, obbligatoria per i Comuni in CPT, esclusa per gli altri',
    },
  ],
  missingServiceFields: {
    denominazione: 'Denominazione',
    indirizzo: 'Indirizzo',
    titoloAutorizzativo: 'Titolo autorizzativo',
    titolare: 'Titolare',
    gestore: 'Gestore',
    capacita: 'Capacità ricettiva',
    frequentanti: 'Frequentanti',
  },
};
