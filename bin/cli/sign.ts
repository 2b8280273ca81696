import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';
import { passphrase, tokenPin } from './report.ts';

export const usage = `Uso: vigilanza sign IN.pdf --out OUT.pdf (--p12 CHIAVE.p12 | --pkcs11 MODULO [--token ETICHETTA] [--key ETICHETTA])
                      [--tsa URL] [--reason TESTO] [--location TESTO]

Aggiunge una firma digitale (PAdES) a un verbale già firmato, come aggiornamento incrementale: la
firma del secondo componente della commissione. Le firme già apposte restano valide.

  --out FILE          PDF da scrivere (scritto solo a operazione riuscita; può non essere IN.pdf)
  --p12 FILE          chiave del firmatario (PKCS#12); passphrase da VIGILANZA_P12_PASSPHRASE o dal terminale
  --pkcs11 MODULO     smart card o token: modulo PKCS#11; PIN da VIGILANZA_PIN o dal terminale
  --token, --key      quale dispositivo e quale certificato, se più d'uno (vedi vigilanza report --help)
  --tsa URL           servizio di marca temporale RFC 3161
  --reason, --location motivo e luogo della firma

Uscita: 0 firma aggiunta; 2 opzioni non valide, PDF non firmato o illeggibile, password o PIN errati,
dispositivo assente o bloccato.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string', short: 'o' },
      p12: { type: 'string' },
      pkcs11: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      tsa: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
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
  const p12Path = values.p12 as string | undefined;
  const pkcs11Module = values.pkcs11 as string | undefined;
  if ((p12Path === undefined) === (pkcs11Module === undefined))
    throw new CliError('indicare una firma digitale: --p12 CHIAVE.p12 oppure --pkcs11 MODULO (una sola)');
  if (pkcs11Module === undefined && (values.token !== undefined || values.key !== undefined))
    throw new CliError(`${values.token !== undefined ? '--token' : '--key'}: vale solo con --pkcs11`);
  const tsaUrl = values.tsa as string | undefined;
  if (tsaUrl !== undefined && !/^https?:\/\/\S+$/i.test(tsaUrl))
    throw new CliError(`--tsa: URL non valido "${tsaUrl}" (atteso http:// o https://)`);
  const readOrFail = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`${path}: ${what}: ${code === 'ENOENT' ? 'file non trovato' : `impossibile leggere (${code})`}`);
    }
  };
  const input = readOrFail(positionals[0]!, 'PDF');

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

  const options = {
    tsaUrl,
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
  let signed: Awaited<ReturnType<typeof sign>>;
  if (pkcs11Module !== undefined) {
    if (!pkcs11Module.trim()) throw new CliError('--pkcs11: indicare il percorso del modulo PKCS#11');
    const pkcs11 = await import('../../report/pkcs11.ts');
    const pin = await tokenPin();
    try {
      signed = await pkcs11.withTokenSigner(
        { modulePath: pkcs11Module, token: values.token as string | undefined, key: values.key as string | undefined, pin },
        sign,
      );
    } catch (e) {
      if (e instanceof pkcs11.Pkcs11Error) throw new CliError(`--pkcs11: ${e.message}`);
      throw e;
    }
  } else {
    const p12 = readOrFail(p12Path!, '--p12');
    let signer;
    try {
      signer = await report.loadP12(p12, await passphrase());
    } catch (e) {
      if (e instanceof report.P12PassphraseError || e instanceof report.P12FormatError) throw new CliError(`${p12Path}: ${e.message}`);
      throw e;
    }
    signed = await sign(signer);
  }
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, signed.pdf);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(`${out}: impossibile scrivere (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  printJson({
    out,
    bytes: signed.pdf.length,
    field: signed.fieldName,
    signature: `PAdES ${signed.level}`,
    signer: signed.signer.subject,
    signatures: before.signatures.length + 1,
  });
  return 0;
}
