import { RecordBatch, makeVector, vectorFromArray, Utf8, Bool, Int8, Uint16, Float16 } from 'apache-arrow';
import { GenesisError, columnsTensor } from '@genesis-lab/contract';
import { batchOfTensors, tensorGroups, tensorsOfBatch, type TensorField } from '../../src/models/oip/tensors';

const batchOf = (cols: Record<string, ReturnType<typeof makeVector>>) =>
  new RecordBatch(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.data[0]!])));

describe('signature columns <-> OIP tensors', () => {
  const fields: TensorField[] = [
    { name: 'b', type: 'float64', tensor: 'x', index: 1 },
    { name: 'a', type: 'float64', tensor: 'x', index: 0 },
    { name: 'label', type: 'utf8' }
  ];

  it('packs columns sharing a tensor into [rows, k] by index, row-major, and reads them back', () => {
    const groups = tensorGroups(fields);
    expect(groups.map((g) => [g.tensor, g.datatype, g.columns.map((c) => c.name)])).toEqual([
      ['x', 'FP64', ['a', 'b']],
      ['label', 'BYTES', ['label']]
    ]);
    const batch = batchOf({
      a: makeVector(Float64Array.from([1, 2, 3])),
      b: makeVector(Float64Array.from([10, 20, 30])),
      label: vectorFromArray(['p', 'q', 'r'], new Utf8())
    });
    const tensors = tensorsOfBatch(batch, groups);
    expect(tensors[0]).toEqual({ name: 'x', datatype: 'FP64', shape: [3, 2], data: [1, 10, 2, 20, 3, 30] });
    expect(tensors[1]).toEqual({ name: 'label', datatype: 'BYTES', shape: [3, 1], data: ['p', 'q', 'r'] });
    const back = batchOfTensors(tensors, groups, fields, 'input');
    expect(back.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'b:Float64',
      'a:Float64',
      'label:Utf8'
    ]);
    expect(back.getChild('a')!.toArray()).toEqual(Float64Array.from([1, 2, 3]));
    expect([...back.getChild('label')!]).toEqual(['p', 'q', 'r']);
  });

  it('round-trips every datatype through Arrow and JSON', () => {
    const cases: [string, ReturnType<typeof makeVector>, unknown[]][] = [
      ['bool', vectorFromArray([true, false], new Bool()), [true, false]],
      ['int8', vectorFromArray([-128, 127], new Int8()), [-128, 127]],
      ['uint16', vectorFromArray([0, 65535], new Uint16()), [0, 65535]],
      ['int64', makeVector(BigInt64Array.from([-5n, 2n ** 52n])), [-5, 2 ** 52]],
      ['uint64', makeVector(BigUint64Array.from([0n, 7n])), [0, 7]],
      ['int32', makeVector(Int32Array.from([1, -1])), [1, -1]],
      ['float32', makeVector(Float32Array.from([0.5, -2])), [0.5, -2]],
      ['float16', vectorFromArray([0.5, 1], new Float16()), [0.5, 1]]
    ];
    for (const [type, vector, json] of cases) {
      const f: TensorField[] = [{ name: 'c', type }];
      const g = tensorGroups(f);
      const t = tensorsOfBatch(batchOf({ c: vector }), g, () => 1);
      expect(t[0]!.data).toEqual(json);
      expect(t[0]!.shape).toEqual([2]);
      const back = batchOfTensors(t, g, f, 'output');
      expect(tensorsOfBatch(back, g)[0]!.data).toEqual(json);
    }
  });

  it('refuses a wrong datatype or shape naming the tensor and what it must be', () => {
    const groups = tensorGroups(fields);
    const x = { name: 'x', datatype: 'FP64', shape: [2, 2], data: [1, 2, 3, 4] };
    const label = { name: 'label', datatype: 'BYTES', shape: [2], data: ['a', 'b'] };
    const refuse = (tensors: unknown[]) => {
      try {
        batchOfTensors(tensors as never, groups, fields, 'input');
      } catch (e) {
        expect(e).toBeInstanceOf(GenesisError);
        expect((e as GenesisError).status).toBe(400);
        return (e as GenesisError).message;
      }
      throw new Error('not refused');
    };
    expect(refuse([{ ...x, datatype: 'BYTES', data: ['1', '2', '3', '4'] }, label])).toBe(
      'input "x" is BYTES, but it must be FP64 with shape [-1, 2]'
    );
    expect(refuse([{ ...x, shape: [4, 1] }, label])).toBe(
      'input "x" has shape [4, 1], but it must be FP64 with shape [-1, 2]'
    );
    expect(refuse([{ ...x, data: [1, 2, 3, 'z'] }, label])).toMatch(
      /input "x" is FP64, so each element must be a number; element 3 is "z"/
    );
    expect(refuse([label])).toMatch(
      /input "x" is missing \(it must be FP64 with shape \[-1, 2\]\); the inputs given: "label"/
    );
    expect(refuse([x, { ...label, shape: [3], data: ['a', 'b', 'c'] }])).toMatch(/same rows/);
  });

  it('reads nested row-major data', () => {
    const groups = tensorGroups(fields);
    const b = batchOfTensors(
      [
        {
          name: 'x',
          datatype: 'FP64',
          shape: [2, 2],
          data: [
            [1, 10],
            [2, 20]
          ]
        },
        { name: 'label', datatype: 'BYTES', shape: [2, 1], data: [['a'], ['b']] }
      ],
      groups,
      fields,
      'input'
    );
    expect(columnsTensor([b.getChild('a')!.toArray(), b.getChild('b')!.toArray()])).toEqual([1, 10, 2, 20]);
  });

  it('refuses nulls and non-finite floats, which JSON tensors cannot carry', () => {
    const f: TensorField[] = [{ name: 'c', type: 'float64' }];
    const g = tensorGroups(f);
    expect(() => tensorsOfBatch(batchOf({ c: vectorFromArray([1, null]) as never }), g)).toThrow(/1 null values/);
    expect(() => tensorsOfBatch(batchOf({ c: makeVector(Float64Array.from([Number.NaN])) }), g)).toThrow(
      /row 0 is NaN/
    );
  });
});
