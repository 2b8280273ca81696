/** Italian names of the computed checks, as the report prints them in the findings summary. */
import type { RuleId } from '../shared/rules/index.ts';

export const RULE_LABELS: Record<RuleId, string> = {
  'capacity.range': 'Capienza della struttura',
  'enrollment.ceiling': 'Iscritti rispetto alla capienza',
  'presence.capacity': 'Bambini presenti rispetto alla capienza',
  'ratio.educators.planned': 'Educatori previsti (80% degli iscritti)',
  'ratio.educators.present': 'Educatori presenti alla visita',
  'ratio.auxiliaries.planned': 'Addetti ausiliari previsti',
  'ratio.auxiliaries.present': 'Addetti ausiliari presenti alla visita',
  'training.fire': 'Addetti prevenzione incendi',
  'training.first_aid': 'Addetti pronto soccorso',
  'training.rspp': 'Formazione RSPP',
  'training.rls': 'Formazione RLS',
  'training.haccp': 'Formazione alimentaristi (HACCP)',
  'staff.titles': 'Titoli di studio degli educatori',
  'authorization.valid': 'Autorizzazione al funzionamento',
  'accreditation.valid': 'Accreditamento',
};

/**
 * Checklist items whose answer the rule engine also computes from the staff roster: the report
 * prints the computed outcome beside the inspector's answer, so a disagreement is visible.
 */
export const ITEM_RULES: Readonly<Record<string, RuleId>> = {
  'B.titoli.coerenti': 'staff.titles',
  'F.formazione.rspp': 'training.rspp',
  'F.formazione.rls': 'training.rls',
  'F.formazione.prevenzione_incendi': 'training.fire',
  'F.formazione.pronto_soccorso': 'training.first_aid',
  'F.haccp.attestato_responsabile': 'training.haccp',
  'ACC.autorizzazione.possesso': 'authorization.valid',
};
