/**
 * The prescription form's checks (text, deadline after the visit), said before asking the host
 * and again on every edit once a save was tried, so a message never stays under a field that no
 * longer has the problem, nor goes while it still has it (as the new member's row, member-form.ts).
 */
import { isIsoDate } from '../../shared/dates.ts';

export type PrescriptionField = 'text' | 'deadline';
export type PrescriptionErrors = Partial<Record<PrescriptionField, string>>;

/** The first problem of each field; empty when the prescription can be saved. */
export function prescriptionErrors(form: { text: string; deadline: string }, visitDate: string): PrescriptionErrors {
  const errors: PrescriptionErrors = {};
  if (!form.text.trim()) errors.text = 'indicare il testo della prescrizione';
  if (!form.deadline) errors.deadline = 'indicare la scadenza';
  else if (!isIsoDate(form.deadline)) errors.deadline = 'scrivere la scadenza come gg/mm/aaaa';
  else if (form.deadline <= visitDate) errors.deadline = 'la scadenza deve essere successiva alla data della visita';
  return errors;
}
