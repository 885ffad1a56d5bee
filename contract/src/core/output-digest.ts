import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { LINEAGE_MIME_TYPE } from './lineage';
import type { MultilineString, NotebookOutputInput } from '../nbformat';

/**
 * THE normalisation and hashing of cell outputs. The extension (capture), the headless runner
 * (capture, comparison) and the platform (lineage by output hash, export) all call these, so a
 * reproduced output has the same hash as the original exactly when it shows the same thing.
 * No zod here and no `node:` module: it runs in the browser, in kernels and in the platform.
 * A pure-JS sha256 (@noble/hashes) because Web Crypto is async and absent outside secure
 * contexts (a JupyterLab served over plain http on a cluster node).
 */

/** An output with everything that changes between identical runs removed. */
export type NormalizedOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | {
      output_type: 'display_data' | 'execute_result';
      data: Record<string, unknown>;
      metadata?: Record<string, unknown>;
    }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/**
 * Fields of a lineage record that differ between two runs that used the same things: when
 * (`at`), from which platform URL, which job id the facility gave, whether a ref was pinned,
 * and the state a job happened to be in when it was submitted or observed.
 */
export const LINEAGE_VOLATILE_FIELDS: readonly string[] = ['at', 'platform', 'jobId', 'nativeId', 'pinned'];

/** sha256 of a string's UTF-8 bytes, as 64 lower-case hex digits (cell code is hashed with it). */
export function sha256Hex(text: string | Uint8Array): string {
  return bytesToHex(sha256(typeof text === 'string' ? utf8ToBytes(text) : text));
}

/**
 * JSON with object keys sorted and no whitespace, so equal values always give equal bytes.
 * Keys whose value is `undefined` are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Terminal semantics for one stream text, as JupyterLab shows it: "\r\n" is a newline, a bare
 * "\r" returns to the start of the line and what follows overwrites it, "\b" steps back.
 */
export function resolveCarriageReturns(text: string): string {
  if (!/[\r\b]/.test(text)) return text;
  return text
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      let at = 0;
      for (const ch of line) {
        if (ch === '\r') at = 0;
        else if (ch === '\b') at = Math.max(0, at - 1);
        else cells[at++] = ch;
      }
      return cells.join('');
    })
    .join('\n');
}

const BINARY_IMAGE = /^image\/(png|jpeg|gif|webp|bmp)$/;
const JSON_MIME = /(^application\/json$)|(\+json$)/;

function text(t: MultilineString | unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.join('');
  return String(t);
}

function normalizeLineage(record: unknown): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const k of LINEAGE_VOLATILE_FIELDS) delete out[k];
  // A submitted or observed job's state is whatever it was at that instant; an awaited one's is its end.
  if (out.kind === 'job' && out.action !== 'awaited') delete out.state;
  // What a job staged in is compared like a read: the version and digest, not whether a pin chose it.
  if (out.kind === 'job' && Array.isArray(out.stagedIn)) out.stagedIn = out.stagedIn.map(normalizeLineage);
  return out;
}

function normalizeBundle(data: Record<string, unknown>): Record<string, unknown> {
  // A lineage output is its record; its text/plain line is derived from it (and names the job id).
  if (LINEAGE_MIME_TYPE in data) return { [LINEAGE_MIME_TYPE]: normalizeLineage(data[LINEAGE_MIME_TYPE]) };
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) {
    if (JSON_MIME.test(mime)) out[mime] = value;
    else if (BINARY_IMAGE.test(mime)) out[mime] = text(value).replace(/\s+/g, '');
    else out[mime] = text(value);
  }
  return out;
}

function normalizeMetadata(m: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return m && Object.keys(m).length > 0 ? m : undefined;
}

/**
 * The outputs of one cell, normalised: consecutive stream outputs of one name merged (how the
 * kernel split its writes into messages is timing), carriage returns resolved, execution counts,
 * display ids (`transient`) and empty metadata dropped, base64 image data without line breaks,
 * lineage records without their volatile fields.
 */
export function normalizeOutputs(outputs: readonly NotebookOutputInput[]): NormalizedOutput[] {
  const merged: NormalizedOutput[] = [];
  const pending: Record<number, string> = {};
  for (const o of outputs) {
    if (o.output_type === 'stream') {
      const last = merged[merged.length - 1];
      if (last && last.output_type === 'stream' && last.name === o.name) {
        pending[merged.length - 1] += text(o.text);
        continue;
      }
      merged.push({ output_type: 'stream', name: o.name, text: '' });
      pending[merged.length - 1] = text(o.text);
    } else if (o.output_type === 'error') {
      merged.push({ output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: [...o.traceback] });
    } else {
      const metadata = normalizeMetadata(o.metadata);
      merged.push({
        output_type: o.output_type,
        data: normalizeBundle(o.data),
        ...(metadata ? { metadata } : {})
      });
    }
  }
  for (const [i, t] of Object.entries(pending)) {
    (merged[Number(i)] as { text: string }).text = resolveCarriageReturns(t);
  }
  return merged;
}

/** The hash of one normalised output: sha256 of its canonical JSON. */
export function outputDigest(output: NormalizedOutput): string {
  return sha256Hex(canonicalJson(output));
}

/** Normalise a cell's outputs and hash each: what capture records and comparison matches on. */
export function digestOutputs(outputs: readonly NotebookOutputInput[]): { output: NormalizedOutput; sha256: string }[] {
  return normalizeOutputs(outputs).map((output) => ({ output, sha256: outputDigest(output) }));
}

/** The MIME types an output offers (empty for streams and errors). */
export function outputMimeTypes(output: NormalizedOutput): string[] {
  return 'data' in output ? Object.keys(output.data).sort() : [];
}
