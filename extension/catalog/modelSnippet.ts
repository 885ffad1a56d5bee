import { formatRef, type ModelSignature, type SignatureField } from '@genesis-lab/contract';
import { variableName } from './snippet';

export interface IModelSnippetSource {
  id: string;
  version: string;
  title?: string;
  signature: ModelSignature;
}

/** How the cell builds an example value of each signature type (tableFromArrays infers the Arrow type from it). */
const EXAMPLE: Record<string, { array: string; zero: string }> = {
  bool: { array: '', zero: 'false' },
  int8: { array: 'Int8Array', zero: '0' },
  int16: { array: 'Int16Array', zero: '0' },
  int32: { array: 'Int32Array', zero: '0' },
  int64: { array: 'BigInt64Array', zero: '0n' },
  uint8: { array: 'Uint8Array', zero: '0' },
  uint16: { array: 'Uint16Array', zero: '0' },
  uint32: { array: 'Uint32Array', zero: '0' },
  uint64: { array: 'BigUint64Array', zero: '0n' },
  // JavaScript has no Float16Array everywhere yet: a float32 column, which the user converts.
  float16: { array: 'Float32Array', zero: '0' },
  float32: { array: 'Float32Array', zero: '0' },
  float64: { array: 'Float64Array', zero: '0' },
  utf8: { array: '', zero: '""' }
};

/**
 * The code of the cell the model view's "Insert" writes: a one-row input table with every input
 * column of the version's signature (its Arrow type, the signature's example value else zero, a
 * comment with unit and description), the
 * predict call pinned to the version shown, and the outputs shown as a table beside the inputs.
 */
export function modelSnippet(source: IModelSnippetSource): string {
  const ref = formatRef({ id: source.id, version: source.version });
  const { inputs, outputs } = source.signature;
  const scalar = inputs.filter((f) => f.shape.length === 0);
  const vectors = inputs.filter((f) => f.shape.length > 0);
  const columns = scalar.map((f, i) => {
    const e = EXAMPLE[f.type] ?? { array: '', zero: '0' };
    const literal = exampleLiteral(f) ?? e.zero;
    const value = e.array ? `${e.array}.of(${literal})` : `[${literal}]`;
    const comma = i < scalar.length - 1 ? ',' : '';
    return `  ${propertyName(f.name)}: ${value}${comma} // ${describe(f)}`;
  });
  // Inputs beside the outputs, unless a name is both (the output would hide it).
  const outputNames = new Set(outputs.map((f) => f.name));
  const passthrough = scalar.some((f) => outputNames.has(f.name))
    ? ''
    : `, { passthrough: [${scalar.map((f) => JSON.stringify(f.name)).join(', ')}] }`;
  const variable = variableName(source.id);
  const title = source.title ? `// ${oneLine(source.title)}\n` : '';
  return [
    `import { genesis } from "@genesis-lab/kernel";`,
    `import { tableFromArrays, type Table } from "apache-arrow";`,
    ``,
    `${title}// Inputs of ${ref}, one example row: put your values here (one array element per row).`,
    ...vectors.map(
      (f) =>
        `// ${JSON.stringify(f.name)} takes a [${f.shape.join(', ')}] ${f.type} value per row: add it as a FixedSizeList column.`
    ),
    `const input: Table = tableFromArrays({`,
    ...columns,
    `});`,
    `// Outputs: ${outputs.map(describe).join('; ')}`,
    `const ${variable}: Table = await genesis.model(${JSON.stringify(ref)}).predict(input${passthrough});`,
    `await genesis.show(${variable});`
  ].join('\n');
}

/**
 * The signature's example value as a literal of the column's type, when it has one that fits
 * (a number for numeric types, a string for utf8, a boolean for bool); else undefined (zero).
 */
function exampleLiteral(f: SignatureField): string | undefined {
  const x = f.example;
  if (x === undefined) return undefined;
  if (f.type === 'utf8') return typeof x === 'string' ? JSON.stringify(x) : undefined;
  if (f.type === 'bool') return typeof x === 'boolean' ? String(x) : undefined;
  if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
  if (f.type === 'int64' || f.type === 'uint64') return Number.isInteger(x) ? `${x}n` : undefined;
  if (f.type.startsWith('int') || f.type.startsWith('uint')) return Number.isInteger(x) ? String(x) : undefined;
  return String(x);
}

/** `decimal_year: float64 in a, Time as a decimal year…` */
function describe(f: SignatureField): string {
  const shape = f.shape.length ? ` [${f.shape.join(', ')}]` : '';
  const unit = f.unit ? ` in ${f.unit}` : '';
  const nullable = f.nullable ? ', nullable' : '';
  const text = f.description ? `: ${oneLine(f.description)}` : '';
  return `${f.name} (${f.type}${shape}${unit}${nullable})${text}`;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
