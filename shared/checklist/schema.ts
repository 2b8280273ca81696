/**
 * The Scheda di osservazione as data. Every checkbox and field of the printed form is one item;
 * the UI, the report and the rules read this, so a territory's checklist is a data change.
 */
import { z } from 'zod';
import { PURPOSES, Purpose, SERVICE_TYPES, ServiceType } from '../domain.ts';

export const SECTION_IDS = ['A', 'B', 'C', 'D', 'E', 'F', 'ACC'] as const;
export const SectionId = z.enum(SECTION_IDS);
export type SectionId = z.infer<typeof SectionId>;

/**
 * yesno: a checkbox of the Scheda (sì / no / non applicabile); count, date, text: a field to fill;
 * register: the service's educators picked from the territory's register (the rule set's
 * `educatorRegister`, shared/educator-register.ts), the answer their entry ids separated by commas.
 */
export const ItemKind = z.enum(['yesno', 'count', 'date', 'text', 'register']);
export type ItemKind = z.infer<typeof ItemKind>;

export const ChecklistItem = z.strictObject({
  /** Stable id, never reused or renamed: `F.presidi.prese_protette`. */
  id: z.string().regex(/^(A|B|C|D|E|F|ACC)\.[a-z0-9_.]+$/),
  section: SectionId,
  /** Sub-heading of the printed form the item sits under (e.g. "Area Formazione Personale addetto"). */
  group: z.string().min(1).optional(),
  /** The Italian text as printed on the Scheda. */
  text: z.string().min(1),
  /** The article the Scheda cites beside the item. */
  article: z.string().min(1),
  kind: ItemKind,
  serviceTypes: z.array(ServiceType).min(1),
  purposes: z.array(Purpose).min(1),
  /** A short hint for the inspector (not printed on the Scheda). */
  hint: z.string().optional(),
  /** Section C: may be verified over several visits. */
  multiVisit: z.boolean().optional(),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const ChecklistSection = z.strictObject({
  id: SectionId,
  title: z.string().min(1),
  /** Heading of the requirement column as printed. */
  requirementHeading: z.string().min(1),
  /** Explanatory text printed under the section title, if any. */
  intro: z.string().optional(),
});
export type ChecklistSection = z.infer<typeof ChecklistSection>;

/** The counts tables of section B: which rows the Scheda prints for each service type. */
export const CountsTable = z.strictObject({
  serviceType: ServiceType,
  title: z.string().min(1),
  article: z.string().min(1),
  /** Column headings for the children rows ("Iscritti"/"Presenti", or "Previsti"/"Presenti" for spazio gioco). */
  childrenColumns: z.tuple([z.string(), z.string()]),
  /** Band ids of the rule set, in printed order. */
  bands: z.array(z.string()),
  staffRows: z.array(z.strictObject({ key: z.enum(['educators', 'auxiliaries']), label: z.string() })),
});
export type CountsTable = z.infer<typeof CountsTable>;

export const Signatory = z.strictObject({
  id: z.enum(['referente_comune', 'pedagogista', 'referente_servizio']),
  label: z.string(),
  /** A member of the commission the Scheda requires: present at the visit and signing (else a reason is recorded). */
  commission: z.boolean().optional(),
});

export const Checklist = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.number().int().positive(),
    title: z.string().min(1),
    sections: z.array(ChecklistSection).min(1),
    items: z.array(ChecklistItem).min(1),
    countsTables: z.array(CountsTable),
    signatories: z.array(Signatory),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    c.items.forEach((item, i) => {
      if (ids.has(item.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id ${item.id}` });
      ids.add(item.id);
      if (!item.id.startsWith(`${item.section}.`))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `id ${item.id} not in section ${item.section}` });
      if (!c.sections.some((s) => s.id === item.section))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'section'], message: `unknown section ${item.section}` });
    });
  });
export type Checklist = z.infer<typeof Checklist>;

export const ALL_SERVICE_TYPES: ServiceType[] = [...SERVICE_TYPES];
export const ALL_PURPOSES: Purpose[] = [...PURPOSES];

export interface ApplicabilityFilter {
  type?: ServiceType;
  purpose?: Purpose;
  /**
   * Whether the service holds an accreditation. A periodic check of a service that is only authorised
   * verifies the authorisation requirements: the Accreditamento section does not apply to it.
   * Undefined: not known, nothing is excluded on this ground.
   */
  accredited?: boolean;
}

/** Items that apply to a service type and a purpose, in printed order. */
export function applicableItems(checklist: Checklist, filter: ApplicabilityFilter): ChecklistItem[] {
  return checklist.items.filter(
    (item) =>
      (!filter.type || item.serviceTypes.includes(filter.type)) &&
      (!filter.purpose || item.purposes.includes(filter.purpose)) &&
      !(item.section === 'ACC' && filter.purpose === 'verifica_periodica' && filter.accredited === false),
  );
}
