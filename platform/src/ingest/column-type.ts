/**
 * Column types ingest infers, and how they widen. Every value of a column is classified;
 * a column's type is the join of its values' types:
 *   null < bool;  null < int64 < float64;  null < date32 < timestamp;  anything else -> utf8.
 * Conflicts promote (int64 + float64 = float64, date32 + timestamp = timestamp) or fall back
 * to utf8, which holds every value as text, so inference never loses data.
 */
export type ColumnType = 'null' | 'bool' | 'int64' | 'float64' | 'date32' | 'timestamp' | 'utf8';

export const COLUMN_TYPES: readonly ColumnType[] = ['null', 'bool', 'int64', 'float64', 'date32', 'timestamp', 'utf8'];

/** Fraction digits decide the timestamp unit: up to 3 -> ms, 6 -> us, 9 -> ns. */
export type TimeUnitName = 'ms' | 'us' | 'ns';

export function joinTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  const pair = (x: ColumnType, y: ColumnType) => (a === x && b === y) || (a === y && b === x);
  if (pair('int64', 'float64')) return 'float64';
  if (pair('date32', 'timestamp')) return 'timestamp';
  return 'utf8';
}

/** Text that means "no value" in CSV (and in JSON strings read as text). */
export const NULL_TOKENS = new Set(['', 'NA', 'N/A', 'NULL', 'null']);

const INT = /^[+-]?(0|[1-9]\d*)$/;
// Like INT, a leading zero ("02134") is not a number: codes keep their digits as text.
const FLOAT = /^[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(NaN|Infinity)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

export function isInt64Text(s: string): boolean {
  if (!INT.test(s)) return false;
  if (s.length < 16) return true;
  const v = BigInt(s);
  return v <= INT64_MAX && v >= INT64_MIN;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS_IN_MONTH[m - 1]! + (leap ? 1 : 0);
}

/** Days since 1970-01-01 for "YYYY-MM-DD", or undefined. */
export function parseDate(s: string): number | undefined {
  const m = DATE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return undefined;
  return Date.UTC(y, mo - 1, d) / 86_400_000;
}

export interface TimestampParts {
  /** Whole milliseconds since the epoch, UTC. */
  ms: number;
  /** Nanoseconds beyond `ms` (0-999,999). */
  subMsNanos: number;
  fractionDigits: number;
}

/** ISO 8601 date-time ("2020-04-01T12:00:00.5Z", "2020-04-01 12:00", offsets allowed; none = UTC). */
export function timestampParts(s: string): TimestampParts | undefined {
  const m = DATETIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  if (!validDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 60) return undefined;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0));
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const fraction = frac ?? '';
  const nanos = fraction ? Number((fraction + '000000000').slice(0, 9)) : 0;
  ms += Math.floor(nanos / 1_000_000);
  return { ms, subMsNanos: nanos % 1_000_000, fractionDigits: fraction.length };
}

/** Digits after the decimal point of a date-time's seconds (0 when none). */
function fractionDigitsOf(s: string): number {
  const dot = s.indexOf('.', 16);
  if (dot < 0) return 0;
  let n = 0;
  while (dot + 1 + n < s.length && s.charCodeAt(dot + 1 + n) >= 48 && s.charCodeAt(dot + 1 + n) <= 57) n++;
  return n;
}

/** The type of one text value (CSV cell). */
export function classifyText(s: string): ColumnType {
  if (NULL_TOKENS.has(s)) return 'null';
  const c = s.charCodeAt(0);
  // Fast path: most cells start with a digit or sign.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (isInt64Text(s)) return 'int64';
    if (FLOAT.test(s)) return 'float64';
    if (parseDate(s) !== undefined) return 'date32';
    if (timestampParts(s) !== undefined) return 'timestamp';
    return 'utf8';
  }
  if (s.length <= 5) {
    const l = s.toLowerCase();
    if (l === 'true' || l === 'false') return 'bool';
  }
  if (FLOAT.test(s)) return 'float64';
  return 'utf8';
}

/** The type of one JSON value: JSON already types numbers and booleans; strings may hold dates. */
export function classifyJson(v: unknown): ColumnType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'string') {
    if (parseDate(v) !== undefined) return 'date32';
    if (timestampParts(v) !== undefined) return 'timestamp';
    return 'utf8';
  }
  return 'utf8';
}

/** Running inference for one column. */
export class ColumnInference {
  type: ColumnType = 'null';
  fractionDigits = 0;
  nulls = 0;
  values = 0;

  observe(t: ColumnType, raw: unknown): void {
    this.values++;
    if (t === 'null') {
      this.nulls++;
      return;
    }
    this.type = joinTypes(this.type, t);
    if (t === 'timestamp' && typeof raw === 'string') {
      const digits = fractionDigitsOf(raw);
      if (digits > this.fractionDigits) this.fractionDigits = digits;
    }
  }

  get unit(): TimeUnitName {
    return this.fractionDigits <= 3 ? 'ms' : this.fractionDigits <= 6 ? 'us' : 'ns';
  }
}
