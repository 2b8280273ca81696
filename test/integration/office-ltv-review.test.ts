/**
 * The office review page tells the clerk, in Italian, the PAdES level each signature reached and the
 * revocation status of signer and timestamp authority read from the report's DSS, and lists the
 * document timestamp as such, not as one more signer (issue 11, «Long-term validation»). Real parts:
 * the office server (SQLite, 127.0.0.1) trusting the test CA, reports signed with a loopback TSA and
 * augmented through the loopback OpenSSL OCSP responder and CRL, pushed by the sync client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { augmentPdf } from '../../report/index.ts';
import type { Clerk } from '../helpers/office-clerk.ts';
import { pushWithReport, type TestOffice } from '../helpers/office-fixtures.ts';
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

/** Sends one visit with `pdf` as its report and returns the review page's HTML. */
async function reviewPage(i: number, pdf: Buffer): Promise<string> {
  await pushWithReport(ltv.client, `ltv-${i}`, i, pdf);
  return clerk.page(`/ispezioni/ltv-${i}/1`);
}

/** The text of the elements with this test id (tags dropped, entities of React's escaping undone). */
function texts(html: string, testId: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(new RegExp(`<(\\w+)[^>]*data-testid="${testId}"[^>]*>`, 'g'))) {
    const tag = m[1]!;
    let depth = 1;
    let at = m.index + m[0].length;
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
        .replace(/<br\/?>/g, '\n')
        .replace(/<[^>]+>/g, '')
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
    at = end;
  }
  return out;
}

const ROME = /\d\d\/\d\d\/\d{4} alle \d\d:\d\d/.source;

test('an augmented report reads «Livello PAdES: B-LTA», signer and TSA «non revocato», and its document timestamp apart', async () => {
  const augmented = (await augmentPdf(await sign(pki.signer), { tsaUrl: tsa.url })).pdf;
  const html = await reviewPage(1, augmented);
  assert.deepEqual(texts(html, 'report-verdict'), ['Firma digitale verificata']);
  const signatures = texts(html, 'report-signature');
  assert.equal(signatures.length, 1, 'the document timestamp is not one more signer');
  assert.match(signatures[0]!, /^Anna Bianchi · /);
  assert.match(signatures[0]!, /Livello PAdES: B-LTA/);
  assert.match(signatures[0]!, new RegExp(`Certificato del firmatario: non revocato, OCSP del ${ROME}`));
  assert.match(signatures[0]!, new RegExp(`Certificato dell'autorità di marcatura temporale: non revocato, OCSP del ${ROME}`));
  const stamps = texts(html, 'report-document-timestamp');
  assert.equal(stamps.length, 1);
  assert.match(
    stamps[0]!,
    new RegExp(
      `^Marca temporale del documento del ${ROME} · autorità Vigilanza Test TSA LTV · integra · copre tutto il documento · certificato attendibile · Certificato dell'autorità: non revocato, OCSP del ${ROME}$`,
    ),
    'the same TSA stamped the signature: its OCSP answer is in the DSS',
  );
  assert.doesNotMatch(signatures.join('\n'), /Vigilanza Test TSA LTV ·/);
});

test('a report signed B-T and never augmented: «Livello PAdES: B-T», revocation «stato sconosciuto», no document timestamp', async () => {
  const html = await reviewPage(2, await sign(pki.signer));
  const [signature] = texts(html, 'report-signature');
  assert.match(
    signature!,
    /Livello PAdES: B-T · Certificato del firmatario: stato sconosciuto · Certificato dell'autorità di marcatura temporale: stato sconosciuto/,
  );
  assert.deepEqual(texts(html, 'report-document-timestamp'), []);
  assert.deepEqual(texts(html, 'report-verdict'), ['Firma digitale verificata']);
});

test('a revoked signer: «revocato il … (compromissione della chiave)» and the verdict says why it is not valid', async () => {
  const augmented = (await augmentPdf(await sign(pki.revoked), { tsaUrl: tsa.url })).pdf;
  const html = await reviewPage(3, augmented);
  assert.deepEqual(texts(html, 'report-verdict'), ['Firma digitale NON valida: certificato revocato prima della firma']);
  const [signature] = texts(html, 'report-signature');
  assert.match(signature!, /^Mario Rossi · /);
  assert.match(
    signature!,
    new RegExp(`Certificato del firmatario: revocato il ${ROME} \\(compromissione della chiave\\), OCSP del ${ROME}`),
  );
  assert.match(html, /<span data-testid="signature-revocation-signer" class="fail">/);
});
