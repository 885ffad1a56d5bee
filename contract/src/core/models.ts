import { closest } from './suggest';

/** Runtimes a model version can name; each is one implementation of the platform's ModelRuntime. */
export const MODEL_RUNTIMES = ['onnx', 'oip'] as const;

/**
 * Element types of signature columns, named as the platform names Arrow types (`typeName`):
 * the tensor element types both ONNX and the Open Inference Protocol know, plus `utf8` (BYTES).
 */
export const SIGNATURE_TYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'utf8'
] as const;
export type SignatureTypeName = (typeof SIGNATURE_TYPES)[number];

/** Response headers of predict: the resolved version and the weights digest, for lineage. */
export const MODEL_VERSION_HEADER = 'genesis-model-version';
export const MODEL_SHA256_HEADER = 'genesis-model-sha256';
export const MODEL_RUNTIME_HEADER = 'genesis-model-runtime';
/** Media types of the model card exports and of weights. */
export const JSON_LD_MEDIA_TYPE = 'application/ld+json';
export const MARKDOWN_MEDIA_TYPE = 'text/markdown';
export const ONNX_MEDIA_TYPE = 'application/octet-stream';
/** Rows per runtime call unless the caller says otherwise. */
export const PREDICT_BATCH_ROWS = 65_536;

/** An input column as a check sees it: name, Arrow type name, unit (from `genesis:unit` field metadata). */
export interface ColumnInfo {
  name: string;
  type: string;
  unit?: string;
  nullCount?: number;
}
export interface SignatureColumn {
  name: string;
  type: string;
  unit?: string;
  nullable?: boolean;
}

/** Input types a signature type accepts without loss (cast by the platform before the runtime). */
const ACCEPTS: Record<string, readonly string[]> = {
  float64: ['float64', 'float32', 'float16', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'],
  float32: ['float32', 'float16', 'int8', 'int16', 'uint8', 'uint16'],
  int64: ['int64', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'],
  int32: ['int32', 'int8', 'int16', 'uint8', 'uint16']
};

/** Whether a column of Arrow type `actual` can feed a signature column of type `expected`. */
export function acceptsType(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (expected === 'utf8') return actual === 'utf8' || actual === 'large_utf8' || actual.startsWith('dictionary<');
  return (ACCEPTS[expected] ?? []).includes(actual);
}

/**
 * The one input rule of every runtime, stated per column: each signature input must be present,
 * of an accepted type, in the signature's unit (a column without a unit is taken as given), and
 * without nulls unless the input is nullable. Answers one message per problem, naming the column
 * and what the signature expects; empty when the input fits. Extra columns are ignored.
 */
export function signatureProblems(inputs: readonly SignatureColumn[], columns: readonly ColumnInfo[]): string[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const problems: string[] = [];
  for (const want of inputs) {
    const got = byName.get(want.name);
    const expects = `${want.type}${want.unit ? ` in ${want.unit}` : ''}`;
    if (!got) {
      const near = closest(
        want.name,
        columns.map((c) => c.name)
      );
      problems.push(
        `missing input column "${want.name}" (expected ${expects})` +
          (near.length ? `; the table has ${near.map((n) => `"${n}"`).join(', ')}` : '')
      );
      continue;
    }
    if (!acceptsType(want.type, got.type))
      problems.push(`column "${want.name}" is ${got.type}, but the model expects ${want.type}`);
    if (want.unit && got.unit && got.unit !== want.unit)
      problems.push(`column "${want.name}" is in ${got.unit}, but the model expects ${want.unit}`);
    if (!want.nullable && (got.nullCount ?? 0) > 0)
      problems.push(
        `column "${want.name}" has ${got.nullCount} null value${got.nullCount === 1 ? '' : 's'}, ` +
          'but the model does not accept nulls (drop or fill them first)'
      );
  }
  return problems;
}
