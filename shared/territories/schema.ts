/**
 * A territory as data: what an office installation (and the laptops paired with it) needs to know
 * about the regulation it applies. Everything a territory does differently is a value here, in its
 * checklist or in its rule set; no code asks which territory it is running for.
 */
import { z } from 'zod';
import { SERVICE_TYPES, ServiceType } from '../domain.ts';
import { Signatory } from '../checklist/schema.ts';
import { PERSON_ROLES, Purpose } from '../domain.ts';

/** `<id>@<version>`, as rule sets and checklists are keyed. */
const VersionKey = z.string().regex(/^[a-z0-9-]+@\d+$/, 'formato atteso nome@versione, es. zona-fse@1');

export const ServiceTypeName = z.strictObject({
  /** The name the territory's regulation gives the service ("Centro gioco educativo"). */
  label: z.string().min(1),
  /** Where the regulation names it; the regional class (the key) carries the regional numbers. */
  article: z.string().min(1),
});
export type ServiceTypeName = z.infer<typeof ServiceTypeName>;

export const Territory = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** As the regulation names the authority: "Zona Fiorentina Sud-Est", "Città di Lucca". */
  name: z.string().min(1),
  /**
   * Who carries out the vigilance, as the laptop's header names it before the territory's name
   * ("Commissione zonale · Zona Fiorentina Sud-Est"), and the article that gives it the task.
   */
  inspectorate: z.strictObject({ label: z.string().min(1), article: z.string().min(1) }),
  /** The current checklist and rule set (older versions stay resolvable for the files that name them). */
  checklist: VersionKey,
  ruleSet: VersionKey,
  /** The article heading over the service types, as the checklist prints it ("Art. 2 – Classificazione dei servizi"). */
  serviceTypesHeading: z.string().min(1),
  serviceTypes: z.strictObject(
    Object.fromEntries(SERVICE_TYPES.map((t) => [t, ServiceTypeName])) as Record<ServiceType, typeof ServiceTypeName>,
  ),
  /** Who signs the record of a visit: the checklist's own list (the same value), and where it comes from. */
  signatories: z.array(Signatory),
  signatoriesSource: z.string().min(1),
  /**
   * How often a service is inspected, as the regulation words it. The number the rules compute
   * with is the rule set's `inspections.perYear` (null: no minimum).
   */
  schedule: z.strictObject({ label: z.string().min(1), article: z.string().min(1) }),
  /**
   * The months the services are open (`fromMonth`..`toMonth`, across the new year): a visit planned
   * outside them finds the service closed. As the territory's calendar says it.
   */
  calendar: z.strictObject({
    fromMonth: z.number().int().min(1).max(12),
    toMonth: z.number().int().min(1).max(12),
    article: z.string().min(1),
  }),
  /**
   * Who the visiting commission is made of, each seat a role (and for a Comune's referent, which
   * Comune: the service's own or another one); `completeFor` the purposes for which every seat must
   * be filled. Null where the regulation does not say (the plan then checks no composition).
   */
  commission: z
    .strictObject({
      article: z.string().min(1),
      seats: z
        .array(
          z.strictObject({
            label: z.string().min(1),
            role: z.enum(PERSON_ROLES),
            comune: z.enum(['service', 'other', 'any']),
          }),
        )
        .min(1),
      completeFor: z.array(Purpose),
      completeArticle: z.string().min(1),
    })
    .nullable(),
  /**
   * The roles the laptop suggests for a visit's members («Commissione»), as the territory's
   * regulation names the people who visit; the inspector may still type another.
   */
  memberRoles: z.array(z.string().min(1)).min(1),
  /** What the act imposing a correction with a deadline is called ("prescrizione", "diffida"). */
  prescription: z.strictObject({ singular: z.string().min(1), plural: z.string().min(1), article: z.string().min(1) }),
  /**
   * The follow-up visit of a prescription with a deadline: proposed from `days` after the deadline.
   * A named, versioned parameter (the regulations set no such term), as the rule sets' interpretations.
   */
  followUp: z.strictObject({
    id: z.string().min(1),
    version: z.number().int().min(1),
    days: z.number().int().min(0).max(365),
    source: z.string().min(1),
    text: z.string().min(1),
  }),
  /**
   * What the regulation gives when a follow-up finds a prescription not complied with, in order: the
   * first «non ottemperata» takes the first step, a later one of the same prescription the next (the
   * last step repeats). Zona: suspension (art. 11 c.2), then revocation (art. 11 c.3 lett. a: the
   * suspension not complied with); Lucca: revocation after the diffida (art. 32 c.2).
   */
  notComplied: z
    .array(
      z.strictObject({
        /** The act, as the regulation words it: «sospensione dell'autorizzazione al funzionamento». */
        act: z.string().min(1),
        article: z.string().min(1),
        /** The regulation's words the step rests on, verbatim from the seed. */
        quote: z.string().min(1),
      }),
    )
    .min(1),
  /** The lines at the top of the report, as the authority heads its acts, and the PDF's author. */
  reportHeading: z.strictObject({
    title: z.string().min(1),
    subtitle: z.string().min(1),
    author: z.string().min(1),
    /** What the record is called: the form's title («SCHEDA DI OSSERVAZIONE PER:») and each page's running header. */
    documentTitle: z.string().min(1),
    /**
     * The authority's emblem beside the heading, optional: a file in `resources/emblems/` (PNG, 8 bits,
     * not interlaced, or a JPEG in RGB or grey) that the authority supplies, and what it is.
     */
    emblem: z
      .strictObject({
        file: z.string().regex(/^[a-z0-9][a-z0-9._-]*\.(png|jpe?g)$/, 'nome di file in resources/emblems/ (.png o .jpg)'),
        description: z.string().min(1),
      })
      .optional(),
  }),
});
export type Territory = z.infer<typeof Territory>;
