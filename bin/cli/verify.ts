import { readFileSync } from 'node:fs';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

export const usage = `Uso: vigilanza verify FILE.pdf [--ca CA.pem]

Verifica le firme digitali di un PDF e stampa un oggetto JSON con, per ogni firma: firmatario,
data di firma, SubFilter, integrità dei byte firmati (impronta e firma CMS), copertura dell'intero
file, modifiche fatte dopo la firma ("modifications": pagine aggiunte, contenuto della pagina N,
annotazioni, campi del modulo, catalogo), attendibilità della catena rispetto alla CA indicata
(null senza --ca), marca temporale, livello PAdES raggiunto ("level": B-B, B-T, B-LT, B-LTA; null per
una marca temporale del documento) e stato di revoca del firmatario e dell'autorità di marcatura
("revocation": good, revoked con la data, unknown) letto dai dati incorporati nel documento (/DSS,
vedi vigilanza augment): nulla viene chiesto in rete. "problems" dice perché il documento non è valido.

  --ca CA.pem   certificati PEM delle autorità di certificazione ritenute attendibili

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
  const { values, positionals } = parse(argv, { ca: { type: 'string' } }, usage);
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
    result = await verifyPdf(pdf, { caPem });
  } catch (e) {
    if (e instanceof NotPdfError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
  printJson({ file: path, ...result });
  if (!result.signatures.length) process.stderr.write(`vigilanza: ${path}: nessuna firma digitale nel documento\n`);
  else if (!result.valid) process.stderr.write(`vigilanza: ${path}: firma NON valida: ${result.problems.join('; ')}\n`);
  return result.valid ? 0 : 1;
}
