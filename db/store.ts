/**
 * The storage of one data folder: `vigilanza.db` (SQLite) and `blobs/` (content-addressed
 * files). Opening checks the schema version and that the key provider's key is the one the
 * database was written with, so a wrong key fails at once with a clear message rather than on
 * the first staff record.
 */
import { RegisterRepository } from './repositories/register.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BlobStore } from './blobs.ts';
import { Cipher, type KeyProvider } from './crypto.ts';
import { DB_FILE } from './files.ts';
import { restrictMode } from './durable.ts';
import { DecryptionError } from './errors.ts';
import { BLOBS_CLEAR_PENDING } from './migrations/007_personal_data_at_rest.ts';
import { openDatabase, type Db, type OpenOptions } from './open.ts';
import { AgendaRepository } from './repositories/agenda.ts';
import { AttachmentsRepository } from './repositories/attachments.ts';
import { AuditRepository } from './repositories/audit.ts';
import { statementCache, type RepoContext } from './repositories/context.ts';
import { InspectionsRepository } from './repositories/inspections.ts';
import { LongTermAttemptsRepository } from './repositories/long-term.ts';
import { MembersRepository } from './repositories/members.ts';
import { OutboxRepository } from './repositories/outbox.ts';
import { PhotosRepository } from './repositories/photos.ts';
import { PrescriptionsRepository } from './repositories/prescriptions.ts';
import { ServicesRepository } from './repositories/services.ts';
import { SettingsRepository } from './repositories/settings.ts';
import { StaffRepository } from './repositories/staff.ts';

export { DB_FILE } from './files.ts';
export const BLOBS_DIR = 'blobs';
const KEY_CHECK = 'vigilanza-nidi key check v1';

export interface StoreOptions extends OpenOptions {
  keyProvider: KeyProvider;
  /** Injectable for tests; defaults to the system clock. */
  now?: () => Date;
}

export class Store {
  readonly services: ServicesRepository;
  readonly members: MembersRepository;
  readonly staff: StaffRepository;
  readonly inspections: InspectionsRepository;
  readonly photos: PhotosRepository;
  readonly prescriptions: PrescriptionsRepository;
  readonly attachments: AttachmentsRepository;
  readonly audit: AuditRepository;
  /** Office sync: the outbox of sealed revisions and the pairing (migration 002). */
  readonly outbox: OutboxRepository;
  readonly settings: SettingsRepository;
  /** The office's planned visits of this inspector and the visits started from them (migration 013). */
  readonly agenda: AgendaRepository;
  readonly register: RegisterRepository;
  /** The failed long-term validations of queued revisions, kept across restarts (migration 015, host/long-term.ts). */
  readonly longTerm: LongTermAttemptsRepository;
  /** Photos and reports, encrypted with the data key and addressed by their plaintext hash. */
  readonly blobs: BlobStore;

  private constructor(
    readonly db: Db,
    readonly dataDir: string,
    ctx: RepoContext,
  ) {
    this.blobs = ctx.blobs;
    this.audit = new AuditRepository(ctx);
    this.services = new ServicesRepository(ctx);
    this.members = new MembersRepository(ctx);
    this.staff = new StaffRepository(ctx);
    this.inspections = new InspectionsRepository(ctx, this.audit);
    this.photos = new PhotosRepository(ctx, this.audit);
    this.prescriptions = new PrescriptionsRepository(ctx, this.audit);
    this.attachments = new AttachmentsRepository(ctx, this.audit);
    this.agenda = new AgendaRepository(ctx, this.audit, this.inspections, this.members);
    this.outbox = new OutboxRepository(ctx, this.audit, this.inspections, this.agenda);
    this.settings = new SettingsRepository(ctx);
    this.register = new RegisterRepository(ctx);
    this.longTerm = new LongTermAttemptsRepository(ctx);
  }

  static open(dataDir: string, options: StoreOptions): Store {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Owner-only whatever the umask or whoever made the folder (database files: openDatabase).
    restrictMode(dataDir, 0o700);
    // The key first: if the key provider fails on a new folder (keyring locked, disk full), no
    // database is left behind to make the folder look "not new" and refuse to mint a key next time.
    const cipher = new Cipher(options.keyProvider.getKey());
    const source = options.keyProvider.description;
    const db = openDatabase(join(dataDir, DB_FILE), { ...options, cipher, beforeMigrate: (d) => checkKey(d, cipher, source) });
    try {
      checkKey(db, cipher, source);
      const blobs = new BlobStore(join(dataDir, BLOBS_DIR), cipher);
      sealClearFiles(db, blobs);
      const clock = options.now ?? (() => new Date());
      const ctx: RepoContext = { db, cipher, blobs, now: () => clock().toISOString(), newId: randomUUID, stmt: statementCache(db) };
      return new Store(db, dataDir, ctx);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Runs `fn` in one transaction (nested calls become savepoints): all of it or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Older data folders' clear files, sealed once (migration 007 sets the flag; a crash mid-way resumes next open). */
function sealClearFiles(db: Db, blobs: BlobStore): void {
  if (!db.prepare('SELECT 1 FROM meta WHERE key = ?').get(BLOBS_CLEAR_PENDING)) return;
  blobs.sealClearFiles();
  db.prepare('DELETE FROM meta WHERE key = ?').run(BLOBS_CLEAR_PENDING);
}

function checkKey(db: Db, cipher: Cipher, source: string): void {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: Buffer } | undefined;
  if (!row) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('key_check', ?)").run(cipher.seal(KEY_CHECK, 'meta:key_check'));
    return;
  }
  try {
    if (cipher.open(row.value, 'meta:key_check') === KEY_CHECK) return;
  } catch {
    /* reported below */
  }
  throw new DecryptionError(
    `la chiave di cifratura (${source}) non corrisponde a quella con cui è stato scritto questo database: i dati personali del personale non si possono leggere. Ripristinare la chiave originale.`,
  );
}
