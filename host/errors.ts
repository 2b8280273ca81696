/** Turning whatever went wrong into the contract's error object: nothing throws across the boundary. */
import type { z } from 'zod';
import type { ApiError } from '../shared/api/contract.ts';
import { DatabaseVersionError, DecryptionError, diskFaultOf, StoreError } from '../db/errors.ts';

/** Italian names of the fields users meet in forms, for messages; anything else shows its path. */
const FIELD_LABELS: Record<string, string> = {
  name: 'nome',
  type: 'tipologia',
  comune: 'Comune',
  address: 'indirizzo',
  referente: 'referente',
  capacity: 'capienza',
  kitchen: 'cucina interna',
  territorialRls: 'RLS territoriale',
  authorizationIssuedOn: "data di rilascio dell'autorizzazione",
  accreditationIssuedOn: "data di rilascio dell'accreditamento",
  role: 'ruolo',
  title: 'titolo di studio',
  titleObtainedOn: 'data di conseguimento del titolo',
  pathStartedOn: 'data di avvio del percorso',
  trainings: 'attestati di formazione',
  purpose: 'finalità della visita',
  date: 'data della visita',
  memberIds: 'componenti della commissione',
  staffIds: 'personale presente',
  itemId: 'voce della Scheda',
  value: 'risposta',
  note: 'nota',
  children: 'bambini per fascia',
  staffCounts: 'personale in servizio',
  signatures: 'firme',
  dataBase64: 'contenuto della foto',
  mime: 'formato',
  caption: 'didascalia',
  text: 'testo',
  deadline: 'scadenza',
  rule: 'rilievo',
  serviceId: 'servizio',
  inspectionId: 'ispezione',
  id: 'identificativo',
  url: 'indirizzo del server d’ufficio',
  code: 'codice di associazione',
  passphrase: 'passphrase',
  p12Base64: 'file della chiave di firma (.p12/.pfx)',
  tsaUrl: 'indirizzo della marca temporale',
  memberId: 'componente della commissione',
};

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

export function describeField(field: string): string {
  const first = field.split('.')[0] ?? field;
  // Own keys only: a client may name a field "__proto__" or "constructor".
  const label = Object.hasOwn(FIELD_LABELS, first) ? FIELD_LABELS[first] : undefined;
  if (!label) return field;
  return field === first ? label : `${label} (${field})`;
}

export function invalid(field: string, message: string): ApiError {
  return { code: 'invalid', field, message: `${describeField(field)}: ${message}` };
}

/** The first problem of a failed parse, naming its field (react-hook-form style path: `children.0.band`). */
export function fromZod(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return { code: 'invalid', message: 'dati non validi' };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return invalid(fieldPath([...issue.path, key]), `campo sconosciuto "${key}"`);
  }
  const field = fieldPath(issue.path);
  if (!field) return { code: 'invalid', message: `richiesta non valida: ${issue.message}` };
  return invalid(field, issue.message);
}

/** Errors from the store and SQLite; anything unexpected is logged here and reported as internal. */
export function fromException(e: unknown, log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): ApiError {
  if (e instanceof StoreError) {
    const error: ApiError = {
      code: e.code,
      message: e.field && e.code === 'invalid' ? `${describeField(e.field)}: ${e.message}` : e.message,
    };
    if (e.field) error.field = e.field;
    return error;
  }
  if (e instanceof DecryptionError || e instanceof DatabaseVersionError) return { code: 'internal', message: e.message };
  const disk = diskFaultOf(e);
  if (disk) {
    // One line, no stack: a full disk is the machine's state, not a bug; the user gets the Italian message.
    log(`vigilanza: scrittura rifiutata dal disco (${disk.systemCode}): ${(e as Error)?.message ?? String(e)}`);
    return { code: 'storage', message: disk.message };
  }
  const code = (e as { code?: unknown })?.code;
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return { code: 'sealed', message: (e as Error).message };
  log(`vigilanza: errore interno: ${(e as Error)?.stack ?? String(e)}`);
  return { code: 'internal', message: `errore interno: ${(e as Error)?.message ?? String(e)}` };
}
