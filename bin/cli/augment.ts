import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';
import { readNamedFile, writeAtomically } from './signing.ts';

export const usage = `Uso: vigilanza augment IN.pdf --out OUT.pdf --tsa URL [--certs CERTIFICATI.pem]

Rende un verbale firmato verificabile nel tempo (PAdES B-LTA), come aggiornamento incrementale che
lascia valide le firme già apposte: aggiunge il Document Security Store (/DSS) con le catene dei
certificati di ogni firmatario e dell'autorità di marcatura temporale e il loro stato di revoca
(risposte OCSP dai servizi indicati nei certificati, altrimenti le liste di revoca CRL), poi una
marca temporale del documento (RFC 3161).

  --out FILE     PDF da scrivere (scritto solo a operazione riuscita; può anche essere IN.pdf)
  --tsa URL      servizio di marca temporale RFC 3161 per la marca del documento
  --certs FILE   certificati PEM che completano le catene (un'autorità intermedia assente dalla firma)

Se lo stato di revoca di un certificato non si ottiene (servizio irraggiungibile, risposta non valida)
non si scrive nulla e il messaggio dice perché.

Uscita: 0 verbale aggiornato (stampa per ogni firma lo stato di revoca trovato); 2 opzioni non valide,
PDF illeggibile o senza firme, dati di revoca o marca temporale non ottenuti.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { out: { type: 'string', short: 'o' }, tsa: { type: 'string' }, certs: { type: 'string' } },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un PDF firmato da aggiornare\n\n${usage}`);
  const inPath = positionals[0]!;
  const out = values.out as string | undefined;
  if (!out) throw new CliError(`--out: indicare il PDF da scrivere\n\n${usage}`);
  const tsaUrl = values.tsa as string | undefined;
  if (tsaUrl === undefined) throw new CliError(`--tsa: indicare il servizio di marca temporale (URL)\n\n${usage}`);
  if (!/^https?:\/\/\S+$/i.test(tsaUrl)) throw new CliError(`--tsa: URL non valido "${tsaUrl}" (atteso http:// o https://)`);
  const input = readNamedFile(inPath, 'PDF');
  let extraCertificates: Uint8Array[] = [];
  if (values.certs !== undefined) {
    const pem = readNamedFile(values.certs as string, '--certs').toString('utf8');
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (!blocks.length) throw new CliError(`${values.certs}: --certs: nessun certificato PEM nel file`);
    extraCertificates = blocks.map((b) => new Uint8Array(Buffer.from(b.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')));
  }

  const { augmentPdf, AugmentError } = await import('../../report/augment.ts');
  const { RevocationError } = await import('../../report/revocation.ts');
  const report = await import('../../report/index.ts');
  let result;
  try {
    result = await augmentPdf(input, { tsaUrl, extraCertificates });
  } catch (e) {
    if (e instanceof RevocationError || e instanceof AugmentError)
      throw new CliError(`${inPath}: verbale non aggiornato (il file resta com'era): ${e.message}`);
    if (e instanceof report.PdfSyntaxError || e instanceof report.UnsupportedPdfError || e instanceof report.PdfSignError)
      throw new CliError(`${inPath}: non è un PDF aggiornabile (${e.message})`);
    throw e;
  }
  writeAtomically(out, result.pdf);
  for (const s of result.signatures)
    for (const c of s.certificates)
      if (c.status === 'revoked')
        process.stderr.write(
          `vigilanza: attenzione: certificato di «${c.commonName ?? c.subject}» REVOCATO il ${c.revokedAt} (firma ${s.field ?? s.vriKey})\n`,
        );
  printJson({
    out,
    bytes: result.pdf.length,
    level: `PAdES ${result.level}`,
    documentTimestamp: result.documentTimestamp,
    dss: result.dss,
    signatures: result.signatures,
  });
  return 0;
}
