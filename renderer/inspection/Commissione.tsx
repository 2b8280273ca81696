import { useState } from 'react';
import type { Member } from '../../shared/api/contract.ts';
import { useApiMutation } from '../api/queries.ts';
import { FieldError } from '../ui/FieldError.tsx';
import { useMemberRoles } from '../app/info.tsx';
import { useDraft } from './drafts.tsx';
import { MEMBER_MAX_LENGTH, memberErrors, type MemberErrors } from './member-form.ts';

/** Commission members: choose among the known ones, or add a new one (it is chosen at once). */
export function Commissione({
  members,
  chosen,
  onChange,
  onMemberAdded,
  disabled,
}: {
  members: Member[];
  chosen: string[];
  onChange: (ids: string[]) => void;
  onMemberAdded: (m: Member) => void;
  disabled?: boolean;
}) {
  // Inside a visit the new member's name and role are a durable draft until added.
  const roles = useMemberRoles();
  const [{ name, role }, change, discard] = useDraft('componente', { kind: 'member', name: '', role: '' });
  const [errors, setErrors] = useState<MemberErrors>({});
  const [other, setOther] = useState<string | null>(null);
  // Once an add was tried, every edit checks the row again (the messages follow what is typed).
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const createMember = useApiMutation('members.create');

  function edit(part: { name: string } | { role: string }) {
    change(part);
    if (tried) setErrors(memberErrors({ name, role, ...part }));
  }

  async function add() {
    setTried(true);
    setOther(null);
    const e = memberErrors({ name, role });
    setErrors(e);
    if (e.name || e.role) return;
    setBusy(true);
    const r = await createMember.mutateAsync({ name: name.trim(), role: role.trim() });
    setBusy(false);
    if (!r.ok) {
      const field = r.error.field;
      if (field === 'name' || field === 'role') setErrors({ [field]: r.error.message });
      else setOther(r.error.message);
      return;
    }
    onMemberAdded(r.value);
    onChange([...chosen, r.value.id]);
    discard();
    setTried(false);
    setErrors({});
  }

  return (
    <fieldset className="commissione" disabled={disabled}>
      <legend>Componenti della commissione presenti</legend>
      {members.length === 0 ? (
        <p className="empty">Nessun componente registrato: aggiungerne uno qui sotto.</p>
      ) : (
        <ul className="check-list">
          {members.map((m) => (
            <li key={m.id}>
              <input
                id={`m-${m.id}`}
                type="checkbox"
                checked={chosen.includes(m.id)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, m.id] : chosen.filter((id) => id !== m.id))}
              />
              <label htmlFor={`m-${m.id}`}>
                {m.name} <span className="sub">— {m.role}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <div
        className="add-member"
        role="group"
        aria-label="Nuovo componente"
        onKeyDown={(e) => {
          // Enter here adds the member; it must not submit the form around (e.g. create the visit).
          if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
            e.preventDefault();
            void add();
          }
        }}
      >
        <div className="field">
          <label htmlFor="nm-name">Nome del nuovo componente</label>
          <input
            id="nm-name"
            value={name}
            onChange={(e) => edit({ name: e.target.value })}
            maxLength={MEMBER_MAX_LENGTH.name}
            aria-invalid={Boolean(errors.name)}
            aria-describedby="nm-name-err"
          />
          <FieldError id="nm-name-err" error={errors.name ? { message: errors.name } : undefined} />
        </div>
        <div className="field">
          <label htmlFor="nm-role">Ruolo</label>
          <input
            id="nm-role"
            value={role}
            onChange={(e) => edit({ role: e.target.value })}
            maxLength={MEMBER_MAX_LENGTH.role}
            placeholder="es. Pedagogista zonale"
            aria-invalid={Boolean(errors.role)}
            aria-describedby="nm-role-err"
            list="nm-roles"
          />
          <datalist id="nm-roles">
            {roles.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
          <FieldError id="nm-role-err" error={errors.role ? { message: errors.role } : undefined} />
        </div>
        <button type="button" onClick={() => void add()} disabled={busy}>
          Aggiungi componente
        </button>
      </div>
      {other && (
        <p className="field-error" role="alert">
          {other}
        </p>
      )}
    </fieldset>
  );
}
