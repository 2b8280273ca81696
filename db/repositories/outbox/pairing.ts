/**
 * The pairing with the office (migration 002): its address, the inspector, the change cursor, the
 * last sync error, and the device token, kept sealed by the data cipher.
 */
import { StoreError } from '../../errors.ts';
import type { RepoContext } from '../context.ts';

export interface SyncSettingsRecord {
  officeUrl: string;
  inspectorId: string;
  inspectorName: string;
  pairedAt: string;
  cursor: number;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const TOKEN_AAD = 'sync:device_token';

export class SyncPairing {
  constructor(private readonly ctx: RepoContext) {}

  settings(): SyncSettingsRecord | null {
    const r = this.ctx.stmt('SELECT * FROM sync_settings WHERE id = 1').get() as
      | {
          office_url: string;
          inspector_id: string;
          inspector_name: string;
          paired_at: string;
          change_cursor: number;
          last_sync_at: string | null;
          last_error: string | null;
          last_error_at: string | null;
        }
      | undefined;
    if (!r) return null;
    return {
      officeUrl: r.office_url,
      inspectorId: r.inspector_id,
      inspectorName: r.inspector_name,
      pairedAt: r.paired_at,
      cursor: r.change_cursor,
      lastSyncAt: r.last_sync_at,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
    };
  }

  /** The device token, decrypted (null when not paired). */
  deviceToken(): string | null {
    const r = this.ctx.stmt('SELECT device_token FROM sync_settings WHERE id = 1').get() as { device_token: Buffer } | undefined;
    return r ? this.ctx.cipher.open(r.device_token, TOKEN_AAD) : null;
  }

  savePairing(p: { officeUrl: string; token: string; inspectorId: string; inspectorName: string }): SyncSettingsRecord {
    const at = this.ctx.now();
    return this.ctx.db
      .transaction(() => {
        const current = this.settings();
        if (current) throw new StoreError('conflict', `portatile già associato all'ufficio ${current.officeUrl}: scollegarlo prima`, 'url');
        this.ctx
          .stmt(
            'INSERT INTO sync_settings (id, office_url, device_token, inspector_id, inspector_name, paired_at) VALUES (1, ?, ?, ?, ?, ?)',
          )
          .run(p.officeUrl, this.ctx.cipher.seal(p.token, TOKEN_AAD), p.inspectorId, p.inspectorName, at);
        return this.settings()!;
      })
      .immediate();
  }

  /** Forgets the office and the token; the outbox stays and is sent after pairing again. */
  unpair(): boolean {
    return this.ctx.stmt('DELETE FROM sync_settings WHERE id = 1').run().changes > 0;
  }

  recordError(message: string): void {
    const at = this.ctx.now();
    this.ctx.stmt('UPDATE sync_settings SET last_error = ?, last_error_at = ? WHERE id = 1').run(message.slice(0, 2000), at);
  }
}
