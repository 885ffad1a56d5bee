/**
 * The Open Inference Protocol v2 (KServe / Triton / MLServer) tensor rules without zod or Arrow:
 * which OIP datatype an Arrow column type travels as, and how a tensor's row-major `data` maps to
 * and from per-row values. The platform's `/v2` routes and its `oip` runtime (a client of remote
 * servers) both call these, so a tensor reads the same in both directions.
 */

export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES'
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

/** The Arrow type (pyarrow notation, as catalog fields and signatures write it) each OIP datatype becomes. */
const ARROW_OF: Record<OipDatatype, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'utf8'
};

/** Arrow types that travel as an OIP datatype other than their own name (strings and binaries are BYTES). */
const OIP_OF_ARROW: Record<string, OipDatatype> = {
  ...Object.fromEntries(Object.entries(ARROW_OF).map(([oip, arrow]) => [arrow, oip as OipDatatype])),
  large_utf8: 'BYTES',
  binary: 'BYTES',
  large_binary: 'BYTES',
  string: 'BYTES',
  double: 'FP64',
  float: 'FP32',
  halffloat: 'FP16',
  boolean: 'BOOL'
};

export function isOipDatatype(s: string): s is OipDatatype {
  return (OIP_DATATYPES as readonly string[]).includes(s);
}

/** The Arrow type an OIP datatype is read as (`FP64` -> `float64`, `BYTES` -> `utf8`). */
export function arrowTypeOfOip(datatype: OipDatatype): string {
  return ARROW_OF[datatype];
}

/** The OIP datatype an Arrow column type is sent as, or undefined when OIP has none (timestamps, lists, ...). */
export function oipDatatypeOfArrow(arrowType: string): OipDatatype | undefined {
  return OIP_OF_ARROW[arrowType.trim().toLowerCase()];
}

/** Number of elements a shape holds (`[]` is a scalar: 1). Undefined when a dimension is variable (-1). */
export function shapeSize(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (d < 0) return undefined;
    n *= d;
  }
  return n;
}

/**
 * Whether a concrete shape fits a declared one, where -1 in the declared shape is any size
 * (OIP metadata writes a variable batch dimension as -1).
 */
export function shapeMatches(declared: readonly number[], actual: readonly number[]): boolean {
  return declared.length === actual.length && declared.every((d, i) => d < 0 || d === actual[i]);
}

/** `[-1, 1]` as text for messages: `[-1, 1]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** JSON `data` may be flat or nested (the spec allows both); flatten it in row-major order. */
export function flattenRowMajor(data: readonly unknown[]): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const out: unknown[] = [];
  const walk = (xs: readonly unknown[]): void => {
    for (const x of xs) {
      if (Array.isArray(x)) walk(x);
      else out.push(x);
    }
  };
  walk(data);
  return out;
}

/** Integer ranges of the OIP integer datatypes (64-bit ones as far as a JSON number is exact). */
const INT_RANGE: Partial<Record<OipDatatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
};

/** What a JSON value of the datatype looks like, for messages. */
export function oipValueKind(datatype: OipDatatype): string {
  if (datatype === 'BOOL') return 'true or false';
  if (datatype === 'BYTES') return 'a string';
  if (datatype.startsWith('FP')) return 'a number';
  const [lo, hi] = INT_RANGE[datatype]!;
  return `an integer in ${lo}..${hi}`;
}

/** Whether one JSON element is a valid value of the datatype. */
export function isOipValue(datatype: OipDatatype, v: unknown): boolean {
  if (datatype === 'BOOL') return typeof v === 'boolean';
  if (datatype === 'BYTES') return typeof v === 'string';
  if (typeof v !== 'number') return false;
  if (datatype.startsWith('FP')) return Number.isFinite(v);
  const [lo, hi] = INT_RANGE[datatype]!;
  return Number.isInteger(v) && v >= lo && v <= hi;
}

/** A tensor as it travels in a JSON infer request or response. */
export interface OipTensorLike {
  name: string;
  datatype: string;
  shape: readonly number[];
  data: readonly unknown[];
}

/**
 * Check a tensor's data against its datatype and shape: the flattened element count must be the
 * shape's size and every element a value of the datatype. Answers the problem in words naming the
 * tensor (the index of the first bad element included), or undefined when it is valid.
 */
export function tensorProblem(t: OipTensorLike, what = 'input'): string | undefined {
  if (!isOipDatatype(t.datatype))
    return `${what} "${t.name}" has datatype "${t.datatype}", which is not an OIP datatype (${OIP_DATATYPES.join(', ')})`;
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0))
    return `${what} "${t.name}" has shape ${shapeText(t.shape)}; every dimension must be a whole number >= 0`;
  const flat = flattenRowMajor(t.data);
  const size = shapeSize(t.shape)!;
  if (flat.length !== size)
    return `${what} "${t.name}" has shape ${shapeText(t.shape)} (${size} elements) but ${flat.length} data elements`;
  const datatype = t.datatype;
  for (let i = 0; i < flat.length; i++) {
    if (!isOipValue(datatype, flat[i]))
      return `${what} "${t.name}" is ${datatype}, so each element must be ${oipValueKind(datatype)}; element ${i} is ${JSON.stringify(flat[i]) ?? String(flat[i])}`;
  }
  return undefined;
}

/**
 * Split a row-major tensor of shape `[rows, ...inner]` into `inner`'s element count of columns,
 * each with one value per row: `[rows, k]` gives k columns (the usual layout of a feature matrix),
 * `[rows]` or `[rows, 1]` one column.
 */
export function tensorColumns<T>(flat: readonly T[], shape: readonly number[]): T[][] {
  const rows = shape.length === 0 ? 1 : shape[0]!;
  const width = shape.length <= 1 ? 1 : shapeSize(shape.slice(1))!;
  const cols: T[][] = Array.from({ length: width }, () => new Array<T>(rows));
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) cols[c]![r] = flat[r * width + c]!;
  return cols;
}

/** The inverse of tensorColumns: equal-length columns interleaved into one row-major array of shape [rows, columns]. */
export function columnsTensor<T>(columns: readonly ArrayLike<T>[]): T[] {
  const width = columns.length;
  const rows = width === 0 ? 0 : columns[0]!.length;
  const out = new Array<T>(rows * width);
  for (let c = 0; c < width; c++) {
    const col = columns[c]!;
    if (col.length !== rows) throw new RangeError(`columnsTensor: column ${c} has ${col.length} values, not ${rows}`);
    for (let r = 0; r < rows; r++) out[r * width + c] = col[r]!;
  }
  return out;
}

/**
 * OIP model names are one path segment, and KServe's and Triton's clients do not escape "/" in
 * them: a model `ns/name` is served as `ns~name` ("~" is in no catalog id and no client escapes it).
 */
export function oipModelName(id: string): string {
  return id.replace('/', '~');
}

/** The catalog id an OIP model name stands for (`ns~name`, or `ns/name` when a client sent %2F). */
export function recordIdOfOipName(name: string): string {
  return name.includes('/') ? name : name.replace('~', '/');
}
