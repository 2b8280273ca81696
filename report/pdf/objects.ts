/**
 * Just enough of the PDF object syntax (ISO 32000-1 §7.2–7.3) to read a catalog, a page and a
 * signature dictionary, and to write the few objects an incremental update adds. Streams are
 * not decoded here: the signer never needs their contents.
 */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  key(): string {
    return `${this.num} ${this.gen}`;
  }
}

export class PdfString {
  constructor(readonly bytes: Uint8Array) {}
  /** Text strings: UTF-16BE with BOM, else PDFDocEncoding (read as Latin-1, close enough for names). */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    return Buffer.from(b).toString('latin1');
  }
  static fromText(text: string): PdfString {
    // ASCII stays one byte per character; anything else becomes UTF-16BE with a BOM.
    if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(new Uint8Array(Buffer.from(text, 'latin1')));
    const out = [0xfe, 0xff];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out.push(c >> 8, c & 0xff);
    }
    return new PdfString(new Uint8Array(out));
  }
}

export class PdfDict {
  readonly map = new Map<string, PdfValue>();
  constructor(entries?: Iterable<[string, PdfValue]>) {
    if (entries) for (const [k, v] of entries) this.map.set(k, v);
  }
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfValue): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}

/** A stream object: its dictionary and where its raw bytes sit in the file. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly start: number,
    readonly length: number,
  ) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[];

export class PdfSyntaxError extends Error {
  override name = 'PdfSyntaxError';
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

const isRegular = (c: number | undefined) => c !== undefined && !WHITESPACE.has(c) && !DELIMITERS.has(c);

export class PdfParser {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  private fail(what: string): never {
    throw new PdfSyntaxError(`PDF non leggibile: ${what} (posizione ${this.pos})`);
  }

  skipWhitespace(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** A bare keyword or number token at the cursor, without consuming it. */
  peekToken(): string {
    this.skipWhitespace();
    let end = this.pos;
    while (isRegular(this.buf[end])) end++;
    return Buffer.from(this.buf.subarray(this.pos, end)).toString('latin1');
  }

  readToken(): string {
    const t = this.peekToken();
    this.pos += t.length;
    return t;
  }

  expectKeyword(word: string): void {
    const t = this.readToken();
    if (t !== word) this.fail(`atteso "${word}", trovato "${t}"`);
  }

  readInt(): number {
    const t = this.readToken();
    if (!/^\d+$/.test(t)) this.fail(`atteso un intero, trovato "${t}"`);
    return Number(t);
  }

  readValue(): PdfValue {
    this.skipWhitespace();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) this.fail('fine del file inattesa');
    if (c === 0x2f) return this.readName();
    if (c === 0x28) return this.readLiteralString();
    if (c === 0x3c) {
      if (b[this.pos + 1] === 0x3c) return this.readDict();
      return this.readHexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipWhitespace();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        if (this.pos >= b.length) this.fail('array non chiuso');
        arr.push(this.readValue());
      }
    }
    const token = this.readToken();
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token)) {
      // "n g R" is a reference: look ahead without committing.
      if (/^\d+$/.test(token)) {
        const save = this.pos;
        const gen = this.readToken();
        if (/^\d+$/.test(gen) && this.readToken() === 'R') return new PdfRef(Number(token), Number(gen));
        this.pos = save;
      }
      return Number(token);
    }
    return this.fail(`elemento inatteso "${token || String.fromCharCode(c)}"`);
  }

  private readName(): PdfName {
    this.pos++; // '/'
    let end = this.pos;
    while (isRegular(this.buf[end])) end++;
    const raw = Buffer.from(this.buf.subarray(this.pos, end)).toString('latin1');
    this.pos = end;
    return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }

  private readLiteralString(): PdfString {
    const b = this.buf;
    this.pos++; // '('
    const out: number[] = [];
    let depth = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        const n = b[this.pos++];
        if (n === undefined) break;
        const simple: Record<number, number> = {
          0x6e: 0x0a,
          0x72: 0x0d,
          0x74: 0x09,
          0x62: 0x08,
          0x66: 0x0c,
          0x28: 0x28,
          0x29: 0x29,
          0x5c: 0x5c,
        };
        if (n in simple) out.push(simple[n]!);
        else if (n >= 0x30 && n <= 0x37) {
          let v = n - 0x30;
          for (let k = 0; k < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; k++) v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (n === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (n !== 0x0a) out.push(n);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (--depth === 0) return new PdfString(new Uint8Array(out));
        out.push(c);
      } else out.push(c);
    }
    return this.fail('stringa non chiusa');
  }

  private readHexString(): PdfString {
    const b = this.buf;
    const start = ++this.pos;
    while (this.pos < b.length && b[this.pos] !== 0x3e) this.pos++;
    if (this.pos >= b.length) this.fail('stringa esadecimale non chiusa');
    let hex = Buffer.from(b.subarray(start, this.pos)).toString('latin1').replace(/\s+/g, '');
    this.pos++;
    if (!/^[0-9a-fA-F]*$/.test(hex)) this.fail('stringa esadecimale non valida');
    if (hex.length % 2) hex += '0';
    return new PdfString(new Uint8Array(Buffer.from(hex, 'hex')));
  }

  private readDict(): PdfDict | PdfStream {
    const b = this.buf;
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.skipWhitespace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        break;
      }
      if (this.pos >= b.length) this.fail('dizionario non chiuso');
      const key = this.readValue();
      if (!(key instanceof PdfName)) this.fail('chiave di dizionario non valida');
      dict.set(key.name, this.readValue());
    }
    return dict;
  }

  /** Reads "n g obj <value> [stream…] endobj" at the cursor. */
  readIndirectObject(resolveLength?: (ref: PdfRef) => number): { ref: PdfRef; value: PdfValue } {
    const num = this.readInt();
    const gen = this.readInt();
    this.expectKeyword('obj');
    let value = this.readValue();
    if (value instanceof PdfDict && this.peekToken() === 'stream') {
      this.pos += 'stream'.length;
      if (this.buf[this.pos] === 0x0d) this.pos++;
      if (this.buf[this.pos] === 0x0a) this.pos++;
      const lengthValue = value.get('Length');
      const length =
        typeof lengthValue === 'number'
          ? lengthValue
          : lengthValue instanceof PdfRef && resolveLength
            ? resolveLength(lengthValue)
            : this.fail('lunghezza dello stream mancante');
      value = new PdfStream(value, this.pos, length);
      this.pos += length;
      this.expectKeyword('endstream');
    }
    return { ref: new PdfRef(num, gen), value };
  }
}

// ───────────────────────────── writing ─────────────────────────────

function writeName(name: string): string {
  let out = '/';
  for (const ch of Buffer.from(name, 'latin1')) {
    out += ch > 0x20 && ch < 0x7f && !DELIMITERS.has(ch) && ch !== 0x23 ? String.fromCharCode(ch) : `#${ch.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function writeNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

/** PDF syntax of a value. Strings are written as hex: no escaping to get wrong. */
export function serialize(value: PdfValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return writeNumber(value);
  if (value instanceof PdfName) return writeName(value.name);
  if (value instanceof PdfRef) return `${value.num} ${value.gen} R`;
  if (value instanceof PdfString) return `<${Buffer.from(value.bytes).toString('hex')}>`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(' ')}]`;
  if (value instanceof PdfDict) return `<<${[...value.map].map(([k, v]) => `${writeName(k)} ${serialize(v)}`).join(' ')}>>`;
  throw new PdfSyntaxError('uno stream non può essere riscritto come valore diretto');
}
