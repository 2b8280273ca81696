/** Tokens, pairing codes, passwords and the request limits of the office server. */
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A device token: 256 random bits. Only its SHA-256 is stored, so a copied database cannot authenticate. */
export function newDeviceToken(): string {
  return `vn1_${randomBytes(32).toString('base64url')}`;
}

// No 0/O, 1/I/L: read aloud or typed from a screen.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_TTL_MS = 10 * 60 * 1000;

/** A short one-time pairing code, e.g. `K7QM-4TXA` (~39 bits; exchange attempts are rate-limited). */
export function newPairingCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Accepts the code however it was typed: lower case, spaces, without the dash. */
export function normalisePairingCode(code: string): string {
  const clean = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** `scrypt$N$r$p$salt$hash` (base64url), parameters stored so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

export const MIN_PASSWORD_LENGTH = 10;

/**
 * What the login checks a password against when no clerk has the name given: the shape of a real
 * hash with today's cost (random bytes, the hash of no password), made once. An unknown name then
 * costs the same scrypt work as a wrong password, so the answer's timing does not tell names apart.
 */
const UNKNOWN_CLERK_HASH = [
  'scrypt',
  SCRYPT.N,
  SCRYPT.r,
  SCRYPT.p,
  randomBytes(16).toString('base64url'),
  randomBytes(SCRYPT.keylen).toString('base64url'),
].join('$');

/** A clerk's password check: always one scrypt, whether or not the clerk exists (`stored` undefined). */
export async function verifyClerkPassword(password: string, stored: string | undefined): Promise<boolean> {
  const matches = await verifyPassword(password, stored ?? UNKNOWN_CLERK_HASH);
  return matches && stored !== undefined;
}

const ADDRESSES = new WeakMap<object, string>();

/**
 * Keeps each request's client address from the moment it arrives (the server's first onRequest
 * hook, before anything awaits). Node reads it from the socket when asked, and a client that cut
 * the connection meanwhile (a truncated upload) has none left: `req.ip` is then undefined.
 */
export function rememberClientAddresses(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.ip) ADDRESSES.set(req.raw, normalizeIP(req.ip));
    done();
  });
}

/** The normalised address of the request's client; `sconosciuto` if it had gone before it was read. */
export function clientAddress(req: FastifyRequest): string {
  return ADDRESSES.get(req.raw) ?? (req.ip ? normalizeIP(req.ip) : 'sconosciuto');
}

/**
 * A fixed-window request limit kept by @fastify/rate-limit (registered by the server; its store is
 * LRU-bounded): `max` requests per `windowMs` for each key. Answers 0 when allowed, otherwise the
 * seconds to wait (for Retry-After). IPv6 addresses count per /64, as one client usually holds one.
 */
export function requestLimit(
  app: FastifyInstance,
  max: number,
  windowMs: number,
  key: (req: FastifyRequest, ip: string) => string,
): (req: FastifyRequest) => Promise<number> {
  const check = app.createRateLimit({
    max,
    timeWindow: Math.max(1, Math.round(windowMs)),
    keyGenerator: (req) => key(req, clientAddress(req)),
  });
  return async (req) => {
    const outcome = await check(req);
    return outcome.isAllowed || !outcome.isExceeded ? 0 : Math.max(1, outcome.ttlInSeconds);
  };
}
