import {
  canonicalJson,
  LINEAGE_MIME_TYPE,
  normalizeOutputs,
  outputDigest,
  sha256Hex,
  type CellProvenance,
  type NormalizedOutput,
  type NotebookOutputInput,
  type Tolerance
} from '@genesis-lab/contract';
import { createTwoFilesPatch } from 'diff';
import { readHtml } from './html-tables';
import { ValueComparison } from './values';

/** How one cell's reproduced outputs compare with the recorded ones. */
export type OutputComparison =
  | { status: 'reproduced'; ignoredOutputs: number[] }
  | {
      status: 'within-tolerance';
      ignoredOutputs: number[];
      tolerance: Tolerance;
      maxAbsDiff: number;
      maxRelDiff: number;
    }
  | { status: 'differs'; ignoredOutputs: number[]; diff: string; outputIndex?: number };

const IMAGE = /^image\//;
const JSON_MIME = /(^application\/json$)|(\+json$)/;

/**
 * Compare a cell's outputs as recorded (`expected`) and as reproduced (`actual`), after the one
 * normalisation of the contract (normalizeOutputs: no execution counts, display ids, volatile
 * lineage fields). Texts and numbers compare exactly or within the cell's declared tolerance,
 * HTML tables by rows and values, JSON (lineage records included) by value, images by digest.
 * Outputs the cell declares non-deterministic are left out, by declaration only.
 */
export function compareOutputs(
  expected: readonly NotebookOutputInput[],
  actual: readonly NotebookOutputInput[],
  declared: CellProvenance = {}
): OutputComparison {
  const e = normalizeOutputs(expected);
  const a = normalizeOutputs(actual);
  const ignored =
    declared.nondeterministic === true
      ? [...new Set([...e.keys(), ...a.keys()])]
      : (declared.nondeterministic ?? []).filter((i) => i < Math.max(e.length, a.length));
  const keep = (outs: NormalizedOutput[]) => outs.map((o, i) => ({ o, i })).filter(({ i }) => !ignored.includes(i));
  const ke = keep(e);
  const ka = keep(a);
  const ignoredOutputs = [...ignored].sort((x, y) => x - y);

  if (ke.length !== ka.length)
    return {
      status: 'differs',
      ignoredOutputs,
      outputIndex:
        Math.min(ke.length, ka.length) < ke.length ? ke[Math.min(ke.length, ka.length)]!.i : ka[ke.length]?.i,
      diff: `${plural(ke.length, 'output')} recorded, ${ka.length} reproduced\n${textDiff(ke.map((x) => render(x.o)).join('\n'), ka.map((x) => render(x.o)).join('\n'))}`
    };
  const values = new ValueComparison(declared.tolerance);
  let first: number | undefined;
  for (let k = 0; k < ke.length; k++) {
    const before = values.lines.length;
    compareOne(ke[k]!.o, ka[k]!.o, values, `output ${ke[k]!.i + 1}`);
    if (first === undefined && values.lines.length > before) first = ke[k]!.i;
  }
  if (!values.equal) return { status: 'differs', ignoredOutputs, outputIndex: first, diff: values.lines.join('\n') };
  if (values.tolerated > 0 && declared.tolerance)
    return {
      status: 'within-tolerance',
      ignoredOutputs,
      tolerance: declared.tolerance,
      maxAbsDiff: values.maxAbsDiff,
      maxRelDiff: values.maxRelDiff
    };
  return { status: 'reproduced', ignoredOutputs };
}

function compareOne(e: NormalizedOutput, a: NormalizedOutput, v: ValueComparison, where: string): void {
  if (outputDigest(e) === outputDigest(a)) return;
  if (e.output_type !== a.output_type) {
    v.differ(`${where}: ${e.output_type} recorded, ${a.output_type} reproduced\n${textDiff(render(e), render(a))}`);
    return;
  }
  if (e.output_type === 'stream' && a.output_type === 'stream') {
    if (e.name !== a.name) v.differ(`${where}: ${e.name} recorded, ${a.name} reproduced`);
    else if (!v.texts(e.text, a.text)) v.differ(`${where} (${e.name}):\n${textDiff(e.text, a.text)}`);
    return;
  }
  if (e.output_type === 'error' && a.output_type === 'error') {
    const te = `${e.ename}: ${e.evalue}`;
    const ta = `${a.ename}: ${a.evalue}`;
    if (!v.texts(te, ta)) v.differ(`${where} (error):\n${textDiff(te, ta)}`);
    return;
  }
  if ('data' in e && 'data' in a) compareBundles(e.data, a.data, v, where);
}

function compareBundles(
  e: Record<string, unknown>,
  a: Record<string, unknown>,
  v: ValueComparison,
  where: string
): void {
  const me = Object.keys(e).sort();
  const ma = Object.keys(a).sort();
  if (me.join() !== ma.join()) {
    v.differ(`${where}: MIME types ${me.join(', ')} recorded, ${ma.join(', ')} reproduced`);
    return;
  }
  // A table's text/plain is derived from the same rows as its HTML: compare the table once.
  const htmlTable = typeof e['text/html'] === 'string' && /<table[\s>]/i.test(e['text/html']);
  for (const mime of me) {
    const x = e[mime];
    const y = a[mime];
    if (mime === 'text/plain' && htmlTable) continue;
    if (mime === LINEAGE_MIME_TYPE) v.json(x, y, `${where} lineage`);
    else if (IMAGE.test(mime)) {
      if (canonicalJson(x) !== canonicalJson(y))
        v.differ(`${where} ${mime}: the image differs (sha256 ${digest(x)} recorded, ${digest(y)} reproduced)`);
    } else if (JSON_MIME.test(mime)) v.json(x, y, `${where} ${mime}`);
    else if (mime === 'text/html' && typeof x === 'string' && typeof y === 'string')
      compareHtml(x, y, v, `${where} ${mime}`);
    else if (!v.texts(String(x), String(y))) v.differ(`${where} ${mime}:\n${textDiff(String(x), String(y))}`);
  }
}

function compareHtml(x: string, y: string, v: ValueComparison, where: string): void {
  const e = readHtml(x);
  const a = readHtml(y);
  if (!e.tables.length && !a.tables.length) {
    if (!v.texts(x, y)) v.differ(`${where}:\n${textDiff(x, y)}`);
    return;
  }
  if (!v.texts(e.text, a.text)) v.differ(`${where} caption: ${e.text} → ${a.text}`);
  if (e.tables.length !== a.tables.length) {
    v.differ(`${where}: ${plural(e.tables.length, 'table')} recorded, ${a.tables.length} reproduced`);
    return;
  }
  e.tables.forEach((te, t) => {
    const ta = a.tables[t]!;
    const name = e.tables.length > 1 ? `${where} table ${t + 1}` : `${where} table`;
    if (te.header.join('\u0000') !== ta.header.join('\u0000'))
      v.differ(`${name} columns: ${te.header.join(', ')} → ${ta.header.join(', ')}`);
    if (te.rows.length !== ta.rows.length)
      v.differ(`${name}: ${plural(te.rows.length, 'row')} shown recorded, ${ta.rows.length} reproduced`);
    const shown = Math.min(te.rows.length, ta.rows.length);
    let listed = 0;
    for (let r = 0; r < shown; r++) {
      const re = te.rows[r]!;
      const ra = ta.rows[r]!;
      for (let c = 0; c < Math.max(re.length, ra.length); c++) {
        const ce = re[c] ?? '';
        const ca = ra[c] ?? '';
        if (v.texts(ce, ca)) continue;
        // The helpers' first column is the row number; name columns by the header.
        if (listed++ < 20) v.differ(`${name} row ${re[0] || r}, column ${te.header[c] || c + 1}: ${ce} → ${ca}`);
      }
    }
    if (listed > 20) v.differ(`${name}: ${listed - 20} more values differ`);
  });
}

/** A unified diff of two texts without the file header lines. */
export function textDiff(expected: string, actual: string): string {
  const patch = createTwoFilesPatch('recorded', 'reproduced', ensureNewline(expected), ensureNewline(actual), '', '', {
    context: 2
  });
  return patch
    .split('\n')
    .filter((l) => !/^(=+|Index:|---|\+\+\+)/.test(l))
    .join('\n')
    .trimEnd();
}

const ensureNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const digest = (x: unknown) => sha256Hex(typeof x === 'string' ? x : canonicalJson(x)).slice(0, 12);

/** An output as text for a diff: a stream's text, an error's name and value, a bundle's plain text (or its MIME types). */
function render(o: NormalizedOutput): string {
  if (o.output_type === 'stream') return o.text;
  if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
  const plain = o.data['text/plain'];
  if (typeof plain === 'string') return plain;
  if (LINEAGE_MIME_TYPE in o.data) return `lineage ${canonicalJson(o.data[LINEAGE_MIME_TYPE])}`;
  return `[${o.output_type}: ${Object.keys(o.data).join(', ')}]`;
}
