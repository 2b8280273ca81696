/**
 * `vigilanza office …`: the office sync server and its accounts.
 *   serve          runs the server (sync API + review workspace)
 *   add-inspector  creates an inspector and a device token (printed on the last line)
 *   add-clerk      creates or updates an office clerk's password (and role: --reviewer, --comune)
 *   census         the regional census: check, export, import (shared/census, office/census.ts)
 *   pairing-code   prints a one-time pairing code for an inspector's laptop
 *   plan           prints the visits proposed for a period (Art. 17, Art. 15), saving nothing
 *   demo           fills a new office folder with demo registry, people and a year of visits
 *   renew-timestamps  new document timestamps for archived reports whose last one's TSA certificate expires soon
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CliError } from './errors.ts';
import type { OfficeStore } from '../../office/storage/store.ts';
import { isIsoDate, parseItalianDate } from '../../shared/dates.ts';
import { parse, printJson } from './io.ts';
import { DEFAULT_TERRITORY_ID, TERRITORIES } from '../../shared/territories/index.ts';

const TERRITORY_CHOICES = `${[...TERRITORIES.keys()].join(' | ')}; predefinito: ${DEFAULT_TERRITORY_ID}`;

export const usage = `Uso: vigilanza office SOTTOCOMANDO [opzioni]

  serve --data DIR [--port N] [--host IP] [--database URL] [--tls-cert F --tls-key F] [--ca-pem F] [--territory T] [--tsa URL]
              [--smtp URL] [--mail-from INDIRIZZO]
        avvia il server d'ufficio e stampa una riga con il suo indirizzo (http://127.0.0.1:PORTA);
        --territory: il territorio di cui l'ufficio applica il regolamento (${TERRITORY_CHOICES}),
        registrato al primo avvio; un avvio successivo con un altro territorio è rifiutato
        --tsa: porta ogni verbale firmato ricevuto a PAdES B-LTA (in background, ritentando)
        --smtp smtp://utente:password@host:porta (o smtps://… per TLS, per esempio una casella PEC):
        invia avvisi alle commissioni, prescrizioni ai servizi e verbali respinti agli ispettori;
        senza --smtp i messaggi sono registrati in «Posta inviata» come non inviabili.
        --mail-from INDIRIZZO: il mittente (predefinito: l'utente di --smtp, se è un indirizzo)
  renew-timestamps --data DIR [--database URL] [--tsa URL] [--before DATA] [--ca-pem F]
        aggiunge una nuova marca temporale del documento ai verbali archiviati la cui ultima marca
        è di un'autorità con certificato in scadenza prima di DATA (aaaa-mm-gg; predefinito: fra un
        anno); senza --tsa elenca soltanto quelli da rinnovare
  add-inspector --data DIR [--database URL] NOME
        crea un ispettore e un token di dispositivo (stampato sull'ultima riga)
  pairing-code --data DIR [--database URL] NOME
        stampa un codice di associazione monouso (10 minuti) per il portatile dell'ispettore
  add-clerk --data DIR [--database URL] [--reviewer | --comune COMUNE] [--email INDIRIZZO] NOME
        crea un operatore d'ufficio (o ne cambia la password): password da VIGILANZA_CLERK_PASSWORD
        o chiesta al terminale; --reviewer: revisore zonale o regionale della rilevazione (vede solo
        la rilevazione); --comune: utente del Comune, che compila e invia solo le schede del proprio Comune;
        --email: l'indirizzo a cui l'ufficio scrive (le indicazioni di correzione di una scheda respinta;
        vuoto: lo rimuove)
  census check --data DIR [--database URL] --campaign ID
        stampa ogni controllo non superato delle schede SERVIZI e INTERVENTI, per Comune (esce con 1 se ce n'è)
  census export --data DIR [--database URL] --campaign ID --format csv|xlsx|json [--sheet servizi|interventi] [--out FILE]
        esporta le schede validate per il sistema regionale (CSV: una scheda, --sheet, predefinita servizi)
  census import --data DIR [--database URL] --file F.csv|F.xlsx
        registra le frequenze mensili dal file dei servizi (colonne Servizio, Mese, Frequentanti);
        un errore per riga sbagliata, e allora nulla è salvato
  plan --data DIR [--database URL] --from DATA --to DATA [--json]
        stampa il piano proposto per il periodo (una visita per struttura ancora dovuta, Art. 17,
        con la commissione dell'Art. 15 e i conflitti); non salva nulla
  demo --data DIR [--database URL]
        riempie una cartella d'ufficio nuova con registro, persone e un anno di visite dimostrativi

--data DIR       cartella dei dati (database SQLite e allegati; con --database solo gli allegati)
--database URL   postgres://utente@host:porta/database invece di SQLite
DATA             aaaa-mm-gg oppure gg/mm/aaaa`;

const COMMON = { data: { type: 'string' }, database: { type: 'string' } } as const;

function requireData(values: { data?: string }): string {
  if (!values.data) throw new CliError(`--data: serve la cartella dei dati\n\n${usage}`);
  return values.data;
}

async function store(values: { data?: string; database?: string }) {
  const { openStore } = await import('../../office/server.ts');
  try {
    return await openStore(requireData(values), values.database);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`database: ${(e as Error).message}`);
  }
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.VIGILANZA_CLERK_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
  // Hide what is typed on a terminal.
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  if (process.stdin.isTTY) output._writeToOutput = () => undefined;
  process.stderr.write('Password: ');
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/** An RFC 3161 authority's address: http(s) only. */
function tsaUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--tsa: indirizzo non valido: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--tsa: serve un indirizzo http:// o https://');
  return value;
}

function readPem(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`--ca-pem: impossibile leggere ${path}`);
  }
}

async function serve(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...COMMON,
      port: { type: 'string' },
      host: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'ca-pem': { type: 'string' },
      territory: { type: 'string' },
      tsa: { type: 'string' },
      smtp: { type: 'string' },
      'mail-from': { type: 'string' },
    },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  const dataDir = requireData(values);
  const tsa = tsaUrl(values.tsa);
  const { emailProblem, smtpUrlProblem } = await import('../../office/mail.ts');
  if (values.smtp !== undefined) {
    const problem = smtpUrlProblem(values.smtp);
    if (problem) throw new CliError(problem);
  }
  if (values['mail-from'] !== undefined) {
    if (values.smtp === undefined) throw new CliError('--mail-from: serve anche --smtp (il server di posta da cui inviare)');
    const problem = emailProblem(values['mail-from']);
    if (problem) throw new CliError(`--mail-from: ${problem}`);
  }
  const port = values.port === undefined ? 8470 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port: serve un numero da 0 a 65535');
  if (!!values['tls-cert'] !== !!values['tls-key']) throw new CliError('--tls-cert e --tls-key vanno indicati insieme');
  for (const f of ['tls-cert', 'tls-key', 'ca-pem'] as const) {
    if (values[f]) {
      try {
        readFileSync(values[f]!);
      } catch {
        throw new CliError(`--${f}: impossibile leggere ${values[f]}`);
      }
    }
  }
  if (values.territory !== undefined && !TERRITORIES.has(values.territory))
    throw new CliError(`--territory: territorio sconosciuto "${values.territory}" (disponibili: ${[...TERRITORIES.keys()].join(', ')})`);
  const { createOfficeServer } = await import('../../office/server.ts');
  let server;
  try {
    server = await createOfficeServer({
      dataDir,
      databaseUrl: values.database,
      tls: values['tls-cert'] ? { cert: values['tls-cert'], key: values['tls-key']! } : undefined,
      caPem: values['ca-pem'] ? readFileSync(values['ca-pem'], 'utf8') : undefined,
      territory: values.territory,
      tsaUrl: tsa,
      smtpUrl: values.smtp,
      mailFrom: values['mail-from'],
    });
  } catch (e) {
    throw new CliError(`avvio non riuscito: ${(e as Error).message}`);
  }
  let url: string;
  try {
    url = await server.listen(port, values.host ?? '127.0.0.1');
  } catch (e) {
    await server.close();
    throw new CliError(`--port: impossibile mettersi in ascolto (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  process.stdout.write(`${url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

async function addInspector(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON }, usage);
  if (values.help) return (console.log(usage), 0);
  if (positionals.length !== 1) throw new CliError(`serve esattamente un NOME di ispettore\n\n${usage}`);
  const { newDeviceToken, sha256Text } = await import('../../office/security.ts');
  const { UserError } = await import('../../office/storage/store.ts');
  const s = await store(values);
  try {
    const inspector = await s.createInspector(positionals[0]!);
    const token = newDeviceToken();
    await s.addDevice(inspector.id, sha256Text(token), 'creato da riga di comando');
    process.stdout.write(`Ispettore: ${inspector.name} (${inspector.id})\nToken del dispositivo (mostrato una sola volta):\n${token}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UserError) throw new CliError(`NOME: ${e.message}`);
    throw e;
  } finally {
    await s.close();
  }
}

async function pairingCode(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON }, usage);
  if (values.help) return (console.log(usage), 0);
  if (positionals.length !== 1) throw new CliError(`serve esattamente un NOME di ispettore\n\n${usage}`);
  const { newPairingCode, sha256Text, PAIRING_CODE_TTL_MS } = await import('../../office/security.ts');
  const s = await store(values);
  try {
    const inspector = await s.createInspector(positionals[0]!);
    const code = newPairingCode();
    await s.createPairingCode(inspector.id, sha256Text(code), new Date(Date.now() + PAIRING_CODE_TTL_MS).toISOString());
    process.stdout.write(`Codice di associazione per ${inspector.name} (valido 10 minuti, una volta):\n${code}\n`);
    return 0;
  } finally {
    await s.close();
  }
}

async function addClerk(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...COMMON, reviewer: { type: 'boolean' }, comune: { type: 'string' }, email: { type: 'string' } },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  if (positionals.length !== 1) throw new CliError(`serve esattamente un NOME di operatore\n\n${usage}`);
  if (values.reviewer && values.comune !== undefined) throw new CliError('--reviewer, --comune: indicare uno solo dei due');
  if (values.comune !== undefined && !values.comune.trim()) throw new CliError('--comune: serve il nome del Comune');
  const email = values.email?.trim();
  if (email !== undefined) {
    const { emailProblem } = await import('../../office/mail.ts');
    const problem = email ? emailProblem(email) : null;
    if (problem) throw new CliError(`--email: ${problem}`);
  }
  const access = values.reviewer
    ? ({ role: 'reviewer' } as const)
    : values.comune !== undefined
      ? ({ role: 'comune', comune: values.comune } as const)
      : undefined;
  const { hashPassword, MIN_PASSWORD_LENGTH } = await import('../../office/security.ts');
  requireData(values);
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) throw new CliError(`password: servono almeno ${MIN_PASSWORD_LENGTH} caratteri`);
  const s = await store(values);
  try {
    const r = await s.createClerk(positionals[0]!, await hashPassword(password), access, email);
    const role =
      access?.role === 'reviewer'
        ? ' (revisore della rilevazione)'
        : access?.role === 'comune'
          ? ` (utente del Comune di ${access.comune.trim()})`
          : '';
    process.stdout.write(
      (r.created ? `Operatore creato: ${positionals[0]!.trim()}${role}` : `Password aggiornata: ${positionals[0]!.trim()}${role}`) +
        (email ? `, e-mail ${email}\n` : email === '' ? ', e-mail rimossa\n' : '\n'),
    );
    return 0;
  } finally {
    await s.close();
  }
}

/** A date option, ISO or as an Italian clerk types it. */
function dateOption(name: string, text: string | undefined): string {
  if (text === undefined) throw new CliError(`--${name}: serve una data (aaaa-mm-gg oppure gg/mm/aaaa)\n\n${usage}`);
  if (isIsoDate(text)) return text;
  const r = parseItalianDate(text);
  if (!r.ok) throw new CliError(`--${name}: ${r.message}`);
  if (!r.date) throw new CliError(`--${name}: serve una data (aaaa-mm-gg oppure gg/mm/aaaa)`);
  return r.date;
}

async function planning(s: OfficeStore) {
  const { PlanningStore } = await import('../../office/storage/planning.ts');
  const { getTerritory, DEFAULT_TERRITORY_ID } = await import('../../shared/territories/index.ts');
  // The territory `serve` recorded (office migration 8); a folder never served yet is the Zona's, as `serve` would make it.
  const id = (await s.territory()) ?? DEFAULT_TERRITORY_ID;
  const territory = getTerritory(id);
  if (!territory)
    throw new CliError(`il database d'ufficio applica il territorio «${id}», che questo programma non conosce: aggiornare il programma`);
  return new PlanningStore(s.db, territory);
}

async function plan(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...COMMON, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  requireData(values);
  const from = dateOption('from', values.from);
  const to = dateOption('to', values.to);
  const { PlanInputError } = await import('../../shared/planning.ts');
  const { officePlan, planJson, planText } = await import('../../office/planning.ts');
  const s = await store(values);
  try {
    const result = await officePlan(s, await planning(s), from, to);
    if (values.json) printJson(planJson(result));
    else process.stdout.write(planText(result));
    return 0;
  } catch (e) {
    if (e instanceof PlanInputError) throw new CliError(`--${e.field}: ${e.message}`);
    throw e;
  } finally {
    await s.close();
  }
}

async function demo(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON }, usage);
  if (values.help) return (console.log(usage), 0);
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  requireData(values);
  const { seedOfficeDemo } = await import('../../office/demo.ts');
  const { UserError } = await import('../../office/storage/store.ts');
  const s = await store(values);
  try {
    const { isoToday, systemClock } = await import('../../host/clock.ts');
    const today = isoToday(systemClock);
    const r = await seedOfficeDemo(s, await planning(s), today);
    process.stdout.write(
      `Dati dimostrativi creati: ${r.services} servizi, ${r.people} persone, ${r.visits} visite dell'ultimo anno (tutti marcati DEMO).\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UserError) throw new CliError(`--data: ${e.message}`);
    throw e;
  } finally {
    await s.close();
  }
}

/** `--before aaaa-mm-gg` (a real calendar day) as the instant it starts, UTC; without it, `defaultHorizon`. */
function beforeDate(value: string | undefined, defaultHorizon: string): string {
  if (value === undefined) return defaultHorizon;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== value)
    throw new CliError(`--before: serve una data aaaa-mm-gg esistente, non «${value}»`);
  return d.toISOString();
}

async function renewTimestamps(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...COMMON, tsa: { type: 'string' }, before: { type: 'string' }, 'ca-pem': { type: 'string' } },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  const dataDir = requireData(values);
  const tsa = tsaUrl(values.tsa);
  const caPem = readPem(values['ca-pem']);
  const { renewalHorizon } = await import('../../office/storage/store.ts');
  const before = beforeDate(values.before, renewalHorizon(new Date()));
  const s = await store(values);
  try {
    const due = await s.renewalsDue(before);
    const day = before.slice(0, 10);
    if (!tsa) {
      process.stdout.write(`Marche temporali da rinnovare (certificato dell'autorità in scadenza prima del ${day}): ${due.length}\n`);
      for (const r of due) process.stdout.write(`  ${r.inspectionId} revisione ${r.revision}: scade il ${r.timestampExpiresAt}\n`);
      if (due.length) process.stdout.write('Indicare --tsa URL per rinnovarle.\n');
      return 0;
    }
    const { BlobStore } = await import('../../office/blobs.ts');
    const { LongTermValidation } = await import('../../office/long-term.ts');
    const job = new LongTermValidation({ store: s, blobs: new BlobStore(dataDir), tsaUrl: tsa, caPem, pollMs: 0 });
    const outcome = await job.renew(before);
    process.stdout.write(`Marche temporali rinnovate: ${outcome.renewed.length} di ${due.length}\n`);
    for (const f of outcome.failed) process.stderr.write(`  ${f.record.inspectionId} revisione ${f.record.revision}: ${f.reason}\n`);
    const still = await s.countRenewalsDue(before);
    if (still > outcome.failed.length)
      process.stdout.write(
        `Attenzione: ${still - outcome.failed.length} nuove marche scadono ancora prima del ${day}: il certificato di questa autorità non dura di più\n`,
      );
    return outcome.failed.length ? 1 : 0;
  } finally {
    await s.close();
  }
}

async function census(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') return (console.log(usage), 0);
  if (action !== 'check' && action !== 'export' && action !== 'import')
    throw new CliError(`census: indicare check, export oppure import${action ? ` (non «${action}»)` : ''}\n\n${usage}`);
  const { values, positionals } = parse(
    rest,
    {
      ...COMMON,
      campaign: { type: 'string' },
      format: { type: 'string' },
      sheet: { type: 'string' },
      out: { type: 'string' },
      file: { type: 'string' },
    },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  if (positionals.length) throw new CliError(`argomento inatteso: ${positionals[0]}\n\n${usage}`);
  requireData(values);
  const { CAMPAIGNS, getCampaign } = await import('../../shared/census/index.ts');
  const { CensusStore } = await import('../../office/storage/census.ts');
  const office = await import('../../office/census.ts');
  let campaign: ReturnType<typeof getCampaign>;
  if (action !== 'import') {
    if (!values.campaign) throw new CliError(`--campaign: serve l'identificativo della rilevazione (${[...CAMPAIGNS.keys()].join(', ')})`);
    campaign = getCampaign(values.campaign);
    if (!campaign)
      throw new CliError(`--campaign: rilevazione sconosciuta «${values.campaign}» (disponibili: ${[...CAMPAIGNS.keys()].join(', ')})`);
  }
  let format = 'json' as (typeof office.EXPORT_FORMATS)[number];
  if (action === 'export') {
    if (!values.format || !(office.EXPORT_FORMATS as readonly string[]).includes(values.format))
      throw new CliError(`--format: indicare csv, xlsx oppure json`);
    format = values.format as typeof format;
    if (values.sheet !== undefined && values.sheet !== 'servizi' && values.sheet !== 'interventi')
      throw new CliError('--sheet: indicare servizi oppure interventi');
    if (format === 'xlsx' && !values.out && process.stdout.isTTY)
      throw new CliError('--out: un file XLSX non si stampa sul terminale: indicare --out FILE');
  }
  let bytes: Buffer | undefined;
  if (action === 'import') {
    if (!values.file) throw new CliError('--file: serve il file CSV o XLSX delle frequenze');
    try {
      bytes = readFileSync(values.file);
    } catch {
      throw new CliError(`--file: impossibile leggere ${values.file}`);
    }
  }
  const s = await store(values);
  try {
    const cs = new CensusStore(s.db);
    if (action === 'check') {
      const { lines, failing } = await office.censusCheckLines(cs, campaign!);
      for (const line of lines) process.stdout.write(`${line}\n`);
      process.stdout.write(failing ? `Controlli non superati: ${failing}\n` : 'Tutti i controlli sono superati.\n');
      return failing ? 1 : 0;
    }
    if (action === 'import') {
      const all = (await Promise.all((await cs.comuni()).map((c) => cs.registryOf(s.db, c)))).flat();
      const parsed = await office.parseAttendanceFile(bytes!, values.file!, all);
      if (parsed.errors.length) {
        for (const e of parsed.errors) process.stderr.write(`${e}\n`);
        throw new CliError(
          `--file: ${parsed.errors.length === 1 ? 'una riga sbagliata' : `${parsed.errors.length} righe sbagliate`}, nulla è stato salvato`,
        );
      }
      await cs.recordAttendance(parsed.rows, 'importazione', { clerkId: null, name: 'riga di comando', role: 'office', comune: null });
      process.stdout.write(`Frequenze registrate: ${parsed.rows.length}\n`);
      return 0;
    }
    const e = await office.censusExport(cs, campaign!);
    const output =
      format === 'csv'
        ? Buffer.from(office.exportCsv(e, (values.sheet ?? 'servizi') as 'servizi' | 'interventi'))
        : format === 'xlsx'
          ? await office.exportXlsx(e)
          : Buffer.from(office.exportJson(e));
    if (values.out) {
      const { writeFileSync } = await import('node:fs');
      try {
        writeFileSync(values.out, output);
      } catch (err) {
        throw new CliError(`--out: impossibile scrivere ${values.out}: ${(err as Error).message}`);
      }
    } else process.stdout.write(output);
    return 0;
  } finally {
    await s.close();
  }
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  census,
  'renew-timestamps': renewTimestamps,
  serve,
  'add-inspector': addInspector,
  'add-clerk': addClerk,
  'pairing-code': pairingCode,
  plan,
  demo,
};

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub) throw new CliError(`manca il SOTTOCOMANDO\n\n${usage}`);
  if (sub === '--help' || sub === '-h') {
    console.log(usage);
    return 0;
  }
  const handler = SUBCOMMANDS[sub];
  if (!handler) throw new CliError(`sottocomando sconosciuto: ${sub}\n\n${usage}`);
  return handler(rest);
}
