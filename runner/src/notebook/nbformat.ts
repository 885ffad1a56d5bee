import { z } from 'zod';

/**
 * The parts of nbformat 4 (https://nbformat.readthedocs.io/en/latest/format_description.html) the
 * runner reads and writes. Objects are loose: fields the runner does not use (attachments,
 * widget state, other tools' metadata) pass through unchanged.
 */
export const MultilineString = z.union([z.string(), z.array(z.string())]);
export type MultilineString = z.infer<typeof MultilineString>;

export const MimeBundle = z.record(z.string(), z.unknown());
export type MimeBundle = z.infer<typeof MimeBundle>;

export const StreamOutput = z.looseObject({
  output_type: z.literal('stream'),
  name: z.enum(['stdout', 'stderr']),
  text: MultilineString
});
export const DisplayDataOutput = z.looseObject({
  output_type: z.literal('display_data'),
  data: MimeBundle,
  metadata: MimeBundle.default({})
});
export const ExecuteResultOutput = z.looseObject({
  output_type: z.literal('execute_result'),
  execution_count: z.number().int().nullable(),
  data: MimeBundle,
  metadata: MimeBundle.default({})
});
export const ErrorOutput = z.looseObject({
  output_type: z.literal('error'),
  ename: z.string(),
  evalue: z.string(),
  traceback: z.array(z.string())
});
export const Output = z.discriminatedUnion('output_type', [
  StreamOutput,
  DisplayDataOutput,
  ExecuteResultOutput,
  ErrorOutput
]);
export type Output = z.infer<typeof Output>;

const cellBase = {
  id: z.string().min(1).max(64).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  source: MultilineString
};
export const CodeCell = z.looseObject({
  ...cellBase,
  cell_type: z.literal('code'),
  outputs: z.array(Output).default([]),
  execution_count: z.number().int().nullable().default(null)
});
export type CodeCell = z.infer<typeof CodeCell>;
export const MarkdownCell = z.looseObject({ ...cellBase, cell_type: z.literal('markdown') });
export const RawCell = z.looseObject({ ...cellBase, cell_type: z.literal('raw') });
export const Cell = z.discriminatedUnion('cell_type', [CodeCell, MarkdownCell, RawCell]);
export type Cell = z.infer<typeof Cell>;

export const KernelSpecMetadata = z.looseObject({
  name: z.string().min(1),
  display_name: z.string().optional(),
  language: z.string().optional()
});

export const NotebookMetadata = z.looseObject({
  kernelspec: KernelSpecMetadata.optional(),
  language_info: z.looseObject({ name: z.string().optional() }).optional()
});

/** The notebook without its cells: they are validated one by one, so an error can name the cell. */
export const NotebookShell = z.looseObject({
  nbformat: z.literal(4, {
    error: 'only nbformat 4 notebooks can be run (convert older ones with `jupyter nbconvert --to notebook`)'
  }),
  nbformat_minor: z.number().int().nonnegative(),
  metadata: NotebookMetadata.default({}),
  cells: z.array(z.unknown())
});

export type NotebookMetadata = z.infer<typeof NotebookMetadata>;
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
  [field: string]: unknown;
}

export const text = (s: MultilineString | undefined): string => (Array.isArray(s) ? s.join('') : (s ?? ''));
