/**
 * Signing with a smart card or USB token through its PKCS#11 module (graphene-pk11 over pkcs11js).
 *
 * The private key never leaves the device: report/cms.ts builds the CMS, and the token signs the
 * signed attributes (RSA: CKM_SHA256_RSA_PKCS, or CKM_RSA_PKCS over a SHA-256 DigestInfo for cards
 * that offer only that; ECDSA P-256/P-384: CKM_ECDSA over the SHA-256 hash, raw r||s turned into
 * DER). The PIN is used for one login and not kept. Every failure a user can meet (module not
 * loadable, token absent or removed, wrong or locked PIN) is a `Pkcs11Error` with an Italian
 * message and a `code` the callers map to exit codes or HTTP answers.
 *
 * PKCS#11 state is per process (C_Initialize): each operation loads the module, initialises it,
 * works and finalises, one operation at a time, so a card put in or taken out between two calls
 * is seen and no session outlives its use.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type {
  Module as GModule,
  Session as GSession,
  Slot as GSlot,
  X509Certificate as GCertificate,
  PrivateKey as GPrivateKey,
} from 'graphene-pk11';
import { parseCertificate } from './cms.ts';
import { Pkcs11Error } from './pkcs11-common.ts';
import { checkModulePath } from './pkcs11-module-path.ts';
import { checkSignatureValue, ecdsaRawToDer, sha256DigestInfo, type ExternalSigner } from './signer.ts';

export { COMMON_MODULES, installedModules, Pkcs11Error, type Pkcs11ErrorCode } from './pkcs11-common.ts';

export interface TokenInfo {
  /** Slot description, as the reader calls itself (e.g. "ACS ACR39U ICC Reader 00 00"). */
  slot: string;
  label: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  /** The token asks for its PIN on its own keypad (protected authentication path). */
  protectedPinPath: boolean;
  pinLocked: boolean;
  pinCountLow: boolean;
  pinFinalTry: boolean;
}

export interface TokenCertificate {
  /** CKA_ID in hex: ties the certificate to its private key. */
  id: string;
  label: string;
  holder: string;
  issuer: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  keyType: 'rsa' | 'ec' | 'other';
  /** SHA-256 of the certificate's DER, hex: a stable way to name it to the UI. */
  fingerprint: string;
  /** Fit for a qualified signature: keyUsage nonRepudiation, within validity, RSA or EC P-256/P-384. */
  fit: boolean;
  /** Why not fit, in Italian (absent when fit). */
  unfitReason?: string;
}

export interface TokenSelection {
  modulePath: string;
  /** Token label; may be omitted when exactly one token is present. */
  token?: string;
  /** Label of the key or its certificate, or the certificate's fingerprint or CKA_ID (hex). */
  key?: string;
  /** RSA through CKM_RSA_PKCS over a DigestInfo even when the token offers CKM_SHA256_RSA_PKCS. */
  rawRsa?: boolean;
}

type Graphene = typeof import('graphene-pk11');
let graphene: Graphene | null = null;

/**
 * Loaded on first use with require (as pdfmake is, report/pdfmake.ts): in the Electron bundle it is
 * an external package in the app's node_modules, which require finds inside the asar and import()
 * may not; and a machine without a usable addon still runs everything else.
 */
function loadGraphene(): Graphene {
  if (graphene) return graphene;
  try {
    graphene = createRequire(import.meta.url)('graphene-pk11') as Graphene;
    return graphene;
  } catch (e) {
    // Typically pkcs11js built for another Node/Electron ABI (see electron-builder.yml).
    throw new Pkcs11Error(
      'module_unavailable',
      `supporto per smart card e token non disponibile in questa installazione (pkcs11js: ${(e as Error).message})`,
    );
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** One PKCS#11 operation at a time in this process: C_Initialize/C_Finalize are process-wide. */
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

const trim = (s: string) => s.replace(/[\s\0]+$/, '');

function ckr(e: unknown): string | null {
  const m = /CKR_[A-Z_]+/.exec(`${(e as Error)?.message ?? ''}`);
  return m ? m[0] : null;
}

/** Maps what a token says (CKR_…) to an Italian message; unknown codes keep their name for support. */
function deviceError(e: unknown, doing: string): Pkcs11Error {
  if (e instanceof Pkcs11Error) return e;
  const code = ckr(e);
  switch (code) {
    case 'CKR_TOKEN_NOT_PRESENT':
    case 'CKR_DEVICE_REMOVED':
    case 'CKR_SESSION_HANDLE_INVALID':
    case 'CKR_SESSION_CLOSED':
    case 'CKR_TOKEN_NOT_RECOGNIZED':
    case 'CKR_SLOT_ID_INVALID':
    // The key found after login is gone: what SoftHSM2 answers when its token's folder is removed,
    // and some card modules when the card is pulled (the handles die with it).
    case 'CKR_OBJECT_HANDLE_INVALID':
    case 'CKR_KEY_HANDLE_INVALID':
      return new Pkcs11Error(
        'token_absent',
        `dispositivo di firma non presente o rimosso durante l'operazione (${doing}): inserire la smart card o il token e riprovare`,
      );
    case 'CKR_PIN_LOCKED':
      return new Pkcs11Error(
        'pin_locked',
        'PIN bloccato: il dispositivo di firma non accetta più tentativi. Sbloccarlo con il PUK (programma del fornitore della carta), poi riprovare',
      );
    case 'CKR_PIN_LEN_RANGE':
    case 'CKR_PIN_INVALID':
      return new Pkcs11Error('pin_invalid', 'PIN non valido per questo dispositivo (lunghezza o caratteri non ammessi)');
    case 'CKR_PIN_EXPIRED':
      return new Pkcs11Error('pin_invalid', 'PIN scaduto: cambiarlo con il programma del fornitore della carta, poi riprovare');
    default:
      return new Pkcs11Error('device_error', `errore del dispositivo di firma (${doing}): ${code ?? (e as Error)?.message ?? String(e)}`);
  }
}

interface Opened {
  g: Graphene;
  mod: GModule;
}

/** Loads and initialises a module for one operation, always finalised afterwards. */
async function withModule<T>(modulePath: string, work: (o: Opened) => Promise<T>): Promise<T> {
  if (!modulePath.trim()) throw new Pkcs11Error('module_unavailable', 'modulo PKCS#11 non indicato');
  // Native code runs on load: only a library nobody else could have put or changed there.
  const checked = checkModulePath(modulePath);
  if (!checked.ok) throw new Pkcs11Error('module_unavailable', checked.reason);
  const g = loadGraphene();
  return serialized(async () => {
    let mod: GModule;
    try {
      mod = g.Module.load(checked.real);
    } catch (e) {
      const why = existsSync(modulePath) ? ((e as Error).message ?? String(e)) : 'file inesistente';
      throw new Pkcs11Error('module_unavailable', `modulo PKCS#11 non caricabile: ${modulePath} (${why})`);
    }
    try {
      mod.initialize();
    } catch (e) {
      if (ckr(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
        try {
          mod.close();
        } catch {
          /* nothing more to release */
        }
        throw new Pkcs11Error(
          'module_unavailable',
          `modulo PKCS#11 non inizializzabile: ${modulePath} (${ckr(e) ?? (e as Error).message})`,
        );
      }
    }
    try {
      return await work({ g, mod });
    } finally {
      try {
        mod.finalize();
        mod.close();
      } catch {
        /* a removed device may refuse even this: the next load starts afresh */
      }
    }
  });
}

function tokenInfo(g: Graphene, slot: GSlot): TokenInfo {
  const t = slot.getToken();
  return {
    slot: trim(slot.slotDescription),
    label: trim(t.label),
    manufacturer: trim(t.manufacturerID),
    model: trim(t.model),
    serialNumber: trim(t.serialNumber),
    protectedPinPath: Boolean(t.flags & g.TokenFlag.PROTECTED_AUTHENTICATION_PATH),
    pinLocked: Boolean(t.flags & g.TokenFlag.USER_PIN_LOCKED),
    pinCountLow: Boolean(t.flags & g.TokenFlag.USER_PIN_COUNT_LOW),
    pinFinalTry: Boolean(t.flags & g.TokenFlag.USER_PIN_FINAL_TRY),
  };
}

/** Slots holding an initialised token (an empty SoftHSM slot, a blank card: nothing to sign with). */
function presentSlots(g: Graphene, mod: GModule): GSlot[] {
  const slots = mod.getSlots(true);
  const out: GSlot[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    if (slot.getToken().flags & g.TokenFlag.TOKEN_INITIALIZED) out.push(slot);
  }
  return out;
}

/** The tokens present in the readers (or slots) of a module. */
export function listTokens(modulePath: string): Promise<TokenInfo[]> {
  return withModule(modulePath, async ({ g, mod }) => {
    try {
      return presentSlots(g, mod).map((s) => tokenInfo(g, s));
    } catch (e) {
      throw deviceError(e, 'elenco dei dispositivi');
    }
  });
}

function chooseSlot(g: Graphene, mod: GModule, label: string | undefined): GSlot {
  const slots = presentSlots(g, mod);
  if (!slots.length)
    throw new Pkcs11Error(
      'token_absent',
      'nessun dispositivo di firma inserito: inserire la smart card nel lettore (o il token USB) e riprovare',
    );
  if (label === undefined || label === '') {
    if (slots.length === 1) return slots[0]!;
    const names = slots.map((s) => `«${tokenInfo(g, s).label}»`).join(', ');
    throw new Pkcs11Error('token_ambiguous', `più dispositivi di firma inseriti (${names}): indicare quale usare`);
  }
  const found = slots.find((s) => tokenInfo(g, s).label === label.trim());
  if (!found) {
    const names = slots.map((s) => `«${tokenInfo(g, s).label}»`).join(', ');
    throw new Pkcs11Error('token_absent', `dispositivo di firma «${label}» non inserito (presenti: ${names})`);
  }
  return found;
}

const KEY_USAGE = '2.5.29.15';

/** keyUsage nonRepudiation (contentCommitment, bit 1), from the certificate's DER. */
function hasNonRepudiation(der: Uint8Array): boolean {
  const cert = parseCertificate(der);
  const ext = cert.extensions?.find((x) => x.extnID === KEY_USAGE);
  if (!ext) return false;
  const bits = (ext.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
  return Boolean(bits && bits.length > 0 && bits[0]! & 0x40);
}

function commonName(dn: string): string {
  const line = dn.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : dn.replace(/\n/g, ', ');
}

function keyTypeOf(x: X509Certificate): { type: 'rsa' | 'ec' | 'other'; curve?: string } {
  const type = x.publicKey.asymmetricKeyType;
  if (type === 'rsa') return { type: 'rsa' };
  if (type === 'ec') return { type: 'ec', curve: x.publicKey.asymmetricKeyDetails?.namedCurve };
  return { type: 'other' };
}

function describe(der: Uint8Array, id: Buffer, label: string, now: Date): TokenCertificate {
  const x = new X509Certificate(Buffer.from(der));
  const key = keyTypeOf(x);
  const notBefore = new Date(x.validFrom);
  const notAfter = new Date(x.validTo);
  let unfitReason: string | undefined;
  if (x.ca) unfitReason = 'certificato di una autorità di certificazione';
  else if (!hasNonRepudiation(der)) unfitReason = 'non è un certificato di firma (manca «non ripudio» negli usi della chiave)';
  else if (notAfter < now) unfitReason = `scaduto il ${notAfter.toLocaleDateString('it-IT', { timeZone: 'Europe/Rome' })}`;
  else if (notBefore > now) unfitReason = `valido solo dal ${notBefore.toLocaleDateString('it-IT', { timeZone: 'Europe/Rome' })}`;
  else if (key.type === 'other' || (key.type === 'ec' && key.curve !== 'prime256v1' && key.curve !== 'secp384r1'))
    unfitReason = 'tipo di chiave non supportato (servono RSA o EC P-256/P-384)';
  return {
    id: id.toString('hex'),
    label,
    holder: commonName(x.subject),
    issuer: commonName(x.issuer),
    subject: x.subject.replace(/\n/g, ', '),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    keyType: key.type,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    fit: !unfitReason,
    ...(unfitReason ? { unfitReason } : {}),
  };
}

interface CertOnToken {
  der: Uint8Array;
  info: TokenCertificate;
}

function certificatesOn(g: Graphene, session: GSession, now: Date): CertOnToken[] {
  const found = session.find({ class: g.ObjectClass.CERTIFICATE, certType: g.CertificateType.X_509 });
  const out: CertOnToken[] = [];
  for (let i = 0; i < found.length; i++) {
    const c = found.items(i).toType<GCertificate>();
    const der = new Uint8Array(c.value);
    try {
      out.push({ der, info: describe(der, c.id ?? Buffer.alloc(0), trim(c.label ?? ''), now) });
    } catch {
      /* an unreadable certificate object is not offered */
    }
  }
  return out;
}

/** Certificates on the chosen token; `fit` tells which can sign (the UI offers only those). */
export function listCertificates(sel: Omit<TokenSelection, 'key'>, now = new Date()): Promise<TokenCertificate[]> {
  return withModule(sel.modulePath, async ({ g, mod }) => {
    try {
      const slot = chooseSlot(g, mod, sel.token);
      const session = slot.open(g.SessionFlag.SERIAL_SESSION);
      try {
        return certificatesOn(g, session, now).map((c) => c.info);
      } finally {
        session.close();
      }
    } catch (e) {
      throw deviceError(e, 'lettura dei certificati');
    }
  });
}

function chooseCertificate(certs: CertOnToken[], key: string | undefined): CertOnToken {
  const fit = certs.filter((c) => c.info.fit);
  if (key) {
    const k = key.trim().toLowerCase();
    const match = certs.find((c) => c.info.label.toLowerCase() === k || c.info.fingerprint === k || (c.info.id && c.info.id === k));
    if (!match) throw new Pkcs11Error('no_certificate', `nessun certificato «${key}» sul dispositivo di firma`);
    if (!match.info.fit) throw new Pkcs11Error('no_certificate', `il certificato «${key}» non può firmare: ${match.info.unfitReason}`);
    return match;
  }
  if (!fit.length) {
    const why = certs.length ? ` (${certs.map((c) => `${c.info.holder}: ${c.info.unfitReason}`).join('; ')})` : '';
    throw new Pkcs11Error('no_certificate', `nessun certificato di firma valido sul dispositivo${why}`);
  }
  if (fit.length > 1)
    throw new Pkcs11Error(
      'certificate_ambiguous',
      `più certificati di firma sul dispositivo (${fit.map((c) => `«${c.info.label || c.info.holder}»`).join(', ')}): indicare quale usare`,
    );
  return fit[0]!;
}

/** Issuers of the signer found among the token's other certificates (CA certificates cards often carry). */
function chainOf(signer: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const xs = others.map((d) => ({ der: d, x: new X509Certificate(Buffer.from(d)) }));
  const chain: Uint8Array[] = [];
  let current = new X509Certificate(Buffer.from(signer));
  for (let depth = 0; depth < 8; depth++) {
    const next = xs.find((c) => !chain.includes(c.der) && c.der !== signer && current.checkIssued(c.x) && current.verify(c.x.publicKey));
    if (!next) break;
    chain.push(next.der);
    if (next.x.checkIssued(next.x)) break; // self-signed root
    current = next.x;
  }
  return chain;
}

function loginError(g: Graphene, slot: GSlot, e: unknown): Pkcs11Error {
  const code = ckr(e);
  if (code !== 'CKR_PIN_INCORRECT') return deviceError(e, 'accesso con PIN');
  let flags = 0;
  try {
    flags = slot.getToken().flags;
  } catch {
    /* removed right after the attempt: say only that the PIN was wrong */
  }
  if (flags & g.TokenFlag.USER_PIN_LOCKED) return deviceError(new Error('CKR_PIN_LOCKED'), 'accesso con PIN');
  if (flags & g.TokenFlag.USER_PIN_FINAL_TRY)
    return new Pkcs11Error(
      'pin_incorrect',
      'PIN errato. Resta un solo tentativo: un altro PIN errato blocca il dispositivo di firma',
      'final',
    );
  if (flags & g.TokenFlag.USER_PIN_COUNT_LOW)
    return new Pkcs11Error('pin_incorrect', 'PIN errato. Il dispositivo segnala che restano pochi tentativi prima del blocco', 'low');
  return new Pkcs11Error('pin_incorrect', 'PIN errato: il dispositivo di firma non lo ha accettato');
}

function findPrivateKey(g: Graphene, session: GSession, cert: CertOnToken): GPrivateKey {
  const byId = cert.info.id ? session.find({ class: g.ObjectClass.PRIVATE_KEY, id: Buffer.from(cert.info.id, 'hex') }) : null;
  if (byId && byId.length) return byId.items(0).toType<GPrivateKey>();
  const byLabel = cert.info.label ? session.find({ class: g.ObjectClass.PRIVATE_KEY, label: cert.info.label }) : null;
  if (byLabel && byLabel.length) return byLabel.items(0).toType<GPrivateKey>();
  throw new Pkcs11Error('key_missing', `sul dispositivo non c'è la chiave privata del certificato di ${cert.info.holder}`);
}

function supports(slot: GSlot, mechanism: number): boolean {
  const list = slot.getMechanisms();
  for (let i = 0; i < list.length; i++) if (list.items(i).type === mechanism) return true;
  return false;
}

/**
 * Opens the token, logs in with the PIN and hands `work` a signer bound to the chosen key, then
 * logs out and closes everything (also when `work` fails). Before any PIN is tried, a token
 * that says its PIN is locked is refused (a further attempt could not succeed).
 */
export function withTokenSigner<T>(sel: TokenSelection & { pin: string }, work: (signer: ExternalSigner) => Promise<T>): Promise<T> {
  return withModule(sel.modulePath, async ({ g, mod }) => {
    let slot: GSlot;
    let session: GSession;
    let cert: CertOnToken;
    let others: Uint8Array[];
    try {
      slot = chooseSlot(g, mod, sel.token);
      if (tokenInfo(g, slot).pinLocked) throw deviceError(new Error('CKR_PIN_LOCKED'), 'accesso con PIN');
      session = slot.open(g.SessionFlag.SERIAL_SESSION);
    } catch (e) {
      throw deviceError(e, 'apertura del dispositivo');
    }
    try {
      try {
        const certs = certificatesOn(g, session, new Date());
        cert = chooseCertificate(certs, sel.key);
        others = certs.filter((c) => c !== cert).map((c) => c.der);
      } catch (e) {
        throw deviceError(e, 'lettura dei certificati');
      }
      if (!sel.pin) throw new Pkcs11Error('pin_invalid', 'PIN del dispositivo di firma non indicato');
      try {
        session.login(sel.pin, g.UserType.USER);
      } catch (e) {
        if (ckr(e) !== 'CKR_USER_ALREADY_LOGGED_IN') throw loginError(g, slot, e);
      }
      try {
        const key = (() => {
          try {
            return findPrivateKey(g, session, cert);
          } catch (e) {
            throw deviceError(e, 'ricerca della chiave');
          }
        })();
        const x = new X509Certificate(Buffer.from(cert.der));
        const keyType = cert.info.keyType === 'rsa' ? 'rsa' : 'ec';
        let alwaysAuthenticate = false;
        try {
          alwaysAuthenticate = key.alwaysAuthenticate;
        } catch {
          /* a module that does not report the attribute: no context-specific login */
        }
        const rsaDirect = keyType === 'rsa' && !sel.rawRsa && supports(slot, g.MechanismEnum.SHA256_RSA_PKCS);
        const signer: ExternalSigner = {
          kind: 'external',
          certificate: cert.der,
          chain: chainOf(cert.der, others),
          commonName: commonName(x.subject),
          subject: x.subject.replace(/\n/g, ', '),
          keyType,
          ready: async () => {
            // One read of the key's attributes on the device (C_GetAttributeValue): a removed card
            // fails it (device removed, session or handle invalid), and nothing is signed.
            try {
              void key.getAttribute({ sign: null });
            } catch (e) {
              throw deviceError(e, 'controllo del dispositivo prima del sigillo');
            }
          },
          sign: async (signedAttributes) => {
            let value: Uint8Array;
            try {
              const hash = createHash('sha256').update(signedAttributes).digest();
              const [mechanism, data] =
                keyType === 'ec'
                  ? [g.MechanismEnum.ECDSA, hash]
                  : rsaDirect
                    ? [g.MechanismEnum.SHA256_RSA_PKCS, Buffer.from(signedAttributes)]
                    : [g.MechanismEnum.RSA_PKCS, Buffer.from(sha256DigestInfo(hash))];
              const operation = session.createSign(mechanism, key);
              // Qualified signature keys (CKA_ALWAYS_AUTHENTICATE, as on Italian signing cards)
              // want the PIN again for this very signature: a context-specific login after C_SignInit.
              if (alwaysAuthenticate) {
                try {
                  session.login(sel.pin, g.UserType.CONTEXT_SPECIFIC);
                } catch (e) {
                  throw loginError(g, slot, e);
                }
              }
              // The callback form runs C_Sign off the event loop: a card takes a second or more.
              const raw = await new Promise<Buffer>((resolve, reject) =>
                operation.once(data, (err, out) => (err ? reject(err) : resolve(out))),
              );
              value = keyType === 'ec' ? ecdsaRawToDer(raw) : new Uint8Array(raw);
            } catch (e) {
              throw deviceError(e, 'firma');
            }
            if (!checkSignatureValue(cert.der, signedAttributes, value))
              throw new Pkcs11Error(
                'device_error',
                'la firma del dispositivo non corrisponde al certificato scelto (chiave e certificato non abbinati)',
              );
            return value;
          },
        };
        return await work(signer);
      } finally {
        try {
          session.logout();
        } catch {
          /* removed card: nothing to log out of */
        }
      }
    } finally {
      try {
        session.close();
      } catch {
        /* as above */
      }
    }
  });
}
