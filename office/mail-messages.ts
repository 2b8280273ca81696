/**
 * The words of the office's e-mails (pure: the outbox and the tests build them the same way).
 * Formal Italian: a message to a gestore's PEC is an official communication, so each one says who
 * sends it (the territory's inspectorate and name), what it is about and what the recipient must
 * do by when. Dates dd/mm/yyyy, times as the plan has them, no internal ids.
 */
import { civilDate, formatItalianDate } from '../shared/dates.ts';
import { PURPOSE_LABELS, type Purpose } from '../shared/domain.ts';
import { capitalised } from '../shared/text.ts';
import type { Territory } from '../shared/territories/schema.ts';

export interface MessageText {
  subject: string;
  body: string;
}

/** Who sends: «Commissione zonale · Zona Fiorentina Sud-Est». */
export const sender = (t: Territory) => `${t.inspectorate.label} · ${t.name}`;

/** A message's body: the opening line («Gentile …,»), a blank line, the text, the signature. */
const letter = (t: Territory, opening: string, lines: string[]) =>
  [
    opening,
    '',
    ...lines,
    '',
    'Distinti saluti.',
    '',
    sender(t),
    'Messaggio inviato automaticamente dal sistema di vigilanza: per chiarimenti rispondere a questo indirizzo.',
  ].join('\n');

const greeting = (name: string) => `Gentile ${name},`;

/** Notes of correction as quoted lines («> …»). */
const quoted = (notes: string) =>
  notes
    .trim()
    .split(/\r?\n/)
    .map((l) => `> ${l}`);

export interface VisitNoticeInput {
  kind: 'planned' | 'moved' | 'cancelled';
  recipientName: string;
  purpose: Purpose;
  serviceName: string;
  address: string;
  comune: string;
  date: string;
  startTime: string;
  endTime: string;
  /** Where it was before a move. */
  before?: { date: string; startTime: string; endTime: string };
  members: string[];
}

const when = (d: { date: string; startTime: string; endTime: string }) =>
  `${formatItalianDate(d.date)}, dalle ${d.startTime} alle ${d.endTime}`;

/** To a member of the commission: a visit planned, moved or cancelled. */
export function visitNotice(t: Territory, v: VisitNoticeInput): MessageText {
  const place = [v.serviceName, v.address, v.comune].filter(Boolean).join(', ');
  const purpose = PURPOSE_LABELS[v.purpose].toLowerCase();
  const subject =
    v.kind === 'planned'
      ? `Visita di vigilanza pianificata: ${v.serviceName}, ${formatItalianDate(v.date)}`
      : v.kind === 'moved'
        ? `Visita di vigilanza spostata: ${v.serviceName}, ora il ${formatItalianDate(v.date)}`
        : `Visita di vigilanza annullata: ${v.serviceName}, ${formatItalianDate(v.date)}`;
  const lines: string[] = [];
  if (v.kind === 'planned')
    lines.push(
      `la informiamo che è stata pianificata una visita di vigilanza (${purpose}) presso ${place}, alla quale lei partecipa come componente della commissione.`,
      '',
      `Data e orario: ${when(v)}.`,
    );
  else if (v.kind === 'moved')
    lines.push(
      `la informiamo che la visita di vigilanza (${purpose}) presso ${place} è stata spostata.`,
      '',
      `Nuova data e orario: ${when(v)}.`,
      ...(v.before ? [`Data e orario precedenti, non più validi: ${when(v.before)}.`] : []),
    );
  else
    lines.push(
      `la informiamo che la visita di vigilanza (${purpose}) presso ${place}, prevista per il ${when(v)}, è stata annullata.`,
      '',
      'Non è richiesta la sua presenza; una nuova data, se fissata, le sarà comunicata.',
    );
  if (v.kind !== 'cancelled') lines.push(`Commissione: ${v.members.join(', ')}.`, '', 'In allegato l’evento da aggiungere al calendario.');
  else lines.push('', 'In allegato l’annullamento dell’evento per il calendario.');
  return { subject, body: letter(t, greeting(v.recipientName), lines) };
}

export interface PrescriptionsInput {
  serviceName: string;
  comune: string | null;
  visitDate: string;
  purpose: Purpose | string;
  prescriptions: { text: string; deadline: string }[];
  /** The act's protocol at the Comune, if already registered. */
  protocol: { number: string; date: string } | null;
  reportAttached: boolean;
}

/** To the service's PEC/e-mail: the prescriptions (or diffide) of a validated visit, each with its deadline. */
export function prescriptionsNotice(t: Territory, p: PrescriptionsInput): MessageText {
  const word = t.prescription;
  const many = p.prescriptions.length > 1;
  const label = purposeLabel(p.purpose).toLowerCase();
  const subject = `${capitalised(many ? word.plural : word.singular)} a seguito della visita di vigilanza del ${formatItalianDate(p.visitDate)}: ${p.serviceName}`;
  const lines = [
    `a seguito della visita di vigilanza (${label}) del ${formatItalianDate(p.visitDate)}, validata dall’ufficio, ${sender(t)} comunica, ai sensi del ${word.article}, ${
      many ? `le seguenti ${word.plural}` : `la seguente ${word.singular}`
    }:`,
    '',
    ...p.prescriptions.map(
      (x, i) => `${i + 1}. ${x.text.trim()}\n   Termine per l’adempimento: entro il ${formatItalianDate(x.deadline)}.`,
    ),
    '',
    `Il gestore è tenuto ad adempiere ${many ? `a ciascuna ${word.singular}` : `alla ${word.singular}`} entro il termine indicato e a darne comunicazione all’ufficio; l’adempimento sarà verificato in una successiva visita.`,
    ...(p.protocol
      ? ['', `Atto registrato al protocollo del Comune n. ${p.protocol.number} del ${formatItalianDate(p.protocol.date)}.`]
      : []),
    ...(p.reportAttached ? ['', 'In allegato il verbale della visita firmato digitalmente.'] : []),
  ];
  return { subject, body: letter(t, `Al gestore del servizio ${p.serviceName}${p.comune ? ` (${p.comune})` : ''},`, lines) };
}

export interface RejectionInput {
  recipientName: string;
  serviceName: string;
  visitDate: string;
  revision: number;
  notes: string;
}

/** To the inspector: a revision rejected, with the office's notes of correction. */
export function rejectionNotice(t: Territory, r: RejectionInput): MessageText {
  return {
    subject: `Verbale da correggere: ${r.serviceName}, visita del ${formatItalianDate(r.visitDate)}`,
    body: letter(t, greeting(r.recipientName), [
      `l’ufficio ha respinto la revisione ${r.revision} del verbale della visita a ${r.serviceName} del ${formatItalianDate(r.visitDate)}, con le seguenti note di correzione:`,
      '',
      ...quoted(r.notes),
      '',
      'La preghiamo di correggere il verbale sul portatile e di inviarne una nuova revisione.',
    ]),
  };
}

export interface CensusRejectionInput {
  recipientName: string;
  /** The campaign's name and region, and its deadline (ISO day). */
  campaign: { name: string; region: string; deadline: string };
  comune: string;
  sheet: 'SERVIZI' | 'INTERVENTI';
  notes: string;
  /** Who rejected (the reviewer's name) and when (an instant). */
  by: string;
  at: string;
}

/** To a Comune's user: a census sheet sent back to draft, with the reviewer's correction notes (§13). */
export function censusRejectionNotice(t: Territory, r: CensusRejectionInput): MessageText {
  const day = formatItalianDate(civilDate(new Date(r.at)));
  return {
    subject: `${r.campaign.name}: scheda ${r.sheet} del Comune di ${r.comune} da correggere`,
    body: letter(t, greeting(r.recipientName), [
      `la informiamo che la scheda ${r.sheet} del Comune di ${r.comune} per la ${r.campaign.name} (${r.campaign.region}), inviata in validazione, è stata respinta il ${day} da ${r.by} ed è tornata «in bozza», con le seguenti indicazioni di correzione:`,
      '',
      ...quoted(r.notes),
      '',
      `La preghiamo di correggere la scheda e di inviarla nuovamente in validazione entro il ${formatItalianDate(r.campaign.deadline)}, termine della rilevazione. Le indicazioni sono riportate anche sulla pagina della scheda.`,
    ]),
  };
}

function purposeLabel(p: string): string {
  return (PURPOSE_LABELS as Record<string, string>)[p] ?? p;
}
