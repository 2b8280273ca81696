/** Words of the domain shared by the checklist, the rules, the inspection file and the UI. */
import { z } from 'zod';
import { isIsoDate } from './dates.ts';

export const SERVICE_TYPES = ['nido', 'spazio_gioco', 'centro_bambini_famiglie', 'domiciliare'] as const;
export const ServiceType = z.enum(SERVICE_TYPES);
export type ServiceType = z.infer<typeof ServiceType>;

/** The people of the office's registry a commission is made of (Zona reg. art. 15). */
export const PERSON_ROLES = ['pedagogista_zonale', 'referente_tecnico_comune', 'asl', 'altro'] as const;
export const PersonRole = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof PersonRole>;
export const PERSON_ROLE_LABELS: Record<PersonRole, string> = {
  pedagogista_zonale: 'Pedagogista zonale',
  referente_tecnico_comune: 'Referente tecnico del Comune',
  asl: 'ASL',
  altro: 'Altro',
};

export const PURPOSES = ['autorizzazione', 'accreditamento', 'verifica_periodica'] as const;
export const Purpose = z.enum(PURPOSES);
export type Purpose = z.infer<typeof Purpose>;

/** Why a visit is planned (issue 14): the office's plan and the laptop's visit started from it say it. */
export const PLAN_REASONS = ['due', 'requested', 'follow_up', 'complaint'] as const;
export const PlanReason = z.enum(PLAN_REASONS);
export type PlanReason = z.infer<typeof PlanReason>;
export const PLAN_REASON_LABELS: Record<PlanReason, string> = {
  due: 'dovuta (Art. 17)',
  requested: 'su richiesta (autorizzazione o accreditamento)',
  follow_up: 'verifica delle prescrizioni',
  complaint: 'segnalazione',
};

export const COURSES = ['first_aid', 'fire', 'rspp', 'rls', 'haccp_manager', 'haccp_simple', 'haccp_complex'] as const;
export const Course = z.enum(COURSES);
export type Course = z.infer<typeof Course>;

/** Roles of the people on a service's roster. */
export const ROLES = ['educatore', 'coordinatore', 'ausiliario', 'cuoco', 'altro'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Educator titles of DPGR 41/R/2013 art. 13 as the Scheda lists them.
 * `previgente_toscana` counts only when obtained by 31 Aug 2018; the two `transitorio_*` paths
 * only when started in the academic year 2018/19.
 */
export const EDUCATOR_TITLES = [
  'L19',
  'LM-85bis+60CFU',
  'previgente_toscana',
  'transitorio_laurea_pedagogica_psicologica',
  'transitorio_master_prima_infanzia',
  'altro',
] as const;
export const EducatorTitle = z.enum(EDUCATOR_TITLES);
export type EducatorTitle = z.infer<typeof EducatorTitle>;

export const ISO_DATE_MESSAGE = 'data non valida: serve una data reale nel formato AAAA-MM-GG';
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: ISO_DATE_MESSAGE })
  .refine(isIsoDate, { message: ISO_DATE_MESSAGE })
  .meta({ format: 'date' });

/**
 * Dates a person enters run to 2999 at most. The rules compute later dates from them (expiries,
 * validity of acts, warning windows: a few years on), which must stay four-digit years; a typo
 * like 9999-12-31 is then the user's error naming the field, not a crash of every list that
 * shows the date's consequences. Computed dates (outputs) keep IsoDateSchema.
 */
export const MAX_INPUT_YEAR = 2999;
export const INPUT_YEAR_MESSAGE = `data fuori dall'intervallo ammesso (anni 1900-${MAX_INPUT_YEAR})`;
export const InputDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: ISO_DATE_MESSAGE })
  .refine(isIsoDate, { message: ISO_DATE_MESSAGE })
  .refine((date) => Number(date.slice(0, 4)) <= MAX_INPUT_YEAR, { message: INPUT_YEAR_MESSAGE })
  .meta({ format: 'date' });

export const SERVICE_TYPE_LABELS: Record<ServiceType, string> = {
  nido: "Nido d'infanzia",
  spazio_gioco: 'Spazio gioco',
  centro_bambini_famiglie: 'Centro per bambini e famiglie',
  domiciliare: 'Servizio educativo in contesto domiciliare',
};

export const PURPOSE_LABELS: Record<Purpose, string> = {
  autorizzazione: 'Autorizzazione al funzionamento',
  accreditamento: 'Accreditamento',
  verifica_periodica: 'Verifica periodica del mantenimento dei requisiti',
};

export const COURSE_LABELS: Record<Course, string> = {
  first_aid: 'Pronto soccorso',
  fire: 'Prevenzione incendi',
  rspp: 'RSPP',
  rls: 'RLS',
  haccp_manager: 'HACCP responsabile piano di autocontrollo',
  haccp_simple: 'HACCP addetto lavorazioni semplici',
  haccp_complex: 'HACCP addetto lavorazioni complesse',
};

export const ROLE_LABELS: Record<Role, string> = {
  educatore: 'Educatore',
  coordinatore: 'Coordinatore pedagogico',
  ausiliario: 'Addetto / ausiliario',
  cuoco: 'Cuoco / addetto cucina',
  altro: 'Altro',
};

export const EDUCATOR_TITLE_LABELS: Record<EducatorTitle, string> = {
  L19: 'Laurea L19 (educatore servizi per l’infanzia)',
  'LM-85bis+60CFU': 'Laurea LM-85 bis + 60 CFU',
  previgente_toscana: 'Titolo previgente normativa toscana (entro 31/08/2018)',
  transitorio_laurea_pedagogica_psicologica: 'Laurea classi pedagogiche/psicologiche (percorso avviato 2018/19)',
  transitorio_master_prima_infanzia: 'Master prima infanzia (percorso avviato 2018/19)',
  altro: 'Altro titolo',
};
