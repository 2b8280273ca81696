/**
 * «Rilevazione»: the regional census of early-childhood services (issue 15, shared/census). The
 * campaigns, the dashboard of a campaign (per Comune the sheets' states, the days to the deadline,
 * the services whose data are missing), and each Comune's SERVIZI and INTERVENTI sheet with its
 * checks, its validation cycle (send, validate, reject with notes) and its history.
 */
import type { ReactElement } from 'react';
import {
  averageCents,
  formatCents,
  formatEuro,
  monthLabel,
  OWNERSHIP_LABELS,
  SERVICE_STATUS_LABELS,
  SHEET_ACTION_LABELS,
  SHEET_LABELS,
  SHEET_STATE_LABELS,
  spanMonths,
  type Campaign,
  type CampaignAction,
  type CensusService,
  type ProgrammedAction,
  type Problem,
  type SheetKind,
  type SheetState,
} from '../../shared/census/index.ts';
import { formatItalianDate } from '../../shared/dates.ts';
import type { ComuneCensus, CensusEvent } from '../storage/census.ts';
import { formatInstant } from './context.ts';
import { Field } from './Field.tsx';

export const censusHref = (campaign: Campaign, comune?: string, kind?: SheetKind) =>
  `/rilevazione/${encodeURIComponent(campaign.id)}${comune ? `/comuni/${encodeURIComponent(comune)}${kind ? `/${kind}` : ''}` : ''}`;

/** The inputs of a service missing from the list: the campaign names each field (`missingServiceFields`). */
const MISSING_SERVICE_INPUTS: Array<{
  field: keyof Campaign['missingServiceFields'];
  name: string;
  hint?: string;
  inputMode?: 'numeric' | 'decimal';
}> = [
  { field: 'denominazione', name: 'n.denominazione' },
  { field: 'indirizzo', name: 'n.indirizzo' },
  { field: 'titoloAutorizzativo', name: 'n.titolo' },
  { field: 'titolare', name: 'n.titolare' },
  { field: 'gestore', name: 'n.gestore' },
  { field: 'capacita', name: 'n.capacita', inputMode: 'numeric' },
  { field: 'frequentanti', name: 'n.frequentanti', hint: '(media nel periodo, es. 12,50)', inputMode: 'decimal' },
];

const Csrf = ({ csrf }: { csrf: string }) => <input type="hidden" name="_csrf" value={csrf} />;

function deadlineText(days: number): string {
  if (days > 1) return `${days} giorni alla scadenza`;
  if (days === 1) return '1 giorno alla scadenza';
  if (days === 0) return 'scade oggi';
  return `scaduta da ${-days} ${days === -1 ? 'giorno' : 'giorni'}`;
}

function CampaignSummary({ campaign, daysLeft }: { campaign: Campaign; daysLeft: number }): ReactElement {
  return (
    <dl className="summary">
      <dt>Rilevazione</dt>
      <dd>
        {campaign.region}, {campaign.name} (versione {campaign.version})
      </dd>
      <dt>Periodo dei frequentanti</dt>
      <dd>
        dal {formatItalianDate(campaign.periodStart)} al {formatItalianDate(campaign.periodEnd)}
      </dd>
      <dt>Avvio</dt>
      <dd>{formatItalianDate(campaign.openingDate)}</dd>
      <dt>Scadenza</dt>
      <dd>
        {formatItalianDate(campaign.deadline)} ({deadlineText(daysLeft)})
      </dd>
      <dt>Fonte</dt>
      <dd>{campaign.source}</dd>
    </dl>
  );
}

export function CensusHome({ campaigns }: { campaigns: Campaign[] }): ReactElement {
  return (
    <ul>
      {campaigns.map((c) => (
        <li key={c.id}>
          <a href={censusHref(c)}>
            {c.region}: {c.name}
          </a>{' '}
          (scadenza {formatItalianDate(c.deadline)})
        </li>
      ))}
    </ul>
  );
}

export interface DashboardRow {
  comune: string;
  servizi: SheetState;
  interventi: SheetState;
  problems: number;
  /** Active services whose average cannot be computed (Art. 11 c.2 b: the Comune risks the funds). */
  missing: string[];
}

export function CensusDashboard({
  campaign,
  rows,
  daysLeft,
}: {
  campaign: Campaign;
  rows: DashboardRow[];
  daysLeft: number;
}): ReactElement {
  const at = censusHref(campaign);
  return (
    <>
      <CampaignSummary campaign={campaign} daysLeft={daysLeft} />
      <h2>Comuni</h2>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>Comune</th>
              <th>Scheda SERVIZI</th>
              <th>Scheda INTERVENTI</th>
              <th>Controlli non superati</th>
              <th>Servizi senza dati (rischio art. 11 c.2 lett. b)</th>
              <th>Scadenza</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.comune} data-testid="census-row">
                <td>
                  <a href={censusHref(campaign, r.comune, 'servizi')}>{r.comune}</a>
                </td>
                <td>{SHEET_STATE_LABELS[r.servizi]}</td>
                <td>{SHEET_STATE_LABELS[r.interventi]}</td>
                <td className={r.problems ? 'fail' : 'pass'}>{r.problems}</td>
                <td>{r.missing.length ? r.missing.join(', ') : '—'}</td>
                <td>{r.servizi === 'validata' && r.interventi === 'validata' ? 'completata' : deadlineText(daysLeft)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessun Comune nel registro dei servizi.</p>
      )}
      <h2>Esportazione delle schede validate</h2>
      <ul>
        <li>
          <a href={`${at}/export.csv?scheda=servizi`}>SERVIZI (CSV)</a>
        </li>
        <li>
          <a href={`${at}/export.csv?scheda=interventi`}>INTERVENTI (CSV)</a>
        </li>
        <li>
          <a href={`${at}/export.xlsx`}>Entrambe le schede (XLSX)</a>
        </li>
        <li>
          <a href={`${at}/export.json`}>Entrambe le schede (JSON)</a>
        </li>
      </ul>
    </>
  );
}

export interface SheetPageProps {
  census: ComuneCensus;
  kind: SheetKind;
  csrf: string;
  daysLeft: number;
  /** The clerk fills and sends (office or the Comune's user) / decides (office or reviewer) / sets CPT. */
  canFill: boolean;
  canDecide: boolean;
  /** Recorded attendance per registry service (aaaa-mm → children), for the SERVIZI form. */
  attendance: Map<string, Map<string, number>>;
  events: CensusEvent[];
  error?: string;
  /** A dashboard to go back to (not for a Comune's user). */
  back: boolean;
}

function Problems({ problems }: { problems: Problem[] }): ReactElement {
  if (!problems.length)
    return (
      <p className="pass" data-testid="census-checks">
        Tutti i controlli della scheda sono superati.
      </p>
    );
  return (
    <div className="error" role="alert" data-testid="census-checks">
      <p>
        {problems.length === 1 ? 'Un controllo non superato' : `${problems.length} controlli non superati`}: la scheda non può essere
        inviata in validazione.
      </p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>{p.message}</li>
        ))}
      </ul>
    </div>
  );
}

function average(s: CensusService): string {
  const a = s.attendance;
  if (a.kind === 'given') return formatCents(a.cents);
  if (a.kind === 'average') return `${formatCents(averageCents(a.average))} (su ${a.days} giorni)`;
  if (a.kind === 'missing') return `mancano ${a.missing.map(monthLabel).join(', ')}`;
  return '—';
}

function ServiziForm({
  census,
  editable,
  attendance,
}: {
  census: ComuneCensus;
  editable: boolean;
  attendance: Map<string, Map<string, number>>;
}) {
  const c = census.campaign;
  return (
    <>
      {census.services.map((s) => {
        const id = s.ref;
        const entry = census.servizi.data.entries.find((e) => e.serviceId === id);
        const recorded = attendance.get(id);
        const a = s.attendance;
        const months = a.kind === 'average' || a.kind === 'missing' ? spanMonths(a.span) : [];
        return (
          <fieldset key={id} data-testid="census-service">
            <legend>
              {s.denominazione}
              {s.added ? ' (aggiunto dal Comune)' : ''}
            </legend>
            <dl className="summary">
              <dt>Indirizzo</dt>
              <dd>{s.indirizzo || '—'}</dd>
              <dt>Titolo autorizzativo</dt>
              <dd>{s.titoloAutorizzativo}</dd>
              <dt>Capacità ricettiva</dt>
              <dd>{s.capacita}</dd>
              <dt>Frequentanti (media)</dt>
              <dd data-testid="census-average">{average(s)}</dd>
              {a.kind === 'average' || a.kind === 'missing' ? (
                <>
                  <dt>Periodo della media</dt>
                  <dd>
                    dal {formatItalianDate(a.span.from)} al {formatItalianDate(a.span.to)}
                  </dd>
                </>
              ) : null}
            </dl>
            {s.added ? (
              <dl className="summary">
                <dt>Titolare</dt>
                <dd>{s.titolare}</dd>
                <dt>Gestore</dt>
                <dd>{s.gestore}</dd>
                <dt>Pubblico o privato</dt>
                <dd>{s.ownership ? OWNERSHIP_LABELS[s.ownership] : '—'}</dd>
                <dt>Sezione Primavera</dt>
                <dd>{s.sezionePrimavera ? 'sì' : 'no'}</dd>
              </dl>
            ) : editable ? (
              <>
                <label>
                  Stato del servizio{' '}
                  <select name={`s.${id}.stato`} defaultValue={entry?.status ?? 'attivo'}>
                    {Object.entries(SERVICE_STATUS_LABELS).map(([v, l]) => (
                      <option key={v} value={v}>
                        {l}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Motivazione del mancato raggiungimento (obbligatoria se non raggiungibile)
                  <textarea name={`s.${id}.motivazione`} defaultValue={entry?.motivation ?? ''} />
                </label>
                <label>
                  Pubblico o privato{' '}
                  <select name={`s.${id}.titolarita`} defaultValue={entry?.ownership ?? ''}>
                    <option value="">— scegliere —</option>
                    <option value="pubblico">Pubblico</option>
                    <option value="privato">Privato</option>
                  </select>
                </label>
                <label>
                  Titolare <input name={`s.${id}.titolare`} defaultValue={entry?.titolare ?? ''} />
                </label>
                <label>
                  Gestore <input name={`s.${id}.gestore`} defaultValue={entry?.gestore ?? ''} />
                </label>
                <label>
                  <input type="checkbox" name={`s.${id}.primavera`} value="si" defaultChecked={entry?.sezionePrimavera ?? false} /> Con
                  Sezione Primavera
                </label>
                <table>
                  <caption>Frequentanti per mese ({s.denominazione})</caption>
                  <thead>
                    <tr>
                      <th>Mese</th>
                      <th>Giorni nel periodo</th>
                      <th>Bambini frequentanti</th>
                    </tr>
                  </thead>
                  <tbody>
                    {months.map((m) => (
                      <tr key={m.month}>
                        <td>
                          <label htmlFor={`f.${id}.${m.month}`}>{monthLabel(m.month)}</label>
                        </td>
                        <td>{m.days}</td>
                        <td>
                          <input
                            id={`f.${id}.${m.month}`}
                            name={`f.${id}.${m.month}`}
                            inputMode="numeric"
                            defaultValue={recorded?.has(m.month) ? String(recorded.get(m.month)) : ''}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <dl className="summary">
                <dt>Stato del servizio</dt>
                <dd>{SERVICE_STATUS_LABELS[s.status]}</dd>
                {s.motivation ? (
                  <>
                    <dt>Motivazione</dt>
                    <dd>{s.motivation}</dd>
                  </>
                ) : null}
                <dt>Pubblico o privato</dt>
                <dd>{s.ownership ? OWNERSHIP_LABELS[s.ownership] : '—'}</dd>
                <dt>Titolare</dt>
                <dd>{s.titolare || '—'}</dd>
                <dt>Gestore</dt>
                <dd>{s.gestore || '—'}</dd>
                <dt>Sezione Primavera</dt>
                <dd>{s.sezionePrimavera ? 'sì' : 'no'}</dd>
              </dl>
            )}
            {s.added && editable ? (
              <label>
                <input type="checkbox" name={`rimuovi.${id}`} value="si" /> Togli questo servizio dalla scheda
              </label>
            ) : null}
          </fieldset>
        );
      })}
      {editable ? (
        <fieldset>
          <legend>Servizio mancante nell’elenco ({c.sources.missing})</legend>
          {MISSING_SERVICE_INPUTS.map(({ field, name, hint, inputMode }) => (
            <Field
              key={name}
              label={hint ? `${c.missingServiceFields[field]} ${hint}` : c.missingServiceFields[field]}
              name={name}
              inputMode={inputMode}
            />
          ))}
          <label>
            Pubblico o privato{' '}
            <select name="n.titolarita" defaultValue="">
              <option value="">— scegliere —</option>
              <option value="pubblico">Pubblico</option>
              <option value="privato">Privato</option>
            </select>
          </label>
          <label>
            <input type="checkbox" name="n.primavera" value="si" /> Con Sezione Primavera
          </label>
        </fieldset>
      ) : null}
    </>
  );
}

function actionRows(census: ComuneCensus, due: Array<{ serviceRef: string | null; action: CampaignAction }>): ProgrammedAction[] {
  const saved = census.interventi.data.actions;
  const key = (ref: string | null, code: string) => `${ref ?? ''}/${code}`;
  const have = new Set(saved.map((a) => key(a.serviceRef, a.code)));
  return [
    ...saved,
    ...due
      .filter((d) => !have.has(key(d.serviceRef, d.action.code)))
      .map((d) => ({ serviceRef: d.serviceRef, code: d.action.code, amountCents: null, description: '' })),
  ];
}

function InterventiForm({
  census,
  editable,
  due,
}: {
  census: ComuneCensus;
  editable: boolean;
  due: Array<{ serviceRef: string | null; action: CampaignAction }>;
}): ReactElement {
  const c = census.campaign;
  const names = new Map(census.services.map((s) => [s.ref, s.denominazione]));
  const labels = new Map(c.actions.map((a) => [a.code, a.label]));
  const rows = editable ? actionRows(census, due) : census.interventi.data.actions;
  const where = (ref: string | null) => (ref ? (names.get(ref) ?? 'servizio non più in elenco') : 'Comune (tutti i servizi)');
  return (
    <>
      <table>
        <caption>Azioni programmate per servizio</caption>
        <thead>
          <tr>
            <th>Servizio</th>
            <th>Azione</th>
            <th>Quota comunale</th>
            <th>Descrizione (max {c.descriptionMax} caratteri)</th>
            {editable ? <th>Togli</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((a, i) => (
            <tr key={i} data-testid="census-action">
              <td>{where(a.serviceRef)}</td>
              <td>
                <abbr title={labels.get(a.code) ?? ''}>{a.code}</abbr> {labels.get(a.code) ?? 'azione non prevista'}
              </td>
              {editable ? (
                <>
                  <td>
                    <input type="hidden" name={`a.${i}.ref`} value={a.serviceRef ?? ''} />
                    <input type="hidden" name={`a.${i}.code`} value={a.code} />
                    <label className="sr-only" htmlFor={`a.${i}.importo`}>
                      Quota comunale {a.code}, {where(a.serviceRef)}
                    </label>
                    €{' '}
                    <input
                      id={`a.${i}.importo`}
                      name={`a.${i}.importo`}
                      inputMode="decimal"
                      defaultValue={a.amountCents === null ? '' : formatEuro(a.amountCents).slice(2)}
                    />
                  </td>
                  <td>
                    <label className="sr-only" htmlFor={`a.${i}.descrizione`}>
                      Descrizione {a.code}, {where(a.serviceRef)}
                    </label>
                    <input id={`a.${i}.descrizione`} name={`a.${i}.descrizione`} defaultValue={a.description} size={60} />
                  </td>
                  <td>
                    <label>
                      <input type="checkbox" name={`a.${i}.togli`} value="si" />
                      <span className="sr-only">
                        Togli {a.code}, {where(a.serviceRef)}
                      </span>
                    </label>
                  </td>
                </>
              ) : (
                <>
                  <td>{a.amountCents === null ? '—' : formatEuro(a.amountCents)}</td>
                  <td>{a.description || '—'}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {editable ? (
        <fieldset>
          <legend>Aggiungi un’azione</legend>
          <label>
            Servizio{' '}
            <select name="nuova.ref" defaultValue="-">
              <option value="-">— nessuna —</option>
              <option value="">Comune (tutti i servizi)</option>
              {census.services.map((s) => (
                <option key={s.ref} value={s.ref}>
                  {s.denominazione}
                </option>
              ))}
            </select>
          </label>
          <label>
            Azione{' '}
            <select name="nuova.code">
              {c.actions.map((a) => (
                <option key={a.code} value={a.code}>
                  {a.code} {a.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Quota comunale (€) <input name="nuova.importo" inputMode="decimal" />
          </label>
          <label>
            Descrizione <input name="nuova.descrizione" size={60} />
          </label>
        </fieldset>
      ) : null}
    </>
  );
}

export function CensusSheetPage(p: SheetPageProps & { due: Array<{ serviceRef: string | null; action: CampaignAction }> }): ReactElement {
  const { census, kind, csrf } = p;
  const c = census.campaign;
  const sheet = kind === 'servizi' ? census.servizi : census.interventi;
  const editable = p.canFill && sheet.state === 'bozza';
  const base = censusHref(c, census.comune, kind);
  return (
    <>
      <p>
        {p.back ? <a href={censusHref(c)}>Torna alla rilevazione</a> : null}{' '}
        {(['servizi', 'interventi'] as const).map((k) => (
          <a key={k} className="button-secondary" href={censusHref(c, census.comune, k)} aria-current={k === kind ? 'page' : undefined}>
            Scheda {SHEET_LABELS[k]}: {SHEET_STATE_LABELS[(k === 'servizi' ? census.servizi : census.interventi).state]}
          </a>
        ))}
      </p>
      <CampaignSummary campaign={c} daysLeft={p.daysLeft} />
      <p data-testid="census-state">
        Stato della scheda {SHEET_LABELS[kind]}: <strong>{SHEET_STATE_LABELS[sheet.state]}</strong>
        {sheet.state !== 'bozza' ? ' (sola lettura)' : ''}
      </p>
      {sheet.notes ? (
        <div className="flash" role="status" data-testid="census-notes">
          <p>
            <strong>Scheda respinta: correzioni richieste</strong>
          </p>
          <p>{sheet.notes}</p>
        </div>
      ) : null}
      {p.error ? (
        <p className="error" role="alert">
          {p.error}
        </p>
      ) : null}
      {kind === 'interventi' ? (
        <p>
          Adesione a un Coordinamento Pedagogico Territoriale (CPT): <strong>{census.cpt ? 'sì' : 'no'}</strong>
        </p>
      ) : null}
      <Problems problems={sheet.problems} />
      {editable ? (
        <form method="post" action={base}>
          <Csrf csrf={csrf} />
          {kind === 'servizi' ? (
            <ServiziForm census={census} editable attendance={p.attendance} />
          ) : (
            <InterventiForm census={census} editable due={p.due} />
          )}
          <button>Salva la scheda</button>
        </form>
      ) : kind === 'servizi' ? (
        <ServiziForm census={census} editable={false} attendance={p.attendance} />
      ) : (
        <InterventiForm census={census} editable={false} due={p.due} />
      )}
      {editable ? (
        <form method="post" action={`${base}/stato`}>
          <Csrf csrf={csrf} />
          <input type="hidden" name="azione" value="invia" />
          <button>Invia in validazione</button>
        </form>
      ) : null}
      {p.canDecide && sheet.state === 'in_validazione' ? (
        <>
          <form method="post" action={`${base}/stato`}>
            <Csrf csrf={csrf} />
            <input type="hidden" name="azione" value="valida" />
            <button>Valida la scheda</button>
          </form>
          <form method="post" action={`${base}/stato`}>
            <Csrf csrf={csrf} />
            <input type="hidden" name="azione" value="respingi" />
            <label>
              Correzioni richieste al Comune (obbligatorie per respingere)
              <textarea name="note" />
            </label>
            <button>Respingi la scheda</button>
          </form>
        </>
      ) : null}
      {p.canDecide && kind === 'interventi' ? (
        <form method="post" action={`${censusHref(c, census.comune)}/cpt`}>
          <Csrf csrf={csrf} />
          <label>
            <input type="checkbox" name="cpt" value="si" defaultChecked={census.cpt} /> Il Comune aderisce a un CPT
          </label>
          <button>Salva l’adesione al CPT</button>
        </form>
      ) : null}
      {kind === 'servizi' && p.canFill ? (
        <form method="post" action={`${censusHref(c, census.comune)}/frequenze`} encType="multipart/form-data">
          <Csrf csrf={csrf} />
          <label>
            Importa le frequenze mensili: file CSV o XLSX (al massimo 5 MB) con le colonne Servizio, Mese, Frequentanti
            <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
          </label>
          <label>
            oppure incolla qui le righe (CSV, con la riga di intestazione)
            <textarea name="csv" />
          </label>
          <button>Importa le frequenze</button>
        </form>
      ) : null}
      <h2>Storico della scheda</h2>
      {p.events.length ? (
        <table>
          <thead>
            <tr>
              <th>Quando</th>
              <th>Chi</th>
              <th>Passaggio</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {p.events.map((e, i) => (
              <tr key={i} data-testid="census-event">
                <td>{formatInstant(e.at)}</td>
                <td>{e.actor}</td>
                <td>
                  {SHEET_ACTION_LABELS[e.action]}: {SHEET_STATE_LABELS[e.from]} → {SHEET_STATE_LABELS[e.to]}
                </td>
                <td>{e.notes ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessun passaggio registrato.</p>
      )}
    </>
  );
}
