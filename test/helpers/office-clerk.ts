/** A clerk in the office web app over plain HTTP (login with CSRF, then forms), for the integration tests. */
import assert from 'node:assert/strict';

export class Clerk {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private async request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(`${this.base}${path}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded', origin: this.base } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      this.cookies.set(k!, v ?? '');
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  /** The session's cookies, for a raw `fetch` that must see a non-200 answer. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private static csrf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    assert.ok(m, 'CSRF field in the page');
    return m[1]!;
  }

  async login(name: string, password: string): Promise<void> {
    const page = await this.request('/login');
    const r = await this.request('/login', { method: 'POST', form: { _csrf: Clerk.csrf(page.text), dopo: '/coda', nome: name, password } });
    assert.equal(r.status, 303, 'logged in');
  }

  async post(
    path: string,
    fields: Record<string, string>,
    from: string,
  ): Promise<{ status: number; text: string; location: string | null }> {
    const page = await this.request(from);
    return this.request(path, { method: 'POST', form: { _csrf: Clerk.csrf(page.text), ...fields } });
  }

  async page(path: string): Promise<string> {
    const r = await this.request(path);
    assert.equal(r.status, 200, path);
    return r.text;
  }

  async pairingCode(inspector: string): Promise<string> {
    const r = await this.post('/portatili/codice', { nome: inspector }, '/portatili');
    const m = /data-testid="pairing-code">([^<]+)</.exec(r.text);
    assert.ok(m, `pairing code in the page (HTTP ${r.status})`);
    return m[1]!.trim();
  }

  async decide(visitId: string, revision: number, action: 'valida' | 'respingi', note?: string): Promise<void> {
    const at = `/ispezioni/${encodeURIComponent(visitId)}/${revision}`;
    // A validation is two steps in the page (confirm, then send): conferma=si is the second.
    const r = await this.post(`${at}/${action}`, action === 'valida' ? { conferma: 'si' } : note ? { note } : {}, at);
    assert.equal(r.status, 303, `${action} ${visitId}/${revision}: ${r.text.slice(0, 300)}`);
  }
}
