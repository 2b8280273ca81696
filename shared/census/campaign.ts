/**
 * A regional census of early-childhood services (issue 15) as data: the year, the attendance
 * period, the opening date and deadline, the programmed actions with the rule that makes each one
 * due, and the fields the region asks for a service missing from its list. A new campaign (another
 * region, next year) is a new file registered in `index.ts`, never code; each rule cites its source.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates.ts';

const IsoDay = z.string().refine(isIsoDate, 'data aaaa-mm-gg non valida');

/** Who owns a service, as the actions are split (seed §10: SERVIZI PUBBLICI / PRIVATI). */
export const Ownership = z.enum(['pubblico', 'privato']);
export type Ownership = z.infer<typeof Ownership>;
export const OWNERSHIP_LABELS: Record<Ownership, string> = { pubblico: 'Pubblico', privato: 'Privato' };

/**
 * When an action is due. `always`: for every active service (of the action's ownership);
 * `sezione_primavera`: for a service with a Sezione Primavera; `cpt`: for a Comune in a
 * Coordinamento Pedagogico Territoriale. An action is mandatory where its condition holds and
 * refused where it does not (seed §10: «I Comuni che non fanno ancora parte di CPT non possono…»).
 */
export const ActionCondition = z.enum(['always', 'sezione_primavera', 'cpt']);
export type ActionCondition = z.infer<typeof ActionCondition>;

export const CampaignAction = z.strictObject({
  code: z.string().regex(/^[A-Z][0-9]{1,2}$/),
  label: z.string().min(1),
  /** `service`: one per service it applies to; `comune`: at most one for the whole Comune. */
  scope: z.enum(['service', 'comune']),
  /** The ownership of the services it applies to; null: any (a `comune` action has none). */
  ownership: Ownership.nullable(),
  when: ActionCondition,
  source: z.string().min(1),
});
export type CampaignAction = z.infer<typeof CampaignAction>;

/** The region's names of the fields of a service missing from its list (the export's columns too). */
export const MissingServiceFields = z.strictObject({
  denominazione: z.string().min(1),
  indirizzo: z.string().min(1),
  titoloAutorizzativo: z.string().min(1),
  titolare: z.string().min(1),
  gestore: z.string().min(1),
  capacita: z.string().min(1),
  frequentanti: z.string().min(1),
});
export type MissingServiceFields = z.infer<typeof MissingServiceFields>;

export const Campaign = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.number().int().min(1),
    name: z.string().min(1),
    region: z.string().min(1),
    year: z.number().int().min(2000).max(2100),
    /** Where the rules come from (the region's notes), cited by each rule's `source`. */
    source: z.string().min(1),
    /** Attendance is averaged from `periodStart` to `periodEnd`, both included. */
    periodStart: IsoDay,
    periodEnd: IsoDay,
    /** The campaign opens (services authorised after the period and by this day are averaged up to it). */
    openingDate: IsoDay,
    deadline: IsoDay,
    sources: z.strictObject({
      period: z.string(),
      lateServices: z.string(),
      ceased: z.string(),
      unreachable: z.string(),
      amount: z.string(),
      description: z.string(),
      cycle: z.string(),
      deadline: z.string(),
      missing: z.string(),
    }),
    /** Longest description of a programmed action. */
    descriptionMax: z.number().int().min(1),
    actions: z.array(CampaignAction).min(1),
    missingServiceFields: MissingServiceFields,
  })
  .superRefine((c, ctx) => {
    if (!(c.periodStart <= c.periodEnd && c.periodEnd <= c.openingDate && c.openingDate <= c.deadline))
      ctx.addIssue({ code: 'custom', message: 'le date devono essere in ordine: inizio ≤ fine periodo ≤ avvio ≤ scadenza' });
    const codes = c.actions.map((a) => a.code);
    if (new Set(codes).size !== codes.length) ctx.addIssue({ code: 'custom', message: 'codici delle azioni ripetuti' });
    for (const a of c.actions)
      if ((a.scope === 'comune') !== (a.when === 'cpt') || (a.scope === 'comune' && a.ownership !== null))
        ctx.addIssue({ code: 'custom', message: `${a.code}: un'azione del Comune vale per i soli Comuni in CPT e non ha titolarità` });
  });
export type Campaign = z.infer<typeof Campaign>;
