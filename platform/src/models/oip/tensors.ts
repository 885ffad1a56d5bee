import {
  Bool,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeVector,
  vectorFromArray,
  type DataType,
  type Vector
} from 'apache-arrow';
import {
  GenesisError,
  arrowTypeOfOip,
  oipDatatypeOfArrow,
  shapeText,
  tensorColumns,
  tensorProblem,
  type OipDatatype,
  type OipTensorLike
} from '@genesis-lab/contract';

/**
 * Signature columns <-> OIP tensors, the one mapping both directions use: the `oip` runtime sends
 * Arrow columns as request tensors and reads response tensors back into columns; the platform's
 * own /v2 routes read request tensors into columns and send its outputs as tensors. Several scalar
 * columns may feed one tensor (`tensor` names it, `index` is the column's place on its last axis):
 * k columns make a `[rows, k]` tensor, row-major.
 */

/** The part of a signature field this mapping reads (contract SignatureField). */
export interface TensorField {
  name: string;
  type: string;
  tensor?: string;
  index?: number;
  shape?: readonly number[];
}

/** One tensor and the columns it carries, in their order along its last axis. */
export interface TensorGroup {
  tensor: string;
  datatype: OipDatatype;
  columns: TensorField[];
}

/** Group signature fields into the tensors they travel in (signature order of first appearance). */
export function tensorGroups(fields: readonly TensorField[]): TensorGroup[] {
  const groups = new Map<string, TensorGroup>();
  for (const f of fields) {
    if (f.shape && f.shape.length > 0)
      throw new GenesisError(
        'unprocessable',
        `Column "${f.name}" has a per-row shape ${shapeText(f.shape)}; OIP tensors here carry scalar columns only`,
        { hint: 'Declare one scalar column per element, with the same "tensor" and their "index"' }
      );
    const datatype = oipDatatypeOfArrow(f.type);
    if (!datatype)
      throw new GenesisError('unprocessable', `Column "${f.name}" is ${f.type}, which has no OIP datatype`);
    const tensor = f.tensor ?? f.name;
    const g = groups.get(tensor);
    if (!g) groups.set(tensor, { tensor, datatype, columns: [f] });
    else if (g.datatype !== datatype)
      throw new GenesisError(
        'unprocessable',
        `Columns "${g.columns[0]!.name}" and "${f.name}" share tensor "${tensor}" but have different types`
      );
    else g.columns.push(f);
  }
  for (const g of groups.values()) g.columns.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return [...groups.values()];
}

/** The OIP shape a group's tensor has for `rows` rows: `[rows, k]`, or `[rows]` when `rank` says the server wants rank 1. */
export function groupShape(group: TensorGroup, rows: number, rank = 2): number[] {
  return rank === 1 && group.columns.length === 1 ? [rows] : [rows, group.columns.length];
}

/** The shape metadata declares for a group: the batch axis variable (-1). */
export function groupMetadataShape(group: TensorGroup): number[] {
  return [-1, group.columns.length];
}

const ARROW_TYPES: Record<OipDatatype, () => DataType> = {
  BOOL: () => new Bool(),
  UINT8: () => new Uint8(),
  UINT16: () => new Uint16(),
  UINT32: () => new Uint32(),
  UINT64: () => new Uint64(),
  INT8: () => new Int8(),
  INT16: () => new Int16(),
  INT32: () => new Int32(),
  INT64: () => new Int64(),
  FP16: () => new Float16(),
  FP32: () => new Float32(),
  FP64: () => new Float64(),
  BYTES: () => new Utf8()
};

/** An Arrow vector of an OIP datatype from JSON elements (already checked by tensorProblem). */
export function vectorOf(datatype: OipDatatype, values: unknown[]): Vector {
  switch (datatype) {
    case 'FP64':
      return makeVector(Float64Array.from(values as number[]));
    case 'FP32':
      return makeVector(Float32Array.from(values as number[]));
    case 'INT32':
      return makeVector(Int32Array.from(values as number[]));
    case 'INT64':
      return makeVector(BigInt64Array.from(values as number[], (v) => BigInt(v)));
    case 'UINT64':
      return makeVector(BigUint64Array.from(values as number[], (v) => BigInt(v)));
    default:
      return vectorFromArray(values as never[], ARROW_TYPES[datatype]() as never) as Vector;
  }
}

/** JSON elements of an Arrow column (int64 as numbers, refused past 2^53 where JSON loses digits). */
export function jsonValuesOf(column: Vector, name: string): unknown[] {
  if (column.nullCount > 0)
    throw new GenesisError(
      'validation_failed',
      `Column "${name}" has ${column.nullCount} null values; OIP JSON tensors cannot carry nulls`,
      { hint: 'Fill or drop the nulls before predicting' }
    );
  const out = new Array<unknown>(column.length);
  const typeId = String(column.type);
  if (typeId === 'Int64' || typeId === 'Uint64') {
    for (let i = 0; i < column.length; i++) {
      const v = column.get(i) as bigint;
      const n = Number(v);
      if (!Number.isSafeInteger(n))
        throw new GenesisError(
          'validation_failed',
          `Column "${name}" row ${i} is ${v}, past what a JSON number holds exactly (2^53)`
        );
      out[i] = n;
    }
    return out;
  }
  if (column.type instanceof Float64 || column.type instanceof Float32) {
    for (let i = 0; i < column.length; i++) {
      const v = column.get(i) as number;
      if (!Number.isFinite(v))
        throw new GenesisError(
          'validation_failed',
          `Column "${name}" row ${i} is ${v}, which a JSON tensor cannot carry`
        );
      out[i] = v;
    }
    return out;
  }
  for (let i = 0; i < column.length; i++) out[i] = column.get(i);
  return out;
}

/** Request or response tensors of `groups` from a batch holding their columns. */
export function tensorsOfBatch(
  batch: RecordBatch,
  groups: readonly TensorGroup[],
  rankOf: (tensor: string) => number = () => 2
): OipTensorLike[] {
  return groups.map((g) => {
    const cols = g.columns.map((c) => {
      const v = batch.getChild(c.name);
      if (!v) throw new GenesisError('validation_failed', `The batch has no column "${c.name}"`);
      return jsonValuesOf(v, c.name);
    });
    const rows = batch.numRows;
    let data: unknown[];
    if (cols.length === 1) data = cols[0]!;
    else {
      data = new Array<unknown>(rows * cols.length);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols.length; c++) data[r * cols.length + c] = cols[c]![r];
    }
    return { name: g.tensor, datatype: g.datatype, shape: groupShape(g, rows, rankOf(g.tensor)), data };
  });
}

/** What kind of tensors these are, for messages: request inputs, or a server's outputs. */
export type TensorRole = 'input' | 'output';

/**
 * Columns of `groups` read from tensors, as one record batch (columns in `fields` order). Every
 * group's tensor must be there, of its datatype, shaped `[rows]` (one column) or `[rows, k]`, all
 * with the same rows. Problems are `validation_failed` (400) naming the tensor and what it expects;
 * `problem` lets a client turn them into its own code (a remote server's bad answer).
 */
export function batchOfTensors(
  tensors: readonly OipTensorLike[],
  groups: readonly TensorGroup[],
  fields: readonly TensorField[],
  role: TensorRole,
  problem: (message: string) => GenesisError = (m) => new GenesisError('validation_failed', m)
): RecordBatch {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const vectors = new Map<string, Vector>();
  let rows: number | undefined;
  for (const g of groups) {
    const expects = `${g.datatype} with shape ${shapeText(groupMetadataShape(g))}`;
    const t = byName.get(g.tensor);
    if (!t) {
      const have = tensors.map((x) => `"${x.name}"`).join(', ') || 'none';
      throw problem(`${role} "${g.tensor}" is missing (it must be ${expects}); the ${role}s given: ${have}`);
    }
    if (t.datatype !== g.datatype) throw problem(`${role} "${g.tensor}" is ${t.datatype}, but it must be ${expects}`);
    const k = g.columns.length;
    const okShape = (t.shape.length === 2 && t.shape[1] === k) || (t.shape.length === 1 && k === 1);
    if (!okShape) throw problem(`${role} "${g.tensor}" has shape ${shapeText(t.shape)}, but it must be ${expects}`);
    const bad = tensorProblem(t, role);
    if (bad) throw problem(`${bad} (it must be ${expects})`);
    const n = t.shape[0]!;
    if (rows !== undefined && n !== rows)
      throw problem(
        `${role} "${g.tensor}" has ${n} rows but another ${role} has ${rows}; every ${role} needs the same rows`
      );
    rows = n;
    const flat = t.data.some(Array.isArray) ? (t.data.flat(Infinity) as unknown[]) : (t.data as unknown[]);
    const cols = k === 1 ? [flat] : tensorColumns(flat, [n, k]);
    g.columns.forEach((c, i) => vectors.set(c.name, vectorOf(g.datatype, cols[i]!)));
  }
  // One chunk each (built from one array), so data[0] is the whole column.
  const children: Record<string, Vector['data'][number]> = {};
  for (const f of fields) children[f.name] = vectors.get(f.name)!.data[0]!;
  return new RecordBatch(children);
}

/** The Arrow type name a group's columns have (for checks against a signature). */
export function groupArrowType(g: TensorGroup): string {
  return arrowTypeOfOip(g.datatype);
}
