/**
 * The office the long-term validation review tests read: a SQLite office on 127.0.0.1 trusting a
 * test CA with revocation (loopback OpenSSL OCSP responder and CRL), a loopback TSA, a logged-in
 * clerk, a paired laptop's sync client, and the unsigned sample report that `sign` signs.
 */
import { readFileSync } from 'node:fs';
import { SyncClient } from '../../host/sync/client.ts';
import { hashPassword } from '../../office/security.ts';
import { buildReport, signPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { Clerk } from './office-clerk.ts';
import { startOffice, type TestOffice } from './office-fixtures.ts';
import { P12_PASSPHRASE } from './pki.ts';
import { makeRevocationPki, type IssuedCert, type RevocationPki } from './revocation-pki.ts';
import { startTestTsa, type TestTsa } from './tsa.ts';

export interface LtvOffice {
  pki: RevocationPki;
  tsa: TestTsa;
  office: TestOffice;
  clerk: Clerk;
  client: SyncClient;
  /** The sample report signed by `who` with a timestamp from the loopback TSA (PAdES B-T). */
  sign(who: IssuedCert): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startLtvOffice(): Promise<LtvOffice> {
  const pki = await makeRevocationPki();
  const tsa = await startTestTsa({ keyPem: readFileSync(pki.tsa.keyPath, 'utf8'), certPem: pki.tsa.pem });
  const office = await startOffice('sqlite', { caPem: pki.ca.pem });
  await office.server.store.createClerk('Ufficio Zona', await hashPassword('password-della-prova'));
  const clerk = new Clerk(office.url);
  await clerk.login('Ufficio Zona', 'password-della-prova');
  const client = new SyncClient({
    baseUrl: office.url,
    token: await office.token('Ispettrice Rossi'),
    retry: { attempts: 2, baseMs: 5, maxMs: 20 },
  });
  const unsigned = await buildReport(sampleReportInput({ photos: 0, digitallySigned: true }));
  return {
    pki,
    tsa,
    office,
    clerk,
    client,
    sign: (who) => signPdf(unsigned, { p12: who.p12, passphrase: P12_PASSPHRASE }, { tsaUrl: tsa.url }),
    async close() {
      await office.close();
      await tsa.close();
      await pki.close();
    },
  };
}
