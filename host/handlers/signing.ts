/** The inspector's signing key or device, timestamp authority and trusted CAs; the PDF report and its added signatures. */
import type { AsyncHandlers, HandlerContext, Handlers } from './context.ts';

type SigningMethods =
  | 'signing.status'
  | 'signing.remove'
  | 'signing.setTsaUrl'
  | 'signing.listTrustedCas'
  | 'signing.addTrustedCa'
  | 'signing.removeTrustedCa'
  | 'signing.deviceModules'
  | 'signing.removeDevice';

export function signingHandlers({ reports }: HandlerContext): Pick<Handlers, SigningMethods> {
  return {
    'signing.status': () => reports.status(),
    'signing.remove': () => reports.removeKey(),
    'signing.setTsaUrl': ({ tsaUrl }) => reports.setTsaUrl(tsaUrl),
    'signing.listTrustedCas': () => reports.trustedCas(),
    'signing.addTrustedCa': ({ pem }) => reports.addTrustedCa(pem),
    'signing.removeTrustedCa': ({ id }) => reports.removeTrustedCa(id),
    'signing.deviceModules': () => reports.deviceModules(),
    'signing.removeDevice': () => reports.removeDevice(),
  };
}

export function asyncSigningHandlers({
  reports,
}: HandlerContext): Pick<
  AsyncHandlers,
  'signing.importP12' | 'signing.deviceTokens' | 'signing.deviceCertificates' | 'signing.setDevice' | 'report.get' | 'report.addSignature'
> {
  return {
    'signing.importP12': (input) => reports.importP12(input),
    // Only what the contract shows: the PIN flags say whether a try is left, nothing else is needed.
    'signing.deviceTokens': async ({ modulePath }) =>
      (await reports.deviceTokens(modulePath)).map(({ label, manufacturer, model, serialNumber, pinLocked, pinCountLow, pinFinalTry }) => ({
        label,
        manufacturer,
        model,
        serialNumber,
        pinLocked,
        pinCountLow,
        pinFinalTry,
      })),
    'signing.deviceCertificates': async ({ modulePath, token }) =>
      (await reports.deviceCertificates(modulePath, token)).map(({ id: _id, ...c }) => c),
    'signing.setDevice': (input) => reports.setDevice(input),
    'report.get': ({ inspectionId }) => reports.get(inspectionId),
    'report.addSignature': (input) => reports.addSignature(input),
  };
}
