/**
 * The digital-signature options that `vigilanza report` and `vigilanza sign` share: which signer
 * (a PKCS#12 file or a PKCS#11 device), the timestamp authority, how the key is opened, and how the
 * signed PDF is written. One home, so both commands refuse the same mistakes with the same words.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { CmsSigner } from '../../report/index.ts';
import { CliError } from './errors.ts';

async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolvePromise(text);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('annullato', 130));
          return;
        }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The PKCS#12 passphrase: from VIGILANZA_P12_PASSPHRASE, else asked on the terminal without echo. */
export async function passphrase(): Promise<string> {
  const fromEnv = process.env.VIGILANZA_P12_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) return promptHidden('Passphrase del file PKCS#12: ');
  throw new CliError('--p12: passphrase mancante: impostare VIGILANZA_P12_PASSPHRASE o eseguire da un terminale');
}

/** The device's PIN: from VIGILANZA_PIN, else asked on the terminal; never stored. */
export async function tokenPin(): Promise<string> {
  const fromEnv = process.env.VIGILANZA_PIN;
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) return promptHidden('PIN del dispositivo di firma: ');
  throw new CliError('--pkcs11: PIN mancante: impostare VIGILANZA_PIN o eseguire da un terminale');
}

/** The `parseArgs` options of a signature. */
export const SIGNING_OPTIONS = {
  p12: { type: 'string' },
  pkcs11: { type: 'string' },
  token: { type: 'string' },
  key: { type: 'string' },
  tsa: { type: 'string' },
} as const;

export interface SigningChoice {
  p12Path?: string;
  device?: { modulePath: string; token?: string; key?: string };
  tsaUrl?: string;
}

/** Checks the signature options; `required`: the command cannot work without a signer. */
export function signingChoice(values: Record<string, unknown>, { required }: { required: boolean }): SigningChoice {
  const p12Path = values.p12 as string | undefined;
  const modulePath = values.pkcs11 as string | undefined;
  if (p12Path !== undefined && modulePath !== undefined)
    throw new CliError('--p12 e --pkcs11 insieme: indicare una sola firma digitale (file PKCS#12 o dispositivo)');
  if (required && p12Path === undefined && modulePath === undefined)
    throw new CliError('indicare una firma digitale: --p12 CHIAVE.p12 oppure --pkcs11 MODULO (una sola)');
  if (modulePath === undefined && (values.token !== undefined || values.key !== undefined))
    throw new CliError(`${values.token !== undefined ? '--token' : '--key'}: vale solo con --pkcs11 MODULO`);
  if (modulePath !== undefined && !modulePath.trim()) throw new CliError('--pkcs11: indicare il percorso del modulo PKCS#11');
  const tsaUrl = values.tsa as string | undefined;
  if (tsaUrl !== undefined && !/^https?:\/\/\S+$/i.test(tsaUrl))
    throw new CliError(`--tsa: URL non valido "${tsaUrl}" (atteso http:// o https://)`);
  return {
    p12Path,
    device:
      modulePath === undefined
        ? undefined
        : { modulePath, token: values.token as string | undefined, key: values.key as string | undefined },
    tsaUrl,
  };
}

/** A file the user named, or an Italian message naming it and the option (`what`). */
export function readNamedFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: ${what}: ${code === 'ENOENT' ? 'file non trovato' : code === 'EISDIR' ? 'è una cartella, non un file' : `impossibile leggere (${code})`}`,
    );
  }
}

/**
 * Opens the chosen signer and runs `use` with it (undefined: no signature chosen). The key is opened
 * and the PIN or passphrase checked before `use` runs: a wrong one, a locked or absent card stop
 * everything before any output exists. A device's session stays open only while `use` runs.
 */
export async function withChosenSigner<T>(choice: SigningChoice, use: (signer: CmsSigner | undefined) => Promise<T>): Promise<T> {
  const report = await import('../../report/index.ts');
  if (choice.device) {
    const pkcs11 = await import('../../report/pkcs11.ts');
    const pin = await tokenPin();
    try {
      return await pkcs11.withTokenSigner({ ...choice.device, pin }, use);
    } catch (e) {
      if (e instanceof pkcs11.Pkcs11Error) throw new CliError(`--pkcs11: ${e.message}`);
      throw e;
    }
  }
  if (choice.p12Path === undefined) return use(undefined);
  const p12 = readNamedFile(choice.p12Path, '--p12');
  let signer: CmsSigner;
  try {
    signer = await report.loadP12(p12, await passphrase());
  } catch (e) {
    if (e instanceof report.P12PassphraseError || e instanceof report.P12FormatError) throw new CliError(`${choice.p12Path}: ${e.message}`);
    throw e;
  }
  return use(signer);
}

/** Writes next to the target and renames: a reader never sees half a PDF. */
export function writeAtomically(out: string, bytes: Uint8Array): void {
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(`${out}: impossibile scrivere (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
