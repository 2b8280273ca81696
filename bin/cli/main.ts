/**
 * `vigilanza`: one entry point, each command loaded only when asked for, so that a quick
 * `vigilanza check` does not pay for the server, the database or the PDF engine.
 */
import { CliError } from './errors.ts';
import { runCommand } from './run.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  check: { summary: 'valuta un file di ispezione con le regole (uscita 0/1/2)', load: () => import('./check.ts') },
  schema: { summary: 'stampa lo JSON Schema del file di ispezione', load: () => import('./schema.ts') },
  checklist: { summary: 'stampa le voci della Scheda che si applicano', load: () => import('./checklist.ts') },
  territories: { summary: 'elenca i territori conosciuti (scheda e regole di ciascuno)', load: () => import('./territories.ts') },
  report: { summary: 'produce il referto PDF/A di un file di ispezione, firmato con --p12 o --pkcs11', load: () => import('./report.ts') },
  sign: {
    summary: 'aggiunge una firma digitale (--p12 o smart card --pkcs11) a un verbale già firmato',
    load: () => import('./sign.ts'),
  },
  augment: {
    summary: 'rende un verbale firmato verificabile nel tempo: stato di revoca e marca temporale del documento (PAdES B-LTA)',
    load: () => import('./augment.ts'),
  },
  verify: { summary: 'verifica le firme digitali di un PDF (uscita 0/1/2)', load: () => import('./verify.ts') },
  serve: { summary: "apre l'applicazione nel browser, solo su questo computer (127.0.0.1)", load: () => import('./serve.ts') },
  doctor: {
    summary: 'controlla una cartella dati: integrità, impronte, registro delle modifiche (uscita 0/1/2)',
    load: () => import('./doctor.ts'),
  },
  office: { summary: "server d'ufficio: ricezione, revisione e sincronizzazione delle ispezioni", load: () => import('./office.ts') },
};

/** Later modules register their commands here (serve, report, verify, office). */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `Vigilanza Nidi — strumenti a riga di comando

Uso: vigilanza COMANDO [opzioni]   (vigilanza COMANDO --help per i dettagli)

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for: stdout, exit 0. Missing command: a usage error, so stderr and exit 2.
    if (!name) {
      process.stderr.write(`${help()}\n`);
      return 2;
    }
    console.log(help());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`comando sconosciuto: ${name}\n\n${help()}`);
  const module = await command.load();
  return module.run(rest);
}

export async function runCli(argv: string[]): Promise<void> {
  await runCommand(() => main(argv));
}
