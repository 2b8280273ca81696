import { readFileSync } from 'node:fs';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

export const usage = `Uso: vigilanza verify FILE.pdf [--ca CA.pem] [--online]

Verifica le firme digitali di un PDF e stampa un oggetto JSON con, per ogni firma: firmatario,
data di firma, SubFilter, integrità dei byte firmati (impronta e firma CMS), copertura dell'intero
file, modifiche fatte dopo la firma ("modifications": pagine aggiunte, contenuto della pagina N,
annotazioni, campi del modulo, catalogo), attendibilità della catena rispetto alla CA indicata
(null senza --ca), marca temporale, livello PAdES raggiunto ("level": B-B, B-T, B-LT, B-LTA; null per
una marca temporale del documento) e stato di revoca del firmatario e dell'autorità di marcatura
("revocation": good, revoked con la data, unknown) letto dai dati incorporati nel documento (/DSS,
vedi vigilanza augment): senza --online nulla viene chiesto in rete. "problems" dice perché il
documento non è valido.

  --ca CA.pem   certificati PEM delle autorità di certificazione ritenute attendibili
  --online      chiede ora lo stato di revoca di ogni firmatario e autorità di marcatura (OCSP
                indicato nel certificato, altrimenti la CRL; il certificato dell'emittente mancante
                dall'indirizzo caIssuers): "revocation.online" nel JSON e un riepilogo in italiano
                sullo standard error; un servizio non raggiungibile è detto, non è un errore

Uscita: 0 tutte le firme integre, l'ultima copre l'intero file, dopo la prima firma solo
aggiunte di firme (campo, widget, aspetto, /DSS, marche temporali) e, con --ca, ogni firmatario
attendibile, e nessun firmatario revocato prima della firma (o della sua marca temporale); 1 altrimenti
(anche senza firme); 2 file illeggibile o non PDF.`;

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: ${code === 'ENOENT' ? `${what} non trovato` : code === 'EISDIR' ? 'è una cartella, non un file' : `impossibile leggere (${code ?? String(e)})`}`,
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ca: { type: 'string' }, online: { type: 'boolean' } }, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un FILE.pdf\n\n${usage}`);
  const path = positionals[0]!;
  const pdf = readInput(path, 'file');
  const caPath = values.ca as string | undefined;
  const caPem = caPath !== undefined ? readInput(caPath, 'file della CA').toString('utf8') : undefined;
  if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----'))
    throw new CliError(`${caPath}: --ca: nessun certificato PEM nel file`);
  const { verifyPdf, NotPdfError } = await import('../../report/verify.ts');
  let result;
  try {
    result = await verifyPdf(pdf, { caPem, ...(values.online ? { online: true } : {}) });
  } catch (e) {
    if (e instanceof NotPdfError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
  printJson({ file: path, ...result });
  if (values.online) for (const line of onlineSummary(result.signatures)) process.stderr.write(`vigilanza: ${line}\n`);
  if (!result.signatures.length) process.stderr.write(`vigilanza: ${path}: nessuna firma digitale nel documento\n`);
  else if (!result.valid) process.stderr.write(`vigilanza: ${path}: firma NON valida: ${result.problems.join('; ')}\n`);
  return result.valid ? 0 : 1;
}

type Signatures = Awaited<ReturnType<typeof import('../../report/verify.ts').verifyPdf>>['signatures'];
type Online = NonNullable<NonNullable<Signatures[number]['revocation']['online']>['signer']>;

const day = (iso: string) =>
  new Date(iso).toLocaleDateString('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' });

/** «valido», «revocato il 03/12/2026 (…)», «sconosciuto», «non verificabile: …», with who answered. */
export function onlineWords(o: Online): string {
  const by = o.source ? ` (${o.source === 'ocsp' ? 'OCSP' : 'CRL'}${o.url ? ` ${o.url}` : ''})` : '';
  switch (o.status) {
    case 'good':
      return `valido, non revocato${by}`;
    case 'revoked':
      return `revocato il ${day(o.revokedAt!)}${o.reason ? ` (${o.reason})` : ''}${by}`;
    case 'unknown':
      return `sconosciuto${o.problem ? `: ${o.problem}` : `: il servizio non conosce il certificato${by}`}`;
    default:
      return `non verificabile in linea: ${o.problem ?? 'nessuna risposta'}`;
  }
}

function onlineSummary(signatures: Signatures): string[] {
  const out: string[] = [];
  for (const s of signatures) {
    const online = s.revocation.online;
    if (!online) continue;
    const what = s.kind === 'document_timestamp' ? `marca temporale del documento ${s.index}` : `firma ${s.index}`;
    const who = s.signer?.commonName ? ` («${s.signer.commonName}»)` : '';
    if (online.signer) out.push(`${what}${who}: stato di revoca in linea del firmatario: ${onlineWords(online.signer)}`);
    if (online.tsa) out.push(`${what}${who}: stato di revoca in linea dell'autorità di marcatura temporale: ${onlineWords(online.tsa)}`);
  }
  return out;
}
