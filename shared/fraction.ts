/**
 * Exact non-negative rationals on bigint, for staffing ratios.
 * 0.8 × 12 / 6 + 0.8 × 5 / 10 is exactly 2 here; in binary floating point it is 2.0000000000000004,
 * which a ceil turns into a third educator nobody needs.
 */
export class Fraction {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    if (den === 0n) throw new RangeError('denominator is zero');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    this.num = g === 0n ? 0n : num / g;
    this.den = g === 0n ? 1n : den / g;
  }

  static of(num: number | bigint, den: number | bigint = 1): Fraction {
    return new Fraction(toBigInt(num), toBigInt(den));
  }

  static readonly ZERO = Fraction.of(0);

  add(other: Fraction): Fraction {
    return new Fraction(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  mul(other: Fraction): Fraction {
    return new Fraction(this.num * other.num, this.den * other.den);
  }

  div(other: Fraction): Fraction {
    return new Fraction(this.num * other.den, this.den * other.num);
  }

  ceil(): bigint {
    const q = this.num / this.den;
    return this.num % this.den === 0n || this.num < 0n ? q : q + 1n;
  }

  floor(): bigint {
    const q = this.num / this.den;
    return this.num % this.den === 0n || this.num >= 0n ? q : q - 1n;
  }

  compare(other: Fraction): number {
    const l = this.num * other.den;
    const r = other.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  /** Decimal text with up to `digits` places, Italian comma: "3,95". */
  toItalian(digits = 2): string {
    const scale = 10n ** BigInt(digits);
    const scaled = (this.num * scale * 2n + this.den) / (2n * this.den); // round half up
    const whole = scaled / scale;
    const frac = (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return frac ? `${whole},${frac}` : `${whole}`;
  }

  toString(): string {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

function toBigInt(v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isInteger(v)) throw new RangeError(`not an integer: ${v}`);
  return BigInt(v);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
