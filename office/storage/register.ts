/**
 * The territory's register of educators (office migration 16; Lucca's Albo Comunale degli educatori
 * domiciliari, Reg. artt. 6-8). Every write records who made it, when and the values written
 * (`register_events`), and puts the whole entry on the change feed (`register_entry`) in the same
 * transaction, so the laptops hold the register a visit checks the educators against. What an entry
 * may hold is the rule set's `educatorRegister` (shared/educator-register.ts); an office whose
 * territory keeps no register has no such store.
 */
import { randomUUID } from 'node:crypto';
import { RegisterConfirmation, RegisterEntry, RegisterEntryInput, type EducatorRegister } from '../../shared/educator-register.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import { serviceKey } from './keys.ts';
import type { Actor } from './planning.ts';
import { parsedInput, UserError, type OfficeStore } from './store.ts';

export interface RegisterEvent {
  at: string;
  actor: string;
  action: string;
  data: unknown;
}

export class RegisterStore {
  constructor(
    readonly store: OfficeStore,
    readonly register: EducatorRegister,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(): Promise<RegisterEntry[]> {
    const rows = await this.store.db.all<{ data: string }>('SELECT data FROM register_entries ORDER BY name_key, id');
    return rows.map((r) => RegisterEntry.parse(JSON.parse(r.data)));
  }

  async get(id: string): Promise<RegisterEntry | null> {
    const row = await this.store.db.get<{ data: string }>('SELECT data FROM register_entries WHERE id = ?', [id]);
    return row ? RegisterEntry.parse(JSON.parse(row.data)) : null;
  }

  async events(id: string): Promise<RegisterEvent[]> {
    const rows = await this.store.db.all<{ at: string; actor: string; action: string; data: string }>(
      'SELECT at, actor, action, data FROM register_events WHERE entry_id = ? ORDER BY id',
      [id],
    );
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, data: JSON.parse(r.data) }));
  }

  /** Adds (no id) or edits an entry; its confirmations are kept. */
  async save(input: unknown, actor: Actor, id?: string): Promise<RegisterEntry> {
    const e = parsedInput(RegisterEntryInput, input);
    const known = new Set(this.register.kinds[e.kind].requirements.map((r) => r.id));
    const unknown = Object.keys(e.requirements).find((k) => !known.has(k));
    if (unknown) throw new UserError(`requirements: requisito sconosciuto ${unknown}`, 'requirements');
    if (e.cancelledOn !== null && e.cancelledOn < e.registeredOn)
      throw new UserError(
        `cancelledOn: la cancellazione non può precedere l'iscrizione (${formatItalianDate(e.registeredOn)})`,
        'cancelledOn',
      );
    return this.store.db.tx(async (sql) => {
      await this.store.db.lockChangeFeed(sql);
      const now = this.clock().toISOString();
      let confirmations: RegisterEntry['confirmations'] = [];
      let createdAt = now;
      if (id) {
        const row = await sql.get<{ data: string; created_at: string }>('SELECT data, created_at FROM register_entries WHERE id = ?', [id]);
        if (!row) throw new UserError("iscritto non trovato nell'albo", 'id');
        const old = RegisterEntry.parse(JSON.parse(row.data));
        if (old.kind !== e.kind)
          throw new UserError('kind: un iscritto non cambia tipo (persona o società): aggiungerne uno nuovo', 'kind');
        const early = old.confirmations.find((c) => c.confirmedOn < e.registeredOn);
        if (early)
          throw new UserError(
            `registeredOn: la conferma del ${formatItalianDate(early.confirmedOn)} precede la data d'iscrizione`,
            'registeredOn',
          );
        confirmations = old.confirmations;
        createdAt = row.created_at;
      }
      const entry = RegisterEntry.parse({ ...e, id: id ?? randomUUID(), confirmations, updatedAt: now });
      if (id)
        await sql.run('UPDATE register_entries SET name = ?, name_key = ?, data = ?, updated_at = ? WHERE id = ?', [
          entry.name,
          serviceKey(entry.name),
          JSON.stringify(entry),
          now,
          id,
        ]);
      else
        await sql.run(
          'INSERT INTO register_entries (id, kind, name, name_key, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [entry.id, entry.kind, entry.name, serviceKey(entry.name), JSON.stringify(entry), createdAt, now],
        );
      await this.#audit(sql, actor, id ? 'modifica' : 'iscrizione', entry.id, e, now);
      await this.store.appendChange(sql, 'register_entry', entry.id, null, { entry });
      return entry;
    });
  }

  /** Records the yearly confirmation with its training hours (Art. 7 c.2-3, Art. 8 c.2-3). */
  async confirm(id: string, input: unknown, actor: Actor): Promise<RegisterEntry> {
    const c = parsedInput(RegisterConfirmation, input);
    return this.store.db.tx(async (sql) => {
      await this.store.db.lockChangeFeed(sql);
      const row = await sql.get<{ data: string }>('SELECT data FROM register_entries WHERE id = ?', [id]);
      if (!row) throw new UserError("iscritto non trovato nell'albo", 'id');
      const old = RegisterEntry.parse(JSON.parse(row.data));
      if (c.confirmedOn < old.registeredOn)
        throw new UserError(
          `confirmedOn: la conferma non può precedere l'iscrizione (${formatItalianDate(old.registeredOn)})`,
          'confirmedOn',
        );
      const rules = this.register.kinds[old.kind].confirmation;
      if (rules.minHours === null && c.contractMinHours === undefined)
        throw new UserError(
          `contractMinHours: indicare le ore minime previste dal contratto di lavoro (${rules.article})`,
          'contractMinHours',
        );
      const now = this.clock().toISOString();
      const confirmation: RegisterConfirmation = { confirmedOn: c.confirmedOn, hours: c.hours };
      if (rules.minHours === null && c.contractMinHours !== undefined) confirmation.contractMinHours = c.contractMinHours;
      const entry = RegisterEntry.parse({
        ...old,
        confirmations: [...old.confirmations, confirmation].sort((a, b) =>
          a.confirmedOn < b.confirmedOn ? -1 : a.confirmedOn > b.confirmedOn ? 1 : 0,
        ),
        updatedAt: now,
      });
      await sql.run('UPDATE register_entries SET data = ?, updated_at = ? WHERE id = ?', [JSON.stringify(entry), now, id]);
      await this.#audit(sql, actor, 'conferma', id, confirmation, now);
      await this.store.appendChange(sql, 'register_entry', id, null, { entry });
      return entry;
    });
  }

  async #audit(
    sql: Parameters<Parameters<OfficeStore['db']['tx']>[0]>[0],
    actor: Actor,
    action: string,
    entryId: string,
    data: unknown,
    at: string,
  ) {
    await sql.run('INSERT INTO register_events (at, clerk_id, actor, action, entry_id, data) VALUES (?, ?, ?, ?, ?, ?)', [
      at,
      actor.clerkId,
      actor.name,
      action,
      entryId,
      JSON.stringify(data),
    ]);
  }
}
