/** Files in and out of the browser: a chosen file as base64 for the API, a PDF back to a download. */

/** Base64 of a file's bytes (chunked: String.fromCharCode over a whole file overflows the stack). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Saves bytes under a file name through an object URL and `<a download>`: no server route and no
 * navigation (the CSP stays as it is; Electron turns it into a save dialog).
 */
export function downloadBase64(base64: string, name: string, mime: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const P12_ACCEPT = '.p12,.pfx,application/x-pkcs12';
/** A PKCS#12 with its chain is a few KB; the contract takes up to 400 000 base64 characters. */
export const P12_MAX_BYTES = 290_000;

export const CA_ACCEPT = '.pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert';
/** The contract takes up to 500 000 characters of PEM: a bundle of many CAs. */
export const CA_MAX_BYTES = 500_000;
