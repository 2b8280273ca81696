/**
 * A small RFC 3161 timestamp authority on 127.0.0.1 for tests: it parses the TimeStampReq,
 * answers a TimeStampResp whose token is a SignedData over a TSTInfo (signed attributes
 * content-type, message-digest, signing-certificate-v2; the TSA certificate included on request).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, cryptoEngine, signingCertificateV2 } from '../../report/cms.ts';

export interface TestTsa {
  url: string;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

function ab(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export async function startTestTsa(opts: {
  keyPem: string;
  certPem: string;
  policy?: string;
  mode?: 'ok' | 'reject' | 'garbage';
}): Promise<TestTsa> {
  const certDer = pemToDer(opts.certPem);
  const cert = pkijs.Certificate.fromBER(ab(certDer));
  const pkcs8 = createPrivateKey(opts.keyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  let serial = 1;

  async function answer(body: Uint8Array): Promise<Uint8Array> {
    if (opts.mode === 'garbage') return new Uint8Array([1, 2, 3]);
    const req = pkijs.TimeStampReq.fromBER(ab(body));
    if (opts.mode === 'reject') {
      return new Uint8Array(
        new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.rejection }) }).toSchema().toBER(),
      );
    }
    const tst = new pkijs.TSTInfo({
      version: 1,
      policy: opts.policy ?? '1.3.6.1.4.1.55555.1.1',
      messageImprint: req.messageImprint,
      serialNumber: new asn1js.Integer({ value: serial++ }),
      genTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(req.nonce ? { nonce: req.nonce } : {}),
    });
    const tstDer = new Uint8Array(tst.toSchema().toBER());
    const sd = new pkijs.SignedData({
      version: 3,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: OID.tstInfo,
        eContent: new asn1js.OctetString({ valueHex: ab(tstDer) }),
      }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({
            type: 0,
            attributes: [
              new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })] }),
              new pkijs.Attribute({
                type: OID.messageDigest,
                values: [new asn1js.OctetString({ valueHex: ab(new Uint8Array(createHash('sha256').update(tstDer).digest())) })],
              }),
              signingCertificateV2(certDer),
            ],
          }),
        }),
      ],
      ...(req.certReq ? { certificates: [cert] } : {}),
    });
    await sd.sign(key as unknown as Parameters<pkijs.SignedData['sign']>[0], 0, 'SHA-256', undefined, cryptoEngine());
    const resp = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
      timeStampToken: new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) }),
    });
    return new Uint8Array(resp.toSchema().toBER());
  }

  const tsa: TestTsa = { url: '', requests: 0, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
        response.writeHead(400).end();
        return;
      }
      answer(new Uint8Array(Buffer.concat(chunks)))
        .then((der) => {
          tsa.requests++;
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(der));
        })
        .catch(() => response.writeHead(400).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  tsa.close = () => new Promise((resolve) => server.close(() => resolve()));
  return tsa;
}

/**
 * The same authority in its own process, for tests that run the CLI with spawnSync (which blocks
 * this process's event loop, so an in-process server could not answer).
 */
export async function startTestTsaProcess(opts: { keyPath: string; certPath: string }): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), opts.keyPath, opts.certPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('il TSA di prova non è partito')), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /^(http:\/\/127\.0\.0\.1:\d+\/tsa)\n/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(line[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`il TSA di prova è uscito (${code})`)));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

// `node --import tsx test/helpers/tsa.ts KEY.pem CERT.pem`: serve until killed, print the URL.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [keyPath, certPath] = process.argv.slice(2);
  const tsa = await startTestTsa({ keyPem: readFileSync(keyPath!, 'utf8'), certPem: readFileSync(certPath!, 'utf8') });
  process.stdout.write(`${tsa.url}\n`);
}
