import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Signature } from '../../shared/api/contract.ts';
import { contentHash } from '../../shared/canonical.ts';
import { IsoDateSchema } from '../../shared/domain.ts';
import { describeIssues } from '../../shared/inspection.ts';
import { loadInspection } from './check.ts';
import { CliError } from './errors.ts';
import { parse, printJson, readJsonFile } from './io.ts';
import { SIGNING_OPTIONS, signingChoice, withChosenSigner, writeAtomically } from './signing.ts';

export const usage = `Uso: vigilanza report FILE --out OUT.pdf [--p12 CHIAVE.p12 | --pkcs11 MODULO [--token ETICHETTA] [--key ETICHETTA]]
                        [--tsa URL] [--photos CARTELLA]
                        [--id ID] [--revision N] [--signatures FIRME.json] [--prescriptions PRESCRIZIONI.json]

Produce il referto PDF/A-2b di un file di ispezione (la Scheda di osservazione compilata, i rilievi
con gli articoli, le prescrizioni, le firme e le foto). Con --p12 o --pkcs11 lo firma digitalmente
(PAdES).

  --out FILE          PDF da scrivere (scritto solo a operazione riuscita)
  --p12 FILE          chiave e certificato del firmatario (PKCS#12); la passphrase si legge dalla
                      variabile VIGILANZA_P12_PASSPHRASE o, da terminale, con una richiesta senza eco
  --pkcs11 MODULO     firma con una smart card o un token: il modulo PKCS#11 del dispositivo
                      (es. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so); la chiave resta sul
                      dispositivo. Il PIN si legge da VIGILANZA_PIN o, da terminale, senza eco
  --token ETICHETTA   quale dispositivo, se ne sono inseriti più d'uno
  --key ETICHETTA     quale certificato (etichetta, CKA_ID esadecimale o impronta SHA-256), se il
                      dispositivo ne ha più d'uno adatto alla firma
  --tsa URL           servizio di marca temporale RFC 3161; se non risponde la firma resta PAdES B-B
  --photos CARTELLA   foto JPEG/PNG da allegare, in ordine di nome; "VOCE--didascalia.jpg" collega
                      la foto alla voce della Scheda (es. F.presidi.prese_protette--salone.jpg)
  --id ID             identificativo dell'ispezione (predefinito: derivato dall'impronta)
  --revision N        revisione (predefinita 1)
  --signatures FILE   firme autografe acquisite: JSON [{ signatory, name, strokes }]
  --prescriptions FILE prescrizioni: JSON [{ rule, text, deadline }]
  --reason TESTO      motivo della firma digitale (predefinito "Verbale di ispezione")
  --location TESTO    luogo della firma digitale

Uscita: 0 referto scritto; 2 dati o opzioni non validi, password o PIN errati, dispositivo di firma
assente o bloccato, file illeggibili.`;

const Prescriptions = z.array(
  z.strictObject({ rule: z.string().min(1), text: z.string().trim().min(1, 'testo mancante'), deadline: IsoDateSchema }),
);

function readJsonList<T>(path: string, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(readJsonFile(path));
  if (!parsed.success)
    throw new CliError(
      `${path}: ${what} non valide\n${describeIssues(parsed.error)
        .map((e) => `  ${e}`)
        .join('\n')}`,
    );
  return parsed.data;
}

function readPhotos(dir: string) {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`${dir}: --photos: non è una cartella`);
    names = readdirSync(dir).sort();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${dir}: --photos: cartella non trovata o illeggibile`);
  }
  return names
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .map((name) => {
      const stem = basename(name, extname(name));
      const sep = stem.indexOf('--');
      const itemId = sep > 0 ? stem.slice(0, sep) : null;
      const caption = (sep > 0 ? stem.slice(sep + 2) : stem).replace(/[_-]+/g, ' ').trim();
      return {
        caption,
        mime: /\.png$/i.test(name) ? ('image/png' as const) : ('image/jpeg' as const),
        bytes: new Uint8Array(readFileSync(join(dir, name))),
        itemId,
        name,
      };
    });
}

/**
 * What the report embeds for each photo: the same upright 8-bit sRGB rendition as the app's
 * (host/photos.ts: a CMYK JPEG would otherwise be embedded as device CMYK, not PDF/A-2b). The files
 * in the folder are not touched. A photo that does not decode stops here naming its file.
 */
async function renderedPhotos(photos: ReturnType<typeof readPhotos>) {
  const { reportRendition } = await import('../../host/photos.ts');
  const out = [];
  for (const p of photos) {
    const shown = await reportRendition(Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength), p.mime);
    if (!shown.ok) throw new CliError(`--photos: ${p.name}: ${shown.reason}`);
    out.push({ ...p, mime: shown.mime, bytes: new Uint8Array(shown.bytes) });
  }
  return out;
}

/** Reads a passphrase from the terminal without echoing it. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string', short: 'o' },
      ...SIGNING_OPTIONS,
      photos: { type: 'string' },
      id: { type: 'string' },
      revision: { type: 'string' },
      signatures: { type: 'string' },
      prescriptions: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
    },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`serve esattamente un FILE di ispezione\n\n${usage}`);
  const out = values.out as string | undefined;
  if (!out) throw new CliError(`--out: indicare il PDF da scrivere\n\n${usage}`);
  const revisionText = (values.revision as string | undefined) ?? '1';
  if (!/^[1-9]\d{0,5}$/.test(revisionText)) throw new CliError(`--revision: deve essere un intero ≥ 1 (trovato "${revisionText}")`);
  const choice = signingChoice(values, { required: false });
  const tsaUrl = choice.tsaUrl;
  try {
    if (statSync(dirname(resolve(out))).isDirectory() === false) throw new Error();
  } catch {
    throw new CliError(`--out: la cartella di ${out} non esiste`);
  }

  const file = loadInspection(positionals[0]!);
  const hash = contentHash(file);
  const signatures = values.signatures ? readJsonList(values.signatures as string, z.array(Signature), 'firme') : undefined;
  const prescriptions = values.prescriptions ? readJsonList(values.prescriptions as string, Prescriptions, 'prescrizioni') : undefined;
  const photos = values.photos ? await renderedPhotos(readPhotos(values.photos as string)) : undefined;

  const report = await import('../../report/index.ts');
  const produce = async (signer: import('../../report/index.ts').CmsSigner | undefined) => {
    let pdf: Buffer;
    try {
      pdf = await report.buildReport({
        file,
        inspectionId: (values.id as string | undefined) ?? `file-${hash.slice(0, 12)}`,
        revision: Number(revisionText),
        contentHash: hash,
        signatures,
        prescriptions,
        photos: photos?.map(({ name: _name, ...p }) => p),
        digitallySigned: Boolean(signer),
      });
    } catch (e) {
      if (e instanceof report.ReportInputError) {
        const photoIndex = /^photos\[(\d+)\]/.exec(e.message);
        const named =
          photoIndex && photos ? e.message.replace(/^photos\[\d+\]/, `--photos: ${photos[Number(photoIndex[1])]?.name}`) : e.message;
        throw new CliError(named);
      }
      throw e;
    }
    let level: string | null = null;
    let timestamp: unknown = null;
    if (signer) {
      const signed = await report.signPdfWith(pdf, signer, {
        tsaUrl,
        reason: (values.reason as string | undefined) ?? 'Verbale di ispezione',
        location: (values.location as string | undefined) ?? file.service.comune,
        signatory: report.signatoryFor(signer.commonName, signatures),
        onWarning: (m) => process.stderr.write(`vigilanza: attenzione: ${m}\n`),
      });
      pdf = signed.pdf;
      level = `PAdES ${signed.level}`;
      timestamp = signed.timestamp;
    } else if (tsaUrl) {
      process.stderr.write('vigilanza: attenzione: --tsa ignorato senza --p12 o --pkcs11 (nessuna firma da marcare)\n');
    }
    return { pdf, level, timestamp, subject: signer ? signer.subject : null };
  };

  // The key is opened (and the PIN or passphrase checked) before the report is built: a wrong one,
  // a locked or absent card stop everything before any output exists.
  const made = await withChosenSigner(choice, produce);
  const { pdf, level, timestamp } = made;
  writeAtomically(out, pdf);
  printJson({
    out,
    bytes: pdf.length,
    contentHash: hash,
    signed: Boolean(made.subject),
    signature: level,
    signer: made.subject,
    timestamp,
  });
  return 0;
}
