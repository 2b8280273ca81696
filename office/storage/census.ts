/**
 * The office's census store (migration 15, shared/census): per campaign and Comune the CPT
 * membership, the SERVIZI and INTERVENTI sheets with their state, and the monthly attendance of the
 * registry's services. A sheet is edited only in draft; sending freezes what it says (`snapshot`:
 * the services with their averages, the actions with their services' names), which a reviewer
 * validates and the export reads. Every transition is a `census_events` row in the same transaction.
 */
import {
  censusServices,
  attendanceCents,
  interventiProblems,
  InterventiData,
  nextState,
  serviziProblems,
  ServiziData,
  SHEET_LABELS,
  type Campaign,
  type CensusRole,
  type CensusService,
  type MonthlyAttendance,
  type Problem,
  type RegistryService,
  type SheetAction,
  type SheetKind,
  type SheetState,
} from '../../shared/census/index.ts';
import type { Service } from '../../shared/api/contract.ts';
import type { Db, Sql } from './db.ts';
import { serviceKey } from './keys.ts';
import { parsedInput, UserError } from './store.ts';

/** A refusal because of the sheet's state or the clerk's role (HTTP 409 / 403 in the pages). */
export class CensusRefusal extends UserError {
  constructor(
    message: string,
    readonly status: 403 | 409,
  ) {
    super(message);
  }
}

export interface CensusActor {
  clerkId: string | null;
  name: string;
  role: CensusRole;
  /** The Comune of a `comune` actor. */
  comune: string | null;
}

export interface CensusEvent {
  at: string;
  actor: string;
  action: SheetAction;
  from: SheetState;
  to: SheetState;
  notes: string | null;
}

/**
 * A sheet rejected back to draft (§13: the Comune's user receives the correction notes by e-mail).
 * `CensusStore`'s `onRejected` gets it in the rejection's transaction: the office writes the
 * messages to its outbox there (office/mail.ts `censusRejected`), so a rejection never commits without them.
 */
export interface CensusRejection {
  campaign: Campaign;
  comune: string;
  kind: SheetKind;
  notes: string;
  at: string;
  by: string;
  /** The Comune's users (clerks bound to it) the notes are for, with their e-mail (null: none given). */
  recipients: Array<{ clerkId: string; name: string; email: string | null }>;
}

/** A service as frozen in a sent SERVIZI sheet (the export's row). */
export interface FrozenService extends Omit<CensusService, 'attendance'> {
  frequentantiCents: number | null;
}

/** An action as frozen in a sent INTERVENTI sheet. */
export interface FrozenAction {
  serviceRef: string | null;
  denominazione: string | null;
  code: string;
  amountCents: number;
  description: string;
}

export interface SheetRecord<K extends SheetKind> {
  kind: K;
  state: SheetState;
  data: K extends 'servizi' ? ServiziData : InterventiData;
  snapshot: (K extends 'servizi' ? FrozenService[] : FrozenAction[]) | null;
  /** The correction notes of the last rejection, until the sheet is sent again. */
  notes: string | null;
  updatedAt: string | null;
}

export interface ComuneCensus {
  campaign: Campaign;
  comune: string;
  key: string;
  cpt: boolean;
  services: CensusService[];
  servizi: SheetRecord<'servizi'> & { problems: Problem[] };
  interventi: SheetRecord<'interventi'> & { problems: Problem[] };
}

const comuneKey = (comune: string) => serviceKey(comune);

export class CensusStore {
  constructor(
    readonly db: Db,
    private readonly opts: { clock?: () => Date; onRejected?: (sql: Sql, r: CensusRejection) => Promise<void> } = {},
  ) {}

  #now = () => (this.opts.clock ?? (() => new Date()))().toISOString();

  /** A `comune` actor reaches its own Comune only (server-side, every census route and the store). */
  static mayAct(actor: CensusActor, comune: string): boolean {
    return actor.role !== 'comune' || (actor.comune !== null && comuneKey(actor.comune) === comuneKey(comune));
  }

  #guard(actor: CensusActor, comune: string): void {
    if (!CensusStore.mayAct(actor, comune))
      throw new CensusRefusal('Accesso non consentito: questo utente compila soltanto le schede del proprio Comune.', 403);
  }

  /** The Comuni of the registry (each once, as first written), by name. */
  async comuni(): Promise<string[]> {
    const byKey = new Map<string, string>();
    for (const s of await this.#registry(this.db)) if (!byKey.has(comuneKey(s.comune))) byKey.set(comuneKey(s.comune), s.comune.trim());
    return [...byKey.values()].sort((a, b) => a.localeCompare(b, 'it'));
  }

  /** The Comune's name as the registry writes it, or undefined when no registry service is there. */
  async comuneNamed(name: string): Promise<string | undefined> {
    return (await this.comuni()).find((c) => comuneKey(c) === comuneKey(name));
  }

  async #registry(sql: Sql): Promise<Service[]> {
    return (await sql.all<{ data: string }>('SELECT data FROM services ORDER BY name, id')).map((r) => JSON.parse(r.data) as Service);
  }

  async registryOf(sql: Sql, comune: string): Promise<Array<RegistryService & { comune: string }>> {
    return (await this.#registry(sql))
      .filter((s) => comuneKey(s.comune) === comuneKey(comune))
      .map((s) => ({
        id: s.id,
        name: s.name,
        address: s.address,
        capacity: s.capacity,
        authorizationIssuedOn: s.authorizationIssuedOn,
        comune: s.comune,
      }));
  }

  async #attendance(sql: Sql, serviceIds: string[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>(serviceIds.map((id) => [id, new Map()]));
    if (!serviceIds.length) return out;
    const rows = await sql.all<{ service_id: string; month: string; children: number }>(
      `SELECT service_id, month, children FROM census_attendance WHERE service_id IN (${serviceIds.map(() => '?').join(', ')})`,
      serviceIds,
    );
    for (const r of rows) out.get(r.service_id)?.set(r.month, Number(r.children));
    return out;
  }

  async attendanceOf(serviceId: string): Promise<MonthlyAttendance> {
    return (await this.#attendance(this.db, [serviceId])).get(serviceId)!;
  }

  /**
   * Records monthly attendance (upsert per service and month), all or nothing. Each row's service
   * must be a registry service of a Comune the actor may act for.
   */
  async recordAttendance(
    rows: Array<{ serviceId: string; month: string; children: number }>,
    source: string,
    actor: CensusActor,
  ): Promise<number> {
    return this.db.tx(async (sql) => {
      const registry = new Map((await this.#registry(sql)).map((s) => [s.id, s]));
      const at = this.#now();
      for (const [i, r] of rows.entries()) {
        const s = registry.get(r.serviceId);
        if (!s) throw new UserError(`riga ${i + 1}: servizio non trovato nel registro`, 'serviceId');
        this.#guard(actor, s.comune);
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(r.month)) throw new UserError(`riga ${i + 1}: mese non valido`, 'month');
        if (!Number.isInteger(r.children) || r.children < 0 || r.children > 500)
          throw new UserError(`riga ${i + 1}: frequentanti: numero intero da 0 a 500`, 'children');
        const n = await sql.run(
          'UPDATE census_attendance SET children = ?, source = ?, clerk_id = ?, recorded_at = ? WHERE service_id = ? AND month = ?',
          [r.children, source, actor.clerkId, at, r.serviceId, r.month],
        );
        if (!n)
          await sql.run(
            'INSERT INTO census_attendance (service_id, month, children, source, clerk_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
            [r.serviceId, r.month, r.children, source, actor.clerkId, at],
          );
      }
      return rows.length;
    });
  }

  /** Sets whether the Comune is in a Coordinamento Pedagogico Territoriale (a reviewer's or the office's word). */
  async setCpt(campaign: Campaign, comune: string, cpt: boolean, actor: CensusActor): Promise<void> {
    if (actor.role === 'comune') throw new CensusRefusal("Accesso non consentito: l'adesione a un CPT la indica il revisore.", 403);
    const key = comuneKey(comune);
    await this.db.tx(async (sql) => {
      const n = await sql.run('UPDATE census_comuni SET cpt = ?, comune = ?, updated_at = ? WHERE campaign_id = ? AND comune_key = ?', [
        cpt ? 1 : 0,
        comune,
        this.#now(),
        campaign.id,
        key,
      ]);
      if (!n)
        await sql.run('INSERT INTO census_comuni (campaign_id, comune_key, comune, cpt, updated_at) VALUES (?, ?, ?, ?, ?)', [
          campaign.id,
          key,
          comune,
          cpt ? 1 : 0,
          this.#now(),
        ]);
    });
  }

  async #sheet<K extends SheetKind>(sql: Sql, campaign: Campaign, key: string, kind: K): Promise<SheetRecord<K>> {
    const row = await sql.get<{ state: SheetState; data: string; snapshot: string | null; notes: string | null; updated_at: string }>(
      'SELECT state, data, snapshot, notes, updated_at FROM census_sheets WHERE campaign_id = ? AND comune_key = ? AND kind = ?',
      [campaign.id, key, kind],
    );
    const schema = kind === 'servizi' ? ServiziData : InterventiData;
    return {
      kind,
      state: row?.state ?? 'bozza',
      data: schema.parse(row ? JSON.parse(row.data) : {}) as SheetRecord<K>['data'],
      snapshot: row?.snapshot ? JSON.parse(row.snapshot) : null,
      notes: row?.notes ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /** Everything of one Comune's census: its services (pre-filled from the registry), both sheets and their checks. */
  async census(campaign: Campaign, comune: string, sql: Sql = this.db): Promise<ComuneCensus> {
    const key = comuneKey(comune);
    const registry = await this.registryOf(sql, comune);
    const attendance = await this.#attendance(
      sql,
      registry.map((s) => s.id),
    );
    const servizi = await this.#sheet(sql, campaign, key, 'servizi');
    const interventi = await this.#sheet(sql, campaign, key, 'interventi');
    const cptRow = await sql.get<{ cpt: number }>('SELECT cpt FROM census_comuni WHERE campaign_id = ? AND comune_key = ?', [
      campaign.id,
      key,
    ]);
    const cpt = Number(cptRow?.cpt ?? 0) === 1;
    const services = censusServices(campaign, registry, servizi.data, (id) => attendance.get(id) ?? new Map());
    return {
      campaign,
      comune,
      key,
      cpt,
      services,
      servizi: { ...servizi, problems: serviziProblems(campaign, services) },
      interventi: { ...interventi, problems: interventiProblems(campaign, services, interventi.data, cpt) },
    };
  }

  /** Saves what the Comune filled in a sheet: only in draft (a sent sheet is read-only). */
  async saveSheet(campaign: Campaign, comune: string, kind: SheetKind, input: unknown, actor: CensusActor): Promise<void> {
    this.#guard(actor, comune);
    if (actor.role === 'reviewer') throw new CensusRefusal('Accesso non consentito: il revisore non compila le schede del Comune.', 403);
    const data = kind === 'servizi' ? parsedInput(ServiziData, input) : parsedInput(InterventiData, input);
    const key = comuneKey(comune);
    await this.db.tx(async (sql) => {
      const current = await this.#sheet(sql, campaign, key, kind);
      if (current.state !== 'bozza')
        throw new CensusRefusal(
          `la scheda ${SHEET_LABELS[kind]} è «${current.state === 'validata' ? 'validata' : 'inviata in validazione'}»: sola lettura`,
          409,
        );
      const n = await sql.run('UPDATE census_sheets SET data = ?, updated_at = ? WHERE campaign_id = ? AND comune_key = ? AND kind = ?', [
        JSON.stringify(data),
        this.#now(),
        campaign.id,
        key,
        kind,
      ]);
      if (!n)
        await sql.run('INSERT INTO census_sheets (campaign_id, comune_key, kind, state, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
          campaign.id,
          key,
          kind,
          'bozza',
          JSON.stringify(data),
          this.#now(),
        ]);
    });
  }

  /**
   * Sends, validates or rejects a sheet (shared/census `nextState`), audited in the same transaction.
   * Sending freezes the sheet (`snapshot`); a rejection keeps the notes on the sheet and calls
   * `onRejected` in the same transaction (the e-mail to the Comune's users, §13): if it throws, nothing is kept.
   */
  async transition(
    campaign: Campaign,
    comune: string,
    kind: SheetKind,
    action: SheetAction,
    actor: CensusActor,
    notes = '',
  ): Promise<SheetState> {
    this.#guard(actor, comune);
    const key = comuneKey(comune);
    const at = this.#now();
    const result = await this.db.tx(async (sql) => {
      const c = await this.census(campaign, comune, sql);
      const sheet = kind === 'servizi' ? c.servizi : c.interventi;
      const next = nextState(sheet.state, action, actor.role, {
        problems: sheet.problems.length,
        notes,
        serviziState: c.servizi.state,
        kind,
      });
      if (!next.ok) throw new CensusRefusal(next.message, /^solo /.test(next.message) ? 403 : 409);
      let snapshot: string | null | undefined;
      if (action === 'invia')
        snapshot = JSON.stringify(
          kind === 'servizi'
            ? c.services.map(({ attendance: _a, ...s }, i) => ({ ...s, frequentantiCents: attendanceCents(c.services[i]!) }))
            : c.interventi.data.actions.map((a): FrozenAction => ({
                serviceRef: a.serviceRef,
                denominazione: c.services.find((s) => s.ref === a.serviceRef)?.denominazione ?? null,
                code: a.code,
                amountCents: a.amountCents ?? 0,
                description: a.description,
              })),
        );
      if (action === 'respingi') snapshot = null;
      const keptNotes = action === 'respingi' ? notes.trim() : action === 'invia' ? null : sheet.notes;
      const n = await sql.run(
        `UPDATE census_sheets SET state = ?, notes = ?, updated_at = ?${snapshot !== undefined ? ', snapshot = ?' : ''} WHERE campaign_id = ? AND comune_key = ? AND kind = ?`,
        [next.to, keptNotes, at, ...(snapshot !== undefined ? [snapshot] : []), campaign.id, key, kind],
      );
      if (!n)
        await sql.run(
          'INSERT INTO census_sheets (campaign_id, comune_key, kind, state, data, snapshot, notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [campaign.id, key, kind, next.to, JSON.stringify(sheet.data), snapshot ?? null, keptNotes, at],
        );
      await sql.run(
        'INSERT INTO census_events (campaign_id, comune_key, kind, at, clerk_id, actor, action, from_state, to_state, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [campaign.id, key, kind, at, actor.clerkId, actor.name, action, sheet.state, next.to, notes.trim() || null],
      );
      if (action === 'respingi') {
        const recipients = (
          await sql.all<{ id: string; name: string; comune: string | null; email: string | null }>(
            "SELECT id, name, comune, email FROM clerks WHERE role = 'comune' ORDER BY name",
          )
        )
          .filter((r) => r.comune && comuneKey(r.comune) === key)
          .map((r) => ({ clerkId: r.id, name: r.name, email: r.email?.trim() || null }));
        await this.opts.onRejected?.(sql, { campaign, comune, kind, notes: notes.trim(), at, by: actor.name, recipients });
      }
      return next.to;
    });
    return result;
  }

  /** The transitions of a Comune's sheets, oldest first. */
  async events(campaign: Campaign, comune: string, kind: SheetKind): Promise<CensusEvent[]> {
    const rows = await this.db.all<{
      at: string;
      actor: string;
      action: SheetAction;
      from_state: SheetState;
      to_state: SheetState;
      notes: string | null;
    }>(
      'SELECT at, actor, action, from_state, to_state, notes FROM census_events WHERE campaign_id = ? AND comune_key = ? AND kind = ? ORDER BY id',
      [campaign.id, comuneKey(comune), kind],
    );
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, from: r.from_state, to: r.to_state, notes: r.notes }));
  }
}
