/**
 * User text: what a person can type or paste into a field. Control characters are never part of
 * it: a NUL cuts the text short for SQLite's `length()` (a CHECK then fails deep in the store),
 * and the others end up invisible or garbled in the PDF report and the office's registry. A lone
 * UTF-16 surrogate cannot be stored as UTF-8 at all (it would come back as U+FFFD, and the sealed
 * hash would no longer match what was shown).
 *
 * One check for every free-text field of the API and of the inspection file, so that the answer is
 * always a 400 naming the field, before anything reaches the database.
 */
import { z } from 'zod';

/** C0 controls, DEL, C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but a tab and a line feed are part of text written in lines (notes, prescriptions). */
const CONTROL_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Replaces every control character with a space: for text that comes from elsewhere (a file name). */
export function withoutControls(text: string): string {
  return text.replace(new RegExp(CONTROL.source, 'g'), ' ');
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why the text cannot be accepted (Italian, for the field's message), or null when it can. */
export function textProblem(text: string, lines: boolean): string | null {
  const control = (lines ? CONTROL_IN_LINES : CONTROL).exec(text);
  if (control) {
    const where = control.index === 0 ? 'all’inizio' : `in posizione ${control.index + 1}`;
    const hint = !lines && (control[0] === '\n' || control[0] === '\t') ? ' (qui va scritto su una sola riga)' : '';
    return `contiene un carattere di controllo non ammesso (${codePoint(control[0])}) ${where}${hint}`;
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate)
    return `contiene un carattere non valido (${codePoint(surrogate[0])}, metà di una coppia UTF-16) in posizione ${surrogate.index + 1}`;
  return null;
}

/** The check itself, for a schema that is not a plain string (a union with a text member). */
export function checkUserText(text: string, lines: boolean, ctx: z.RefinementCtx): void {
  const problem = textProblem(text, lines);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text, params: { userText: true } });
}

const userText = (lines: boolean) => z.string().superRefine((text, ctx) => checkUserText(text, lines, ctx));

/** A name, a title, a Comune, a caption: one line, no control characters. Chain `.trim().min().max()` as usual. */
export const lineText = () => userText(false);
/** Notes, prescriptions, free answers: line feeds and tabs allowed, other control characters not. */
export const multilineText = () => userText(true);

/** The issue comes from this check (a file sealed before it existed may still carry such text). */
export const isUserTextIssue = (issue: z.core.$ZodIssue): boolean =>
  issue.code === 'custom' && (issue.params as { userText?: unknown } | undefined)?.userText === true;

/** `text` with its first letter in capitals: a message or a word that opens a sentence, a heading or a label. */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
