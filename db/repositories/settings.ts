/**
 * Small per-installation settings and secrets in the `meta` table (no migration needed): plain
 * values under `setting:<name>`, secrets under `secret:<name>` sealed with the data key
 * (AES-256-GCM, bound to their name), so a secret is as protected at rest as the staff records —
 * by the 0600 key file in the browser shell, by the safeStorage-wrapped key on the desktop.
 */
import type { RepoContext } from './context.ts';

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`nome di impostazione non valido: ${name}`);
  return name;
}

export class SettingsRepository {
  constructor(private readonly ctx: RepoContext) {}

  get(name: string): string | null {
    const row = this.ctx.stmt('SELECT value FROM meta WHERE key = ?').get(`setting:${checkName(name)}`) as { value: Buffer } | undefined;
    return row ? Buffer.from(row.value).toString('utf8') : null;
  }

  /** null removes the setting. */
  set(name: string, value: string | null): void {
    this.#write(`setting:${checkName(name)}`, value === null ? null : Buffer.from(value, 'utf8'));
  }

  getSecret(name: string): Buffer | null {
    const key = `secret:${checkName(name)}`;
    const row = this.ctx.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: Buffer } | undefined;
    return row ? Buffer.from(this.ctx.cipher.open(row.value, `meta:${key}`), 'base64') : null;
  }

  /** Stores the bytes encrypted with the data key; null removes the secret. */
  setSecret(name: string, bytes: Uint8Array | null): void {
    const key = `secret:${checkName(name)}`;
    this.#write(key, bytes === null ? null : this.ctx.cipher.seal(Buffer.from(bytes).toString('base64'), `meta:${key}`));
  }

  #write(key: string, value: Buffer | null): void {
    if (value === null) this.ctx.stmt('DELETE FROM meta WHERE key = ?').run(key);
    else
      this.ctx.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
