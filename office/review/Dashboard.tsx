/**
 * The cruscotto: each list's counts and its first rows, or one list a page at a time
 * («Mostra tutte», `?elenco=…&pagina=N`; the prescriptions with the key of a row shown, `&dopo=` / `&prima=`,
 * built by the route). Never every row at once: the office holds years of visits.
 */
import { capitalised } from '../../shared/text.ts';
import type { Territory } from '../../shared/territories/index.ts';
import type { ReactElement, ReactNode } from 'react';
import { Table } from './Table.tsx';

export const LISTS = ['dovute', 'atti', 'prescrizioni'] as const;
export type DashboardList = (typeof LISTS)[number];

/** Every value already in the clerk's words. */
export interface DueView {
  service: string;
  comune: string;
  lastVisit: string;
  periods: string;
  nextDueBy: string;
  overdue: boolean;
}
export interface ActView {
  service: string;
  comune: string;
  act: string;
  issuedOn: string;
  validUntil: string;
  days: string;
  expired: boolean;
}
export interface LateView {
  href: string;
  service: string;
  visitDate: string;
  check: string;
  text: string;
  deadline: string;
  daysLate: number;
  followUp: string;
  /** «non ottemperata — article: consequence», empty while not verified. */
  verification: string;
}

export interface Section<R> {
  total: number;
  rows: R[];
}

export interface DashboardProps {
  day: string;
  /** The office's territory: how often it inspects (the due list's title) and what a prescription is called. */
  territory: Pick<Territory, 'schedule' | 'prescription'>;
  due?: Section<DueView> & { overdue: number };
  acts?: Section<ActView> & { expired: number };
  late?: Section<LateView>;
  /** One list paged (the others are not shown), with the addresses of its neighbours; absent: the summary of all three. */
  paging?: { list: DashboardList; page: number; pages: number; first?: string; prev?: string; next?: string; last?: string };
  /** Archived reports whose last document timestamp's authority certificate expires within a year (summary only). */
  renewals?: number;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('it-IT')} ${n === 1 ? one : many}`;

function More({ list, total, shown, paging }: { list: DashboardList; total: number; shown: number; paging?: DashboardProps['paging'] }) {
  if (paging) {
    return (
      <nav aria-label="Pagine" className="pages">
        <p>
          Pagina {paging.page} di {paging.pages}. {paging.first ? <a href={paging.first}>Prima pagina</a> : null}{' '}
          {paging.prev ? <a href={paging.prev}>Pagina precedente</a> : null}{' '}
          {paging.next ? <a href={paging.next}>Pagina successiva</a> : null} {paging.last ? <a href={paging.last}>Ultima pagina</a> : null}{' '}
          <a href="/cruscotto">Torna al cruscotto</a>
        </p>
      </nav>
    );
  }
  return total > shown ? (
    <p>
      Sono mostrate le prime {shown} righe.{' '}
      <a href={`/cruscotto?elenco=${list}&pagina=1`}>Mostra tutte ({total.toLocaleString('it-IT')})</a>
    </p>
  ) : null;
}

function Heading({ title, summary, csv }: { title: string; summary: ReactNode; csv: string }) {
  return (
    <>
      <h2>{title}</h2>
      <p>
        {summary} · <a href={csv}>Esporta CSV</a>
      </p>
    </>
  );
}

export function Dashboard({ day, territory, due, acts, late, paging, renewals }: DashboardProps): ReactElement {
  const { schedule, prescription } = territory;
  const Plural = capitalised(prescription.plural);
  return (
    <>
      <p>Situazione al {day}.</p>
      {renewals !== undefined ? (
        <p data-testid="marche-da-rinnovare" className={renewals ? 'warn' : undefined}>
          Marche temporali da rinnovare: {renewals.toLocaleString('it-IT')}
          {renewals
            ? " (verbali la cui ultima marca temporale del documento è di un'autorità con certificato in scadenza entro un anno: vigilanza office renew-timestamps)"
            : ''}
        </p>
      ) : null}
      {due ? (
        <section data-testid="dovute">
          <Heading
            title={`Ispezioni dovute (${schedule.article}: ${schedule.label})`}
            summary={`${plural(due.total, 'struttura autorizzata o accreditata', 'strutture autorizzate o accreditate')}, ${due.overdue.toLocaleString('it-IT')} in ritardo`}
            csv="/export/ispezioni-dovute.csv"
          />
          {due.rows.length ? (
            <Table
              head={['Servizio', 'Comune', 'Ultima visita', 'Semestri', 'Prossima entro', 'In ritardo']}
              rows={due.rows}
              cells={(d) => [
                d.service,
                d.comune,
                d.lastVisit,
                d.periods,
                d.nextDueBy,
                { className: d.overdue ? 'fail' : '', content: d.overdue ? 'sì' : 'no' },
              ]}
            />
          ) : (
            <p>Nessuna struttura autorizzata o accreditata nel registro.</p>
          )}
          <More list="dovute" total={due.total} shown={due.rows.length} paging={paging} />
        </section>
      ) : null}
      {acts ? (
        <section data-testid="atti">
          <Heading
            title="Autorizzazioni e accreditamenti in scadenza entro 90 giorni"
            summary={`${plural(acts.total, 'atto', 'atti')}, ${acts.expired.toLocaleString('it-IT')} già scaduti`}
            csv="/export/atti-in-scadenza.csv"
          />
          {acts.rows.length ? (
            <Table
              head={['Servizio', 'Comune', 'Atto', 'Rilasciato', 'Valido fino al', 'Giorni']}
              rows={acts.rows}
              cells={(a) => [
                a.service,
                a.comune,
                a.act,
                a.issuedOn,
                a.validUntil,
                { className: a.expired ? 'fail' : 'warn', content: a.days },
              ]}
            />
          ) : (
            <p>Nessun atto in scadenza.</p>
          )}
          <More list="atti" total={acts.total} shown={acts.rows.length} paging={paging} />
        </section>
      ) : null}
      {late ? (
        <section data-testid="prescrizioni">
          <Heading
            title={`${Plural} scadute`}
            summary={plural(late.total, `${prescription.singular} scaduta`, `${prescription.plural} scadute`)}
            csv="/export/prescrizioni-scadute.csv"
          />
          {late.rows.length ? (
            <Table
              head={[
                'Servizio',
                'Visita',
                'Rilievo',
                capitalised(prescription.singular),
                'Scadenza',
                'Giorni di ritardo',
                'Verifica successiva',
                'Esito della verifica',
              ]}
              rows={late.rows}
              cells={(p) => [
                <a href={p.href}>{p.service}</a>,
                p.visitDate,
                p.check,
                p.text,
                p.deadline,
                { className: 'fail', content: p.daysLate },
                p.followUp,
                p.verification ? { className: 'fail', content: p.verification } : '',
              ]}
            />
          ) : (
            <p>{`Nessuna ${prescription.singular} scaduta.`}</p>
          )}
          <More list="prescrizioni" total={late.total} shown={late.rows.length} paging={paging} />
        </section>
      ) : null}
    </>
  );
}
