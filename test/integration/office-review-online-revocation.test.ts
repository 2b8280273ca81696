/**
 * «Verifica lo stato di revoca online» on the office review page (issue 11): the clerk asks, for one
 * report version, the revocation status of each signer and timestamp authority now — the same check
 * as `vigilanza verify --online` — and reads it in Italian beside what the document's DSS says,
 * without anything being stored. Real parts: the office server (SQLite, 127.0.0.1) trusting the test
 * CA, reports signed with the loopback TSA, the loopback OpenSSL OCSP responder and CRL, a certificate
 * whose responder is a closed port, the sync client pushing the visits, the clerk over HTTP with its
 * session and CSRF token.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { augmentPdf } from '../../report/index.ts';
import type { Clerk } from '../helpers/office-clerk.ts';
import { pushWithReport, sha256, type TestOffice } from '../helpers/office-fixtures.ts';
import { startLtvOffice, type LtvOffice } from '../helpers/ltv-office.ts';
import type { IssuedCert, RevocationPki } from '../helpers/revocation-pki.ts';
import type { TestTsa } from '../helpers/tsa.ts';

let ltv: LtvOffice;
let pki: RevocationPki;
let tsa: TestTsa;
let office: TestOffice;
let clerk: Clerk;

before(async () => {
  ltv = await startLtvOffice();
  ({ pki, tsa, office, clerk } = ltv);
});

after(async () => {
  await ltv?.close();
});

const sign = (who: IssuedCert) => ltv.sign(who);

/** Sends one visit with `pdf` as its report; returns its page's address. */
async function receive(i: number, pdf: Buffer): Promise<string> {
  await pushWithReport(ltv.client, `online-${i}`, i, pdf);
  return `/ispezioni/online-${i}/1`;
}

/** What the office holds of a revision: must be the same before and after an online check. */
async function held(at: string): Promise<string> {
  const [, , id, rev] = at.split('/');
  const record = await office.server.store.getRevision(id!, Number(rev));
  const augmentations = await office.server.store.augmentationsOf(id!, Number(rev));
  const blobs = (record?.attachments ?? []).map((a) => sha256(readFileSync(office.server.blobs.blobPath(a.sha256))));
  return JSON.stringify({ record, augmentations, blobs });
}

/** The text of the elements with this test id (tags dropped, entities of React's escaping undone). */
function texts(html: string, testId: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(new RegExp(`<(\\w+)[^>]*data-testid="${testId}"[^>]*>`, 'g'))) {
    const tag = m[1]!;
    let depth = 1;
    const at = m.index + m[0].length;
    const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
    re.lastIndex = at;
    let end = html.length;
    for (let n = re.exec(html); n; n = re.exec(html)) {
      depth += n[1] ? -1 : 1;
      if (!depth) {
        end = n.index;
        break;
      }
    }
    out.push(
      html
        .slice(at, end)
        .replace(/<[^>]+>/g, '')
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    );
  }
  return out;
}

const ROME = /\d\d\/\d\d\/\d{4} alle \d\d:\d\d/.source;

async function askOnline(at: string, version = '1'): Promise<{ status: number; text: string }> {
  const page = await clerk.page(at);
  assert.match(page, /<button[^>]*>Verifica lo stato di revoca online<\/button>/, 'the button is on the page');
  assert.match(page, new RegExp(`<form action="${at}/revoca-online#verbale-1" method="post">`));
  return clerk.post(`${at}/revoca-online`, { versione: version }, at);
}

test('an augmented report: signer and TSA «non revocato, OCSP del …» asked now, the DSS lines as they were, nothing stored', async () => {
  const at = await receive(1, (await augmentPdf(await sign(pki.signer), { tsaUrl: tsa.url })).pdf);
  const before = await held(at);
  const asked = pki.counts.ocsp;
  const r = await askOnline(at);
  assert.equal(r.status, 200);
  assert.ok(pki.counts.ocsp > asked, 'the OCSP responder was asked');
  const [block] = texts(r.text, 'online-revocation');
  assert.match(block!, new RegExp(`^Stato di revoca chiesto in linea il ${ROME} \\(non viene registrato`));
  const [signature] = texts(r.text, 'online-signature');
  assert.match(
    signature!,
    new RegExp(
      `^Firma di Anna Bianchi · Certificato del firmatario: non revocato, OCSP del ${ROME} · Certificato dell'autorità di marcatura temporale: non revocato, OCSP del ${ROME}$`,
    ),
  );
  const [stamp] = texts(r.text, 'online-document-timestamp');
  assert.match(
    stamp!,
    new RegExp(`^Marca temporale del documento del ${ROME} · Certificato dell'autorità: non revocato, OCSP del ${ROME}$`),
  );
  // The DSS's reading is still there, unchanged, and the verdict too.
  assert.deepEqual(texts(r.text, 'report-verdict'), ['Firma digitale verificata']);
  assert.deepEqual(texts(r.text, 'online-verdict'), [], 'nobody revoked');
  assert.match(texts(r.text, 'report-signature')[0]!, /Livello PAdES: B-LTA/);
  // Nothing stored: the revision, its reports and the long-term queue are as they were; the page shows no answer again.
  assert.equal(await held(at), before);
  assert.deepEqual(texts(await clerk.page(at), 'online-revocation'), []);
});

test('a signer revoked before signing, never augmented: the DSS knows nothing, online says «revocato il … (compromissione della chiave)»', async () => {
  const at = await receive(2, await sign(pki.revoked));
  const before = await held(at);
  const r = await askOnline(at);
  assert.equal(r.status, 200);
  assert.match(texts(r.text, 'report-signature')[0]!, /Certificato del firmatario: stato sconosciuto/, 'the DSS has nothing');
  const [signature] = texts(r.text, 'online-signature');
  assert.match(
    signature!,
    new RegExp(
      `^Firma di Mario Rossi · Certificato del firmatario: revocato il ${ROME} \\(compromissione della chiave\\), OCSP del ${ROME} · Certificato dell'autorità di marcatura temporale: non revocato, OCSP del ${ROME}$`,
    ),
  );
  assert.match(r.text, /<span data-testid="online-signer" class="fail">/);
  assert.deepEqual(texts(r.text, 'online-verdict'), [
    'Secondo la risposta in linea la firma NON è valida: certificato revocato prima della firma.',
  ]);
  assert.equal(await held(at), before);
});

test('a responder out of reach: «responder non raggiungibile: …» in Italian, a 200 page, the other certificates still answered', async () => {
  const at = await receive(3, await sign(pki.unreachable));
  const before = await held(at);
  const r = await askOnline(at);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const [signature] = texts(r.text, 'online-signature');
  assert.match(
    signature!,
    /Certificato del firmatario: responder non raggiungibile: stato di revoca del certificato di «[^»]+» non disponibile: /,
  );
  assert.match(signature!, /non raggiungibile \(http:\/\/127\.0\.0\.1:\d+\/ocsp: ECONNREFUSED\)/);
  assert.match(signature!, new RegExp(`Certificato dell'autorità di marcatura temporale: non revocato, OCSP del ${ROME}$`));
  assert.match(r.text, /<span data-testid="online-signer" class="warn">/);
  assert.equal(await held(at), before);
});

test('a CRL-only authority answers through its CRL: «non revocato, CRL del …»', async () => {
  const at = await receive(4, await sign(pki.crlOnly));
  const r = await askOnline(at);
  assert.equal(r.status, 200);
  assert.match(texts(r.text, 'online-signature')[0]!, new RegExp(`Certificato del firmatario: non revocato, CRL del ${ROME}`));
});

test('the form is a POST of the session with its CSRF token; a wrong version is a 4xx in Italian', async () => {
  const at = await receive(5, await sign(pki.signer));
  const raw = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${office.url}${at}/revoca-online`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: office.url, ...headers },
      body,
    });
  const anonymous = await raw('versione=1');
  assert.equal(anonymous.status, 401);
  const forged = await raw('versione=1&_csrf=falso', { cookie: clerk.cookieHeader() });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /Modulo scaduto o non valido \(CSRF\)/);
  const asked = pki.counts.ocsp;
  for (const [version, status, message] of [
    ['', 400, /Versione del verbale mancante o non valida/],
    ['uno', 400, /Versione del verbale mancante o non valida/],
    ['2', 404, /Versione del verbale 2 inesistente: questa revisione ne ha 1\./],
  ] as const) {
    const r = await clerk.post(`${at}/revoca-online`, { versione: version }, at);
    assert.equal(r.status, status, version);
    assert.match(r.text, message);
  }
  const unknown = await clerk.post('/ispezioni/nessuna/1/revoca-online', { versione: '1' }, at);
  assert.equal(unknown.status, 404);
  assert.equal(pki.counts.ocsp, asked, 'nothing asked for a refused request');
});
