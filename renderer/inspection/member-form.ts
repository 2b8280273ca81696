/**
 * The new commission member's row (name, role), checked by the contract's own schema: the messages
 * are the ones the host would answer (`members.create`), said before asking it, and again on every
 * edit once an add was tried (as react-hook-form re-validates after a submit), so a message never
 * stays under a field that no longer has the problem, nor goes while it still has it.
 */
import { MemberInput } from '../../shared/api/contract.ts';

export type MemberField = 'name' | 'role';
export type MemberErrors = Partial<Record<MemberField, string>>;

/** The schema's limits as the inputs' maxLength: a field cannot be typed past what the host takes. */
export const MEMBER_MAX_LENGTH: Record<MemberField, number | undefined> = {
  name: MemberInput.shape.name.maxLength ?? undefined,
  role: MemberInput.shape.role.maxLength ?? undefined,
};

/** The first problem of each field; empty when the row can be added. */
export function memberErrors(row: { name: string; role: string }): MemberErrors {
  const parsed = MemberInput.safeParse({ name: row.name, role: row.role });
  const errors: MemberErrors = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if ((field === 'name' || field === 'role') && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}
