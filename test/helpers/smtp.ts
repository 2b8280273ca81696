/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1 for the office's mail tests: AUTH required (no
 * STARTTLS), every message it accepts parsed with `mailparser` and kept with its envelope's
 * recipients; `refuseNext(n)` answers the next n messages with 451, as a busy mailbox does.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** The account the office logs in with; the password has characters the URL must escape. */
export const SMTP_USER = 'ufficio@pec.zonafse.it';
export const SMTP_PASSWORD = 'p@ss:segreta';

export interface TestSmtp {
  /** The messages accepted, in order, parsed. */
  received: ParsedMail[];
  /** The envelope's recipients of each message accepted. */
  envelopes: string[][];
  /** The office's `--smtp` address: smtp://user:password@127.0.0.1:port. */
  url: string;
  refuseNext(n: number): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const envelopes: string[][] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return cb(null, { user: auth.username });
      return cb(new Error('credenziali errate'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          return cb(Object.assign(new Error('casella temporaneamente non disponibile'), { responseCode: 451 }));
        }
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            received.push(mail);
            envelopes.push(session.envelope.rcptTo.map((r) => r.address));
            cb();
          },
          (e: Error) => cb(e),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    received,
    envelopes,
    url: `smtp://${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${port}`,
    refuseNext(n: number) {
      refuse = n;
    },
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}
