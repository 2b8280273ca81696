/** The Comune di Lucca (seed 003) as a territory: names and parameters; checklist and rules beside this file. */
import type { Territory } from '../schema.ts';
import { LUCCA_SIGNATORIES } from './checklist.ts';

export const LUCCA_TERRITORY: Territory = {
  id: 'lucca',
  name: 'Città di Lucca',
  inspectorate: { label: 'Vigilanza del Comune', article: 'Reg. Lucca art. 32 c.1' },
  checklist: 'lucca@1',
  ruleSet: 'lucca@1',
  // Art. 9 c.1: Lucca's names, each on the regional class whose numbers apply (interpretation service_types.regional).
  serviceTypesHeading: 'Art. 9 – Classificazione dei servizi',
  serviceTypes: {
    nido: { label: 'Nido di infanzia', article: 'Reg. Lucca art. 9 c.1 punto 1.1' },
    spazio_gioco: { label: 'Centro gioco educativo', article: 'Reg. Lucca art. 9 c.1 punto 1.3' },
    centro_bambini_famiglie: { label: 'Centro dei bambini e dei genitori', article: 'Reg. Lucca art. 9 c.1 punto 1.2' },
    domiciliare: { label: 'Servizio domiciliare', article: 'Reg. Lucca art. 9 c.1 punto 1.4' },
  },
  signatories: LUCCA_SIGNATORIES,
  signatoriesSource: 'non indicato dal regolamento (interpretazione signatories di lucca@1; Reg. Lucca art. 32 c.1)',
  schedule: { label: 'periodica, senza numero minimo', article: 'Reg. Lucca art. 32 c.1' },
  calendar: { fromMonth: 9, toMonth: 6, article: 'Reg. Lucca art. 27 c.1' },
  // The seed names no commission's composition (Art. 32 c.1 says only that the Comune supervises).
  commission: null,
  // Art. 32 c.1 names no commission («Il Comune vigila … anche mediante periodiche ispezioni»): the one
  // visitor it implies is the Comune's referent, the record's signatory.
  memberRoles: ['Referente del Comune'],
  prescription: { singular: 'diffida', plural: 'diffide', article: 'Reg. Lucca art. 32 c.2' },
  followUp: {
    id: 'follow_up.days',
    version: 1,
    days: 7,
    source: 'non indicato dal regolamento (Reg. Lucca art. 32 c.2: la diffida a ottemperare non fissa il termine della verifica)',
    text: 'la visita di verifica della diffida è proposta a partire dal settimo giorno dopo la scadenza',
  },
  notComplied: [
    {
      act: "revoca dell'autorizzazione o dell'accreditamento",
      article: 'Reg. Lucca art. 32 c.2',
      quote: "previa diffida a ottemperare alle condizioni richieste, alla revoca dell'autorizzazione o dell'accrreditamento",
    },
  ],
  reportHeading: {
    title: 'CITTÀ DI LUCCA',
    subtitle: 'REGOLAMENTO DEI SERVIZI EDUCATIVI PER LA PRIMA INFANZIA',
    author: 'Comune di Lucca – Vigilanza sui servizi educativi (Reg. art. 32)',
    // The seed prints no form: the record is that of an inspection of Art. 32 c.1.
    documentTitle: 'Verbale di ispezione',
  },
};
