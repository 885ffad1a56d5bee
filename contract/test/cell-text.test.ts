import {
  DateDay,
  Int64,
  TimestampMillisecond,
  TimestampNanosecond,
  makeData,
  makeVector,
  vectorFromArray,
  type Vector
} from 'apache-arrow';
import { cellTextOf, type ArrowColumnData } from '@genesis-lab/contract/core';

/** Every cell of a vector (one chunk) as the shared rule writes it. */
function texts(v: Vector): (string | null)[] {
  const data = v.data[0]!;
  const text = cellTextOf(data as unknown as ArrowColumnData, (i) => v.get(i));
  return Array.from({ length: v.length }, (_, i) => text(i));
}

describe('one Arrow cell as text', () => {
  it('keeps every digit of an int64 and of a nanosecond timestamp', () => {
    const big = makeVector({ type: new Int64(), data: new BigInt64Array([9007199254740993n, -1n]), length: 2 });
    expect(texts(big)).toEqual(['9007199254740993', '-1']);
    const ns = makeVector({
      type: new TimestampNanosecond(),
      data: new BigInt64Array([1700000000123456789n]),
      length: 1
    });
    expect(texts(ns)).toEqual(['2023-11-14T22:13:20.123456789']);
  });

  it('writes a midnight timestamp as a timestamp (UTC with Z when the column has a zone); a date as a date', () => {
    const utc = makeData({ type: new TimestampMillisecond('UTC'), data: new BigInt64Array([86_400_000n]), length: 1 });
    expect(texts(makeVector(utc))).toEqual(['1970-01-02T00:00:00.000Z']);
    const day = makeVector({ type: new DateDay(), data: new Int32Array([1]), length: 1 });
    expect(texts(day)).toEqual(['1970-01-02']);
  });

  it('reads a sliced column at the right rows, nulls included', () => {
    const v = vectorFromArray([1, null, 3, null, 5, 6, null, 8]).slice(3);
    expect(texts(v)).toEqual([null, '5', '6', null, '8']);
    const b = vectorFromArray([true, false, true, true, false]).slice(2);
    expect(texts(b)).toEqual(['true', 'true', 'false']);
    const s = vectorFromArray(['a', 'b,c', null, 'é']).slice(1);
    expect(texts(s)).toEqual(['b,c', null, 'é']);
  });
});
