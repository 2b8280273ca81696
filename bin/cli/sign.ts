import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';
import { readNamedFile, SIGNING_OPTIONS, signingChoice, withChosenSigner, writeAtomically } from './signing.ts';

export const usage = `Uso: vigilanza sign IN.pdf --out OUT.pdf (--p12 CHIAVE.p12 | --pkcs11 MODULO [--token ETICHETTA] [--key ETICHETTA])
                      [--tsa URL] [--reason TESTO] [--location TESTO] [--signatory ID]

Aggiunge una firma digitale (PAdES) a un verbale già firmato, come aggiornamento incrementale: la
firma del secondo componente della commissione. Le firme già apposte restano valide.

  --out FILE          PDF da scrivere (scritto solo a operazione riuscita; può non essere IN.pdf)
  --p12 FILE          chiave del firmatario (PKCS#12); passphrase da VIGILANZA_P12_PASSPHRASE o dal terminale
  --pkcs11 MODULO     smart card o token: modulo PKCS#11; PIN da VIGILANZA_PIN o dal terminale
  --token, --key      quale dispositivo e quale certificato, se più d'uno (vedi vigilanza report --help)
  --tsa URL           servizio di marca temporale RFC 3161
  --reason, --location motivo e luogo della firma
  --signatory ID      il riquadro della pagina delle firme in cui mostrare la firma: l'identificativo
                      del firmatario della scheda (es. pedagogista; un valore sconosciuto elenca quelli
                      del verbale); senza, o se già occupato, il primo riquadro libero

Uscita: 0 firma aggiunta; 2 opzioni non valide, PDF non firmato o illeggibile, password o PIN errati,
dispositivo assente o bloccato.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string', short: 'o' },
      ...SIGNING_OPTIONS,
      reason: { type: 'string' },
      location: { type: 'string' },
      signatory: { type: 'string' },
    },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un PDF da firmare\n\n${usage}`);
  const out = values.out as string | undefined;
  if (!out) throw new CliError(`--out: indicare il PDF da scrivere\n\n${usage}`);
  const choice = signingChoice(values, { required: true });
  const input = readNamedFile(positionals[0]!, 'PDF');

  const report = await import('../../report/index.ts');
  let before: Awaited<ReturnType<typeof report.verifyPdf>>;
  try {
    before = await report.verifyPdf(input);
  } catch (e) {
    throw new CliError(`${positionals[0]}: non è un PDF leggibile (${(e as Error).message})`);
  }
  // A second signature goes on a signed act only (an unsigned one says so on page 1).
  if (!before.signatures.length)
    throw new CliError(`${positionals[0]}: il PDF non ha firme digitali: si aggiunge una firma solo a un verbale già firmato`);

  const signatory = values.signatory as string | undefined;
  if (signatory !== undefined) {
    const reserved = report.reservedSignatories(input);
    if (!reserved.includes(signatory))
      throw new CliError(
        reserved.length
          ? `--signatory: il verbale non ha un riquadro «${signatory}» (riquadri: ${reserved.join(', ')})`
          : `--signatory: il verbale non riserva riquadri per le firme visibili: la firma sarà comunque valida ma invisibile; togliere --signatory`,
      );
  }
  const options = {
    tsaUrl: choice.tsaUrl,
    ...(signatory ? { signatory } : {}),
    reason: (values.reason as string | undefined) ?? 'Verbale di ispezione (seconda firma)',
    location: values.location as string | undefined,
    onWarning: (m: string) => process.stderr.write(`vigilanza: attenzione: ${m}\n`),
  };
  const sign = async (signer: import('../../report/index.ts').CmsSigner) => {
    try {
      return await report.signPdfWith(input, signer, options);
    } catch (e) {
      if (e instanceof report.PdfSignError || e instanceof report.UnsupportedPdfError)
        throw new CliError(`${positionals[0]}: ${e.message}`);
      throw e;
    }
  };
  const signed = await withChosenSigner(choice, (signer) => sign(signer!)); // `required` above: a signer is always chosen
  writeAtomically(out, signed.pdf);
  printJson({
    out,
    bytes: signed.pdf.length,
    field: signed.fieldName,
    signature: `PAdES ${signed.level}`,
    signer: signed.signer.subject,
    signatures: before.signatures.length + 1,
    // Where the signature is shown on the page (null: invisible, no free rectangle).
    appearance: signed.appearance,
  });
  return 0;
}
