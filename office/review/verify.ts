/**
 * Signature verification of report PDFs, when the report module provides it
 * (`report/verify.ts`, `verifyPdf(pdf, { caPem })`). Loaded lazily by path so that the office
 * server still runs, and says so, in a build without it.
 */
import { html, type Html } from './html.ts';

export type Verifier = (pdf: Uint8Array, options: { caPem?: string }) => unknown;

let loaded: Promise<Verifier | null> | undefined;

export function loadVerifier(): Promise<Verifier | null> {
  loaded ??= (async () => {
    try {
      const specifier = new URL('../../report/verify.ts', import.meta.url).href;
      const mod = (await import(specifier)) as { verifyPdf?: Verifier };
      return typeof mod.verifyPdf === 'function' ? mod.verifyPdf : null;
    } catch {
      return null;
    }
  })();
  return loaded;
}

/** Renders whatever the verifier answers: a `valid` flag when it has one, then its details. */
export function describeVerification(result: unknown): Html {
  const r = (result ?? {}) as Record<string, unknown>;
  const valid = typeof r.valid === 'boolean' ? r.valid : typeof r.ok === 'boolean' ? r.ok : null;
  return html`<span class="${valid === true ? 'pass' : valid === false ? 'fail' : ''}">${valid === true ? 'Firma verificata' : valid === false ? 'Firma NON valida' : 'Esito della verifica'}</span>
<details><summary>Dettagli</summary><pre>${JSON.stringify(result, null, 2)}</pre></details>`;
}
