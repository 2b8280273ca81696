/**
 * Which laptop holds a visit and the clerk's «Trasferisci a un altro portatile»: the section of
 * the inspection page (with the moves so far) and the confirmation page of the second step.
 */
import type { ReactElement } from 'react';

export interface TransferRow {
  at: string;
  clerkName: string;
  from: string;
  to: string;
  reason: string;
}

export interface LaptopSectionProps {
  /** The revision's page; the form posts to `${at}/trasferisci`. */
  at: string;
  csrf: string;
  /** The laptop that holds the visit, in words (`deviceLabel`), if one does. */
  owner?: string;
  transfers: TransferRow[];
  candidates: Array<{ deviceId: string; label: string }>;
  reasonMax: number;
}

export function LaptopSection(p: LaptopSectionProps): ReactElement {
  return (
    <section aria-labelledby="portatile-titolo">
      <h2 id="portatile-titolo">Portatile</h2>
      {p.owner ? <p>La visita è del portatile {p.owner}: solo questo portatile può inviarne le revisioni e leggerne lo stato.</p> : null}
      {p.transfers.length ? (
        <>
          <h3>Trasferimenti</h3>
          <table>
            <thead>
              <tr>
                <th>Quando</th>
                <th>Operatore</th>
                <th>Dal portatile</th>
                <th>Al portatile</th>
                <th>Motivo</th>
              </tr>
            </thead>
            <tbody>
              {p.transfers.map((t, i) => (
                <tr key={i} data-testid="transfer">
                  <td>{t.at}</td>
                  <td>{t.clerkName}</td>
                  <td>{t.from}</td>
                  <td>{t.to}</td>
                  <td>{t.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h3>Trasferisci a un altro portatile</h3>
      {p.candidates.length ? (
        <>
          <p>
            Per un portatile rubato, guasto o sostituito: dopo il trasferimento le revisioni successive arrivano solo dal portatile scelto e
            quello di ora viene rifiutato.
          </p>
          <form method="post" action={`${p.at}/trasferisci`}>
            <input type="hidden" name="_csrf" value={p.csrf} />
            <label>
              Nuovo portatile{' '}
              <select name="dispositivo" required>
                {p.candidates.map((d) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Motivo (obbligatorio, resta registrato) <textarea name="motivo" required maxLength={p.reasonMax} />
            </label>
            <button>Trasferisci a un altro portatile…</button>
          </form>
        </>
      ) : (
        <p>
          Nessun altro portatile associato: generare prima un codice in <a href="/portatili">Portatili</a>.
        </p>
      )}
    </section>
  );
}

export interface TransferConfirmationProps {
  at: string;
  csrf: string;
  /** The visit, if its revision is still there. */
  visit?: { serviceName: string; visitDate: string };
  from: string;
  to: string;
  toDeviceId: string;
  reason: string;
}

/** The second step: what moves where, and why, before the clerk makes it so. */
export function TransferConfirmation(p: TransferConfirmationProps): ReactElement {
  return (
    <>
      <p>
        La visita{' '}
        {p.visit ? (
          <>
            a <strong>{p.visit.serviceName}</strong> del {p.visit.visitDate}
          </>
        ) : null}{' '}
        passa dal portatile {p.from} al portatile <strong>{p.to}</strong>.
      </p>
      <p>Motivo: {p.reason}</p>
      <p>
        Dopo il trasferimento solo il nuovo portatile potrà inviare le revisioni di questa visita; il portatile di ora sarà rifiutato. Il
        trasferimento resta registrato con il nome di chi lo fa.
      </p>
      <form method="post" action={`${p.at}/trasferisci`}>
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="hidden" name="dispositivo" value={p.toDeviceId} />
        <input type="hidden" name="motivo" value={p.reason} />
        <input type="hidden" name="conferma" value="si" />
        <button>Conferma il trasferimento</button>
      </form>
      <p>
        <a href={p.at}>Annulla</a>
      </p>
    </>
  );
}
