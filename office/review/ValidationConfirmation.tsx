/** The second step of «Valida»: what the laptop will receive, before the clerk makes it final. */
import type { ReactElement } from 'react';

export interface ValidationConfirmationProps {
  /** The revision's page; the form posts to `${at}/valida`. */
  at: string;
  csrf: string;
  serviceName: string;
  visitDate: string;
  laptop: string;
  revision: number;
  inspectorName: string;
  receivedAt: string;
  /** How many prescriptions the revision carries, and the territory's word for them. */
  prescriptions?: number;
  prescriptionWord?: string;
  /** The service's e-mail/PEC address in the registry (null: none). */
  serviceAddress?: string | null;
  /** The revision has a signed report to attach. */
  hasReport?: boolean;
}

export function ValidationConfirmation(p: ValidationConfirmationProps): ReactElement {
  return (
    <>
      <p>
        Si sta per validare la visita a <strong>{p.serviceName}</strong> del {p.visitDate}. La validazione è definitiva: non si può
        annullare né respingere dopo.
      </p>
      <h2>Che cosa riceverà il portatile</h2>
      <dl className="summary">
        <dt>Portatile</dt>
        <dd>{p.laptop}</dd>
        <dt>Stato</dt>
        <dd>
          <strong>«validata»</strong>
        </dd>
        <dt>Revisione validata</dt>
        <dd>
          Revisione {p.revision}, inviata da {p.inspectorName} il {p.receivedAt}
        </dd>
        <dt>Note dell'ufficio</dt>
        <dd>Nessuna: la validazione non porta note di correzione.</dd>
      </dl>
      <form method="post" action={`${p.at}/valida`} className="inline">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="hidden" name="conferma" value="si" />
        {p.prescriptions ? (
          <p>
            {p.serviceAddress
              ? `Alla conferma l’ufficio invia ${p.prescriptions === 1 ? 'la' : 'le'} ${p.prescriptions} ${p.prescriptionWord} con i termini all’indirizzo del servizio ${p.serviceAddress}.`
              : `Il servizio non ha un indirizzo e-mail o PEC nel registro: ${p.prescriptions === 1 ? 'la' : 'le'} ${p.prescriptionWord} non potranno essere inviate (il messaggio resta registrato in «Posta inviata»).`}
            {p.hasReport ? (
              <>
                <br />
                <label>
                  <input type="checkbox" name="allega_verbale" value="si" /> Allegare il verbale firmato al messaggio
                </label>
              </>
            ) : null}
          </p>
        ) : null}
        <button>Conferma validazione</button>
      </form>
      <a href={p.at} className="button-secondary">
        Annulla
      </a>
    </>
  );
}
