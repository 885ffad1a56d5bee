import fc from 'fast-check';
import {
  OIP_DATATYPES,
  OipInferRequest,
  arrowTypeOfOip,
  columnsTensor,
  flattenRowMajor,
  isOipValue,
  oipDatatypeOfArrow,
  oipModelName,
  recordIdOfOipName,
  shapeMatches,
  tensorColumns,
  tensorProblem,
  type OipDatatype
} from '@genesis-lab/contract';

describe('OIP datatype <-> Arrow type', () => {
  it('round-trips every OIP datatype through its Arrow type', () => {
    for (const d of OIP_DATATYPES) expect(oipDatatypeOfArrow(arrowTypeOfOip(d))).toBe(d);
  });

  it('maps the Arrow types by name, strings and binaries to BYTES, and has none for the rest', () => {
    expect(arrowTypeOfOip('FP64')).toBe('float64');
    expect(arrowTypeOfOip('FP16')).toBe('float16');
    expect(arrowTypeOfOip('UINT64')).toBe('uint64');
    expect(arrowTypeOfOip('BOOL')).toBe('bool');
    expect(oipDatatypeOfArrow('int8')).toBe('INT8');
    expect(oipDatatypeOfArrow('large_utf8')).toBe('BYTES');
    expect(oipDatatypeOfArrow('binary')).toBe('BYTES');
    expect(oipDatatypeOfArrow('timestamp[ms]')).toBeUndefined();
    expect(oipDatatypeOfArrow('list<float64>')).toBeUndefined();
  });
});

describe('row-major tensors', () => {
  const shapeAndData = fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 5 }))
    .chain(([rows, width]) =>
      fc.tuple(
        fc.constant([rows, width]),
        fc.array(fc.double({ noNaN: true }), { minLength: rows * width, maxLength: rows * width })
      )
    );

  it('splits [rows, k] into k columns and interleaves them back (round trip)', () => {
    fc.assert(
      fc.property(shapeAndData, ([shape, flat]) => {
        const cols = tensorColumns(flat, shape);
        expect(cols).toHaveLength(shape[1]!);
        for (const c of cols) expect(c).toHaveLength(shape[0]!);
        expect(columnsTensor(cols)).toEqual(flat);
      })
    );
  });

  it('puts element [r, c] at r * k + c (row-major, not column-major)', () => {
    // [[1, 2, 3], [4, 5, 6]]
    const cols = tensorColumns([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(cols).toEqual([
      [1, 4],
      [2, 5],
      [3, 6]
    ]);
    expect(
      flattenRowMajor([
        [1, 2, 3],
        [4, 5, 6]
      ])
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a [rows] tensor is one column', () => {
    expect(tensorColumns([7, 8, 9], [3])).toEqual([[7, 8, 9]]);
  });

  it('refuses columns of different lengths', () => {
    expect(() => columnsTensor([[1, 2], [3]])).toThrow(/column 1 has 1 values, not 2/);
  });

  it('matches a declared -1 dimension to any size, and nothing else loosely', () => {
    expect(shapeMatches([-1, 1], [5, 1])).toBe(true);
    expect(shapeMatches([-1, 1], [5, 2])).toBe(false);
    expect(shapeMatches([-1, 1], [5])).toBe(false);
  });
});

describe('tensorProblem', () => {
  const t = (datatype: string, shape: number[], data: unknown[]) => ({ name: 'x', datatype, shape, data });

  it('accepts valid tensors of every datatype', () => {
    const sample: Record<OipDatatype, unknown> = {
      BOOL: true,
      UINT8: 255,
      UINT16: 65535,
      UINT32: 4294967295,
      UINT64: 2 ** 53 - 1,
      INT8: -128,
      INT16: -32768,
      INT32: -2147483648,
      INT64: -(2 ** 53 - 1),
      FP16: 0.5,
      FP32: 1.25,
      FP64: Math.PI,
      BYTES: 'hello'
    };
    for (const d of OIP_DATATYPES) expect(tensorProblem(t(d, [2, 1], [sample[d], sample[d]]))).toBeUndefined();
  });

  it('names the input, its datatype, what each element must be and the bad element', () => {
    expect(tensorProblem(t('FP64', [2, 1], [1, 'a']))).toBe(
      'input "x" is FP64, so each element must be a number; element 1 is "a"'
    );
    expect(tensorProblem(t('UINT8', [1], [256]))).toMatch(
      /UINT8, so each element must be an integer in 0\.\.255; element 0 is 256/
    );
    expect(tensorProblem(t('INT32', [1], [1.5]))).toMatch(/element 0 is 1\.5/);
    expect(tensorProblem(t('BOOL', [1], [1]))).toMatch(/true or false/);
    expect(tensorProblem(t('BYTES', [1], [3]))).toMatch(/a string/);
  });

  it('refuses a shape that does not hold the data, and an unknown datatype', () => {
    expect(tensorProblem(t('FP64', [3, 1], [1, 2]))).toBe(
      'input "x" has shape [3, 1] (3 elements) but 2 data elements'
    );
    expect(tensorProblem(t('FLOAT', [1], [1]))).toMatch(/not an OIP datatype/);
    expect(tensorProblem(t('FP64', [-1], [1]))).toMatch(/whole number >= 0/);
  });

  it('accepts nested data in row-major order', () => {
    expect(
      tensorProblem(
        t(
          'FP32',
          [2, 2],
          [
            [1, 2],
            [3, 4]
          ]
        )
      )
    ).toBeUndefined();
  });

  it('isOipValue keeps JSON-exact integers only', () => {
    expect(isOipValue('INT64', 2 ** 53)).toBe(false);
    expect(isOipValue('FP64', Number.NaN)).toBe(false);
  });
});

describe('OIP model names', () => {
  it('map a catalog id to one path segment and back', () => {
    expect(oipModelName('climate/co2-trend')).toBe('climate~co2-trend');
    expect(recordIdOfOipName('climate~co2-trend')).toBe('climate/co2-trend');
    expect(recordIdOfOipName('climate/co2-trend')).toBe('climate/co2-trend');
  });
});

describe('OipInferRequest', () => {
  it('parses the spec example and keeps unknown fields', () => {
    const r = OipInferRequest.parse({
      id: '42',
      inputs: [{ name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }],
      outputs: [{ name: 'output0' }],
      extra: 1
    });
    expect(r.inputs[0]!.name).toBe('input0');
    expect((r as Record<string, unknown>).extra).toBe(1);
  });

  it('refuses a request without inputs', () => {
    expect(OipInferRequest.safeParse({ inputs: [] }).success).toBe(false);
  });
});
