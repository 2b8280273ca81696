/**
 * The objects of a PDF as qpdf reads them (`qpdf --json=2`, Debian's qpdf 11): an independent
 * reader, so a test of what our PDF says does not trust our own parser.
 */
import { execFileSync } from 'node:child_process';

export interface QpdfObject {
  /** "12 0 R" */
  ref: string;
  /** The dictionary of a stream, or the value of any other object (a dictionary, an array, …). */
  dict: Record<string, any>;
  isStream: boolean;
  value: any;
}

export function qpdfObjects(path: string): QpdfObject[] {
  const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=qpdf', path], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  const objects: QpdfObject[] = [];
  for (const [key, entry] of Object.entries<any>(json.qpdf[1])) {
    if (!key.startsWith('obj:')) continue;
    const isStream = entry.stream !== undefined;
    const value = isStream ? entry.stream.dict : entry.value;
    objects.push({ ref: key.slice(4), dict: value && typeof value === 'object' && !Array.isArray(value) ? value : {}, isStream, value });
  }
  return objects;
}

/** The object a reference string ("5 0 R") names. */
export function qpdfObject(objects: QpdfObject[], ref: string): QpdfObject | undefined {
  return objects.find((o) => o.ref === ref);
}
