/** «Posta inviata»: every message of the office's outbox with its outcome (office/mail.ts). */
import type { ReactElement } from 'react';
import type { MailKind, MailRecord } from '../storage/mail.ts';
import { formatInstant } from './context.ts';

export const MAIL_KIND_LABELS: Record<MailKind, string> = {
  visita_pianificata: 'Visita pianificata',
  visita_spostata: 'Visita spostata',
  visita_annullata: 'Visita annullata',
  prescrizioni: 'Prescrizioni al servizio',
  revisione_respinta: 'Verbale respinto',
  rilevazione_respinta: 'Scheda della rilevazione respinta',
};

function outcome(m: MailRecord): string {
  switch (m.status) {
    case 'sent':
      return `Inviato il ${formatInstant(m.sentAt)}`;
    case 'queued':
      return 'In coda di invio';
    case 'unsendable':
      return `Non inviabile: ${m.lastError ?? ''}`;
    case 'failed':
      return m.nextAttemptAt
        ? `Non riuscito (${m.attempts} ${m.attempts === 1 ? 'tentativo' : 'tentativi'}): ${m.lastError ?? ''}. Nuovo tentativo il ${formatInstant(m.nextAttemptAt)}`
        : `Non recapitato dopo ${m.attempts} tentativi: ${m.lastError ?? ''}`;
  }
}

export function MailList({
  messages,
  configured,
  kindLabel,
}: {
  messages: MailRecord[];
  configured: boolean;
  kindLabel: (k: MailKind) => string;
}): ReactElement {
  return (
    <>
      {configured ? null : (
        <p className="error" role="alert">
          Il server dell’ufficio è stato avviato senza server di posta (--smtp): i messaggi sono registrati ma non inviati.
        </p>
      )}
      {messages.length ? (
        <table>
          <thead>
            <tr>
              <th>Scritto il</th>
              <th>Tipo</th>
              <th>Destinatario</th>
              <th>Oggetto</th>
              <th>Allegati</th>
              <th>Esito</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>{formatInstant(m.createdAt)}</td>
                <td>{kindLabel(m.kind)}</td>
                <td>{m.recipient || '—'}</td>
                <td>{m.subject}</td>
                <td>{m.attachments.map((a) => a.filename).join(', ') || '—'}</td>
                <td>{outcome(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nessun messaggio.</p>
      )}
    </>
  );
}

/** The feed's URL, shown once after it is made or reset. */
export function CalendarLink({ name, url }: { name: string; url: string }): ReactElement {
  return (
    <>
      <p>
        Indirizzo del calendario di <strong>{name}</strong> (da aggiungere come «calendario da URL» / iscrizione):
      </p>
      <p>
        <code>{url}</code>
      </p>
      <p role="alert">
        Copiare ora l’indirizzo e consegnarlo alla persona: chi lo conosce vede le sue visite, e l’ufficio non lo mostrerà più (ne conserva
        solo un’impronta). Per renderlo inutilizzabile, reimpostarlo: il vecchio indirizzo smette subito di funzionare.
      </p>
      <p>
        <a href="/pianificazione/persone">Torna alle persone delle commissioni</a>
      </p>
    </>
  );
}
