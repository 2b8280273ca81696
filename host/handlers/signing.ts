/** The inspector's signing key, timestamp authority and trusted CAs; the PDF report and its added signatures. */
import type { AsyncHandlers, HandlerContext, Handlers } from './context.ts';

type SigningMethods =
  'signing.status' | 'signing.remove' | 'signing.setTsaUrl' | 'signing.listTrustedCas' | 'signing.addTrustedCa' | 'signing.removeTrustedCa';

export function signingHandlers({ reports }: HandlerContext): Pick<Handlers, SigningMethods> {
  return {
    'signing.status': () => reports.status(),
    'signing.remove': () => reports.removeKey(),
    'signing.setTsaUrl': ({ tsaUrl }) => reports.setTsaUrl(tsaUrl),
    'signing.listTrustedCas': () => reports.trustedCas(),
    'signing.addTrustedCa': ({ pem }) => reports.addTrustedCa(pem),
    'signing.removeTrustedCa': ({ id }) => reports.removeTrustedCa(id),
  };
}

export function asyncSigningHandlers({
  reports,
}: HandlerContext): Pick<AsyncHandlers, 'signing.importP12' | 'report.get' | 'report.addSignature'> {
  return {
    'signing.importP12': (input) => reports.importP12(input),
    'report.get': ({ inspectionId }) => reports.get(inspectionId),
    'report.addSignature': (input) => reports.addSignature(input),
  };
}
