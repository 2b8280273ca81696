/**
 * Base64 as the page sends it (FileReader's data URLs: the standard alphabet, padded), decoded
 * strictly: anything else, including a final character whose unused bits are not zero, is refused
 * rather than silently skipped by `Buffer.from`. Checked by encoding the bytes back, natively: a
 * regular expression over a 20 MB photo took tens of milliseconds of the inspector's wait.
 */
export function strictBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}
