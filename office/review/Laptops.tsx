/** «Portatili»: pairing codes for the inspectors' laptops. */
import type { ReactElement } from 'react';

export interface InspectorRow {
  name: string;
  devices: number;
}

/**
 * The page, with the form as the clerk left it when the server refused the name (`error`, tied
 * to the field): no `required`, whose browser message would be in the browser's language.
 */
export function Laptops({
  csrf,
  inspectors,
  name = '',
  error,
}: {
  csrf: string;
  inspectors: InspectorRow[];
  name?: string;
  error?: string;
}): ReactElement {
  return (
    <>
      <p>
        Per associare un portatile: scrivere il nome dell'ispettore e generare un codice; sul portatile, nella schermata «Associa
        all'ufficio», inserire l'indirizzo di questo server e il codice. Il codice vale 10 minuti e una sola volta.
      </p>
      <form method="post" action="/portatili/codice">
        <input type="hidden" name="_csrf" value={csrf} />
        <label htmlFor="ispettore">Ispettore</label>
        {error ? (
          <p className="error" id="ispettore-errore">
            {error}
          </p>
        ) : null}
        <input
          id="ispettore"
          name="nome"
          maxLength={200}
          list="ispettori"
          defaultValue={name}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'ispettore-errore' : undefined}
          autoFocus={Boolean(error)}
        />
        <datalist id="ispettori">
          {inspectors.map((i) => (
            <option key={i.name} value={i.name} />
          ))}
        </datalist>
        <button>Genera codice di associazione</button>
      </form>
      {inspectors.length ? (
        <>
          <h2>Ispettori</h2>
          <table>
            <thead>
              <tr>
                <th>Nome</th>
                <th>Dispositivi attivi</th>
              </tr>
            </thead>
            <tbody>
              {inspectors.map((i) => (
                <tr key={i.name}>
                  <td>{i.name}</td>
                  <td>{i.devices}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

/** The code just made, to type on the laptop. */
export function PairingCode({ code, validUntil }: { code: string; validUntil: string }): ReactElement {
  return (
    <>
      <p className="code" data-testid="pairing-code">
        {code}
      </p>
      <p>Valido fino alle {validUntil}, una sola volta.</p>
      <p>
        <a href="/portatili">Fatto</a>
      </p>
    </>
  );
}
