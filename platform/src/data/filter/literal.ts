import { isPropertyRef, type Cql2Scalar } from '@genesis-lab/contract';

/** A filter literal, typed once at compile time. Temporal literals are exact nanoseconds since the epoch (UTC). */
export type Literal =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string; bytes: Uint8Array }
  | { kind: 'bool'; value: boolean }
  | { kind: 'temporal'; ns: bigint; text: string };

const encoder = new TextEncoder();
const MS_NS = 1_000_000n;

// The contract already validated the shape (zod iso datetime with offset / iso date).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `{"timestamp": ...}` to nanoseconds since the epoch, keeping sub-millisecond digits exactly (up to ns). */
export function timestampNs(text: string): bigint {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new Error(`not an ISO 8601 timestamp: ${text}`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const fracNs = BigInt((frac ?? '').padEnd(9, '0').slice(0, 9));
  return BigInt(ms - offsetMin * 60_000) * MS_NS + fracNs;
}

/** `{"date": "YYYY-MM-DD"}` to nanoseconds at midnight UTC. */
export function dateNs(text: string): bigint {
  const m = DATE.exec(text);
  if (!m) throw new Error(`not an ISO 8601 date: ${text}`);
  return BigInt(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) * MS_NS;
}

/** The literal an operand denotes, or undefined when it is a property reference. */
export function literalOf(v: Cql2Scalar): Literal | undefined {
  if (isPropertyRef(v)) return undefined;
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v, bytes: encoder.encode(v) };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if ('timestamp' in v) return { kind: 'temporal', ns: timestampNs(v.timestamp), text: v.timestamp };
  return { kind: 'temporal', ns: dateNs(v.date), text: v.date };
}

export function describeLiteral(l: Literal): string {
  switch (l.kind) {
    case 'number':
      return `the number ${l.value}`;
    case 'string':
      return `the string ${JSON.stringify(l.value)}`;
    case 'bool':
      return `the boolean ${l.value}`;
    case 'temporal':
      return `the date/time ${l.text}`;
  }
}

/** Floor division for bigints (BigInt `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
