/** The review page's verdict on a report PDF: unsigned, valid, altered. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeVerification, loadVerifier } from '../../office/review/verify.ts';
import type { SignatureReport, VerifyResult } from '../../report/verify.ts';

const minimalPdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const signature = (over: Partial<SignatureReport>): SignatureReport => ({
  index: 1, field: 'Sig1', signer: { commonName: 'Dott.ssa Chiara Fantoni', subject: 'CN=Dott.ssa Chiara Fantoni', issuer: 'CN=CA', serialNumber: '01' },
  signingTime: '2026-11-23T10:00:00Z', subFilter: 'ETSI.CAdES.detached', reason: null, location: null, byteRange: [0, 10, 20, 30],
  intact: true, digestMatches: true, signatureVerified: true, coversWholeDocument: true, signingCertificateV2: true, trusted: null,
  timestamp: { present: false, valid: null, time: null, authority: null, trusted: null }, problems: [], ...over,
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
  const ok: VerifyResult = { size: 31, valid: true, signatures: [signature({ trusted: true })] };
  const text = describeVerification(ok).text;
  assert.match(text, /Firma digitale verificata/);
  assert.match(text, /Dott\.ssa Chiara Fantoni/);
  assert.match(text, /integra · copre tutto il documento/);
  assert.match(text, /certificato attendibile/);
});

it('an altered document is flagged', () => {
  const bad: VerifyResult = { size: 31, valid: false, signatures: [signature({ intact: false, digestMatches: false })] };
  const text = describeVerification(bad).text;
  assert.match(text, /Firma digitale NON valida/);
  assert.match(text, /NON integra/);
  assert.match(text, /attendibilità non verificata/);
});
