/**
 * Revocation status fetched from real responders on loopback: OpenSSL's OCSP responder over the
 * test CA's `openssl ca` index, CRLs made by `openssl ca -gencrl` served over HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crlUrls, fetchRevocation, ocspUrls, readCrl, readOcspResponse, RevocationError } from '../../report/revocation.ts';
import { makeRevocationPki, type RevocationPki } from '../helpers/revocation-pki.ts';

let pki: RevocationPki;

before(async () => {
  pki = await makeRevocationPki();
});

after(async () => {
  await pki?.close();
});

describe('revocation status', () => {
  test('the addresses come from the certificate: AIA OCSP and CRL distribution points', () => {
    assert.deepEqual(ocspUrls(pki.signer.der), [`${pki.url}/ocsp`]);
    assert.deepEqual(crlUrls(pki.signer.der), [`${pki.url}/ca.crl`]);
    assert.deepEqual(ocspUrls(pki.crlOnly.der), []);
    assert.deepEqual(crlUrls(pki.crlOnly.der), [`${pki.url}/crlca.crl`]);
  });

  test('a good certificate: OpenSSL’s OCSP responder says good, and openssl reads the same DER', async () => {
    const before = pki.counts.ocsp;
    const data = await fetchRevocation(pki.signer.der, pki.ca.der);
    assert.equal(data.kind, 'ocsp');
    assert.equal(data.url, `${pki.url}/ocsp`);
    assert.deepEqual(data.status, { status: 'good' });
    assert.equal(pki.counts.ocsp, before + 1);
    assert.ok(data.nextUpdate && new Date(data.nextUpdate) > new Date());
    // The responder's certificate came with the answer (it goes into the /DSS).
    assert.equal(data.certificates.length, 1);
    const path = join(pki.dir, 'good.ocsp');
    writeFileSync(path, data.der);
    const text = execFileSync('openssl', ['ocsp', '-respin', path, '-resp_text', '-noverify'], { encoding: 'utf8' });
    assert.match(text, /Cert Status: good/);
  });

  test('a revoked certificate: revoked, with the date and the reason', async () => {
    const data = await fetchRevocation(pki.revoked.der, pki.ca.der);
    assert.equal(data.kind, 'ocsp');
    assert.equal(data.status.status, 'revoked');
    assert.ok(data.status.status === 'revoked');
    assert.ok(Math.abs(new Date(data.status.revokedAt).getTime() - Date.now()) < 10 * 60_000);
    assert.equal(data.status.reason, 'compromissione della chiave');
  });

  test('a CA with a CRL only: the CRL is fetched and checked', async () => {
    const ocsp = pki.counts.ocsp;
    const data = await fetchRevocation(pki.crlOnly.der, pki.crlCa.der);
    assert.equal(data.kind, 'crl');
    assert.equal(data.url, `${pki.url}/crlca.crl`);
    assert.deepEqual(data.status, { status: 'good' });
    assert.equal(pki.counts.ocsp, ocsp, 'no OCSP was asked: the certificate names none');
  });

  test('OCSP down: the CRL answers instead, and says revoked for the revoked certificate', async () => {
    pki.ocspMode = 'down';
    try {
      const good = await fetchRevocation(pki.signer.der, pki.ca.der);
      assert.equal(good.kind, 'crl');
      assert.deepEqual(good.status, { status: 'good' });
      const revoked = await fetchRevocation(pki.revoked.der, pki.ca.der);
      assert.equal(revoked.kind, 'crl');
      assert.equal(revoked.status.status, 'revoked');
      assert.ok(revoked.status.status === 'revoked' && revoked.status.reason === 'compromissione della chiave');
    } finally {
      pki.ocspMode = 'ok';
    }
  });

  test('an unreachable responder and CRL: a clear Italian error naming both addresses', async () => {
    await assert.rejects(fetchRevocation(pki.unreachable.der, pki.ca.der, { timeoutMs: 5000 }), (e: Error) => {
      assert.ok(e instanceof RevocationError);
      assert.match(e.message, /stato di revoca del certificato di «Ugo Lontani» non disponibile/);
      assert.match(e.message, /il servizio OCSP non raggiungibile \(http:\/\/127\.0\.0\.1:\d+\/ocsp: ECONNREFUSED\)/);
      assert.match(e.message, /la lista di revoca \(CRL\) non raggiungibile \(http:\/\/127\.0\.0\.1:\d+\/ca\.crl: ECONNREFUSED\)/);
      return true;
    });
  });

  test('a certificate that names no revocation service is refused, saying so', async () => {
    await assert.rejects(fetchRevocation(pki.ca.der, pki.ca.der), /non indica né un servizio OCSP né una lista di revoca/);
  });

  test('an answer about another certificate, or checked against the wrong issuer, is refused', async () => {
    const good = await fetchRevocation(pki.signer.der, pki.ca.der);
    await assert.rejects(readOcspResponse(good.der, pki.revoked.der, pki.ca.der), /non riguarda il certificato di «Mario Rossi»/);
    await assert.rejects(readOcspResponse(good.der, pki.crlOnly.der, pki.crlCa.der), RevocationError);
    const crl = await fetchRevocation(pki.crlOnly.der, pki.crlCa.der);
    await assert.rejects(readCrl(crl.der, pki.signer.der, pki.ca.der), /di un’altra autorità di certificazione/);
    // A byte changed inside the signed part of the CRL: its signature no longer holds.
    const tampered = Buffer.from(crl.der);
    tampered[tampered.length - 300]! ^= 0x01;
    await assert.rejects(readCrl(tampered, pki.crlOnly.der, pki.crlCa.der), RevocationError);
  });
});
