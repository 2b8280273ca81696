/** Logging in and out of the review workspace. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createElement } from 'react';
import { requestLimit, sha256Text, verifyClerkPassword } from '../security.ts';
import { CENSUS_PATHS, LOGIN_COOKIE, SESSION_COOKIE, formFields, originRefusal, sameToken, type ReviewContext } from './context.ts';
import { layout } from './html.ts';
import { Login } from './Login.tsx';

const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** The app's pages a login may go on to (`dopo`); anything else goes to the queue. */
const AFTER_LOGIN_PAGES = /^\/(coda|ispezioni|servizi|pianificazione|cruscotto|export|portatili|allegati|rilevazione)(?=[/?]|$)/;

/**
 * Where to go after logging in: only a path of this app, so never `//host`, `/\\host` (both mean
 * another host to browsers) or a scheme. No control or space characters either (browsers drop tabs
 * and newlines, so `/\t/evil` is `//evil`), nor dot segments; all checked on the text and on its
 * %-decoding (`/%09/evil`, `/%2F/evil`).
 */
export function safeAfterLogin(dopo: unknown): string {
  const fallback = '/coda';
  if (typeof dopo !== 'string' || dopo.length > 2000) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(dopo);
  } catch {
    return fallback;
  }
  const safe = (text: string) => AFTER_LOGIN_PAGES.test(text) && !/[\s\p{Cc}\p{Cf}\\]/u.test(text) && !/\/\.\.?(?=[/?#]|$)/.test(text);
  return safe(dopo) && safe(decoded) ? dopo : fallback;
}

export function registerLoginRoutes(app: FastifyInstance, ctx: ReviewContext): void {
  const { store, cookieOptions, send, page } = ctx;
  const loginLimit = requestLimit(app, 10, 60_000, (_req, ip) => `login:${ip}`);

  const loginPage = (reply: FastifyReply, status: number, message?: string, after = '/coda') => {
    const token = randomBytes(24).toString('base64url');
    reply.setCookie(LOGIN_COOKIE, token, { ...cookieOptions, maxAge: 1800 });
    return send(
      reply,
      status,
      layout({ title: 'Accesso', territory: ctx.territory.name, body: createElement(Login, { token, after, message }) }),
    );
  };

  app.get<{ Querystring: { dopo?: unknown } }>('/login', async (req, reply) =>
    loginPage(reply, 200, undefined, safeAfterLogin(req.query.dopo)),
  );

  app.post('/login', async (req, reply) => {
    const body = formFields(req.body) ?? {};
    const after = safeAfterLogin(body.dopo);
    const refusal = originRefusal(req);
    if (refusal) return loginPage(reply, 403, refusal, after);
    if (!sameToken(body._csrf, req.cookies[LOGIN_COOKIE])) return loginPage(reply, 403, 'Modulo scaduto: riprovare.', after);
    const wait = await loginLimit(req);
    if (wait) return loginPage(reply.header('Retry-After', String(wait)), 429, `Troppi tentativi: riprovare tra ${wait} secondi.`, after);
    const clerk = body.nome ? await store.getClerkByName(body.nome) : undefined;
    // One scrypt either way (security.ts): an unknown name answers as slowly as a wrong password.
    if (!(await verifyClerkPassword(body.password ?? '', clerk?.password_hash)) || !clerk)
      return loginPage(reply, 401, 'Nome o password non corretti.', after);
    const id = randomBytes(32).toString('base64url');
    await store.createSession(
      sha256Text(id),
      clerk.id,
      randomBytes(24).toString('base64url'),
      new Date(Date.now() + SESSION_TTL_MS).toISOString(),
    );
    reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 });
    reply.clearCookie(LOGIN_COOKIE, cookieOptions);
    // A census-only clerk lands on the census, whatever page the login was asked from.
    return reply.redirect(clerk.role !== 'office' && !CENSUS_PATHS.test(after) ? '/rilevazione' : after, 303);
  });

  app.post(
    '/logout',
    page(async (req, reply) => {
      const id = req.cookies[SESSION_COOKIE];
      if (id) await store.deleteSession(sha256Text(id));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.redirect('/login', 303);
    }),
  );
}
