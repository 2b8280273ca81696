/** The review page's verdict on a report PDF: unsigned, valid, altered. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeVerification, loadVerifier } from '../../office/review/verify.ts';
import type { SignatureReport, VerifyResult } from '../../report/verify.ts';
import { modification } from '../../report/modifications.ts';

const minimalPdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const signature = (over: Partial<SignatureReport>): SignatureReport => ({
  index: 1,
  kind: 'signature',
  field: 'Sig1',
  signer: { commonName: 'Dott.ssa Chiara Fantoni', subject: 'CN=Dott.ssa Chiara Fantoni', issuer: 'CN=CA', serialNumber: '01' },
  signingTime: '2026-11-23T10:00:00Z',
  subFilter: 'ETSI.CAdES.detached',
  reason: null,
  location: null,
  byteRange: [0, 10, 20, 30],
  intact: true,
  digestMatches: true,
  signatureVerified: true,
  coversWholeDocument: true,
  signingCertificateV2: true,
  trusted: null,
  timestamp: { present: false, valid: null, time: null, authority: null, trusted: null },
  level: 'B-B',
  revocation: { signer: null, tsa: null },
  modifiedAfterSigning: false,
  modifications: [],
  problems: [],
  ...over,
});

it('the server always has the verifier, and an unsigned report says so rather than "invalid signature"', async () => {
  const verify = await loadVerifier();
  assert.ok(verify, 'report/verify.ts is part of every build');
  const result = await verify(minimalPdf, {});
  assert.deepEqual(result.signatures, []);
  const text = describeVerification(result).text;
  assert.match(text, /Documento non firmato digitalmente/);
  assert.doesNotMatch(text, /NON valida/);
});

it('a valid signature names the signer, integrity, coverage and trust', () => {
  const ok: VerifyResult = { size: 31, valid: true, modifications: [], problems: [], signatures: [signature({ trusted: true })] };
  const text = describeVerification(ok).text;
  assert.match(text, /Firma digitale verificata/);
  assert.match(text, /Dott\.ssa Chiara Fantoni/);
  assert.match(text, /integra · copre tutto il documento/);
  assert.match(text, /certificato attendibile/);
});

it('an intact signature whose signer could not be checked (no CA at the office) is not called verified', () => {
  const unchecked: VerifyResult = { size: 31, valid: true, modifications: [], problems: [], signatures: [signature({ trusted: null })] };
  const text = describeVerification(unchecked).text;
  assert.doesNotMatch(text, /Firma digitale verificata/);
  assert.match(text, /Firma digitale integra, firmatari non verificati: nessuna CA attendibile configurata in ufficio/);
});

it('an altered document is flagged', () => {
  const bad: VerifyResult = {
    size: 31,
    valid: false,
    modifications: [],
    problems: ['firma 1 non integra'],
    signatures: [signature({ intact: false, digestMatches: false })],
  };
  const text = describeVerification(bad).text;
  assert.match(text, /Firma digitale NON valida/);
  assert.match(text, /NON integra/);
  assert.match(text, /attendibilità non verificata/);
});

it('a document changed after its signature names what changed and is not called verified', () => {
  const modifications = [
    modification('page_content', { page: 1 }),
    modification('pages_added', { count: 1 }),
    modification('annotations', { page: 2 }),
  ];
  const changed: VerifyResult = {
    size: 31,
    valid: false,
    modifications,
    problems: ['modificato dopo la firma'],
    signatures: [signature({ coversWholeDocument: false, modifiedAfterSigning: true, modifications }), signature({ index: 2 })],
  };
  const text = describeVerification(changed).text;
  assert.doesNotMatch(text, /Firma digitale verificata/);
  assert.match(text, /Firma digitale NON valida: documento modificato dopo la firma/);
  assert.match(text, /Modificato dopo la firma: contenuto della pagina 1; 1 pagina aggiunta; annotazioni della pagina 2/);
});
