import { DataType, MetadataVersion, Type, UnionMode, type Field } from 'apache-arrow';

/**
 * Where one top-level column lives inside a record batch message: its slice of the
 * message's field nodes, buffers and variadic buffer counts. The IPC format lays these out
 * depth-first, column after column, so the ranges only depend on the schema.
 */
export interface ColumnLayout {
  nodeStart: number;
  nodeCount: number;
  bufferStart: number;
  bufferCount: number;
  variadicStart: number;
  variadicCount: number;
}

interface Counts {
  nodes: number;
  buffers: number;
  variadic: number;
}

/** Buffers a type owns itself (children excluded), after the IPC specification's layout table. */
function ownBuffers(type: DataType, version: MetadataVersion): number {
  switch (type.typeId) {
    case Type.Null:
      return 0;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
      return 3; // validity, offsets, data
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      return 2; // validity, offsets
    case Type.FixedSizeList:
    case Type.Struct:
      return 1; // validity
    case Type.Union: {
      const legacyValidity = version < MetadataVersion.V5 ? 1 : 0;
      return legacyValidity + ((type as unknown as { mode: UnionMode }).mode === UnionMode.Dense ? 2 : 1);
    }
    case Type.Utf8View:
    case Type.BinaryView:
      return 2; // validity, views (+ variadic data buffers, counted separately)
    default:
      // Bool, Int, Float, Decimal, Date, Time, Timestamp, Interval, Duration,
      // FixedSizeBinary and dictionary indices: validity + values.
      return 2;
  }
}

function count(type: DataType, version: MetadataVersion, acc: Counts): void {
  acc.nodes += 1;
  acc.buffers += ownBuffers(type, version);
  // A dictionary column holds indices only; its values travel in their own dictionary batches.
  if (DataType.isDictionary(type)) return;
  if (type.typeId === Type.Utf8View || type.typeId === Type.BinaryView) acc.variadic += 1;
  for (const child of type.children ?? []) count(child.type, version, acc);
}

/** The layout of every top-level column of `fields`, in schema order. */
export function columnLayouts(fields: readonly Field[], version: MetadataVersion): ColumnLayout[] {
  const out: ColumnLayout[] = [];
  let nodes = 0;
  let buffers = 0;
  let variadic = 0;
  for (const f of fields) {
    const acc: Counts = { nodes: 0, buffers: 0, variadic: 0 };
    count(f.type, version, acc);
    out.push({
      nodeStart: nodes,
      nodeCount: acc.nodes,
      bufferStart: buffers,
      bufferCount: acc.buffers,
      variadicStart: variadic,
      variadicCount: acc.variadic
    });
    nodes += acc.nodes;
    buffers += acc.buffers;
    variadic += acc.variadic;
  }
  return out;
}
