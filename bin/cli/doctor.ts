/**
 * `vigilanza doctor --data DIR [--json]`: checks a whole data folder for damage or tampering
 * (db/doctor.ts): SQLite's structure, every sealed revision against its hash, the audit chain
 * and the seals' heads, every photo and report against its SHA-256, the outbox's identities.
 * Exit 0 clean, 1 damage found (or the folder cannot be opened), 2 bad arguments.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './errors.ts';
import { parse, printJson } from './io.ts';

const USAGE = `Uso: vigilanza doctor --data CARTELLA [--json]

Controlla una cartella dati di Vigilanza Nidi: struttura del database SQLite, ogni revisione
sigillata contro la sua impronta, la catena del registro delle modifiche e i sigilli che vi sono
registrati, ogni foto e verbale contro la sua impronta SHA-256, la coda di invio all'ufficio.
Serve il file chiave della cartella (vigilanza.key). Il controllo non modifica nulla: una
cartella di una versione precedente va prima aperta una volta con l'applicazione, che la aggiorna.

  --data CARTELLA  cartella dei dati
  --json           stampa il resoconto in JSON

Uscita: 0 nessun problema, 1 danni o alterazioni trovati, 2 argomenti non validi.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${USAGE}`);
  if (!values.data) throw new CliError(`--data: indicare la cartella dei dati\n\n${USAGE}`);
  const dir = resolve(values.data);
  const [{ DB_FILE, Store }, { fileKeyProvider, KEY_FILE }, { checkDataFolder, needsUpgradeBeforeCheck }] = await Promise.all([
    import('../../db/store.ts'),
    import('../../host/keys.ts'),
    import('../../db/doctor.ts'),
  ]);
  if (!existsSync(join(dir, DB_FILE)))
    throw new CliError(`--data ${values.data}: nessun database di Vigilanza Nidi (${DB_FILE}) in questa cartella`);
  if (!existsSync(join(dir, KEY_FILE)))
    throw new CliError(
      `--data ${values.data}: manca il file chiave ${KEY_FILE}: senza la chiave i file sigillati non si possono controllare`,
    );
  let upgrade: string | null;
  try {
    upgrade = needsUpgradeBeforeCheck(join(dir, DB_FILE));
  } catch (e) {
    throw new CliError(`--data ${values.data}: impossibile aprire il database: ${(e as Error).message}`, 1);
  }
  if (upgrade)
    throw new CliError(
      `--data ${values.data}: ${upgrade}: aprire la cartella una volta con l'applicazione per aggiornarla, poi ripetere il controllo (il controllo non modifica i dati)`,
    );
  let store;
  try {
    store = Store.open(dir, { keyProvider: fileKeyProvider(dir, { create: false }) });
  } catch (e) {
    throw new CliError(`--data ${values.data}: impossibile aprire il database: ${(e as Error).message}`, 1);
  }
  try {
    const report = checkDataFolder(store);
    if (values.json) printJson({ ok: report.problems.length === 0, ...report });
    else {
      const c = report.checked;
      const lines = [
        `Cartella dati: ${dir}`,
        `Controllati: ${c.sealedRevisions} revisioni sigillate, ${c.auditEntries} voci del registro, ${c.blobs} file (foto e verbali), ${c.outbox} voci della coda di invio.`,
        report.problems.length ? `Problemi trovati: ${report.problems.length}` : 'Nessun problema: i dati sono integri.',
        ...report.problems.map((p) => `  - ${p.message}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.problems.length ? 1 : 0;
  } finally {
    store.close();
  }
}
